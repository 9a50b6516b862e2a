"""Per product: each site's L, S and Δ per unit of its declared product (per t of cement, per
MWh), for every method."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.layout import Sheet
from ecolca.lca.results import SiteTable, method_label

NAME = "Per product"
ORDER = 53
MAX_TEXT = 40


def products(ctx: cm.Context) -> tuple[list[tuple], list[str]]:
    """([(site id, site name, product, amount, unit, products of the site)], [why a product has
    no per-unit figure])."""
    per_site: dict[str, int] = {}
    found = []
    for s, f in ctx.scenario.iter_flows():
        if f.kind == "product" and f.amount == f.amount:   # NaN: withheld (confidential.py)
            per_site[s.id] = per_site.get(s.id, 0) + 1
            found.append((s.id, s.name, f.name, f.amount, f.unit))
    usable, skipped = [], []
    for sid, name, prod, amount, unit in found:
        a, _ = cm.product_amount(amount, unit)
        if not isinstance(a, (int, float)) or st.finite(a) in (None, 0.0):
            why = "its amount is 0" if st.finite(a) == 0.0 else (
                a if isinstance(a, str) else "its amount is not a number")
            skipped.append(f"{name}, {prod}: {why}")
            continue
        usable.append((sid, name, prod, float(a), unit, per_site[sid]))
    return usable, skipped


def _site_totals(res, m, key: str, scale: float) -> dict[str, tuple[float, float, float]]:
    """{site id: (L, S, Δ)} for method ``m`` under ``key``, rounding noise as 0: from the
    result arrays when the results hold them (no object per site and method)."""
    t = res.sites
    if isinstance(t, SiteTable) and tuple(m) in t._m and key in t.symbiotic:
        j = t._m[tuple(m)]
        lin, sym = t.linear[:, j], t.symbiotic[key][:, j]
        cols = st.denoise_columns([lin.tolist(), sym.tolist(), (sym - lin).tolist()], scale)
        return dict(zip(t.site_ids, zip(*cols)))
    return {s.site_id: tuple(st.denoise([s.linear, s.symbiotic, s.delta], scale))
            for s in res.site_results(m, key)}


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    key = res.attribution_key
    usable, skipped = products(ctx)
    sh.title("Results per unit of each site's product",
             "The site's annual L and S (S under the attribution key: "
             f"{cm.KEY_LABELS.get(key, key)}; Sites sheet) divided by the product amount the "
             "site declares per year. A site with several products carries its whole impact per "
             "unit of each (nothing is allocated between them): such rows say so. Numbers: "
             + scaled.NOTE.replace("the row's Unit", "the row's Per-unit unit") + ".")
    if skipped:
        sh.paragraph("Not computed (no declared amount to divide by): " + "; ".join(skipped)
                     + ".", font=st.ALERT_FONT)
    if not usable:
        return
    partial = {x.id for x in ctx.scenario.sites if getattr(x, "inventory", "") == "partial"}
    if any(sid in partial for sid, *_ in usable):
        sh.paragraph("A site that declares only the replaceable part of its inventory (Input "
                     "sites: inventory 'partial') has per-unit figures of that part only, not of "
                     "its product's footprint: such rows say so.", font=st.ALERT_FONT)
    multi = any(n > 1 for *_, n in usable) or any(sid in partial for sid, *_ in usable)
    rows: list[list] = []
    subheads: set[int] = set()
    for m in res.methods:
        if not ctx.covered(m):
            continue
        sites = _site_totals(res, m, key, ctx.method_scale(m))
        unit = res.impact(m).unit
        subheads.add(len(rows))
        rows.append([f"{method_label(m)} [{unit}]"])
        for sid, name, prod, amount, punit, n in usable:
            s = sites.get(sid)
            if s is None:
                continue
            lin, sym, d = s
            cells, sc = scaled.row([lin / amount, sym / amount, d / amount],
                                   f"{unit}/{punit}" if punit else unit)
            row = [name, prod, amount, punit, *cells, sc.unit]
            if multi:
                notes = (["only the declared (replaceable) part of the inventory"]
                         if sid in partial else []) + \
                    ([f"whole site per unit of this product (one of {n})"] if n > 1 else [])
                row.append("; ".join(notes) or None)
            rows.append(row)
    cols = [("Site", "wrap"), ("Product", "wrap"), ("Amount per year", "auto"),
            ("Product unit", "text"), ("Linear (L) per unit", "auto"),
            ("Symbiotic (S) per unit", "auto"), ("Δ = S − L per unit", "auto"),
            ("Per-unit unit", "wrap")] + ([("Note", "wrap")] if multi else [])
    sh.table(cols, rows, subheads=subheads,
             caps={"Site": 30, "Product": 30, "Per-unit unit": 22, "Note": 30})
