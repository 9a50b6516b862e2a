"""Naive bw2calc baselines shared by the benchmarks (no side effects on import)."""

from __future__ import annotations

import time


def naive_monte_carlo(sc, methods, iterations: int, seed: int) -> float:
    """bw2calc's Monte Carlo LCA, one per configuration (the scenario's foreground *park,
    linear* and *park, symbiotic*), every method switched per draw: seconds."""
    import bw2calc as bc
    import bw2data as bd

    from ecolca import lca

    fg = lca.foreground_name(sc)
    t0 = time.perf_counter()
    for code in ("park:linear", "park:symbiotic"):
        node = bd.get_node(database=fg, code=code)
        fu, data_objs, _ = bd.prepare_lca_inputs(demand={node: 1}, method=methods[0])
        mc = bc.LCA(fu, data_objs=data_objs, use_distributions=True, seed_override=seed)
        mc.lci()
        mc.lcia()
        for m in methods[1:]:
            mc.switch_method(m)
        for _ in range(iterations - 1):
            next(mc)
            for m in methods:
                mc.switch_method(m)
                mc.lcia_calculation()
    return time.perf_counter() - t0
