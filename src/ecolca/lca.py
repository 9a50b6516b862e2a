"""The comparison: linear vs symbiotic, with Brightway (methodology.md §2–3).

The scenario becomes a Brightway foreground database (``ecolca: <scenario> [<id>]``) with one
activity per site (its stand-alone, linear operation), one per exchange (what the exchange changes:
minus the residue's fate, minus the replaced supply, plus transport and processing), and two
system activities, *park, linear* (all sites) and *park, symbiotic* (all sites and all
exchanges). Exchange activities link only to the background, so cycles between sites need nothing
special.

One :class:`bw2calc.MultiLCA` covers every demand (the two configurations, every site, and one
unit of every background activity used) for every method: the technosphere matrix is factorised
once. Per-exchange parts are then q·c(x) products of those unit scores, and Σ_e Δ_e = S − L holds
to rounding (checked by the tests).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ecolca import bwcompat  # noqa: F401
from ecolca import __version__, units
from ecolca.errors import EcolcaError, Problem, ScenarioError, UnitError
from ecolca.model import ATTRIBUTION_KEYS, ActivityRef, Exchange, Scenario
from ecolca.results import (
    ExchangeParts,
    InventoryTotal,
    MethodResult,
    ProductRow,
    Results,
    SiteEconomics,
    SiteResult,
    UncertaintyResult,
)
from ecolca.validation import errors as _errors
from ecolca.validation import validate

Progress = Callable[[str, float], None]

# key elementary flows summed for the Inventory view: (label, flow name, top-level category)
KEY_FLOWS: list[tuple[str, tuple[str, ...], str]] = [
    ("Carbon dioxide, fossil (to air)", ("Carbon dioxide, fossil",), "air"),
    ("Carbon dioxide, non-fossil (to air)", ("Carbon dioxide, non-fossil",), "air"),
    ("Methane, fossil (to air)", ("Methane, fossil",), "air"),
    ("Methane, non-fossil (to air)", ("Methane, non-fossil",), "air"),
    ("Dinitrogen monoxide (to air)", ("Dinitrogen monoxide",), "air"),
    ("Sulfur dioxide (to air)", ("Sulfur dioxide",), "air"),
    ("Nitrogen oxides (to air)", ("Nitrogen oxides",), "air"),
    ("Particulate matter, < 2.5 um (to air)", ("Particulate Matter, < 2.5 um",), "air"),
]
WATER_WITHDRAWAL_LABEL = "Water withdrawal (natural resource, in water)"


def foreground_name(sc: Scenario) -> str:
    return f"ecolca: {sc.name} [{sc.id}]"


# ---------------------------------------------------------------------------------------------
# checks against the project
# ---------------------------------------------------------------------------------------------

@dataclass
class _Lookup:
    """Background activities and biosphere flows a scenario refers to, read once."""

    nodes: dict[tuple[str, str], dict] = field(default_factory=dict)
    ids: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def for_scenario(cls, sc: Scenario) -> "_Lookup":
        from bw2data.backends import ActivityDataset as AD

        keys = set(sc.background_refs())
        keys.update(f.activity.key for _, f in sc.iter_flows() if f.kind == "emission" and f.activity)
        out = cls()
        by_db: dict[str, set[str]] = {}
        for db, code in keys:
            by_db.setdefault(db, set()).add(code)
        for db, codes in by_db.items():
            codes = list(codes)
            for i in range(0, len(codes), 500):
                q = AD.select(AD.id, AD.database, AD.code, AD.data).where(
                    (AD.database == db) & (AD.code.in_(codes[i:i + 500])))
                for row in q:
                    out.ids[(row.database, row.code)] = row.id
                    out.nodes[(row.database, row.code)] = row.data
        return out


def _to_unit_factor(amount_unit: str, node_unit: str, conversion: float | None) -> float:
    """Multiplier from a foreground amount to the background node's unit."""
    if not units.is_known(node_unit):
        if conversion is not None:
            return float(conversion)
        raise UnitError(f"the background unit '{node_unit}' is unknown to ecolca; give a "
                        f"conversion factor ({node_unit} per {amount_unit})")
    return units.factor(amount_unit, node_unit, conversion)


