"""The scenario file format (``*.ecolca.json``): load, save (atomic), migrate.

Layout (``schema_version`` 2) is documented in ``docs/file-format.md``. Reading never raises
anything but :class:`ScenarioError` on a user's file: every structural problem (not JSON, wrong
types, missing fields, duplicate ids, non-finite numbers) is collected with the item and field it
concerns. Semantic checks (signs, balances, units) live in :mod:`ecolca.core.validation`, so that a
work-in-progress file with, say, a negative amount still opens in the app, where the problems
panel names it; ``ecolca run`` refuses it.

A file may be hostile (crafted or simply broken): reading is bounded (only regular files, at most
:data:`MAX_FILE_BYTES`, at most :data:`MAX_PROBLEMS` problems listed), numbers of any size and
text of any length or content end in a problem naming the field, and a message that quotes the
file's text shows it through :func:`printable` (control characters escaped, long text cut).
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any, Callable

from ecolca.core.atomic import atomic_write_bytes  # noqa: F401 (its home was here; kept importable)
from ecolca.core.errors import Problem, ScenarioError
from ecolca.core.model import (
    CLEARABLE,
    ActivityRef,
    Exchange,
    ExchangeEconomics,
    Flow,
    Processing,
    Scenario,
    choice_message,
    Site,
    Transport,
    Uncertainty,
)

SCHEMA_VERSION = 2
SUFFIX = ".ecolca.json"


def _v1_to_v2(doc: dict) -> dict:
    """Version 2 calls an exchange's category ``category`` (version 1: ``kind``, the name a
    flow's product/supply/residue/emission has). Nothing is moved here: the reader takes the old
    key in any version and says so in the scenario's ``file_notes``. The version changed so that
    an older ecolca refuses a new file ("written by a newer ecolca") instead of reading every
    exchange as a by-product."""
    return doc


# version -> function migrating a document of that version to version + 1
MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2}

# --- limits (documented in docs/file-format.md, "Limits") ----------------------------------------

#: Largest scenario file read, in bytes (64 MB); the environment variable named by
#: :data:`MAX_FILE_ENV` overrides it (in megabytes, 1 MB = 1024 × 1024 bytes).
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_FILE_ENV = "ECOLCA_MAX_SCENARIO_MB"
#: Problems listed for one file; reading stops after that many (one more says so).
MAX_PROBLEMS = 200
#: ``monte_carlo.seed``: the legacy numpy RandomState (used by stats_arrays) takes 0 … 2**32-1.
MAX_SEED = 2**32 - 1
#: ``monte_carlo.iterations``: 0 … this.
MAX_ITERATIONS = 1_000_000
#: The scenario id is part of a Brightway database name (and so of file names on disk).
MAX_SCENARIO_ID = 64
SCENARIO_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
MAX_SCENARIO_NAME = 200
#: Site, flow and exchange ids (and the references to them in exchanges).
MAX_ID = 100
#: Site and flow names.
MAX_NAME = 200
#: The 'database' and 'code' of a background activity reference.
MAX_REF = 200
#: Reference years accepted.
MIN_YEAR, MAX_YEAR = 1900, 2200
#: A ``schema_version`` above this is not a version at all (rather than "written by a newer
#: ecolca").
_MAX_PLAUSIBLE_VERSION = 10_000
#: Integer literals longer than this many digits are read as floats (inf when too large for a
#: float): Python refuses to convert integer text of more than 4,300 digits, and a float cannot
#: hold an integer of more than about 308 digits anyway.
_MAX_INT_DIGITS = 300
_MB = 1024 * 1024

# C0 controls, DEL, C1 controls and lone surrogates (not encodable: JSON "\ud800" makes one)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# the same, except tab and newline, which multi-line text (descriptions, comments) may contain
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str, limit: int = 80) -> str:
    """``text`` safe to show in a message: C0 and C1 control characters and DEL escaped as
    ``\\xNN`` (lone surrogates as ``\\uNNNN``), cut to at most ``limit`` characters, ending
    with '…' when cut. Only the first ``limit`` characters of a long text are looked at."""
    limit = max(int(limit), 1)
    if len(text) <= limit and _CONTROL.search(text) is None:  # the common case, at C speed
        return text
    pieces: list[str] = []
    size = 0
    for ch in text[: limit + 1]:
        o = ord(ch)
        if o < 0x20 or 0x7F <= o <= 0x9F:
            piece = f"\\x{o:02x}"
        elif 0xD800 <= o <= 0xDFFF:
            piece = f"\\u{o:04x}"
        else:
            piece = ch
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            break
    if size <= limit and len(text) <= limit:
        return "".join(pieces)
    while pieces and size > limit - 1:  # make room for the ellipsis
        size -= len(pieces.pop())
    return "".join(pieces) + "…"


def _describe(value: Any) -> str:
    """A short, safe rendering of a JSON value for a message (never the whole of a huge value)."""
    if isinstance(value, str):
        return f"'{printable(value, 60)}'"
    if isinstance(value, float) and math.isinf(value):
        return f"{value} (infinite, or too large to hold)"
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        if -10**15 < value < 10**15:
            return str(value)
        digits = int(value.bit_length() * math.log10(2)) + 1  # str() may refuse a huge int
        return f"a whole number of about {digits:,} digits"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _count(n: int) -> str:
    """``n`` for a message: 2023, 1,000,000."""
    return f"{n:,}" if abs(n) >= 10_000 else str(n)


def _parse_int(text: str) -> int | float:
    """JSON integer literals: exact up to :data:`_MAX_INT_DIGITS` digits, else a float (``inf``
    when out of range), so a huge literal ends in a "must be finite" problem, not an error."""
    if len(text) > _MAX_INT_DIGITS:
        return float(text)
    return int(text)


class _TooManyProblems(Exception):
    """Raised by :meth:`_Reader.problem` when :data:`MAX_PROBLEMS` have been collected."""


class _Reader:
    """Reads fields out of untrusted dicts, recording a Problem for each bad one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # what the reader noted without refusing the file (an old key read under its new name)
        self.notes: list[str] = []
        self.old_kind = 0  # exchanges whose category was read from the old key 'kind'

    def problem(self, item: str, fld: str, msg: str, path: tuple) -> None:
        """Record a problem; after :data:`MAX_PROBLEMS` of them, stop reading (a file with a
        million broken sites is reported in bounded time and memory)."""
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooManyProblems
        self.problems.append(Problem(item=item, field=fld, message=msg, path=path))

    def clean_text(self, value: str, item: str, fld: str, path: tuple, max_len: int | None = None,
                   multiline: bool = False) -> bool:
        """Check that ``value`` has no control character (tab and newline are allowed in
        ``multiline`` text) and at most ``max_len`` characters; False (one problem) if not."""
        if max_len is not None and len(value) > max_len:
            self.problem(item, fld, f"is {len(value):,} characters long; the limit is {max_len:,}",
                         path)
            return False
        bad = (_CONTROL_MULTILINE if multiline else _CONTROL).search(value)
        if bad is not None:
            o = ord(bad.group())
            if 0xD800 <= o <= 0xDFFF:
                msg = f"contains an invalid character (a lone surrogate, U+{o:04X})"
            else:
                msg = f"contains a control character (U+{o:04X})"
            self.problem(item, fld, f"{msg}: '{printable(value, 60)}'", path)
            return False
        return True

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
             default: str = "", max_len: int | None = None, multiline: bool = False) -> str:
        """A text field; control characters are refused (see :meth:`clean_text`). A bad value
        is still returned (the problem is recorded), so that duplicate ids are found."""
        value = d.get(key)
        if value is None:
            if required:
                self.problem(item, key, "is missing", path + (key,))
            return default
        if not isinstance(value, str):
            self.problem(item, key, f"must be text, got {type(value).__name__}", path + (key,))
            return default
        if not self.clean_text(value, item, key, path + (key,), max_len, multiline):
            return value
        if required and not value.strip():
            self.problem(item, key, "is empty", path + (key,))
        return value

    def ident(self, d: dict, key: str, item: str, path: tuple) -> str:
        """A site, flow or exchange id (or a reference to one): required text of at most
        :data:`MAX_ID` characters, without surrounding spaces, read in Unicode normal form C
        (an id typed as 'é' and one typed as 'e' + a combining accent are the same id, as they
        look the same)."""
        value = self.text(d, key, item, path, required=True, max_len=MAX_ID)
        if value and value != value.strip():
            self.problem(item, key, f"'{printable(value, 60)}' begins or ends with a space; an "
                         "id that looks like another must be the same id: remove the spaces",
                         path + (key,))
        return unicodedata.normalize("NFC", value) if not value.isascii() else value

    def number(self, d: dict, key: str, item: str, path: tuple, required: bool = False,
               default: float | None = None, nonnegative: bool = False) -> float | None:
        value = d.get(key)
        if value is None:
            if required:
                self.problem(item, key, "is missing", path + (key,))
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(item, key, f"must be a number, got {_describe(value)}", path + (key,))
            return default
        try:
            number = float(value)
        except (OverflowError, ValueError):  # an int too large for a float
            number = math.inf
        if not math.isfinite(number):
            self.problem(item, key, f"must be finite, got {_describe(value)}", path + (key,))
            return default
        value = number
        if nonnegative and value < 0:
            self.problem(item, key, f"must be ≥ 0, got {value:g}", path + (key,))
        return value

    def boolean(self, d: dict, key: str, item: str, path: tuple, default: bool = False) -> bool:
        value = d.get(key, default)
        if not isinstance(value, bool):
            self.problem(item, key, f"must be true or false, got {_describe(value)}",
                         path + (key,))
            return default
        return value

    def whole(self, value: Any, item: str, fld: str, path: tuple, lo: int, hi: int,
              what: str = "a whole number", why: str = "") -> bool:
        """True if ``value`` is an integer in ``lo … hi``; else one problem naming the range."""
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.problem(item, fld, f"must be {what} from {_count(lo)} to {_count(hi)}{why}, "
                         f"got {_describe(value)}", path)
            return False
        return True

    def ref(self, d: dict, key: str, item: str, path: tuple, required: bool = False,
            ) -> ActivityRef | None:
        value = d.get(key)
        if value is None:
            if required:
                self.problem(item, key, "is missing (a background activity: database and code)",
                             path + (key,))
            return None
        if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, str) for v in value):
            database, code = value
        elif not isinstance(value, dict) or not isinstance(value.get("database"), str) \
                or not isinstance(value.get("code"), str) or not value["code"]:
            self.problem(item, key, "must be an object with text 'database' and 'code'",
                         path + (key,))
            return None
        else:
            database, code = value["database"], value["code"]
        if not (self.clean_text(database, item, f"{key}.database", path + (key, "database"),
                                MAX_REF)
                and self.clean_text(code, item, f"{key}.code", path + (key, "code"), MAX_REF)):
            return None
        return ActivityRef(database, code)

    def transports(self, d: dict, item: str, path: tuple) -> list[Transport]:
        out = []
        for k, td in enumerate(self.list(d, "transport", item, path)):
            tpath = path + ("transport", k)
            titem = f"{item}, transport #{k + 1}"
            td = self.obj(td, titem, tpath)
            mode = self.ref(td, "mode", titem, tpath, required=True)
            dist = self.number(td, "distance_km", titem, tpath, required=True, default=0.0)
            if mode is not None:
                out.append(Transport(mode=mode, distance_km=dist,
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
        if (msg := choice_message("uncertainty.type", u.type)):
            self.problem(item, f"{key}.type", printable(msg, 200), p + ("type",))
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
        d = {"mode": t.mode.to_dict(), "distance_km": t.distance_km, "label": t.label}
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
        d["amount_basis"] = f.amount_basis
        return d

    def exchange(e: Exchange) -> dict:
        d: dict[str, Any] = {
            "id": e.id,
            "from": {"site": e.from_site, "flow": e.from_flow},
            "to": {"site": e.to_site, "flow": e.to_flow},
            "amount": e.amount,
            "substitution_ratio": e.substitution_ratio,
            "category": e.category,
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
        d["amount_basis"] = e.amount_basis
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
        **({"calibration": scenario.calibration} if scenario.calibration else {}),
        "sources": list(scenario.sources),
        "assumptions": list(scenario.assumptions),
        # only when the author cleared free text for another audience (docs/confidentiality.md)
        **({"cleared_text": {k: list(v) for k, v in scenario.cleared_text.items()}}
           if getattr(scenario, "cleared_text", None) else {}),
        "sites": [
            {"id": s.id, "name": s.name, "sector": s.sector, "location": s.location,
             "confidential": s.confidential, "description": s.description,
             "inventory": s.inventory,
             "position": {"x": s.position[0], "y": s.position[1]},
             **({"latitude": s.latitude, "longitude": s.longitude}
                if s.latitude is not None and s.longitude is not None else {}),
             "flows": [flow(f) for f in s.flows]}
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
                                     f"must be a whole number, got {_describe(version)}",
                                     ("schema_version",))], source)
    if SCHEMA_VERSION < version <= _MAX_PLAUSIBLE_VERSION:
        raise ScenarioError([Problem("scenario", "schema_version",
                                     f"is {version}, written by a newer ecolca; this version reads "
                                     f"up to {SCHEMA_VERSION}. Update ecolca to open it.",
                                     ("schema_version",))], source)
    if not 1 <= version <= _MAX_PLAUSIBLE_VERSION:
        raise ScenarioError([Problem("scenario", "schema_version",
                                     f"{_describe(version)} is not a valid version",
                                     ("schema_version",))], source)
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
        doc["schema_version"] = version
    return doc


def from_dict(doc: Any, source: str | None = None) -> Scenario:
    """Build a :class:`Scenario` from a JSON document, or raise :class:`ScenarioError` listing
    every structural problem (wrong types, missing fields, duplicate ids, bad numbers, text too
    long or with control characters), at most :data:`MAX_PROBLEMS` of them."""
    if not isinstance(doc, dict):
        raise ScenarioError([Problem("scenario", "", "the file must contain a JSON object")], source)
    doc = migrate(dict(doc), source)
    r = _Reader()
    try:
        sc = _read_scenario(doc, r)
    except _TooManyProblems:
        r.problems.append(Problem("scenario", "", "… and more problems not listed (stopped after "
                                  f"{MAX_PROBLEMS})"))
        sc = None
    if r.problems:
        raise ScenarioError(r.problems, source)
    sc.file_notes = r.notes
    return sc


def _read_scenario(doc: dict, r: _Reader) -> Scenario:
    """The body of :func:`from_dict`: every problem goes to ``r``."""
    sc = Scenario(name=r.text(doc, "name", "scenario", (), required=True,
                              max_len=MAX_SCENARIO_NAME))
    n = len(r.problems)
    sid = r.text(doc, "id", "scenario", (), default=sc.id, max_len=MAX_SCENARIO_ID)
    if len(r.problems) == n and sid and not SCENARIO_ID_PATTERN.fullmatch(sid):
        r.problem("scenario", "id", "may contain only letters A-Z and a-z, digits, '.', '_' and "
                  f"'-' (it names a Brightway database), got '{printable(sid, 60)}'", ("id",))
    sc.id = sid or sc.id
    sc.description = r.text(doc, "description", "scenario", (), multiline=True)
    year = doc.get("reference_year", sc.reference_year)
    if r.whole(year, "scenario", "reference_year", ("reference_year",), MIN_YEAR, MAX_YEAR,
               what="a year"):
        sc.reference_year = year
    sc.currency = r.text(doc, "currency", "scenario", (), default="EUR")
    if isinstance(doc.get("currency"), str) and not sc.currency.strip():
        r.problem("scenario", "currency", "is empty: give the currency of the file's prices "
                  "(e.g. EUR), or leave the key out for EUR", ("currency",))
        sc.currency = "EUR"
    sc.background_database = r.text(doc, "background_database", "scenario", (),
                                     default=sc.background_database) or sc.background_database
    if "methods" in doc:
        methods = r.list(doc, "methods", "scenario", ())
        sc.methods = []
        for i, m in enumerate(methods):
            if not isinstance(m, (list, tuple)) or not m or not all(isinstance(x, str) for x in m):
                r.problem("scenario", f"methods[{i}]", "must be a list of text (a Brightway method "
                          "name)", ("methods", i))
            elif all(r.clean_text(x, "scenario", f"methods[{i}]", ("methods", i), MAX_NAME)
                     for x in m):
                if tuple(m) in sc.methods:
                    r.problem("scenario", f"methods[{i}]", f"{printable(' | '.join(m), 120)} is "
                              f"listed twice (also methods[{sc.methods.index(tuple(m))}]): its "
                              "rows would be reported twice; keep one", ("methods", i))
                    continue
                sc.methods.append(tuple(m))
    sc.attribution_key = r.text(doc, "attribution_key", "scenario", (), default="physical") or "physical"
    if (msg := choice_message("attribution_key", sc.attribution_key)):
        r.problem("scenario", "attribution_key", msg, ("attribution_key",))
    mc = r.obj(doc.get("monte_carlo", {}) or {}, "scenario, monte_carlo", ("monte_carlo",))
    it = mc.get("iterations", 0)
    if r.whole(it, "scenario", "monte_carlo.iterations", ("monte_carlo", "iterations"), 0,
               MAX_ITERATIONS):
        sc.monte_carlo_iterations = it
    seed = mc.get("seed", 42)
    if r.whole(seed, "scenario", "monte_carlo.seed", ("monte_carlo", "seed"), 0, MAX_SEED,
               why=" (the random number generator's range)"):
        sc.monte_carlo_seed = seed
    # the author's claim; "" (absent): none, the level is computed from the amounts' bases
    if "calibration" in doc:
        sc.calibration = r.text(doc, "calibration", "scenario", (), default="")
        if sc.calibration and (msg := choice_message("calibration", sc.calibration)):
            r.problem("scenario", "calibration", msg, ("calibration",))
    else:  # files before December 2026: "illustrative": true | false
        sc.calibration = "illustrative" if r.boolean(doc, "illustrative", "scenario", ()) else ""
    for key in ("sources", "assumptions"):
        texts = [(i, s) for i, s in enumerate(r.list(doc, key, "scenario", ()))
                 if isinstance(s, str)]
        setattr(sc, key, [s for i, s in texts
                          if r.clean_text(s, "scenario", f"{key}[{i}]", (key, i), multiline=True)])

    if doc.get("cleared_text") is not None:
        _read_cleared(r, doc, sc)

    site_ids: set[str] = set()
    for i, sd in enumerate(r.list(doc, "sites", "scenario", ())):
        path = ("sites", i)
        sd = r.obj(sd, f"site #{i + 1}", path)
        sid = r.ident(sd, "id", f"site #{i + 1}", path)
        item = f"site '{printable(sd.get('name') if isinstance(sd.get('name'), str) else sid, 60)}'"
        if sid in site_ids:
            r.problem(item, "id", f"duplicate site id '{printable(sid)}'", path + ("id",))
        site_ids.add(sid)
        site = Site(id=sid, name=r.text(sd, "name", item, path, required=True, max_len=MAX_NAME))
        site.sector = r.text(sd, "sector", item, path)
        site.location = r.text(sd, "location", item, path)
        site.description = r.text(sd, "description", item, path, multiline=True)
        site.confidential = r.boolean(sd, "confidential", item, path)
        site.inventory = r.text(sd, "inventory", item, path, default="complete") or "complete"
        if (msg := choice_message("inventory", site.inventory)):
            r.problem(item, "inventory", msg + " ('complete': the site's whole operation; "
                      "'partial': only the part the exchanges touch)", path + ("inventory",))
        pos = r.obj(sd.get("position", {}) or {}, item, path + ("position",))
        site.position = (r.number(pos, "x", item, path + ("position",), default=0.0),
                         r.number(pos, "y", item, path + ("position",), default=0.0))
        for key, lim in (("latitude", 90.0), ("longitude", 180.0)):
            v = r.number(sd, key, item, path)
            if v is not None and not -lim <= v <= lim:
                r.problem(item, key, f"must be from {-lim:g} to {lim:g} decimal degrees, got {v:g}",
                          path + (key,))
                v = None
            setattr(site, key, v)
        if (sd.get("latitude") is None) != (sd.get("longitude") is None):
            missing = "latitude" if sd.get("latitude") is None else "longitude"
            r.problem(item, missing, "is missing: give both latitude and longitude, or neither",
                      path + (missing,))
            site.latitude = site.longitude = None
        flow_ids: set[str] = set()
        for j, fd in enumerate(r.list(sd, "flows", item, path)):
            fpath = path + ("flows", j)
            fd = r.obj(fd, f"{item}, flow #{j + 1}", fpath)
            fid = r.ident(fd, "id", f"{item}, flow #{j + 1}", fpath)
            fname = fd.get("name") if isinstance(fd.get("name"), str) else fid
            fitem = f"{item}, flow '{printable(fname, 60)}'"
            if fid in flow_ids:
                r.problem(fitem, "id", f"duplicate flow id '{printable(fid)}' in this site",
                          fpath + ("id",))
            flow_ids.add(fid)
            kind = r.text(fd, "kind", fitem, fpath, required=True)
            if kind and (msg := choice_message("kind", kind)):
                r.problem(fitem, "kind", printable(msg, 200), fpath + ("kind",))
            flow = Flow(
                id=fid, kind=kind,
                name=r.text(fd, "name", fitem, fpath, required=True, max_len=MAX_NAME),
                amount=r.number(fd, "amount", fitem, fpath, required=True, default=0.0),
                unit=r.text(fd, "unit", fitem, fpath, required=True),
                activity=r.ref(fd, "activity", fitem, fpath, required=kind in ("supply", "emission")),
                fate=r.ref(fd, "fate", fitem, fpath),
                conversion_factor=r.number(fd, "conversion_factor", fitem, fpath),
                price=r.number(fd, "price", fitem, fpath),
                uncertainty=r.uncertainty(fd, "uncertainty", fitem, fpath),
                transport=r.transports(fd, fitem, fpath),
                category=r.text(fd, "category", fitem, fpath, default="material") or "material",
                comment=r.text(fd, "comment", fitem, fpath, multiline=True),
                source=r.text(fd, "source", fitem, fpath, multiline=True),
                # absent (a file before amount bases): "unspecified", never counted as sourced
                amount_basis=r.text(fd, "amount_basis", fitem, fpath, default="unspecified")
                or "unspecified",
            )
            if (msg := choice_message("category", flow.category)):
                r.problem(fitem, "category", printable(msg, 200), fpath + ("category",))
            if (msg := choice_message("amount_basis", flow.amount_basis)):
                r.problem(fitem, "amount_basis", printable(msg, 200), fpath + ("amount_basis",))
            site.flows.append(flow)
        sc.sites.append(site)

    ex_ids: set[str] = set()
    for i, ed in enumerate(r.list(doc, "exchanges", "scenario", ())):
        path = ("exchanges", i)
        ed = r.obj(ed, f"exchange #{i + 1}", path)
        eid = r.ident(ed, "id", f"exchange #{i + 1}", path)
        item = f"exchange '{printable(eid, 60)}'"
        if eid in ex_ids:
            r.problem(item, "id", f"duplicate exchange id '{printable(eid)}'", path + ("id",))
        ex_ids.add(eid)
        frm = r.obj(ed.get("from", {}), item, path + ("from",))
        to = r.obj(ed.get("to", {}), item, path + ("to",))
        ex = Exchange(
            id=eid,
            from_site=r.ident(frm, "site", item, path + ("from",)),
            from_flow=r.ident(frm, "flow", item, path + ("from",)),
            to_site=r.ident(to, "site", item, path + ("to",)),
            to_flow=r.ident(to, "flow", item, path + ("to",)),
            amount=r.number(ed, "amount", item, path, required=True, default=0.0),
            substitution_ratio=r.number(ed, "substitution_ratio", item, path, default=1.0),
            category=_exchange_category(r, ed, item, path),
            description=r.text(ed, "description", item, path, multiline=True),
            source=r.text(ed, "source", item, path, multiline=True),
            amount_uncertainty=r.uncertainty(ed, "amount_uncertainty", item, path),
            ratio_uncertainty=r.uncertainty(ed, "ratio_uncertainty", item, path),
            # absent (a file before amount bases): "unspecified", never counted as sourced
            amount_basis=r.text(ed, "amount_basis", item, path, default="unspecified")
            or "unspecified",
        )
        if (msg := choice_message("amount_basis", ex.amount_basis)):
            r.problem(item, "amount_basis", printable(msg, 200), path + ("amount_basis",))
        if (msg := choice_message("exchange.category", ex.category)):
            r.problem(item, "category", printable(msg, 200), path + ("category",))
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
            if (msg := choice_message(f"economics.{key}", getattr(ex.economics, key))):
                r.problem(item, f"economics.{key}", printable(msg, 200), epath + (key,))
        sc.exchanges.append(ex)
    if r.old_kind:
        r.notes.append(
            f"{r.old_kind} exchange(s) give their category under the old key 'kind' (schema "
            "version 1); read as 'category'. Saving the file writes 'category' "
            "(docs/file-format.md, 'Changes').")
    return sc


def _exchange_category(r: _Reader, ed: dict, item: str, path: tuple) -> str:
    """An exchange's ``category``. Files of schema version 1 called it ``kind``: that key is read
    when present (and counted in ``r.old_kind``, for the note); an exchange that gives both keys
    with different values is refused."""
    if "kind" not in ed:
        return r.text(ed, "category", item, path, default="by-product") or "by-product"
    r.old_kind += 1
    if "category" in ed and ed["category"] != ed["kind"]:
        r.problem(item, "kind", f"is the old name of 'category', and the exchange gives both "
                  f"({_describe(ed['kind'])} and {_describe(ed['category'])}): keep only "
                  "'category'", path + ("kind",))
    return r.text(ed, "kind", item, path, default="by-product") or "by-product"


class _Duplicated(dict):
    """A JSON object in which a key appears more than once: ``duplicates`` holds (key, first
    value, later value) for each repeat (the dict itself keeps the last, as ``json`` does)."""

    duplicates: list
    made = 0  # how many were made in this process: a read that made one has a repeated key


def _object_pairs(pairs: list, dict=dict, len=len) -> dict:  # noqa: A002 (local look-ups)
    """``object_pairs_hook`` of the reader: a plain dict, or a :class:`_Duplicated` when a key
    repeats (JSON allows it; Python's reader keeps the last value without a word, so
    ``"amount": 80000, "amount": 1`` would silently change Δ). Called once per JSON object: kept
    to one call and two length look-ups."""
    d = dict(pairs)
    if len(d) == len(pairs):
        return d
    return _duplicated(pairs, d)


def _duplicated(pairs: list, d: dict) -> "_Duplicated":
    out = _Duplicated(d)
    _Duplicated.made += 1
    seen: dict = {}
    out.duplicates = []
    for k, v in pairs:
        if k in seen:
            out.duplicates.append((k, seen[k], v))
        seen[k] = v
    return out


def _path_text(path: tuple) -> str:
    """``("exchanges", 0, "amount")`` -> ``exchanges[0].amount``."""
    text = ""
    for p in path:
        text += f"[{p}]" if isinstance(p, int) else (f".{printable(str(p), 60)}" if text
                                                     else printable(str(p), 60))
    return text or "(top level)"


def _duplicate_problems(doc: Any) -> list[Problem]:
    """A problem for every repeated key in ``doc``, naming its JSON path and both values."""
    out: list[Problem] = []
    todo: list[tuple[Any, tuple]] = [(doc, ())]
    while todo and len(out) < MAX_PROBLEMS:
        node, path = todo.pop()
        if isinstance(node, dict):
            for k, first, later in getattr(node, "duplicates", ()):
                where = path + (k,)
                out.append(Problem(
                    "file", _path_text(where),
                    f"the key '{printable(str(k), 60)}' appears more than once in one object "
                    f"({_describe(first)}, then {_describe(later)}); a JSON reader would keep "
                    "one of them without a word, so the file is refused: keep only one", where))
            todo.extend((v, path + (k,)) for k, v in reversed(list(node.items()))
                        if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            todo.extend((v, path + (i,)) for i, v in reversed(list(enumerate(node)))
                        if isinstance(v, (dict, list)))
    return out


def loads(text: str, source: str | None = None) -> Scenario:
    """Read a scenario from JSON text (see :func:`from_dict`). A key repeated in one object is
    refused (:func:`_duplicate_problems`)."""
    collecting = gc.isenabled()
    gc.disable()  # a JSON tree and the model made from it have no reference cycles: the
    try:  # collector's passes over the new objects (and the hook's lists of pairs) find nothing
        return _loads(text, source)
    finally:
        if collecting:
            gc.enable()


def _loads(text: str, source: str | None) -> Scenario:
    made = _Duplicated.made
    try:
        doc = json.loads(text, parse_int=_parse_int, object_pairs_hook=_object_pairs)
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem("file", "", f"is not valid JSON: {exc.msg} at line "
                                     f"{exc.lineno}, column {exc.colno}")], source) from None
    except RecursionError:
        raise ScenarioError([Problem("file", "", "is nested too deeply to be a scenario")],
                            source) from None
    except ValueError as exc:  # any other refusal of the JSON reader
        raise ScenarioError([Problem("file", "", f"is not valid JSON: {printable(str(exc))}")],
                            source) from None
    if _Duplicated.made != made:  # this read (or another thread's) met a repeated key
        problems = _duplicate_problems(doc)
        if problems:
            raise ScenarioError(problems, source)
    return from_dict(doc, source)


