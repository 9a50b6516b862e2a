#!/usr/bin/env python
"""The Excel report at scale: ``ecolca run PARK --report X.xlsx`` against ``ecolca run PARK --json``,
whole processes measured in the same run (issue #23, target 4).

Run with ``.venv/bin/python benchmarks/report_ratio.py [--sizes 100,1000,3000] [--repeat 3]
[--no-soffice] [--keep] [--json-out FILE] [--code worktree|installed|REV]`` (about 6–10 min with
the default sizes on 2 cores).

For each size N (sites; exchanges = 3 × N asked of ``bench.generate_park``, 20 methods from
``bench.pick_methods(20)``, as ``cli_scale.py``) the park is saved as ``*.ecolca.json`` and run
once unmeasured (it writes the foreground database and the stored solve, so both commands below
find them). Then ``--repeat`` pairs, alternated (json, report, json, report, …):

* json: ``python -m ecolca run PARK --json --project ecolca-bench``, stdout to a file;
* report: ``python -m ecolca run PARK --report OUT.xlsx --project ecolca-bench`` (the summary on
  stdout, the report streamed to OUT.xlsx).

Both run with ``ECOLCA_NO_FASTPATH=1``, so both compute the comparison: a ``--json`` run of an
unchanged file otherwise replays the previous run's output (docs/engine.md), which would make the
ratio one of writing a report against copying a file.

Each is a fresh interpreter started through ``cli_scale.py``'s launcher (fork, exec, ``wait4``):
wall time from fork to reap, the child's CPU time (user + system, from the same ``wait4``), and
``ru_maxrss`` of that child alone (the launcher's forked process is small when it execs, so the
high-water mark is the command's own). Printed per size: medians of each, the ratios report/json
of the medians (wall time, and CPU time for context on a shared machine) and of the largest peaks
(memory), the report's size, and PASS/FAIL (on wall time and memory) against the targets: report ≤ 2 × json in time and ≤ 2 × json in peak memory
at 1,000 and 3,000 sites (100 sites is shown, not judged: start-up dominates both there).

The largest report is then opened with LibreOffice headless (``soffice --headless --convert-to
csv``, its own throw-away profile, a timeout of ``--soffice-timeout`` s): LibreOffice reads the
whole workbook (every sheet, the styles, the charts) and writes its first sheet as CSV; "opened"
means soffice exited 0 and wrote a non-empty file. ``--soffice-format pdf`` prints every sheet
instead (thousands of pages at 3,000 sites: much slower). Without soffice on the PATH it says so.

Like ``cli_scale.py`` it works in a temporary Brightway folder (``BRIGHTWAY_DIR``), removed at the
end unless ``--keep``, and measures a frozen copy of the code (``--code``). The script exits 0: it
is a measurement; the verdicts are in its output.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cli_scale as cs  # noqa: E402  (sets BRIGHTWAY_DIR to its temporary folder first)

MiB = 1024 * 1024
TARGET_TIME = 2.0
TARGET_MEMORY = 2.0
JUDGED = 1000  # sizes from this many sites on are judged against the targets


# cli_scale.py's launcher, which also writes the child's CPU time (user + system, from the same
# wait4 rusage): on a shared machine the wall time of both commands stretches with the load, and
# the CPU time shows what each needed
LAUNCHER = cs.LAUNCHER.replace(
    '"maxrss_kib": ru.ru_maxrss,', '"maxrss_kib": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime,')
assert LAUNCHER != cs.LAUNCHER


def run_child(cmd: list[str], env: dict, stdout_path: str, stderr_path: str) -> dict:
    """cli_scale.run_child, with the child's CPU seconds (``cpu``) as well."""
    r = cs.run_child(cmd, env, stdout_path, stderr_path)
    try:
        with open(os.path.join(cs._TMP, "launcher-out.json"), encoding="utf-8") as fh:
            r["cpu"] = json.load(fh).get("cpu")
    except (OSError, ValueError):
        r["cpu"] = None
    return r


