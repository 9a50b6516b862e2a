"""Input exchanges: every symbiotic link with q, r, distances and processing."""

from __future__ import annotations

from ecolca.core.model import Exchange, Scenario
from ecolca.core.numbers import format_plain
from ecolca.report import common as cm
from ecolca.report.layout import Sheet

NAME = "Input exchanges"
ORDER = 87
MAX_TEXT = 24


def write(sh: Sheet, ctx: cm.Context) -> None:
    sc = ctx.scenario
    sh.title(f"Exchanges (symbiotic links) of the scenario ({len(sc.exchanges)})",
             "Each exchange sends q per year of the supplier's residue to the receiver, where it "
             "replaces r·q of a supply. Transport: mode code and distance of each leg; "
             "processing: inputs per unit of q. Prices and sources are on Exchange terms.")
    sh.table([("Exchange id", "text"), ("From site", "text"), ("Residue", "text"),
              ("To site", "text"), ("Supply", "text"), ("Amount q [per year]", "auto"),
              ("q unit", "text"), ("Substitution ratio r", "auto"), ("r unit", "text"),
              ("Transport legs (mode code, distance)", "wrap"), ("Distance [km]", "auto"),
              ("Processing inputs", "wrap")],
             [exchange_row(sc, e) for e in sc.exchanges],
             caps={"Transport legs (mode code, distance)": 30, "Processing inputs": 30})


def exchange_row(scenario: Scenario, e: Exchange) -> list:
    a, b = scenario.site(e.from_site), scenario.site(e.to_site)
    fa = a.flow(e.from_flow) if a else None
    fb = b.flow(e.to_flow) if b else None
    q_unit = fa.unit if fa else ""
    r_unit = f"{fb.unit if fb else '?'}/{q_unit or '?'}"
    legs = "; ".join(
        f"{t.label + ': ' if t.label else ''}{t.mode.code}, {format_plain(t.distance_km)} km" for t in e.transport
    )
    distance = sum(t.distance_km for t in e.transport) if e.transport else None
    proc = "; ".join(
        f"{p.name or p.activity.code}: {format_plain(p.amount_per_unit)} {p.unit}/{q_unit or 'unit'} "
        f"({p.activity.database}:{p.activity.code})" for p in e.processing
    )
    # NaN: withheld in a report for another audience (an exchange with a confidential site)
    q = "withheld" if e.amount != e.amount else e.amount
    r = "withheld" if e.substitution_ratio != e.substitution_ratio else e.substitution_ratio
    return [e.id, a.name if a else e.from_site, fa.name if fa else e.from_flow,
            b.name if b else e.to_site, fb.name if fb else e.to_flow, q, q_unit,
            r, r_unit, legs or "none", distance, proc or "none"]