def max_file_bytes() -> int:
    """The largest scenario file :func:`load` reads: :data:`MAX_FILE_BYTES`, or the number of
    megabytes in the environment variable :data:`MAX_FILE_ENV`."""
    raw = os.environ.get(MAX_FILE_ENV, "").strip()
    if not raw:
        return MAX_FILE_BYTES
    try:
        mb = float(raw)
    except ValueError:
        mb = math.nan
    if not (math.isfinite(mb) and mb > 0):
        raise ScenarioError([Problem("environment", MAX_FILE_ENV, "must be a positive number of "
                                     f"megabytes, got '{printable(raw, 40)}'")])
    return max(int(mb * _MB), 1)


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "a special file"


def read_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of a scenario file, or :class:`ScenarioError`: only a regular file is opened
    (never a folder, named pipe, device or socket, which could block or never end), and at most
    :func:`max_file_bytes` bytes are read."""
    p = Path(path)
    where = printable(str(p), 200)
    cap = max_file_bytes()

    def refuse(message: str) -> ScenarioError:
        return ScenarioError([Problem(where, "", message)], str(p))

    def check(st: os.stat_result) -> None:
        if not stat.S_ISREG(st.st_mode):
            raise refuse(f"is not a regular file ({_file_kind(st.st_mode)}); a scenario is a "
                         f"*{SUFFIX} file")
        if st.st_size > cap:
            raise too_big()

    def too_big() -> ScenarioError:
        return refuse(f"is larger than the {cap / _MB:g} MB limit for scenario files (set the "
                      f"environment variable {MAX_FILE_ENV} to a number of megabytes to raise it)")

    try:
        check(os.stat(p))  # before opening: opening a named pipe would wait for a writer
        # O_NONBLOCK: should the path be swapped for a named pipe after the check, opening it
        # still returns at once, and the check on the open file below refuses it
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
                     | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror or exc}") from None
    try:
        check(os.fstat(fd))
        chunks: list[bytes] = []
        size = 0
        while True:  # at most cap + 1 bytes, in chunks: the file may grow while it is read
            chunk = os.read(fd, min(_MB, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > cap:
                raise too_big()
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def load(path: str | os.PathLike) -> Scenario:
    """Read a scenario file; :class:`ScenarioError` names every problem found (see
    :func:`read_bytes` for the files refused before reading)."""
    return load_bytes(read_bytes(path), path)


def load_bytes(raw: bytes, path: str | os.PathLike) -> Scenario:
    """A scenario from the bytes ``raw`` of file ``path`` (as :func:`load`, once read)."""
    return loads(decode(raw, path), str(Path(path)))


def decode(raw: bytes, path: str | os.PathLike) -> str:
    """The text of a scenario file's bytes (UTF-8, a byte-order mark allowed), or
    :class:`ScenarioError`."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError([Problem(printable(str(path), 200), "", "is not UTF-8 text (is it a "
                                     "scenario file?)")], str(Path(path))) from None


