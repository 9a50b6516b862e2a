"""Confidential sites in what leaves the team: a report for another audience, and a scenario
file others can run (docs/confidentiality.md).

A site flagged ``confidential`` is named, described and itemised only in an *internal* report.
For the *park* (the other members) and the *public*:

* its name, id, sector, location, description, flows and per-site figures never appear;
* its per-site results are summed with the other confidential sites into one "other sites"
  row; with fewer than :data:`MIN_AGGREGATE` confidential sites that row is suppressed (its
  figures are not written anywhere) and the report says why;
* the park totals (L, S, Δ, inventory, exchanges) are those of the whole park, unchanged;
* an exchange that touches it keeps its figures (both partners know them) but not its id, its
  description or its transport labels; the confidential end reads "confidential site";
* free text of the other items (scenario name and description, sources, assumptions, flow
  comments and sources, exchange sources, transport labels) has the confidential site's name,
  id and distinctive name words replaced by "a confidential site"; every replacement is listed
  so the author can check the wording.

``public`` also withholds the money terms (price, transport and processing costs) of the
exchanges that touch a confidential site. Everything here is plain data: no Qt, no Brightway.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from dataclasses import dataclass, field

import numpy as np

from ecolca.errors import EcolcaError
from ecolca.model import Exchange, Flow, Scenario, Site, Uncertainty
from ecolca.results import (ExchangeParts, ExchangeTable, ProductRow, Results, Sensitivity,
                            SiteEconomics, SiteTable)

AUDIENCES = ("internal", "park", "public")
AUDIENCE_LABELS = {
    "internal": "internal (every site named, nothing masked)",
    "park": "park members (confidential sites masked)",
    "public": "public (confidential sites masked, and the money terms of their exchanges)",
}
CONFIDENTIAL_LABEL = "confidential site"
CONFIDENTIAL_FLOW = "confidential flow"
PLACEHOLDER_ID = "confidential"
OTHER_SITES_ID = "other-sites"
OTHER_SITES_NAME = "other sites (confidential, aggregated)"
MASK = "[confidential site]"
WITHHELD = "withheld: the exchange involves a confidential site"
# fewer confidential sites than this: their aggregate is one site's figure, so it is suppressed
MIN_AGGREGATE = 2

# words of a company name that say what, not who: never masked on their own
_GENERIC = {
    "and", "the", "of", "for", "plant", "plants", "power", "station", "works", "company",
    "group", "energy", "cement", "steel", "refinery", "municipality", "city", "town", "inc",
    "ltd", "llc", "co", "corp", "gmbh", "a/s", "ag", "sa", "plc", "mill", "factory", "site",
    "park", "industrial", "industries", "industry", "east", "west", "north", "south", "new",
    "national", "international", "services", "service", "holding", "holdings", "unit",
    "treatment", "wastewater", "water", "gas", "natural", "heat", "users", "user", "proxy",
    "for", "from", "with", "avenue", "street", "road", "japan", "denmark", "america",
}


def suppression_reason(n: int) -> str:
    return (f"suppressed: {n} confidential site{'s' if n != 1 else ''} to aggregate, fewer than "
            f"{MIN_AGGREGATE}, so the aggregate would be one site's own figure")


def confidential_sites(sc: Scenario) -> list[Site]:
    return [s for s in sc.sites if s.confidential]


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise EcolcaError(f"audience '{audience}' is not one of {', '.join(AUDIENCES)}")
    return audience


# ---- names in free text ------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text or "") if w]


def name_tokens(sc: Scenario) -> list[str]:
    """What identifies a confidential site in free text, longest first: its full name, its id,
    and the distinctive words of its name (capitalised, three letters or more, not a generic word
    such as "plant", and not a word of another site's name, sector or location)."""
    conf = confidential_sites(sc)
    public_words = {w.lower() for s in sc.sites if not s.confidential
                    for w in _words(f"{s.name} {s.sector} {s.location}")}
    tokens: set[str] = set()
    for s in conf:
        if s.name.strip():
            tokens.add(s.name.strip())
        if len(s.id) >= 3 and s.id.lower() not in _GENERIC and s.id.lower() not in public_words:
            tokens.add(s.id)
        for w in _words(s.name):
            if len(w) >= 3 and not w.isdigit() and (w[0].isupper() or w.isupper()
                                                    or any(c.isdigit() for c in w)) \
                    and w.lower() not in _GENERIC and w.lower() not in public_words:
                tokens.add(w)
    return sorted(tokens, key=lambda t: (-len(t), t))


def _pattern(tokens: list[str]) -> re.Pattern | None:
    if not tokens:
        return None
    # a token and the capitalised words or acronyms that follow it ("91st Avenue WWTP")
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in tokens) + r")(?!\w)"
                      r"(?:\s+(?-i:[A-Z][\w-]*))*", re.IGNORECASE)


