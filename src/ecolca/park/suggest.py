"""The synergy finder: candidate exchanges between the sites of a park, ranked by avoided impact
(methodology §9, docs/suggest.md). No Qt.

1. **Compatibility table** (``databases/compatibility.csv``): each row says which residue kind
   can replace which supply, with the substitution ratio (central, low, high), the processing it
   needs and its source.
2. **Matching**: a residue of site A matches a row when its name matches the row's residue
   pattern *and* its fate (a background activity, or none) is one the row allows; a supply of
   site B matches when its *background activity* is one of the row's ecolca-open codes (or, in
   another database, the activity's name matches the row's supply pattern). The supply side is
   never matched on the user's text.
3. **Candidates**: q = min(residue left, supply left / r), where "left" deducts what existing
   exchanges already take. Each candidate is built as an :class:`~ecolca.core.model.Exchange` on a
   copy of the scenario (with only the candidates as exchanges), compiled to the term table and
   evaluated with the unit scores kept by earlier runs (:func:`ecolca.lca.cache.lookup`): no
   solve. Missing scores are solved once, for just those activities, and the output says so.
4. **Ranking** by Δ_e of the chosen method (most negative first).
"""

from __future__ import annotations

import math
import re
import time
import types
from dataclasses import dataclass, field

import numpy as np

from ecolca.core import units
from ecolca.core.compatibility import (OPEN_DB, OPTIONAL_COLUMNS, TABLE_COLUMNS,  # noqa: F401
                                       Row, load_table, receiver_text, table_path)
from ecolca.core.errors import EcolcaError, UnitError
from ecolca.core.model import (ActivityRef, Exchange, ExchangeEconomics, Flow, Processing, Scenario,
                          Site, Transport, Uncertainty, exchange_id_for)

LORRY = "transport-lorry"
GRID_WORLD = "elec-grid-world"

# Road circuity (detour) factor: network distance / straight-line distance. Newell (1980): about
# 1.2 for randomly chosen points; O'Sullivan (1996): 1.21-1.23 (both as summarised in Wikibooks,
# "Transportation Geography and Network Science/Circuity").
CIRCUITY = 1.2
CIRCUITY_SOURCE = ("Newell (1980), network distance about 1.2 × the straight-line distance; "
                   "O'Sullivan (1996) 1.21-1.23; as summarised in Wikibooks, 'Transportation "
                   "Geography and Network Science/Circuity', section 'Evidence'")
# Used only when the sites have no coordinates and no --distance-km is given: an assumption, not
# a sourced figure; every candidate then carries a warning and its break-even distance.
DEFAULT_DISTANCE_KM = 50.0
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius

# ---------------------------------------------------------------------------------------------
# distances
# ---------------------------------------------------------------------------------------------

def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the IUGG mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance(a: Site, b: Site, user_km: float | None) -> tuple[float, str, str | None]:
    """(km, how it was obtained, warning or None)."""
    if a.latitude is not None and a.longitude is not None and b.latitude is not None \
            and b.longitude is not None:
        gc = great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude)
        return gc * CIRCUITY, f"great-circle {gc:.1f} km × circuity {CIRCUITY} (site coordinates)", None
    if user_km is not None:
        return user_km, "--distance-km", None
    return DEFAULT_DISTANCE_KM, f"default {DEFAULT_DISTANCE_KM:g} km (assumption)", (
        f"no coordinates for '{a.name}' or '{b.name}' and no --distance-km: the transport "
        f"distance is an assumed {DEFAULT_DISTANCE_KM:g} km; see the break-even distance")


# ---------------------------------------------------------------------------------------------
# candidates
# ---------------------------------------------------------------------------------------------

