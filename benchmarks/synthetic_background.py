#!/usr/bin/env python
"""An ecoinvent-scale synthetic background: write time, comparison time with SciPy's solver and
with PARDISO (pypardiso), and Monte Carlo throughput of ecolca against naive bw2calc, on two
structures of the technosphere (issues #10 point 7 and #11 point 4).

    .venv/bin/python benchmarks/synthetic_background.py [--activities 20000] [--iterations 20]
        [--chunk 10|0] [--structures loops,triangular,wide-loops] [--solvers scipy,pardiso]
        [--mc-budget 400] [--timeout 1200] [--json-out FILE] [--keep]

Everything happens in a throw-away Brightway folder (``BRIGHTWAY_DIR`` and ``BRIGHTWAY2_DIR`` are
set to a temporary directory before ecolca or bw2data is imported; it is removed at the end).
``ecolca.importers.setup.setup("bench")`` installs biosphere3, the default LCIA methods and
``ecolca-open`` there.

The synthetic background (seeded: the same ``--seed`` gives the same databases)
------------------------------------------------------------------------------
It is built like ecoinvent, not from uniform random links (uniform random links made one
expander-like strongly connected component whose factorisation filled to 190 million entries and
took 893 s with SciPy's solver):

* **Products and markets.** Products are ranked from basic to specialised: rank 0 is
  electricity, then lorry transport, diesel, heat, natural gas, hard coal, sea and rail transport,
  tap water, limestone, inert waste for landfill, … (the named "anchor" products the example
  needs, with ecoinvent-like units: kilowatt hour, ton kilometer, kilogram, megajoule, cubic
  meter), then generic products (85 % kilogram, the rest megajoule, cubic meter, ton kilometer,
  kilowatt hour). Each product has 1–5 **producer** activities and one **market** activity that
  mixes them (shares from a Dirichlet draw, summing to 1) and, for products in kilogram, takes
  lorry (and sometimes rail) transport, as ecoinvent's markets do. Products are added until there
  are ``--activities`` activities (20,000 by default: about 5,000 products).
* **Producers** take 5–10 technosphere inputs, always from *markets* (never from another
  producer), chosen with Zipf weights (1/(rank+1)) so that a few hub markets (electricity,
  transport, fuels, heat) supply most activities, as in ecoinvent. Amounts are set from a value
  per unit of each product, so that the inputs of a producer are worth 15–50 % of its output;
  this keeps the system productive (the Leontief inverse exists and is non-negative) for every
  draw. A few inputs are written in: coal power takes hard coal, hard-coal mining takes
  electricity and diesel, lorry transport takes diesel, clinker production takes limestone.
* **Structures**, made from the same draws (a draw outside the allowed ranks is drawn again
  among them, with the same weights):

  - ``loops`` (default): the producers of the 50 hub products (ranks 0–49) may take inputs from
    any market; the other producers from markets of lower rank (which include the hubs). So loops
    run through the hubs, as in ecoinvent: electricity market → coal power → hard coal market →
    coal mining → electricity market, or a hub producer → a specialised product → its upstream
    chain → the hub. With the default seed about 9,000 of the 20,000 activities are in one
    strongly connected component;
  - ``triangular`` (default): every input comes from a market of a *lower* rank, so there is no
    loop and the technosphere matrix is triangular after a permutation ("near-triangular" in the
    issue);
  - ``wide-loops`` (only with ``--structures``): every producer may take inputs from any market.
    About 43 % of the Zipf draws fall outside the top 100 products, so the specialised products
    link to each other at random too: a structure between ecoinvent's and uniform random links,
    which fills both solvers' factors far more.

* **Biosphere.** Every producer emits fossil CO2 (kg per unit from its value per unit, or a
  written-in intensity for the anchors: coal power 0.95 kg/kWh, clinker 0.55 kg/kg, …) and has
  3–10 more exchanges with a pool of up to 300 real biosphere3 flows (289 with the bundled
  methods: every flow characterised by at least one of the example's nine LCIA methods) (the key flows — CO2, CH4, N2O, SO2, NOx, PM2.5 — always in
  it), so the real methods score them. Markets have no elementary flows, as in ecoinvent.
* **Uncertainty.** Every technosphere input of a producer and every biosphere exchange has a
  lognormal distribution (``uncertainty type`` 2, ``loc`` = ln(amount), ``scale`` = σ drawn in
  0.05–0.3, i.e. a geometric standard deviation of 1.05–1.35); market shares, market transport and
  production exchanges have none.

What is measured
----------------
1. In this process: ``setup``, generating each structure and ``Database.write`` of it (wall time
   and peak RSS).
2. ``gypsum-ash`` rebased onto each structure: every background reference (coal, limestone,
   clinker, natural gypsum, grid electricity, inert landfill, lorry and ship transport) is pointed
   at the synthetic *market* of the same product, in the same unit as the ``ecolca-open``
   activity it replaces (``ecolca.lca._to_unit_factor`` is checked for every reference).
3. For each structure and each solver, a child process (SciPy: pypardiso made unimportable by a
   ``sitecustomize`` on ``PYTHONPATH``, which the Monte Carlo worker processes inherit too; the
   script checks which solver bw2calc uses in the child *and* in a spawned worker) measures:

   - one factorisation of the whole technosphere (``bw2calc.LCA.lci_calculation`` for one
     demand) and the fill-in of the factors (SuperLU's nnz(L+U) for the transposed matrix, as
     bw2calc factorises it; PARDISO's own count, ``iparm(18)``);
   - ``ecolca.lca.compare`` of the rebased example (first run, which writes the foreground
     database, and a second one), with its ``lca`` timing (the one MultiLCA);
   - Monte Carlo: ``compare(..., iterations=N, workers=1)`` and ``workers=2`` against bw2calc's own
     Monte Carlo of the two configurations done naively (one ``LCA`` with distributions per
     configuration, every method switched per draw; the same as ``naive_monte_carlo`` in
     ``benchmarks/engine.py``). ecolca factorises once per iteration for every demand, in one
     fill-reducing order computed once per process (``solve.PreorderedSolver``; the child prints
     its count of solves and of residual-check fallbacks), naive once per iteration per
     configuration with SciPy's default ordering. ecolca runs chunks of 100 iterations, so
     ``workers=2`` can only run in parallel from N = 200 on; ``--chunk 10`` sets ``ecolca.lca.uncertainty.CHUNK``
     in the child (the process that cuts the chunks) so that 2 workers share N = 20. When one
     factorisation takes longer than ``--mc-budget`` / (3 N), N is cut (printed).

Each child reports its own peak RSS (and that of its worker processes). Ratios are computed from
figures measured in the same run of this script; SciPy and PARDISO must run in separate processes
because bw2calc chooses its solver when it is imported.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

PROJECT = "bench"
DEFAULT_SEED = 20261201
BLOCK_ENV = "ECOLCA_BENCH_BLOCK_PYPARDISO"
SITECUSTOMIZE = f"""\
import os, sys
if os.environ.get("{BLOCK_ENV}"):
    sys.modules["pypardiso"] = None  # `import pypardiso` raises ImportError: bw2calc uses SciPy
