"""Exchange terms: the economics, description and source of every exchange."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report.layout import Sheet

NAME = "Exchange terms"
ORDER = 88
MAX_TEXT = 50


def write(sh: Sheet, ctx: cm.Context) -> None:
    sc = ctx.scenario
    cur = sc.currency
    sh.title("Exchanges: economics, description and source",
             "Price: paid by the receiver to the supplier per unit of q (negative: the supplier "
             "pays a gate fee). Transport and processing costs are per unit of q and paid by the "
             "partner named.")
    rows = []
    for e in sc.exchanges:
        ec = e.economics
        rows.append([e.id, ctx.exchange_labels.get(e.id, e.id), ec.price, ec.transport_cost, ec.processing_cost,
                     ec.transport_paid_by, ec.processing_paid_by, e.description or None,
                     e.source or None])
    sh.table([("Exchange id", "text"), ("Exchange", "wrap"), (f"Price [{cur}/q unit]", "money"),
              (f"Transport cost [{cur}/q unit]", "money"),
              (f"Processing cost [{cur}/q unit]", "money"), ("Transport paid by", "text"),
              ("Processing paid by", "text"), ("Description", "wrap"), ("Source", "wrap")],
             rows, caps={"Exchange": 40, "Description": 60, "Source": 60})