@dataclass
class Candidate:
    rank: int
    id: str
    row: Row
    from_site: Site
    residue: Flow
    to_site: Site
    supply: Flow
    q: float                       # residue unit
    r: float                       # supply units per residue unit
    available: float
    need: float
    distance_km: float | None      # None: not moved by lorry (pipe, grid)
    distance_basis: str
    exchange: Exchange
    extends: str | None            # id of an existing exchange on the same residue → supply
    extends_label: str | None = None  # its label, "site: residue → site: supply" (what is shown)
    delta: np.ndarray = field(default_factory=lambda: np.zeros(0))        # per method
    parts: dict = field(default_factory=dict)                              # part -> per method
    break_even_km: np.ndarray = field(default_factory=lambda: np.zeros(0))
    delta_low_ratio: np.ndarray = field(default_factory=lambda: np.zeros(0))
    delta_high_ratio: np.ndarray = field(default_factory=lambda: np.zeros(0))
    money_per_year: float | None = None
    money_note: str = ""
    # per method: why Δ is not a plain result (not covered, one side without data, below
    # numerical precision), in words; None where it is (ecolca.lca.coverage)
    notes: list = field(default_factory=list)
    not_covered: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    missing: dict = field(default_factory=dict)  # part -> per method: terms without data
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Suggestions:
    scenario: str
    methods: list[tuple[str, ...]]
    units: list[str]
    rank_method: tuple[str, ...]
    candidates: list[Candidate]
    considered: int
    skipped: list[str]
    solved_missing: list[tuple[str, str]]
    seconds: float
    currency: str
    notes: list[str] = field(default_factory=list)
    alternatives: list[Candidate] = field(default_factory=list)


def _grid_for(sc: Scenario, a: Site, b: Site, codes: set[str]) -> tuple[str, str]:
    """The grid electricity (ecolca-open code) a candidate's processing uses, and why."""
    for s, who in ((a, "supplier"), (b, "receiver")):
        for f in s.flows:
            if f.kind == "supply" and f.activity and f.activity.database == OPEN_DB \
                    and f.activity.code.startswith("elec-grid-"):
                return f.activity.code, f"the {who}'s own grid supply ({f.activity.code})"
    for s in (a, b):
        m = re.findall(r"\b([A-Z]{2})\b", s.location or "")
        if m and f"elec-grid-{m[-1].lower()}" in codes:
            return f"elec-grid-{m[-1].lower()}", f"the grid of '{s.name}''s country ({m[-1]})"
    for s, f in sc.iter_flows():
        if f.kind == "supply" and f.activity and f.activity.database == OPEN_DB \
                and f.activity.code.startswith("elec-grid-"):
            return f.activity.code, f"a grid the park buys ({f.activity.code})"
    return GRID_WORLD, "the world grid average (no site names its grid)"