"""

# ecolca-open code -> (anchor product key, unit it must have)
REBASE = {
    "elec-grid-dk": "electricity",
    "transport-lorry": "lorry",
    "transport-ship": "sea",
    "fuel-hard-coal": "hard-coal",
    "mat-limestone": "limestone",
    "waste-landfill-inert": "inert-waste",
    "mat-clinker": "clinker",
    "mat-gypsum-natural": "gypsum",
}

# anchor products: key, name, unit, value per unit, number of producers, rank
ANCHORS = [
    ("electricity", "electricity, medium voltage", "kilowatt hour", 0.1, 5, 0),
    ("lorry", "transport, freight, lorry >32 metric ton", "ton kilometer", 0.08, 3, 1),
    ("diesel", "diesel", "kilogram", 1.0, 2, 2),
    ("heat", "heat, district or industrial, natural gas", "megajoule", 0.02, 3, 3),
    ("natural-gas", "natural gas, high pressure", "megajoule", 0.01, 3, 4),
    ("hard-coal", "hard coal", "kilogram", 0.1, 4, 5),
    ("sea", "transport, freight, sea, bulk carrier", "ton kilometer", 0.005, 2, 6),
    ("rail", "transport, freight train", "ton kilometer", 0.04, 2, 7),
    ("water", "tap water", "cubic meter", 1.0, 3, 8),
    ("limestone", "limestone, crushed, washed", "kilogram", 0.02, 2, 9),
    ("inert-waste", "inert waste, for final disposal", "kilogram", 0.05, 1, 10),
    ("clinker", "clinker", "kilogram", 0.06, 3, 40),
    ("gypsum", "gypsum, mineral", "kilogram", 0.02, 2, 60),
]
ELECTRICITY_PRODUCERS = [("hard coal", 0.95), ("natural gas", 0.40), ("wind", 0.0),
                         ("hydro", 0.0), ("nuclear", 0.0)]
# written-in technosphere inputs of anchor producers: product -> [(input product, amount per unit)]
WRITTEN_IN = {
    "hard-coal": [("electricity", 0.05), ("diesel", 0.004)],
    "lorry": [("diesel", 0.025)],
    "sea": [("diesel", 0.0025)],
    "rail": [("diesel", 0.006), ("electricity", 0.03)],
    "clinker": [("limestone", 1.2), ("hard-coal", 0.1), ("electricity", 0.08)],
    "gypsum": [("diesel", 0.0008), ("electricity", 0.004)],
    "limestone": [("diesel", 0.0007), ("electricity", 0.003)],
    "inert-waste": [("diesel", 0.0005)],
    "heat": [("natural-gas", 1.1)],
}
# written-in fossil CO2 intensities, kg per unit (else from the value per unit)
CO2_INTENSITY = {"lorry": 0.08, "sea": 0.008, "rail": 0.02, "diesel": 0.4, "heat": 0.056,
                 "natural-gas": 0.004, "hard-coal": 0.01, "clinker": 0.55, "limestone": 0.001,
                 "gypsum": 0.001, "inert-waste": 0.002, "water": 0.05}
GENERIC_UNITS = [("kilogram", 0.85), ("megajoule", 0.05), ("cubic meter", 0.04),
                 ("ton kilometer", 0.03), ("kilowatt hour", 0.03)]
CO2_FOSSIL_AIR = "aa7cac3a-3625-41d4-bc54-33e2cf11ec46"
KEY_FLOW_NAMES = ("Carbon dioxide, fossil", "Methane, fossil", "Dinitrogen monoxide",
                  "Sulfur dioxide", "Nitrogen oxides", "Particulate Matter, < 2.5 um")
POOL_SIZE = 300
HUBS = 50  # products of rank < HUBS are hubs: in `loops` their producers draw from every market
STRUCTURES = ("loops", "triangular", "wide-loops")

MiB = 1024 * 1024


def maxrss_mib(who=resource.RUSAGE_SELF) -> float:
    """Peak RSS (MiB) from getrusage. Linux carries a process's ru_maxrss across fork + exec,
    so for a child process it is at least its parent's RSS when it was started: use
    :func:`hwm_mib` for a process's own peak."""
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def hwm_mib() -> float:
    """This process's own peak RSS since it started (VmHWM; reset by exec), MiB."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return maxrss_mib()


# ----------------------------------------------------------------------------------------------
# the synthetic background
# ----------------------------------------------------------------------------------------------

def flow_pool(methods, seed: int) -> list[str]:
    """POOL_SIZE biosphere3 codes characterised by at least one of ``methods``: the key flows
    (to air, and every flow with a key name) first, then a seeded sample of the rest."""
    import numpy as np
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    ids = set()
    for m in methods:
        for flow, _cf in bd.Method(tuple(m)).load():
            ids.add(flow if isinstance(flow, int) else bd.get_node(database=flow[0], code=flow[1]).id)
    rows = sorted((r.code, r.name) for r in AD.select(AD.code, AD.name)
                  .where((AD.database == "biosphere3") & AD.id.in_(sorted(ids))))
    key = [c for c, n in rows if n in KEY_FLOW_NAMES]
    rest = [c for c, n in rows if n not in KEY_FLOW_NAMES]
    rng = np.random.default_rng(seed + 1)
    n_more = max(0, min(len(rest), POOL_SIZE - len(key)))
    pool = key + sorted(rng.choice(rest, size=n_more, replace=False).tolist())
    if CO2_FOSSIL_AIR not in pool:
        pool.insert(0, CO2_FOSSIL_AIR)
    return pool


def generate(db: str, structure: str, n_activities: int, pool: list[str], seed: int) -> tuple[dict, dict]:
    """The activities of database ``db`` (``Database.write`` format) and counts.

    ``structure`` is ``loops`` or ``triangular``; both use the same random draws except that
    ``triangular`` restricts every producer's inputs to markets of lower rank."""
    import numpy as np

    assert structure in STRUCTURES
    rng = np.random.default_rng(seed)
    # --- products ---
    anchors = {a[5]: a for a in ANCHORS}
    products = []  # (key, name, unit, value, n_producers)
    n_act = 0
    rank = 0
    unit_names = [u for u, _ in GENERIC_UNITS]
    unit_p = np.array([p for _, p in GENERIC_UNITS])
    while n_act < n_activities:
        if rank in anchors:
            key, name, unit, value, k, _ = anchors[rank]
        else:
            unit = unit_names[rng.choice(len(unit_names), p=unit_p)]
            value = float(np.exp(rng.normal(0.0, 1.2))) * (0.05 if unit in ("megajoule", "kilowatt hour") else 1.0)
            k = int(rng.integers(1, 6))
            key, name = f"p{rank:05d}", f"synthetic product {rank:05d}"
        k = max(1, min(k, n_activities - n_act - 1)) if n_activities - n_act > 1 else 0
        if k == 0:
            break
        products.append((key, name, unit, value, k))
        n_act += 1 + k
        rank += 1
    P = len(products)
    rank_of = {p[0]: r for r, p in enumerate(products)}
    weights = 1.0 / np.arange(1, P + 1)  # Zipf: hub markets at low ranks
    cum = np.cumsum(weights)

    def market(r: int) -> tuple[str, str]:
        return (db, f"market-{products[r][0]}")

    def lognormal(amount: float, sigma: float) -> dict:
        return {"uncertainty type": 2, "loc": math.log(amount), "scale": sigma}

    data: dict = {}
    counts = {"products": P, "markets": P, "producers": 0, "technosphere": 0, "biosphere": 0,
              "production": 0, "uncertain": 0}
    lorry_r, rail_r = rank_of["lorry"], rank_of["rail"]
    for r, (key, name, unit, value, k) in enumerate(products):
        # producers
        prod_codes = []
        for j in range(k):
            code = f"producer-{key}-{j + 1}"
            prod_codes.append(code)
            pname = (f"electricity production, {ELECTRICITY_PRODUCERS[j][0]}" if key == "electricity"
                     else f"{name} production, route {j + 1}")
            exs = [{"input": (db, code), "amount": 1.0, "type": "production"}]
            # written-in inputs (kept in `triangular` only when they go down the ranking)
            written = WRITTEN_IN.get(key, [])
            if key == "electricity" and ELECTRICITY_PRODUCERS[j][0] == "hard coal":
                written = [("hard-coal", 0.40)]
            if key == "electricity" and ELECTRICITY_PRODUCERS[j][0] == "natural gas":
                written = [("natural-gas", 7.5)]
            used = {r}
            share_written = 0.0
            for inp, amt in written:
                ri = rank_of[inp]
                sigma = float(rng.uniform(0.05, 0.3))
                if structure == "triangular" and ri >= r:
                    continue
                used.add(ri)
                share_written += amt * products[ri][3] / value
                exs.append({"input": market(ri), "amount": amt, "type": "technosphere",
                            **lognormal(amt, sigma)})
            # drawn inputs from markets, Zipf-weighted
            n_in = int(rng.integers(5, 11))
            # loops: hub producers draw from every market, the others from markets of lower
            # rank (which include the hubs); wide-loops: everyone from every market;
            # triangular: ranks below r only
            limit = {"loops": P if r < HUBS else r, "wide-loops": P, "triangular": r}[structure]
            picks = []
            tries = 0
            while len(picks) < n_in and tries < 4 * n_in + 20:
                tries += 1
                u = rng.random() * cum[-1]
                ri = int(np.searchsorted(cum, u))
                if ri >= limit:
                    # the same draw, folded below r (keeps hubs as hubs in both structures)
                    ri = int(np.searchsorted(cum[:limit], rng.random() * cum[limit - 1])) if limit else -1
                if ri < 0 or ri in used:
                    continue
                used.add(ri)
                picks.append(ri)
            total = max(0.05, float(rng.uniform(0.15, 0.5)) - share_written)
            shares = rng.dirichlet(np.ones(len(picks))) * total if picks else []
            for ri, sh in zip(picks, shares):
                amt = float(sh * value / products[ri][3])
                exs.append({"input": market(ri), "amount": amt, "type": "technosphere",
                            **lognormal(amt, float(rng.uniform(0.05, 0.3)))})
            # biosphere: fossil CO2 and 3–10 flows from the pool
            if key == "electricity":
                co2 = ELECTRICITY_PRODUCERS[j][1]
            else:
                co2 = CO2_INTENSITY.get(key, value * float(rng.uniform(0.1, 1.0)))
            if co2 > 0:
                exs.append({"input": ("biosphere3", CO2_FOSSIL_AIR), "amount": co2, "type": "biosphere",
                            **lognormal(co2, float(rng.uniform(0.05, 0.3)))})
            for code_b in rng.choice(pool, size=int(rng.integers(3, 11)), replace=False).tolist():
                if code_b == CO2_FOSSIL_AIR:
                    continue
                amt = float(value * 10 ** rng.uniform(-7, -3))
                exs.append({"input": ("biosphere3", code_b), "amount": amt, "type": "biosphere",
                            **lognormal(amt, float(rng.uniform(0.05, 0.3)))})
            data[(db, code)] = {"name": pname, "reference product": name, "unit": unit,
                                "location": "GLO", "type": "process", "exchanges": exs}
        # the market
        mix = rng.dirichlet(np.ones(k))
        exs = [{"input": market(r), "amount": 1.0, "type": "production"}]
        exs += [{"input": (db, c), "amount": float(s), "type": "technosphere"}
                for c, s in zip(prod_codes, mix)]
        if unit == "kilogram" and key not in ("inert-waste",):
            for tr, lo, hi in ((lorry_r, 5e-5, 5e-4), (rail_r, 1e-5, 2e-4)):
                if tr == r or (tr == rail_r and rng.random() < 0.6):
                    continue
                if structure == "triangular" and tr >= r:
                    continue
                exs.append({"input": market(tr), "amount": float(rng.uniform(lo, hi)),
                            "type": "technosphere"})
        data[market(r)] = {"name": f"market for {name}", "reference product": name, "unit": unit,
                           "location": "GLO", "type": "process", "exchanges": exs}
    for act in data.values():
        for e in act["exchanges"]:
            counts[e["type"]] += 1
            counts["uncertain"] += "uncertainty type" in e
    counts["producers"] = len(data) - P
    counts["activities"] = len(data)
    return data, counts


