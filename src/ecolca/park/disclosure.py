"""What the symbiosis means for one company (one site), in the figures a sustainability report
asks for, with the attributed benefit kept apart from the inventory.

For one site and one attribution key:

1. **Inventory change, linear → symbiotic**, from the scenario's flows and the exchanges: its
   direct emissions at the site, its purchased energy, materials and water, its residues sent to
   their linear fate, and what it buys for the exchanges it pays (processing inputs, transport).
   The impact of that own inventory is the site's figure under the *physical* key (each site
   carries its own flows; transport and processing go to the payer), whatever key is chosen.
2. **Park benefit attributed under the chosen key**, with the key's definition: the site's share
   of the park's Δ. The part of it that is not in the site's own inventory change (a credit for
   a reduction that happens at a partner) is stated as its own figure. Avoided emissions are
   reported separately from the inventory and never netted against it: GHG Protocol Scope 3
   Standard (2011), section 9.5, p. 108 (estimates of avoided emissions are reported separately
   from scope 1, 2 and 3 emissions, not included in or deducted from the inventory; box 5.6,
   p. 46, says the same of avoided emissions from recycling), and section 9.6, p. 108 (a claim
   of a reduction shared along a value chain should acknowledge possible double counting, e.g.
   claim joint work with partners rather than exclusive credit), which fits an attributed share
   (docs/confidentiality.md, "Sources"). Nothing here adds the attributed figure into the
   inventory.
3. **Residues diverted from disposal** (ESRS E5-5, Commission Delegated Regulation (EU)
   2023/2772, ESRS E5 paragraph 37(b): weight diverted from disposal, by hazardous and
   non-hazardous waste and by recovery operation), per exchange: tonnes, destination, the linear
   fate avoided. The scenario declares neither hazardousness nor the recovery operation type;
   they read "not declared", never a guess.
4. **Secondary materials in its inputs** (ESRS E5-4 Resource inflows; its paragraph number
   could not be checked): received residues by weight over all material inputs by weight,
   in L and S. Inputs not in a mass unit are listed as not counted.

Plain data, no Qt and no Brightway: it reads a :class:`~ecolca.core.model.Scenario` and the
:class:`~ecolca.lca.results.Results` computed from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from ecolca.core import units
from ecolca.core.errors import EcolcaError, UnitError
from ecolca.core.model import ATTRIBUTION_KEYS, Scenario, supplier_pays
from ecolca.lca.results import Results, method_label

INVENTORY_KEY = "physical"
# a figure computed from the q or r of an exchange with a confidential partner, in a report for
# another audience (ecolca.park.confidential withholds them as NaN)
WITHHELD = "withheld: it would give the amount exchanged with a confidential partner"

KEY_DEFINITIONS = {
    "physical": "each site carries its own flows: the supplier the residue it no longer sends to "
                "its fate, the receiver the supply it no longer buys; transport and processing "
                "go to the partner who pays them",
    "50/50": "each exchange's Δ is split half to the supplier, half to the receiver",
    "economic": "each exchange's Δ is split by the partners' economic gains (in proportion when "
                "both gain, all to the one that gains, else 50/50; a missing price counts as 0)",
    "receiver": "each exchange's Δ goes to the receiver (cut-off: the residue arrives "
                "burden-free)",
    "supplier": "each exchange's Δ goes to the supplier (avoided-burden credit)",
}

# Only what could be read, with a locator (docs/confidentiality.md, "Sources"): ESRS E5's
# disclosure requirements E5-4 and E5-5 by name (the table of contents of Annex I of Regulation
# (EU) 2023/2772), and paragraph 37(b) in a reproduction of the standard's text; the GHG
# Protocol Scope 3 Standard's sections 9.5 and 9.6 (p. 108) and box 5.6 (p. 46), read in a text
# copy of its e-reader version. Paragraph 31(c) of ESRS E5, the Corporate Standard (2004) and
# the WBCSD Guidance on Avoided Emissions (2023) could not be read: not cited.
CITATIONS = [
    "ESRS E5 Resource use and circular economy, Commission Delegated Regulation (EU) 2023/2772, "
    "Annex I: Disclosure Requirement E5-4 Resource inflows (secondary materials used); "
    "Disclosure Requirement E5-5 Resource outflows, paragraph 37(b): the total amount by weight "
    "diverted from disposal, by hazardous and non-hazardous waste and by recovery operation "
    "(preparation for reuse, recycling, other recovery).",
    "GHG Protocol, Corporate Value Chain (Scope 3) Accounting and Reporting Standard "
    "(WRI/WBCSD 2011), section 9.5 Accounting for avoided emissions, p. 108: estimates of "
    "avoided emissions are reported separately from scope 1, 2 and 3 emissions, not included in "
    "or deducted from the inventory (box 5.6, p. 46: the same for avoided emissions from "
    "recycling); section 9.6, p. 108: a claim of a reduction shared with value-chain partners "
    "should acknowledge possible double counting (e.g. claim joint work, not exclusive credit); "
    "the attributed benefit is such a share. The own "
    "inventory here is a cradle-to-gate footprint, not a scope 1/2/3 split: the rule is applied "
    "to it.",
]

GROUPS = {
    "emission": "direct emission at the site",
    "energy": "purchased energy",
    "material": "purchased material",
    "by-product": "purchased material",
    "water": "purchased water",
    "residue": "residue to its linear fate",
    "product": "product (the same in L and S)",
}


@dataclass
class FlowChange:
    """One line of the site's own inventory, per year."""

    group: str
    name: str
    unit: str
    linear: float
    symbiotic: float
    note: str = ""

    @property
    def delta(self) -> float:
        return self.symbiotic - self.linear