def dumps(scenario: Scenario) -> str:
    return json.dumps(to_dict(scenario), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def save(scenario: Scenario, path: str | os.PathLike) -> None:
    """Save atomically; the text is produced before anything is written."""
    atomic_write_bytes(path, dumps(scenario).encode("utf-8"))


def _read_cleared(r, doc: dict, sc) -> None:
    """``cleared_text``: {"park" | "public": [field, …]}, the free text the author cleared for
    that audience (ecolca.core.model.CLEARABLE)."""
    d = r.obj(doc["cleared_text"], "scenario, cleared_text", ("cleared_text",))
    for audience, fields in d.items():
        path = ("cleared_text", audience)
        if audience not in ("park", "public"):
            r.problem("scenario", f"cleared_text.{printable(str(audience), 40)}",
                      "must be 'park' or 'public' (an internal output withholds nothing)", path)
            continue
        if not isinstance(fields, list):
            r.problem("scenario", f"cleared_text.{audience}",
                      f"must be a list, got {type(fields).__name__}", path)
            continue
        good = []
        for i, f in enumerate(fields):
            if f not in CLEARABLE:
                r.problem("scenario", f"cleared_text.{audience}[{i}]",
                          f"'{printable(str(f), 40)}' is not a free-text field that can be "
                          "cleared; one of: " + ", ".join(f"'{k}'" for k in CLEARABLE),
                          path + (i,))
            else:
                good.append(f)
        sc.cleared_text[audience] = list(dict.fromkeys(good))