def _activity_names(keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Names of the non-ecolca-open activities among ``keys`` (for the name patterns)."""
    other = [k for k in keys if k[0] != OPEN_DB]
    if not other:
        return {}
    from bw2data.backends import ActivityDataset as AD

    out = {}
    by_db: dict[str, list[str]] = {}
    for db, code in other:
        by_db.setdefault(db, []).append(code)
    for db, codes in by_db.items():
        for i in range(0, len(codes), 500):
            for row in AD.select(AD.database, AD.code, AD.name).where(
                    (AD.database == db) & (AD.code.in_(codes[i:i + 500]))):
                out[(row.database, row.code)] = row.name
    return out


def _ratio_in(row: Row, res: Flow, sup: Flow) -> float:
    """The row's proposed ratio (:attr:`Row.proposed`) in the scenario's units (supply unit per
    residue unit)."""
    a = units.factor(res.unit, row.residue_unit)
    b = units.factor(sup.unit, row.supply_unit)
    return row.proposed * a / b


def candidates(sc: Scenario, rows: tuple[Row, ...], user_km: float | None,
               open_codes: set[str]) -> tuple[list[Candidate], list[str], int]:
    """Every matching residue → supply pair between two different sites, with q > 0."""
    taken: dict[tuple[str, str], float] = {}
    given: dict[tuple[str, str], float] = {}
    existing: dict[tuple[str, str, str, str], str] = {}
    for e in sc.exchanges:
        taken[(e.from_site, e.from_flow)] = taken.get((e.from_site, e.from_flow), 0.0) + e.amount
        given[(e.to_site, e.to_flow)] = given.get((e.to_site, e.to_flow), 0.0) + \
            e.amount * e.substitution_ratio
        existing.setdefault((e.from_site, e.from_flow, e.to_site, e.to_flow), e)
    names = _activity_names({f.fate.key for _, f in sc.iter_flows() if f.kind == "residue" and f.fate}
                            | {f.activity.key for _, f in sc.iter_flows()
                               if f.kind == "supply" and f.activity})
    residues = [(s, f) for s, f in sc.iter_flows() if f.kind == "residue" and f.amount > 0]
    supplies = [(s, f) for s, f in sc.iter_flows() if f.kind == "supply" and f.amount > 0]
    skipped: list[str] = []
    out: list[Candidate] = []
    ids = {e.id for e in sc.exchanges}  # a candidate's id never repeats an exchange's
    # per row: matching residues and supplies (matching is per flow, pairing per site pair)
    considered = 0
    for row in rows:
        rs = [(s, f) for s, f in residues
              if row.residue_matches(f, names.get(f.fate.key) if f.fate else None)]
        if not rs:
            continue
        ss = [(s, f) for s, f in supplies if row.supply_matches(f, names.get(f.activity.key))]
        if not ss:
            for a, res in rs:
                skipped.append(f"'{a.name}': '{res.name}' (row {row.id}): no supply in the park "
                               f"has a background activity this row replaces ({row.supply_kind}: "
                               + _supply_rule(row) + ")")
            continue
        for a, res in rs:
            available = res.amount - taken.get((a.id, res.id), 0.0)
            for b, sup in ss:
                if a.id == b.id:
                    continue
                label = f"'{a.name}': '{res.name}' → '{b.name}': '{sup.name}' (row {row.id})"
                if not row.receiver_matches(b):
                    skipped.append(f"{label}: the receiving site does not meet the row's receiver "
                                   f"condition (/{row.receiver_pattern.pattern}/ on "
                                   + (f"its sector '{b.sector.strip()}'" if b.sector.strip() else
                                      "its name and description, the sector being empty") + ")")
                    continue
                considered += 1
                try:
                    r = _ratio_in(row, res, sup)
                except UnitError as exc:
                    skipped.append(f"{label}: {exc}")
                    continue
                need = sup.amount - given.get((b.id, sup.id), 0.0)
                if available <= 0 or need <= 0:
                    skipped.append(f"{label}: nothing left "
                                   f"({'residue' if available <= 0 else 'supply'} fully exchanged)")
                    continue
                q = min(available, need / r)
                old = existing.get((a.id, res.id, b.id, sup.id))
                c = _candidate(sc, row, a, res, b, sup, q, r, available, need, user_km,
                               open_codes, old.id if old else None, ids)
                c.extends_label = sc.exchange_label(old) if old else None
                out.append(c)
    return out, skipped, considered


def _supply_rule(row: Row) -> str:
    parts = []
    if row.supply_codes:
        parts.append(f"{OPEN_DB} codes {', '.join(sorted(row.supply_codes))}")
    else:
        parts.append(f"no {OPEN_DB} activity")
    if row.supply_pattern is not None:
        parts.append(f"or, in another database, a name matching /{row.supply_pattern.pattern}/")
    return " ".join(parts)


def _candidate(sc, row, a, res, b, sup, q, r, available, need, user_km, open_codes, extends,
               ids=frozenset()):
    # a key among the candidates until the ranking names them (_name_candidates)
    cid = base = f"suggest-{row.id}-{a.id}-{res.id}-{b.id}-{sup.id}"
    n = 2
    while cid in ids:
        cid, n = f"{base}-{n}", n + 1
    assumptions = [row.assumes] if row.assumes else []
    if row.receiver_pattern is not None:
        assumptions.append(f"receiver condition of row '{row.id}': /{row.receiver_pattern.pattern}/ "
                           f"matched '{receiver_text(b)}'")
    warnings: list[str] = []
    transport: list[Transport] = []
    d_km, basis = None, "not moved by lorry (pipe or grid; pipe not modelled)"
    if units.dimension(res.unit) == "mass" and row.exchange_category in ("material", "by-product"):
        d_km, basis, warn = distance(a, b, user_km)
        if warn:
            warnings.append(warn)
        if LORRY in open_codes:
            transport = [Transport(ActivityRef(OPEN_DB, LORRY), d_km, label="lorry")]
            assumptions.append(f"moved by lorry ({OPEN_DB}:{LORRY}) over {d_km:.1f} km: {basis}")
        else:
            warnings.append(f"'{OPEN_DB}' is not in the project: transport is not counted")
    processing = []
    if row.processing_code:
        code, why = row.processing_code, ""
        if code == "@grid":
            code, why = _grid_for(sc, a, b, open_codes)
        per_res_unit = row.processing_amount * units.factor(res.unit, row.residue_unit)
        lo = row.processing_low * units.factor(res.unit, row.residue_unit)
        hi = row.processing_high * units.factor(res.unit, row.residue_unit)
        processing.append(Processing(
            ActivityRef(OPEN_DB, code), per_res_unit, row.processing_unit, name=row.processing_name,
            uncertainty=Uncertainty("triangular", minimum=lo, maximum=hi) if hi > lo else Uncertainty()))
        assumptions.append(f"processing: {row.processing_amount:g} {row.processing_unit} per "
                           f"{row.residue_unit} of {OPEN_DB}:{code}"
                           + (f" ({why})" if why else "") + f" — {row.processing_name}")
    assumptions.append("substitution ratio: " + row.proposed_words())
    # the row's range as the ratio's distribution, its mode the proposed ratio (Monte Carlo
    # draws over the range the table gives, centred where the proposal is)
    scale = r / row.proposed
    ratio_u = Uncertainty("triangular", minimum=row.ratio_low * scale,
                          maximum=row.ratio_high * scale) \
        if row.ratio_high > row.ratio_low else Uncertainty()
    ex = Exchange(cid, a.id, res.id, b.id, sup.id, q, r, category=row.exchange_category,
                  transport=transport, processing=processing, economics=ExchangeEconomics(),
                  description=f"suggested by the synergy finder: compatibility row '{row.id}'",
                  source=f"{row.source} [{row.source_locator}; {row.source_year}]",
                  amount_basis="assumed", ratio_uncertainty=ratio_u)
    return Candidate(0, cid, row, a, res, b, sup, q, r, available, need, d_km, basis, ex, extends,
                     assumptions=assumptions, warnings=warnings)


# ---------------------------------------------------------------------------------------------
# evaluation on the term table, from cached unit scores
# ---------------------------------------------------------------------------------------------

def _evaluate(sc: Scenario, cands: list[Candidate], methods: list[tuple[str, ...]],
              allow_solve: bool = True) -> list[tuple[str, str]]:
    """Fill each candidate's Δ per method and its parts, break-even distance and Δ at the ends
    of the ratio range. Returns the activities whose unit scores had to be solved."""
    from ecolca.lca import cache
    from ecolca.lca.project_check import _Lookup, _to_unit_factor
    from ecolca.lca.terms import EXCHANGE_PARTS, SITE, compile_terms

    # a copy of the scenario whose exchanges are the candidates; its sites keep only the flows
    # the candidates touch (the flow objects themselves are shared, not modified): the site
    # terms of the other flows do not enter any Δ_e
    touched: dict[str, set[str]] = {}
    for c in cands:
        touched.setdefault(c.from_site.id, set()).add(c.residue.id)
        touched.setdefault(c.to_site.id, set()).add(c.supply.id)
    sites = [Site(s.id, s.name, flows=[f for f in s.flows if f.id in touched[s.id]])
             for s in sc.sites if s.id in touched]
    trial = Scenario(name=sc.name, id=sc.id, reference_year=sc.reference_year,
                     currency=sc.currency, background_database=sc.background_database,
                     methods=list(methods), sites=sites, exchanges=[c.exchange for c in cands])
    lookup = _Lookup.for_scenario(trial)
    missing_nodes = sorted(k for k in trial.background_refs() if k not in lookup.nodes)
    if missing_nodes:
        raise EcolcaError("activities not in the project: " + ", ".join(f"{d}:{c}" for d, c in
                                                                        missing_nodes[:5]))
    unit = {k: n.get("unit", "") for k, n in lookup.nodes.items()}
    table = compile_terms(trial, unit.__getitem__, _to_unit_factor)
    ex_rows = table.part != SITE
    used = sorted(set(table.key[ex_rows].tolist()))
    keys = [table.keys[i] for i in used]
    bio = [k for i, k in zip(used, keys) if i >= table.n_background]
    if bio:  # exchange terms never name a biosphere flow; guard the assumption
        raise EcolcaError(f"internal: exchange terms on biosphere flows {bio[:3]}")
    scores, found = cache.lookup(keys, methods)
    solved: list[tuple[str, str]] = []
    if not found.all():
        miss = [k for k, f in zip(keys, found.all(axis=1)) if not f]
        if not allow_solve:
            raise EcolcaError(f"{len(miss)} unit score(s) are not in the cache (e.g. "
                              f"{miss[0][0]}:{miss[0][1]}); run `ecolca run` on the scenario first")
        from ecolca.lca.solve import solve

        sub = types.SimpleNamespace(keys=miss, n_background=len(miss))
        s = solve(sub, lookup, methods)
        pos = {k: i for i, k in enumerate(keys)}
        for i, k in enumerate(miss):
            scores[pos[k]] = s.scores[i]
        solved = miss
    U = np.zeros((len(table.keys), len(methods)))
    U[used] = scores
    values = table.values
    a = table.amounts(values)
    contrib = np.where(ex_rows[:, None], a[:, None] * U[table.key], 0.0)
    parts = table.by_exchange(contrib)
    total = sum(parts.values())
    # what each candidate's parts can see: a cached score is 0 where the supply chain cannot
    # reach a characterised flow or is below numerical precision (lca/solve.py)
    from ecolca.lca import coverage as _coverage

    cover = _coverage.of_terms(table, a, U != 0, contrib)
    total = np.where(cover.below_precision, 0.0, total)
    # Δ at the ends of the ratio range: only the avoided supply depends on r (linearly)
    avoided_supply = parts["avoided_supply"]
    for i, c in enumerate(cands):
        c.delta = total[i]
        c.parts = {p: parts[p][i] for p in EXCHANGE_PARTS}
        c.notes = [cover.note(i, j) for j in range(len(methods))]
        c.not_covered = cover.not_covered[i]
        c.missing = {p: cover.part_missing(p)[i] for p in EXCHANGE_PARTS}
        for attr, ratio in (("delta_low_ratio", c.row.ratio_low), ("delta_high_ratio", c.row.ratio_high)):
            setattr(c, attr, total[i] - avoided_supply[i] + avoided_supply[i] * ratio / c.row.proposed)
        leg = table.first_leg[i]
        be = np.full(len(methods), np.nan)
        if leg is not None and table.tonnes[i] > 0:
            t, d = leg
            per_km = table.without(t, d, values) * U[table.key[t]]
            with np.errstate(divide="ignore", invalid="ignore"):
                be = np.where(per_km != 0, -(total[i] - contrib[t]) / per_km, np.nan)
            why = _coverage.break_even_reasons(cover, np.array([i]), (U[table.key[t]] != 0)[None],
                                               per_km[None], (total[i] - contrib[t])[None])
            for (_, j) in why:
                be[j] = np.nan
        c.break_even_km = be
    return solved


def _money(sc: Scenario, c: Candidate) -> None:
    """Money saved per year by the park: avoided disposal fee + avoided purchase. The table
    gives no transport or processing costs, so they are not deducted (said in the note)."""
    parts, have = 0.0, False
    if c.residue.price is not None:
        parts += c.q * c.residue.price
        have = True
    if c.supply.price is not None:
        parts += c.r * c.q * c.supply.price
        have = True
    if not have:
        c.money_per_year, c.money_note = None, "no prices in the scenario for this residue or supply"
        return
    c.money_per_year = parts
    c.money_note = (f"{sc.currency}/yr: avoided disposal fee + avoided purchase"
                    + ("" if c.residue.price is not None else " (no disposal fee given)")
                    + ("" if c.supply.price is not None else " (no purchase price given)")
                    + "; transport and processing costs not known, not deducted")


def suggest(sc: Scenario, top: int | None = 10, method: tuple[str, ...] | None = None,
            distance_km: float | None = None, project: str | None = None,
            allow_solve: bool = True, table: tuple[Row, ...] | None = None) -> Suggestions:
    """Candidate exchanges for ``sc``, ranked by Δ_e of ``method`` (default: the scenario's
    first), at most ``top`` of them (None: all)."""
    import bw2data as bd

    from ecolca.brightway.project import activate

    t0 = time.perf_counter()
    if top is not None and top < 1:
        raise EcolcaError(f"--top must be a whole number ≥ 1, got {top}")
    if distance_km is not None and not (math.isfinite(distance_km) and distance_km >= 0):
        raise EcolcaError(f"--distance-km must be a finite number ≥ 0, got {distance_km:g}")
    activate(project)
    methods = [tuple(m) for m in sc.methods]
    if not methods and method is None:
        raise EcolcaError(f"scenario '{sc.name}', field 'methods': is empty; give --method")
    rank_method = tuple(method) if method else methods[0]
    if rank_method not in methods:
        methods.append(rank_method)
    for m in methods:
        if m not in bd.methods:
            raise EcolcaError(f"method '{' | '.join(m)}' is not installed in project "
                              f"'{bd.projects.current}' (`ecolca methods WORDS` lists them)")
    residues = [f for _, f in sc.iter_flows() if f.kind == "residue"]
    if not residues:
        raise EcolcaError(f"scenario '{sc.name}' has no residue: nothing to suggest (a site's "
                          "flows of kind 'residue' are what the finder matches)")
    if len(sc.sites) < 2:
        raise EcolcaError(f"scenario '{sc.name}' has {len(sc.sites)} site(s); an exchange needs "
                          "two different sites")
    rows = table if table is not None else load_table()
    open_codes = set()
    if OPEN_DB in bd.databases:
        from bw2data.backends import ActivityDataset as AD

        open_codes = {r.code for r in AD.select(AD.code).where(AD.database == OPEN_DB)}
    cands, skipped, considered = candidates(sc, rows, distance_km, open_codes)
    solved: list[tuple[str, str]] = []
    if cands:
        solved = _evaluate(sc, cands, methods, allow_solve=allow_solve)
    j = methods.index(rank_method)
    chosen, alternatives = _allocate(cands, j)
    _name_candidates(sc, chosen + alternatives)
    for i, c in enumerate(chosen, start=1):
        c.rank = i
        _money(sc, c)
    for c in alternatives:
        _money(sc, c)
    shown = chosen if top is None else chosen[:top]
    from ecolca.lca.solve import method_units

    mu = method_units(methods)
    notes = []
    full = sum(1 for x in skipped if x.endswith("fully exchanged)"))
    if not cands and full and full == considered:
        notes.append(f"every residue → supply pair that the compatibility table matches ({full}) "
                     "is already exchanged in full: nothing is left to suggest")
    elif not cands and considered:
        notes.append(f"{considered} residue → supply pair(s) match through the compatibility "
                     "table, none can be proposed (the skipped list says why)")
    elif not cands:
        notes.append("no residue of the park matches a supply of another site through the "
                     "compatibility table")
    if solved:
        notes.append(f"{len(solved)} unit score(s) were not in the cache and were solved once "
                     f"(Brightway): {', '.join(f'{d}:{c}' for d, c in solved[:6])}")
    out = Suggestions(sc.name, methods, [mu[m] for m in methods], rank_method, shown, len(cands),
                      skipped, solved, time.perf_counter() - t0, sc.currency, notes)
    out.alternatives = alternatives
    return out


def _name_candidates(sc: Scenario, cands: list[Candidate]) -> None:
    """Each candidate's id (and its exchange's, what Accept writes into the scenario) made from
    its names, "residue-to-receiving-site" (:func:`~ecolca.core.model.exchange_id_for`), unique
    among the park's exchanges and the other candidates, the best ranked first (issue #20.6: an
    accepted suggestion was "suggest-steam-heat-site-14bd42dd-residue-2-site-a3512270-supply")."""
    taken = {e.id for e in sc.exchanges}
    for c in cands:
        c.id = c.exchange.id = exchange_id_for(c.residue.name, c.to_site.name, taken)
        taken.add(c.id)


def _allocate(cands: list[Candidate], j: int) -> tuple[list[Candidate], list[Candidate]]:
    """Rank candidates so that the list can be accepted as a whole: repeatedly take the
    candidate with the lowest Δ (method ``j``) at the amount still feasible, then deduct its q
    from its residue and r·q from its supply. Δ_e is linear in q (every exchange term has q as a
    factor), so a candidate's Δ at a smaller q is its Δ scaled by the ratio of the amounts; its
    break-even distance does not change. Candidates left with nothing to take are returned as
    alternatives (with their Δ at their own largest q)."""
    if not cands:
        return [], []
    n = len(cands)
    res_keys = {k: i for i, k in enumerate(dict.fromkeys(
        (c.from_site.id, c.residue.id) for c in cands))}
    sup_keys = {k: i for i, k in enumerate(dict.fromkeys(
        (c.to_site.id, c.supply.id) for c in cands))}
    ri = np.array([res_keys[(c.from_site.id, c.residue.id)] for c in cands])
    si = np.array([sup_keys[(c.to_site.id, c.supply.id)] for c in cands])
    res_left = np.zeros(len(res_keys))
    sup_left = np.zeros(len(sup_keys))
    for c, a, b in zip(cands, ri, si):
        res_left[a], sup_left[b] = c.available, c.need
    r = np.array([c.r for c in cands])
    q0 = np.array([c.q for c in cands])
    per_unit = np.array([c.delta[j] / c.q for c in cands])
    open_ = np.ones(n, dtype=bool)
    order: list[tuple[int, float]] = []
    while open_.any():
        q = np.minimum(res_left[ri], sup_left[si] / r)
        q = np.where(open_ & (q > q0 * 1e-12), q, 0.0)
        if not (q > 0).any():
            break
        # lowest Δ first; ties (e.g. Δ = 0 in a method a background does not cover) by id
        total = np.where(q > 0, per_unit * q, np.inf)
        k = int(np.argmin(total))
        order.append((k, float(q[k])))
        open_[k] = False
        res_left[ri[k]] -= q[k]
        sup_left[si[k]] -= r[k] * q[k]
    chosen = []
    for k, q in order:
        c = cands[k]
        f = q / c.q
        if f != 1.0:
            c.delta = c.delta * f
            c.parts = {p: v * f for p, v in c.parts.items()}
            c.delta_low_ratio = c.delta_low_ratio * f
            c.delta_high_ratio = c.delta_high_ratio * f
            c.q = q
            c.exchange.amount = q
        chosen.append(c)
    taken = {k for k, _ in order}
    alternatives = sorted((cands[k] for k in range(n) if k not in taken),
                          key=lambda c: (c.delta[j], c.id))
    return chosen, alternatives


# ---------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------

def _f(x):
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def to_json(s: Suggestions) -> dict:
    """The document `ecolca suggest --json` prints (docs/suggest.md)."""
    def cand(c):
        return _candidate_json(s, c)

    return {
        "scenario": s.scenario,
        "ranked_by": " | ".join(s.rank_method),
        "methods": [{"method": " | ".join(m), "unit": u} for m, u in zip(s.methods, s.units)],
        "currency": s.currency,
        "candidates_found": s.considered,
        "candidates_ranked": len(s.candidates),
        "solved_unit_scores": [f"{d}:{c}" for d, c in s.solved_missing],
        "seconds": s.seconds,
        "notes": s.notes,
        "skipped": s.skipped,
        "circuity": {"factor": CIRCUITY, "source": CIRCUITY_SOURCE},
        "candidates": [cand(c) for c in s.candidates],
        "alternatives": [cand(c) for c in s.alternatives],
    }


def _candidate_json(s: Suggestions, c: Candidate) -> dict:
    j = s.methods.index(s.rank_method)

    def per_method(arr, missing=None):
        """One value per method; null (never 0.0) where the category has no data for it."""
        miss = c.not_covered if missing is None else missing
        return {" | ".join(m): None if len(miss) > k and miss[k] else _f(arr[k])
                for k, m in enumerate(s.methods)}

    return {
            "rank": c.rank or None,
            "id": c.id,
            "from": {"site": c.from_site.id, "site_name": c.from_site.name, "flow": c.residue.id,
                     "flow_name": c.residue.name, "unit": c.residue.unit,
                     "available": c.available},
            "to": {"site": c.to_site.id, "site_name": c.to_site.name, "flow": c.supply.id,
                   "flow_name": c.supply.name, "unit": c.supply.unit, "need": c.need},
            "amount": c.q,
            "substitution_ratio": c.r,
            "substitution_ratio_range": [c.r * c.row.ratio_low / c.row.proposed,
                                         c.r * c.row.ratio_high / c.row.proposed],
            "substitution_ratio_basis": c.row.proposed_words(),
            "distance_km": _f(c.distance_km),
            "distance_basis": c.distance_basis,
            "delta": per_method(c.delta),
            "delta_note": {" | ".join(m): (c.notes[k] if k < len(c.notes) else None)
                           for k, m in enumerate(s.methods)},
            "delta_ranked": None if len(c.not_covered) > j and c.not_covered[j] else _f(c.delta[j]),
            "parts": {p: per_method(v, c.missing.get(p)) for p, v in c.parts.items()},
            "delta_at_ratio_low": per_method(c.delta_low_ratio),
            "delta_at_ratio_high": per_method(c.delta_high_ratio),
            "break_even_distance_km": per_method(c.break_even_km),
            "money_saved_per_year": _f(c.money_per_year),
            "money_note": c.money_note,
            "extends_exchange": c.extends,
            "extends_exchange_label": c.extends_label,
            "why": {"row": c.row.id, "residue_kind": c.row.residue_kind,
                    "supply_kind": c.row.supply_kind,
                    "matched_supply_activity": str(c.supply.activity),
                    "matched_residue_fate": str(c.residue.fate) if c.residue.fate else None,
                    "receiver_condition": (c.row.receiver_pattern.pattern
                                           if c.row.receiver_pattern is not None else None),
                    "source": c.row.source, "locator": c.row.source_locator,
                    "year": c.row.source_year},
            "assumes": c.assumptions,
            "warnings": c.warnings,
            "exchange": _exchange_dict(c.exchange),
    }


def _exchange_dict(e: Exchange) -> dict:
    """The candidate as it would be written into the scenario file's "exchanges"."""
    from ecolca.core.scenario_file import dumps

    sc = Scenario(name="x", exchanges=[e])
    import json

    return json.loads(dumps(sc))["exchanges"][0]


