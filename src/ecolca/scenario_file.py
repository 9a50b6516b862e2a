"""The scenario file format (``*.ecolca.json``): load, save (atomic), migrate.

Layout (``schema_version`` 1) is documented in ``docs/file-format.md``. Reading never raises
anything but :class:`ScenarioError` on a user's file: every structural problem (not JSON, wrong
types, missing fields, duplicate ids, non-finite numbers) is collected with the item and field it
concerns. Semantic checks (signs, balances, units) live in :mod:`ecolca.validation`, so that a
work-in-progress file with, say, a negative amount still opens in the app, where the problems
panel names it; ``ecolca run`` refuses it.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from ecolca.errors import Problem, ScenarioError
from ecolca.model import (
    ActivityRef,
    Exchange,
    ExchangeEconomics,
    Flow,
    Processing,
    Scenario,
    Site,
    Transport,
    Uncertainty,
)

SCHEMA_VERSION = 1
SUFFIX = ".ecolca.json"

# version -> function migrating a document of that version to version + 1
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


class _Reader:
    """Reads fields out of untrusted dicts, recording a Problem for each bad one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, item: str, fld: str, msg: str, path: tuple) -> None:
        self.problems.append(Problem(item=item, field=fld, message=msg, path=path))

    def obj(self, value: Any, item: str, path: tuple) -> dict:
        if not isinstance(value, dict):
            self.problem(item, "", f"must be an object, got {type(value).__name__}", path)
            return {}
        return value

    def list(self, d: dict, key: str, item: str, path: tuple) -> list:
        value = d.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(item, key, f"must be a list, got {type(value).__name__}", path + (key,))
            return []
        return value

    def text(self, d: dict, key: str, item: str, path: tuple, required: bool = False,
             default: str = "") -> str:
        value = d.get(key)
        if value is None:
            if required:
                self.problem(item, key, "is missing", path + (key,))
            return default
        if not isinstance(value, str):
            self.problem(item, key, f"must be text, got {type(value).__name__}", path + (key,))
            return default
        if required and not value.strip():
            self.problem(item, key, "is empty", path + (key,))
        return value

    def number(self, d: dict, key: str, item: str, path: tuple, required: bool = False,
               default: float | None = None, nonnegative: bool = False) -> float | None:
        value = d.get(key)
        if value is None:
            if required:
                self.problem(item, key, "is missing", path + (key,))
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(item, key, f"must be a number, got {value!r}", path + (key,))
            return default
        value = float(value)
        if not math.isfinite(value):
            self.problem(item, key, f"must be finite, got {value}", path + (key,))
            return default
        if nonnegative and value < 0:
            self.problem(item, key, f"must be ≥ 0, got {value:g}", path + (key,))
        return value

    def boolean(self, d: dict, key: str, item: str, path: tuple, default: bool = False) -> bool:
        value = d.get(key, default)
        if not isinstance(value, bool):
            self.problem(item, key, f"must be true or false, got {value!r}", path + (key,))
            return default
        return value

    def ref(self, d: dict, key: str, item: str, path: tuple, required: bool = False,
            ) -> ActivityRef | None:
        value = d.get(key)
        if value is None:
            if required:
                self.problem(item, key, "is missing (a background activity: database and code)",
                             path + (key,))
            return None
        if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return ActivityRef(value[0], value[1])
        if not isinstance(value, dict) or not isinstance(value.get("database"), str) \
                or not isinstance(value.get("code"), str) or not value["code"]:
            self.problem(item, key, "must be an object with text 'database' and 'code'",
                         path + (key,))
            return None
        return ActivityRef(value["database"], value["code"])

    def transports(self, d: dict, item: str, path: tuple) -> list[Transport]:
        out = []
        for k, td in enumerate(self.list(d, "transport", item, path)):
            tpath = path + ("transport", k)
            titem = f"{item}, transport #{k + 1}"
            td = self.obj(td, titem, tpath)
            mode = self.ref(td, "mode", titem, tpath, required=True)
            dist = self.number(td, "distance_km", titem, tpath, required=True, default=0.0)
            if mode is not None:
                out.append(Transport(mode=mode, distance=dist,
                                     uncertainty=self.uncertainty(td, "uncertainty", titem, tpath),
                                     label=self.text(td, "label", titem, tpath)))
        return out

    def uncertainty(self, d: dict, key: str, item: str, path: tuple) -> Uncertainty:
        value = d.get(key)
        if value is None:
            return Uncertainty()
        value = self.obj(value, f"{item}, {key}", path + (key,))
        p = path + (key,)
        u = Uncertainty(type=self.text(value, "type", item, p, default="none") or "none")
        if u.type not in ("none", "lognormal", "triangular", "uniform", "normal"):
            self.problem(item, f"{key}.type",
                         "must be none, lognormal, triangular, uniform or normal", p + ("type",))
            return Uncertainty()
        u.gsd = self.number(value, "gsd", item, p, required=u.type == "lognormal")
        if u.gsd is not None and u.gsd < 1:
            self.problem(item, f"{key}.gsd", "a geometric standard deviation is ≥ 1", p + ("gsd",))
        u.minimum = self.number(value, "minimum", item, p, required=u.type in ("triangular", "uniform"))
        u.maximum = self.number(value, "maximum", item, p, required=u.type in ("triangular", "uniform"))
        if u.minimum is not None and u.maximum is not None and u.minimum > u.maximum:
            self.problem(item, f"{key}.minimum", "is larger than the maximum", p + ("minimum",))
        u.sd = self.number(value, "sd", item, p, required=u.type == "normal", nonnegative=True)
        return u