def rebase(doc: dict, db: str) -> dict:
    """The scenario document with every ``ecolca-open`` reference pointed at ``db``'s market of
    the same product (REBASE)."""
    import copy

    out = copy.deepcopy(doc)

    def walk(x):
        if isinstance(x, dict):
            if set(x) == {"database", "code"} and x["database"] == "ecolca-open":
                x["database"] = db
                x["code"] = f"market-{REBASE[x['code']]}"
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(out)
    out["background_database"] = db
    out["id"] = f"{out['id']}-{db}"
    out["name"] = f"{out['name']} (on {db})"
    return out


def check_units(sc_old, sc_new) -> list[str]:
    """Every rebased reference converts to the synthetic node's unit, with the factor the
    ``ecolca-open`` node gave (same unit on both sides)."""
    import bw2data as bd

    from ecolca import lca

    lines = []
    old_refs = sorted(sc_old.background_refs())
    for db_o, code_o in old_refs:
        new = bd.get_node(database=sc_new.background_database, code=f"market-{REBASE[code_o]}")
        old = bd.get_node(database=db_o, code=code_o)
        assert new["unit"] == old["unit"], (code_o, new["unit"], old["unit"])
        lines.append(f"{code_o} ({old['unit']}) → {new['code']} '{new['name']}' ({new['unit']})")
    for _, f in sc_new.iter_flows():
        ref = f.activity if f.kind == "supply" else f.fate if f.kind == "residue" else None
        if ref is not None:
            node = bd.get_node(database=ref.database, code=ref.code)
            lca._to_unit_factor(f.unit, node["unit"], f.conversion_factor)  # raises if not
    return lines


