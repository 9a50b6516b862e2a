"""Input flows: every flow of every site, as the site would operate on its own."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report.layout import Sheet
from ecolca.report.tables import drop_empty

NAME = "Input flows"
ORDER = 85
MAX_TEXT = 30


def write(sh: Sheet, ctx: cm.Context) -> None:
    sc = ctx.scenario
    cur = sc.currency
    sh.title("Flows per site and year, as each site operates on its own (linear)",
             "Background: the activity a supply is bought from, the linear fate of a residue, or "
             "the biosphere flow of a direct emission, by name and database:code. Category: "
             "what the flow carries (material, energy, water, by-product; it files a supply "
             "on the Disclosure sheet). Price: "
             "purchase price of a supply, disposal fee of a residue, sales value of a product. "
             "Site ids are listed on Input sites; comments and sources on Flow notes. Optional "
             "columns empty for every flow are left out.")
    rows = []
    for s, f in sc.iter_flows():
        if f.amount != f.amount:
            # a report for another audience: a flow of a site pooled with a confidential one
            # (ecolca.park.confidential), withheld whole, or a reader could compute its figures
            rows.append([s.id, f.id, f.kind, f.name, "withheld", f.unit, f.category,
                         "withheld", None, None, None])
            continue
        ref = f.fate if f.kind == "residue" else f.activity
        if f.kind == "residue" and f.fate is None:
            bg = "released untreated (no burden)"
        elif ref is None:
            bg = None
        else:
            name = ctx.name_of(ref.database, ref.code)
            bg = f"{name} · {ref.database}:{ref.code}" if name else f"{ref.database}:{ref.code}"
        amount, unit = (cm.product_amount(f.amount, f.unit) if f.kind == "product"
                        else (f.amount, f.unit))
        rows.append([s.id, f.id, f.kind, f.name, amount, unit, f.category, bg, f.conversion_factor,
                     f.price, cm.uncertainty_text(f.uncertainty)])
    sh.table(*drop_empty(
        [("Site id", "text"), ("Flow id", "text"), ("Kind", "text"), ("Name", "wrap"),
         ("Amount [per year]", "auto"), ("Unit", "text"), ("Category", "text"), ("Background (name · database:code)",
                                                           "wrap"),
         ("Conversion factor", "auto"), (f"Price [{cur}/unit]", "money"),
         ("Uncertainty", "text")], rows,
        optional={"Conversion factor", "Uncertainty", f"Price [{cur}/unit]"}),
        caps={"Site id": 16, "Flow id": 16, "Name": 36, "Unit": 14, "Category": 11,
              "Background (name · database:code)": 50})
