"""Checks of a scenario against the Brightway project: the background activities, biosphere
flows and methods it names, the units they convert to, and the foreground databases ecolca
writes (which are never a background)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ecolca.core import units
from ecolca.core.errors import Problem, UnitError
from ecolca.lca.terms import TermTable, compile_terms
from ecolca.core.model import ActivityRef, Scenario
from ecolca.core.validation import errors as _errors
from ecolca.core.validation import validate

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

    When the scenario is sound and ``model_out`` is a list, the scenario's term table (:class:`TermTable`)
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
        item = sc.exchange_item(e)
        for k, t in enumerate(e.transport):
            check_ref(t.mode, item, f"transport[{k + 1}].mode", ("exchanges", ei, "transport", k),
                      "ton kilometer", None)
        for k, p in enumerate(e.processing):
            check_ref(p.activity, item, f"processing[{k + 1}].activity",
                      ("exchanges", ei, "processing", k), p.unit, p.conversion_factor)
    if not out and (validated or not _errors(validate(sc))):
        table = terms_of(sc, lookup)
        out += table.problems()
        if model_out is not None:
            model_out.append(table)
    return out


def check(sc: Scenario, with_project: bool = True) -> list[Problem]:
    """All problems: model checks, then (when the model is sound) project checks."""
    problems = validate(sc)
    if with_project and not _errors(problems):
        problems += check_against_project(sc)
    return problems


def terms_of(sc: Scenario, lookup: _Lookup) -> TermTable:
    """The scenario's term table, with the units of the nodes in ``lookup``."""
    return compile_terms(sc, lambda k: lookup.nodes[k].get("unit", ""), _to_unit_factor)