@dataclass
class ImpactLine:
    """One method: the site's own inventory impact (physical key) and, apart, the benefit
    attributed to it under the chosen key."""

    method: tuple[str, ...]
    unit: str
    inventory_linear: float
    inventory_symbiotic: float
    attributed_delta: float      # S_key − L: the site's share of the park Δ under the key

    @property
    def inventory_delta(self) -> float:
        return self.inventory_symbiotic - self.inventory_linear

    @property
    def credit_outside_inventory(self) -> float:
        """B − A: the part of the attributed Δ that is not a change of the site's own inventory
        (negative: a reduction at a partner credited to this site; positive: its own reduction
        credited to a partner)."""
        return self.attributed_delta - self.inventory_delta


@dataclass
class Diverted:
    """A residue the site sends to a partner instead of its linear fate (one exchange)."""

    exchange_id: str
    residue: str
    amount: float
    unit: str
    tonnes: float | None          # None: not a mass flow
    destination: str              # "<receiver site>: <supply it replaces>"
    category: str                 # the exchange's (material, energy, water, by-product)
    avoided_fate: str
    hazardous: str                # "hazardous", "non-hazardous" or "not declared"
    recovery_operation: str = "not declared"


@dataclass
class SecondaryShare:
    linear_t: float              # material inputs by weight in L, tonnes
    symbiotic_t: float
    secondary_t: float           # received residues by weight in S, tonnes
    not_counted: list[str] = field(default_factory=list)

    @property
    def linear_share(self) -> float | None:
        return 0.0 if self.linear_t > 0 else None

    @property
    def symbiotic_share(self) -> float | None:
        return self.secondary_t / self.symbiotic_t if self.symbiotic_t > 0 else None


@dataclass
class Disclosure:
    site_id: str
    site_name: str
    key: str
    key_definition: str
    flows: list[FlowChange]
    impacts: list[ImpactLine]
    diverted: list[Diverted]
    secondary: SecondaryShare
    notes: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=lambda: list(CITATIONS))


def _tonnes(amount: float, unit: str) -> float | None:
    try:
        if units.dimension(unit) != "mass":
            return None
        return units.convert(amount, unit, "t")
    except (UnitError, KeyError):
        return None


def _hazard(fate_name: str | None) -> str:
    text = (fate_name or "").lower()
    if "non-hazardous" in text or "non hazardous" in text:
        return "non-hazardous (by the fate's name)"
    if "hazardous" in text:
        return "hazardous (by the fate's name)"
    return "not declared"


