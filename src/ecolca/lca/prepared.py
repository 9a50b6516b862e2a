"""Prepared scenarios kept between runs: what a run derives from a scenario FILE before it
solves anything (the parsed scenario, its validation and project checks, the background nodes
it links to, the term table and the foreground digest), stored in
``<Brightway folder>/ecolca-cache/prepared/`` (:func:`ecolca.brightway.bwcompat.cache_root`) under a key of
the file's bytes and the project's name.

A repeated ``ecolca run`` of an unchanged file against unchanged databases and methods then
skips parsing, validation, the project checks and the compilation of the term table; on a
3,000-site park that is about half of the run (docs/performance.md, "CLI scale").

A record is used only when all of this still holds, else it is ignored (and replaced by the
next store):

* the file's bytes are the same (SHA-256), and so are ecolca's code (a digest of the source
  files of the ``ecolca`` package outside the app, so that a changed checker or compiler never
  meets a record of the old one), the record format, the project, and the ``--method`` and
  ``--key`` given on the command line;
* every database the scenario links to, and every database those depend on, has the state it had
  (:func:`ecolca.lca.cache.database_state`: bw2data's modified/processed times and sizes), and
  so has every method (:func:`ecolca.lca.cache.method_state`).

Only scenarios without errors are stored: a file with an error is checked again on every run, so
the message is always the current one. The records are pickles written by ecolca into the
user's own Brightway folder (as its stored solves are); a record that does not load is ignored.

What is kept is bounded: a record larger than :data:`MAX_RECORD_BYTES` is not kept (its saving
is in the structure, not in free text), and the least recently used records go beyond
:data:`KEEP` records or :data:`MAX_TOTAL_BYTES` together.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

PREPARED_FORMAT = 4  # raise it whenever Prepared, Scenario, _Lookup or TermTable change shape
KEEP = 8  # records kept per project (the least recently used are removed)
#: A record larger than this is not kept. What a record saves is the checks of the scenario's
#: structure (sites, flows, exchanges): a 3,000-site park's record is 13 MB and saves about 20 s
#: (measured), while free text (a description, comments) is kept whole at no saving, since
#: reading it again takes little (a 50 MB description made a 48 MB record that saved 0.2 s).
MAX_RECORD_BYTES = 32 * 1024 * 1024
#: The records of one Brightway folder together: beyond this the least recently used go (with
#: :data:`KEEP`, so at most 8 records and at most this many bytes).
MAX_TOTAL_BYTES = 128 * 1024 * 1024


class _TooLarge(Exception):
    """Raised by :func:`_write_record` when a record grows past :data:`MAX_RECORD_BYTES`."""


def _free_text_bytes(sc) -> int:
    """The characters of the scenario's free text (descriptions, comments, sources): what a
    record would keep for nothing."""
    n = len(sc.description) + sum(len(x) for x in sc.sources) + sum(len(x) for x in sc.assumptions)
    for site in sc.sites:
        n += len(site.description)
        n += sum(len(f.comment) + len(f.source) for f in site.flows)
    n += sum(len(e.description) + len(e.source) for e in sc.exchanges)
    return n


@dataclass
class Prepared:
    """What a run derives from a scenario file before solving (see the module docstring)."""

    scenario: object  # ecolca.core.model.Scenario
    lookup: object  # ecolca.lca.project_check._Lookup
    table: object  # ecolca.lca.terms.TermTable
    digest: str  # the foreground digest (ecolca.lca.foreground.foreground_digest)
    states: dict  # database -> state, and ("method", m) -> state, at the time of the store
    warnings: list = dataclasses.field(default_factory=list)  # validation.warning_records


def source_key(raw: bytes, project: str, methods=None, key=None) -> str:
    """The record key of a scenario file with bytes ``raw`` run in ``project`` (with the
    command line's ``--method`` list and ``--key``, None when not given)."""
    h = hashlib.sha256(raw)
    h.update(repr((PREPARED_FORMAT, code_digest(), project,
                   None if methods is None else [tuple(m) for m in methods], key)).encode())
    return h.hexdigest()[:40]


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the source of every module of the ``ecolca`` package outside the app (about
    1 ms): the code that parses, checks and compiles a scenario."""
    import ecolca

    root = Path(ecolca.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("app/"):
            continue
        h.update(rel.encode())
        with contextlib.suppress(OSError):
            h.update(path.read_bytes())
    return h.hexdigest()


def _folder(create: bool = True) -> Path | None:
    """The records' folder, found without importing bw2data (:func:`ecolca.brightway.bwcompat.cache_root`),
    so that a run can tell whether a record exists before it loads Brightway: a file without a
    record is read and checked first, and its errors come before any Brightway start-up."""
    from ecolca.brightway.bwcompat import cache_root

    root = cache_root()
    if root is None:
        return None
    folder = root / "prepared"
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def exists(key: str) -> bool:
    """True when a record is stored under ``key`` (current or not: :func:`load` decides)."""
    folder = _folder(create=False)
    return folder is not None and (folder / f"{key}.pickle").is_file()


def current_states(databases, methods) -> dict:
    """The states of ``databases`` (with everything they depend on) and of ``methods`` now."""
    from ecolca.lca.cache import database_state, method_state

    out: dict = {db: database_state(db) for db in sorted(set(databases))}
    for m in methods:
        out[("method", tuple(m))] = method_state(tuple(m))
    return out


def load(key: str) -> Prepared | None:
    """The record stored under ``key`` if everything it was derived from is unchanged, else
    None. Needs the project active."""
    folder = _folder(create=False)
    if folder is None:
        return None
    path = folder / f"{key}.pickle"
    collecting = gc.isenabled()
    gc.disable()  # the record is a tree of new objects: no garbage to find, and the cyclic
    try:  # collector's passes over them would take most of the time (1.25 s -> 4.3 s here)
        with open(path, "rb") as fh:
            pre = _read_record(fh, key)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError,
            TypeError, IndexError, KeyError):
        return None
    finally:
        if collecting:
            gc.enable()
    if pre is None:
        return None
    dbs = [k for k in pre.states if isinstance(k, str)]
    methods = [k[1] for k in pre.states if isinstance(k, tuple)]
    try:
        if current_states(dbs, methods) != pre.states:
            return None
    except Exception:  # noqa: BLE001 - a state that cannot be read is a changed state
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # most recently used
    return pre


# The record is written as a sequence of pickles: a head (the Prepared with the scenario's sites
# and exchanges and the table's parameters left out, and their counts), then those three lists
# in chunks of CHUNK items, each chunk a pickle of its own. A pickler and an unpickler keep a
# reference to everything they have seen until their pickle ends: one pickle of a 3,000-site
# scenario held 50-80 MiB of such references at its peak, a chunk holds little. Nothing is
# shared between chunks but strings (each chunk has its own copies, which is harmless) and the
# parameters' "no distribution" uncertainty, written as None and read back as one shared object.
CHUNK = 250


def _write_record(fh, key: str, pre: Prepared) -> None:
    import copy

    from ecolca.core.model import Uncertainty

    sc, table = pre.scenario, pre.table
    head_sc = copy.copy(sc)
    head_sc.__dict__ = dict(sc.__dict__, sites=[], exchanges=[])
    head_t = copy.copy(table)
    head_t.__dict__ = dict(table.__dict__, params=[])
    params = table.params
    p = _Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
    p.dump({"key": key, "n": (len(sc.sites), len(sc.exchanges), len(params)),
            "prepared": Prepared(head_sc, pre.lookup, head_t, pre.digest, pre.states,
                                     pre.warnings)})
    if fh.tell() > MAX_RECORD_BYTES:
        raise _TooLarge
    none = Uncertainty()
    for items in (sc.sites, sc.exchanges, params):
        for i in range(0, len(items), CHUNK):
            chunk = items[i:i + CHUNK]
            if items is params:  # the shared "no distribution" object is not written each time
                chunk = [copy.copy(x) if x.uncertainty == none else x for x in chunk]
                for x in chunk:
                    if x.uncertainty == none:
                        x.uncertainty = None
            p.clear_memo()
            p.dump(chunk)
            if fh.tell() > MAX_RECORD_BYTES:
                raise _TooLarge


def _read_record(fh, key: str) -> Prepared | None:
    from ecolca.core.model import Uncertainty

    head = pickle.load(fh)
    if not isinstance(head, dict) or head.get("key") != key or \
            not isinstance(head.get("prepared"), Prepared):
        return None
    pre: Prepared = head["prepared"]
    lists: list[list] = []
    for n in head["n"]:
        items: list = []
        while len(items) < n:
            chunk = pickle.load(fh)
            if not isinstance(chunk, list) or not chunk:
                return None
            items.extend(chunk)
        if len(items) != n:
            return None
        lists.append(items)
    none = Uncertainty()
    for x in lists[2]:
        if x.uncertainty is None:
            x.uncertainty = none
    pre.scenario.sites, pre.scenario.exchanges, pre.table.params = lists
    return pre


def _rebuild(cls, names, values):
    """An instance of ``cls`` with attributes ``names`` = ``values`` (see :class:`_Pickler`)."""
    obj = object.__new__(cls)
    obj.__dict__.update(zip(names, values))
    return obj


class _Pickler(pickle.Pickler):
    """Pickles ecolca's dataclass instances (sites, flows, exchanges, parameters: about 100,000
    for 3,000 sites) as (class, attribute names, values) instead of (class, state dict): the
    unpickler memoizes every state dict until the load ends, and with tuples instead of dicts a
    3,000-site record loads 0.4 s faster and with 21 MiB less at its peak (measured)."""

    _names: dict = {}

    def reducer_override(self, obj):
        cls = type(obj)
        if not (dataclasses.is_dataclass(cls) and cls.__module__.startswith("ecolca.")):
            return NotImplemented
        d = getattr(obj, "__dict__", None)
        if d is None:
            return NotImplemented
        names = tuple(d)
        names = self._names.setdefault(names, names)  # one tuple of names per layout
        # the id -> item indexes of model objects (ecolca.core.model._find) are rebuilt on first use
        return _rebuild, (cls, names, tuple({} if k.endswith("_index") and isinstance(v, dict)
                                            else v for k, v in d.items()))


def store(key: str, pre: Prepared) -> None:
    """Keep ``pre`` under ``key`` (written atomically), unless its record would be larger than
    :data:`MAX_RECORD_BYTES`; then remove the least recently used records beyond :data:`KEEP`
    or :data:`MAX_TOTAL_BYTES`. A failure costs the next run its speed, nothing else."""
    if _free_text_bytes(pre.scenario) > MAX_RECORD_BYTES:
        return  # its free text alone is past the limit: not even written
    try:
        folder = _folder()
        if folder is None:
            return
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_record(fh, key, pre)
        os.replace(tmp, folder / f"{key}.pickle")
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if not isinstance(exc, (OSError, pickle.PicklingError, TypeError, AttributeError,
                                _TooLarge)):
            raise
        return
    prune(folder)


def prune(folder: Path) -> None:
    """Remove the least recently used records until at most :data:`KEEP` of them, of at most
    :data:`MAX_TOTAL_BYTES` together, remain."""
    with contextlib.suppress(OSError):
        records = []
        for path in folder.glob("*.pickle"):
            with contextlib.suppress(OSError):
                st = path.stat()
                records.append((st.st_mtime_ns, st.st_size, path))
        records.sort(key=lambda r: r[0], reverse=True)  # most recently used first
        total = 0
        for n, (_, size, path) in enumerate(records):
            total += size
            if n >= KEEP or total > MAX_TOTAL_BYTES:
                with contextlib.suppress(OSError):
                    path.unlink()
