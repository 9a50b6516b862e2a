"""Rebase a scenario onto another background database through a mapping table, and draft such a
table (``ecolca rebase``, ``ecolca mapping suggest``; docs/rebase.md).

A scenario points at background activities by ``{database, code}`` in four places: a supply's
``activity``, a residue's ``fate``, a transport leg's ``mode`` (on a supply, a residue or an
exchange) and an exchange's ``processing`` activity. A rebase replaces those references through a
mapping table, one row per source activity::

    from_database, from_code, to_database, to_code, match, unit_factor, note

``match`` is ``exact``, ``close``, ``proxy`` or ``none`` (the row records that the target has no
counterpart: the reference stays). ``unit_factor`` is given only when the two activities' units
lie in different dimensions (MJ of heat → m3 of gas burnt): units of the target activity per unit
of the source activity.

**What a unit factor scales.** Nothing that the user typed. Every amount of a scenario (a flow's
amount, an exchange's q and r, processing per unit, prices, uncertainty) is in the unit of its
own flow, and the link to the background is the conversion from that unit to the background
activity's unit (inside one dimension exact, across dimensions the flow's ``conversion_factor``).
A rebase changes only that link: the new conversion is (flow unit → source unit) × (source unit →
target unit), where the second factor is exact within a dimension and ``unit_factor`` across
dimensions. When the flow's unit and the target's unit share a dimension the exact conversion
applies and ``conversion_factor`` is dropped; otherwise the product is stored as the flow's (or
processing's) ``conversion_factor``. So 1,000 MJ of useful heat mapped with unit_factor 0.0363
m3/MJ becomes 36.3 m3 of gas burnt in the calculation, and the flow still reads 1,000 MJ at its
price per MJ. Transport legs are in t·km and have no conversion factor: a mode can be mapped only
onto a t·km activity.

No Qt here; the app's dialog (``ecolca.app.rebase_dialog``) and the CLI share this module.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import math
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ecolca.core import units
from ecolca.core.errors import EcolcaError, Problem, ScenarioError, UnitError
from ecolca.core.model import ActivityRef, Scenario

COLUMNS = ("from_database", "from_code", "to_database", "to_code", "match", "unit_factor", "note")
MATCHES = ("exact", "close", "proxy", "none")
#: Largest mapping file read (a mapping of all of ecoinvent is a few MB).
MAX_MAPPING_BYTES = 16 * 1024 * 1024
#: Relative difference above which the composed conversion (old conversion × unit factor) and the
#: exact one (flow unit and target unit in one dimension) are reported as disagreeing.
CONSISTENCY_TOL = 1e-6
#: Prefix of the assumptions a rebase writes into the scenario.
ASSUMPTION_PREFIX = "Rebase"


class MappingError(ScenarioError):
    """The mapping table is unreadable or invalid; carries one problem per row and field."""


@dataclass(frozen=True)
class MappingRow:
    line: int  # line of the file (the header is line 1)
    from_database: str
    from_code: str
    to_database: str
    to_code: str
    match: str
    unit_factor: float | None
    note: str

    @property
    def from_key(self) -> tuple[str, str]:
        return (self.from_database, self.from_code)

    @property
    def to_key(self) -> tuple[str, str] | None:
        return None if self.match == "none" else (self.to_database, self.to_code)


@dataclass
class Mapping:
    rows: dict[tuple[str, str], MappingRow]
    source: str = ""
    sha256: str = ""

    def get(self, key: tuple[str, str]) -> MappingRow | None:
        return self.rows.get(key)

    def __len__(self) -> int:
        return len(self.rows)


# ---------------------------------------------------------------------------------------------
# reading the mapping table
# ---------------------------------------------------------------------------------------------

def _read_file(path: str | os.PathLike) -> bytes:
    p = Path(path)
    where = str(p)

    def refuse(msg: str) -> MappingError:
        return MappingError([Problem(f"mapping file '{where}'", "", msg)], where)

    try:
        st = os.stat(p)
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise refuse("is not a regular file; a mapping table is a .csv file")
    if st.st_size > MAX_MAPPING_BYTES:
        raise refuse(f"is larger than the {MAX_MAPPING_BYTES // (1024 * 1024)} MB limit for "
                     "mapping tables")
    try:
        with open(p, "rb") as f:
            data = f.read(MAX_MAPPING_BYTES + 1)
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_MAPPING_BYTES:
        raise refuse(f"is larger than the {MAX_MAPPING_BYTES // (1024 * 1024)} MB limit")
    return data


def read_mapping(path: str | os.PathLike) -> Mapping:
    """Read and check a mapping table; :class:`MappingError` names every bad row and field."""
    data = _read_file(path)
    return parse_mapping(data, str(path))


def parse_mapping(data: bytes | str, source: str = "") -> Mapping:
    """Check a mapping table's text strictly: the seven columns (extra columns are allowed and
    ignored), a known ``match`` on every row, one row per source activity, ``to_*`` given unless
    match is ``none`` (then ``to_code`` is empty and ``to_database`` may name the database that
    has no counterpart), ``unit_factor`` empty or a number > 0 (and empty when match is ``none``).
    Whether a unit factor is needed at all (units in different dimensions) is checked against the
    project by :func:`rebase`."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MappingError([Problem(f"mapping file '{source}'", "", f"is not UTF-8 text "
                                        f"(byte {exc.start}); save it as CSV UTF-8")],
                               source) from None
    else:
        text = data
    if "\x00" in text:
        raise MappingError([Problem(f"mapping file '{source}'", "", "contains NUL characters; "
                                    "is it a CSV file?")], source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise MappingError([Problem("mapping header (line 1)", "", f"is not valid CSV: {exc}")],
                           source) from None
    if header is None:
        raise MappingError([Problem(f"mapping file '{source}'", "", "is empty; the header is "
                                    + ", ".join(COLUMNS))], source)
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    dupes = sorted({h for h in header if header.count(h) > 1 and h})
    if missing:
        problems.append(Problem("mapping header (line 1)", ", ".join(missing),
                                f"column(s) missing; the header must name {', '.join(COLUMNS)} "
                                f"(found: {', '.join(h for h in header if h) or 'nothing'})"))
    if dupes:
        problems.append(Problem("mapping header (line 1)", ", ".join(dupes),
                                "column(s) named more than once"))
    if problems:
        raise MappingError(problems, source)
    col = {c: header.index(c) for c in COLUMNS}
    rows: dict[tuple[str, str], MappingRow] = {}
    first_line: dict[tuple[str, str], int] = {}
    line = 1
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"mapping line {reader.line_num}", "", f"is not valid CSV: {exc}"))
            break
        line = reader.line_num
        if not any(c.strip() for c in raw):
            continue  # blank line
        item = f"mapping row at line {line}"
        if len(raw) < len(header):
            raw = raw + [""] * (len(header) - len(raw))
        elif len(raw) > len(header) and any(c.strip() for c in raw[len(header):]):
            problems.append(Problem(item, "", f"has {len(raw)} cells, the header {len(header)} "
                                    "(a comma inside a note needs quotes)"))
            continue
        v = {c: raw[i].strip() for c, i in col.items()}
        bad = False
        for c in ("from_database", "from_code"):
            if not v[c]:
                problems.append(Problem(item, c, "is empty"))
                bad = True
        m = v["match"]
        if not m:
            problems.append(Problem(item, "match", "is empty: a reviewer sets exact, close, proxy "
                                    "or none (drafts from `ecolca mapping suggest` leave it empty "
                                    "until reviewed)"))
            bad = True
        elif m not in MATCHES:
            problems.append(Problem(item, "match", f"must be one of {', '.join(MATCHES)}, got "
                                    f"'{m[:40]}'"))
            bad = True
        if m == "none":  # to_database may name the database searched
            for c in ("to_code", "unit_factor"):
                if v[c]:
                    problems.append(Problem(item, c, "must be empty when match is none (the "
                                            "reference stays where it is)"))
                    bad = True
        elif m in MATCHES:
            for c in ("to_database", "to_code"):
                if not v[c]:
                    problems.append(Problem(item, c, f"is empty (match is {m})"))
                    bad = True
        factor: float | None = None
        if v["unit_factor"] and m != "none":
            try:
                factor = float(v["unit_factor"])
            except ValueError:
                problems.append(Problem(item, "unit_factor", f"must be a number, got "
                                        f"'{v['unit_factor'][:40]}'"))
                bad = True
            else:
                if not math.isfinite(factor):
                    problems.append(Problem(item, "unit_factor", "must be finite"))
                    bad = True
                elif factor <= 0:
                    problems.append(Problem(item, "unit_factor", f"must be > 0 (units of the "
                                            f"target activity per unit of the source), got "
                                            f"{v['unit_factor']}"))
                    bad = True
        key = (v["from_database"], v["from_code"])
        if v["from_database"] and v["from_code"]:
            if key in first_line:
                problems.append(Problem(item, "from_code", f"'{key[0]}:{key[1]}' is already "
                                        f"mapped at line {first_line[key]}; one row per source "
                                        "activity"))
                bad = True
            else:
                first_line[key] = line
            if m in MATCHES and m != "none" and (v["to_database"], v["to_code"]) == key:
                problems.append(Problem(item, "to_code", "maps the activity onto itself"))
                bad = True
        if not bad:
            rows[key] = MappingRow(line, v["from_database"], v["from_code"], v["to_database"],
                                   v["to_code"], m, factor, v["note"])
        if len(problems) >= 200:
            problems.append(Problem("mapping", "", "… stopped after 200 problems"))
            break
    if problems:
        raise MappingError(problems, source)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Mapping(rows, source, digest)