def disclose(sc: Scenario, results: Results, site_id: str, key: str | None = None,
             names: Callable[[str, str], str | None] | None = None) -> Disclosure:
    """The disclosure figures of ``site_id`` under ``key`` (default: the scenario's key).
    ``names(database, code)`` gives background names (the linear fate avoided), when known."""
    key = key or results.attribution_key
    if key not in ATTRIBUTION_KEYS:
        raise EcolcaError(f"--key '{key}' is not one of {', '.join(ATTRIBUTION_KEYS)}")
    site = sc.site(site_id)
    if site is None:
        raise EcolcaError(f"--site '{site_id}' is not a site of the scenario; its sites: "
                          + ", ".join(s.id for s in sc.sites))
    names = names or (lambda db, code: None)
    into: dict[str, float] = {}   # flow id -> r·q replaced
    out: dict[str, float] = {}    # flow id -> q diverted
    flows: list[FlowChange] = []
    bought: list[FlowChange] = []
    diverted: list[Diverted] = []
    secondary_t, not_counted = 0.0, []
    for e in sc.exchanges:
        if e.from_site != site_id and e.to_site != site_id:
            continue  # every figure below is of an exchange the site supplies or receives
        a, b = sc.site(e.from_site), sc.site(e.to_site)
        fa = a.flow(e.from_flow) if a else None
        fb = b.flow(e.to_flow) if b else None
        q_unit = fa.unit if fa else ""
        ex_name = f"exchange {sc.exchange_label(e)}"  # by its label, never its id
        if e.to_site == site_id:
            into[e.to_flow] = into.get(e.to_flow, 0.0) + e.substitution_ratio * e.amount
            res_name = f"{a.name if a else e.from_site}: {fa.name if fa else e.from_flow}"
            if e.category in ("material", "by-product"):
                t = _tonnes(e.amount, q_unit)
                if t is None:
                    not_counted.append(f"received {res_name} ({q_unit}, not a mass)")
                else:
                    secondary_t += t
            bought.append(FlowChange("received residue (secondary input)", res_name, q_unit,
                                     0.0, e.amount, ex_name))
        if e.from_site == site_id:
            out[e.from_flow] = out.get(e.from_flow, 0.0) + e.amount
            fate = fa.fate if fa else None
            fate_name = (names(fate.database, fate.code) or f"{fate.database}:{fate.code}"
                         if fate else "released untreated (no burden)")
            diverted.append(Diverted(
                e.id, fa.name if fa else e.from_flow, e.amount, q_unit, _tonnes(e.amount, q_unit),
                f"{b.name if b else e.to_site}: {fb.name if fb else e.to_flow}", e.category,
                fate_name, _hazard(fate_name if fate else None)))
        for p in e.processing:
            payer = e.from_site if supplier_pays(e.economics.processing_paid_by) else e.to_site
            if payer == site_id:
                bought.append(FlowChange("bought for an exchange (processing)",
                                         p.name or f"{p.activity.database}:{p.activity.code}",
                                         p.unit, 0.0, p.amount_per_unit * e.amount,
                                         ex_name))
        t_payer = e.from_site if supplier_pays(e.economics.transport_paid_by) else e.to_site
        if t_payer == site_id and e.transport:
            t = _tonnes(e.amount, q_unit)
            km = sum(x.distance_km for x in e.transport)
            bought.append(FlowChange("bought for an exchange (transport)", ex_name,
                                     "t·km" if t is not None else f"{q_unit}·km", 0.0,
                                     (t if t is not None else e.amount) * km, f"{km:g} km"))
    material_l = material_s = 0.0
    for f in site.flows:
        group = GROUPS.get(f.kind if f.kind in ("emission", "residue", "product") else f.category,
                           f.kind)
        lin = f.amount
        sym = lin - into.get(f.id, 0.0) if f.kind == "supply" else \
            lin - out.get(f.id, 0.0) if f.kind == "residue" else lin
        flows.append(FlowChange(group, f.name, f.unit, lin, sym,
                                "exchanged part sent to a partner" if f.id in out else
                                "part replaced by a residue" if f.id in into else ""))
        if f.kind == "supply" and f.category in ("material", "by-product"):
            t_l, t_s = _tonnes(lin, f.unit), _tonnes(sym, f.unit)
            if t_l is None:
                not_counted.append(f"{f.name} ({f.unit}, not a mass)")
            else:
                material_l += t_l
                material_s += t_s
    # a report for another audience withholds q and r of the exchanges with a confidential
    # partner (NaN, ecolca.park.confidential): every figure computed from them is withheld too
    for f in flows + bought:
        if f.symbiotic != f.symbiotic:
            f.note = "; ".join(x for x in (f.note, WITHHELD) if x)
    for v in diverted:
        if v.amount != v.amount:
            v.tonnes = None if v.tonnes is None else math.nan
            v.recovery_operation = f"not declared; {WITHHELD}"
    impacts = []
    uncovered, noise = [], []
    cov = getattr(results.sites, "covered", None)
    row = results.sites.site_ids.index(site_id) if cov is not None and \
        site_id in getattr(results.sites, "site_ids", []) else None
    for j, m in enumerate(results.methods):
        imp = results.impact(m)
        if not imp.covered:
            continue
        phys = {r.site_id: r for r in results.site_results(m, INVENTORY_KEY)}
        keyed = {r.site_id: r for r in results.site_results(m, key)}
        if site_id not in phys or site_id not in keyed:
            continue
        p, k = phys[site_id], keyed[site_id]
        att = k.symbiotic - k.linear
        if row is not None and not cov[row, j] and p.linear == 0 and p.symbiotic == 0 \
                and att == 0:  # no data for this site: no line, never a line of zeros
            uncovered.append(method_label(m))
            continue
        # figures below numerical precision (rounding noise of the sums) are 0, never a line
        # of noise such as "−2.5331e-15 → −2.5292e-15"
        vals = [0.0 if imp.noise(x) else x for x in (p.linear, p.symbiotic, att)]
        if any(imp.noise(x) for x in (p.linear, p.symbiotic, att, p.symbiotic - p.linear)):
            noise.append(method_label(m))
            if imp.noise(vals[1] - vals[0]):
                vals[1] = vals[0]
        impacts.append(ImpactLine(m, imp.unit, *vals))
    notes = [
        "Inventory figures are the site's own flows (physical key) and do not change with the "
        "attribution key; the attributed benefit is a separate figure, never added to them.",
        "The impact of the own inventory covers the site's direct emissions and the supply chains "
        "of what it buys and of the treatment of what it discards (cradle to gate), not a scope "
        "1/2/3 split.",
    ]
    if uncovered:
        notes.append("Not covered for this site (no process of its supply chains has a flow "
                     "the category characterises; no figure, not 0): " + "; ".join(uncovered))
    if noise:
        notes.append("Figures below numerical precision (at most 1e-9 of the park's sum of "
                      "absolute contributions) read 0: " + "; ".join(noise))
    aud = results.metadata.get("audience")
    hidden = {h["id"]: h["reason"] for h in ((aud.get("suppressed_sites") or [])
                                              if isinstance(aud, dict) else [])}
    if site_id in hidden:
        notes.append(f"The impact figures of this site (A and B) are {hidden[site_id]}.")
    if any(f.symbiotic != f.symbiotic for f in flows + bought) or any(
            v.amount != v.amount for v in diverted):
        notes.append(f"Figures of its exchanges with a confidential partner: {WITHHELD}.")
    if diverted:
        notes.append("Hazardous or not and the recovery operation (preparation for reuse, "
                     "recycling, other recovery) are not declared in the scenario: they read "
                     "'not declared'.")
    return Disclosure(site.id, site.name, key, KEY_DEFINITIONS[key], flows + bought, impacts,
                      diverted, SecondaryShare(material_l, material_s + secondary_t, secondary_t,
                                               not_counted), notes)


