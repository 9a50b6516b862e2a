"""Full inventory: every elementary flow of L and S, when the engine passes it
(``Results.elementary_flows``)."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.layout import Sheet

NAME = "Full inventory"
ORDER = 71
MAX_TEXT = 50


def applies(ctx: cm.Context) -> bool:
    return bool(getattr(ctx.results, "elementary_flows", None))


def _get(x, name, default=None):
    return x.get(name, default) if isinstance(x, dict) else getattr(x, name, default)


def write(sh: Sheet, ctx: cm.Context) -> None:
    flows = list(getattr(ctx.results, "elementary_flows"))
    sh.title(f"Every elementary flow, whole park, per year ({len(flows)})",
             "Summed over the whole system (foreground and background), one row per flow and "
             "compartment, largest |Δ| first, from Brightway's solve of the foreground "
             "database (which stores amounts as float32: values to the 7 significant figures they "
             "carry). Id: the flow's database and code.")
    rows = []
    for f in flows:
        cats = _get(f, "categories") or ()
        lin, sym = _get(f, "linear"), _get(f, "symbiotic")
        ident = ":".join(x for x in (_get(f, "database", ""), _get(f, "code", "")) if x)
        rows.append([_get(f, "name", ""), ", ".join(map(str, cats)) if not isinstance(cats, str)
                     else cats, _get(f, "cas", "") or None, _get(f, "unit", ""),
                     *st.denoise(scaled.raw_row(lin, sym)), ident or None])
    rows.sort(key=lambda r: -abs(st.finite(r[6]) or 0.0))
    sh.table([("Flow", "wrap"), ("Compartment", "wrap"), ("CAS", "text"), ("Unit", "text"),
              ("Linear (L) [unit/year]", "auto"), ("Symbiotic (S) [unit/year]", "auto"),
              ("Δ = S − L [unit/year]", "auto"), ("Id", "wrap")], rows,
             caps={"Flow": 36, "Compartment": 22, "Id": 50})
