"""Contributions: for each method, the processes whose own elementary flows make up most of L
and S (top N, the rest summed), from the engine's solve (``Results.contributions``)."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.layout import Sheet
from ecolca.lca.results import method_label

NAME = "Contributions"
ORDER = 35
MAX_TEXT = 50


def applies(ctx: cm.Context) -> bool:
    return bool(ctx.results.contributions)


def _share(x: float, total: float) -> float | None:
    return 100.0 * x / total if total else None


def process_label(p, site_names: dict[str, str]) -> tuple[str, str]:
    """(process, database) as the sheet shows them: a site's own node is its direct
    emissions."""
    if p.site is not None:
        return (f"{site_names.get(p.site, p.site)}: direct emissions at the site",
                "foreground (this scenario)")
    return p.name, p.database


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    site_names = {s.id: s.name for s in ctx.scenario.sites}
    left_out = [method_label(c.method) for c in res.contributions if not ctx.covered(c.method)]
    top = max((len(c.processes) for c in res.contributions), default=0)
    sh.title("Contributions to L and S by process, whole park, per year",
             f"A process's contribution is its own elementary flows, characterised, times the "
             f"amount of it that L or S needs (the supply chain of Brightway's solve of the "
             f"foreground database). Per method, the {top} processes contributing most (largest "
             "of |L|, |S|) are named and the others summed. The total is L and S of the Impacts "
             "sheet; the rest row also holds the small difference of Brightway's solve (amounts "
             "stored as float32, within the run-time consistency check of Methods & data), so "
             "the rows add up to it. A negative contribution is a credit. Δ = S − L. Numbers: "
             "each method's block is in the unit of its heading, the unit of its Impacts "
             "row, so the Total reads as on Impacts; each cell holds the full value in the "
             "method's own unit."
             + (" Left out, not covered by the background (no result, not 0): "
                + "; ".join(left_out) + "." if left_out else ""))
    rows: list[list] = []
    subheads: set[int] = set()
    totals: set[int] = set()
    for c in res.contributions:
        if not ctx.covered(c.method):
            continue
        scale = max(abs(c.linear), abs(c.symbiotic))
        imp = ctx.memo.impact(c.method)
        imp_l, imp_s = imp.linear, imp.symbiotic
        # the block reads in the Impacts row's scale: its Total row is shown as Impacts shows
        # it, to the digit (one source for every total, issue #20); in each process row Δ and
        # the largest keep 3 significant figures in that unit, the other one
        total_cells, block = scaled.row([imp.linear, imp.symbiotic, imp.delta], imp.unit)
        subheads.add(len(rows))
        rows.append([f"{method_label(c.method)} [{block.unit}/year]"])
        for i, p in enumerate(c.processes, start=1):
            name, db = process_label(p, site_names)
            cells, _ = scaled.row([p.linear, p.symbiotic, p.delta], within=block,
                                  noise_scale=scale, lead=[2])
            lin, sym = st.denoise([p.linear, p.symbiotic], scale)
            rows.append([i, name, db, p.location, *cells, _share(lin, imp_l),
                         _share(sym, imp_s)])
        # the total is the Impacts sheet's L and S: Brightway's solve, which the processes come
        # from, holds amounts as float32 and differs from it in the 8th digit; that difference
        # is shown with the rest, so the rows add up
        tot_l, tot_s, _ = st.denoise([imp.linear, imp.symbiotic, imp.delta])
        rest_l = imp.linear - sum(p.linear for p in c.processes)
        rest_s = imp.symbiotic - sum(p.symbiotic for p in c.processes)
        lin, sym = st.denoise([rest_l, rest_s], scale)
        if c.rest_count or lin or sym:
            d = st.denoise([rest_s - rest_l], scale)[0]
            drift = abs(c.linear - imp.linear) + abs(c.symbiotic - imp.symbiotic)
            why = ("the rounding of Brightway's float32 amounts" if drift <= 1e-5 * scale
                   else "the difference of Brightway's solve from the Impacts sheet")
            cells, _ = scaled.row([lin, sym, d], within=block, noise_scale=scale, lead=[2])
            rows.append([None, (f"rest: {c.rest_count} other process(es), and {why}"
                                if c.rest_count else f"rest: {why}"),
                         None, None, *cells, _share(lin, tot_l), _share(sym, tot_s)])
        totals.add(len(rows))
        rows.append([None, "Total", None, None, *total_cells,
                     100.0 if tot_l else None, 100.0 if tot_s else None])
    sh.table([("Rank", "int"), ("Process", "wrap"), ("Database", "wrap"), ("Location", "text"),
              ("Linear (L) [unit/year]", "auto"), ("Symbiotic (S) [unit/year]", "auto"),
              ("Δ = S − L [unit/year]", "auto"), ("Share of L [%]", "pct"),
              ("Share of S [%]", "pct")], rows, subheads=subheads, total_rows=totals,
             caps={"Process": 50, "Database": 28, "Location": 16})