class _Masker:
    """Replaces confidential names in free text and remembers where it did."""

    def __init__(self, tokens: list[str]):
        self.pattern = _pattern(tokens)
        self.where: list[str] = []

    def __call__(self, text: str, where: str) -> str:
        if not text or self.pattern is None or not isinstance(text, str):
            return text
        new = self.pattern.sub(MASK, text)
        if new != text:
            self.where.append(where)
        return new


def mentions(sc: Scenario) -> list[str]:
    """The free-text fields of non-confidential items that name a confidential site (what a
    park or public report masks)."""
    m = _Masker(name_tokens(sc))
    _mask_free_text(copy.deepcopy(sc), m, {s.id for s in confidential_sites(sc)})
    return m.where


def _mask_free_text(sc: Scenario, mt: _Masker, conf: set[str]) -> None:
    sc.name = mt(sc.name, "scenario name")
    sc.description = mt(sc.description, "scenario description")
    sc.sources = [mt(x, f"scenario source {i + 1}") for i, x in enumerate(sc.sources)]
    sc.assumptions = [mt(x, f"scenario assumption {i + 1}") for i, x in enumerate(sc.assumptions)]
    for s in sc.sites:
        if s.id in conf:
            continue
        where = f"site '{s.name}'"
        s.description = mt(s.description, f"{where} description")
        for f in s.flows:
            fw = f"{where} flow '{f.name}'"
            f.name = mt(f.name, f"{fw} name")
            f.comment = mt(f.comment, f"{fw} comment")
            f.source = mt(f.source, f"{fw} source")
            for t in f.transport:
                t.label = mt(t.label, f"{fw} transport label")
    for e in sc.exchanges:
        if e.from_site in conf or e.to_site in conf:
            continue
        e.description = mt(e.description, f"exchange '{e.id}' description")
        e.source = mt(e.source, f"exchange '{e.id}' source")
        for t in e.transport:
            t.label = mt(t.label, f"exchange '{e.id}' transport label")
        for p in e.processing:
            p.name = mt(p.name, f"exchange '{e.id}' processing name")


# ---- the masked report -------------------------------------------------------------------------
@dataclass
class Masked:
    """What a report for ``audience`` is written from."""

    results: Results
    scenario: Scenario
    audience: str
    confidential: int = 0               # how many confidential sites were masked
    suppressed: str | None = None       # why the "other sites" figures are not shown
    masked_text: list[str] = field(default_factory=list)   # free-text fields that were masked
    notes: list[str] = field(default_factory=list)


def _exchange_ids(sc: Scenario, conf: set[str], mt: _Masker) -> dict[str, str]:
    """Old id -> id shown: exchanges touching a confidential site, and any other whose id names
    one, are renumbered."""
    out: dict[str, str] = {}
    n = 0
    for e in sc.exchanges:
        touches = e.from_site in conf or e.to_site in conf
        if touches or (mt.pattern is not None and mt.pattern.search(e.id)):
            n += 1
            out[e.id] = f"confidential-exchange-{n}" if touches else f"exchange-{n}"
    return out


