"""What every importer shares: checks of the input path (hostile files), the linking of
elementary flows to biosphere3, the refusal rules. The write into a temporary database and the
swap that puts it under its name (an error, a cancel, Ctrl-C or a kill never leaves a half-written
database) are in :mod:`ecolca.brightway.swap`.

No Qt here: the command line and the app's worker both call :func:`write_database`.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from ecolca.brightway.swap import (  # noqa: F401  (re-exported: the importers use them from here)
    BACKUP_PREFIX, TEMP_PREFIX, CancelCheck, Progress, check_target,
)
from ecolca.core.errors import EcolcaError, ImportError_, ImportFailed  # noqa: F401


# Limits on archives (a zip bomb is refused before anything is unpacked); environment overrides.
MAX_UNPACKED_MB_ENV = "ECOLCA_MAX_UNPACKED_MB"
DEFAULT_MAX_UNPACKED_MB = 2048
MAX_RATIO = 100.0  # uncompressed / compressed, for the archive and for any member above 1 MB
MAX_MEMBERS = 500_000
# share of biosphere exchanges that may stay unlinked without --allow-unlinked
MAX_UNLINKED_BIOSPHERE_SHARE = 0.05
# metadata key a reader fills with the companion biosphere database (its name and nodes) that
# keeps the elementary flows biosphere3 has no flow for; import_database takes it out and writes it
COMPANION_KEY = "ecolca_companion_biosphere"


class UnlinkedError(ImportFailed):
    """The import would leave exchanges unlinked; carries the summary for --unlinked."""

    def __init__(self, message: str, summary: "ImportSummary"):
        super().__init__(message)
        self.summary = summary


@dataclass
class Unlinked:
    """One exchange that was not written, and why."""

    activity: str
    activity_code: str
    flow: str
    kind: str  # technosphere | biosphere | production
    amount: float
    unit: str
    context: str  # categories (biosphere) or location (technosphere)
    reason: str  # unlinked | cut-off | no producer | set aside (co-product) | set aside (waste)
    flow_id: str = ""


@dataclass
class ImportSummary:
    format: str
    source: str
    database: str
    activities: int = 0
    technosphere: int = 0
    biosphere: int = 0
    production: int = 0
    biosphere_total: int = 0  # biosphere exchanges in the source, linked or not
    rows: list[Unlinked] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    replaced: bool = False
    # elementary-flow exchanges linked, by how: "exact match", "mapping", "proxy" (each reader
    # fills it; empty when a reader does not tell)
    linked_by: dict[str, int] = field(default_factory=dict)
    # elementary-flow exchanges kept as the source's own flows in a companion biosphere
    # database (no biosphere3 counterpart), and that database's name
    kept: int = 0
    companion: str = ""
    # exchanges written with a distribution, by stats_arrays type name (drop_unlinked counts
    # them, whatever the format); the source's distributions that could not be used, by reason
    # (the reader fills it), and notes on distributions whose centre differs from the amount
    distributions: Counter = field(default_factory=Counter)
    unusable: Counter = field(default_factory=Counter)
    distributions_read: int = 0

    def count(self, reason: str, kind: str | None = None) -> int:
        return sum(1 for r in self.rows if r.reason == reason and (kind is None or r.kind == kind))

    @property
    def unlinked_biosphere(self) -> int:
        return self.count("unlinked", "biosphere")

    @property
    def unlinked_technosphere(self) -> int:
        return self.count("unlinked", "technosphere")

    @property
    def exchanges(self) -> int:
        return self.technosphere + self.biosphere + self.kept + self.production

    def lines(self) -> list[str]:
        """The summary a person reads at the end of an import."""
        bio_total = self.biosphere_total or (self.biosphere + self.unlinked_biosphere)
        out = [
            f"Database '{self.database}' ({self.format}, from {self.source}): "
            f"{self.activities:,} activities, {self.exchanges:,} exchanges "
            f"({self.production:,} production, {self.technosphere:,} technosphere, "
            f"{self.biosphere + self.kept:,} biosphere) in {self.seconds:.1f} s",
            f"Biosphere: {self.biosphere:,} of {bio_total:,} exchanges linked to biosphere3"
            + (f"; {self.kept:,} kept as the source's own flows in '{self.companion}' (no "
               "biosphere3 counterpart: no installed method characterises them)"
               if self.kept else "")
            + (f"; {self.unlinked_biosphere:,} unlinked, left out (they score 0)"
               if self.unlinked_biosphere else ""),
        ]
        if self.linked_by:
            order = ["exact match", "mapping", "proxy"]
            keys = [k for k in order if k in self.linked_by] + sorted(
                k for k in self.linked_by if k not in order)
            out.append("Linked: " + ", ".join(f"{self.linked_by[k]:,} by {k}" for k in keys))
        reasons = Counter(r.reason for r in self.rows if r.reason != "unlinked" or
                          r.kind != "biosphere")
        for reason, n in sorted(reasons.items()):
            out.append(f"{reason}: {n:,} exchange(s)" + {
                "cut-off": " (inputs named CUTOFF, no producer in the data: zero burden, as in "
                           "openLCA)",
                "no producer": " (inputs whose product no process in the data makes: zero "
                               "burden, as in openLCA)",
                "producer in another unit": " (a process of the data makes a product of that "
                                            "name, in another unit, e.g. per m3 where the input "
                                            "is in kg; the data give no factor: zero burden)",
                "co-product input": " (inputs of a product that a process of the data makes "
                                    "only as a co-product, which is set aside without "
                                    "allocation: zero burden)",
                "set aside (co-product)": " (outputs besides the reference product; the process's "
                                          "whole burden stays on its reference product)",
                "set aside (waste)": " (waste outputs without a treatment process in the data)",
                "unlinked": " (technosphere inputs without a match: left out)",
                "set aside (no ecoinvent counterpart)": " (SimaPro final waste flows, non "
                                                        "material emissions, social and economic "
                                                        "issues: no biosphere3 flow, left out)",
                "no biosphere3 flow": " (elementary flows biosphere3 has no flow for, listed "
                                      "in the mapping table: no installed method can "
                                      "characterise them; left out)",
            }.get(reason, ""))
        out += self.distribution_lines()
        out += self.notes
        return out

    def distribution_lines(self) -> list[str]:
        """How many written exchanges carry a distribution, by type, and the source's
        distributions that were not usable, by reason (empty when the source has none)."""
        if not (self.distributions or self.unusable or self.distributions_read):
            return []
        n = sum(self.distributions.values())
        out = [f"Distributions: {n:,} of {self.exchanges:,} exchanges carry one"
               + (" (" + ", ".join(f"{v:,} {k}" for k, v in sorted(
                   self.distributions.items(), key=lambda kv: (-kv[1], kv[0]))) + ")"
                  if n else "")]
        if self.unusable:
            out.append(f"{sum(self.unusable.values()):,} distributions not usable (written "
                       "without one: Monte Carlo keeps the amount fixed): " + "; ".join(
                           f"{v:,} {k}" for k, v in sorted(self.unusable.items(),
                                                           key=lambda kv: (-kv[1], kv[0]))))
        usable = self.distributions_read - sum(self.unusable.values())
        if self.distributions_read and usable > n:
            out.append(f"{usable - n:,} usable distributions are on exchanges not written "
                       "(set aside or unlinked, listed above)")
        return out

    def write_csv(self, path: str | Path) -> int:
        """Every exchange not written, one per row; returns the number of rows."""
        from ecolca.core.atomic import atomic_write_bytes
        import io

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["activity", "activity_code", "flow", "flow_id", "kind", "amount", "unit",
                    "context", "reason"])
        for r in self.rows:
            w.writerow([r.activity, r.activity_code, r.flow, r.flow_id, r.kind, repr(r.amount),
                        r.unit, r.context, r.reason])
        atomic_write_bytes(Path(path), buf.getvalue().encode("utf-8"))
        return len(self.rows)


# ---- input checks ---------------------------------------------------------------------------------

def check_path(path: str | Path, want: str, what: str) -> Path:
    """``path`` as a Path after checking it exists and is a ``want`` ("file", "dir" or
    "file-or-dir"); the message names the format's expectation."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ImportError_(f"'{p}' does not exist")
    if want == "file" and not p.is_file():
        raise ImportError_(f"'{p}' is a {'folder' if p.is_dir() else 'special file'}; {what} "
                           "is a single file")
    if want == "dir" and not p.is_dir():
        raise ImportError_(f"'{p}' is a file; {what} is a folder")
    if want == "file-or-dir" and not (p.is_file() or p.is_dir()):
        raise ImportError_(f"'{p}' is neither a regular file nor a folder")
    if not os.access(p, os.R_OK):
        raise ImportError_(f"'{p}' is not readable")
    return p