def check_against_project(sc: Scenario, lookup: _Lookup | None = None) -> list[Problem]:
    """Problems only a Brightway project can reveal: missing activities, biosphere flows and
    methods, and units that do not convert to the background activity's unit."""
    import bw2data as bd

    lookup = lookup or _Lookup.for_scenario(sc)
    out: list[Problem] = []
    for i, m in enumerate(sc.methods):
        if tuple(m) not in bd.methods:
            out.append(Problem("scenario", f"methods[{i + 1}]", f"LCIA method {' | '.join(m)} is "
                               f"not in project '{bd.projects.current}'", ("methods", i)))

    def check_ref(ref: ActivityRef | None, item: str, fld: str, path: tuple, amount_unit: str,
                  conversion: float | None, biosphere: bool = False) -> None:
        if ref is None:
            return
        if ref.database not in bd.databases:
            out.append(Problem(item, fld, f"database '{ref.database}' is not in project "
                               f"'{bd.projects.current}'", path))
            return
        node = lookup.nodes.get(ref.key)
        if node is None:
            out.append(Problem(item, fld, f"no {'biosphere flow' if biosphere else 'activity'} "
                               f"with code '{ref.code}' in database '{ref.database}'", path))
            return
        if biosphere and node.get("type") not in ("emission", "natural resource", "economic",
                                                   "inventory indicator", "social"):
            out.append(Problem(item, fld, f"'{node.get('name')}' is not an elementary flow", path))
        if not biosphere and node.get("type", "process") not in ("process", "processwithreferenceproduct"):
            out.append(Problem(item, fld, f"'{node.get('name')}' is not an activity "
                               f"(type {node.get('type')})", path))
        if units.is_known(amount_unit):
            try:
                _to_unit_factor(amount_unit, node.get("unit", ""), conversion)
            except UnitError as exc:
                out.append(Problem(item, "conversion_factor" if "dimension" not in str(exc) else fld,
                                   f"{amount_unit} → '{node.get('name')}' ({node.get('unit')}): {exc}",
                                   path))

    for si, site in enumerate(sc.sites):
        for fi, f in enumerate(site.flows):
            item = f"site '{site.name}', flow '{f.name}'"
            path = ("sites", si, "flows", fi)
            for k, t in enumerate(f.transport):
                check_ref(t.mode, item, f"transport[{k + 1}].mode", path + ("transport", k),
                          "ton kilometer", None)
            if f.kind == "supply":
                check_ref(f.activity, item, "activity", path + ("activity",), f.unit, f.conversion_factor)
            elif f.kind == "residue":
                check_ref(f.fate, item, "fate", path + ("fate",), f.unit, f.conversion_factor)
            elif f.kind == "emission":
                check_ref(f.activity, item, "activity", path + ("activity",), f.unit,
                          f.conversion_factor, biosphere=True)
    for ei, e in enumerate(sc.exchanges):
        item = f"exchange '{e.id}' ({sc.exchange_label(e)})"
        for k, t in enumerate(e.transport):
            check_ref(t.mode, item, f"transport[{k + 1}].mode", ("exchanges", ei, "transport", k),
                      "ton kilometer", None)
        for k, p in enumerate(e.processing):
            check_ref(p.activity, item, f"processing[{k + 1}].activity",
                      ("exchanges", ei, "processing", k), p.unit, p.conversion_factor)
    return out


def check(sc: Scenario, with_project: bool = True) -> list[Problem]:
    """All problems: model checks, then (when the model is sound) project checks."""
    problems = validate(sc)
    if with_project and not _errors(problems):
        problems += check_against_project(sc)
    return problems


# ---------------------------------------------------------------------------------------------
# the linear model: every quantity the two configurations need, in background units
# ---------------------------------------------------------------------------------------------

@dataclass
class _Term:
    """amount (in the background node's unit) of node ``key`` (technosphere or biosphere)."""

    key: tuple[str, str]
    amount: float
    biosphere: bool = False