def mask(results: Results, scenario: Scenario, audience: str = "park") -> Masked:
    """The results and the scenario as a report for ``audience`` may show them (module
    docstring). ``internal``, or a scenario without confidential sites, returns them as they
    are. Park totals are untouched: only per-site rows, names and free text change."""
    check_audience(audience)
    conf_sites = confidential_sites(scenario)
    if audience == "internal" or not conf_sites:
        return Masked(results, scenario, audience)
    conf = {s.id for s in conf_sites}
    n_conf = len(conf)
    mt = _Masker(name_tokens(scenario))
    sc = copy.deepcopy(scenario)
    _mask_free_text(sc, mt, conf)
    ids = _exchange_ids(scenario, conf, mt)

    # the confidential sites become one placeholder with only the flows exchanges point at
    placeholder = Site(id=PLACEHOLDER_ID, name=CONFIDENTIAL_LABEL, confidential=True,
                       description="")
    flow_ids: dict[tuple[str, str], str] = {}

    def placeholder_flow(site_id: str, flow_id: str) -> str:
        key = (site_id, flow_id)
        if key not in flow_ids:
            orig = scenario.site(site_id).flow(flow_id)
            fid = f"flow-{len(flow_ids) + 1}"
            flow_ids[key] = fid
            placeholder.flows.append(Flow(id=fid, kind=orig.kind if orig else "residue",
                                          name=CONFIDENTIAL_FLOW, amount=math.nan,
                                          unit=orig.unit if orig else "",
                                          category=orig.category if orig else "material"))
        return flow_ids[key]

    for e in sc.exchanges:
        touches = e.from_site in conf or e.to_site in conf
        e.id = ids.get(e.id, e.id)
        if not touches:
            continue
        if e.from_site in conf:
            e.from_flow = placeholder_flow(e.from_site, e.from_flow)
            e.from_site = PLACEHOLDER_ID
        if e.to_site in conf:
            e.to_flow = placeholder_flow(e.to_site, e.to_flow)
            e.to_site = PLACEHOLDER_ID
        e.description = WITHHELD
        e.source = mt(e.source, f"exchange '{e.id}' source")
        for t in e.transport:
            t.label = ""
        for p in e.processing:
            p.name = mt(p.name, f"exchange '{e.id}' processing name")
        if audience == "public":
            e.economics = dataclasses.replace(e.economics, price=math.nan,
                                              transport_cost=math.nan, processing_cost=math.nan)
    sc.sites = [s for s in sc.sites if s.id not in conf] + [placeholder]
    sc._site_index.clear()
    sc._exchange_index.clear()

    suppressed = suppression_reason(n_conf) if n_conf < MIN_AGGREGATE else None
    res = copy.copy(results)
    res.scenario_name = mt(results.scenario_name, "scenario name")
    res.metadata = _mask_meta(results.metadata, mt)
    res.metadata["audience"] = {
        "audience": audience, "confidential_sites": n_conf,
        "other_sites": "suppressed" if suppressed else "aggregated",
        "suppressed_reason": suppressed}
    res.assumed_exchanges = [ids.get(i, i) for i in results.assumed_exchanges]
    res.impacts = [dataclasses.replace(
        r, pct_note=mt(r.pct_note, "Δ % note") if r.pct_note else r.pct_note,
        coverage=dataclasses.replace(r.coverage, missing=[mt(x, "coverage note")
                                                          for x in r.coverage.missing])
        if r.coverage else None) for r in results.impacts]
    kept = [p for p in results.functional_unit
            if p.site_name not in {s.name for s in conf_sites}]
    res.functional_unit = kept
    res.exchanges = _mask_exchanges(results.exchanges, scenario, sc, ids)
    res.sites = _mask_sites(results.sites, conf, suppressed)
    res.economics = _mask_economics(results.economics, conf, suppressed)
    res.sensitivity = _mask_sensitivity(results.sensitivity, conf_sites, ids)
    notes = [
        f"{n_conf} site{'s are' if n_conf != 1 else ' is'} confidential: name, description, "
        "flows and per-site figures are not in this report.",
        "Park totals (Impacts, Exchanges, Inventory, Monte Carlo) are those of the whole park, "
        "confidential sites included.",
        (f"Per-site figures of the confidential sites: {suppressed}. A reader can still "
         "subtract the named sites from the park total: with one confidential site, the "
         "difference is that site's figure (docs/confidentiality.md)." if suppressed else
         f"Per-site figures of the {n_conf} confidential sites are summed into one row, "
         f"'{OTHER_SITES_NAME}'."),
        "Exchanges with a confidential site keep their figures (both partners know them); the "
        f"confidential end reads '{CONFIDENTIAL_LABEL}', and their id, description and "
        "transport labels are withheld.",
    ]
    if len(kept) != len(results.functional_unit):
        notes.append("The functional unit lists the products of the named sites; the products "
                     "of the confidential sites are part of it but not listed.")
    dropped = sum(len(a.rows) - len(b.rows) for a, b in zip(results.sensitivity, res.sensitivity))
    if dropped:
        notes.append(f"Sensitivity: {dropped} row(s) on the flow amounts of confidential sites "
                     "are left out (their values are the site's amounts).")
    if audience == "public":
        notes.append("Public audience: the price and the transport and processing costs of the "
                     "exchanges with a confidential site are withheld (empty).")
    if mt.where:
        notes.append("The name of a confidential site was replaced by "
                     f"'{MASK}' in {len(mt.where)} free-text field(s): "
                     + "; ".join(dict.fromkeys(mt.where)) + ". Check that the wording still "
                     "reads well and names no one.")
    res.metadata["audience"]["notes"] = notes
    return Masked(res, sc, audience, n_conf, suppressed, list(dict.fromkeys(mt.where)), notes)