# ---- output --------------------------------------------------------------------------------
def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def to_json(d: Disclosure) -> dict[str, Any]:
    """The disclosure as JSON-ready data (docs/json-output.md, "ecolca disclose --json")."""
    return {
        "format": "ecolca-disclosure", "format_version": 2,
        "site": d.site_id, "name": d.site_name,
        "inventory": {
            "basis": "the site's own flows (physical key); independent of the attribution key",
            "flows": [{"group": f.group, "name": f.name, "unit": f.unit, "linear": _num(f.linear),
                       "symbiotic": _num(f.symbiotic), "delta": _num(f.delta), "note": f.note}
                      for f in d.flows],
            "impacts": [{"method": list(i.method), "unit": i.unit,
                         "linear": i.inventory_linear, "symbiotic": i.inventory_symbiotic,
                         "delta": i.inventory_delta} for i in d.impacts],
        },
        "attributed": {
            "key": d.key, "definition": d.key_definition,
            "reported_separately": "never added to or netted against the inventory",
            "impacts": [{"method": list(i.method), "unit": i.unit,
                         "attributed_delta": i.attributed_delta,
                         "not_own_inventory_change": i.credit_outside_inventory}
                        for i in d.impacts],
        },
        "diverted_from_disposal": [
            {"exchange": v.exchange_id, "residue": v.residue, "amount": v.amount, "unit": v.unit,
             "tonnes": _num(v.tonnes), "destination": v.destination, "category": v.category,
             "avoided_fate": v.avoided_fate, "hazardous": v.hazardous,
             "recovery_operation": v.recovery_operation} for v in d.diverted],
        "secondary_materials": {
            "linear_inputs_t": d.secondary.linear_t, "symbiotic_inputs_t": d.secondary.symbiotic_t,
            "secondary_t": d.secondary.secondary_t,
            "linear_share": _num(d.secondary.linear_share),
            "symbiotic_share": _num(d.secondary.symbiotic_share),
            "not_counted": d.secondary.not_counted},
        "notes": d.notes, "citations": d.citations,
    }