# ---------------------------------------------------------------------------------------------
# where a scenario refers to the background
# ---------------------------------------------------------------------------------------------

@dataclass
class Use:
    """One field of a scenario that refers to a background activity."""

    ref: ActivityRef
    item: str  # "site 'Asnæs', flow 'coal'"
    field: str  # "activity", "fate", "transport[1].mode", "processing[2].activity"
    path: tuple
    amount_unit: str  # the unit the scenario's amount is in ("ton kilometer" for transport)
    conversion: float | None  # the current conversion_factor (None for transport)
    holder: object | None  # the Flow or Processing whose conversion_factor goes with it
    attr: tuple  # (object, attribute name) to set the new ActivityRef on

    @property
    def where(self) -> str:
        return f"{self.item}, field '{self.field}'"


def uses(sc: Scenario) -> Iterator[Use]:
    """Every reference of ``sc`` to a background activity (biosphere flows of emissions are not
    background activities and are never rebased)."""
    for si, site in enumerate(sc.sites):
        for fi, f in enumerate(site.flows):
            item = f"site '{site.name}', flow '{f.name}'"
            path = ("sites", si, "flows", fi)
            if f.kind == "supply" and f.activity is not None:
                yield Use(f.activity, item, "activity", path + ("activity",), f.unit,
                          f.conversion_factor, f, (f, "activity"))
            if f.kind == "residue" and f.fate is not None:
                yield Use(f.fate, item, "fate", path + ("fate",), f.unit, f.conversion_factor,
                          f, (f, "fate"))
            if f.kind in ("supply", "residue"):
                for k, t in enumerate(f.transport):
                    yield Use(t.mode, item, f"transport[{k + 1}].mode",
                              path + ("transport", k, "mode"), "ton kilometer", None, None,
                              (t, "mode"))
    for ei, e in enumerate(sc.exchanges):
        item = sc.exchange_item(e)
        for k, t in enumerate(e.transport):
            yield Use(t.mode, item, f"transport[{k + 1}].mode",
                      ("exchanges", ei, "transport", k, "mode"), "ton kilometer", None, None,
                      (t, "mode"))
        for k, p in enumerate(e.processing):
            yield Use(p.activity, item, f"processing[{k + 1}].activity",
                      ("exchanges", ei, "processing", k, "activity"), p.unit,
                      p.conversion_factor, p, (p, "activity"))


