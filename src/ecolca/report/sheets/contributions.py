"""Contributions: for each method, the processes whose own elementary flows make up most of L
and S (top N, the rest summed), from the engine's solve (``Results.contributions``)."""

from __future__ import annotations

from ecolca.report import common as cm
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
             "of |L|, |S|) are named and the others summed; the contributions add up to the "
             "total, which equals L and S on the Impacts sheet within the run-time consistency "
             "check (Methods & data). A negative contribution is a credit. Δ = S − L."
             + (" Left out, not covered by the background (no result, not 0): "
                + "; ".join(left_out) + "." if left_out else ""))
    rows: list[list] = []
    subheads: set[int] = set()
    totals: set[int] = set()
    for c in res.contributions:
        if not ctx.covered(c.method):
            continue
        scale = max(abs(c.linear), abs(c.symbiotic))
        subheads.add(len(rows))
        rows.append([f"{method_label(c.method)} [{c.unit}/year]"])
        for i, p in enumerate(c.processes, start=1):
            name, db = process_label(p, site_names)
            lin, sym, d = st.denoise([p.linear, p.symbiotic, p.delta], scale)
            rows.append([i, name, db, p.location, lin, sym, d, _share(lin, c.linear),
                         _share(sym, c.symbiotic)])
        if c.rest_count:
            lin, sym = st.denoise([c.rest_linear, c.rest_symbiotic], scale)
            d = st.denoise([c.rest_symbiotic - c.rest_linear], scale)[0]
            rows.append([None, f"rest: {c.rest_count} other process(es)", None, None, lin, sym,
                         d, _share(lin, c.linear), _share(sym, c.symbiotic)])
        totals.add(len(rows))
        lin, sym = st.denoise([c.linear, c.symbiotic], scale)
        rows.append([None, "Total", None, None, lin, sym,
                     st.denoise([c.symbiotic - c.linear], scale)[0],
                     100.0 if c.linear else None, 100.0 if c.symbiotic else None])
    sh.table([("Rank", "int"), ("Process", "wrap"), ("Database", "wrap"), ("Location", "text"),
              ("Linear (L) [unit/year]", "auto"), ("Symbiotic (S) [unit/year]", "auto"),
              ("Δ = S − L [unit/year]", "auto"), ("Share of L [%]", "pct"),
              ("Share of S [%]", "pct")], rows, subheads=subheads, total_rows=totals,
             caps={"Process": 50, "Database": 28, "Location": 16})
