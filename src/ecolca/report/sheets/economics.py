"""Economics: annual cost per site in L and S, and the total."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.layout import Sheet

NAME = "Economics"
ORDER = 60
MAX_TEXT = 60


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    cur = res.currency
    text = ("L cost = supplies × price + residues × disposal fee. S cost applies the same prices "
            "to the reduced amounts and adds exchange payments (receiver pays supplier), "
            "transport and processing costs. Negative Δ = saving. Numbers: 3 significant "
            "figures of each row, in the unit of the column headers; each cell holds the full "
            f"value in {cur}.")
    if not res.prices_given:
        sh.title(f"Economics per site, per year [{cur}]", text)
        sh.paragraph("Costs not computed: the scenario gives no prices, disposal fees or "
                     "exchange payments, so every cost would be 0 by construction, not a result.",
                     font=st.ALERT_FONT)
        return
    incomplete = [e for e in res.economics if e.missing_prices]
    sh.title(f"Economics per site, per year [{cur}]", text + (
        f" A site lacking a price has its cost not computed; the total then covers only the "
        f"{len(res.economics) - len(incomplete)} sites with all prices." if incomplete else ""))
    # one unit for the table (thousand, million … of the currency, from its largest cost),
    # each row the decimals of its own 3 significant figures (docs/report.md, "Numbers")
    table = scaled.scale([x for e in res.economics if not e.missing_prices
                          and not cm.is_suppressed(e)
                          for x in (e.linear_cost, e.symbiotic_cost, e.delta)]
                         + [cm.cost_total_of([e for e in res.economics if not e.missing_prices], k)
                            for k in ("linear", "symbiotic")], cur)

    def _costs(values):
        return scaled.row(values, within=table)[0]

    unit = table.unit
    cols = [("Site id", "text"), ("Site", "text"), (f"Linear cost [{unit}/year]", "money"),
            (f"Symbiotic cost [{unit}/year]", "money"), (f"Δcost = S − L [{unit}/year]", "money"),
            ("Missing prices", "wrap")]
    rows = []
    for e in res.economics:
        if cm.is_suppressed(e):  # counted in the total, never shown (ecolca.park.confidential)
            rows.append([e.site_id, e.site_name, "suppressed", "suppressed", "suppressed",
                         cm.is_suppressed(e)])
        elif e.missing_prices:
            rows.append([e.site_id, e.site_name, cm.NOT_COMPUTED, cm.NOT_COMPUTED,
                         cm.NOT_COMPUTED, "; ".join(e.missing_prices)])
        else:
            rows.append([e.site_id, e.site_name,
                         *_costs([e.linear_cost, e.symbiotic_cost, e.delta]), None])
    totals = set()
    if incomplete:
        complete = [e for e in res.economics if not e.missing_prices]
        totals.add(len(rows))
        rows.append(["Total", "all sites", cm.NOT_COMPUTED, cm.NOT_COMPUTED, cm.NOT_COMPUTED,
                     f"{sum(len(e.missing_prices) for e in incomplete)} price(s) missing at "
                     f"{len(incomplete)} site(s)"])
        if complete:
            totals.add(len(rows))
            rows.append([f"Total of {len(complete)}", "the sites with all prices",
                         *_costs([cm.cost_total_of(complete, k)
                                  for k in ("linear", "symbiotic", "delta")]), None])
    else:
        totals.add(len(rows))
        rows.append(["Total", "all sites",
                     *_costs([cm.cost_total(res, k)
                              for k in ("linear", "symbiotic", "delta")]), None])
    sh.table(cols, rows, total_rows=totals, caps={"Site": 40})
