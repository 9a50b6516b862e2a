"""Inventory: key elementary flows of the whole park."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.layout import Sheet

NAME = "Inventory"
ORDER = 70
MAX_TEXT = 50


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    full = getattr(res, "elementary_flows", None)
    sh.title("Key elementary flows, whole park, per year",
             "Summed over the whole system (foreground and background) and over sub-compartments; "
             "raw data to 7 significant figures (Brightway's solve holds amounts as float32). "
             + ("Every elementary flow: the Full inventory sheet." if full else
                "Full inventory (every elementary flow): not computed in this run."))
    # raw data: the full value, to the 7 significant figures Brightway's float32 amounts carry
    rows = [[i.label, i.unit, *st.denoise(scaled.raw_row(i.linear, i.symbiotic))]
            for i in res.inventory]
    sh.table([("Flow", "wrap"), ("Unit", "text"), ("Linear (L) [unit/year]", "auto"),
              ("Symbiotic (S) [unit/year]", "auto"), ("Δ = S − L [unit/year]", "auto")], rows)