def _mask_meta(value, mt: _Masker):
    if isinstance(value, str):
        return mt(value, "run notes")
    if isinstance(value, dict):
        return {_mask_meta(k, mt): _mask_meta(v, mt) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_meta(v, mt) for v in value]
    if isinstance(value, tuple):
        return tuple(_mask_meta(v, mt) for v in value)
    return value


def _mask_exchanges(table, original: Scenario, masked: Scenario, ids: dict[str, str]):
    def label(old_id: str, old_label: str) -> str:
        new = masked.exchange(ids.get(old_id, old_id))
        return masked.exchange_label(new) if new is not None else old_label

    if isinstance(table, ExchangeTable):
        t = copy.copy(table)
        t.ids = [ids.get(i, i) for i in table.ids]
        t.labels = [label(i, lab) for i, lab in zip(table.ids, table.labels)]
        t._m = dict(table._m)
        return t
    return [dataclasses.replace(p, exchange_id=ids.get(p.exchange_id, p.exchange_id),
                                label=label(p.exchange_id, p.label)) for p in table]


def _mask_sites(table, conf: set[str], suppressed: str | None):
    if isinstance(table, SiteTable):
        keep = [i for i, s in enumerate(table.site_ids) if s not in conf]
        gone = [i for i, s in enumerate(table.site_ids) if s in conf]
        ids = [table.site_ids[i] for i in keep]
        names = [table.names[i] for i in keep]
        lin = table.linear[keep]
        sym = {k: v[keep] for k, v in table.symbiotic.items()}
        if not suppressed and gone:
            ids.append(OTHER_SITES_ID)
            names.append(OTHER_SITES_NAME)
            lin = np.vstack([lin, table.linear[gone].sum(axis=0, keepdims=True)])
            sym = {k: np.vstack([sym[k], v[gone].sum(axis=0, keepdims=True)])
                   for k, v in table.symbiotic.items()}
        return SiteTable(ids, names, table.methods, table.units, lin, sym)
    rows = [r for r in table if r.site_id not in conf]
    if not suppressed:
        agg: dict[tuple, list[float]] = {}
        for r in table:
            if r.site_id in conf:
                a = agg.setdefault((r.method, r.unit, r.key), [0.0, 0.0])
                a[0] += r.linear
                a[1] += r.symbiotic
        rows += [dataclasses.replace(next(r for r in table if r.site_id in conf),
                                     site_id=OTHER_SITES_ID, site_name=OTHER_SITES_NAME,
                                     method=m, unit=u, key=k, linear=v[0], symbiotic=v[1])
                 for (m, u, k), v in agg.items()]
    return rows


class SuppressedEconomics(SiteEconomics):
    """The confidential sites' costs, counted in the park total but never shown."""

    suppressed: str = ""


def _mask_economics(rows: list[SiteEconomics], conf: set[str], suppressed: str | None):
    kept = [e for e in rows if e.site_id not in conf]
    gone = [e for e in rows if e.site_id in conf]
    if not gone:
        return kept
    missing = sum(len(e.missing_prices) for e in gone)
    agg = SuppressedEconomics(OTHER_SITES_ID, OTHER_SITES_NAME,
                              sum(e.linear_cost for e in gone),
                              sum(e.symbiotic_cost for e in gone),
                              [f"{missing} price(s) missing at confidential sites"]
                              if missing else [])
    agg.suppressed = suppressed or ""
    return kept + [agg]


def is_suppressed(row) -> str:
    """Why a per-site row's figures must not be shown ('' when they may)."""
    return getattr(row, "suppressed", "") or ""


def _mask_sensitivity(items: list[Sensitivity], conf_sites: list[Site],
                      ids: dict[str, str]) -> list[Sensitivity]:
    prefixes = tuple(f"site '{s.name}', flow '" for s in conf_sites)

    def rename(text: str) -> str:
        for old, new in ids.items():
            text = text.replace(f"exchange '{old}'", f"exchange '{new}'")
        return text

    out = []
    for x in items:
        rows = [dataclasses.replace(r, parameter=rename(r.parameter), item=rename(r.item))
                for r in x.rows if not r.item.startswith(prefixes)]
        shares = [dataclasses.replace(g, parameter=rename(g.parameter)) for g in x.global_shares
                  if not g.parameter.startswith(prefixes)]
        out.append(Sensitivity(x.method, x.unit, x.delta, rows=rows, global_shares=shares,
                               global_note=x.global_note))
    return out


# ---- the shared scenario -----------------------------------------------------------------------
POOLED_ID = "confidential-sites"


def _transport_key(f: Flow) -> tuple:
    return tuple((t.mode.key, float(t.distance)) for t in f.transport)