@dataclass
class _ExchangeTerms:
    exchange: Exchange
    avoided_fate: list[_Term]
    avoided_supply: list[_Term]
    transport: list[_Term]
    processing: list[_Term]
    tonnes: float


def _transport_terms(amount: float, unit: str, legs, lookup: _Lookup) -> list[_Term]:
    """t·km terms for ``amount`` (in ``unit``, a mass) moved over ``legs``."""
    if not legs:
        return []
    tonnes = units.convert(amount, unit, "ton")
    return [_Term(t.mode.key, tonnes * t.distance * _to_unit_factor(
        "ton kilometer", lookup.nodes[t.mode.key]["unit"], None)) for t in legs]


def _flow_terms(sc: Scenario, lookup: _Lookup) -> dict[str, list[_Term]]:
    """Per site: the linear operation's background inputs and emissions."""
    out: dict[str, list[_Term]] = {}
    for site in sc.sites:
        terms: list[_Term] = []
        for f in site.flows:
            ref = f.activity if f.kind in ("supply", "emission") else f.fate if f.kind == "residue" else None
            if ref is None or f.amount == 0:
                continue
            node = lookup.nodes[ref.key]
            terms.append(_Term(ref.key, f.amount * _to_unit_factor(f.unit, node["unit"], f.conversion_factor),
                               biosphere=f.kind == "emission"))
            terms += _transport_terms(f.amount, f.unit, f.transport, lookup)
        out[site.id] = terms
    return out


def _exchange_terms(sc: Scenario, lookup: _Lookup, e: Exchange) -> _ExchangeTerms:
    residue = sc.site(e.from_site).flow(e.from_flow)
    supply = sc.site(e.to_site).flow(e.to_flow)
    fate = []
    if residue.fate is not None:
        node = lookup.nodes[residue.fate.key]
        fate.append(_Term(residue.fate.key, -e.amount * _to_unit_factor(
            residue.unit, node["unit"], residue.conversion_factor)))
        fate += _transport_terms(-e.amount, residue.unit, residue.transport, lookup)
    node = lookup.nodes[supply.activity.key]
    replaced = e.substitution_ratio * e.amount
    sup = [_Term(supply.activity.key, -replaced * _to_unit_factor(
        supply.unit, node["unit"], supply.conversion_factor))]
    sup += _transport_terms(-replaced, supply.unit, supply.transport, lookup)
    tonnes = 0.0
    trans = []
    if e.transport:
        tonnes = units.convert(e.amount, residue.unit, "ton")
        for t in e.transport:
            node = lookup.nodes[t.mode.key]
            trans.append(_Term(t.mode.key, tonnes * t.distance * _to_unit_factor(
                "ton kilometer", node["unit"], None)))
    proc = []
    for p in e.processing:
        node = lookup.nodes[p.activity.key]
        proc.append(_Term(p.activity.key, e.amount * p.amount_per_unit * _to_unit_factor(
            p.unit, node["unit"], p.conversion_factor)))
    return _ExchangeTerms(e, fate, sup, trans, proc, tonnes)


# ---------------------------------------------------------------------------------------------
# foreground database
# ---------------------------------------------------------------------------------------------

@dataclass
class Foreground:
    database: str
    ids: dict[str, int]  # foreground code -> node id
    seconds: float


