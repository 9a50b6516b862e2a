#!/usr/bin/env python
"""ecolca benchmarks: wall time and peak memory of set-up, foreground, comparison and report.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench.py [--quick] [--repeat N]``.

Everything happens in a fresh temporary Brightway folder (``BRIGHTWAY_DIR`` is set before ecolca
is imported), which is removed at the end: no user project is read or written.

Measurements (see docs/performance.md):

* wall: ``time.perf_counter``; for repeatable steps the best of ``--repeat`` runs (default 3).
* py-peak: peak of Python allocations (``tracemalloc``) in ONE EXTRA run of the step made with
  tracing on, so that tracing (which slows Python code 2-3x) never inflates the wall times.
  It does not see memory allocated by C libraries outside Python's allocator (SQLite pages,
  SuiteSparse/UMFPACK work space), which is why the RSS column is shown too.
* dRSS: growth of the process's peak resident set size (``resource.getrusage().ru_maxrss``)
  across the timed runs of the step. It is a high-water mark: 0 means the step stayed below the
  peak an earlier step had already reached, not that it used no memory.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings

# --- a throw-away Brightway folder, set BEFORE anything imports ecolca or bw2data -------------
_TMP = tempfile.mkdtemp(prefix="ecolca-bench-")
BW_DIR = os.path.join(_TMP, "brightway")
os.environ["BRIGHTWAY_DIR"] = BW_DIR
os.environ["BRIGHTWAY2_DIR"] = BW_DIR  # what bw2data 4.8 reads; ecolca sets it too on import
os.environ.pop("ECOLCA_PROJECT", None)
os.environ.setdefault("TQDM_DISABLE", "1")  # bw2data's progress bars would clutter the output
PROJECT = "ecolca-bench"

warnings.filterwarnings("ignore", message=r"[\s\S]*pypardiso")

TARGETS = {  # step key -> (limit, unit, description)
    "setup-first": (15.0, "s", "first setup ≤ 15 s"),
    "setup-repeat": (1.0, "s", "repeat setup ≤ 1 s"),
    "compare-generated": (2.0, "s", "comparison of the generated park ≤ 2 s"),
    "report-generated": (3.0, "s", "report of the generated park ≤ 3 s"),
    "ratio": (0.5, "", "ecolca compare / naive ≤ 0.5"),
}

MiB = 1024 * 1024


def maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


class Row:
    def __init__(self, key, label, wall, runs, py_peak=None, drss=None, note=""):
        self.key, self.label, self.wall, self.runs = key, label, wall, runs
        self.py_peak, self.drss, self.note = py_peak, drss, note


ROWS: list[Row] = []


def measure(key: str, label: str, fn, repeat: int, trace: bool = True, note: str = ""):
    """Best-of-``repeat`` wall time of ``fn()``; then one traced run for the Python peak."""
    gc.collect()
    rss0 = maxrss_bytes()
    times, result = [], None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    drss = maxrss_bytes() - rss0
    peak = None
    if trace:
        gc.collect()
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    row = Row(key, label, min(times), len(times), peak, drss, note)
    ROWS.append(row)
    print(f"  {label}: {min(times):.3f} s (best of {len(times)}"
          + (f", median {statistics.median(times):.3f} s" if len(times) > 1 else "") + ")",
          flush=True)
    return result, row


# --- the generated park --------------------------------------------------------------------------

def bundled_codes() -> dict[str, str]:
    """code -> unit of every process of the bundled background database (from its CSV files)."""
    import csv
    import glob

    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "databases",
                        "ecolca-open")
    out = {}
    for path in sorted(glob.glob(os.path.join(root, "processes_*.csv"))):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                out[row["code"]] = row["unit"]
    return out


def pick_methods(n: int = 20) -> list[tuple[str, ...]]:
    """n deterministic methods of the project: GWP100 of IPCC 2021 and EF v3.1 first, then the
    other EF v3.1 categories, then the rest, each group in sorted order."""
    import bw2data as bd

    allm = sorted(bd.methods)

    def rank(m):
        gwp100 = "GWP100" in " ".join(m)
        if m[0].startswith("IPCC 2021") and gwp100:
            return 0
        if m[0] == "EF v3.1" and gwp100:
            return 1
        if m[0] == "EF v3.1":
            return 2
        return 3

    return sorted(allm, key=lambda m: (rank(m), m))[:n]


def generate_park(methods, n_sites: int = 100, n_exchanges: int = 300, seed: int = 20240601):
    """A deterministic, valid park: n_sites sites, n_exchanges exchanges (with cycles)."""
    from ecolca.core import units
    from ecolca.core.model import (ActivityRef, Exchange, ExchangeEconomics, Flow, Processing,
                              Scenario, Site, Transport)

    rng = random.Random(seed)
    codes = bundled_codes()
    DB = "ecolca-open"
    mat = sorted(c for c in codes if c.startswith("mat-"))
    mass_fuel = sorted(c for c in codes if c.startswith("fuel-") and codes[c] == "kilogram")
    grids = sorted(c for c in codes if c.startswith("elec-grid-"))
    heat = sorted(c for c in codes if c.startswith("heat-"))
    water = sorted(c for c in codes if c.startswith("water-"))
    mass_fates = ["waste-landfill-inert", "waste-landfill-hazardous", "waste-landfill-municipal",
                  "waste-incineration-municipal"]
    modes = ["transport-lorry", "transport-rail", "transport-ship"]
    for c in mat + mass_fuel + grids + heat + water + mass_fates + modes + [
            "fuel-natural-gas", "waste-wastewater-treatment"]:
        assert c in codes, c
    CO2 = ActivityRef("biosphere3", "aa7cac3a-3625-41d4-bc54-33e2cf11ec46")  # CO2, fossil, air

    def ref(code):
        return ActivityRef(DB, code)

    def supply(kind: str, idx: int) -> Flow:
        """A supply of class ``kind`` with a realistic unit and size."""
        if kind == "material":
            code = rng.choice(mat + mass_fuel)
            unit = rng.choice(["t", "kilogram"])
            amount = rng.uniform(2e3, 4e5) * (1 if unit == "t" else 1000)
            tr = [Transport(ref(rng.choice(modes)), rng.uniform(30, 400))] if rng.random() < 0.5 else []
            return Flow(f"sup{idx}", "supply", code.split("-", 1)[1].replace("-", " "), amount, unit,
                        activity=ref(code), price=rng.uniform(10, 200) / (1 if unit == "t" else 1000),
                        transport=tr, category="material")
        if kind == "electricity":
            unit = rng.choice(["MWh", "kWh"])
            amount = rng.uniform(1e3, 2e5) * (1 if unit == "MWh" else 1000)
            return Flow(f"sup{idx}", "supply", "electricity", amount, unit,
                        activity=ref(rng.choice(grids)),
                        price=rng.uniform(60, 200) / (1 if unit == "MWh" else 1000), category="energy")
        if kind == "heat":
            code = rng.choice(heat + ["fuel-natural-gas"])
            unit = rng.choice(["MJ", "GJ"])
            amount = rng.uniform(1e4, 2e6) * (1000 if unit == "MJ" else 1)
            return Flow(f"sup{idx}", "supply", code.replace("-", " "), amount, unit,
                        activity=ref(code), price=rng.uniform(5, 15) / (1000 if unit == "MJ" else 1),
                        category="energy")
        assert kind == "water"
        return Flow(f"sup{idx}", "supply", "process water", rng.uniform(2e4, 2e6), "m3",
                    activity=ref(rng.choice(water)), price=rng.uniform(0.3, 2.0), category="water")

    sites = []
    for i in range(n_sites):
        sid = f"s{i + 1:03d}"
        flows = []
        for k in range(rng.randint(1, 2)):
            unit = rng.choice(["t", "MWh"])
            flows.append(Flow(f"prod{k + 1}", "product", f"product {k + 1}",
                              rng.uniform(1e3, 1e6), unit, price=rng.uniform(50, 800)))
        n_sup = rng.randint(3, 6)
        kinds = ["material"] + [rng.choice(["material", "material", "electricity", "heat", "water"])
                                for _ in range(n_sup - 1)]
        used = set()
        for k, kind in enumerate(kinds):
            for _ in range(10):  # no two supplies from the same activity
                f = supply(kind, k + 1)
                if f.activity.code not in used:
                    break
            used.add(f.activity.code)
            flows.append(f)
        for k in range(rng.randint(1, 3)):
            if rng.random() < 0.8:
                unit = rng.choice(["t", "kilogram"])
                amount = rng.uniform(1e3, 2e5) * (1 if unit == "t" else 1000)
                tr = [Transport(ref("transport-lorry"), rng.uniform(10, 80))] if rng.random() < 0.6 else []
                flows.append(Flow(f"res{k + 1}", "residue", f"residue {k + 1}", amount, unit,
                                  fate=ref(rng.choice(mass_fates)), transport=tr,
                                  price=rng.uniform(20, 120) / (1 if unit == "t" else 1000),
                                  category="by-product"))
            else:
                flows.append(Flow(f"res{k + 1}", "residue", "wastewater", rng.uniform(1e4, 1e6), "m3",
                                  fate=ref("waste-wastewater-treatment"), price=rng.uniform(0.5, 3),
                                  category="water"))
        if rng.random() < 0.5:
            flows.append(Flow("co2", "emission", "CO2, direct", rng.uniform(1e6, 1e9), "kg",
                              activity=CO2))
        sites.append(Site(sid, f"Site {i + 1:03d}", sector="generated", location="GLO",
                          position=(rng.uniform(0, 100), rng.uniform(0, 100)), flows=flows))

    def dim(f):
        return units.dimension(f.unit)

    def klass(f):  # what a residue can replace / what a supply can be replaced by
        if f.kind == "residue":
            return "water" if dim(f) == "volume" else "mass"
        if f.activity.code.startswith("water-"):
            return "water"
        return "mass" if dim(f) == "mass" else None

    res_left = {(s.id, f.id): f.amount for s in sites for f in s.flows if f.kind == "residue"}
    sup_left = {(s.id, f.id): f.amount for s in sites for f in s.flows if f.kind == "supply"}
    exchanges: list[Exchange] = []
    pairs = set()

    def link(a: Site, b: Site) -> bool:
        """One exchange from a residue of a to a matching supply of b; False if none fits."""
        residues = [f for f in a.flows if f.kind == "residue"]
        rng.shuffle(residues)
        for res in residues:
            cands = [f for f in b.flows if f.kind == "supply" and klass(f) == klass(res)
                     and (a.id, res.id, b.id, f.id) not in pairs]
            if not cands:
                continue
            sup = rng.choice(cands)
            r = rng.uniform(0.6, 1.0) * units.factor(res.unit, sup.unit)  # supply units per residue unit
            cap = min(res_left[(a.id, res.id)], sup_left[(b.id, sup.id)] / r)
            q = cap * rng.uniform(0.1, 0.4)
            if q <= 0:
                continue
            res_left[(a.id, res.id)] -= q
            sup_left[(b.id, sup.id)] -= r * q
            pairs.add((a.id, res.id, b.id, sup.id))
            transport, processing = [], []
            if klass(res) == "mass":
                if rng.random() < 0.7:
                    transport = [Transport(ref(m), rng.uniform(5, 300), label=m.split("-")[1])
                                 for m in rng.sample(modes, rng.randint(1, 2))]
                if rng.random() < 0.3:
                    per_t = rng.uniform(5, 50)  # kWh per t
                    processing = [Processing(ref(rng.choice(grids)), per_t * units.factor(res.unit, "t"),
                                             "kWh", name="grinding/drying power")]
            elif rng.random() < 0.5:
                processing = [Processing(ref(rng.choice(grids)), rng.uniform(0.2, 1.0), "kWh",
                                         name="pumping and treatment power")]
            exchanges.append(Exchange(
                f"x{len(exchanges) + 1:03d}", a.id, res.id, b.id, sup.id, q, r,
                category="water" if klass(res) == "water" else "by-product",
                transport=transport, processing=processing,
                economics=ExchangeEconomics(price=rng.uniform(0, 10) / units.factor("t", res.unit)
                                            if klass(res) == "mass" else 0.0)))
            return True
        return False

    # cycles first: A -> B and B -> A
    cycles = 0
    while cycles < 20:
        a, b = rng.sample(sites, 2)
        if link(a, b):
            if link(b, a):
                cycles += 1
    guard = 0
    while len(exchanges) < n_exchanges:
        guard += 1
        assert guard < 100 * n_exchanges, "cannot place the exchanges"
        a, b = rng.sample(sites, 2)
        link(a, b)
    sc = Scenario(name=f"generated park ({n_sites} sites, {n_exchanges} exchanges)",
                  id="bench-generated", description="Deterministic synthetic park for benchmarks.",
                  methods=list(methods), sites=sites, exchanges=exchanges, calibration="illustrative")
    return sc, cycles


# --- the naive approach --------------------------------------------------------------------------

def naive_scores(fg_name: str, methods, reuse_factorisation: bool = False) -> dict:
    """L and S by plain bw2calc: one LCA per configuration per method (lci + lcia each time), or,
    with ``reuse_factorisation``, one LCA per configuration and ``switch_method`` per method."""
    import bw2calc as bc
    import bw2data as bd

    out = {}
    warnings.filterwarnings("ignore", message="All values in characterization matrix are zero")
    for cfg in ("park:linear", "park:symbiotic"):
        if reuse_factorisation:
            fu, objs, remap = bd.prepare_lca_inputs(demand={(fg_name, cfg): 1}, method=methods[0])
            lca = bc.LCA(demand=fu, data_objs=objs, remapping_dicts=remap)
            lca.lci()
            lca.lcia()
            out[(methods[0], cfg)] = lca.score
            for m in methods[1:]:
                lca.switch_method(m)
                lca.lcia_calculation()
                out[(m, cfg)] = lca.score
            continue
        for m in methods:
            fu, objs, remap = bd.prepare_lca_inputs(demand={(fg_name, cfg): 1}, method=m)
            lca = bc.LCA(demand=fu, data_objs=objs, remapping_dicts=remap)
            lca.lci()
            lca.lcia()
            out[(m, cfg)] = lca.score
    return out


def check_against_naive(results, naive: dict, rtol: float = 1e-6) -> tuple[bool, float]:
    worst = 0.0
    for mr in results.impacts:
        for cfg, val in (("park:linear", mr.linear), ("park:symbiotic", mr.symbiotic)):
            ref = naive[(tuple(mr.method), cfg)]
            err = abs(val - ref) / max(abs(ref), 1e-300) if ref else abs(val)
            worst = max(worst, err)
    return worst <= rtol, worst


# --- the benchmark -------------------------------------------------------------------------------

def bench_park(tag: str, sc, repeat: int, out_dir: str, naive: bool) -> dict:
    from ecolca import lca, report
    from ecolca.core.validation import errors, validate

    info = {}
    problems = validate(sc)
    assert not errors(problems), errors(problems)
    n_ex = len(sc.exchanges)
    print(f"\n[{tag}] {len(sc.sites)} sites, {sum(len(s.flows) for s in sc.sites)} flows, "
          f"{n_ex} exchanges, {len(sc.methods)} methods, "
          f"{len(sc.background_refs())} background activities", flush=True)
    measure(f"foreground-{tag}", f"{tag}: build_foreground", lambda: lca.build_foreground(sc),
                    repeat)
    runs: list = []

    def timed_compare():
        t0 = time.perf_counter()
        t: dict = {}
        res = lca.compare(sc, project=PROJECT, timings=t)
        runs.append((time.perf_counter() - t0, t))
        return res

    results, row = measure(f"compare-{tag}", f"{tag}: compare()", timed_compare, repeat)
    best_wall, best_t = min(runs[:repeat], key=lambda x: x[0])
    info["timings"] = best_t
    info["compare"] = best_wall
    row.note = ("of which foreground {:.3f} s, lca {:.3f} s, rest {:.3f} s".format(
        best_t.get("foreground", 0.0), best_t.get("lca", 0.0),
        best_wall - best_t.get("foreground", 0.0) - best_t.get("lca", 0.0)))
    # a scenario that was just edited: its foreground database is rewritten (no cache hit)
    edits = iter(range(1, 1000))

    def edited_compare():
        import copy

        sc2 = copy.deepcopy(sc)
        sc2.exchanges[0].amount *= 1 - 1e-9 * next(edits)
        return lca.compare(sc2, project=PROJECT)

    _, erow = measure(f"compare-edited-{tag}", f"{tag}: compare() after an edit", edited_compare,
                      repeat, trace=False, note="foreground database rewritten every run")
    info["compare_edited"] = erow.wall
    n_dem = 2 + len(sc.sites) + len(sc.background_refs())
    info["n_demands"] = n_dem
    print(f"    timings: foreground {best_t['foreground']:.3f} s, lca {best_t['lca']:.3f} s "
          f"(one MultiLCA: {n_dem} demands × {len(sc.methods)} methods)", flush=True)
    path = os.path.join(out_dir, f"{tag}.xlsx")
    measure(f"report-{tag}", f"{tag}: write_report", lambda: report.write_report(results, sc, path),
            repeat)
    ROWS[-1].note = f"{os.path.getsize(path) / 1024:.0f} KiB xlsx"

    if naive:
        fg_name = lca.foreground_name(sc)
        methods = [tuple(m) for m in sc.methods]
        nv, nrow = measure(f"naive-{tag}", f"{tag}: naive, {2 * len(methods)} × bw2calc.LCA",
                           lambda: naive_scores(fg_name, methods), repeat, trace=False,
                           note="lci()+lcia() from scratch per (configuration, method)")
        fair, frow = measure(f"naive-fair-{tag}",
                             f"{tag}: fair naive, 2 LCAs + switch_method",
                             lambda: naive_scores(fg_name, methods, True), repeat, trace=False,
                             note=f"one factorisation per configuration, {len(methods)} characterisations each")
        ok, worst = check_against_naive(results, nv)
        ok2, worst2 = check_against_naive(results, fair)
        info.update(naive=nrow.wall, fair=frow.wall, check=(ok, worst), check_fair=(ok2, worst2),
                    per_lca=nrow.wall / (2 * len(methods)))
        print(f"    L and S of ecolca vs naive: max relative difference {worst:.2e} "
              f"({'OK' if ok else 'MISMATCH'} at 1e-6); vs fair naive {worst2:.2e} "
              f"({'OK' if ok2 else 'MISMATCH'})", flush=True)
    return info


def fmt_mib(x):
    return "-" if x is None else f"{x / MiB:.1f}"


def verdict(key: str, value: float) -> str:
    if key not in TARGETS:
        return ""
    limit, unit, _ = TARGETS[key]
    return f"≤ {limit:g}{' ' + unit if unit else ''}  {'PASS' if value <= limit else 'MISS'}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="the bundled example only")
    ap.add_argument("--repeat", type=int, default=3, help="best of N for repeatable steps (3)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (debugging)")
    a = ap.parse_args(argv)
    t_start = time.perf_counter()
    out_dir = os.path.join(_TMP, "reports")
    os.makedirs(out_dir)
    try:
        print(f"ecolca benchmarks — temporary Brightway folder {BW_DIR} (removed at the end)")
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; best of {a.repeat}", flush=True)

        # 0. imports (not part of any target; `ecolca setup` pays them once per process)
        rss0 = maxrss_bytes()
        t0 = time.perf_counter()
        from ecolca.brightway import bwcompat
        bwcompat.configure()  # first: it creates the BRIGHTWAY_DIR folder bw2data needs
        from ecolca.core import examples
        from ecolca.brightway import project
        from ecolca.importers import setup as setup_mod

        import bw2calc  # noqa: F401
        import bw2data as bd
        import bw2io  # noqa: F401
        t_imp = time.perf_counter() - t0
        ROWS.append(Row("imports", "import bw2data, bw2calc, bw2io, ecolca", t_imp, 1, None,
                        maxrss_bytes() - rss0, "once per process; not in step 1"))
        print(f"  imports: {t_imp:.3f} s", flush=True)
        assert os.path.realpath(str(bd.projects._base_data_dir)).startswith(os.path.realpath(_TMP)), \
            f"Brightway folder is {bd.projects._base_data_dir}, not the temporary one"

        # 1. first setup of a fresh project
        gc.collect()
        rss0 = maxrss_bytes()
        t0 = time.perf_counter()
        rep = setup_mod.setup(PROJECT)
        t_first = time.perf_counter() - t0
        print(f"  first setup(): {t_first:.3f} s — " + "; ".join(rep.steps), flush=True)
        row1 = Row("setup-first", "1. first setup() (fresh project)", t_first, 1, None,
                   maxrss_bytes() - rss0, "py-peak: a second, traced setup of another fresh project")
        ROWS.append(row1)
        if not a.quick:
            gc.collect()
            tracemalloc.start()
            setup_mod.setup(PROJECT + "-mem")
            row1.py_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            bd.projects.set_current(PROJECT)
            bd.projects.delete_project(PROJECT + "-mem", delete_dir=True)
        else:
            row1.note = "py-peak skipped (--quick)"
        methods_all = len(bd.methods)

        # 2. repeated setup (nothing to do)
        rep2, _ = measure("setup-repeat", "2. repeat setup() (nothing to do)",
                          lambda: setup_mod.setup(PROJECT), a.repeat)
        assert not rep2.changed, rep2.steps

        # 2b. the CLI, as a subprocess on the set-up project
        env = dict(os.environ, ECOLCA_PROJECT=PROJECT)
        cli_times = []
        for _ in range(max(1, a.repeat)):
            t0 = time.perf_counter()
            cp = subprocess.run([sys.executable, "-m", "ecolca", "setup", "--quiet"], env=env,
                                capture_output=True, text=True)
            cli_times.append(time.perf_counter() - t0)
            assert cp.returncode == 0, cp.stderr
        ROWS.append(Row("cli-setup", "2b. `python -m ecolca setup` subprocess", min(cli_times),
                        len(cli_times), None, None, "interpreter start-up and imports included"))
        print(f"  `python -m ecolca setup`: {min(cli_times):.3f} s ({cp.stdout.strip()})", flush=True)

        # 3. the bundled example
        ex = examples.load("gypsum-ash")
        info_ex = bench_park("gypsum-ash", ex, a.repeat, out_dir, naive=True)

        info_gen = None
        if not a.quick:
            methods = pick_methods(20)
            t0 = time.perf_counter()
            gen, cycles = generate_park(methods)
            t_gen = time.perf_counter() - t0
            print(f"\n  generated park in {t_gen:.2f} s: {cycles} two-way pairs (A→B and B→A); "
                  f"{methods_all} methods in the project, 20 used:", flush=True)
            for m in methods:
                print("     ", " | ".join(m))
            info_gen = bench_park("generated", gen, a.repeat, out_dir, naive=True)

        # --- summary --------------------------------------------------------------------------
        print("\n" + "=" * 118)
        print(f"{'step':<50} {'wall s':>8} {'runs':>4} {'py-peak MiB':>11} {'dRSS MiB':>9}  "
              f"{'target':<14} note")
        print("-" * 118)
        for r in ROWS:
            key = r.key
            tgt = verdict(key, r.wall)
            print(f"{r.label:<50} {r.wall:>8.3f} {r.runs:>4} {fmt_mib(r.py_peak):>11} "
                  f"{fmt_mib(r.drss):>9}  {tgt:<14} {r.note}")
        print("-" * 118)
        for tag, info in (("gypsum-ash", info_ex), ("generated", info_gen)):
            if not info:
                continue
            ratio = info["compare"] / info["naive"]
            ratio_lca = info["timings"]["lca"] / info["naive"]
            ratio_fair = info["compare"] / info["fair"]
            tv = verdict("ratio", ratio) if tag == "generated" else "(no target)"
            print(f"{tag}: ecolca compare / naive = {info['compare']:.3f} / {info['naive']:.3f} = "
                  f"{ratio:.3f}  {tv}")
            fgw = next(r.wall for r in ROWS if r.key == f"foreground-{tag}")
            print(f"{tag}:   MultiLCA part only ('lca' timing) / naive = {ratio_lca:.3f}; "
                  f"compare / (build_foreground + naive) = {info['compare'] / (fgw + info['naive']):.3f}; "
                  f"compare / fair naive = {ratio_fair:.3f}")
            eq = info["n_demands"] * (20 if tag == "generated" else len(ex.methods))
            print(f"{tag}:   ecolca computes {info['n_demands']} demands × methods = {eq} scores; "
                  f"naive computes {2 * (20 if tag == 'generated' else len(ex.methods))}. "
                  f"At the naive {info['per_lca'] * 1000:.0f} ms per LCA, the same {eq} scores "
                  f"would take ≈ {eq * info['per_lca']:.0f} s (estimate)")
            if "compare_edited" in info:
                ce = info["compare_edited"]
                print(f"{tag}:   after an edit (foreground rewritten): compare / naive = "
                      f"{ce:.3f} / {info['naive']:.3f} = {ce / info['naive']:.3f}; compare / "
                      f"(build_foreground + naive) = {ce / (fgw + info['naive']):.3f}")
            ok, worst = info["check"]
            print(f"{tag}:   L and S equal to naive within 1e-6: {'yes' if ok else 'NO'} "
                  f"(max rel. diff {worst:.1e})")
        print("\nTargets (2-core machine):")
        results = []
        for key, (limit, unit, desc) in TARGETS.items():
            if key == "ratio":
                if not info_gen:
                    continue
                val = info_gen["compare"] / info_gen["naive"]
            else:
                r = next((r for r in ROWS if r.key == key), None)
                if r is None:
                    continue
                val = r.wall
            ok = val <= limit
            results.append(ok)
            print(f"  {'PASS' if ok else 'MISS'}  {desc:<42} measured {val:.3f}{' ' + unit if unit else ''}")
        print("  wall = time.perf_counter; py-peak = tracemalloc peak (Python allocations, one "
              "extra traced run); dRSS = growth of ru_maxrss (process high-water mark) in the step")
        print(f"\nTotal benchmark time {time.perf_counter() - t_start:.1f} s")
        return 0
    finally:
        if a.keep:
            print(f"kept {_TMP}")
        else:
            shutil.rmtree(_TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