def max_unpacked_bytes() -> int:
    try:
        mb = float(os.environ.get(MAX_UNPACKED_MB_ENV, DEFAULT_MAX_UNPACKED_MB))
    except ValueError:
        mb = DEFAULT_MAX_UNPACKED_MB
    return int(mb * 1024 * 1024)


def open_zip(path: Path) -> zipfile.ZipFile:
    """A zip archive checked before anything is read from it: not corrupt, no member outside the
    archive's folder (``../``, absolute paths), total unpacked size and compression ratio below
    the limits (zip bombs)."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ImportError_(f"'{path}' is not a readable zip archive ({exc})") from None
    except OSError as exc:
        raise ImportError_(f"'{path}' cannot be read: {exc.strerror or exc}") from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        archive.close()
        raise ImportError_(f"'{path}': {len(infos):,} members, more than the limit of "
                           f"{MAX_MEMBERS:,}")
    total = packed = 0
    limit = max_unpacked_bytes()
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", name):
            archive.close()
            raise ImportError_(f"'{path}': member '{name}' points outside the archive "
                               "(absolute path or '..'); refused")
        total += info.file_size
        packed += info.compress_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            archive.close()
            raise ImportError_(f"'{path}': member '{name}' unpacks {info.file_size / max(info.compress_size, 1):,.0f}"
                               f" times larger than it is packed (limit {MAX_RATIO:.0f}); refused "
                               "as a likely zip bomb")
    if total > limit:
        archive.close()
        raise ImportError_(f"'{path}' unpacks to {total / 1048576:,.0f} MB, more than the limit "
                           f"of {limit / 1048576:,.0f} MB (set {MAX_UNPACKED_MB_ENV} to raise it)")
    if total > 1024 * 1024 and total > MAX_RATIO * max(packed, 1):
        archive.close()
        raise ImportError_(f"'{path}' unpacks {total / max(packed, 1):,.0f} times larger than it "
                           f"is packed (limit {MAX_RATIO:.0f}); refused as a likely zip bomb")
    try:
        bad = archive.testzip() if os.environ.get("ECOLCA_ZIP_CRC_CHECK") else None
    except Exception as exc:  # noqa: BLE001
        archive.close()
        raise ImportError_(f"'{path}' is corrupt ({exc})") from None
    if bad:
        archive.close()
        raise ImportError_(f"'{path}': member '{bad}' is corrupt (CRC error)")
    return archive


_PROLOG_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def refuse_xml_declarations(path: Path) -> None:
    """Refuse an XML file whose prolog declares a DOCTYPE or entities: ecospold2 has neither, and
    external or nested entities are how XML files read local files or exhaust memory. Checked
    before bw2io (lxml) parses it."""
    with open(path, "rb") as f:
        head = f.read(65536)
    # the prolog ends at the first element start tag; a DOCTYPE can only come before it
    m = re.search(rb"<[A-Za-z_]", head)
    prolog = head if m is None else head[:m.start()]
    if _PROLOG_RE.search(prolog) or (m is None and b"<!ENTITY" in head.upper()):
        raise ImportError_(f"'{path}': the XML declares a DOCTYPE or entities; ecospold2 "
                           "files have none, refused (external entities could read local files)")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportError_(f"'{path}': UTF-16 encoded; ecospold2 files are UTF-8")


# ---- biosphere linking -----------------------------------------------------------------------------

_UNSPECIFIED = {"unspecified", "(unspecified)", "", None}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


class BiosphereIndex:
    """biosphere3 flows of the current project, looked up by (name, categories, unit), by
    synonym, and by top-level compartment."""

    def __init__(self, database: str = "biosphere3"):
        import bw2data as bd
        from bw2data.backends import ActivityDataset as AD

        if database not in bd.databases:
            raise ImportError_(f"the project has no '{database}' database; run `ecolca setup`")
        self.database = database
        self.codes: set[str] = set()
        self.exact: dict[tuple, str] = {}
        self.synonym: dict[tuple, set[str]] = {}
        for code, name, data in AD.select(AD.code, AD.name, AD.data).where(
                AD.database == database).tuples():
            cats = tuple(data.get("categories") or ())
            unit = data.get("unit", "")
            self.codes.add(code)
            self.exact.setdefault((_norm(name), cats, unit), code)
            for syn in data.get("synonyms") or ():
                self.synonym.setdefault((_norm(syn), cats, unit), set()).add(code)

    def find(self, name: str, categories: Iterable[str], unit: str) -> str | None:
        """Code of the flow: exact name, then synonym (only when unambiguous), in the given
        compartment, then in its top-level compartment."""
        cats = tuple(c for c in categories if c not in _UNSPECIFIED)
        n = _norm(name)
        tries = [cats]
        if len(cats) > 1:
            tries.append(cats[:1])
        for c in tries:
            code = self.exact.get((n, c, unit))
            if code:
                return code
            syn = self.synonym.get((n, c, unit))
            if syn and len(syn) == 1:
                return next(iter(syn))
        return None


def ensure_migrations(names: Iterable[str], progress: Progress) -> None:
    """Write bw2io's biosphere 2→3 migrations into the project once (about 10 s)."""
    import bw2io.data as bio_data
    from bw2io.migrations import Migration, migrations

    makers = {
        "biosphere-2-3-categories": (bio_data.get_biosphere_2_3_category_migration_data,
                                     "Change biosphere category and subcategory labels to "
                                     "ecoinvent version 3"),
        "biosphere-2-3-names": (bio_data.get_biosphere_2_3_name_migration_data,
                                "Change biosphere flow names to ecoinvent version 3"),
    }
    for name in names:
        if name not in migrations:
            progress(f"Installing bw2io migration '{name}' in the project (once, about 10 s)", 0.0)
            make, description = makers[name]
            Migration(name).write(make(), description)


