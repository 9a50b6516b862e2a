"""Edits of numbers without Brightway: ``ecolca run`` of a file whose last run kept its unit
scores, when only numbers changed since (docs/engine.md, "Edits of numbers").

Every deterministic figure of a run is Σ term amount × unit score (:func:`ecolca.lca.evaluate`).
After a full run the CLI keeps, per scenario FILE (its real path), project, ``--method`` and
``--key``, that run's :class:`~ecolca.lca.evaluation.Evaluation` (nodes, unit scores, term
table and its structure) and its metadata, in ``<cache>/fastpath/``, beside a fingerprint of the
Brightway project's files. A later run of the same file uses them, without importing bw2data,
bw2calc or SciPy and without a solve, when all of this holds:

* ecolca's code is the same (:func:`ecolca.lca.prepared.code_digest`);
* the databases the scenario links to, everything they depend on, its methods and its
  foreground database are as they were after that run wrote its foreground (:func:`fingerprint`:
  the states :mod:`ecolca.lca.cache` keys its unit scores with, read from ``databases.json``,
  ``methods.json`` and the methods' processed files): a write to any of them (an import,
  Activity Browser, ``ecolca setup``) changes it, and the run is a full one;
* the file is valid, its structure (:func:`ecolca.lca.terms.structure`: ids, names, kinds, units,
  links, conversions, uncertainty, legs) and its methods are those of the kept run, and its
  amounts are ones Brightway can store (the project checks' only value-dependent check);
* no Monte Carlo and no report are asked for (those need the solve's arrays).

Otherwise the run is a full one, exactly as before. After the results are on stdout the run
writes the scenario's foreground database as a full run does (only the activities that changed:
:mod:`ecolca.lca.foreground_update`), so Activity Browser finds it up to date, and takes the
fingerprint again, with the foreground digest written. The state is removed before that write:
a run killed during it leaves none, and the next run is a full one, which writes the foreground
again. When the file's foreground digest is the one the state was taken with (the file is
unchanged, or changed only where the foreground does not look: methods, positions), the project's
files are still as that write left them, and nothing is written: the run ends without bw2data.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

FASTPATH_FORMAT = 1  # raise it whenever the record's shape changes


@dataclass
class Record:
    """What a full run keeps for the next run of the same file (see the module docstring)."""

    ev: object  # ecolca.lca.evaluation.Evaluation (without its solver)
    metadata: dict  # the full run's metadata
    project_dir: str  # bw2data's folder of the project
    foreground_name: str = ""  # the scenario's foreground database
    foreground: str | None = None  # set by load: the foreground digest the state was taken with
    uid: str = ""  # set by store: which record a state and a kept output belong to


def record_key(path: str, project: str, methods=None, key=None) -> str:
    """The record's name for scenario file ``path`` run in ``project`` with ``--method`` and
    ``--key`` (None when not given)."""
    from ecolca.lca.prepared import code_digest

    h = hashlib.sha256(repr((FASTPATH_FORMAT, code_digest(), os.path.realpath(path), project,
                             None if methods is None else [tuple(m) for m in methods],
                             key)).encode())
    return h.hexdigest()[:40]


def _folder(create: bool = False) -> Path | None:
    from ecolca.brightway.bwcompat import cache_root

    root = cache_root()
    if root is None:
        return None
    folder = root / "fastpath"
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def fingerprint(project_dir: str, databases, methods, foreground: str) -> list | None:
    """What the kept unit scores depend on, read from the project's registry files without
    bw2data: the entry in ``databases.json`` (modified, processed, number of activities) of every
    database in ``databases`` and of everything they depend on, as
    :func:`ecolca.lca.cache.database_state` reads them; the entry in ``methods.json`` of every
    method in ``methods`` with the size and modification time of its processed file, as
    :func:`ecolca.lca.cache.method_state` reads them; and the whole entry of the ``foreground``
    database. None when a file cannot be read, a database or method is missing, or one is marked
    "dirty" (edited, not yet processed: a run processes it first)."""
    root = Path(project_dir)
    try:
        with open(root / "databases.json", encoding="utf-8") as fh:
            dbs = json.load(fh)
        with open(root / "methods.json", encoding="utf-8") as fh:
            ms = {tuple(k): v for k, v in json.load(fh)}
    except (OSError, ValueError, TypeError):
        return None
    out: list = []
    seen: set = set()
    todo = sorted(set(databases))
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        md = dbs.get(n)
        if not isinstance(md, dict) or md.get("dirty"):
            return None
        out.append(["database", n, md.get("modified"), md.get("processed"), md.get("number")])
        todo.extend(md.get("depends", []))
    out.sort()
    for m in methods:
        md = ms.get(tuple(m))
        if not isinstance(md, dict):
            return None
        try:
            st = os.stat(root / "processed" / f"{md.get('abbreviation')}.zip")
            sig = [st.st_size, st.st_mtime_ns]
        except OSError:
            return None
        out.append(["method", list(m), json.loads(json.dumps(md)), sig])
    fg = dbs.get(foreground)
    out.append(["foreground", foreground, json.loads(json.dumps(fg))])
    return out


def _fingerprint(rec: Record) -> list | None:
    ev = rec.ev
    return fingerprint(rec.project_dir, {k[0] for k in ev.lookup.ids}, ev.methods,
                       rec.foreground_name)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def store(key: str, rec: Record) -> None:
    """Keep ``rec`` under ``key`` with the project's fingerprint now (both written atomically;
    a failure costs the next run its speed, nothing else)."""
    try:
        folder = _folder(create=True)
        if folder is None:
            return
        (folder / f"{key}.state").unlink(missing_ok=True)  # never a new state for an old record
        rec.uid = os.urandom(12).hex()
        _atomic_write(folder / f"{key}.pickle", pickle.dumps(rec, pickle.HIGHEST_PROTOCOL))
        mark_current(key, rec, None)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return
    _prune(folder)


KEEP = 8  # records kept (the least recently stored go; a 3,000-site park's is about 20 MB)


def _prune(folder: Path) -> None:
    with contextlib.suppress(OSError):
        recs = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for path in recs[KEEP:]:
            with contextlib.suppress(OSError):
                path.with_suffix(".state").unlink(missing_ok=True)
                path.with_suffix(OUTPUT).unlink(missing_ok=True)
                path.unlink()


def mark_current(key: str, rec: Record, digest: str | None) -> None:
    """Record the project's fingerprint now as the one ``key``'s unit scores hold for (after a
    write of the foreground database), and the foreground digest (lca/foreground.py) that
    write gave the database (None: not known)."""
    fp = _fingerprint(rec)
    folder = _folder()
    if fp is None or folder is None:
        return
    with contextlib.suppress(OSError):
        _atomic_write(folder / f"{key}.state",
                      json.dumps({"fingerprint": fp, "foreground": digest,
                                  "record": getattr(rec, "uid", "")}).encode())


def forget_state(key: str) -> None:
    """Make ``key``'s record unusable until :func:`mark_current` (before a write of the
    foreground database: a run killed during it leaves no state, and the next run is full)."""
    folder = _folder()
    if folder is not None:
        with contextlib.suppress(OSError):
            (folder / f"{key}.state").unlink()


def load(key: str) -> Record | None:
    """The record kept under ``key`` when the project's files are unchanged since; else None."""
    folder = _folder()
    if folder is None:
        return None
    try:
        with open(folder / f"{key}.state", encoding="utf-8") as fh:
            state = json.load(fh)
        with open(folder / f"{key}.pickle", "rb") as fh:
            rec = _load_pickle(fh)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            TypeError, IndexError, KeyError):
        return None
    if not isinstance(rec, Record) or not isinstance(state, dict):
        return None
    fp = _fingerprint(rec)
    if fp is None or json.loads(json.dumps(fp)) != state.get("fingerprint"):
        return None
    rec.foreground = state.get("foreground")  # the project's files are as that write left them
    return rec


