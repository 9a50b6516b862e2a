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

import contextlib
import datetime as _dt
import functools
import hashlib
import json
import math
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from ecolca import bwcompat  # noqa: F401
from ecolca import __version__, units
from ecolca.errors import EcolcaError, Problem, ScenarioError, UnitError
from ecolca.model import ATTRIBUTION_KEYS, ActivityRef, Exchange, Scenario
from ecolca.results import (
    ExchangeParts,
    ExchangeTable,
    SiteTable,
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


FOREGROUND_PREFIX = "ecolca: "


def foreground_name(sc: Scenario) -> str:
    """The Brightway database of a scenario's foreground: ``ecolca: <name> [<id>]``. The name
    part is cut at 80 characters, so that bw2data's file names stay within the file system's
    limit of 255 bytes."""
    name = " ".join(sc.name.split())
    if len(name) > 80:
        name = name[:79] + "…"
    return f"{FOREGROUND_PREFIX}{name} [{sc.id}]"


def is_foreground(database: str) -> bool:
    """True for a database ecolca wrote as a scenario's foreground (never a background)."""
    import bw2data as bd

    if database.startswith(FOREGROUND_PREFIX):
        return True
    md = bd.databases.get(database, {}) if database in bd.databases else {}
    return bool(md.get("ecolca_foreground"))


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


@functools.lru_cache(maxsize=4096)
def _to_unit_factor(amount_unit: str, node_unit: str, conversion: float | None) -> float:
    """Multiplier from a foreground amount to the background node's unit."""
    if not units.is_known(node_unit):
        if conversion is not None:
            return float(conversion)
        raise UnitError(f"the background unit '{node_unit}' is unknown to ecolca; give a "
                        f"conversion factor ({node_unit} per {amount_unit})")
    return units.factor(amount_unit, node_unit, conversion)


def check_against_project(sc: Scenario, lookup: _Lookup | None = None,
                          model_out: list | None = None, validated: bool = False) -> list[Problem]:
    """Problems only a Brightway project can reveal: missing activities, biosphere flows and
    methods, foreground databases used as background, units that do not convert to the
    background activity's unit, and amounts too large for Brightway once converted.

    When the scenario is sound and ``model_out`` is a list, the scenario's terms (:class:`_Model`)
    are appended to it, so that the calculation need not derive them again."""
    import bw2data as bd

    lookup = lookup or _Lookup.for_scenario(sc)
    out: list[Problem] = []
    fg_dbs: dict[str, bool] = {}
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
        if ref.database not in fg_dbs:
            fg_dbs[ref.database] = is_foreground(ref.database)
        if fg_dbs[ref.database]:
            out.append(Problem(item, fld, f"database '{ref.database}' is the foreground of a "
                               "scenario that ecolca wrote, not a background database; point at "
                               "the background activity itself", path))
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
        item = f"exchange '{e.id}'"
        for k, t in enumerate(e.transport):
            check_ref(t.mode, item, f"transport[{k + 1}].mode", ("exchanges", ei, "transport", k),
                      "ton kilometer", None)
        for k, p in enumerate(e.processing):
            check_ref(p.activity, item, f"processing[{k + 1}].activity",
                      ("exchanges", ei, "processing", k), p.unit, p.conversion_factor)
    if not out and (validated or not _errors(validate(sc))):
        model = _model(sc, lookup)
        out += _term_problems(t for ts in model.site_terms.values() for t in ts)
        out += _term_problems(t for et in model.exchange_terms.values() for t in
                              et.avoided_fate + et.avoided_supply + et.transport + et.processing)
        if model_out is not None:
            model_out.append(model)
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
    """amount (in the background node's unit) of node ``key`` (technosphere or biosphere).

    ``where`` names the item and field the amount comes from, for messages."""

    key: tuple[str, str]
    amount: float
    biosphere: bool = False
    where: tuple[str, str] = ("", "")


@dataclass
class _Model:
    """A scenario's terms in background units: per site (its linear operation) and per exchange."""

    site_terms: dict[str, list[_Term]]
    exchange_terms: dict[str, "_ExchangeTerms"]


def _model(sc: Scenario, lookup: _Lookup) -> _Model:
    return _Model(_flow_terms(sc, lookup), {e.id: _exchange_terms(sc, lookup, e) for e in sc.exchanges})


@dataclass
class _ExchangeTerms:
    exchange: Exchange
    avoided_fate: list[_Term]
    avoided_supply: list[_Term]
    transport: list[_Term]
    processing: list[_Term]
    tonnes: float


def _transport_terms(amount: float, unit: str, legs, lookup: _Lookup,
                     item: str = "") -> list[_Term]:
    """t·km terms for ``amount`` (in ``unit``, a mass) moved over ``legs``."""
    if not legs:
        return []
    tonnes = units.convert(amount, unit, "ton")
    return [_Term(t.mode.key, tonnes * t.distance * _to_unit_factor(
        "ton kilometer", lookup.nodes[t.mode.key]["unit"], None),
        where=(item, f"transport[{k + 1}].distance_km")) for k, t in enumerate(legs)]


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
            item = f"site '{site.name}', flow '{f.name}'"
            terms.append(_Term(ref.key, f.amount * _to_unit_factor(f.unit, node["unit"], f.conversion_factor),
                               biosphere=f.kind == "emission", where=(item, "amount")))
            terms += _transport_terms(f.amount, f.unit, f.transport, lookup, item)
        out[site.id] = terms
    return out


def _exchange_terms(sc: Scenario, lookup: _Lookup, e: Exchange) -> _ExchangeTerms:
    residue = sc.site(e.from_site).flow(e.from_flow)
    supply = sc.site(e.to_site).flow(e.to_flow)
    item = f"exchange '{e.id}'"
    fate = []
    if residue.fate is not None:
        node = lookup.nodes[residue.fate.key]
        fate.append(_Term(residue.fate.key, -e.amount * _to_unit_factor(
            residue.unit, node["unit"], residue.conversion_factor), where=(item, "amount")))
        fate += _transport_terms(-e.amount, residue.unit, residue.transport, lookup, item)
    node = lookup.nodes[supply.activity.key]
    replaced = e.substitution_ratio * e.amount
    sup = [_Term(supply.activity.key, -replaced * _to_unit_factor(
        supply.unit, node["unit"], supply.conversion_factor), where=(item, "substitution_ratio"))]
    sup += _transport_terms(-replaced, supply.unit, supply.transport, lookup, item)
    tonnes = 0.0
    trans = []
    if e.transport:
        tonnes = units.convert(e.amount, residue.unit, "ton")
        trans = _transport_terms(e.amount, residue.unit, e.transport, lookup, item)
    proc = []
    for k, p in enumerate(e.processing):
        node = lookup.nodes[p.activity.key]
        proc.append(_Term(p.activity.key, e.amount * p.amount_per_unit * _to_unit_factor(
            p.unit, node["unit"], p.conversion_factor),
            where=(item, f"processing[{k + 1}].amount_per_unit")))
    return _ExchangeTerms(e, fate, sup, trans, proc, tonnes)


def _term_problems(terms) -> list[Problem]:
    """Amounts that Brightway cannot store once converted to the background node's unit
    (float32: beyond ±3.4e38 they become infinite, and every result with them)."""
    from ecolca.validation import FLOAT32_MAX

    out = []
    for t in terms:
        if not (math.isfinite(t.amount) and abs(t.amount) <= FLOAT32_MAX):
            out.append(Problem(t.where[0] or "scenario", t.where[1],
                               f"is {abs(t.amount):g} in the unit of background node "
                               f"{t.key[0]}:{t.key[1]} after conversion, beyond the largest "
                               f"amount Brightway stores ({FLOAT32_MAX:.3g})"))
    return out


# ---------------------------------------------------------------------------------------------
# foreground database
# ---------------------------------------------------------------------------------------------

@dataclass
class Foreground:
    database: str
    ids: dict[str, int]  # foreground code -> node id
    seconds: float


@contextlib.contextmanager
def _flock(name: str):
    """An exclusive advisory lock on ``<project folder>/ecolca-locks/<name>.lock``, held until the
    block ends (or the process does, even by a crash). Works across processes and threads."""
    import fcntl

    import bw2data as bd

    folder = Path(bd.projects.dir) / "ecolca-locks"
    folder.mkdir(exist_ok=True)
    with open(folder / f"{name}.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def foreground_lock(sc: Scenario):
    """Hold the scenario's foreground database for this process from writing it to reading its
    results. Two runs of variants of one file (same id and name) share a foreground: without the
    lock one could rewrite it while the other computes, and report the other file's numbers."""
    return _flock(_foreground_lock_name(foreground_name(sc)))


def _foreground_lock_name(database: str) -> str:
    return "fg-" + hashlib.sha256(database.encode()).hexdigest()[:32]


def build_foreground(sc: Scenario, lookup: _Lookup | None = None,
                     model: _Model | None = None) -> Foreground:
    """Write the scenario as a Brightway database (replacing an earlier one of the same name).

    Call it inside :func:`foreground_lock` when results are read from the database afterwards.
    A database that this call registers and fails to write is removed again: an error or Ctrl-C
    leaves no half-registered database in the project."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    t0 = time.perf_counter()
    lookup = lookup or _Lookup.for_scenario(sc)
    name = foreground_name(sc)
    digest = _foreground_digest(sc, lookup)
    # bw2data keeps the project's database list (databases.json) in memory and writes all of it
    # back on every change: another process's writes are invisible to this one, and its own
    # write would undo theirs. So: one process at a time, and read the list afresh first.
    with _flock("project-metadata"):
        bd.databases.load()
        _drop_renamed_foregrounds(sc, name)
        if name not in bd.databases or bd.databases[name].get("ecolca_digest") != digest:
            _write_foreground(sc, name, _foreground_data(sc, name, model or _model(sc, lookup)),
                              digest)
    ids = {code: id_ for code, id_ in AD.select(AD.code, AD.id).where(AD.database == name).tuples()}
    return Foreground(name, ids, time.perf_counter() - t0)


def _drop_renamed_foregrounds(sc: Scenario, name: str) -> None:
    """Delete the foregrounds this scenario left under its earlier names: one foreground
    database per scenario id (``… [<id>]``), so a renamed scenario does not show twice in
    Activity Browser. A foreground another run is reading (its lock is held) is left alone.
    Call with the project-metadata lock held and ``bd.databases`` freshly loaded."""
    import fcntl

    import bw2data as bd

    tail = f" [{sc.id}]"
    stale = [db for db in list(bd.databases) if db != name and db.endswith(tail)
             and bd.databases[db].get("ecolca_foreground")]
    folder = Path(bd.projects.dir) / "ecolca-locks"
    for db in stale:
        lock = folder / f"{_foreground_lock_name(db)}.lock"
        with open(lock, "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # a run of the old name is computing from it: keep it for now
                continue
            try:
                with contextlib.suppress(Exception):
                    del bd.databases[db]
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


# the layout of the foreground database; a change of it must rewrite every foreground
FOREGROUND_FORMAT = 2


def _foreground_digest(sc: Scenario, lookup: _Lookup) -> str:
    """What the foreground database is made from: the scenario's sites (id, name, location,
    flows) and exchanges, its name and id, the background node ids and units it links to, and
    the foreground layout; not the methods, calculation settings or site positions. An unchanged
    scenario keeps its foreground, since rewriting it is most of a repeated run's time; a
    reinstalled background database (new node ids) rewrites it. The dataclasses' reprs are
    exact (floats round-trip) and are hashed one site at a time, so that a large park is never
    serialised whole in memory."""
    h = hashlib.sha256()
    nodes = sorted((k, lookup.ids[k], str(lookup.nodes[k].get("unit"))) for k in lookup.ids)
    h.update(repr((FOREGROUND_FORMAT, __version__, sc.name, sc.id, nodes)).encode())
    for site in sc.sites:
        h.update(repr((site.id, site.name, site.location, site.flows)).encode())
    for e in sc.exchanges:
        h.update(repr(e).encode())
    return h.hexdigest()


def _foreground_data(sc: Scenario, name: str, model: _Model) -> dict:
    """The foreground database as bw2data's ``Database.write`` takes it."""
    site_terms = model.site_terms
    data: dict = {}

    def tech(key: tuple[str, str], amount: float) -> dict:
        return {"input": key, "amount": amount, "type": "technosphere"}

    def bio(key: tuple[str, str], amount: float) -> dict:
        return {"input": key, "amount": amount, "type": "biosphere"}

    def activity(code: str, label: str, unit: str, exchanges: list[dict], comment: str,
                 location: str = "GLO") -> None:
        data[(name, code)] = {
            "name": label, "reference product": label, "unit": unit, "location": location,
            "type": "process", "comment": comment,
            "exchanges": [{"input": (name, code), "amount": 1.0, "type": "production"}] + exchanges,
        }

    for site in sc.sites:
        exs = [bio(t.key, t.amount) if t.biosphere else tech(t.key, t.amount)
               for t in site_terms[site.id]]
        activity(f"site:{site.id}", f"{site.name}, stand-alone operation (linear)", "year", exs,
                 f"Annual flows of site '{site.name}' as it operates on its own.",
                 site.location or "GLO")
    for e in sc.exchanges:
        et = model.exchange_terms[e.id]
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
    return data


def _write_foreground(sc: Scenario, name: str, data: dict, digest: str) -> None:
    import bw2data as bd

    db = bd.Database(name)
    if name not in bd.databases or bd.databases[name].get("ecolca_digest") != digest:
        registered = name not in bd.databases
        try:
            if registered:
                db.register(description=f"ecolca foreground of scenario '{sc.name}'",
                            ecolca_foreground=True)
            db.write(data, searchable=False)
            md = bd.databases[name]
            md.update(ecolca_digest=digest, ecolca=__version__, ecolca_foreground=True)
            bd.databases[name] = md
            bd.databases.flush()
        except BaseException:
            if registered and name in bd.databases:
                with contextlib.suppress(Exception):
                    del bd.databases[name]
            elif name in bd.databases:  # an old foreground half rewritten: never reuse it
                with contextlib.suppress(Exception):
                    md = bd.databases[name]
                    md.pop("ecolca_digest", None)
                    bd.databases[name] = md
                    bd.databases.flush()
            raise


# ---------------------------------------------------------------------------------------------
# the calculation
# ---------------------------------------------------------------------------------------------

def _method_units(methods: list[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    import bw2data as bd

    return {m: bd.methods.get(m, {}).get("unit", "") for m in methods}


def _stats(a: np.ndarray) -> dict[str, float]:
    return {"mean": float(np.mean(a)), "median": float(np.median(a)),
            "p2.5": float(np.percentile(a, 2.5)), "p97.5": float(np.percentile(a, 97.5))}


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


# uncovered processes named per category; the rest are counted
COVERAGE_NAMES = 8


def _coverage(mlca, methods, fg_ids: set[int], bg_keys, lookup: _Lookup) -> dict:
    """{method: Coverage} (docs/methodology-notes.md, "Coverage").

    The supply chain is every background process with a non-zero amount in L or S; of those
    that exchange at least one elementary flow, a process is *covered* for a method when one of
    its own elementary flows has a characterization factor in it. Processes with no elementary
    flow at all (pure markets) do not count. The sites' direct emissions count apart."""
    from bw2data.backends import ActivityDataset as AD
    from scipy import sparse

    from ecolca.results import Coverage

    col_of = mlca.dicts.activity
    fg_cols = np.array(sorted(col_of[i] for i in fg_ids if i in col_of), dtype=int)
    s = np.abs(mlca.supply_arrays["linear"]) + np.abs(mlca.supply_arrays["symbiotic"])
    B = sparse.csc_matrix(mlca.biosphere_matrix)
    has_flow = np.diff(B.indptr) > 0
    chain = (s != 0) & has_flow
    is_fg = np.zeros(len(s), dtype=bool)
    is_fg[fg_cols] = True
    bg_cols = np.nonzero(chain & ~is_fg)[0]
    fg_with_flows = np.nonzero(chain & is_fg)[0]
    rev = {c: nid for nid, c in col_of.items()}
    nodes = {row.id: (row.name, row.database) for row in AD.select(AD.id, AD.name, AD.database)
             .where(AD.id.in_([rev[c] for c in bg_cols.tolist()]))} if len(bg_cols) else {}
    own = {lookup.ids[k] for k in bg_keys}
    databases = sorted({db for _, db in nodes.values()})
    Bb = (B != 0).astype(np.int32)
    out = {}
    for m in methods:
        cf = np.asarray(mlca.characterization_matrices[m].diagonal() != 0, dtype=np.int32)
        hits = Bb.T @ cf                       # per activity: characterised flows it exchanges
        covered_cols = hits[bg_cols] > 0
        direct = bool(len(fg_with_flows) and (hits[fg_with_flows] > 0).any())
        n, k = len(bg_cols), int(covered_cols.sum())
        missing_ids = [rev[c] for c in bg_cols[~covered_cols].tolist()]
        missing_ids.sort(key=lambda i: (i not in own, nodes.get(i, ("", ""))[0]))
        names = [nodes.get(i, (str(i), ""))[0] for i in missing_ids]
        status = "covered" if k == n else "not covered" if k == 0 and not direct else "partial"
        if k == n and n == 0 and not direct:
            status = "not covered"
        out[m] = Coverage(status, n, k, databases, names[:COVERAGE_NAMES],
                          max(0, len(names) - COVERAGE_NAMES), direct)
    return out


def _characterization_factors(mlca, methods, bio_keys, lookup: _Lookup) -> dict:
    """{method: {biosphere key: factor}} of the direct emissions, from the characterization
    matrices of the same calculation (so they match Brightway's storage exactly)."""
    out: dict = {m: {} for m in methods}
    for k in bio_keys:
        row = mlca.dicts.biosphere.get(lookup.ids[k])
        if row is None:
            continue
        for m in methods:
            out[m][k] = float(mlca.characterization_matrices[m][row, row])
    return out


# relative residual of the run-time identities above which a result is refused
CONSISTENCY_TOLERANCE = 1e-5


def _consistency(impacts, site_lin, total, T_site, U, part_matrices) -> dict:
    """Check, at run time, that Σ sites = L and Σ parts = S − L for every method, to float32
    precision; return the largest relative residuals for the metadata.

    L and S come from Brightway's solve of the foreground database; site and exchange figures from
    the terms × unit scores. A residual beyond :data:`CONSISTENCY_TOLERANCE` (relative to the sum
    of the absolute contributions) means the two disagree, e.g. the foreground was rewritten
    underneath the calculation: the run is refused rather than report numbers that do not add
    up."""
    absU = np.abs(U)
    scale_l = np.asarray(abs(T_site) @ absU).sum(axis=0) if T_site.shape[0] else np.zeros(U.shape[1])
    parts_abs = sum(np.asarray(abs(m) @ absU).sum(axis=0) for m in part_matrices) \
        if part_matrices[0].shape[0] else np.zeros(U.shape[1])
    worst_l = worst_d = 0.0
    for j, r in enumerate(impacts):
        sl = max(scale_l[j], abs(r.linear), 1e-300)
        sd = max(scale_l[j] + parts_abs[j], abs(r.symbiotic), 1e-300)
        res_l = abs(site_lin[:, j].sum() - r.linear) / sl
        res_d = abs(total[:, j].sum() - r.delta) / sd
        worst_l, worst_d = max(worst_l, res_l), max(worst_d, res_d)
        if res_l > CONSISTENCY_TOLERANCE or res_d > CONSISTENCY_TOLERANCE:
            raise EcolcaError(
                f"method {' | '.join(r.method)}: the calculation does not add up (Σ sites − L "
                f"= {site_lin[:, j].sum() - r.linear:.6g}, Σ parts − Δ = "
                f"{total[:, j].sum() - r.delta:.6g}); was the scenario's foreground database "
                "changed during the run? Run again.")
    return {"sum_of_sites_minus_linear": float(worst_l), "sum_of_parts_minus_delta": float(worst_d),
            "relative_to": "the sum of absolute contributions", "tolerance":
            CONSISTENCY_TOLERANCE, "note": "checked at run time for every method; the identities "
            "hold to float32 precision, the precision at which Brightway stores amounts"}


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
        gains[e.id] = (ga, gb)  # a missing price counts as 0 (listed per site)
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
    models: list[_Model] = []
    if not _errors(problems):
        lookup = _Lookup.for_scenario(sc)
        problems += check_against_project(sc, lookup, models, validated=True)
    if _errors(problems):
        raise ScenarioError(_errors(problems), sc.name)
    model = models[0]
    bg_keys = sorted(sc.background_refs())
    bio_keys = sorted({t.key for ts in model.site_terms.values() for t in ts if t.biosphere})
    config = {"impact_categories": methods}

    say("Building the foreground database", 0.1)
    with foreground_lock(sc):
        fg = build_foreground(sc, lookup, model)
        timings["foreground"] = fg.seconds
        if stop():
            raise Cancelled()
        # the two configurations from the foreground (the record Activity Browser opens), and one
        # unit of every background activity used: every other figure is terms × unit scores
        demands: dict[str, dict[int, float]] = {
            "linear": {fg.ids["park:linear"]: 1.0},
            "symbiotic": {fg.ids["park:symbiotic"]: 1.0},
        }
        for k in bg_keys:
            demands[f"bg:{k[0]}|{k[1]}"] = {lookup.ids[k]: 1.0}
        say(f"Calculating {len(demands)} demands × {len(methods)} methods (one factorisation)", 0.25)
        t0 = time.perf_counter()
        data_objs = bd.get_multilca_data_objs(functional_units=demands, method_config=config)
        mlca = bwcompat.scores_multilca(keep_inventories=("linear", "symbiotic"))(
            demands=demands, method_config=config, data_objs=data_objs)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mlca.lci()
            mlca.lcia()
        scores = mlca.scores
        cfs = _characterization_factors(mlca, methods, bio_keys, lookup)
        inventory = _inventory(mlca)
        coverage = _coverage(mlca, methods, set(fg.ids.values()), bg_keys, lookup)
        timings["lca"] = time.perf_counter() - t0
    notes = [f"{w.message}: no elementary flow of this inventory has a characterization factor "
             "in this method, so its result is 0" for w in caught
             if "characterization matrix" in str(w.message)]
    if stop():
        raise Cancelled()
    say("Collecting results", 0.7)

    munits = _method_units(methods)
    partial = [s.name for s in sc.sites if s.inventory == "partial"]
    pct_note = None
    if partial:
        pct_note = (f"n/m: {len(partial)} of {len(sc.sites)} sites declare only the replaceable "
                    f"part of their inventory ({', '.join(partial[:4])}"
                    f"{', …' if len(partial) > 4 else ''}), so L is not the park's whole impact "
                    "and Δ/L would overstate the change")
    impacts = [MethodResult(m, munits[m], float(scores[(m, "linear")]), float(scores[(m, "symbiotic")]),
                            coverage[m], pct_note)
               for m in methods]
    for r in impacts:
        if not (math.isfinite(r.linear) and math.isfinite(r.symbiotic)):
            raise EcolcaError(f"method {' | '.join(r.method)}: the result is not a finite number "
                              f"(linear {r.linear}, symbiotic {r.symbiotic}); an amount or a "
                              "factor is too large")

    # unit scores (background activities) and characterization factors (direct emissions)
    keys = bg_keys + bio_keys
    kidx = {k: i for i, k in enumerate(keys)}
    U = np.zeros((len(keys), len(methods)))
    for j, m in enumerate(methods):
        for i, k in enumerate(bg_keys):
            U[i, j] = scores[(m, f"bg:{k[0]}|{k[1]}")]
        for i, k in enumerate(bio_keys, start=len(bg_keys)):
            U[i, j] = cfs[m].get(k, 0.0)

    def matrix(rows: list[list[_Term]]):
        from scipy import sparse

        r, c, v = [], [], []
        for i, ts in enumerate(rows):
            for t in ts:
                r.append(i)
                c.append(kidx[t.key])
                v.append(t.amount)
        return sparse.csr_matrix((v, (r, c)), shape=(len(rows), len(keys)))

    site_ids = [s.id for s in sc.sites]
    sidx = {sid: i for i, sid in enumerate(site_ids)}
    T_site = matrix([model.site_terms[sid] for sid in site_ids])
    site_lin = np.asarray(T_site @ U).reshape(len(site_ids), len(methods))
    ets = [model.exchange_terms[e.id] for e in sc.exchanges]
    part_matrices = [matrix([getattr(et, a) for et in ets])
                     for a in ("avoided_fate", "avoided_supply", "transport", "processing")]
    fate, sup, tr, pr = (np.asarray(m_ @ U).reshape(len(ets), len(methods)) for m_ in part_matrices)
    total = fate + sup + tr + pr

    # break-even distance of the first leg, other legs as declared (methodology §3)
    be = np.full(total.shape, np.nan)
    be_reason: list[str | None] = []
    for i, (e, et) in enumerate(zip(sc.exchanges, ets)):
        if not e.transport:
            be_reason.append("no transport")
            continue
        if et.tonnes <= 0:
            be_reason.append("nothing is moved")
            continue
        first = et.transport[0]
        uf = _to_unit_factor("ton kilometer", lookup.nodes[first.key]["unit"], None)
        per_km = et.tonnes * uf * U[kidx[first.key]]
        others = tr[i] - first.amount * U[kidx[first.key]]
        with np.errstate(divide="ignore", invalid="ignore"):
            be[i] = np.where(per_km != 0, -(fate[i] + sup[i] + pr[i] + others) / per_km, np.nan)
        be_reason.append(None)

    reasons = [[be_reason[i] if be_reason[i] is not None else
                (None if math.isfinite(be[i, j]) else "transport has no impact in this method")
                for j in range(len(methods))] for i in range(len(ets))]
    be = np.where(np.isfinite(be), be, np.nan)
    parts = ExchangeTable(
        [e.id for e in sc.exchanges], [sc.exchange_label(e) for e in sc.exchanges], methods,
        [munits[m] for m in methods],
        {"avoided_fate": fate, "avoided_supply": sup, "transport": tr, "processing": pr},
        [float(sum(t.distance for t in e.transport)) for e in sc.exchanges], be, reasons)

    # consistency, at run time: Σ sites = L and Σ parts = S − L, to float32 precision (Brightway
    # stores amounts as float32; the terms are float64)
    consistency = _consistency(impacts, site_lin, total, T_site, U, part_matrices)

    econ, gains = _economics(sc)
    from_idx = np.array([sidx[e.from_site] for e in sc.exchanges], dtype=int)
    to_idx = np.array([sidx[e.to_site] for e in sc.exchanges], dtype=int)
    t_sup = np.array([e.economics.transport_paid_by == "supplier" for e in sc.exchanges], dtype=bool)
    p_sup = np.array([e.economics.processing_paid_by == "supplier" for e in sc.exchanges], dtype=bool)
    w_sup = np.array([_economic_weight(*gains[e.id]) for e in sc.exchanges], dtype=float)
    symbiotic: dict[str, np.ndarray] = {}
    for key in ATTRIBUTION_KEYS:
        if key == "physical":
            a = fate + np.where(t_sup[:, None], tr, 0.0) + np.where(p_sup[:, None], pr, 0.0)
        elif key == "50/50":
            a = total / 2
        elif key == "receiver":
            a = np.zeros_like(total)
        elif key == "supplier":
            a = total
        else:  # economic
            a = total * w_sup[:, None]
        share = np.zeros_like(site_lin)
        if len(sc.exchanges):
            np.add.at(share, from_idx, a)
            np.add.at(share, to_idx, total - a)
        symbiotic[key] = site_lin + share
    site_rows = SiteTable(site_ids, [s.name for s in sc.sites], methods,
                          [munits[m] for m in methods], site_lin, symbiotic)

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
        calibration=sc.calibration,
        assumed_exchanges=[e.id for e in sc.exchanges if e.amount_basis == "assumed"],
    )
    results.metadata["consistency"] = consistency
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
    drawn: dict[tuple[str, str], np.ndarray] = {}  # (site, flow) -> sampled amounts
    for site in sc.sites:
        for f in site.flows:
            ref = f.activity if f.kind in ("supply", "emission") else f.fate if f.kind == "residue" else None
            if ref is None or f.amount == 0:
                continue
            conv = _to_unit_factor(f.unit, lookup.nodes[ref.key]["unit"], f.conversion_factor)
            raw = _sample(rng, f.amount, f.uncertainty, n)
            drawn[(site.id, f.id)] = raw
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
    # draw every exchange's q, r, distances and processing amounts (in this order, exchange by
    # exchange), then keep each iteration physical: the sampled q of a residue's exchanges never
    # add up to more than the sampled residue, nor their r·q to more than the sampled supply
    # (where they would, the q are scaled down together, which lowers r·q too)
    draws = []
    for e in sc.exchanges:
        q = _sample(rng, e.amount, e.amount_uncertainty, n)
        r = _sample(rng, e.substitution_ratio, e.ratio_uncertainty, n)
        d = [_sample(rng, t.distance, t.uncertainty, n) for t in e.transport]
        a = [_sample(rng, p.amount_per_unit, p.uncertainty, n) for p in e.processing]
        draws.append([q, r, d, a])
    for side in ("residue", "supply"):
        groups: dict[tuple[str, str], list[int]] = {}
        for i, e in enumerate(sc.exchanges):
            groups.setdefault((e.from_site, e.from_flow) if side == "residue"
                              else (e.to_site, e.to_flow), []).append(i)
        for (sid, fid), idx in groups.items():
            f = sc.site(sid).flow(fid)
            avail = drawn.get((sid, fid), np.full(n, float(f.amount)))
            used = sum(draws[i][0] * (1.0 if side == "residue" else draws[i][1]) for i in idx)
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(used > avail, avail / np.where(used > 0, used, 1.0), 1.0)
            for i in idx:
                draws[i][0] = draws[i][0] * scale
    for e, (q, r, ds, As) in zip(sc.exchanges, draws):
        residue = sc.site(e.from_site).flow(e.from_flow)
        supply = sc.site(e.to_site).flow(e.to_flow)
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
        for t, d in zip(e.transport, ds):
            tk = q * units.factor(residue.unit, "ton") * d * _to_unit_factor(
                "ton kilometer", lookup.nodes[t.mode.key]["unit"], None)
            for m in methods:
                sym[m] += tk * unit_scores[m][t.mode.key]
        for p, a in zip(e.processing, As):
            conv = _to_unit_factor(p.unit, lookup.nodes[p.activity.key]["unit"], p.conversion_factor)
            for m in methods:
                sym[m] += q * a * conv * unit_scores[m][p.activity.key]
    out = []
    for m in methods:
        d = sym[m] - lin[m]
        out.append(UncertaintyResult(m, munits[m], n, seed, _stats(lin[m]), _stats(sym[m]),
                                     _stats(d), float(np.mean(d < 0)),
                                     delta_samples=d.tolist()))
    timings["monte_carlo"] = time.perf_counter() - t0
    return out
