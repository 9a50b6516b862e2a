"""Impacts: every method, L, S, Δ, Δ %, cost per avoided unit, coverage."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report.layout import Sheet

NAME = "Impacts"
ORDER = 30
MAX_TEXT = 40


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    cur = res.currency
    n = cm.method_levels(res)
    reason = cm.cost_reason(res)
    sh.title("Impacts per method, whole park, per year",
             "Δ = S − L; negative means the symbiosis lowers the impact. Cost per avoided unit: "
             f"total Δcost [{cur}/year] divided by the avoided impact; negative = win-win; empty "
             "when nothing is avoided" + (f"; {reason}." if reason else ".")
             + " Coverage: the background processes of the supply chain without any flow the "
             "method characterises are named. Numbers: " + scaled.NOTE + " (the cost per "
             "avoided unit is per unit of the method itself: per kg, not per Mt).")
    cols = [(h, "wrap") for h in cm.level_headers(n)] + [
        ("Unit", "text"), ("Linear (L) [unit/year]", "auto"),
        ("Symbiotic (S) [unit/year]", "auto"), ("Δ = S − L [unit/year]", "auto"),
        ("Δ [%]", "pct"), ("S relative to L = 100 [%]", "pct"),
        (f"Cost per avoided unit [{cur}/method unit]", "money"), ("Coverage", "wrap")]
    rows = []
    for r in res.impacts:
        levels = list(r.method) + [None] * (n - len(r.method))
        cov = r.coverage.label() if r.coverage is not None else ""
        if not r.covered:
            rows.append(levels + [r.unit, "not covered", None, None, None, None, None, cov])
            continue
        values, sc = scaled.row([r.linear, r.symbiotic, r.delta], r.unit)
        rows.append(levels + [sc.unit, *values,
                              "n/m" if r.pct_note else r.delta_pct,
                              "n/m" if r.pct_note else r.relative,
                              cm.cost_per_avoided(res, r.method),
                              cov or "covered"])
    sh.table(cols, rows, caps={"Method": 22, "Category": 26, "Indicator": 30, "Coverage": 60})