def soffice_convert(xlsx: str, timeout: float, fmt: str = "csv") -> dict:
    """Convert ``xlsx`` to ``fmt`` with LibreOffice headless; whether it opened, and how long."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return {"opened": None, "note": "soffice not found on the PATH"}
    out_dir = tempfile.mkdtemp(prefix="soffice-out-", dir=cs._TMP)
    profile = tempfile.mkdtemp(prefix="soffice-profile-", dir=cs._TMP)
    cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", fmt, "--outdir", out_dir, xlsx]
    t0 = time.perf_counter()
    try:
        cp = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"opened": False, "seconds": time.perf_counter() - t0,
                "note": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    made = os.path.join(out_dir, os.path.splitext(os.path.basename(xlsx))[0] + "." + fmt)
    size = os.path.getsize(made) if os.path.exists(made) else 0
    pages = None
    if size and fmt == "pdf":
        with open(made, "rb") as fh:
            pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", fh.read())) or None
    return {"opened": cp.returncode == 0 and size > 0, "seconds": wall, "rc": cp.returncode,
            "format": fmt, "bytes": size, "pages": pages,
            "note": cp.stderr.decode("utf-8", "replace").strip()[-300:]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,3000", help="numbers of sites (100,1000,3000)")
    ap.add_argument("--repeat", type=int, default=3, help="json/report pairs per size (3)")
    ap.add_argument("--no-soffice", action="store_true", help="skip the LibreOffice check")
    ap.add_argument("--soffice-format", default="csv", choices=("csv", "pdf"),
                    help="what LibreOffice converts the largest report to (csv)")
    ap.add_argument("--soffice-timeout", type=float, default=900.0,
                    help="seconds LibreOffice may take to convert the largest report (900)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--json-out", metavar="FILE", help="save the raw measurements here")
    ap.add_argument("--code", default="worktree",
                    help="code to measure: 'worktree' (copy of src/ at start, default), "
                         "'installed' (live files), or a git revision")
    a = ap.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    repeat = max(1, a.repeat)
    raw = {"machine": {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                       "platform": platform.platform()},
           "sizes": sizes, "repeat": repeat, "loadavg_start": os.getloadavg(), "runs": []}
    try:
        print(f"report vs --json — temporary Brightway folder {cs.BW_DIR} "
              f"({'kept' if a.keep else 'removed at the end'})")
        print(f"Python {raw['machine']['python']}, {os.cpu_count()} CPUs; sizes {sizes}; "
              f"{repeat} alternated pairs per size; load average {raw['loadavg_start'][0]:.2f}",
              flush=True)
        code_dir, label = cs.freeze_code(a.code)
        raw["code"] = label
        print(f"code: {label}", flush=True)
        from ecolca.brightway import bwcompat

        bwcompat.configure()
        from ecolca.brightway import project
        from ecolca.importers import setup as setup_mod
        from ecolca.core import scenario_file

        import bw2data as bd

        t0 = time.perf_counter()
        setup_mod.setup(cs.PROJECT)
        bd.projects.set_current(cs.PROJECT)
        print(f"  setup('{cs.PROJECT}'): {time.perf_counter() - t0:.1f} s", flush=True)
        methods = cs.bench.pick_methods(cs.N_METHODS)
        with open(os.path.join(cs._TMP, "launcher.py"), "w", encoding="utf-8") as fh:
            fh.write(LAUNCHER)
        # both commands compute: without ECOLCA_NO_FASTPATH the second `--json` run of the same
        # unchanged file replays the first one's output (lca/fastpath.py) and the ratio would
        # compare writing a report against copying a file
        env = dict(os.environ, BRIGHTWAY_DIR=cs.BW_DIR, BRIGHTWAY2_DIR=cs.BW_DIR,
                   ECOLCA_NO_FASTPATH="1")
        err = os.path.join(cs._TMP, "stderr.txt")
        rows, largest = [], None
        for n in sizes:
            asked = 3 * n
            while True:
                try:
                    sc, _ = cs.bench.generate_park(methods, n_sites=n, n_exchanges=asked)
                    break
                except AssertionError:  # the random pairing gave up: fewer exchanges
                    asked = int(asked * 0.9)
            path = os.path.join(cs._TMP, f"park-{n}.ecolca.json")
            scenario_file.save(sc, path)
            n_ex = len(sc.exchanges)
            del sc
            base = [sys.executable, "-m", "ecolca", "run", path, "--project", cs.PROJECT]
            out_json = os.path.join(cs._TMP, f"run-{n}.json")
            xlsx = os.path.join(cs._TMP, f"report-{n}.xlsx")
            rec = {"sites": n, "exchanges": n_ex, "json": [], "report": [], "errors": []}
            first = run_child(base + ["--json"], env, out_json, err)
            print(f"\n[{n} sites, {n_ex} exchanges] first run (not measured): "
                  f"{cs.show(first['wall'], '.2f')} s", flush=True)

            def one(kind: str, i: int) -> None:
                if kind == "json":
                    r = run_child(base + ["--json"], env, out_json, err)
                else:
                    r = run_child(base + ["--report", xlsx], env, os.devnull, err)
                    r["xlsx_bytes"] = os.path.getsize(xlsx) if os.path.exists(xlsx) else None
                if r["rc"] != 0:
                    rec["errors"].append(f"{kind} {i}: exit {r['rc']}\n{cs.tail(err)}")
                rec[kind].append(r)
                print(f"  {kind:<6} {i}: {cs.show(r['wall'], '.2f')} s (CPU "
                      f"{cs.show(r['cpu'], '.2f')} s), peak "
                      f"{cs.show(r['peak'], '.0f', MiB)} MiB"
                      + (f", xlsx {r['xlsx_bytes'] / MiB:.1f} MiB" if r.get("xlsx_bytes") else "")
                      + (f", EXIT {r['rc']}" if r["rc"] else ""), flush=True)

            for i in range(1, repeat + 1):  # alternated, and which goes first alternates too
                for kind in (("json", "report") if i % 2 else ("report", "json")):
                    one(kind, i)
            for e in rec["errors"]:
                print("  ERROR " + e, flush=True)
            ok = lambda runs, k: [r[k] for r in runs if r["rc"] == 0 and r[k]]  # noqa: E731
            rec["json_s"] = statistics.median(ok(rec["json"], "wall") or [float("nan")])
            rec["report_s"] = statistics.median(ok(rec["report"], "wall") or [float("nan")])
            rec["json_peak"] = max(ok(rec["json"], "peak") or [float("nan")])
            rec["report_peak"] = max(ok(rec["report"], "peak") or [float("nan")])
            rec["xlsx_bytes"] = (ok(rec["report"], "xlsx_bytes") or [None])[-1]
            rec["json_cpu"] = statistics.median(ok(rec["json"], "cpu") or [float("nan")])
            rec["report_cpu"] = statistics.median(ok(rec["report"], "cpu") or [float("nan")])
            rec["time_ratio"] = rec["report_s"] / rec["json_s"]
            rec["cpu_ratio"] = rec["report_cpu"] / rec["json_cpu"]
            rec["memory_ratio"] = rec["report_peak"] / rec["json_peak"]
            raw["runs"].append(rec)
            rows.append(rec)
            if os.path.exists(xlsx):
                largest = xlsx
            if os.path.exists(out_json):
                os.remove(out_json)

        print("\n{:>6} {:>6} {:>9} {:>10} {:>7} {:>6} {:>10} {:>12} {:>7} {:>9}  {}".format(
            "sites", "exch.", "json [s]", "report [s]", "time ×", "CPU ×", "json [MiB]",
            "report [MiB]", "mem. ×", "xlsx MiB", "verdict (time, memory)"))
        all_ok = True
        for r in rows:
            judged = r["sites"] >= JUDGED
            ok_t, ok_m = r["time_ratio"] <= TARGET_TIME, r["memory_ratio"] <= TARGET_MEMORY
            verdict = ("time " + ("PASS" if ok_t else "FAIL") + ", memory "
                       + ("PASS" if ok_m else "FAIL")) if judged else "(not judged)"
            if judged:
                all_ok &= ok_t and ok_m
            xs = r["xlsx_bytes"]
            print(f"{r['sites']:>6} {r['exchanges']:>6} {r['json_s']:>9.2f} {r['report_s']:>10.2f} "
                  f"{r['time_ratio']:>7.2f} {r['cpu_ratio']:>6.2f} {r['json_peak'] / MiB:>10.0f} "
                  f"{r['report_peak'] / MiB:>12.0f} {r['memory_ratio']:>7.2f} "
                  f"{(xs or 0) / MiB:>9.1f}  {verdict}")
        print(f"\ntargets (≥ {JUDGED:,} sites): report ≤ {TARGET_TIME:g} × json time, ≤ "
              f"{TARGET_MEMORY:g} × json peak memory: {'PASS' if all_ok else 'FAIL'}")
        if largest and not a.no_soffice:
            print(f"\nLibreOffice: converting {os.path.basename(largest)} to "
                  f"{a.soffice_format} …", flush=True)
            so = soffice_convert(largest, a.soffice_timeout, a.soffice_format)
            raw["soffice"] = so
            if so["opened"] is None:
                print(f"  not checked: {so['note']}")
            else:
                print(f"  {'opened' if so['opened'] else 'DID NOT OPEN'}: "
                      f"{so.get('seconds', 0):.1f} s, exit {so.get('rc')}, {a.soffice_format} "
                      f"{(so.get('bytes') or 0) / MiB:.2f} MiB"
                      + (f", {so['pages']} pages" if so.get("pages") else "")
                      + (f" ({so['note']})" if not so["opened"] and so.get("note") else ""))
        raw["loadavg_end"] = os.getloadavg()
        if a.json_out:
            with open(a.json_out, "w", encoding="utf-8") as fh:
                json.dump(raw, fh, indent=1)
        return 0
    finally:
        if not a.keep:
            shutil.rmtree(cs._TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
