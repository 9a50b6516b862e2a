"""Inventory: key elementary flows of the whole park."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report import styles as st
from ecolca.report.layout import Sheet

NAME = "Inventory"
ORDER = 70
MAX_TEXT = 50


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    full = getattr(res, "elementary_flows", None)
    sh.title("Key elementary flows, whole park, per year",
             "Summed over the whole system (foreground and background) and over sub-compartments. "
             + ("Every elementary flow: the Full inventory sheet." if full else
                "Full inventory (every elementary flow): not computed in this run."))
    rows = [[i.label, i.unit, *st.denoise([i.linear, i.symbiotic, i.delta])]
            for i in res.inventory]
    sh.table([("Flow", "wrap"), ("Unit", "text"), ("Linear (L) [unit/year]", "auto"),
              ("Symbiotic (S) [unit/year]", "auto"), ("Δ = S − L [unit/year]", "auto")], rows)
