#!/usr/bin/env python
"""Benchmark of the synergy finder (docs/suggest.md): suggestions for a 100-site park in ≤ 1 s
after one prior `compare` run filled the unit-score cache, without a Brightway solve.

    .venv/bin/python benchmarks/suggest.py [--sites 100] [--repeat 3]

The park is benchmarks/bench.py's ``generate_park`` (100 sites, 300 exchanges), with its
residues given the kinds of the compatibility table (fly ash, FGD gypsum, granulated slag, waste
plastics, treated effluent) and its sites coordinates inside a 50 km square, so that the finder
has real work to do. Everything runs in a throw-away Brightway folder (set before ecolca is
imported). During `suggest`, bw2calc's LCA and MultiLCA constructors are patched to count calls:
the run fails if any is built.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (sets BRIGHTWAY_DIR to a temporary folder before ecolca is imported)

LIMIT_S = 1.0
KINDS = [  # (residue name, unit, fate code): names the compatibility table matches
    ("coal fly ash", "t", "waste-landfill-inert"),
    ("FGD gypsum", "t", "waste-landfill-inert"),
    ("granulated blast-furnace slag", "t", "waste-landfill-inert"),
    ("waste plastics", "t", "waste-incineration-municipal"),
    ("treated effluent", "m3", None),
]


def make_park(methods, n_sites: int):
    from ecolca.core.model import ActivityRef

    sc, _ = bench.generate_park(methods, n_sites=n_sites, n_exchanges=3 * n_sites)
    rng = random.Random(7)
    for s in sc.sites:
        s.latitude = 55.0 + rng.uniform(0, 0.45)
        s.longitude = 11.0 + rng.uniform(0, 0.8)
        for f in s.flows:
            if f.kind != "residue":
                continue
            used = [e for e in sc.exchanges if e.from_site == s.id and e.from_flow == f.id]
            if used:  # keep the generated exchanges valid: rename only free residues
                continue
            name, unit, fate = rng.choice(KINDS)
            f.name, f.unit = name, unit
            f.fate = ActivityRef("ecolca-open", fate) if fate else None
            f.amount = rng.uniform(1e3, 1e5)
            f.transport = [] if unit == "m3" else f.transport
    return sc


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    from ecolca.importers.setup import setup

    t0 = time.perf_counter()
    setup(bench.PROJECT)
    print(f"setup                      {time.perf_counter() - t0:8.2f} s")
    import bw2calc

    from ecolca.lca import compare
    from ecolca.park.suggest import suggest

    methods = bench.pick_methods(9)
    sc = make_park(methods, a.sites)
    n_res = sum(1 for _, f in sc.iter_flows() if f.kind == "residue")
    print(f"park                       {len(sc.sites)} sites, {n_res} residues, "
          f"{len(sc.exchanges)} exchanges, {len(sc.methods)} methods")
    t0 = time.perf_counter()
    compare(sc, project=bench.PROJECT)  # fills the unit-score cache (one factorisation)
    print(f"compare (fills the cache)  {time.perf_counter() - t0:8.2f} s")

    built = {"LCA": 0, "MultiLCA": 0}
    originals = {}
    for name in built:
        cls = getattr(bw2calc, name)
        originals[name] = cls.__init__

        def counting(self, *args, _n=name, _orig=cls.__init__, **kw):
            built[_n] += 1
            return _orig(self, *args, **kw)

        cls.__init__ = counting
    try:
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            res = suggest(sc, top=20, project=bench.PROJECT, allow_solve=False)
            times.append(time.perf_counter() - t0)
        tracemalloc.start()
        suggest(sc, top=20, project=bench.PROJECT, allow_solve=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        for name, init in originals.items():
            getattr(bw2calc, name).__init__ = init
    best = min(times)
    print(f"suggest                    {best:8.3f} s best of {a.repeat} "
          f"({', '.join(f'{t:.3f}' for t in times)}); {res.considered} candidates, "
          f"{len(res.candidates)} shown, {len(res.alternatives)} alternatives")
    print(f"suggest py-peak            {peak / 2**20:8.1f} MiB (tracemalloc, one extra run); "
          f"process peak RSS {bench.maxrss_bytes() / 2**20:.0f} MiB (whole run, incl. setup and compare)")
    print(f"bw2calc LCA / MultiLCA built during suggest: {built['LCA']} / {built['MultiLCA']}")
    for c in res.candidates[:5]:
        print(f"  {c.rank}. {c.from_site.id}:{c.residue.name} -> {c.to_site.id}:{c.supply.name} "
              f"Δ {c.delta[0]:.4g} ({c.row.id})")
    ok = best <= LIMIT_S and not any(built.values()) and not res.solved_missing
    print(f"target: ≤ {LIMIT_S:g} s without a solve: {'MET' if ok else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    finally:
        import shutil

        shutil.rmtree(bench._TMP, ignore_errors=True)