# ---------------------------------------------------------------------------------------------
# the rebase
# ---------------------------------------------------------------------------------------------

@dataclass
class Moved:
    """One reference moved by the rebase."""

    use: Use
    row: MappingRow
    from_name: str
    from_unit: str
    to_name: str
    to_unit: str
    old_conversion: float | None
    new_conversion: float | None
    factor: float  # target units per unit of the scenario's amount, as the calculation uses it


@dataclass
class Stayed:
    """One reference left where it was (no row, or match = none)."""

    use: Use
    row: MappingRow | None
    name: str

    @property
    def reason(self) -> str:
        if self.row is None:
            return "no row in the mapping"
        return "match none" + (f": {self.row.note}" if self.row.note else "")


@dataclass
class RebaseResult:
    scenario: Scenario
    moved: list[Moved] = field(default_factory=list)
    stayed: list[Stayed] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    target: str = ""

    def lines(self) -> list[str]:
        """What the CLI prints and the app shows: one line per reference."""
        out = []
        for m in self.moved:
            conv = ""
            if m.row.unit_factor is not None or m.new_conversion is not None:
                conv = f"; conversion {m.old_conversion if m.old_conversion is not None else '—'}" \
                       f" → {m.new_conversion:.6g} {m.to_unit} per {m.use.amount_unit}" \
                    if m.new_conversion is not None else ""
            out.append(f"moved   {m.use.where}: {m.use.ref} '{m.from_name}' ({m.from_unit}) → "
                       f"{m.row.to_database}:{m.row.to_code} '{m.to_name}' ({m.to_unit}), "
                       f"{m.row.match}{conv}")
        for s in self.stayed:
            reason = s.reason if len(s.reason) <= 100 else s.reason[:99] + "…"
            out.append(f"stays   {s.use.where}: {s.use.ref} '{s.name}' ({reason})")
        return out