def _ref_dict(r: ActivityRef | None) -> dict | None:
    return r.to_dict() if r else None


def _unc_dict(u: Uncertainty) -> dict | None:
    return None if u.type == "none" else u.to_dict()


def to_dict(scenario: Scenario) -> dict[str, Any]:
    """The JSON document of ``scenario`` (the current schema version)."""
    def transport(t: Transport) -> dict:
        d = {"mode": t.mode.to_dict(), "distance_km": t.distance, "label": t.label}
        if t.uncertainty.type != "none":
            d["uncertainty"] = _unc_dict(t.uncertainty)
        return d

    def flow(f: Flow) -> dict:
        d: dict[str, Any] = {"id": f.id, "kind": f.kind, "name": f.name, "amount": f.amount,
                             "unit": f.unit, "category": f.category}
        if f.kind in ("supply", "emission"):
            d["activity"] = _ref_dict(f.activity)
        if f.kind == "residue":
            d["fate"] = _ref_dict(f.fate)
        for key in ("conversion_factor", "price"):
            if getattr(f, key) is not None:
                d[key] = getattr(f, key)
        if f.uncertainty.type != "none":
            d["uncertainty"] = _unc_dict(f.uncertainty)
        if f.transport:
            d["transport"] = [transport(t) for t in f.transport]
        if f.comment:
            d["comment"] = f.comment
        if f.source:
            d["source"] = f.source
        return d

    def exchange(e: Exchange) -> dict:
        d: dict[str, Any] = {
            "id": e.id,
            "from": {"site": e.from_site, "flow": e.from_flow},
            "to": {"site": e.to_site, "flow": e.to_flow},
            "amount": e.amount,
            "substitution_ratio": e.substitution_ratio,
            "kind": e.kind,
            "transport": [transport(t) for t in e.transport],
            "processing": [
                {"activity": p.activity.to_dict(), "amount_per_unit": p.amount_per_unit,
                 "unit": p.unit, "name": p.name,
                 **({"conversion_factor": p.conversion_factor} if p.conversion_factor is not None else {}),
                 **({"uncertainty": _unc_dict(p.uncertainty)} if p.uncertainty.type != "none" else {})}
                for p in e.processing
            ],
            "economics": dict(e.economics.__dict__),
            "description": e.description,
        }
        if e.amount_uncertainty.type != "none":
            d["amount_uncertainty"] = _unc_dict(e.amount_uncertainty)
        if e.ratio_uncertainty.type != "none":
            d["ratio_uncertainty"] = _unc_dict(e.ratio_uncertainty)
        if e.source:
            d["source"] = e.source
        return d

    return {
        "schema_version": SCHEMA_VERSION,
        "id": scenario.id,
        "name": scenario.name,
        "description": scenario.description,
        "reference_year": scenario.reference_year,
        "currency": scenario.currency,
        "background_database": scenario.background_database,
        "methods": [list(m) for m in scenario.methods],
        "attribution_key": scenario.attribution_key,
        "monte_carlo": {"iterations": scenario.monte_carlo_iterations,
                        "seed": scenario.monte_carlo_seed},
        "illustrative": scenario.illustrative,
        "sources": list(scenario.sources),
        "assumptions": list(scenario.assumptions),
        "sites": [
            {"id": s.id, "name": s.name, "sector": s.sector, "location": s.location,
             "confidential": s.confidential, "description": s.description,
             "position": {"x": s.x, "y": s.y}, "flows": [flow(f) for f in s.flows]}
            for s in scenario.sites
        ],
        "exchanges": [exchange(e) for e in scenario.exchanges],
    }


