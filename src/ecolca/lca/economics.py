"""Money: each site's annual costs under L and S, each exchange's gain for its two partners,
and the economic attribution key (methodology-notes §3)."""

from __future__ import annotations

from ecolca.core.model import Scenario, supplier_pays
from ecolca.lca.results import SiteEconomics


def _economic_weight(gain_supplier: float, gain_receiver: float) -> float:
    """The supplier's share of Δ_e under the economic key (methodology-notes §3): in proportion
    to the two partners' gains when both gain, all to the one that gains when only one does,
    50/50 when neither does. A missing price counts as 0 in the gains (it is listed per site),
    as the documented rule says; it no longer forces a 50/50 split."""
    a, b = gain_supplier, gain_receiver
    if a > 0 and b > 0:
        return a / (a + b)
    if a > 0 >= b:
        return 1.0
    if b > 0 >= a:
        return 0.0
    return 0.5


def _economics(sc: Scenario) -> tuple[list[SiteEconomics], dict[str, tuple[float, float]]]:
    """Per-site annual costs under L and S, and each exchange's gain for supplier and receiver."""
    cost_l: dict[str, float] = {s.id: 0.0 for s in sc.sites}
    missing: dict[str, list[str]] = {s.id: [] for s in sc.sites}
    for s in sc.sites:
        for f in s.flows:
            if f.kind in ("supply", "residue"):
                if f.price is None:
                    if f.amount > 0:
                        missing[s.id].append(f"{f.kind} '{f.name}'")
                    continue
                cost_l[s.id] += f.amount * f.price
    cost_s = dict(cost_l)
    gains: dict[str, tuple[float, float]] = {}
    for e in sc.exchanges:
        residue = sc.site(e.from_site).flow(e.from_flow)
        supply = sc.site(e.to_site).flow(e.to_flow)
        ec = e.economics
        fee = residue.price
        buy = supply.price
        ga = 0.0 if fee is None else e.amount * fee  # avoided disposal fee
        gb = 0.0 if buy is None else e.substitution_ratio * e.amount * buy  # avoided purchase
        ga += e.amount * ec.price
        gb -= e.amount * ec.price
        tc = e.amount * ec.transport_cost
        pc = e.amount * ec.processing_cost
        if supplier_pays(ec.transport_paid_by):
            ga -= tc
        else:
            gb -= tc
        if supplier_pays(ec.processing_paid_by):
            ga -= pc
        else:
            gb -= pc
        cost_s[e.from_site] -= ga
        cost_s[e.to_site] -= gb
        gains[e.id] = (ga, gb)  # a missing price counts as 0 (listed per site)
    rows = [SiteEconomics(s.id, s.name, cost_l[s.id], cost_s[s.id], missing[s.id]) for s in sc.sites]
    return rows, gains