def _nodes(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """The stored data of the activities ``keys`` (one query per 500)."""
    from bw2data.backends import ActivityDataset as AD

    by_db: dict[str, set[str]] = {}
    for db, code in keys:
        by_db.setdefault(db, set()).add(code)
    out: dict[tuple[str, str], dict] = {}
    for db, codes in by_db.items():
        codes_l = sorted(codes)
        for i in range(0, len(codes_l), 500):
            q = AD.select(AD.database, AD.code, AD.data).where(
                (AD.database == db) & (AD.code.in_(codes_l[i:i + 500])))
            for row in q:
                out[(row.database, row.code)] = row.data
    return out


def _same_dimension(a: str, b: str) -> bool | None:
    """True/False when both units are known to ecolca (or spelled the same); None otherwise."""
    if a == b:
        return True
    if units.is_known(a) and units.is_known(b):
        return units.dimension(a) == units.dimension(b)
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "rebased"


def rebase(sc: Scenario, mapping: Mapping, nodes: dict[tuple[str, str], dict] | None = None,
           mapping_name: str | None = None, today: _dt.date | None = None) -> RebaseResult:
    """A copy of ``sc`` with every reference that ``mapping`` moves replaced, conversion factors
    recomposed (module docstring), the scenario's id, name and default background updated, and
    the rebase recorded in its assumptions. Raises :class:`MappingError` (rows and fields) or
    :class:`ScenarioError` (scenario items and fields) when a reference cannot be moved soundly;
    ``sc`` is never changed.

    ``nodes`` maps (database, code) to the activity's data (``name``, ``unit``, ``location``);
    by default it is read from the current Brightway project."""
    from ecolca.core import scenario_file

    new = scenario_file.from_dict(scenario_file.to_dict(sc))  # a deep copy, through the format
    all_uses = list(uses(new))
    wanted = set()
    for u in all_uses:
        row = mapping.get(u.ref.key)
        wanted.add(u.ref.key)
        if row is not None and row.to_key is not None:
            wanted.add(row.to_key)
    if nodes is None:
        nodes = _nodes(wanted)
    res = RebaseResult(new)
    map_problems: list[Problem] = []
    sc_problems: list[Problem] = []
    reported_rows: set[tuple[int, str]] = set()

    def row_problem(row: MappingRow, fld: str, msg: str) -> None:
        if (row.line, fld) not in reported_rows:
            reported_rows.add((row.line, fld))
            map_problems.append(Problem(f"mapping row at line {row.line}", fld, msg))

    for u in all_uses:
        row = mapping.get(u.ref.key)
        src = nodes.get(u.ref.key)
        if row is None or row.match == "none":
            res.stayed.append(Stayed(u, row, (src or {}).get("name", "")))
            continue
        dst = nodes.get(row.to_key)
        if src is None:
            sc_problems.append(Problem(u.item, u.field, f"activity {u.ref} is not in the project; "
                                       "the rebase needs its unit", u.path))
        if dst is None:
            row_problem(row, "to_code", f"no activity with code '{row.to_code}' in database "
                        f"'{row.to_database}' of the project")
        if src is None or dst is None:
            continue
        from_unit, to_unit = str(src.get("unit", "")), str(dst.get("unit", ""))
        from_name, to_name = str(src.get("name", "")), str(dst.get("name", ""))
        same = _same_dimension(from_unit, to_unit)
        label = f"'{from_name}' ({from_unit}) → '{to_name}' ({to_unit})"
        if same:
            if row.unit_factor is not None:
                row_problem(row, "unit_factor", f"is given, but {label} share a dimension: the "
                            "conversion is exact; leave unit_factor empty")
                continue
            step = units.factor(from_unit, to_unit) if from_unit != to_unit else 1.0
        else:
            if row.unit_factor is None:
                why = "lie in different dimensions" if same is False else \
                    "are not units ecolca can convert between"
                row_problem(row, "unit_factor", f"is needed: {label} {why}; give the units of "
                            f"{to_unit} per {from_unit}")
                continue
            step = row.unit_factor
        # scenario amount unit -> source unit, as the calculation does it
        from ecolca.lca import _to_unit_factor
        try:
            first = _to_unit_factor(u.amount_unit, from_unit, u.conversion)
        except UnitError as exc:
            sc_problems.append(Problem(u.item, u.field, f"cannot be converted to the source "
                                       f"activity's unit: {exc}", u.path))
            continue
        total = first * step
        exact_ok = units.is_known(u.amount_unit) and units.is_known(to_unit) and \
            units.dimension(u.amount_unit) == units.dimension(to_unit)
        if u.holder is None:  # a transport leg: t·km only
            if not exact_ok:
                row_problem(row, "to_code", f"{label}: a transport mode must map onto an activity "
                            f"in t·km (used by {u.where})")
                continue
            new_conv = None
        elif exact_ok:
            exact = units.factor(u.amount_unit, to_unit)
            if not math.isclose(total, exact, rel_tol=CONSISTENCY_TOL):
                res.warnings.append(Problem(
                    u.item, "conversion_factor",
                    f"the flow is in {u.amount_unit} and '{to_name}' in {to_unit}, so the exact "
                    f"conversion ({exact:g}) now applies; the old conversion factor × the "
                    f"mapping's unit_factor (line {row.line}) gave {total:g}: check both",
                    u.path, severity="warning"))
            new_conv = None
            total = exact
        else:
            new_conv = total
        setattr(u.attr[0], u.attr[1], ActivityRef(row.to_database, row.to_code))
        old_conv = u.conversion
        if u.holder is not None:
            u.holder.conversion_factor = new_conv
        res.moved.append(Moved(u, row, from_name, from_unit, to_name, to_unit, old_conv, new_conv,
                               total))
    if map_problems:
        raise MappingError(map_problems, mapping.source)
    if sc_problems:
        raise ScenarioError(sc_problems, None)

    targets = Counter(m.row.to_database for m in res.moved)
    if targets:
        res.target = targets.most_common(1)[0][0]
        old_bg = new.background_database
        new.background_database = res.target
        suffix = f"-{_slug(res.target)}"
        new.id = (new.id[: scenario_file.MAX_SCENARIO_ID - len(suffix)] + suffix) \
            if not new.id.endswith(suffix) else new.id
        tail = f" (on {res.target})"
        if not new.name.endswith(tail):
            new.name = new.name[: scenario_file.MAX_SCENARIO_NAME - len(tail)] + tail
        _record(new, res, mapping, mapping_name, old_bg, today or _dt.date.today())
    return res


def _record(sc: Scenario, res: RebaseResult, mapping: Mapping, mapping_name: str | None,
            old_bg: str, today: _dt.date) -> None:
    """Write the rebase into the scenario's assumptions: one line for the rebase, one per row used
    that is not an exact match (the reviewer's judgement), one per reference left in place.
    Lines of an earlier rebase about references the scenario no longer has are dropped."""
    used_now = {u.ref.key for u in uses(sc)}
    kept = []
    for a in sc.assumptions:
        if a.startswith(ASSUMPTION_PREFIX):
            m = re.search(r"\[left: ([^\]]+)\]$", a)
            if m and tuple(m.group(1).split(":", 1)) not in used_now:
                continue
        kept.append(a)
    sc.assumptions = kept
    name = mapping_name or (Path(mapping.source).name if mapping.source else "a mapping table")
    counts = Counter(m.row.match for m in res.moved)
    stayed_keys = sorted({s.use.ref.key for s in res.stayed})
    moved_keys = sorted({m.use.ref.key for m in res.moved})
    sc.assumptions.append(
        f"{ASSUMPTION_PREFIX} onto {res.target} ({today.isoformat()}, mapping '{name}', sha256 "
        f"{mapping.sha256[:12]}): {len(moved_keys)} background activit"
        f"{'y' if len(moved_keys) == 1 else 'ies'} moved ("
        + ", ".join(f"{k} {counts[k]}" for k in MATCHES if counts.get(k))
        + " references), "
        f"{len(stayed_keys)} left where they were (listed below). Amounts are unchanged; "
        "conversions to the new activities' units follow docs/rebase.md.")
    seen: set[tuple[str, str]] = set()
    for m in res.moved:
        if m.row.match == "exact" or m.use.ref.key in seen:
            continue
        seen.add(m.use.ref.key)
        factor = f"; unit_factor {m.row.unit_factor:g} {m.to_unit} per {m.from_unit}" \
            if m.row.unit_factor is not None else ""
        sc.assumptions.append(
            f"{ASSUMPTION_PREFIX} ({m.row.match}): '{m.from_name}' ({m.use.ref}) replaced by "
            f"'{m.to_name}' ({m.row.to_database}:{m.row.to_code}){factor}"
            + (f". {m.row.note}" if m.row.note else ""))
    by_key: dict[tuple[str, str], list[Stayed]] = {}
    for s in res.stayed:
        by_key.setdefault(s.use.ref.key, []).append(s)
    for key in stayed_keys:
        group = by_key[key]
        where = "; ".join(f"{s.use.item} ({s.use.field})" for s in group[:6])
        if len(group) > 6:
            where += f"; and {len(group) - 6} more"
        label = f"'{group[0].name}' " if group[0].name else ""
        sc.assumptions.append(
            f"{ASSUMPTION_PREFIX}: {label}stays on {key[0]} ({group[0].reason}); used by "
            f"{where} [left: {key[0]}:{key[1]}]")


def check_output_path(output: str | os.PathLike, scenario_path: str | os.PathLike | None,
                      force: bool = False) -> Path:
    """The path a rebased scenario may be written to, or :class:`EcolcaError`: never the input
    file, an existing file only with ``force``, and a folder that exists."""
    out = Path(output)
    if scenario_path is not None and (os.path.realpath(out) == os.path.realpath(scenario_path)):
        raise EcolcaError(f"'{out}' is the input scenario; a rebase writes a new file (give "
                          "another -o)")
    if out.exists() and out.is_dir():
        raise EcolcaError(f"'{out}' is a folder; give a file name (*.ecolca.json)")
    if out.exists() and not force:
        raise EcolcaError(f"'{out}' exists; use --force to overwrite it")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise EcolcaError(f"'{out}': folder '{folder}' does not exist")
    return out


# ---------------------------------------------------------------------------------------------
# mapping suggestions
# ---------------------------------------------------------------------------------------------

#: Weights of the suggestion score (they sum to 1): name similarity, unit, location.
W_NAME, W_UNIT, W_LOCATION = 0.7, 0.2, 0.1
_STOP = {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "per", "the", "to",
         "with", "w", "incl", "including", "e", "g"}
_REGIONS = {
    "RNA": {"US", "CA", "MX"},
    "RER": {"AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR",
            "HR", "HU", "IE", "IS", "IT", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO",
            "SE", "SI", "SK", "EU27", "UK"},
    "EU27": {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
             "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"},
    "RAS": {"CN", "JP", "IN", "KR", "ID", "TH", "VN", "MY", "PH", "SG", "TW"},
}
_GLOBAL = {"GLO", "RoW", "ROW", ""}
#: British and LCA words read as their US LCI / ecoinvent counterparts (a query word also
#: matches its synonym).
SYNONYMS = {"lorry": "truck", "hgv": "truck", "articulated": "combination", "sea": "ocean",
            "ship": "freighter", "tonne": "ton", "petrol": "gasoline", "aluminium": "aluminum",
            "hfo": "residual", "sulphur": "sulfur", "quarry": "mine"}


def tokens(text: str) -> list[str]:
    """Lower-case words of ``text`` without stop words, plural 's' cut (``crushed`` stays)."""
    out = []
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in _STOP:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


def location_score(a: str, b: str, name_tokens: set[str] | frozenset = frozenset()) -> float:
    """1 same location, or a part of the source's location code is a word of the candidate's
    name (US-AZNM and "Electricity, at eGrid, AZNM, 2010" located RNA); 0.75 one contains the
    other (US-AZNM in US, US in RNA, DK in RER); 0.5 either is global (GLO, RoW, none); 0
    otherwise."""
    a, b = (a or "").strip(), (b or "").strip()
    if a == b:
        return 1.0
    if a and a not in _GLOBAL and any(p.lower() in name_tokens for p in a.split("-") if p):
        return 1.0
    if a in _GLOBAL or b in _GLOBAL:
        return 0.5

    def within(x: str, y: str) -> bool:
        return x.split("-")[0] == y or x in _REGIONS.get(y, ()) or \
            x.split("-")[0] in _REGIONS.get(y, ())
    if within(a, b) or within(b, a):
        return 0.75
    return 0.0


def unit_score(a: str, b: str) -> float:
    """1 same dimension (or the same text); 0.25 known units of different dimensions (a
    unit_factor can bridge them); 0.1 a unit ecolca does not know."""
    same = _same_dimension(a, b)
    if same:
        return 1.0
    if same is False:
        return 0.25
    return 0.1


@dataclass
class Candidate:
    code: str
    name: str
    unit: str
    location: str
    score: float
    name_score: float
    unit_score: float
    location_score: float


class _Index:
    """Inverse-document-frequency weights of the target database's name words."""

    def __init__(self, activities: list[dict]):
        self.acts = activities
        self.toks = [set(tokens(_text(a))) for a in activities]
        df: Counter = Counter()
        for t in self.toks:
            df.update(t)
        n = len(activities)
        self.idf = {w: math.log((n + 1) / (c + 1)) + 1.0 for w, c in df.items()}
        self.unseen = math.log(n + 1) + 1.0

    def w(self, tok: str) -> float:
        return self.idf.get(tok, self.unseen)

    def name_score(self, query: set[str], cand: set[str]) -> float:
        """Weighted Dice coefficient: 2·Σw(shared) / (Σw(query) + Σw(candidate))."""
        if not query or not cand:
            return 0.0
        shared = sum(self.w(t) for t in query & cand)
        return 2 * shared / (sum(self.w(t) for t in query) + sum(self.w(t) for t in cand))


def _text(node: dict) -> str:
    name = str(node.get("name", ""))
    prod = str(node.get("reference product", "") or node.get("reference_product", "") or "")
    return f"{name} {prod}" if prod and prod.lower() not in name.lower() else name


def rank(source: dict, index: _Index, n: int = 3) -> list[Candidate]:
    """The ``n`` best activities of ``index`` for ``source`` by score =
    W_NAME·name + W_UNIT·unit + W_LOCATION·location (see the functions above); the source's
    words are those of its name and reference product plus their :data:`SYNONYMS`. Candidates
    that share no word with the source are left out. Ties: higher name score, then name, then
    code."""
    q = set(tokens(_text(source)))
    q |= {SYNONYMS[t] for t in q if t in SYNONYMS}
    out = []
    for act, toks in zip(index.acts, index.toks):
        ns = index.name_score(q, toks)
        if ns <= 0:
            continue
        us_ = unit_score(str(source.get("unit", "")), str(act.get("unit", "")))
        ls = location_score(str(source.get("location", "")), str(act.get("location", "")), toks)
        out.append(Candidate(act["code"], str(act.get("name", "")), str(act.get("unit", "")),
                             str(act.get("location", "")),
                             W_NAME * ns + W_UNIT * us_ + W_LOCATION * ls, ns, us_, ls))
    out.sort(key=lambda c: (-round(c.score, 9), -c.name_score, c.name, c.code))
    return out[:n]


SUGGEST_EXTRA = ("rank", "score", "from_name", "from_unit", "from_location", "to_name", "to_unit",
                 "to_location")


def suggest(sc: Scenario, target: str, n: int = 3,
            nodes: dict[tuple[str, str], dict] | None = None,
            target_activities: list[dict] | None = None) -> list[dict]:
    """Draft mapping rows for every background activity of ``sc`` not already in ``target``:
    up to ``n`` ranked candidates each, ``match`` empty and the note starting "unreviewed", so
    the table must be reviewed before :func:`read_mapping` accepts it (keep one row per source,
    set match). Extra columns (rank, score, names, units, locations) help the reviewer and are
    ignored when the table is read."""
    keys = sorted({u.ref.key for u in uses(sc) if u.ref.database != target})
    if nodes is None:
        nodes = _nodes(keys)
    if target_activities is None:
        target_activities = _activities(target)
    if not target_activities:
        raise EcolcaError(f"database '{target}' has no activities in the project")
    index = _Index(target_activities)
    rows = []
    for key in keys:
        src = nodes.get(key) or {}
        if not src:  # not in the project: the scenario's own names for it
            names = sorted({u.item.split("flow '")[-1].rstrip("'") for u in uses(sc)
                            if u.ref.key == key})
            src = {"name": " ".join(names)}
        base = {"from_database": key[0], "from_code": key[1], "match": "", "unit_factor": "",
                "from_name": src.get("name", ""), "from_unit": src.get("unit", ""),
                "from_location": src.get("location", "")}
        cands = rank(src, index, n)
        if not cands:
            rows.append({**base, "to_database": "", "to_code": "", "rank": "", "score": "",
                         "to_name": "", "to_unit": "", "to_location": "",
                         "note": f"unreviewed: no activity of {target} shares a word with the "
                                 "name; if none fits, set match to none"})
            continue
        for i, c in enumerate(cands, 1):
            need = ""
            if c.unit_score < 1:
                need = f"; units differ ({src.get('unit', '?')} → {c.unit}): a unit_factor " \
                       f"({c.unit} per {src.get('unit', '?')}) is needed"
            rows.append({**base, "to_database": target, "to_code": c.code, "rank": i,
                         "score": f"{c.score:.3f}", "to_name": c.name, "to_unit": c.unit,
                         "to_location": c.location,
                         "note": f"unreviewed: candidate {i} of {len(cands)}, score "
                                 f"{c.score:.3f} (name {c.name_score:.2f}, unit "
                                 f"{c.unit_score:.2f}, location {c.location_score:.2f}){need}"})
    return rows


def _activities(database: str) -> list[dict]:
    from bw2data.backends import ActivityDataset as AD

    out = []
    for row in AD.select(AD.code, AD.data).where(AD.database == database):
        d = row.data
        if d.get("type", "process") not in ("process", "processwithreferenceproduct"):
            continue
        out.append({"code": row.code, "name": d.get("name", ""), "unit": d.get("unit", ""),
                    "location": d.get("location", ""),
                    "reference product": d.get("reference product", "")})
    return out


def rows_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS) + list(SUGGEST_EXTRA), lineterminator="\n",
                       extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# command-line bodies (registered in ecolca.cli)