# ---- the write --------------------------------------------------------------------------------------



def refuse_if_unlinked(summary: ImportSummary, allow: bool, cause: str = "") -> None:
    """Raise :class:`UnlinkedError` when technosphere exchanges are unlinked or the unlinked
    share of biosphere exchanges is above the limit, unless ``allow``."""
    if allow:
        return
    tech = summary.unlinked_technosphere
    bio = summary.unlinked_biosphere
    total_bio = summary.biosphere_total or (summary.biosphere + bio)
    share = bio / total_bio if total_bio else 0.0
    problems = []
    if tech:
        ex = next(r for r in summary.rows if r.reason == "unlinked" and r.kind == "technosphere")
        problems.append(f"{tech:,} technosphere exchange(s) link to no activity (e.g. "
                        f"'{ex.flow}' [{ex.context}] in '{ex.activity}')")
    if share > MAX_UNLINKED_BIOSPHERE_SHARE:
        common = Counter((r.flow, r.context) for r in summary.rows
                         if r.reason == "unlinked" and r.kind == "biosphere").most_common(3)
        problems.append(f"{bio:,} of {total_bio:,} biosphere exchanges ({share:.0%}, limit "
                        f"{MAX_UNLINKED_BIOSPHERE_SHARE:.0%}) link to no flow of biosphere3 (most "
                        "often " + ", ".join(f"'{n}' ({c or 'no categories'})" for (n, c), _ in common)
                        + ")")
    if problems:
        raise UnlinkedError(
            f"{summary.source}: not imported: " + "; ".join(problems) + ". "
            + (cause + ". " if cause else "")
            + "List them with --unlinked FILE; import anyway with --allow-unlinked (unlinked "
              "exchanges are left out and score 0).", summary)