def migrate(doc: dict, source: str | None = None) -> dict:
    """Bring an older document up to :data:`SCHEMA_VERSION`; refuse newer ones."""
    version = doc.get("schema_version")
    if version is None:
        raise ScenarioError([Problem("scenario", "schema_version", "is missing; is this an ecolca "
                                     "scenario file?", ("schema_version",))], source)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ScenarioError([Problem("scenario", "schema_version",
                                     f"must be a whole number, got {version!r}",
                                     ("schema_version",))], source)
    if version > SCHEMA_VERSION:
        raise ScenarioError([Problem("scenario", "schema_version",
                                     f"is {version}, written by a newer ecolca; this version reads "
                                     f"up to {SCHEMA_VERSION}. Update ecolca to open it.",
                                     ("schema_version",))], source)
    if version < 1:
        raise ScenarioError([Problem("scenario", "schema_version", f"{version} is not a valid "
                                     "version", ("schema_version",))], source)
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
        doc["schema_version"] = version
    return doc


def from_dict(doc: Any, source: str | None = None) -> Scenario:
    """Build a :class:`Scenario` from a JSON document, or raise :class:`ScenarioError` listing
    every structural problem (wrong types, missing fields, duplicate ids, bad numbers)."""
    if not isinstance(doc, dict):
        raise ScenarioError([Problem("scenario", "", "the file must contain a JSON object")], source)
    doc = migrate(dict(doc), source)
    r = _Reader()
    sc = Scenario(name=r.text(doc, "name", "scenario", (), required=True))
    sc.id = r.text(doc, "id", "scenario", (), default=sc.id) or sc.id
    sc.description = r.text(doc, "description", "scenario", ())
    year = doc.get("reference_year", sc.reference_year)
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        r.problem("scenario", "reference_year", f"must be a year, got {year!r}", ("reference_year",))
    else:
        sc.reference_year = year
    sc.currency = r.text(doc, "currency", "scenario", (), default="EUR") or "EUR"
    sc.background_database = r.text(doc, "background_database", "scenario", (),
                                     default=sc.background_database) or sc.background_database
    if "methods" in doc:
        methods = r.list(doc, "methods", "scenario", ())
        sc.methods = []
        for i, m in enumerate(methods):
            if not isinstance(m, (list, tuple)) or not m or not all(isinstance(x, str) for x in m):
                r.problem("scenario", f"methods[{i}]", "must be a list of text (a Brightway method "
                          "name)", ("methods", i))
            else:
                sc.methods.append(tuple(m))
    sc.attribution_key = r.text(doc, "attribution_key", "scenario", (), default="physical") or "physical"
    from ecolca.model import ATTRIBUTION_KEYS, EXCHANGE_KINDS, FLOW_KINDS, PAYERS
    if sc.attribution_key not in ATTRIBUTION_KEYS:
        r.problem("scenario", "attribution_key", f"must be one of {', '.join(ATTRIBUTION_KEYS)}",
                  ("attribution_key",))
    mc = r.obj(doc.get("monte_carlo", {}) or {}, "scenario, monte_carlo", ("monte_carlo",))
    it = mc.get("iterations", 0)
    if isinstance(it, bool) or not isinstance(it, int) or it < 0:
        r.problem("scenario", "monte_carlo.iterations", "must be a whole number ≥ 0",
                  ("monte_carlo", "iterations"))
    else:
        sc.monte_carlo_iterations = it
    seed = mc.get("seed", 42)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        r.problem("scenario", "monte_carlo.seed", "must be a whole number ≥ 0", ("monte_carlo", "seed"))
    else:
        sc.monte_carlo_seed = seed
    sc.illustrative = r.boolean(doc, "illustrative", "scenario", ())
    sc.sources = [s for s in r.list(doc, "sources", "scenario", ()) if isinstance(s, str)]
    sc.assumptions = [s for s in r.list(doc, "assumptions", "scenario", ()) if isinstance(s, str)]

    site_ids: set[str] = set()
    for i, sd in enumerate(r.list(doc, "sites", "scenario", ())):
        path = ("sites", i)
        sd = r.obj(sd, f"site #{i + 1}", path)
        sid = r.text(sd, "id", f"site #{i + 1}", path, required=True)
        item = f"site '{sd.get('name') if isinstance(sd.get('name'), str) else sid}'"
        if sid in site_ids:
            r.problem(item, "id", f"duplicate site id '{sid}'", path + ("id",))
        site_ids.add(sid)
        site = Site(id=sid, name=r.text(sd, "name", item, path, required=True))
        site.sector = r.text(sd, "sector", item, path)
        site.location = r.text(sd, "location", item, path)
        site.description = r.text(sd, "description", item, path)
        site.confidential = r.boolean(sd, "confidential", item, path)
        pos = r.obj(sd.get("position", {}) or {}, item, path + ("position",))
        site.x = r.number(pos, "x", item, path + ("position",), default=0.0)
        site.y = r.number(pos, "y", item, path + ("position",), default=0.0)
        flow_ids: set[str] = set()
        for j, fd in enumerate(r.list(sd, "flows", item, path)):
            fpath = path + ("flows", j)
            fd = r.obj(fd, f"{item}, flow #{j + 1}", fpath)
            fid = r.text(fd, "id", f"{item}, flow #{j + 1}", fpath, required=True)
            fname = fd.get("name") if isinstance(fd.get("name"), str) else fid
            fitem = f"{item}, flow '{fname}'"
            if fid in flow_ids:
                r.problem(fitem, "id", f"duplicate flow id '{fid}' in this site", fpath + ("id",))
            flow_ids.add(fid)
            kind = r.text(fd, "kind", fitem, fpath, required=True)
            if kind and kind not in FLOW_KINDS:
                r.problem(fitem, "kind", f"must be one of {', '.join(FLOW_KINDS)}, got '{kind}'",
                          fpath + ("kind",))
            flow = Flow(
                id=fid, kind=kind, name=r.text(fd, "name", fitem, fpath, required=True),
                amount=r.number(fd, "amount", fitem, fpath, required=True, default=0.0),
                unit=r.text(fd, "unit", fitem, fpath, required=True),
                activity=r.ref(fd, "activity", fitem, fpath, required=kind in ("supply", "emission")),
                fate=r.ref(fd, "fate", fitem, fpath),
                conversion_factor=r.number(fd, "conversion_factor", fitem, fpath),
                price=r.number(fd, "price", fitem, fpath),
                uncertainty=r.uncertainty(fd, "uncertainty", fitem, fpath),
                transport=r.transports(fd, fitem, fpath),
                category=r.text(fd, "category", fitem, fpath, default="material") or "material",
                comment=r.text(fd, "comment", fitem, fpath),
                source=r.text(fd, "source", fitem, fpath),
            )
            if flow.category not in EXCHANGE_KINDS:
                r.problem(fitem, "category", f"must be one of {', '.join(EXCHANGE_KINDS)}",
                          fpath + ("category",))
            site.flows.append(flow)
        sc.sites.append(site)

    ex_ids: set[str] = set()
    for i, ed in enumerate(r.list(doc, "exchanges", "scenario", ())):
        path = ("exchanges", i)
        ed = r.obj(ed, f"exchange #{i + 1}", path)
        eid = r.text(ed, "id", f"exchange #{i + 1}", path, required=True)
        item = f"exchange '{eid}'"
        if eid in ex_ids:
            r.problem(item, "id", f"duplicate exchange id '{eid}'", path + ("id",))
        ex_ids.add(eid)
        frm = r.obj(ed.get("from", {}), item, path + ("from",))
        to = r.obj(ed.get("to", {}), item, path + ("to",))
        ex = Exchange(
            id=eid,
            from_site=r.text(frm, "site", item, path + ("from",), required=True),
            from_flow=r.text(frm, "flow", item, path + ("from",), required=True),
            to_site=r.text(to, "site", item, path + ("to",), required=True),
            to_flow=r.text(to, "flow", item, path + ("to",), required=True),
            amount=r.number(ed, "amount", item, path, required=True, default=0.0),
            substitution_ratio=r.number(ed, "substitution_ratio", item, path, default=1.0),
            kind=r.text(ed, "kind", item, path, default="by-product") or "by-product",
            description=r.text(ed, "description", item, path),
            source=r.text(ed, "source", item, path),
            amount_uncertainty=r.uncertainty(ed, "amount_uncertainty", item, path),
            ratio_uncertainty=r.uncertainty(ed, "ratio_uncertainty", item, path),
        )
        if ex.kind not in EXCHANGE_KINDS:
            r.problem(item, "kind", f"must be one of {', '.join(EXCHANGE_KINDS)}", path + ("kind",))
        ex.transport = r.transports(ed, item, path)
        for k, pd_ in enumerate(r.list(ed, "processing", item, path)):
            ppath = path + ("processing", k)
            pitem = f"{item}, processing #{k + 1}"
            pd_ = r.obj(pd_, pitem, ppath)
            act = r.ref(pd_, "activity", pitem, ppath, required=True)
            amt = r.number(pd_, "amount_per_unit", pitem, ppath, required=True, default=0.0)
            unit = r.text(pd_, "unit", pitem, ppath, required=True)
            if act is not None:
                ex.processing.append(Processing(
                    activity=act, amount_per_unit=amt, unit=unit,
                    name=r.text(pd_, "name", pitem, ppath),
                    conversion_factor=r.number(pd_, "conversion_factor", pitem, ppath),
                    uncertainty=r.uncertainty(pd_, "uncertainty", pitem, ppath)))
        econ = r.obj(ed.get("economics", {}) or {}, item, path + ("economics",))
        epath = path + ("economics",)
        ex.economics = ExchangeEconomics(
            price=r.number(econ, "price", item, epath, default=0.0),
            transport_cost=r.number(econ, "transport_cost", item, epath, default=0.0),
            processing_cost=r.number(econ, "processing_cost", item, epath, default=0.0),
            transport_paid_by=r.text(econ, "transport_paid_by", item, epath, default="receiver"),
            processing_paid_by=r.text(econ, "processing_paid_by", item, epath, default="receiver"),
        )
        for key in ("transport_paid_by", "processing_paid_by"):
            if getattr(ex.economics, key) not in PAYERS:
                r.problem(item, f"economics.{key}", "must be 'receiver' or 'supplier'",
                          epath + (key,))
        sc.exchanges.append(ex)

    if r.problems:
        raise ScenarioError(r.problems, source)
    return sc


def loads(text: str, source: str | None = None) -> Scenario:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem("file", "", f"is not valid JSON: {exc.msg} at line "
                                     f"{exc.lineno}, column {exc.colno}")], source) from None
    except RecursionError:
        raise ScenarioError([Problem("file", "", "is nested too deeply to be a scenario")],
                            source) from None
    return from_dict(doc, source)


def load(path: str | os.PathLike) -> Scenario:
    """Read a scenario file; :class:`ScenarioError` names every problem found."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(str(p), "", f"cannot be read: {exc.strerror or exc}")],
                            str(p)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError([Problem(str(p), "", "is not UTF-8 text (is it a scenario file?)")],
                            str(p)) from None
    return loads(text, str(p))


def dumps(scenario: Scenario) -> str:
    return json.dumps(to_dict(scenario), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so a
    crash or a full disk never leaves a half-written file (the old one stays intact)."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if p.exists():
            try:
                os.chmod(tmp, p.stat().st_mode & 0o777)
            except OSError:
                pass
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def save(scenario: Scenario, path: str | os.PathLike) -> None:
    """Save atomically; the text is produced before anything is written."""
    atomic_write_bytes(path, dumps(scenario).encode("utf-8"))