def build_foreground(sc: Scenario, lookup: _Lookup | None = None) -> Foreground:
    """Write the scenario as a Brightway database (replacing an earlier one of the same name)."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    t0 = time.perf_counter()
    lookup = lookup or _Lookup.for_scenario(sc)
    name = foreground_name(sc)
    site_terms = _flow_terms(sc, lookup)
    data: dict = {}

    def tech(key: tuple[str, str], amount: float) -> dict:
        return {"input": key, "amount": amount, "type": "technosphere"}

    def bio(key: tuple[str, str], amount: float) -> dict:
        return {"input": key, "amount": amount, "type": "biosphere"}

    def activity(code: str, label: str, unit: str, exchanges: list[dict], comment: str) -> None:
        data[(name, code)] = {
            "name": label, "reference product": label, "unit": unit, "location": "GLO",
            "type": "process", "comment": comment,
            "exchanges": [{"input": (name, code), "amount": 1.0, "type": "production"}] + exchanges,
        }

    for site in sc.sites:
        exs = [bio(t.key, t.amount) if t.biosphere else tech(t.key, t.amount)
               for t in site_terms[site.id]]
        activity(f"site:{site.id}", f"{site.name}, stand-alone operation (linear)", "year", exs,
                 f"Annual flows of site '{site.name}' as it operates on its own.")
    for e in sc.exchanges:
        et = _exchange_terms(sc, lookup, e)
        exs = [tech(t.key, t.amount) for t in et.avoided_fate + et.avoided_supply + et.transport + et.processing]
        activity(f"exchange:{e.id}", f"exchange {sc.exchange_label(e)}", "year", exs,
                 "Change made by the exchange: minus the residue's fate, minus the replaced supply, "
                 "plus transport and processing.")
    activity("park:linear", f"{sc.name}, park, linear configuration", "year",
             [tech((name, f"site:{s.id}"), 1.0) for s in sc.sites],
             "Every site buys all supplies and sends every residue to its linear fate.")
    activity("park:symbiotic", f"{sc.name}, park, symbiotic configuration", "year",
             [tech((name, f"site:{s.id}"), 1.0) for s in sc.sites]
             + [tech((name, f"exchange:{e.id}"), 1.0) for e in sc.exchanges],
             "As linear, with every exchange in place.")
    # an unchanged scenario keeps its foreground: rewriting it is most of a repeated run's time
    # the digest covers the node ids of the background too: a reinstalled background database
    # (ecolca setup after an update) gets new ids, and the foreground must then be rewritten
    digest = hashlib.sha256(json.dumps([sorted(data.items(), key=lambda kv: kv[0]),
                                        sorted(lookup.ids.items())],
                                       sort_keys=True, default=str).encode()).hexdigest()
    db = bd.Database(name)
    if name not in bd.databases or bd.databases[name].get("ecolca_digest") != digest:
        if name not in bd.databases:
            db.register(description=f"ecolca foreground of scenario '{sc.name}'")
        db.write(data, searchable=False)
        md = bd.databases[name]
        md.update(ecolca_digest=digest, ecolca=__version__)
        bd.databases[name] = md
        bd.databases.flush()
    ids = {code: id_ for code, id_ in AD.select(AD.code, AD.id).where(AD.database == name).tuples()}
    return Foreground(name, ids, time.perf_counter() - t0)


# ---------------------------------------------------------------------------------------------
# the calculation
# ---------------------------------------------------------------------------------------------

def _method_units(methods: list[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    import bw2data as bd

    return {m: bd.methods.get(m, {}).get("unit", "") for m in methods}


def _stats(a: np.ndarray) -> dict[str, float]:
    return {"mean": float(np.mean(a)), "median": float(np.median(a)),
            "p2.5": float(np.percentile(a, 2.5)), "p97.5": float(np.percentile(a, 97.5))}


def _shares(key: str, parts: ExchangeParts, gain_a: float | None, gain_b: float | None,
            transport_payer: str, processing_payer: str) -> tuple[float, float]:
    """(supplier share, receiver share) of Δ_e under an attribution key (methodology §3)."""
    total = parts.total
    if key == "physical":
        a = parts.avoided_fate
        b = parts.avoided_supply
        if transport_payer == "supplier":
            a += parts.transport
        else:
            b += parts.transport
        if processing_payer == "supplier":
            a += parts.processing
        else:
            b += parts.processing
        return a, b
    if key == "50/50":
        return total / 2, total / 2
    if key == "receiver":
        return 0.0, total
    if key == "supplier":
        return total, 0.0
    if key == "economic":
        if gain_a is not None and gain_b is not None and gain_a > 0 and gain_b > 0:
            w = gain_a / (gain_a + gain_b)
            return total * w, total * (1 - w)
        if gain_a is not None and gain_b is not None and gain_a > 0 >= gain_b:
            return total, 0.0
        if gain_a is not None and gain_b is not None and gain_b > 0 >= gain_a:
            return 0.0, total
        return total / 2, total / 2  # no gain to share by: documented fallback
    raise ValueError(key)


def _economics(sc: Scenario) -> tuple[list[SiteEconomics], dict[str, tuple[float | None, float | None]]]:
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
    gains: dict[str, tuple[float | None, float | None]] = {}
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
        if ec.transport_paid_by == "supplier":
            ga -= tc
        else:
            gb -= tc
        if ec.processing_paid_by == "supplier":
            ga -= pc
        else:
            gb -= pc
        cost_s[e.from_site] -= ga
        cost_s[e.to_site] -= gb
        gains[e.id] = (None if fee is None else ga, None if buy is None else gb)
    rows = [SiteEconomics(s.id, s.name, cost_l[s.id], cost_s[s.id], missing[s.id]) for s in sc.sites]
    return rows, gains


def compare(sc: Scenario, project: str | None = None, methods: list[tuple[str, ...]] | None = None,
            iterations: int | None = None, seed: int | None = None,
            progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
            timings: dict | None = None) -> Results:
    """Compute L and S for every method, the per-exchange parts, per-site views, key inventory
    totals, economics and (if ``iterations``) paired Monte Carlo statistics.

    Raises :class:`ScenarioError` listing every problem when the scenario is not valid for the
    project; nothing is computed then.
    """
    import bw2data as bd

    from ecolca.project import activate

    say = progress or (lambda m, f: None)
    stop = cancelled or (lambda: False)
    timings = timings if timings is not None else {}
    activate(project)
    methods = [tuple(m) for m in (methods or sc.methods)]
    if methods != [tuple(m) for m in sc.methods]:
        import copy

        sc = copy.deepcopy(sc)
        sc.methods = methods
    say("Checking the scenario", 0.02)
    problems = validate(sc)
    lookup = None
    if not _errors(problems):
        lookup = _Lookup.for_scenario(sc)
        problems += check_against_project(sc, lookup)
    if _errors(problems):
        raise ScenarioError(_errors(problems), sc.name)

    say("Building the foreground database", 0.1)
    fg = build_foreground(sc, lookup)
    timings["foreground"] = fg.seconds
    if stop():
        raise Cancelled()

    bg_keys = sorted(sc.background_refs())
    demands: dict[str, dict[int, float]] = {
        "linear": {fg.ids["park:linear"]: 1.0},
        "symbiotic": {fg.ids["park:symbiotic"]: 1.0},
    }
    for s in sc.sites:
        demands[f"site:{s.id}"] = {fg.ids[f"site:{s.id}"]: 1.0}
    for k in bg_keys:
        demands[f"bg:{k[0]}|{k[1]}"] = {lookup.ids[k]: 1.0}
    config = {"impact_categories": methods}
    say(f"Calculating {len(demands)} demands × {len(methods)} methods (one factorisation)", 0.25)
    t0 = time.perf_counter()
    data_objs = bd.get_multilca_data_objs(functional_units=demands, method_config=config)
    mlca = bwcompat.scores_multilca(keep_inventories=("linear", "symbiotic"))(
        demands=demands, method_config=config, data_objs=data_objs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mlca.lci()
        mlca.lcia()
    notes = [f"{w.message}: no elementary flow of this inventory has a characterization factor "
             "in this method, so its result is 0" for w in caught
             if "characterization matrix" in str(w.message)]
    scores = mlca.scores
    timings["lca"] = time.perf_counter() - t0
    if stop():
        raise Cancelled()
    say("Collecting results", 0.7)

    munits = _method_units(methods)
    impacts = [MethodResult(m, munits[m], float(scores[(m, "linear")]), float(scores[(m, "symbiotic")]))
               for m in methods]

    # characterization factors of biosphere flows (for direct emissions in Monte Carlo)
    def unit_score(m: tuple[str, ...], key: tuple[str, str]) -> float:
        return float(scores[(m, f"bg:{key[0]}|{key[1]}")])

    ex_terms = {e.id: _exchange_terms(sc, lookup, e) for e in sc.exchanges}
    parts: list[ExchangeParts] = []
    for e in sc.exchanges:
        et = ex_terms[e.id]
        label = sc.exchange_label(e)
        for m in methods:
            def total(ts: list[_Term]) -> float:
                return sum(t.amount * unit_score(m, t.key) for t in ts)

            fate, sup, tr, pr = (total(et.avoided_fate), total(et.avoided_supply),
                                 total(et.transport), total(et.processing))
            dist = sum(t.distance for t in e.transport)
            be = None
            if e.transport and et.tonnes > 0:
                # break-even distance of the first leg, other legs as declared (methodology §3)
                first = et.transport[0]
                per_km = et.tonnes * _to_unit_factor(
                    "ton kilometer", lookup.nodes[first.key]["unit"], None) * unit_score(m, first.key)
                others = tr - first.amount * unit_score(m, first.key)
                if per_km != 0:
                    be = -(fate + sup + pr + others) / per_km
            parts.append(ExchangeParts(e.id, label, m, munits[m], fate, sup, tr, pr, dist, be))

    econ, gains = _economics(sc)
    site_rows: list[SiteResult] = []
    for m in methods:
        mparts = {p.exchange_id: p for p in parts if p.method == m}
        for key in ATTRIBUTION_KEYS:
            share: dict[str, float] = {s.id: 0.0 for s in sc.sites}
            for e in sc.exchanges:
                a, b = _shares(key, mparts[e.id], *gains[e.id], e.economics.transport_paid_by,
                               e.economics.processing_paid_by)
                share[e.from_site] += a
                share[e.to_site] += b
            for s in sc.sites:
                lin = float(scores[(m, f"site:{s.id}")])
                site_rows.append(SiteResult(s.id, s.name, m, munits[m], key, lin, lin + share[s.id]))

    inventory = _inventory(mlca)
    products = [ProductRow(s.name, f.name, f.amount, f.unit) for s, f in sc.iter_flows()
                if f.kind == "product"]
    iterations = sc.monte_carlo_iterations if iterations is None else iterations
    seed = sc.monte_carlo_seed if seed is None else seed
    unc: list[UncertaintyResult] = []
    if iterations:
        unc = monte_carlo(sc, lookup, bg_keys, methods, munits, iterations, seed, say, stop,
                          timings)
    results = Results(
        scenario_name=sc.name, reference_year=sc.reference_year, currency=sc.currency,
        attribution_key=sc.attribution_key, functional_unit=products, impacts=impacts,
        exchanges=parts, sites=site_rows, economics=econ, inventory=inventory, uncertainty=unc,
        metadata=_metadata(sc, fg, methods, iterations, seed),
        prices_given=any(f.price is not None for _, f in sc.iter_flows()) or any(
            e.economics.price or e.economics.transport_cost or e.economics.processing_cost
            for e in sc.exchanges),
    )
    if notes:
        results.metadata["notes"] = notes
    say("Done", 1.0)
    return results


class Cancelled(EcolcaError):
    """The user cancelled a running calculation."""


def _inventory(mlca) -> list[InventoryTotal]:
    """Totals of key elementary flows for linear and symbiotic, summed over sub-compartments."""
    from bw2data.backends import ActivityDataset as AD

    rev = {v: k for k, v in mlca.dicts.biosphere.items()}  # matrix row -> node id
    ids = list(rev.values())
    meta = {}
    for row in AD.select(AD.id, AD.name, AD.data).where(AD.id.in_(ids)):
        meta[row.id] = (row.name, tuple(row.data.get("categories", ())), row.data.get("unit", ""))
    totals = {}
    for cfg in ("linear", "symbiotic"):
        vec = np.asarray(mlca.inventories[cfg].sum(axis=1)).ravel()
        totals[cfg] = vec
    out = []
    for label, names, top in KEY_FLOWS:
        rows = [i for i, nid in rev.items() if meta.get(nid, ("", (), ""))[0] in names
                and meta[nid][1][:1] == (top,)]
        unit = meta[rev[rows[0]]][2] if rows else "kilogram"
        out.append(InventoryTotal(label, unit, float(totals["linear"][rows].sum()) if rows else 0.0,
                                  float(totals["symbiotic"][rows].sum()) if rows else 0.0))
    water = [i for i, nid in rev.items() if meta.get(nid, ("", (), ""))[1][:2] == ("natural resource", "in water")
             and meta[nid][0].startswith("Water") and meta[nid][2] == "cubic meter"]
    out.append(InventoryTotal(WATER_WITHDRAWAL_LABEL, "cubic meter",
                              float(totals["linear"][water].sum()) if water else 0.0,
                              float(totals["symbiotic"][water].sum()) if water else 0.0))
    return out


def _metadata(sc: Scenario, fg: Foreground, methods, iterations: int, seed: int) -> dict:
    import bw2calc
    import bw2data as bd

    dbs = {}
    for name in sorted(bd.databases):
        if name == fg.database or not name.startswith("ecolca:"):
            md = bd.databases[name]
            dbs[name] = str(md.get("ecolca_version") or md.get("version") or "")
    return {
        "ecolca_version": __version__,
        "calculated": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "brightway_project": bd.projects.current,
        "brightway_dir": str(bd.projects._base_data_dir),
        "foreground_database": fg.database,
        "background_database": sc.background_database,
        "databases": dbs,
        "bw2data_version": ".".join(map(str, bd.__version__)) if isinstance(bd.__version__, tuple) else str(bd.__version__),
        "bw2calc_version": ".".join(map(str, bw2calc.__version__)) if isinstance(bw2calc.__version__, tuple) else str(bw2calc.__version__),
        "lcia_methods": [" | ".join(m) for m in methods],
        "lcia_methods_source": "bw2io bundled LCIA data (ecoinvent 3.9 LCIA implementation)",
        "attribution_key": sc.attribution_key,
        "monte_carlo": {"iterations": iterations, "seed": seed} if iterations else "not run",
        "functional_unit": "annual output of all sites in the reference year (system expansion)",
        "linear_definition": "every site buys all its supplies from the market and sends every "
                             "residue to its linear fate",
        "symbiotic_definition": "as linear, but each exchange lowers the supplier's residue to "
                                "fate by q and the receiver's purchased supply by r·q, and adds "
                                "transport q·d and processing q·a",
    }


# ---------------------------------------------------------------------------------------------
# paired Monte Carlo
# ---------------------------------------------------------------------------------------------

def _sample(rng: np.random.Generator, value: float, u, n: int) -> np.ndarray:
    """n draws of a foreground quantity with uncertainty ``u`` (model.Uncertainty)."""
    t = getattr(u, "type", "none")
    if t == "lognormal" and value > 0 and u.gsd:
        return rng.lognormal(math.log(value), math.log(u.gsd), n)
    if t == "normal" and u.sd:
        return np.maximum(rng.normal(value, u.sd, n), 0.0)
    if t == "uniform":
        return rng.uniform(u.minimum, u.maximum, n)
    if t == "triangular" and u.maximum > u.minimum:
        mode = min(max(value, u.minimum), u.maximum)
        return rng.triangular(u.minimum, mode, u.maximum, n)
    return np.full(n, float(value))


def monte_carlo(sc: Scenario, lookup: _Lookup, bg_keys, methods, munits, iterations: int,
                seed: int, say: Progress, stop: Callable[[], bool], timings: dict
                ) -> list[UncertaintyResult]:
    """Paired Monte Carlo (methodology §3): each iteration draws one background sample (the
    stored distributions, via bw2calc) and one foreground sample (amounts, q, r, d), and evaluates
    L and S on that same sample."""
    import bw2data as bd

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    n = iterations
    bio_keys = sorted({f.activity.key for _, f in sc.iter_flows() if f.kind == "emission" and f.activity})
    demands = {f"bg:{k[0]}|{k[1]}": {lookup.ids[k]: 1.0} for k in bg_keys}
    config = {"impact_categories": methods}
    unit_scores = {m: {k: np.zeros(n) for k in bg_keys} for m in methods}
    if demands:
        data_objs = bd.get_multilca_data_objs(functional_units=demands, method_config=config)
        mlca = bwcompat.scores_multilca()(demands=demands, method_config=config,
                                          data_objs=data_objs, use_distributions=True,
                                          seed_override=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mlca.lci()
            mlca.lcia()
        for it in range(n):
            if it:
                next(mlca)
            sc_it = mlca.scores
            for m in methods:
                for k in bg_keys:
                    unit_scores[m][k][it] = sc_it[(m, f"bg:{k[0]}|{k[1]}")]
            if stop():
                raise Cancelled()
            if it % max(1, n // 20) == 0:
                say(f"Monte Carlo iteration {it + 1}/{n}", 0.7 + 0.28 * it / n)
    # characterization factors for direct emissions
    cfs = {m: {} for m in methods}
    if bio_keys:
        bio_ids = {lookup.ids[k]: k for k in bio_keys}
        for m in methods:
            for row in bd.Method(m).load():
                fid = row[0] if isinstance(row[0], int) else None
                if fid in bio_ids:
                    cfs[m][bio_ids[fid]] = cfs[m].get(bio_ids[fid], 0.0) + float(row[1])

    lin = {m: np.zeros(n) for m in methods}
    sym = {m: np.zeros(n) for m in methods}
    for site in sc.sites:
        for f in site.flows:
            ref = f.activity if f.kind in ("supply", "emission") else f.fate if f.kind == "residue" else None
            if ref is None or f.amount == 0:
                continue
            conv = _to_unit_factor(f.unit, lookup.nodes[ref.key]["unit"], f.conversion_factor)
            raw = _sample(rng, f.amount, f.uncertainty, n)
            amt = raw * conv
            for m in methods:
                c = cfs[m].get(ref.key, 0.0) if f.kind == "emission" else unit_scores[m][ref.key]
                lin[m] += amt * c
            for t in f.transport:
                tk = raw * _transport_terms(1.0, f.unit, [t], lookup)[0].amount
                for m in methods:
                    lin[m] += tk * unit_scores[m][t.mode.key]
    for m in methods:
        sym[m] += lin[m]
    for e in sc.exchanges:
        residue = sc.site(e.from_site).flow(e.from_flow)
        supply = sc.site(e.to_site).flow(e.to_flow)
        q = _sample(rng, e.amount, e.amount_uncertainty, n)
        r = _sample(rng, e.substitution_ratio, e.ratio_uncertainty, n)
        if residue.fate is not None:
            conv = _to_unit_factor(residue.unit, lookup.nodes[residue.fate.key]["unit"], residue.conversion_factor)
            for m in methods:
                sym[m] -= q * conv * unit_scores[m][residue.fate.key]
            for t in residue.transport:
                per_unit = _transport_terms(1.0, residue.unit, [t], lookup)[0].amount
                for m in methods:
                    sym[m] -= q * per_unit * unit_scores[m][t.mode.key]
        conv = _to_unit_factor(supply.unit, lookup.nodes[supply.activity.key]["unit"], supply.conversion_factor)
        for m in methods:
            sym[m] -= r * q * conv * unit_scores[m][supply.activity.key]
        for t in supply.transport:
            per_unit = _transport_terms(1.0, supply.unit, [t], lookup)[0].amount
            for m in methods:
                sym[m] -= r * q * per_unit * unit_scores[m][t.mode.key]
        for t in e.transport:
            d = _sample(rng, t.distance, t.uncertainty, n)
            tk = q * units.factor(residue.unit, "ton") * d * _to_unit_factor(
                "ton kilometer", lookup.nodes[t.mode.key]["unit"], None)
            for m in methods:
                sym[m] += tk * unit_scores[m][t.mode.key]
        for p in e.processing:
            a = _sample(rng, p.amount_per_unit, p.uncertainty, n)
            conv = _to_unit_factor(p.unit, lookup.nodes[p.activity.key]["unit"], p.conversion_factor)
            for m in methods:
                sym[m] += q * a * conv * unit_scores[m][p.activity.key]
    out = []
    for m in methods:
        d = sym[m] - lin[m]
        out.append(UncertaintyResult(m, munits[m], n, seed, _stats(lin[m]), _stats(sym[m]),
                                     _stats(d), float(np.mean(d < 0))))
    timings["monte_carlo"] = time.perf_counter() - t0
    return out
