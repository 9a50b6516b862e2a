#!/usr/bin/env python
"""The term-table engine: live re-evaluation and Monte Carlo, as ratios measured in one run.

    .venv/bin/python benchmarks/engine.py [--iterations 1000] [--workers 2]

Everything runs in a throw-away Brightway folder. Printed:

* live: the time of ``lca.evaluate`` after an edit of q (what the app does on every edit), on
  each example and on the synthetic 100-site / 300-exchange park of ``benchmarks/bench.py``;
  target ≤ 50 ms (issue #11);
* Monte Carlo on Kalundborg: iterations per second with 1 and ``--workers`` local processes, and
  bw2calc's own ``MonteCarloLCA`` computing the same two configurations naively (one Monte Carlo
  LCA per configuration, every method switched per draw, same number of iterations); target
  ≥ 2× faster than naive.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import sys
import tempfile
import time

_TMP = tempfile.mkdtemp(prefix="ecolca-bench-engine-")
os.environ["BRIGHTWAY_DIR"] = os.environ["BRIGHTWAY2_DIR"] = os.path.join(_TMP, "bw")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PROJECT = "ecolca-bench"


def best(fn, n=5):
    ts = []
    out = None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return min(ts), out


def naive_monte_carlo(sc, methods, iterations: int, seed: int) -> float:
    """bw2calc's own Monte Carlo of the two configurations (benchmarks/_naive.py)."""
    from _naive import naive_monte_carlo as run  # the benchmarks folder is on sys.path

    return run(sc, methods, iterations, seed)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    from ecolca.core import examples
    from ecolca import lca
    from ecolca.brightway import project
    from ecolca.importers import setup as setup_mod

    try:
        setup_mod.setup(PROJECT)
        print("live re-evaluation after an edit of q (lca.evaluate, best of 5):")
        parks = [(n, examples.load(n)) for n in sorted(examples.available())]
        import bench

        gen = bench.generate_park(bench.pick_methods(5))
        parks.append(("synthetic 100 sites / 300 exchanges", gen[0] if isinstance(gen, tuple) else gen))
        for name, sc in parks:
            kept: list = []
            t_run = time.perf_counter()
            lca.compare(sc, project=PROJECT, keep=kept)
            t_run = time.perf_counter() - t_run
            ev = kept[0]
            sc2 = copy.deepcopy(sc)
            sc2.exchanges[0].amount *= 0.9
            t, _ = best(lambda: lca.evaluate(sc2, ev))
            print(f"  {name}: {1000 * t:.1f} ms (a full run: {t_run:.2f} s; ratio "
                  f"{t / t_run:.3f}) {'PASS' if t <= 0.05 else 'FAIL'} (≤ 50 ms)")

        sc = examples.load("kalundborg")
        n = a.iterations
        print(f"\nMonte Carlo, Kalundborg, {len(sc.methods)} methods, {n} iterations:")
        t1 = time.perf_counter()
        lca.compare(sc, project=PROJECT, iterations=n, seed=1, workers=1)
        t1 = time.perf_counter() - t1
        tk = time.perf_counter()
        lca.compare(sc, project=PROJECT, iterations=n, seed=1, workers=a.workers)
        tk = time.perf_counter() - tk
        tn = naive_monte_carlo(sc, [tuple(m) for m in sc.methods], n, 1)
        print(f"  ecolca, 1 worker:  {t1:.1f} s ({n / t1:.0f} iterations/s, whole run)")
        print(f"  ecolca, {a.workers} workers: {tk:.1f} s ({n / tk:.0f} iterations/s)")
        print(f"  naive bw2calc MonteCarloLCA, 2 configurations: {tn:.1f} s ({n / tn:.0f} iterations/s)")
        print(f"  ratio naive / ecolca 1 worker: {tn / t1:.2f} ({'PASS' if tn / t1 >= 2 else 'FAIL'}: ≥ 2)")
        print(f"  ratio naive / ecolca {a.workers} workers: {tn / tk:.2f}")
    finally:
        shutil.rmtree(_TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
