#!/usr/bin/env python
"""Edit → run: ``ecolca run PARK --json`` after a one-number edit of the file, against the
strongest script a competent Brightway user would write (``benchmarks/multilca_baseline.py``:
two activities, one ``bw2calc.MultiLCA`` over both and all methods), measured in the same run
(issue #23, target 1).

    .venv/bin/python benchmarks/edit_run.py [--sizes 10,100,1000,3000] [--repeat 3] [--quick]
                                            [--keep] [--json-out FILE] [--code worktree|installed|REV]

For each size N (sites; exchanges = 3 × N asked of ``bench.generate_park``, 20 methods from
``bench.pick_methods(20)``) the park is saved as ``*.ecolca.json``; ecolca runs it once and the
baseline runs it once in both modes (warm-up: the foreground database, the prepared records, the
baseline's database and its hash cache exist from then on, as they do for a user who runs the
same park again and again). Then ``--repeat`` rounds, each:

1. the file is edited: one exchange's ``amount`` (q) gets a new value (exchange ``i`` of round
   ``i``, q × (1 − 0.01·(i+1)), which keeps every balance valid), written back as ecolca writes
   files (``json.dumps(indent=2)``);
2. (a) ``python -m ecolca run PARK --json`` and ``multilca_baseline.py PARK`` (each sees the
   edited file for the first time), in alternating order from round to round;
3. ``multilca_baseline.py PARK --hash-cache`` once untimed (its cache learns the new hash), then
   (b) ``ecolca run`` again and ``multilca_baseline.py --hash-cache`` again on the unchanged
   file, alternating.

After each ecolca process the benchmark waits for the child it may leave writing the foreground
database (``fastpath.wait_for_writers``; docs/engine.md, "Edits of numbers") before it starts the
next process, so that no timed process shares the cores with it; how long after ecolca's exit the
database was current is printed. The ratios are of the processes' exits, which is what a script
waits for.

Every process is whole (a fresh interpreter, start-up and imports included), started through
``cli_scale.py``'s launcher (wall time from fork to reap, peak RSS from ``wait4``'s
``ru_maxrss``). The ratios are medians of ecolca over medians of the baseline. After each round
ecolca's L and S are compared with the baseline's: a relative difference above 1e-6 (float32
storage noise is ~5e-8) stops the benchmark with exit status 1.

The code measured is frozen at start (a copy of ``src/ecolca``; see cli_scale.py) and compiled
to bytecode there, as an installed package is (``PYTHONDONTWRITEBYTECODE`` is removed from the
children's environment; before 2026-12-08 every ecolca process compiled its modules from source
when the shell set it: about 0.1 s of CPU and 0.1-0.3 s of wall time per process on the
loaded machine), and all of it
happens in a temporary ``BRIGHTWAY_DIR`` removed at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cli_scale as cs  # noqa: E402  (sets BRIGHTWAY_DIR to its temporary folder first)
import bench  # noqa: E402

TARGET = 0.5
TOLERANCE = 1e-6
MiB = 1024 * 1024


def scores_diff(ecolca_json: dict, baseline: list[dict]) -> float:
    ref = {tuple(r["method"]): r for r in baseline}
    worst = 0.0
    for imp in ecolca_json["impacts"]:
        row = ref[tuple(imp["method"])]
        for c in ("linear", "symbiotic"):
            v, r = imp[c], row[c]
            if v is None:  # not covered: ecolca prints no number
                continue
            worst = max(worst, abs(v - r) / abs(r) if r else abs(v))
    return worst


def edit(path: str, i: int) -> tuple[str, float, float]:
    with open(path, encoding="utf-8") as fh:
        d = json.load(fh)
    e = d["exchanges"][i % len(d["exchanges"])]
    old = e["amount"]
    e["amount"] = old * (1 - 0.01 * (i + 1))
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return e["id"], old, e["amount"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,100,1000,3000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="sizes 10,100, repeat 1")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--json-out", metavar="FILE")
    ap.add_argument("--code", default="worktree")
    a = ap.parse_args(argv)
    if a.quick:
        a.sizes, a.repeat = "10,100", 1
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    repeat = max(1, a.repeat)
    tmp = cs._TMP
    t_start = time.perf_counter()
    raw = {"machine": {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                       "platform": platform.platform()},
           "loadavg_start": os.getloadavg(), "sizes": sizes, "repeat": repeat, "runs": []}
    failed = False
    try:
        code_dir, label = cs.freeze_code(a.code)
        raw["code"] = label
        if code_dir:  # as installed (pip writes the bytecode; cold_start.py does the same): with
            # PYTHONDONTWRITEBYTECODE set (this machine's shells set it) every ecolca process
            # compiled its modules from source, while the baseline's come compiled from
            # site-packages
            import subprocess

            subprocess.run([sys.executable, "-m", "compileall", "-q", code_dir], check=True)
        print(f"edit → run benchmark; temporary Brightway folder {cs.BW_DIR}\ncode: {label}",
              flush=True)
        from ecolca.brightway import bwcompat
        bwcompat.configure()
        import ecolca
        if code_dir:
            assert os.path.realpath(ecolca.__file__).startswith(os.path.realpath(code_dir))
        import bw2data as bd

        from ecolca.brightway import project
        from ecolca.importers import setup as setup_mod
        from ecolca.core import scenario_file
        from ecolca.lca import fastpath
        # the detached foreground writer (absent from code before it: --code REV)
        wait_for_writers = getattr(fastpath, "wait_for_writers", None)
        assert os.path.realpath(str(bd.projects._base_data_dir)).startswith(os.path.realpath(tmp))
        t0 = time.perf_counter()
        setup_mod.setup(cs.PROJECT)
        bd.projects.set_current(cs.PROJECT)
        print(f"  setup: {time.perf_counter() - t0:.1f} s", flush=True)
        methods = bench.pick_methods(cs.N_METHODS)
        with open(os.path.join(tmp, "launcher.py"), "w", encoding="utf-8") as fh:
            # ECOLCA_BENCH_T0: ecolca's fast path says on stderr when its results were on stdout
            fh.write(cs.LAUNCHER.replace("pid = os.fork()",
                                         "os.environ['ECOLCA_BENCH_T0'] = repr(time.time())\n"
                                         "pid = os.fork()"))
        env = dict(os.environ, BRIGHTWAY_DIR=cs.BW_DIR, BRIGHTWAY2_DIR=cs.BW_DIR)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        baseline_py = os.path.join(HERE, "multilca_baseline.py")
        shutil.copy(baseline_py, os.path.join(tmp, "multilca_baseline.py"))  # frozen too
        baseline_py = os.path.join(tmp, "multilca_baseline.py")
        err = os.path.join(tmp, "stderr.txt")
        summary = []
        for n in sizes:
            asked = 3 * n
            while True:
                try:
                    sc, _ = bench.generate_park(methods, n_sites=n, n_exchanges=asked)
                    break
                except AssertionError:
                    asked = int(asked * 0.9)
            path = os.path.join(tmp, f"park-{n}.ecolca.json")
            scenario_file.save(sc, path)
            n_ex = len(sc.exchanges)
            del sc
            out_e = os.path.join(tmp, f"ecolca-{n}.json")
            out_b = os.path.join(tmp, f"baseline-{n}.json")
            e_cmd = [sys.executable, "-m", "ecolca", "run", path, "--json", "--project", cs.PROJECT]
            b_cmd = [sys.executable, baseline_py, path, "--project", cs.PROJECT, "--out", out_b]
            print(f"\n[{n} sites] {n_ex} exchanges, file {os.path.getsize(path) / MiB:.2f} MiB",
                  flush=True)
            rec = {"sites": n, "exchanges": n_ex, "edit": {"ecolca": [], "baseline": []},
                   "unchanged": {"ecolca": [], "baseline": []}, "max_rel_diff": 0.0}

            def run(cmd, out, what):
                r = cs.run_child(cmd, env, out, err)
                if r["rc"] != 0:
                    raise SystemExit(f"{what} failed (exit {r['rc']}):\n{cs.tail(err)}")
                # ecolca's fast path leaves a child writing the foreground database: the next
                # process starts when it is done (never timed beside it), and how long after
                # the run's exit the database was current is reported
                t_w = time.perf_counter()
                if cmd is e_cmd and wait_for_writers is not None:
                    wait_for_writers()
                r["fg_after"] = time.perf_counter() - t_w
                # "results on stdout": the fast path's own line (lca/fastpath.py); a full run
                # writes its results at its end: its exit time stands for it
                r["stdout"] = r["wall"]
                with open(err, encoding="utf-8", errors="replace") as fh:
                    for line in fh:
                        if line.startswith("ecolca-bench: results on stdout at "):
                            r["stdout"] = float(line.split(" at ")[1].split()[0])
                print(f"  {what:<38} {r['wall']:7.2f} s  {r['peak'] / MiB:5.0f} MiB"
                      + (f"  (results on stdout {r['stdout']:.2f} s)"
                         if r["stdout"] != r["wall"] else "")
                      + (f"  (foreground database current {r['fg_after']:.2f} s after exit)"
                         if r["fg_after"] >= 0.05 else ""), flush=True)
                return r

            def check():
                with open(out_e, encoding="utf-8") as fh:
                    ej = json.load(fh)
                with open(out_b, encoding="utf-8") as fh:
                    bj = json.load(fh)
                d = scores_diff(ej, bj)
                rec["max_rel_diff"] = max(rec["max_rel_diff"], d)
                if not d <= TOLERANCE:
                    raise SystemExit(f"FAIL: ecolca's L and S differ from the baseline's by {d:.2e} "
                                     f"(relative) at {n} sites, more than {TOLERANCE:g}")

            run(e_cmd, out_e, "warm-up ecolca")
            run(b_cmd, os.devnull, "warm-up baseline")
            run(b_cmd + ["--hash-cache"], os.devnull, "warm-up baseline --hash-cache")
            check()
            for i in range(repeat):
                ex, old, new = edit(path, i)
                print(f"  round {i + 1}: exchange {ex} q {old:.6g} → {new:.6g}", flush=True)
                pair = [("ecolca", e_cmd, out_e), ("baseline", b_cmd, os.devnull)]
                for who, cmd, out in (pair if i % 2 == 0 else pair[::-1]):
                    rec["edit"][who].append(run(cmd, out, f"(a) after the edit: {who}"))
                check()
                run(b_cmd + ["--hash-cache"], os.devnull, "baseline --hash-cache learns the hash")
                pair = [("ecolca", e_cmd, out_e),
                        ("baseline", b_cmd + ["--hash-cache"], os.devnull)]
                for who, cmd, out in (pair if i % 2 == 0 else pair[::-1]):
                    rec["unchanged"][who].append(run(cmd, out, f"(b) unchanged: {who}"))
                check()
            row = {"sites": n, "exchanges": n_ex, "max_rel_diff": rec["max_rel_diff"]}
            for kind in ("edit", "unchanged"):
                e_t = statistics.median(r["wall"] for r in rec[kind]["ecolca"])
                b_t = statistics.median(r["wall"] for r in rec[kind]["baseline"])
                o_t = statistics.median(r["stdout"] for r in rec[kind]["ecolca"])
                row[kind] = {"ecolca_s": e_t, "baseline_s": b_t, "ratio": e_t / b_t,
                             "ecolca_fg_after_s": statistics.median(
                                 r["fg_after"] for r in rec[kind]["ecolca"]),
                             "ecolca_stdout_s": o_t, "stdout_ratio": o_t / b_t,
                             "ecolca_peak": max(r["peak"] for r in rec[kind]["ecolca"]),
                             "baseline_peak": max(r["peak"] for r in rec[kind]["baseline"])}
            summary.append(row)
            raw["runs"].append(rec)
        raw["summary"] = summary
        hdr = (f"{'sites':>6} {'exch':>6} | {'edit: ecolca s':>14} {'MultiLCA s':>10} {'ratio':>6} "
               f"{'MiB e/b':>9} | {'unchanged: ecolca s':>19} {'hash-cache s':>12} {'ratio':>6} "
               f"{'MiB e/b':>9} | {'max rel diff':>12}")
        print("\n" + hdr + "\n" + "-" * len(hdr))
        for r in summary:
            e, u = r["edit"], r["unchanged"]
            print(f"{r['sites']:>6} {r['exchanges']:>6} | {e['ecolca_s']:>14.2f} "
                  f"{e['baseline_s']:>10.2f} {e['ratio']:>6.2f} "
                  f"{e['ecolca_peak'] / MiB:>4.0f}/{e['baseline_peak'] / MiB:<4.0f} | "
                  f"{u['ecolca_s']:>19.2f} {u['baseline_s']:>12.2f} {u['ratio']:>6.2f} "
                  f"{u['ecolca_peak'] / MiB:>4.0f}/{u['baseline_peak'] / MiB:<4.0f} | "
                  f"{r['max_rel_diff']:>12.1e}")
        print(f"medians of {repeat} paired, alternating rounds; whole processes; MiB = peak RSS")
        print("results on stdout (ecolca's fast path writes its results, then a detached child "
              "writes the foreground database):")
        for r in summary:
            e, u = r["edit"], r["unchanged"]
            print(f"{r['sites']:>6} sites | edit: stdout {e['ecolca_stdout_s']:.2f} s, ratio "
                  f"{e['stdout_ratio']:.2f} (exit {e['ratio']:.2f}; foreground database current "
                  f"{e['ecolca_fg_after_s']:.2f} s after exit) | unchanged: stdout "
                  f"{u['ecolca_stdout_s']:.2f} s, ratio {u['stdout_ratio']:.2f} "
                  f"(exit {u['ratio']:.2f})")
        for kind, what in (("edit", "edit → run ≤ 0.5 × the MultiLCA script"),
                           ("unchanged", "unchanged re-run ≤ 0.5 × the script with its hash cache")):
            bad = [r["sites"] for r in summary if r[kind]["ratio"] > TARGET]
            failed |= bool(bad)
            print(f"  {'FAIL' if bad else 'PASS'}  {what}"
                  + (f" (not at {', '.join(map(str, bad))} sites)" if bad else ""))
        raw["loadavg_end"] = os.getloadavg()
        print(f"total {time.perf_counter() - t_start:.0f} s; load average at start "
              + "/".join(f"{x:.2f}" for x in raw["loadavg_start"]) + ", at end "
              + "/".join(f"{x:.2f}" for x in raw["loadavg_end"]))
        if a.json_out:
            with open(a.json_out, "w", encoding="utf-8") as fh:
                json.dump(raw, fh, indent=2)
        return 0
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