# ---------------------------------------------------------------------------------------------

def cli_rebase(a, out) -> int:
    """``ecolca rebase SCENARIO --mapping MAP.csv -o NEW [--project P] [--force]``."""
    import sys

    from ecolca.core import scenario_file
    from ecolca.lca import check_against_project
    from ecolca.brightway.project import activate
    from ecolca.core.validation import validate

    dest = check_output_path(a.output, a.scenario, a.force)
    mapping = read_mapping(a.mapping)
    sc = scenario_file.load(a.scenario)
    errs = [p for p in validate(sc) if p.severity == "error"]
    if errs:
        raise ScenarioError(errs, a.scenario)
    activate(a.project)
    res = rebase(sc, mapping)
    problems = validate(res.scenario)
    if not [p for p in problems if p.severity == "error"]:
        problems += check_against_project(res.scenario)
    errs = [p for p in problems if p.severity == "error"]
    if errs:
        raise ScenarioError(errs, f"{dest} (not written)")
    for line in res.lines():
        out(line)
    for w in res.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if not res.moved:
        raise EcolcaError(f"the mapping '{a.mapping}' moves none of the scenario's references "
                          f"({len(res.stayed)} stay); nothing written")
    scenario_file.save(res.scenario, dest)
    stayed = sorted({s.use.ref.key for s in res.stayed})
    out(f"Wrote {dest}: {len({m.use.ref.key for m in res.moved})} activities moved onto "
        f"{res.target} ({len(res.moved)} references), {len(stayed)} left where they were"
        + (" (" + ", ".join(f"{d}:{c}" for d, c in stayed) + "; recorded in the scenario's "
           "assumptions)" if stayed else ""))
    return 0