# ----------------------------------------------------------------------------------------------
# the child process: one structure, one solver
# ----------------------------------------------------------------------------------------------

def _which_solver() -> bool:
    """bw2calc.PYPARDISO in the process that calls this (a spawned worker)."""
    import warnings

    warnings.simplefilter("ignore")
    import bw2calc

    return bool(bw2calc.PYPARDISO)


def naive_monte_carlo(sc, methods, iterations: int, seed: int) -> float:
    """bw2calc's own Monte Carlo of the two configurations (benchmarks/_naive.py)."""
    from _naive import naive_monte_carlo as run  # the benchmarks folder is on sys.path

    return run(sc, methods, iterations, seed)


def child(a) -> int:
    import warnings

    warnings.filterwarnings("ignore")
    out: dict = {"structure": a.structure, "solver_expected": a.solver}
    t0 = time.perf_counter()
    from ecolca.brightway import bwcompat
    bwcompat.configure()
    import bw2calc as bc
    import bw2data as bd
    import numpy as np
    from scipy import sparse

    from ecolca import lca
    from ecolca.core import scenario_file
    from ecolca.brightway.project import activate

    out["imports_s"] = time.perf_counter() - t0
    out["pypardiso"] = bool(bc.PYPARDISO)
    assert out["pypardiso"] == (a.solver == "pardiso"), \
        f"bw2calc uses {'PARDISO' if bc.PYPARDISO else 'SciPy'}, expected {a.solver}"
    activate(PROJECT)
    assert os.path.realpath(str(bd.projects._base_data_dir)).startswith(os.path.realpath(a.tmp))
    sc = scenario_file.load(a.scenario)
    methods = [tuple(m) for m in sc.methods]

    # one factorisation of the whole technosphere (one demand: the electricity market)
    node = bd.get_node(database=sc.background_database, code="market-electricity")
    fu, objs, _ = bd.prepare_lca_inputs(demand={node: 1}, method=methods[0])
    one = bc.LCA(fu, data_objs=objs)
    t0 = time.perf_counter()
    one.load_lci_data()
    one.build_demand_array()
    out["matrix_build_s"] = time.perf_counter() - t0
    A = one.technosphere_matrix
    out["matrix_n"] = int(A.shape[0])
    out["matrix_nnz"] = int(A.nnz)
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(A, directed=True, connection="strong")
    out["largest_scc"] = int(np.bincount(labels).max())
    times = []
    for _ in range(2):  # the first PARDISO call also loads MKL: the second is the one reported
        one._pardiso_solver = None  # a fresh solver: a new factorisation (SciPy always factorises)
        t0 = time.perf_counter()
        one.supply_array = one.solve_linear_system()
        times.append(time.perf_counter() - t0)
    out["factorisation_first_s"], out["factorisation_s"] = times
    if a.solver == "pardiso":
        solver = getattr(one, "_pardiso_solver", None)
        if solver is not None:
            out["factor_nnz"] = int(solver.get_iparm(18))
    elif out["factorisation_s"] < a.fill_limit:
        from scipy.sparse.linalg import splu

        lu = splu(sparse.csr_matrix(A).T.tocsc(), permc_spec="COLAMD")
        out["factor_nnz"] = int(lu.L.nnz + lu.U.nnz)
    print(f"    [{a.structure}/{a.solver}] matrix {A.shape[0]}×{A.shape[0]}, {A.nnz} nnz, largest "
          f"strongly connected component {out['largest_scc']} activities; one "
          f"factorisation + solve {out['factorisation_s']:.2f} s (first call {out['factorisation_first_s']:.2f} s); factors "
          f"{out.get('factor_nnz', 'not measured')} nnz", file=sys.stderr, flush=True)
    del one, A

    # the comparison
    t: dict = {}
    t0 = time.perf_counter()
    res = lca.compare(sc, project=PROJECT, timings=t)
    out["compare_first_s"] = time.perf_counter() - t0
    out["compare_first_lca_s"] = t.get("lca")
    out["compare_first_foreground_s"] = t.get("foreground")
    t = {}
    t0 = time.perf_counter()
    res = lca.compare(sc, project=PROJECT, timings=t)
    out["compare_s"] = time.perf_counter() - t0
    out["compare_lca_s"] = t.get("lca")
    r0 = res.impacts[0]
    out["gwp"] = {"method": " | ".join(r0.method), "linear": r0.linear, "symbiotic": r0.symbiotic,
                  "unit": r0.unit}
    out["rss_after_compare_mib"] = hwm_mib()
    print(f"    [{a.structure}/{a.solver}] compare {out['compare_first_s']:.2f} s first, "
          f"{out['compare_s']:.2f} s again (lca {out['compare_lca_s']:.2f} s)",
          file=sys.stderr, flush=True)

    # Monte Carlo
    n = a.iterations
    if n:
        est = out["compare_lca_s"] or out["factorisation_s"]
        if est * n * 3 > a.mc_budget:  # ecolca ≈ n factorisations, naive ≈ 2 n
            n_cut = max(a.min_iterations, int(a.mc_budget / (3 * est)))
            if n_cut < n:
                out["iterations_cut_from"] = n
                n = n_cut
        out["iterations"] = n
        if a.workers > 1:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as ex:
                out["worker_pypardiso"] = bool(ex.submit(_which_solver).result())
            assert out["worker_pypardiso"] == (a.solver == "pardiso"), "worker solver differs"
        if a.chunk:
            from ecolca.lca import uncertainty

            uncertainty.CHUNK = a.chunk  # this process cuts the chunks; workers only run them
        out["chunk"] = a.chunk or None
        t = {}
        t0 = time.perf_counter()
        mc1 = lca.compare(sc, project=PROJECT, iterations=n, seed=1, workers=1, timings=t)
        out["mc1_s"] = time.perf_counter() - t0
        out["mc1_mc_s"] = t["monte_carlo"]
        out["mc1_delta_mean"] = mc1.uncertainty[0].delta["mean"]
        from ecolca.lca import uncertainty

        solver = uncertainty._solver()  # this thread's: it ran every chunk of the 1-worker run
        out["mc1_solves"], out["mc1_fallbacks"] = solver.solves, solver.fallbacks
        print(f"    [{a.structure}/{a.solver}] ecolca MC {n} it, 1 worker: {out['mc1_s']:.1f} s "
              f"({solver.solves} preordered solves, {solver.fallbacks} solved again the default "
              "way after the residual check)", file=sys.stderr, flush=True)
        if a.workers > 1:
            t = {}
            t0 = time.perf_counter()
            mck = lca.compare(sc, project=PROJECT, iterations=n, seed=1, workers=a.workers, timings=t)
            out["mck_s"] = time.perf_counter() - t0
            out["mck_mc_s"] = t["monte_carlo"]
            out["mck_identical"] = all(
                np.array_equal(u1.delta_samples, uk.delta_samples)
                for u1, uk in zip(mc1.uncertainty, mck.uncertainty))
            print(f"    [{a.structure}/{a.solver}] ecolca MC {n} it, {a.workers} workers: "
                  f"{out['mck_s']:.1f} s", file=sys.stderr, flush=True)
        out["naive_s"] = naive_monte_carlo(sc, methods, n, 1)
        print(f"    [{a.structure}/{a.solver}] naive MC {n} it: {out['naive_s']:.1f} s",
              file=sys.stderr, flush=True)
    out["rss_peak_mib"] = hwm_mib()
    out["rss_peak_workers_mib"] = maxrss_mib(resource.RUSAGE_CHILDREN)
    print("RESULT " + json.dumps(out), flush=True)
    return 0


