#!/usr/bin/env python
"""How `ecolca run` scales with the size of the park, as a CLI user sees it, against a naive bw2calc
process measured in the same run.

Run with ``.venv/bin/python benchmarks/cli_scale.py [--sizes 10,100,1000,3000] [--repeat 3]
[--quick] [--keep] [--json-out FILE] [--code worktree|installed|REV]`` (about 10-15 min with the default sizes on 2 cores).

The code measured is frozen when the script starts (``--code``, default ``worktree``): a copy of
the working tree's ``src/ecolca`` (with ``databases/`` and ``ui/``) goes into the temporary folder and
is put first on ``sys.path`` / ``PYTHONPATH`` of this process and of every child, so that edits made
to ``src/`` while the benchmark runs cannot mix two versions in one measurement. ``--code REV``
exports a git revision instead (``git archive``); ``--code installed`` uses whatever
``import ecolca`` finds (the editable install: live files).

Everything happens in a fresh temporary Brightway folder: ``BRIGHTWAY_DIR`` and ``BRIGHTWAY2_DIR``
are set before ecolca or bw2data is imported (and passed to every child process); the folder is
removed at the end unless ``--keep``. The user's Brightway folder is never read or written.

For each size N (sites; exchanges = 3 × N asked of ``bench.generate_park``, 20 methods from
``bench.pick_methods(20)``) the park is saved as ``*.ecolca.json`` and two kinds of WHOLE processes
are timed (fresh interpreter, start-up and imports included):

* ecolca: ``python -m ecolca run PARK --json --project ecolca-bench``, stdout to a file (its size is
  the "JSON MiB" column). The first run writes the scenario's foreground database and is reported
  apart ("first"); the next ``--repeat`` runs find it unchanged ("median").
* naive: a small script (written into the temporary folder) that imports bw2data and bw2calc,
  activates the project and, for each of the 20 methods and each configuration, makes a fresh
  ``bw2calc.LCA`` of ``(fg, "park:linear")`` / ``(fg, "park:symbiotic")`` from
  ``bd.prepare_lca_inputs`` and calls ``lci()`` + ``lcia()`` (40 LCAs). It writes the 40 scores as
  JSON; they are compared with ``impacts[*].linear/symbiotic`` of ecolca's JSON (max relative
  difference printed).

ecolca runs and naive runs alternate, so slow drift of the machine affects both alike.

Measurements:

* Each child is started through a tiny launcher (``launcher.py`` in the temporary folder, a fresh
  interpreter that imports only ``os``/``sys``/``time``/``json``): it ``fork()``s, the forked
  process ``execv()``s the command, and the launcher reaps it with ``os.wait4(pid)``, writing the
  wall time and the ``ru_maxrss`` of that rusage to a side file.
* wall: ``time.perf_counter`` in the launcher, from just before ``fork()`` until the command has
  been reaped (interpreter start-up and imports of the command included, the launcher's own
  start-up, ~20 ms, not).
* peak memory: ``ru_maxrss`` (Linux: KiB) of the command, from the kernel. Why a launcher: Linux
  carries the RSS high-water mark of the process image that calls ``execve()`` into the new
  image's ``ru_maxrss``, so a child started directly from this (large, bw2data-loaded) process
  would report at least this process's size (checked: an empty ``python -c pass`` showed 410 MiB
  under a 400 MiB parent). The launcher's forked process is small when it execs, so the figure
  is the command's own peak (checked: 8 MiB for ``python -c pass``, 308 MiB for a child touching
  300 MiB). No polling (which could miss a short peak), no dependency on GNU ``time``.
  It is the peak of the command process itself (ecolca and the naive script start no children).

Targets (printed with PASS/FAIL; the script always exits 0, it is a measurement):
ecolca median / naive median ≤ 0.5 at every size; exponent of the ecolca median series ≤ 1.05
(least squares of log t against log N over all sizes); ecolca peak ≤ 1.5 × naive peak at every size.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# bench.py makes (and points BRIGHTWAY_DIR at) its own temporary folder when it is imported; this
# script uses its own, so that folder is removed at once and the environment is set again below,
# still before anything imports ecolca or bw2data.
import bench  # noqa: E402

shutil.rmtree(bench._TMP, ignore_errors=True)

_TMP = tempfile.mkdtemp(prefix="ecolca-cli-scale-")
BW_DIR = os.path.join(_TMP, "brightway")
os.environ["BRIGHTWAY_DIR"] = BW_DIR
os.environ["BRIGHTWAY2_DIR"] = BW_DIR
os.environ.pop("ECOLCA_PROJECT", None)
os.environ.setdefault("TQDM_DISABLE", "1")
PROJECT = "ecolca-bench"
MiB = 1024 * 1024
N_METHODS = 20

warnings.filterwarnings("ignore", message=r"[\s\S]*pypardiso")

TARGET_RATIO = 0.5
TARGET_EXPONENT = 1.05
TARGET_MEMORY = 1.5

NAIVE_SCRIPT = r'''
"""Naive baseline: one fresh bw2calc.LCA per (method, configuration); lci() + lcia() each time."""
import json
import sys
import warnings

warnings.filterwarnings("ignore", message=r"[\s\S]*pypardiso")
warnings.filterwarnings("ignore", message="All values in characterization matrix are zero")

import bw2calc as bc
import bw2data as bd

project, fg_name, methods_file, out_file = sys.argv[1:5]
bd.projects.set_current(project)
with open(methods_file, encoding="utf-8") as fh:
    methods = [tuple(m) for m in json.load(fh)]
scores = []
for m in methods:
    row = {"method": list(m)}
    for cfg in ("park:linear", "park:symbiotic"):
        fu, objs, remap = bd.prepare_lca_inputs(demand={(fg_name, cfg): 1}, method=m)
        lca = bc.LCA(demand=fu, data_objs=objs, remapping_dicts=remap)
        lca.lci()
        lca.lcia()
        row[cfg.split(":")[1]] = float(lca.score)
    scores.append(row)
with open(out_file, "w", encoding="utf-8") as fh:
    json.dump(scores, fh)
'''


LAUNCHER = r'''
"""Run argv[2:] in a forked child; write its wall time, ru_maxrss (KiB) and exit status to argv[1]."""
import json, os, sys, time

side, cmd = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
rc = os.waitstatus_to_exitcode(status)
with open(side, "w") as fh:
    json.dump({"wall": wall, "maxrss_kib": ru.ru_maxrss, "rc": rc}, fh)
sys.exit(0 if rc == 0 else 1)
'''


def run_child(cmd: list[str], env: dict, stdout_path: str, stderr_path: str) -> dict:
    """Run ``cmd`` through the launcher; wall seconds, peak RSS (bytes) and exit code of ``cmd``."""
    side = os.path.join(_TMP, "launcher-out.json")
    if os.path.exists(side):
        os.remove(side)
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        cp = subprocess.run([sys.executable, os.path.join(_TMP, "launcher.py"), side] + cmd,
                            env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    try:
        with open(side, encoding="utf-8") as fh:
            m = json.load(fh)
    except (OSError, ValueError):
        return {"wall": None, "peak": None, "rc": cp.returncode or -1}
    return {"wall": m["wall"], "peak": m["maxrss_kib"] * 1024, "rc": m["rc"]}


REPO = os.path.dirname(HERE)
CODE_PARTS = ("src/ecolca", "databases", "ui")


def freeze_code(spec: str) -> tuple[str | None, str]:
    """Copy the code to measure into the temporary folder; (folder to put on the path, label)."""
    import io
    import tarfile

    def git(*args) -> bytes:
        return subprocess.run(["git", "-C", REPO, *args], check=True, capture_output=True).stdout

    if spec == "installed":
        return None, "installed package (live files)"
    root = os.path.join(_TMP, "code")
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
            dirty = git("status", "--porcelain", "--", *CODE_PARTS).decode().split("\n")
            dirty = [d for d in dirty if d.strip()]
        except (OSError, subprocess.CalledProcessError):
            dirty = ["?"]
        label = f"working tree copied at start (HEAD {head}, {len(dirty)} changed file(s) under src/ecolca, databases, ui)"
    else:
        rev = git("rev-parse", "--short", spec).decode().strip()
        with tarfile.open(fileobj=io.BytesIO(git("archive", "--format=tar", spec, *CODE_PARTS))) as tf:
            tf.extractall(root)
        label = f"git revision {spec} ({rev}), exported with git archive"
    src = os.path.join(root, "src")
    sys.path.insert(0, src)
    os.environ["PYTHONPATH"] = os.pathsep.join([src] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    return src, label


def tail(path: str, n: int = 15) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return "".join(fh.readlines()[-n:])
    except OSError:
        return ""


def fit_exponent(ns: list[float], ts: list[float]) -> float | None:
    """Slope of the least-squares line of log t against log N."""
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts) if n > 0 and t and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in pts) / sxx


def max_rel_diff(ecolca_json: dict, naive: list[dict]) -> float:
    nv = {tuple(r["method"]): r for r in naive}
    worst = 0.0
    for imp in ecolca_json["impacts"]:
        ref_row = nv[tuple(imp["method"])]
        for cfg in ("linear", "symbiotic"):
            val, ref = imp[cfg], ref_row[cfg]
            if val is None:  # "not covered by <database>": ecolca prints no number (naive: noise)
                continue
            err = abs(val - ref) / abs(ref) if ref else abs(val)
            worst = max(worst, err)
    return worst


def show(x, spec: str, scale: float = 1.0) -> str:
    return "?" if x is None else format(x / scale, spec)


def med(xs):
    return statistics.median(xs) if xs else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,100,1000,3000", help="numbers of sites (10,100,1000,3000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size after the first (3)")
    ap.add_argument("--quick", action="store_true", help="sizes 10,100 and repeat 1")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--json-out", metavar="FILE", help="save the raw measurements here")
    ap.add_argument("--code", default="worktree",
                    help="code to measure: 'worktree' (copy of src/ at start, default), 'installed' "
                         "(live files), or a git revision")
    a = ap.parse_args(argv)
    if a.quick:
        a.sizes, a.repeat = "10,100", 1
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    repeat = max(1, a.repeat)
    t_start = time.perf_counter()
    parks_dir = os.path.join(_TMP, "parks")
    os.makedirs(parks_dir)
    raw = {"machine": {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                       "platform": platform.platform()},
           "sizes": sizes, "repeat": repeat, "loadavg_start": os.getloadavg(), "methods": [],
           "runs": []}
    try:
        print(f"ecolca CLI scale benchmark — temporary Brightway folder {BW_DIR} "
              f"({'kept' if a.keep else 'removed at the end'})")
        print(f"Python {raw['machine']['python']}, {os.cpu_count()} CPUs; sizes {sizes}; "
              f"first run + median of {repeat}", flush=True)
        code_dir, code_label = freeze_code(a.code)
        raw["code"] = code_label
        print(f"code: {code_label}", flush=True)
        from ecolca.brightway import bwcompat
        bwcompat.configure()  # creates BRIGHTWAY_DIR and sets BRIGHTWAY2_DIR
        if code_dir:
            assert os.path.realpath(ecolca.__file__).startswith(os.path.realpath(code_dir)), \
                f"ecolca imported from {ecolca.__file__}, not from the frozen copy"
        from ecolca import lca as ecolca_lca
        from ecolca.brightway import project
        from ecolca.importers import setup as setup_mod
        from ecolca.core import scenario_file

        import bw2data as bd
        import bw2calc
        raw["machine"].update(bw2data=str(bd.__version__), bw2calc=str(bw2calc.__version__))
        assert os.path.realpath(str(bd.projects._base_data_dir)).startswith(os.path.realpath(_TMP)), \
            f"Brightway folder is {bd.projects._base_data_dir}, not the temporary one"

        t0 = time.perf_counter()
        setup_mod.setup(PROJECT)
        bd.projects.set_current(PROJECT)
        print(f"  setup('{PROJECT}'): {time.perf_counter() - t0:.1f} s", flush=True)
        methods = bench.pick_methods(N_METHODS)
        raw["methods"] = [list(m) for m in methods]
        methods_file = os.path.join(_TMP, "methods.json")
        with open(methods_file, "w", encoding="utf-8") as fh:
            json.dump(raw["methods"], fh)
        with open(os.path.join(_TMP, "launcher.py"), "w", encoding="utf-8") as fh:
            fh.write(LAUNCHER)
        naive_py = os.path.join(_TMP, "cli_scale_naive.py")
        with open(naive_py, "w", encoding="utf-8") as fh:
            fh.write(NAIVE_SCRIPT)

        env = dict(os.environ, BRIGHTWAY_DIR=BW_DIR, BRIGHTWAY2_DIR=BW_DIR)
        rows = []
        for n in sizes:
            t0 = time.perf_counter()
            want = 3 * n
            sc, cycles, asked = None, 0, want
            while sc is None:
                try:
                    sc, cycles = bench.generate_park(methods, n_sites=n, n_exchanges=asked)
                except AssertionError:  # the random pairing gave up: take fewer exchanges
                    asked = int(asked * 0.9)
                    if asked < 1:
                        raise
            t_gen = time.perf_counter() - t0
            n_ex = len(sc.exchanges)
            path = os.path.join(parks_dir, f"park-{n}.ecolca.json")
            scenario_file.save(sc, path)
            fg_name = ecolca_lca.foreground_name(sc)
            print(f"\n[{n} sites] {n_ex} exchanges (asked {want}"
                  f"{'' if asked == want else f', generator reached only {asked}'}), "
                  f"{sum(len(s.flows) for s in sc.sites)} flows, {len(sc.background_refs())} "
                  f"background activities; generated in {t_gen:.1f} s, file "
                  f"{os.path.getsize(path) / MiB:.2f} MiB", flush=True)
            del sc

            ecolca_cmd = [sys.executable, "-m", "ecolca", "run", path, "--json", "--project", PROJECT]
            naive_cmd = [sys.executable, naive_py, PROJECT, fg_name, methods_file]
            out_json = os.path.join(_TMP, f"ecolca-{n}.json")
            out_naive = os.path.join(_TMP, f"naive-{n}.json")
            err_path = os.path.join(_TMP, "stderr.txt")
            rec = {"sites": n, "exchanges": n_ex, "exchanges_asked": want, "generate_s": t_gen,
                   "ecolca_first": None, "ecolca": [], "naive": [], "json_bytes": None,
                   "max_rel_diff": None, "errors": []}

            def ecolca_run(label):
                r = run_child(ecolca_cmd, env, out_json, err_path)
                r["json_bytes"] = os.path.getsize(out_json)
                if r["rc"] != 0:
                    rec["errors"].append(f"ecolca {label}: exit {r['rc']}\n{tail(err_path)}")
                print(f"  ecolca {label}: {show(r['wall'], '.2f')} s, peak {show(r['peak'], '.0f', MiB)} MiB, "
                      f"JSON {r['json_bytes'] / MiB:.2f} MiB" + (f", EXIT {r['rc']}" if r["rc"] else ""),
                      flush=True)
                return r

            def naive_run(label):
                r = run_child(naive_cmd + [out_naive], env, os.devnull, err_path)
                if r["rc"] != 0:
                    rec["errors"].append(f"naive {label}: exit {r['rc']}\n{tail(err_path)}")
                print(f"  naive  {label}: {show(r['wall'], '.2f')} s, peak {show(r['peak'], '.0f', MiB)} MiB"
                      + (f", EXIT {r['rc']}" if r["rc"] else ""), flush=True)
                return r

            rec["ecolca_first"] = ecolca_run("first (writes the foreground)")
            for i in range(repeat):
                rec["ecolca"].append(ecolca_run(f"repeat {i + 1}"))
                rec["naive"].append(naive_run(f"run {i + 1}"))
            rec["json_bytes"] = rec["ecolca"][-1]["json_bytes"]
            try:
                with open(out_json, encoding="utf-8") as fh:
                    ej = json.load(fh)
                with open(out_naive, encoding="utf-8") as fh:
                    nj = json.load(fh)
                rec["max_rel_diff"] = max_rel_diff(ej, nj)
                print(f"  L and S, ecolca vs naive: max relative difference {rec['max_rel_diff']:.2e} "
                      f"over {2 * len(nj)} scores", flush=True)
                del ej
            except (OSError, ValueError, KeyError) as exc:
                rec["errors"].append(f"check: {exc!r}")
                print(f"  could not compare the scores: {exc!r}", flush=True)
            for p_ in (out_json, out_naive):
                if os.path.exists(p_):
                    os.remove(p_)
            for e in rec["errors"]:
                print("  ERROR " + e, flush=True)
            raw["runs"].append(rec)
            rows.append(rec)

        # --- summary ------------------------------------------------------------------------------
        def ok_vals(runs):
            return [r["wall"] for r in runs if r["rc"] == 0]

        def peak(runs):
            vals = [r["peak"] for r in runs if r["rc"] == 0]
            return max(vals) if vals else None

        summary = []
        for rec in rows:
            first = rec["ecolca_first"]
            e_med, n_med = med(ok_vals(rec["ecolca"])), med(ok_vals(rec["naive"]))
            e_peak = peak(rec["ecolca"] + [first])
            n_peak = peak(rec["naive"])
            summary.append({
                "sites": rec["sites"], "exchanges": rec["exchanges"],
                "ecolca_first_s": first["wall"] if first["rc"] == 0 else None,
                "ecolca_median_s": e_med, "ecolca_peak_bytes": e_peak,
                "json_bytes": rec["json_bytes"], "naive_median_s": n_med, "naive_peak_bytes": n_peak,
                "ratio_time": e_med / n_med if e_med and n_med else None,
                "ratio_memory": e_peak / n_peak if e_peak and n_peak else None,
                "max_rel_diff": rec["max_rel_diff"]})
        raw["summary"] = summary

        def f(x, spec):
            return "-" if x is None else format(x, spec)

        def mib(x):
            return None if x is None else x / MiB

        hdr = (f"{'sites':>6} {'exch':>6} {'ecolca 1st s':>12} {'ecolca med s':>12} "
               f"{'ecolca MiB':>10} {'JSON MiB':>9} {'naive med s':>11} {'naive MiB':>9} "
               f"{'t ratio':>7} {'mem ratio':>9} {'max rel diff':>12}")
        print("\n" + "=" * len(hdr))
        print(hdr)
        print("-" * len(hdr))
        for s in summary:
            print(f"{s['sites']:>6} {s['exchanges']:>6} {f(s['ecolca_first_s'], '.2f'):>12} "
                  f"{f(s['ecolca_median_s'], '.2f'):>12} "
                  f"{f(mib(s['ecolca_peak_bytes']), '.0f'):>10} "
                  f"{f(mib(s['json_bytes']), '.2f'):>9} "
                  f"{f(s['naive_median_s'], '.2f'):>11} "
                  f"{f(mib(s['naive_peak_bytes']), '.0f'):>9} "
                  f"{f(s['ratio_time'], '.2f'):>7} {f(s['ratio_memory'], '.2f'):>9} "
                  f"{f(s['max_rel_diff'], '.1e'):>12}")
        print("-" * len(hdr))
        print("wall = whole process (start-up and imports included); ecolca 1st = the run that writes "
              f"the foreground; med = median of {repeat}; MiB = peak RSS of the command (launcher, wait4 "
              "ru_maxrss); ratio = ecolca / naive")

        ns = [s["sites"] for s in summary]
        exps = {}
        print("\nTime exponents (least squares of log t vs log sites; local = between the two "
              "largest sizes):")
        for key, label in (("ecolca_first_s", "ecolca first run"), ("ecolca_median_s", "ecolca median"),
                           ("naive_median_s", "naive median")):
            pts = [(n, s[key]) for n, s in zip(ns, summary) if s[key]]
            e = fit_exponent([p[0] for p in pts], [p[1] for p in pts])
            loc = fit_exponent([p[0] for p in pts[-2:]], [p[1] for p in pts[-2:]]) if len(pts) >= 2 else None
            exps[key] = {"fit": e, "local": loc}
            print(f"  {label:<17} {f(e, '.3f'):>6}   (local {f(loc, '.3f')})")
        raw["exponents"] = exps

        print("\nTargets:")
        ratios = [s["ratio_time"] for s in summary]
        mems = [s["ratio_memory"] for s in summary]
        e_exp = exps["ecolca_median_s"]["fit"]
        checks = [
            (f"time ratio ≤ {TARGET_RATIO} at every size",
             all(r is not None and r <= TARGET_RATIO for r in ratios),
             "worst " + f(max((r for r in ratios if r is not None), default=None), ".2f")),
            (f"ecolca time exponent ≤ {TARGET_EXPONENT}",
             e_exp is not None and e_exp <= TARGET_EXPONENT, "measured " + f(e_exp, ".3f")),
            (f"peak memory ≤ {TARGET_MEMORY} × naive at every size",
             all(m is not None and m <= TARGET_MEMORY for m in mems),
             "worst " + f(max((m for m in mems if m is not None), default=None), ".2f")),
        ]
        raw["targets"] = [{"target": t, "pass": ok, "value": v} for t, ok, v in checks]
        for t, ok, v in checks:
            print(f"  {'PASS' if ok else 'FAIL'}  {t:<40} {v}")
        n_err = sum(len(r["errors"]) for r in rows)
        if n_err:
            print(f"  ({n_err} child process error(s): see above)")
        raw["loadavg_end"] = os.getloadavg()
        print(f"\nTotal benchmark time {time.perf_counter() - t_start:.0f} s; load average at start "
              + "/".join(f"{x:.2f}" for x in raw["loadavg_start"]) + ", at end "
              + "/".join(f"{x:.2f}" for x in raw["loadavg_end"])
              + f" (1/5/15 min, {os.cpu_count()} CPUs: above ~0.5 another job was running)")
        if a.json_out:
            with open(a.json_out, "w", encoding="utf-8") as fh:
                json.dump(raw, fh, indent=2)
            print(f"raw measurements written to {a.json_out}")
        return 0
    finally:
        if a.keep:
            print(f"kept {_TMP}")
        else:
            shutil.rmtree(_TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