def refuse_zero_production(data: dict, source: str) -> None:
    """Refuse a dataset whose production amount is 0 (or not a number): its column of the
    technosphere matrix would be singular or infinite and every result NaN. Every format."""
    bad = []
    for (_, code), ds in data.items():
        for e in ds.get("exchanges", []):
            if e.get("type") != "production":
                continue
            amount = e.get("amount")
            try:
                ok = float(amount) != 0.0 and float(amount) == float(amount)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                bad.append(f"'{ds.get('name', code)}' (code {code}): production "
                           f"'{e.get('name', ds.get('name', '?'))}' amount {amount!r}"
                           + (f", formula '{e['formula']}'" if e.get("formula") else ""))
    if bad:
        raise ImportError_(f"'{source}': {len(bad)} activit{'y has' if len(bad) == 1 else 'ies have'} "
                           "a production amount of 0 or no number, which makes the LCA singular: "
                           + "; ".join(bad[:5]) + ("; …" if len(bad) > 5 else ""))


def refuse_unlinked_production(summary: ImportSummary) -> None:
    """Refuse, even with --allow-unlinked, an activity whose production exchange links to
    nothing: left out, Brightway would take the activity's output as 1 (a wrong scale, not a
    zero)."""
    rows = [r for r in summary.rows if r.reason == "unlinked" and r.kind == "production"]
    if rows:
        raise UnlinkedError(
            f"{summary.source}: not imported: {len(rows):,} production exchange(s) link to no "
            "activity (" + "; ".join(f"'{r.flow}' {r.amount:g} {r.unit} of '{r.activity}'"
                                     for r in rows[:3]) + ("; …" if len(rows) > 3 else "")
            + "): left out, the activity's output would be taken as 1. A process with several "
              "products or a waste treatment needs them split into one process per product "
              "before export.", summary)