# ----------------------------------------------------------------------------------------------
# the parent process
# ----------------------------------------------------------------------------------------------

def run_child(a, tmp: str, structure: str, solver: str, scenario: str, block_dir: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = block_dir + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if solver == "scipy":
        env[BLOCK_ENV] = "1"
    else:
        env.pop(BLOCK_ENV, None)
    cmd = [sys.executable, os.path.abspath(__file__), "--child", "--structure", structure,
           "--solver", solver, "--scenario", scenario, "--tmp", tmp,
           "--iterations", str(a.iterations), "--min-iterations", str(a.min_iterations),
           "--workers", str(a.workers), "--mc-budget", str(a.mc_budget),
           "--fill-limit", str(a.fill_limit), "--chunk", str(a.chunk)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, _ = proc.communicate(timeout=a.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)  # the child and the pool workers it started
        proc.communicate()
        return {"structure": structure, "solver_expected": solver,
                "error": f"timed out after {a.timeout:.0f} s"}
    wall = time.perf_counter() - t0
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            out = json.loads(line[7:])
            out["child_wall_s"] = wall
            return out
    return {"structure": structure, "solver_expected": solver,
            "error": f"child exited {proc.returncode} without a result"}


def fmt(x, spec=".2f", none="—"):
    return none if x is None else format(x, spec)


def parent(a) -> int:
    t_start = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix="ecolca-bench-synth-")
    bw_dir = os.path.join(tmp, "bw")
    os.environ["BRIGHTWAY_DIR"] = os.environ["BRIGHTWAY2_DIR"] = bw_dir
    os.environ.pop("ECOLCA_PROJECT", None)
    os.environ.setdefault("TQDM_DISABLE", "1")
    block_dir = os.path.join(tmp, "block")
    os.makedirs(block_dir)
    with open(os.path.join(block_dir, "sitecustomize.py"), "w") as fh:
        fh.write(SITECUSTOMIZE)
    structures = [s for s in a.structures.split(",") if s]
    solvers = [s for s in a.solvers.split(",") if s]
    try:
        import warnings

        warnings.filterwarnings("ignore")
        from ecolca.brightway import bwcompat
        bwcompat.configure()  # creates BRIGHTWAY_DIR, passes it to bw2data
        import bw2data as bd

        from ecolca.core import examples, scenario_file
        from ecolca.brightway import project
        from ecolca.importers import setup as setup_mod

        assert os.path.realpath(str(bd.projects._base_data_dir)).startswith(os.path.realpath(tmp))
        print(f"ecoinvent-scale synthetic background — temporary Brightway folder {bw_dir} "
              f"(removed at the end); {os.cpu_count()} CPUs; seed {a.seed}", flush=True)
        try:
            import pypardiso  # noqa: F401
            have_pardiso = True
        except ImportError:
            have_pardiso = False
        if "pardiso" in solvers and not have_pardiso:
            print("  pypardiso is not installed (pip install 'ecolca[fast]'): PARDISO cases skipped")
            solvers = [s for s in solvers if s != "pardiso"]
        t0 = time.perf_counter()
        setup_mod.setup(PROJECT)
        print(f"  setup('{PROJECT}'): {time.perf_counter() - t0:.1f} s", flush=True)

        ex_doc = scenario_file.to_dict(examples.load("gypsum-ash"))
        sc_old = examples.load("gypsum-ash")
        t0 = time.perf_counter()
        pool = flow_pool(sc_old.methods, a.seed)
        print(f"  biosphere pool: {len(pool)} biosphere3 flows characterised by the example's "
              f"{len(sc_old.methods)} methods ({time.perf_counter() - t0:.1f} s)", flush=True)
        built = {}
        for s in structures:
            db = f"synthetic-{s}"
            rss0 = maxrss_mib()
            t0 = time.perf_counter()
            data, counts = generate(db, s, a.activities, pool, a.seed)
            t_gen = time.perf_counter() - t0
            t0 = time.perf_counter()
            bd.Database(db).write(data)
            t_write = time.perf_counter() - t0
            del data
            rss = hwm_mib()
            doc = rebase(ex_doc, db)
            path = os.path.join(tmp, f"gypsum-ash-{s}.ecolca.json")
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(doc, fh)
            sc_new = scenario_file.load(path)
            mapping = check_units(sc_old, sc_new)
            built[s] = dict(db=db, counts=counts, gen=t_gen, write=t_write, rss=rss, rss0=rss0,
                            scenario=path)
            print(f"  {db}: {counts['activities']} activities ({counts['products']} products: "
                  f"{counts['markets']} markets, {counts['producers']} producers), "
                  f"{counts['technosphere']} technosphere + {counts['biosphere']} biosphere + "
                  f"{counts['production']} production exchanges, {counts['uncertain']} with a "
                  f"lognormal; generated in {t_gen:.1f} s, Database.write {t_write:.1f} s; peak "
                  f"RSS {rss:.0f} MiB", flush=True)
        print("  gypsum-ash rebased (every reference to the synthetic market, same unit):")
        for line in mapping:
            print("    " + line)

        results = []
        for s in structures:
            for solver in solvers:
                print(f"\n  child: {s} / {solver} …", flush=True)
                r = run_child(a, tmp, s, solver, built[s]["scenario"], block_dir)
                results.append(r)
                if "error" in r:
                    print(f"    {s}/{solver}: {r['error']}", flush=True)

        # --- summary ------------------------------------------------------------------------
        print("\n" + "=" * 110)
        print("Write (this process):")
        for s, b in built.items():
            c = b["counts"]
            print(f"  {b['db']:<22} {c['activities']:>6} activities {c['technosphere'] + c['production']:>7} "
                  f"technosphere {c['biosphere']:>7} biosphere  generate {b['gen']:6.1f} s  "
                  f"Database.write {b['write']:6.1f} s  peak RSS {b['rss']:.0f} MiB")
        print("\nSolve and comparison (one child process per structure and solver):")
        print(f"  {'structure':<11} {'solver':<8} {'n':>6} {'nnz(A)':>8} {'nnz(LU)':>11} "
              f"{'factor s':>9} {'compare 1st':>11} {'compare':>8} {'of which lca':>12} "
              f"{'peak MiB':>8}  bw2calc solver")  # peak: the child's own VmHWM
        for r in results:
            if "error" in r:
                print(f"  {r['structure']:<11} {r['solver_expected']:<8} {r['error']}")
                continue
            used = "PARDISO" if r["pypardiso"] else "SciPy (SuperLU)"
            if "worker_pypardiso" in r:
                used += f"; worker: {'PARDISO' if r['worker_pypardiso'] else 'SciPy'}"
            print(f"  {r['structure']:<11} {r['solver_expected']:<8} {r['matrix_n']:>6} "
                  f"{r['matrix_nnz']:>8} {fmt(r.get('factor_nnz'), ',d', 'n/m'):>11} "
                  f"{r['factorisation_s']:>9.2f} {r['compare_first_s']:>11.2f} {r['compare_s']:>8.2f} "
                  f"{fmt(r['compare_lca_s']):>12} {r['rss_peak_mib']:>8.0f}  {used}")
        by = {(r["structure"], r["solver_expected"]): r for r in results if "error" not in r}
        for s in structures:
            sp, pd = by.get((s, "scipy")), by.get((s, "pardiso"))
            if sp and pd:
                win = "SciPy" if sp["compare_s"] < pd["compare_s"] else "PARDISO"
                print(f"  {s}: compare SciPy / PARDISO = {sp['compare_s']:.2f} / {pd['compare_s']:.2f} "
                      f"= {sp['compare_s'] / pd['compare_s']:.2f}; one factorisation "
                      f"{sp['factorisation_s']:.2f} / {pd['factorisation_s']:.2f} = "
                      f"{sp['factorisation_s'] / pd['factorisation_s']:.2f} → {win} wins")
        for s in structures:
            gw = [r["gwp"] for r in results if r.get("structure") == s and "gwp" in r]
            if gw:
                g = gw[0]
                print(f"  {s}: {g['method']}: L {g['linear']:.4g}, S {g['symbiotic']:.4g}, "
                      f"Δ {g['symbiotic'] - g['linear']:.4g} {g['unit']}")
        print("\nMonte Carlo (ecolca chunked MC vs naive bw2calc Monte Carlo of the two configurations):")
        print(f"  {'structure':<11} {'solver':<8} {'N':>4} {'ecolca 1w s':>11} {'it/s':>6} "
              f"{'MC part s':>9} {'ecolca 2w s':>11} {'it/s':>6} {'naive s':>8} {'it/s':>6} "
              f"{'naive/1w':>8} {'naive/2w':>8} {'1w/2w':>6} {'workers MiB':>11}")  # see maxrss_mib
        for r in results:
            if "error" in r or "mc1_s" not in r:
                continue
            n = r["iterations"]
            mck = r.get("mck_s")
            print(f"  {r['structure']:<11} {r['solver_expected']:<8} {n:>4} {r['mc1_s']:>11.1f} "
                  f"{n / r['mc1_s']:>6.2f} {r['mc1_mc_s']:>9.1f} {fmt(mck, '.1f'):>11} "
                  f"{fmt(n / mck if mck else None):>6} {r['naive_s']:>8.1f} {n / r['naive_s']:>6.2f} "
                  f"{r['naive_s'] / r['mc1_s']:>8.2f} {fmt(r['naive_s'] / mck if mck else None):>8} "
                  f"{fmt(r['mc1_s'] / mck if mck else None):>6} {r['rss_peak_workers_mib']:>11.0f}"
                  + (f"  (N cut from {r['iterations_cut_from']})" if "iterations_cut_from" in r else "")
                  + ("" if "mck_identical" not in r else
                     f"  1 and 2 workers identical: {'yes' if r['mck_identical'] else 'NO'}"))
        print("  ecolca times are whole compare() runs (the deterministic solve included); 'MC part' is "
              "its Monte Carlo timing alone. naive = 2 configurations × N bw2calc LCAs with distributions.")
        print("  workers MiB: ru_maxrss of the worker processes, an upper bound (Linux carries the "
              "starting process's RSS into it); 'peak MiB' above is each child's own VmHWM.")
        print(f"\nTotal {time.perf_counter() - t_start:.0f} s")
        if a.json_out:
            with open(a.json_out, "w") as fh:
                json.dump({"write": {s: {k: v for k, v in b.items() if k != "scenario"}
                                     for s, b in built.items()}, "runs": results}, fh, indent=1)
        return 0 if all("error" not in r for r in results) else 1
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--activities", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--structures", default="loops,triangular")
    ap.add_argument("--solvers", default="scipy,pardiso")
    ap.add_argument("--iterations", type=int, default=20,
                    help="Monte Carlo iterations (0: none); 2 workers run in parallel only from 2 chunks on")
    ap.add_argument("--min-iterations", type=int, default=20)
    ap.add_argument("--chunk", type=int, default=10,
                    help="set ecolca.lca.uncertainty.CHUNK in the child (10: 2 workers share 20 "
                         "iterations; 0: ecolca's own 100)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--mc-budget", type=float, default=300.0,
                    help="seconds a child may spend on Monte Carlo (N is cut to fit)")
    ap.add_argument("--fill-limit", type=float, default=30.0,
                    help="measure SuperLU's fill-in only when one factorisation took less (s)")
    ap.add_argument("--timeout", type=float, default=1200.0, help="per child process (s)")
    ap.add_argument("--json-out")
    ap.add_argument("--keep", action="store_true")
    # internal: the child process
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--structure", help=argparse.SUPPRESS)
    ap.add_argument("--solver", help=argparse.SUPPRESS)
    ap.add_argument("--scenario", help=argparse.SUPPRESS)
    ap.add_argument("--tmp", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    return child(a) if a.child else parent(a)


if __name__ == "__main__":
    sys.exit(main())
