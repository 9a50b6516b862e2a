#!/usr/bin/env python
"""Cold start of the desktop app: ``ecolca open kalundborg`` to an interactive window, against a
bare PySide6 window measured in the same run.

Run with ``.venv/bin/python benchmarks/cold_start.py [--repeat 7] [--park kalundborg]
[--seconds 3] [--keep] [--json-out FILE] [--code worktree|installed|REV]`` (about 2 min).

Three kinds of fresh process, each started ``--repeat`` times (at least 5), the kinds alternated
and their order rotated every round so that drift of the (shared) machine affects all alike:

* ``bare``: a script that imports PySide6, shows a ``QMainWindow`` (a central widget, 1280×800)
  and nothing else: the floor for any Qt window on this machine.
* ``python -m ecolca open PARK`` (``-m``);
* the ``ecolca`` console script of the environment (``ecolca open PARK``), when it exists.

Every child runs with ``ECOLCA_STARTUP_PROBE=FILE`` (:mod:`ecolca.app.startup_probe`; the bare
window loads the same file by path and calls the same ``install``). The probe records:

* **time to interactive**: from just before the ``fork()`` of the child (``time.monotonic()``
  in the launcher) to the first moment, after the watched widget (the park's canvas; the bare
  window's central widget) has been painted with the park drawn, at which the GUI thread's event
  loop has nothing left to do and is about to wait (``QAbstractEventDispatcher.aboutToBlock``);
  ``time.monotonic()`` is one clock for all processes on Linux;
* **CPU time used until then** (``time.process_time()`` of the child: less sensitive than the
  wall time to other jobs on a shared machine, which only delay the child);
* **RSS at that moment** (``VmRSS``) and the process's **peak RSS** over its life (``ru_maxrss``
  from ``os.wait4`` in the launcher; the launcher forks a small process, so the figure is the
  child's own, as in ``cli_scale.py``). The life includes the ``--seconds`` after the first
  paint, during which ecolca loads Brightway on worker threads;
* **the longest stall of the GUI thread** in the ``--seconds`` (default 3) after the first paint:
  a 5 ms ``QTimer`` heartbeat; a stall is the gap between two beats minus 5 ms;
* which thread first imported bw2data, bw2calc, bw2io, matplotlib, pandas, scipy, numpy and
  openpyxl (a ``sys.meta_path`` finder that finds nothing), and when.

The child quits after ``--seconds``. Medians are printed per kind, with ratios to the bare window
and PASS/FAIL against the targets of issue #23 (3): time to interactive ≤ 1 s (median of ``-m``),
≤ 7× the bare window (medians, same run), no GUI-thread stall over 100 ms (the worst of all runs),
and none of bw2data, bw2calc, bw2io, matplotlib, pandas, scipy imported on the GUI thread before
the window was interactive or during the heartbeat. The script exits 0: it is a measurement.

Isolation: a temporary folder holds the Brightway folder (``BRIGHTWAY_DIR``; ``ecolca setup`` is
run once in it), Qt's settings (``XDG_CONFIG_HOME``: the app's window geometry and recent files)
and the app's autosaves (``ECOLCA_RECOVERY_DIR``); it is deleted at the end unless ``--keep``.
Without ``DISPLAY``/``WAYLAND_DISPLAY`` the children use Qt's ``offscreen`` platform (no window
server: painting is in memory, so the figures are below what a desktop shows).
The code measured is frozen at the start (``--code``, as in ``cli_scale.py``) and compiled to
bytecode there (``compileall``), as an installed package is: with ``PYTHONDONTWRITEBYTECODE`` set
(this machine's shells set it) every start would compile ecolca's modules from source, about 1 s
more; the variable is removed from the children's environment.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CODE_PARTS = ("src/ecolca", "databases", "ui")
MiB = 1024 * 1024

TARGET_SECONDS = 1.0
TARGET_RATIO = 7.0
TARGET_STALL_MS = 100.0
# what must never load on the GUI thread at start-up (numpy and openpyxl are reported, not judged)
GUI_FORBIDDEN = ("bw2data", "bw2calc", "bw2io", "matplotlib", "pandas", "scipy")

LAUNCHER = r'''
"""Run argv[2:] in a forked child; write the monotonic time of the fork, the wall time, the
child's ru_maxrss (KiB) and its exit status to argv[1]."""
import json, os, sys, time

side, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execv(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
rc = os.waitstatus_to_exitcode(status)
with open(side, "w") as fh:
    json.dump({"t_fork": t0, "wall": wall, "maxrss_kib": ru.ru_maxrss, "rc": rc}, fh)
sys.exit(0 if rc == 0 else 1)
'''

BARE = r'''
"""The baseline: a bare PySide6 main window, measured by the same probe as ecolca."""
import importlib.util
import os
import sys

probe_file, out = sys.argv[1], os.environ["ECOLCA_STARTUP_PROBE"]
spec = importlib.util.spec_from_file_location("startup_probe", probe_file)
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)
imports = probe.watch_imports()

from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

app = QApplication(sys.argv[:1])
win = QMainWindow()
win.setCentralWidget(QWidget())
win.resize(1280, 800)
win.show()
probe.install(app, win.centralWidget(), out, imports=imports)
sys.exit(app.exec())
'''


def freeze_code(tmp: str, spec: str) -> tuple[str | None, str]:
    """Copy the code to measure into ``tmp``; (folder to put on PYTHONPATH, label)."""
    import io
    import tarfile

    def git(*args) -> bytes:
        return subprocess.run(["git", "-C", REPO, *args], check=True, capture_output=True).stdout

    if spec == "installed":
        return None, "installed package (live files)"
    root = os.path.join(tmp, "code")
    os.makedirs(root)
    try:
        head = git("rev-parse", "--short", "HEAD").decode().strip()
    except (OSError, subprocess.CalledProcessError):
        head = "?"
    if spec == "worktree":
        for part in CODE_PARTS:
            shutil.copytree(os.path.join(REPO, part), os.path.join(root, part),
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        try:
            dirty = [d for d in git("status", "--porcelain", "--", *CODE_PARTS).decode().split("\n")
                     if d.strip()]
        except (OSError, subprocess.CalledProcessError):
            dirty = ["?"]
        label = (f"working tree copied at start (HEAD {head}, {len(dirty)} changed file(s) under "
                 "src/ecolca, databases, ui)")
    else:
        rev = git("rev-parse", "--short", spec).decode().strip()
        with tarfile.open(fileobj=io.BytesIO(git("archive", "--format=tar", spec, *CODE_PARTS))) as tf:
            tf.extractall(root)
        label = f"git revision {spec} ({rev}), exported with git archive"
    return os.path.join(root, "src"), label


def run_child(tmp: str, kind: str, cmd: list[str], env: dict) -> dict:
    """One child through the launcher, with the probe; its measurements (None where missing)."""
    side = os.path.join(tmp, "launcher-out.json")
    probe = os.path.join(tmp, "probe.json")
    for f in (side, probe):
        if os.path.exists(f):
            os.remove(f)
    env = dict(env, ECOLCA_STARTUP_PROBE=probe)
    with open(os.path.join(tmp, f"stderr-{kind}.txt"), "wb") as err:
        subprocess.run([sys.executable, os.path.join(tmp, "launcher.py"), side] + cmd, env=env,
                       stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
    rec: dict = {"kind": kind, "rc": None, "interactive_s": None, "painted_s": None, "cpu_s": None,
                 "rss_idle": None, "peak_rss": None, "max_stall_ms": None, "imports": {}}
    try:
        with open(side, encoding="utf-8") as fh:
            launch = json.load(fh)
        rec.update(rc=launch["rc"], peak_rss=launch["maxrss_kib"] * 1024, wall_s=launch["wall"])
        with open(probe, encoding="utf-8") as fh:
            p = json.load(fh)
    except (OSError, ValueError, KeyError):
        return rec
    t0 = launch["t_fork"]
    rec.update(interactive_s=p["t_idle"] - t0 if p.get("t_idle") else None,
               painted_s=p["t_painted"] - t0 if p.get("t_painted") else None,
               cpu_s=p.get("cpu_idle"),
               rss_idle=p.get("rss_idle"), max_stall_ms=p.get("max_stall_ms"),
               beats=p.get("beats"),
               imports={k: {"gui_thread": v["gui_thread"], "thread": v["thread"],
                            "at_s": None if v["t"] is None else v["t"] - t0}
                        for k, v in (p.get("imports") or {}).items()})
    return rec


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, spec: str, scale: float = 1.0) -> str:
    return "?" if x is None else format(x / scale, spec)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs of each kind (7; at least 5)")
    ap.add_argument("--park", default="kalundborg", help="file or bundled example to open")
    ap.add_argument("--seconds", type=float, default=3.0,
                    help="heartbeat after the first paint, then the child quits (3)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--json-out", metavar="FILE", help="save the raw measurements here")
    ap.add_argument("--code", default="worktree",
                    help="code to measure: 'worktree' (copy of src/ at start, default), "
                         "'installed' (live files), or a git revision")
    a = ap.parse_args(argv)
    repeat = max(5, a.repeat)
    tmp = tempfile.mkdtemp(prefix="ecolca-cold-start-")
    bw = os.path.join(tmp, "brightway")
    env = dict(os.environ, BRIGHTWAY_DIR=bw, BRIGHTWAY2_DIR=bw,
               XDG_CONFIG_HOME=os.path.join(tmp, "config"),
               ECOLCA_RECOVERY_DIR=os.path.join(tmp, "recovery"),
               ECOLCA_STARTUP_PROBE_SECONDS=str(a.seconds), TQDM_DISABLE="1")
    env.pop("ECOLCA_PROJECT", None)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    raw: dict = {"machine": {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                             "platform": platform.platform(),
                             "qt_platform": env.get("QT_QPA_PLATFORM", "(default)")},
                 "repeat": repeat, "park": a.park, "seconds": a.seconds,
                 "loadavg_start": os.getloadavg(), "runs": []}
    try:
        print(f"ecolca cold-start benchmark — temporary folder {tmp} "
              f"({'kept' if a.keep else 'removed at the end'})")
        code_dir, code_label = freeze_code(tmp, a.code)
        raw["code"] = code_label
        if code_dir:
            env["PYTHONPATH"] = os.pathsep.join([code_dir] + [p for p in [env.get("PYTHONPATH")] if p])
            # as installed (pip writes the bytecode): the children must not compile ecolca's
            # modules from source at every start
            subprocess.run([sys.executable, "-m", "compileall", "-q", code_dir], check=True)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        probe_file = os.path.join(code_dir or os.path.join(REPO, "src"), "ecolca", "app",
                                  "startup_probe.py")
        print(f"code: {code_label}\nPython {raw['machine']['python']}, {os.cpu_count()} CPUs, "
              f"Qt platform {raw['machine']['qt_platform']}; load average "
              f"{' '.join(f'{x:.2f}' for x in raw['loadavg_start'])}", flush=True)
        for name, text in (("launcher.py", LAUNCHER), ("bare.py", BARE)):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as fh:
                fh.write(text)
        t0 = time.monotonic()
        cp = subprocess.run([sys.executable, "-m", "ecolca", "setup"], env=env,
                            capture_output=True, text=True)
        if cp.returncode != 0:
            print(f"ecolca setup failed:\n{cp.stderr}")
            return 0
        print(f"ecolca setup (once, in the temporary Brightway folder): "
              f"{time.monotonic() - t0:.1f} s", flush=True)

        kinds = {"bare": [sys.executable, os.path.join(tmp, "bare.py"), probe_file],
                 "-m": [sys.executable, "-m", "ecolca", "open", a.park]}
        script = os.path.join(os.path.dirname(sys.executable), "ecolca")
        if os.path.exists(script):
            kinds["script"] = [script, "open", a.park]
        else:
            print(f"(no console script at {script}: `ecolca open` not measured)")
        names = list(kinds)
        for i in range(repeat):
            order = names[i % len(names):] + names[:i % len(names)]
            line = []
            for kind in order:
                rec = run_child(tmp, kind, kinds[kind], env)
                rec["round"] = i
                raw["runs"].append(rec)
                line.append(f"{kind} {fmt(rec['interactive_s'], '.3f')} s "
                            f"(stall {fmt(rec['max_stall_ms'], '.0f')} ms)")
                if rec["interactive_s"] is None:
                    line[-1] += f" FAILED rc={rec['rc']}, see stderr-{kind}.txt"
            print(f"  round {i + 1}/{repeat}: " + "; ".join(line), flush=True)
        raw["loadavg_end"] = os.getloadavg()
        return report(raw, names)
    finally:
        if a.json_out:
            with open(a.json_out, "w", encoding="utf-8") as fh:
                json.dump(raw, fh, indent=1)
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report(raw: dict, names: list[str]) -> int:
    by = {k: [r for r in raw["runs"] if r["kind"] == k] for k in names}
    stats = {}
    print(f"\nmedians of {raw['repeat']} runs each (load average at the end "
          f"{' '.join(f'{x:.2f}' for x in raw['loadavg_end'])}):")
    print(f"  {'kind':<8} {'interactive s':>13} {'painted s':>10} {'CPU s':>6} {'RSS idle MiB':>13} "
          f"{'peak MiB':>9} {'stall ms med/max':>17} {'× bare':>7}")
    base = med(r["interactive_s"] for r in by["bare"])
    for k in names:
        runs = by[k]
        s = {"interactive_s": med(r["interactive_s"] for r in runs),
             "painted_s": med(r["painted_s"] for r in runs),
             "cpu_s": med(r["cpu_s"] for r in runs),
             "rss_idle": med(r["rss_idle"] for r in runs),
             "peak_rss": med(r["peak_rss"] for r in runs),
             "stall_med_ms": med(r["max_stall_ms"] for r in runs),
             "stall_max_ms": max((r["max_stall_ms"] for r in runs if r["max_stall_ms"] is not None),
                                 default=None),
             "failed": sum(r["interactive_s"] is None for r in runs)}
        s["ratio"] = s["interactive_s"] / base if base and s["interactive_s"] else None
        stats[k] = s
        print(f"  {k:<8} {fmt(s['interactive_s'], '13.3f')} {fmt(s['painted_s'], '10.3f')} "
              f"{fmt(s['cpu_s'], '6.3f')} "
              f"{fmt(s['rss_idle'], '13.0f', MiB)} {fmt(s['peak_rss'], '9.0f', MiB)} "
              f"{fmt(s['stall_med_ms'], '8.0f')}/{fmt(s['stall_max_ms'], '<8.0f')} "
              f"{fmt(s['ratio'], '7.2f')}" + (f"  ({s['failed']} failed)" if s["failed"] else ""))
    raw["stats"] = stats

    print("\nfirst import of each heavy package (thread; seconds after the fork, median):")
    on_gui: dict[str, set] = {}
    for k in names:
        if k == "bare":
            continue
        seen: dict[str, list] = {}
        for r in by[k]:
            for mod, v in r["imports"].items():
                seen.setdefault(mod, []).append(v)
                if v["gui_thread"] and mod in GUI_FORBIDDEN:
                    on_gui.setdefault(k, set()).add(mod)
        parts = []
        for mod, vs in sorted(seen.items(), key=lambda kv: med(v["at_s"] for v in kv[1]) or 0):
            gui = sum(v["gui_thread"] for v in vs)
            where = "GUI thread" if gui == len(vs) else "worker" if not gui else f"GUI in {gui}/{len(vs)}"
            parts.append(f"{mod} ({where}, {fmt(med(v['at_s'] for v in vs), '.2f')} s)")
        print(f"  {k:<8} " + (", ".join(parts) or "none"))
        not_seen = [m for m in GUI_FORBIDDEN if m not in seen]
        if not_seen:
            print(f"  {'':<8} not imported within {raw['seconds']:g} s of the first paint: "
                  f"{', '.join(not_seen)}")

    main_kind = "-m"
    checks = []
    for k in names:
        if k == "bare":
            continue
        s = stats[k]
        checks += [
            (f"{k}: time to interactive ≤ {TARGET_SECONDS:g} s",
             s["interactive_s"] is not None and s["interactive_s"] <= TARGET_SECONDS,
             f"{fmt(s['interactive_s'], '.3f')} s"),
            (f"{k}: ≤ {TARGET_RATIO:g}× the bare window", s["ratio"] is not None
             and s["ratio"] <= TARGET_RATIO, f"{fmt(s['ratio'], '.2f')}×"),
            (f"{k}: no GUI-thread stall > {TARGET_STALL_MS:g} ms (worst run)",
             s["stall_max_ms"] is not None and s["stall_max_ms"] <= TARGET_STALL_MS,
             f"{fmt(s['stall_max_ms'], '.0f')} ms"),
            (f"{k}: no Brightway/matplotlib/pandas/SciPy import on the GUI thread",
             not on_gui.get(k), ", ".join(sorted(on_gui.get(k, ()))) or "none"),
        ]
    print(f"\ntargets (issue #23, 3; '{main_kind}' is the one quoted):")
    for what, ok, value in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {what}: {value}")
    raw["checks"] = [{"what": w, "pass": ok, "value": v} for w, ok, v in checks]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