def _load_pickle(fh):
    """``pickle.load`` with the cyclic collector off: a 3,000-site record is about 200,000
    objects without cycles, which its passes would walk again and again."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(fh)
    finally:
        if collecting:
            gc.enable()


def evaluate_edit(sc, rec: Record):
    """The results of ``sc`` from ``rec`` when ``sc`` differs from the kept run's scenario in
    numbers only and is valid; else None (the caller runs in full). Returns (results, table)."""
    import numpy as np

    from ecolca.core.validation import errors as _errors
    from ecolca.core.validation import validate, warning_records
    from ecolca.lca.run import evaluate
    from ecolca.lca.terms import parameter_values, structure

    from ecolca.lca.project_check import foreground_name

    ev = rec.ev
    if [tuple(m) for m in sc.methods] != list(ev.methods) or not ev.table.structure or \
            foreground_name(sc) != rec.foreground_name:
        return None
    problems = validate(sc)
    if _errors(problems) or structure(sc) != ev.table.structure:
        return None
    table = ev.table.with_values(parameter_values(sc))
    extra = table.problems()  # amounts Brightway cannot store: the full run says which
    if extra or not np.isfinite(table.values).all():
        return None
    results = evaluate(sc, ev, table)
    results.warnings = warning_records(sc, problems)
    md = dict(rec.metadata)
    md["calculated"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    md["solve"] = {
        "computed": ev.solved.computed, "reused": True,
        "note": ("an edit of numbers only: the unit scores of the solve of "
                 f"{ev.solved.computed} were reused with this file's term table; no database or "
                 "method of the project has changed since (docs/engine.md, 'Edits of numbers')")}
    md["scenario_checks"] = {
        "reused": False,
        "note": ("read and validated in this run; its structure (links, units, conversions) is "
                 "that of the run whose project checks passed, and its amounts are checked "
                 "against what Brightway can store")}
    md["consistency"] = {
        "checked": False,
        "note": ("not computed in this run: Brightway did not solve the foreground database; "
                 "the term table's structure and unit scores are those of the run of "
                 f"{ev.solved.computed}, where the check held; a full run checks it again")}
    results.metadata = md
    return results, table


def foreground_digest(sc, rec: Record) -> str:
    """The digest of ``sc``'s foreground (without bw2data: the nodes are the record's)."""
    from ecolca.lca.foreground import foreground_digest as digest

    return digest(sc, rec.ev.lookup)


def write_foreground(sc, rec: Record, table, project: str | None, digest: str,
                     key: str | None = None) -> None:
    """Write ``sc``'s foreground database as a full run does (only what changed), so that
    Activity Browser finds it matching the file; with ``key``, then take the project's
    fingerprint for that record (:func:`mark_current`), still under the foreground's lock, so
    that a full run waiting for the lock writes and stores after it, never between."""
    from ecolca.brightway.project import activate
    from ecolca.lca.foreground import build_foreground, foreground_lock

    activate(project)
    with foreground_lock(sc):
        build_foreground(sc, rec.ev.lookup, table, digest)
        if key is not None:
            mark_current(key, rec, digest)


WRITING = ".writing"  # a detached writer's lock file: <key>.<pid>.writing
WRITER_ERROR = ".writer-error"  # what a detached writer could not do: <key>.writer-error


def write_foreground_detached(sc, rec: Record, table, project: str | None, key: str,
                              then=None) -> bool:
    """Write the foreground database (:func:`write_foreground`) in a child process that the
    run does not wait for: the run ends as soon as its results are out. True when the child was
    started; False where it cannot be (no ``os.fork``: Windows; no cache folder; or
    ``ECOLCA_FOREGROUND_INLINE`` set), and the caller writes in its own process.

    The child is forked after the results are flushed, so it has the parsed file, the record
    and the term table in memory (nothing is read again). It takes the foreground's digest and,
    when it is not the one the state was taken with, removes the state, writes the database and
    takes the state again. It leaves the caller's session
    (``setsid``), its standard streams go to ``os.devnull`` (a script reading the run's stdout
    sees it end when the run ends), and it holds an exclusive lock on
    ``<cache>/fastpath/<key>.<pid>.writing`` until the database and the state are written
    (:func:`wait_for_writers`). While the state is removed, a run of the file is a full one,
    which waits for the foreground's lock and writes it itself. An error is kept in
    ``<key>.writer-error`` and shown by the next run (:func:`take_writer_error`). ``then``:
    called by the child with the digest after the write."""
    if not hasattr(os, "fork") or os.environ.get("ECOLCA_FOREGROUND_INLINE"):
        return False
    import fcntl
    import sys

    folder = _folder(create=True)
    if folder is None:
        return False
    lock = folder / f"{key}.{os.getpid()}{WRITING}"
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError:
        return False
    fcntl.flock(fd, fcntl.LOCK_EX)  # a new file of this process's own: at once
    for stream in (sys.stdout, sys.stderr, getattr(sys, "__stdout__", None)):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            lock.unlink()
        return False
    if pid:  # the run: the child's descriptor keeps the lock; end without waiting for it
        os.close(fd)
        return True
    rc = 1
    try:  # the child: never returns into the caller
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(null, std)
        try:
            digest = foreground_digest(sc, rec)
            if digest != rec.foreground:  # else the project's files are as that write left them
                forget_state(key)  # a child killed while writing leaves none: the next is full
                write_foreground(sc, rec, table, project, digest, key)
            if then is not None:
                then(digest)
            rc = 0
        except BaseException as exc:  # noqa: BLE001 - kept for the next run to say
            with contextlib.suppress(Exception):
                _atomic_write(folder / f"{key}{WRITER_ERROR}",
                              f"{type(exc).__name__}: {exc}".encode("utf-8", "replace"))
        with contextlib.suppress(OSError):
            lock.unlink()
    finally:
        os._exit(rc)


def wait_for_writers(timeout: float | None = None) -> bool:
    """Wait until every detached foreground writer (:func:`write_foreground_detached`) of this
    cache folder has finished; False if ``timeout`` seconds passed first."""
    if not hasattr(os, "fork"):  # no detached writers where there is no fork
        return True
    import fcntl
    import time

    folder = _folder()
    if folder is None:
        return True
    end = None if timeout is None else time.monotonic() + timeout
    for path in sorted(folder.glob(f"*{WRITING}")):
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:  # finished meanwhile
            continue
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | (0 if end is None else fcntl.LOCK_NB))
                    break
                except BlockingIOError:
                    if time.monotonic() > end:
                        return False
                    time.sleep(0.02)
            with contextlib.suppress(OSError):  # a writer killed before it removed it
                path.unlink()
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    return True


def take_writer_error(key: str) -> str | None:
    """What the detached writer of ``key``'s foreground could not do (removed once read), or
    None."""
    folder = _folder()
    if folder is None:
        return None
    path = folder / f"{key}{WRITER_ERROR}"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        path.unlink()
    except OSError:
        return None
    return text


# ---- an unchanged file: the kept output written again

OUTPUT = ".output"  # <key>.output: the last fast run's output, and what it holds for
OUTPUT_FORMAT = 1


def keep_output(key: str, rec: Record, digest: str, sha256: str, args: tuple,
                stdout: list, stderr: str) -> None:
    """Keep what a fast run of the file whose bytes have ``sha256`` wrote with options
    ``args``: its stdout as [text before the metadata, the metadata's JSON, the chunks after] and
    its stderr, with what it holds for: the record ``rec`` and the foreground digest
    ``digest`` (see :func:`replay`). Written atomically; a failure costs speed only."""
    folder = _folder()
    if folder is None or not getattr(rec, "uid", ""):
        return
    ev = rec.ev
    entry = {"format": OUTPUT_FORMAT, "sha256": sha256, "args": repr(args), "record": rec.uid,
             "foreground": digest, "databases": sorted({k[0] for k in ev.lookup.ids}),
             "methods": [list(m) for m in ev.methods], "project_dir": rec.project_dir,
             "foreground_name": rec.foreground_name, "stdout": list(stdout), "stderr": stderr}
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError):
        _atomic_write(folder / f"{key}{OUTPUT}", pickle.dumps(entry, pickle.HIGHEST_PROTOCOL))


def replay(key: str, sha256: str, args: tuple) -> tuple[str, list[str]] | None:
    """(stderr, stdout in parts) of the last fast run of this file when nothing it depends on changed
    since: the file's bytes (``sha256``), the options (``args``), ecolca's code and the
    ``--method``/``--key``/project (in ``key``), the record of unit scores (its ``uid``), the
    project's databases and methods (the state's fingerprint, read now) and the foreground
    database (the state's foreground digest: the file's, written). Else None. Its metadata
    says the output was written again (``solve``, ``scenario_checks``); ``calculated`` stays
    the time it was calculated."""
    folder = _folder()
    if folder is None:
        return None
    try:
        with open(folder / f"{key}.state", encoding="utf-8") as fh:
            state = json.load(fh)
        with open(folder / f"{key}{OUTPUT}", "rb") as fh:
            entry = pickle.load(fh)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            TypeError, IndexError, KeyError):
        return None
    try:
        if not (isinstance(state, dict) and isinstance(entry, dict)
                and entry.get("format") == OUTPUT_FORMAT and entry["sha256"] == sha256
                and entry["args"] == repr(args) and entry["record"]
                and entry["record"] == state.get("record")
                and entry["foreground"] == state.get("foreground")):
            return None
        fp = fingerprint(entry["project_dir"], entry["databases"], entry["methods"],
                         entry["foreground_name"])
        if fp is None or json.loads(json.dumps(fp)) != state.get("fingerprint"):
            return None
        before, md_text, after = entry["stdout"]
        md = json.loads(md_text)
    except (KeyError, TypeError, ValueError):
        return None
    from ecolca.core.jsontext import json_text

    when = md.get("calculated")
    md["solve"] = {
        **(md.get("solve") if isinstance(md.get("solve"), dict) else {}), "reused": True,
        "note": ("an unchanged file: its bytes, the options, ecolca's code and the project's "
                 "databases and methods are those of the run calculated at "
                 f"{when}, whose output is written again (docs/engine.md, 'An unchanged file')")}
    md["scenario_checks"] = {
        "reused": True,
        "note": (f"not read again: the file's bytes are those read and validated by the run "
                 f"calculated at {when}")}
    return entry["stderr"], [before, json_text(md), *after]