SKIPPED_SHOWN = 10  # in the text output; --json lists every one


def format_text(s: Suggestions, fmt=lambda x: f"{x:.4g}") -> list[str]:
    j = s.methods.index(s.rank_method)
    unit = s.units[j]
    lines = [f"Suggested exchanges for '{s.scenario}', ranked by Δ of "
             f"{' | '.join(s.rank_method)} [{unit}/yr] (negative = the park's impact falls)",
             f"{s.considered} candidate(s) found, {len(s.candidates)} shown; "
             f"{len(s.alternatives)} alternative(s) left out because an earlier candidate takes "
             f"the same residue or supply (--json lists them); {s.seconds:.2f} s",
             "The list can be accepted as a whole: each candidate takes what the ones above it "
             "leave of its residue and supply."]
    for n in s.notes:
        lines.append(f"note: {n}")
    if s.skipped:
        lines.append(f"{len(s.skipped)} pair(s) not proposed, with the reason:")
        for k in s.skipped[:SKIPPED_SHOWN]:
            lines.append(f"   not proposed: {k}")
        if len(s.skipped) > SKIPPED_SHOWN:
            lines.append(f"   … and {len(s.skipped) - SKIPPED_SHOWN} more (--json lists them all)")
    for c in s.candidates:
        d = c.delta[j]
        be = c.break_even_km[j] if len(c.break_even_km) else float("nan")
        lines.append("")
        lines.append(f"{c.rank}. {c.from_site.name}: {c.residue.name} → {c.to_site.name}: "
                     f"{c.supply.name}"
                     # the line names the pair, which is the extended exchange's (never its id)
                     + ("  (extends the existing exchange of this residue and supply)"
                        if c.extends else ""))
        lines.append(f"   Δ {fmt(d)} {unit}/yr  (ratio range {c.row.ratio_low:g}–{c.row.ratio_high:g}: "
                     f"{fmt(c.delta_low_ratio[j])} … {fmt(c.delta_high_ratio[j])})")
        lines.append(f"   q {fmt(c.q)} {c.residue.unit}/yr of {fmt(c.available)} left; "
                     f"r {c.r:.6g} {c.supply.unit}/{c.residue.unit} ({c.row.proposed_words()}); "
                     f"replaces {fmt(c.r * c.q)} "
                     f"{c.supply.unit} of {fmt(c.need)} left")
        dist = (f"{c.distance_km:.1f} km ({c.distance_basis})" if c.distance_km is not None
                else c.distance_basis)
        bes = ("n/a" if not math.isfinite(be) else
               ("never pays off" if be < 0 else f"{be:,.0f} km"))
        lines.append(f"   distance {dist}; break-even distance {bes}")
        if c.money_per_year is not None:
            lines.append(f"   money saved {fmt(c.money_per_year)} {c.money_note}")
        lines.append(f"   why: row '{c.row.id}' ({c.row.residue_kind} → {c.row.supply_kind}); "
                     f"supply activity {c.supply.activity}; source: {c.row.source} "
                     f"[{c.row.source_locator}; {c.row.source_year}]")
        for a in c.assumptions:
            lines.append(f"   assumes: {a}")
        for w in c.warnings:
            lines.append(f"   warning: {w}")
    return lines