def format_text(d: Disclosure, fmt0: Callable[[float | None], str]) -> list[str]:
    def fmt(x: float | None) -> str:
        return "withheld" if isinstance(x, float) and x != x else fmt0(x)

    lines = [f"Disclosure: {d.site_name} [{d.site_id}]", "",
             "1. Own inventory, linear → symbiotic (per year; the same under every key)"]
    for f in d.flows:
        lines.append(f"   {f.group:38s} {f.name[:40]:40s} {fmt(f.linear):>12s} → "
                     f"{fmt(f.symbiotic):>12s} {f.unit}" + (f"  ({f.note})" if f.note else ""))
    for i in d.impacts:
        lines.append(f"   impact of own inventory, {method_label(i.method)}: "
                     f"{fmt(i.inventory_linear)} → {fmt(i.inventory_symbiotic)} {i.unit} "
                     f"(Δ {fmt(i.inventory_delta)})")
    lines += ["", f"2. Park benefit attributed under the key '{d.key}', reported separately "
              "(never netted against 1)", f"   key: {d.key_definition}"]
    for i in d.impacts:
        lines.append(f"   {method_label(i.method)}: attributed Δ {fmt(i.attributed_delta)} "
                     f"{i.unit}; B − A (not a change of its own inventory; negative: a partner's "
                     f"reduction credited to it) {fmt(i.credit_outside_inventory)}")
    lines += ["", "3. Residues diverted from disposal (ESRS E5 §37(b))"]
    if not d.diverted:
        lines.append("   none: the site supplies no exchange")
    for v in d.diverted:
        t = f"{fmt(v.tonnes)} t" if v.tonnes is not None else f"{fmt(v.amount)} {v.unit} (not a mass)"
        lines.append(f"   {v.residue}: {t} → {v.destination}; avoided fate: {v.avoided_fate}; "
                     f"hazardous: {v.hazardous}")
    s = d.secondary
    share = ("withheld" if s.secondary_t != s.secondary_t or s.symbiotic_t != s.symbiotic_t
             else
             f"{100 * s.symbiotic_share:.1f} %" if s.symbiotic_share is not None
             else "no material inputs by weight")
    lines += ["", "4. Secondary materials in its inputs (ESRS E5-4)",
              f"   {fmt(s.secondary_t)} t of {fmt(s.symbiotic_t)} t material inputs in S: {share} "
              f"(L: {'0.0 %' if s.linear_share is not None else 'no material inputs by weight'})"]
    if s.not_counted:
        lines.append("   not counted: " + "; ".join(s.not_counted))
    lines += ["", "Notes:"] + [f" - {n}" for n in d.notes] + ["Sources:"] + \
        [f" - {c}" for c in d.citations]
    return lines