def cli_suggest(a, out) -> int:
    """``ecolca mapping suggest SCENARIO --to DB [-o FILE] [--candidates N] [--project P]``."""
    import bw2data as bd

    from ecolca.core import scenario_file
    from ecolca.brightway.project import activate

    if not 1 <= a.candidates <= 20:
        raise EcolcaError(f"--candidates must be from 1 to 20, got {a.candidates}")
    dest = None
    if a.output:
        dest = check_output_path(a.output, a.scenario, a.force)
    sc = scenario_file.load(a.scenario)
    activate(a.project)
    if a.to not in bd.databases:
        raise EcolcaError(f"database '{a.to}' is not in project '{bd.projects.current}' "
                          f"(databases: {', '.join(sorted(bd.databases))})")
    rows = suggest(sc, a.to, a.candidates)
    text = rows_csv(rows)
    if dest is None:
        out(text, end="")
    else:
        from ecolca.core.atomic import atomic_write_bytes

        atomic_write_bytes(dest, text.encode("utf-8"))
        n = len({(r["from_database"], r["from_code"]) for r in rows})
        out(f"Wrote {dest}: {len(rows)} candidate rows for {n} activities, all unreviewed (set "
            "match on one row per activity and delete the others; docs/rebase.md)")
    return 0


def shipped_mappings() -> list[Path]:
    """The reviewed mapping tables shipped in ``databases/mappings/``."""
    from ecolca.core.resources import databases_dir

    folder = databases_dir() / "mappings"
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []

