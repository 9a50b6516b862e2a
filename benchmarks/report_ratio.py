#!/usr/bin/env python
"""Report time as a ratio to the comparison time, both measured in the same run.

For every bundled example and the generated 100-site / 300-exchange park of ``bench.py``
(``generate_park``, 20 methods): the best of ``--repeat`` runs of ``lca.compare`` and of
``report.write_report`` on its results, both, and their ratio. Target: report ≤ 3 × compare.
An unchanged scenario's comparison reuses its stored solve (docs/engine.md, "Reused solves"), as a
repeated ``ecolca run`` does; for context the script also times the comparison with the stored
solve ignored (``fresh``: the solve runs again, as after any edit) and prints report/fresh.
The machine may be shared: best-of-N keeps the ratio from measuring the neighbours.

Run with ``.venv/bin/python benchmarks/report_ratio.py [--repeat N] [--only NAME]``. Like
bench.py it works in a fresh temporary ``BRIGHTWAY_DIR`` (set before ecolca is imported, by
importing bench.py), removed at the end: no user project is read or written. A ratio is a
property of the code on this machine; the absolute times are printed so that a slow machine
is seen as such.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (sets BRIGHTWAY_DIR to a temporary folder before ecolca is imported)

TARGET = 3.0


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="best of N runs of each step (5)")
    ap.add_argument("--only", action="append", help="only this case (an example name or "
                                                    "'generated'); may repeat")
    a = ap.parse_args(argv)
    try:
        from ecolca.brightway import bwcompat
        bwcompat.configure()
        from ecolca.core import examples
        from ecolca import lca
        from ecolca.brightway import project
        from ecolca.importers import setup as setup_mod
        from ecolca.report import write_report

        print(f"report/compare ratio — temporary Brightway folder (removed at the end); "
              f"best of {a.repeat}", flush=True)
        t0 = time.perf_counter()
        setup_mod.setup(bench.PROJECT)
        print(f"  setup: {time.perf_counter() - t0:.1f} s", flush=True)
        cases = [(name, (lambda n=name: examples.load(n))) for name in examples.available()]
        cases.append(("generated", lambda: bench.generate_park(bench.pick_methods(20))[0]))
        if a.only:
            cases = [c for c in cases if c[0] in a.only]
        out_dir = os.path.join(bench._TMP, "reports")
        os.makedirs(out_dir, exist_ok=True)
        rows = []
        for name, make in cases:
            sc = make()
            lca.compare(sc, project=bench.PROJECT)  # builds the foreground once: not timed
            t_cmp, res = best(lambda: lca.compare(sc, project=bench.PROJECT), a.repeat)
            from ecolca.lca import cache

            kept = cache.load_solved
            cache.load_solved = lambda *_a, **_k: None  # the stored solve ignored: solve again
            try:
                t_fresh, _ = best(lambda: lca.compare(sc, project=bench.PROJECT), a.repeat)
            finally:
                cache.load_solved = kept
            path = os.path.join(out_dir, f"{name}.xlsx")
            t_rep, _ = best(lambda: write_report(res, sc, path), a.repeat)
            ratio = t_rep / t_cmp if t_cmp else float("inf")
            rows.append((name, len(sc.sites), len(sc.exchanges), len(res.methods), t_cmp,
                         t_fresh, t_rep, ratio, os.path.getsize(path)))
            print(f"  {name}: compare {t_cmp:.3f} s (fresh solve {t_fresh:.3f} s), report "
                  f"{t_rep:.3f} s, ratio {ratio:.2f}", flush=True)
        print()
        head = ("case", "sites", "exch.", "methods", "compare [s]", "fresh [s]", "report [s]",
                "report/compare", "report/fresh", "xlsx [KiB]", "")
        print("{:<14} {:>5} {:>5} {:>7} {:>11} {:>9} {:>10} {:>14} {:>12} {:>10}  {}".format(
            *head))
        worst = 0.0
        for name, ns, ne, nm, tc, tf, tr, ratio, size in rows:
            worst = max(worst, ratio)
            print(f"{name:<14} {ns:>5} {ne:>5} {nm:>7} {tc:>11.3f} {tf:>9.3f} {tr:>10.3f} "
                  f"{ratio:>14.2f} {tr / tf:>12.2f} {size / 1024:>10.0f}  "
                  f"{'PASS' if ratio <= TARGET else 'FAIL'}")
        print(f"\nworst ratio {worst:.2f} (target ≤ {TARGET:g}): "
              f"{'PASS' if worst <= TARGET else 'FAIL'}")
        return 0 if worst <= TARGET else 1
    finally:
        shutil.rmtree(bench._TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