def export_shared(scenario: Scenario, audience: str = "park") -> tuple[Scenario, list[str]]:
    """A scenario others can run, and notes on what it keeps: every confidential site is replaced
    by one pooled site whose flows are the confidential sites' flows summed by kind, background
    activity (or fate, or biosphere flow), unit, conversion factor, category and transport legs.
    Exchanges point at the pooled flows. The pooled inventory gives the same park L, S and Δ in
    every method; names, descriptions, flow names, comments, sources, coordinates and
    uncertainty of the confidential flows are not in it (docs/confidentiality.md).
    ``public`` also leaves out the pooled flows' prices."""
    check_audience(audience)
    if audience == "internal":
        raise EcolcaError("export-shared writes a file for another audience: choose park or "
                          "public")
    conf_sites = confidential_sites(scenario)
    if not conf_sites:
        raise EcolcaError("the scenario has no confidential site: there is nothing to replace "
                          "(flag a site \"confidential\": true, or share the file as it is)")
    conf = {s.id for s in conf_sites}
    mt = _Masker(name_tokens(scenario))
    sc = copy.deepcopy(scenario)
    _mask_free_text(sc, mt, conf)
    ids = _exchange_ids(scenario, conf, mt)
    pooled = Site(id=POOLED_ID, name="confidential sites (pooled)" if len(conf) > 1
                  else CONFIDENTIAL_LABEL, confidential=True,
                  inventory="partial" if any(s.inventory == "partial" for s in conf_sites)
                  else "complete")
    groups: dict[tuple, Flow] = {}
    money: dict[tuple, list[float | None]] = {}
    where: dict[tuple[str, str], str] = {}
    for s in conf_sites:
        for f in s.flows:
            key = (f.kind, f.activity.key if f.activity else None, f.fate.key if f.fate else None,
                   f.unit, f.conversion_factor, f.category, _transport_key(f))
            g = groups.get(key)
            if g is None:
                n = sum(1 for k in groups if k[0] == f.kind) + 1
                g = groups[key] = Flow(
                    id=f"{f.kind}-{n}", kind=f.kind, name=f"pooled {f.kind} {n}", amount=0.0,
                    unit=f.unit, activity=copy.deepcopy(f.activity), fate=copy.deepcopy(f.fate),
                    conversion_factor=f.conversion_factor, category=f.category,
                    transport=[dataclasses.replace(copy.deepcopy(t), label="",
                                                   uncertainty=Uncertainty())
                               for t in f.transport])
                money[key] = []
                pooled.flows.append(g)
            g.amount += f.amount
            money[key].append(None if f.price is None else f.price * f.amount)
            where[(s.id, f.id)] = g.id
    if audience != "public":
        for key, g in groups.items():
            paid = money[key]
            if paid and all(p is not None for p in paid) and g.amount:
                g.price = sum(paid) / g.amount
    for e in sc.exchanges:
        touches = e.from_site in conf or e.to_site in conf
        e.id = ids.get(e.id, e.id)
        if not touches:
            continue
        if e.from_site in conf:
            e.from_flow, e.from_site = where[(e.from_site, e.from_flow)], POOLED_ID
        if e.to_site in conf:
            e.to_flow, e.to_site = where[(e.to_site, e.to_flow)], POOLED_ID
        e.description = WITHHELD
        e.source = mt(e.source, f"exchange '{e.id}' source")
        for t in e.transport:
            t.label = ""
    sc.sites = [s for s in sc.sites if s.id not in conf] + [pooled]
    sc._site_index.clear()
    sc._exchange_index.clear()
    uncertain = sum(1 for s in conf_sites for f in s.flows
                    if f.uncertainty.type not in ("", "none")
                    or any(t.uncertainty.type not in ("", "none") for t in f.transport))
    notes = [f"{len(conf)} confidential site(s) replaced by the pooled site '{pooled.name}' "
             f"({len(pooled.flows)} flows summed by background activity)."]
    if len(conf) < MIN_AGGREGATE:
        notes.append("Only one confidential site: the pooled flows are that site's own amounts "
                     "by background activity. Its name, description, flow names, comments and "
                     "sources are removed; its quantities are not.")
    if uncertain:
        notes.append(f"{uncertain} uncertainty distribution(s) of confidential flows are not in "
                     "the shared file: its Monte Carlo and sensitivity differ from the original.")
    if audience == "public":
        notes.append("Public: the pooled flows carry no prices, so the economics of the shared "
                     "file are not computed.")
    if mt.where:
        notes.append(f"A confidential name was replaced by '{MASK}' in {len(mt.where)} "
                     "free-text field(s): " + "; ".join(dict.fromkeys(mt.where)) + ".")
    return sc, notes
