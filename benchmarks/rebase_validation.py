#!/usr/bin/env python
"""Side-by-side results of bundled examples on ``ecolca-open`` and on a rebase onto another
background (US LCI by default), for docs/validation.md ("Background: ecolca-open against US LCI").

For each example: the example as shipped and its rebase through the mapping table are compared
(``lca.compare``, the scenario's methods); printed as Markdown:

1. per method: L, S and Δ on both backgrounds and the ratio Δ(rebase)/Δ(ecolca-open);
2. per exchange (first method, or ``--method``): Δₑ and its parts on both backgrounds;
3. per moved activity: the score of one unit of the source activity against the score of what
   replaces it (the target activity times the unit conversion of the mapping), per method; this
   is what explains a difference in (1) and (2).

Unlike the other benchmarks it reads an existing project (it needs the target database, which
``ecolca setup --background uslci`` installs) and writes only the examples' foreground databases
(``ecolca: …``) into it, as ``ecolca run`` does. Run::

    BRIGHTWAY_DIR=… .venv/bin/python benchmarks/rebase_validation.py [--project ecolca]
        [--mapping databases/mappings/ecolca-open--uslci.csv] [--examples gypsum-ash kalundborg]
        [--method 'IPCC 2021|climate change|global warming potential (GWP100)'] [-o table.md]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ecolca.brightway import bwcompat  # noqa: E402
bwcompat.configure()  # before bw2data: BRIGHTWAY_DIR


def fmt(x: float | None) -> str:
    if x is None:
        return "—"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1e6 or a < 1e-3:
        return f"{x:.3e}"
    return f"{x:,.4g}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or a == 0:
        return "—"
    return f"{b / a:.2f}"


def unit_scores(keys, methods) -> dict:
    """(key, method) -> LCIA score of one unit of activity ``key``."""
    import bw2calc as bc
    import bw2data as bd

    out = {}
    keys = sorted(set(keys))
    if not keys:
        return out
    acts = {k: bd.get_node(database=k[0], code=k[1]) for k in keys}
    demands = {f"{k[0]}:{k[1]}": {acts[k].id: 1.0} for k in keys}
    config = {"impact_categories": [tuple(m) for m in methods]}
    data = bd.get_multilca_data_objs(functional_units=demands, method_config=config)
    mlca = bc.MultiLCA(demands=demands, method_config=config, data_objs=data)
    mlca.lci()
    mlca.lcia()
    for (m, fu), score in mlca.scores.items():
        db, code = fu.split(":", 1)
        out[((db, code), tuple(m))] = float(score)
    return out


def run(sc, methods, project):
    """method -> (MethodResult or an error text, [ExchangeParts]). A method whose run is refused
    (e.g. the run-time check Σ parts = Δ on a result that is rounding noise) is run alone, so
    that the others still print, and its row says why."""
    from ecolca.core.errors import EcolcaError
    from ecolca.lca import compare

    try:
        res = compare(sc, project=project, methods=methods)
        return {tuple(r.method): (r, [e for e in res.exchanges if tuple(e.method) == tuple(
            r.method)]) for r in res.impacts}
    except EcolcaError:
        if len(methods) == 1:
            raise
    out = {}
    for m in methods:
        try:
            out.update(run(sc, [m], project))
        except EcolcaError as exc:
            out[tuple(m)] = (f"refused: {exc}", [])
    return out


def section(name: str, mapping, methods_arg, project: str | None) -> list[str]:
    from ecolca.core import examples
    from ecolca.park.rebase import rebase

    sc = examples.load(name)
    reb = rebase(sc, mapping)
    new = reb.scenario
    methods = [tuple(m) for m in sc.methods]
    a = run(sc, methods, project)
    b = run(new, methods, project)
    lines = [f"### {sc.name}", "",
             f"{len({m.use.ref.key for m in reb.moved})} activities moved onto {reb.target}, "
             f"{len({s.use.ref.key for s in reb.stayed})} stay on "
             + ", ".join(sorted({s.use.ref.database for s in reb.stayed}) or ["—"]) + ": "
             + ", ".join(sorted({s.use.ref.code for s in reb.stayed})) + ".", "",
             "| Method | Unit | L open | L rebase | S open | S rebase | Δ open | Δ rebase | "
             "Δ rebase / Δ open |", "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for m in methods:
        (ra, _), (rb, _) = a[m], b[m]
        label = " \\| ".join(m)
        if isinstance(ra, str) or isinstance(rb, str):
            lines.append(f"| {label} | | {ra if isinstance(ra, str) else fmt(ra.linear)} | "
                         f"{rb if isinstance(rb, str) else fmt(rb.linear)} | | | | | |")
            continue
        if not ra.covered or not rb.covered:
            cov = lambda r: (r.coverage.label() if r.coverage else "not covered")  # noqa: E731
            lines.append(f"| {label} | {ra.unit} | {cov(ra) if not ra.covered else fmt(ra.linear)}"
                         f" | {cov(rb) if not rb.covered else fmt(rb.linear)} | | | | | |")
            continue
        lines.append(f"| {label} | {ra.unit} | {fmt(ra.linear)} | {fmt(rb.linear)} | "
                     f"{fmt(ra.symbiotic)} | {fmt(rb.symbiotic)} | {fmt(ra.delta)} | "
                     f"{fmt(rb.delta)} | {ratio(ra.delta, rb.delta)} |")
    m0 = tuple(methods_arg) if methods_arg else methods[0]
    lines += ["", f"Per exchange, {' | '.join(m0)} (Δₑ = −fate −supply +transport +processing):",
              "", "| Exchange | avoided fate open / rebase | avoided supply open / rebase | "
              "transport open / rebase | processing open / rebase | Δₑ open | Δₑ rebase |",
              "|---|--:|--:|--:|--:|--:|--:|"]
    ex_b = {e.exchange_id: e for e in b[m0][1]}
    for e in a[m0][1]:
        f = ex_b[e.exchange_id]
        tot = lambda x: x.avoided_fate + x.avoided_supply + x.transport + x.processing  # noqa
        lines.append(f"| {e.exchange_id} | {fmt(e.avoided_fate)} / {fmt(f.avoided_fate)} | "
                     f"{fmt(e.avoided_supply)} / {fmt(f.avoided_supply)} | {fmt(e.transport)} / "
                     f"{fmt(f.transport)} | {fmt(e.processing)} / {fmt(f.processing)} | "
                     f"{fmt(tot(e))} | {fmt(tot(f))} |")
    # per moved activity: one unit of the source against what replaces it
    pairs = {}
    for mv in reb.moved:
        from ecolca.core import units
        step = mv.row.unit_factor if mv.row.unit_factor is not None else \
            units.factor(mv.from_unit, mv.to_unit) if mv.from_unit != mv.to_unit else 1.0
        pairs[mv.use.ref.key] = (mv, step)
    scores = unit_scores([k for k in pairs] + [mv.row.to_key for mv, _ in pairs.values()],
                         methods)
    lines += ["", "Per moved activity: score of 1 unit of the ecolca-open activity, and of what "
              "replaces it (target × unit conversion):", "",
              "| Activity (unit) | Replaced by | " + " | ".join(
                  f"{m[0]}: {m[1]}" for m in methods) + " |",
              "|---|---|" + "--:|" * len(methods)]
    for key, (mv, step) in sorted(pairs.items()):
        cells = []
        for m in methods:
            s0 = scores.get((key, m))
            s1 = scores.get((mv.row.to_key, m))
            s1 = None if s1 is None else s1 * step
            cells.append(f"{fmt(s0)} → {fmt(s1)}")
        lines.append(f"| {mv.from_name} ({mv.from_unit}) | {mv.to_name} "
                     f"(× {step:.6g} {mv.to_unit}/{mv.from_unit}, {mv.row.match}) | "
                     + " | ".join(cells) + " |")
    return lines + [""]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--project", default=None)
    ap.add_argument("--mapping", default=str(ROOT / "databases" / "mappings" /
                                             "ecolca-open--uslci.csv"))
    ap.add_argument("--examples", nargs="+", default=["gypsum-ash", "kalundborg"])
    ap.add_argument("--method", default=None, help="method for the per-exchange table, 'A|B|C'")
    ap.add_argument("-o", "--output", help="write the Markdown here (default: stdout)")
    a = ap.parse_args(argv)
    import bw2data as bd

    from ecolca.brightway.project import activate
    from ecolca.park.rebase import read_mapping

    activate(a.project)
    mapping = read_mapping(a.mapping)
    targets = sorted({r.to_database for r in mapping.rows.values() if r.to_key})
    missing = [t for t in targets if t not in bd.databases]
    if missing:
        print(f"error: database(s) {', '.join(missing)} not in project "
              f"'{bd.projects.current}'; run `ecolca setup --background uslci` first",
              file=sys.stderr)
        return 1
    lines = [f"<!-- benchmarks/rebase_validation.py, project {bd.projects.current}, mapping "
             f"{Path(a.mapping).name} (sha256 {mapping.sha256[:12]}) -->", ""]
    for name in a.examples:
        lines += section(name, mapping, a.method.split("|") if a.method else None, a.project)
    text = "\n".join(lines)
    if a.output:
        Path(a.output).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.stdout = os.fdopen(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False) \
        if sys.stdout.encoding.lower() != "utf-8" else sys.stdout
    raise SystemExit(main())