def write_database(name: str, data: dict, meta: dict, replace: bool = False,
                   progress: Progress | None = None, cancelled: CancelCheck | None = None) -> bool:
    """See :func:`ecolca.brightway.swap.write_database` (the write, the journaled swap, the lock
    and the recovery live there)."""
    from ecolca.brightway import swap

    return swap.write_database(name, data, meta, replace=replace, progress=progress,
                               cancelled=cancelled)


def write_companion(companion: dict, progress: Progress | None = None) -> bool:
    """Write the companion biosphere database (``{"name": …, "flows": {code: node}}``) before the
    database that links to it. Its nodes are only added or updated, never removed: a database
    already linking to it (the one ``--replace`` replaces, or that stays when the import fails)
    keeps every node it points to, with the same ids. Returns True when the database is new (the
    caller removes it if the import then fails)."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    name = companion["name"]
    nodes = companion["flows"]
    say = progress or (lambda m, f: None)
    say(f"Writing {len(nodes):,} elementary flows without biosphere3 counterpart to '{name}'",
        0.7)
    if name not in bd.databases:
        db = bd.Database(name)
        db.register(type="biosphere", ecolca_companion=True,
                    description="Elementary flows of an imported database that biosphere3 has "
                                "no flow for (one node per source flow, its UUID as code)")
        db.write({(name, code): dict(node, database=name) for code, node in nodes.items()},
                 searchable=False, check_typos=False)
        return True
    if not bd.databases[name].get("ecolca_companion"):
        raise ImportError_(f"database '{name}' exists and is not an ecolca companion biosphere "
                           "database; rename or delete it, or import under another --name")
    have = {c for (c,) in AD.select(AD.code).where(AD.database == name).tuples()}
    db = bd.Database(name)
    for code, node in nodes.items():
        if code in have:
            act = db.get(code)
            fields = {k: v for k, v in node.items() if k != "exchanges"}
            if any(act.get(k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    act[k] = v
                act.save()
        else:
            db.new_node(code=code, **{k: v for k, v in node.items() if k != "exchanges"}).save()
    db.process()
    return False


def leftover_temporary_databases() -> list[str]:
    from ecolca.brightway import swap

    return swap.leftover_temporary_databases()


# stats_arrays uncertainty type ids (https://stats-arrays.readthedocs.io/en/latest/, "Mapping
# parameter array columns to uncertainty distributions") → the words the summary uses
DISTRIBUTION_NAMES = {2: "lognormal", 3: "normal", 4: "uniform", 5: "triangular",
                      6: "bernoulli", 7: "discrete uniform", 8: "weibull", 9: "gamma", 10: "beta",
                      11: "generalized extreme value", 12: "student's t"}


def drop_unlinked(data: dict, summary: ImportSummary, companion: dict | None = None) -> dict:
    """Remove exchanges without a valid ``input`` (recording them in ``summary``) and count the
    rest; technosphere links to databases that are not in the project count as unlinked.
    ``companion`` (``{"name": …, "flows": {code: node}}``, written with the data) holds the
    elementary flows without a biosphere3 counterpart: exchanges to it count as ``kept``."""
    import bw2data as bd

    from bw2data.backends import ActivityDataset as AD

    own = {k[0] for k in data}
    codes: dict[str, set[str]] = {db: {k[1] for k in data if k[0] == db} for db in own}
    kept_db = companion["name"] if companion else None
    if companion:
        codes[kept_db] = set(companion["flows"])
        summary.companion = kept_db

    def exists(key) -> bool:
        db, code = key
        if db not in codes:
            codes[db] = {c for (c,) in AD.select(AD.code).where(AD.database == db).tuples()} \
                if db in bd.databases else set()
        return code in codes[db]

    for (db, code), ds in data.items():
        kept = []
        for e in ds.get("exchanges", []):
            kind = e.get("type", "")
            inp = e.get("input")
            ok = bool(inp) and len(inp) == 2 and exists(tuple(inp))
            if kind == "biosphere":
                summary.biosphere_total += 1
            if ok:
                kept.append(e)
                if int(e.get("uncertainty type") or 0) >= 2:
                    summary.distributions[DISTRIBUTION_NAMES.get(
                        int(e["uncertainty type"]), f"type {e['uncertainty type']}")] += 1
                if kind == "production":
                    summary.production += 1
                elif kind == "biosphere" and inp[0] == kept_db:
                    summary.kept += 1
                elif kind == "biosphere":
                    summary.biosphere += 1
                else:
                    summary.technosphere += 1
            else:
                ctx = "::".join(e.get("categories") or ()) if kind == "biosphere" else \
                    str(e.get("location", ""))
                summary.rows.append(Unlinked(
                    ds.get("name", ""), code, str(e.get("name", "")), kind or "technosphere",
                    float(e.get("amount", 0.0)), str(e.get("unit", "")), ctx, "unlinked",
                    str(e.get("flow", "") or (inp[1] if inp else ""))))
        ds["exchanges"] = kept
    summary.activities = len(data)
    return data
