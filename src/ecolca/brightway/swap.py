"""The import's write, and the swap that puts the new database under its name in one step.

A Brightway 2.5 (bw2data 4.8) database lives in three places of the project's folder: its rows
in ``databases.db`` (SQLite: ``ActivityDataset`` with a ``database`` column, ``ExchangeDataset``
with ``input_database``/``output_database``; the pickled ``data`` of each row repeats the name),
its entry in the registry ``databases.json`` (a JSON file, rewritten whole on each change), and
its processed matrices in ``processed/<name>.zip``. No single transaction covers the three. So:

1. **write**: the new data is written as a temporary database ``ecolca-import-tmp-<token>``
   (registry entry, then rows). Until step 2 the old database is untouched.
2. **journal**: ``ecolca-import-journal.json`` in the project's folder (written atomically) records
   the name, the temporary name and the new registry entry.
3. **rows**: ONE SQLite transaction deletes the old rows of the name and moves the temporary rows
   to the name (node ids kept). This commit is the point where the swap happened.
4. **registry**: the name's registry entry becomes the new one (marked ``dirty``, so bw2data
   processes it again if anything reads it before step 5); the temporary entry goes.
5. **process**: ``processed/<name>.zip`` is written from the new rows.
6. the journal is removed, last.

:func:`recover` (called when ecolca opens a project: :func:`ecolca.brightway.project.activate` and
``setup``, so by every command, the app, and the import itself) finds a journal left by a killed
process and completes the swap if step 3 committed (no rows remain under the temporary name),
else rolls it back (drops the temporary rows; the old rows were never touched), then drops any
``ecolca-import-*`` database left by a kill during step 1, and compacts ``databases.db`` when
that freed a large share of it (see :func:`compact`). An exception, Ctrl-C or Cancel inside the
import runs the same recovery before it propagates.

One import writes into a project at a time: the write and swap hold an exclusive lock on
``ecolca-import.lock`` (``flock``: the kernel releases it when the process dies, even by
SIGKILL). A second import waits for it (and says so), up to ``$ECOLCA_IMPORT_WAIT`` seconds
(default 600), then is refused with a message naming the database being written. The lock also
keeps the recovery of another process from dropping a live import's temporary database.

``$ECOLCA_TEST_KILL_AT=<step>`` (test-only; ``<step>:INT`` sends SIGINT instead of SIGKILL) makes
the process kill itself at one of :data:`KILL_POINTS`; the tests in
``tests/test_import_swap.py`` use it. No Qt here.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path

from typing import Callable

from ecolca.core.errors import ImportError_

Progress = Callable[[str, float], None]
CancelCheck = Callable[[], bool]
TEMP_PREFIX = "ecolca-import-tmp-"
# --replace: the database being replaced waits under this name until the new one is complete
BACKUP_PREFIX = "ecolca-import-replaced-"

JOURNAL = "ecolca-import-journal.json"
LOCK = "ecolca-import.lock"
WAIT_ENV = "ECOLCA_IMPORT_WAIT"
DEFAULT_WAIT_S = 600.0
KILL_ENV = "ECOLCA_TEST_KILL_AT"
#: where ``$ECOLCA_TEST_KILL_AT`` can stop an import (in this order): after the temporary
#: database is registered, after its rows are written, after the journal, inside the row
#: transaction (before its commit), after the commit, after the registry, after processing
KILL_POINTS = ("registered", "written", "journal", "in-transaction", "committed", "registry",
               "processed")
_PREFIXES = (TEMP_PREFIX, BACKUP_PREFIX)


def kill_point(step: str) -> None:
    """Test-only: kill this process at ``step`` when ``$ECOLCA_TEST_KILL_AT`` names it."""
    want = os.environ.get(KILL_ENV)
    if not want:
        return
    where, _, how = want.partition(":")
    if where == step:
        del os.environ[KILL_ENV]  # once: the recovery that a SIGINT runs passes here again
        os.kill(os.getpid(), signal.SIGINT if how.upper() in ("INT", "SIGINT") else
                signal.SIGKILL)
        time.sleep(1.0)  # SIGINT: the KeyboardInterrupt arrives here


# ---- lock -------------------------------------------------------------------------------------------

def _project_dir() -> Path:
    import bw2data as bd

    return Path(bd.projects.dir)


class ImportLock:
    """The project's import lock (an exclusive ``flock`` on ``ecolca-import.lock``, holding the pid
    and the database being written, for the message another import shows)."""

    def __init__(self, folder: Path | None = None):
        self.path = (folder or _project_dir()) / LOCK
        self._f = None

    def try_acquire(self, name: str = "") -> bool:
        f = open(self.path, "a+", encoding="utf-8")
        try:
            _lock_nb(f)
        except OSError:
            f.close()
            return False
        f.seek(0)
        f.truncate()
        f.write(json.dumps({"pid": os.getpid(), "database": name}))
        f.flush()
        self._f = f
        return True

    def holder(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def release(self) -> None:
        if self._f is not None:
            with contextlib.suppress(OSError):
                self._f.seek(0)
                self._f.truncate()
                self._f.flush()
                _unlock(self._f)
            self._f.close()
            self._f = None


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_nb(f) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(f) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock_nb(f) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(f) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_S)))
    except ValueError:
        return DEFAULT_WAIT_S


@contextlib.contextmanager
def import_lock(name: str, progress: Progress | None = None,
                cancelled: CancelCheck | None = None):
    """Hold the project's import lock for writing ``name``: wait while another process holds it
    (saying which database it writes), up to :func:`wait_seconds`, then refuse."""
    from ecolca.core.errors import Cancelled

    lock = ImportLock()
    deadline = time.monotonic() + wait_seconds()
    said = False
    while not lock.try_acquire(name):
        other = lock.holder()
        what = (f"the import of '{other['database']}'" if other.get("database") else
                "another import") + (f" (process {other['pid']})" if other.get("pid") else "")
        if time.monotonic() >= deadline:
            raise ImportError_(f"database '{name}' not imported: {what} is writing into this "
                               "project; try again when it has finished")
        if not said and progress:
            progress(f"Waiting for {what} to finish before writing '{name}'", 0.75)
        said = True
        if cancelled and cancelled():
            raise Cancelled("import cancelled")
        time.sleep(0.2)
    try:
        yield lock
    finally:
        lock.release()


# ---- journal ----------------------------------------------------------------------------------------

def _journal_path() -> Path:
    return _project_dir() / JOURNAL


def _write_journal(entry: dict) -> None:
    path = _journal_path()
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8") as f:
        f.write(json.dumps(entry))
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_journal() -> dict | None:
    path = _journal_path()
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # unreadable: written only atomically, so this is not ours to trust


def _remove_journal() -> None:
    with contextlib.suppress(FileNotFoundError):
        _journal_path().unlink()
    _fsync_dir(_project_dir())


# ---- rows -------------------------------------------------------------------------------------------

def _reload_registry() -> None:
    """Read ``databases.json`` again: another process may have changed it."""
    import bw2data as bd

    bd.databases.load()


def _forget_ids() -> None:
    with contextlib.suppress(Exception):
        from bw2data.backends import schema

        schema._get_id_cache.clear()


def _count(db: str) -> int:
    from bw2data.backends import ActivityDataset as AD

    return AD.select().where(AD.database == db).count()


def _leftover_row_databases() -> set[str]:
    """Database names with rows and an ``ecolca-import-`` prefix (registered or not)."""
    from bw2data.backends import ActivityDataset as AD
    from bw2data.backends import ExchangeDataset as ED

    found = set()
    for model, col in ((AD, AD.database), (ED, ED.output_database)):
        found |= {n for (n,) in model.select(col).distinct().where(
            (col >= "ecolca-import-") & (col < "ecolca-import.")).tuples()}
    return {n for n in found if n.startswith(_PREFIXES)}


def _delete_rows(db: str) -> None:
    """Delete the rows of ``db`` (call inside a transaction): exchanges, activities."""
    from bw2data.backends import ActivityDataset as AD
    from bw2data.backends import ExchangeDataset as ED

    ED.delete().where(ED.output_database == db).execute()
    AD.delete().where(AD.database == db).execute()


def _delete_params(db: str) -> None:
    """Parameters of ``db`` (``parameters.db``, another SQLite file: not in the rows'
    transaction). Imports write none; a replaced database may have had some."""
    with contextlib.suppress(Exception):
        from bw2data.parameters import (
            ActivityParameter, DatabaseParameter, ParameterizedExchange,
        )

        groups = [g for (g,) in ActivityParameter.select(ActivityParameter.group).distinct()
                  .where(ActivityParameter.database == db).tuples()]
        if groups:
            ParameterizedExchange.delete().where(ParameterizedExchange.group << groups).execute()
        ActivityParameter.delete().where(ActivityParameter.database == db).execute()
        DatabaseParameter.delete().where(DatabaseParameter.database == db).execute()


def _drop(db: str) -> None:
    """Remove ``db`` everywhere: rows (one transaction), registry entry, processed file, search
    index. Unlike ``del bd.databases[db]`` this does not VACUUM each time."""
    import bw2data as bd
    from bw2data.backends import sqlite3_lci_db

    with sqlite3_lci_db.transaction():
        _delete_rows(db)
    _delete_params(db)
    if db in bd.databases:
        bd.databases.data.pop(db, None)
        bd.databases.flush(signal=False)
    _forget_files(db)


def _forget_files(db: str) -> None:
    import bw2data as bd

    node = bd.Database(db)
    with contextlib.suppress(Exception):
        (node.dirpath_processed() / node.filename_processed()).unlink(missing_ok=True)
    with contextlib.suppress(Exception):
        from bw2data.search import IndexManager

        IndexManager(node.filename).delete_database()


def _move_rows(old: str, new: str) -> None:
    """ONE SQLite transaction: delete the rows of ``new`` (the database replaced) and move the
    rows of ``old`` (the temporary database) to ``new``, node ids kept, the name inside each
    row's data too (:func:`ecolca.brightway.bwcompat.move_rows`). Nothing outside ``old`` links into
    ``old`` (true of an import's write)."""
    from bw2data.backends import sqlite3_lci_db

    from ecolca.brightway.bwcompat import move_rows

    with sqlite3_lci_db.transaction():
        _delete_rows(new)
        move_rows(old, new)
        kill_point("in-transaction")
    _forget_ids()


def compact() -> bool:
    """VACUUM ``databases.db`` when more than 10 % of its pages are free (bw2data's own policy,
    ``config.vacuum``). SQLite keeps the pages of deleted rows in the file for reuse: each
    ``--replace`` frees the old copy, and a dropped leftover frees its copy; without VACUUM the
    file stays at its largest (``docs/backgrounds.md`` has the numbers). Skipped when another
    process is using the file (VACUUM needs it alone)."""
    from bw2data.backends import sqlite3_lci_db

    try:
        return bool(sqlite3_lci_db.vacuum())
    except Exception:  # noqa: BLE001  (database is locked: another ecolca reads it; next time)
        return False


# ---- the write --------------------------------------------------------------------------------------

def write_database(name: str, data: dict, meta: dict, replace: bool = False,
                   progress: Progress | None = None, cancelled: CancelCheck | None = None) -> bool:
    """Write ``data`` (``{(name, code): dataset}``, exchanges linked to ``name`` or other
    databases) as database ``name`` through a temporary database and a journaled swap (module
    docstring); returns whether an existing ``name`` was replaced. On any error, cancel, Ctrl-C
    or kill the project ends with the old ``name`` (or none) or the complete new one, never a
    mix, and no temporary database."""
    import bw2data as bd

    from ecolca.core.errors import Cancelled

    say = progress or (lambda m, f: None)
    is_cancelled = cancelled or (lambda: False)
    token = uuid.uuid4().hex[:12]
    tmp = f"{TEMP_PREFIX}{token}"
    meta = dict(meta, ecolca_import_token=token)
    tmp_data = _relabel(data, name, tmp)
    with import_lock(name, say, is_cancelled):
        _reload_registry()
        recover(locked=True)  # a swap a killed process left; leftovers
        check_target(name, replace)  # again: the database may have appeared while we waited
        replaced = name in bd.databases
        try:
            if is_cancelled():
                raise Cancelled("import cancelled")
            say(f"Writing {len(tmp_data):,} activities", 0.75)
            t0 = time.perf_counter()
            db = bd.Database(tmp)
            db.register(write_empty=False, **meta)  # write_empty: a processed file, a VACUUM
            kill_point("registered")
            db.write(tmp_data, process=False, searchable=False, check_typos=False)
            kill_point("written")
            if is_cancelled():
                raise Cancelled("import cancelled")
            say(f"Written in {time.perf_counter() - t0:.1f} s; swapping it in as '{name}'", 0.9)
            _write_journal({"version": 1, "name": name, "tmp": tmp, "token": token,
                            "activities": len(tmp_data), "pid": os.getpid(),
                            "meta": dict(bd.databases[tmp])})
            kill_point("journal")
            _move_rows(tmp, name)
            kill_point("committed")
            _finish(name, tmp)
        except BaseException:
            recover(locked=True, report=lambda line: None)  # undo, or finish a committed swap
            raise
    return replaced


def _relabel(data: dict, name: str, tmp: str) -> dict:
    out = {}
    for (_db, code), ds in data.items():
        ds = dict(ds)
        ds["exchanges"] = [dict(e, input=(tmp if e["input"][0] == name else e["input"][0],
                                          e["input"][1])) if "input" in e else dict(e)
                           for e in ds.get("exchanges", [])]
        for e in ds["exchanges"]:
            if "output" in e:
                e["output"] = (tmp, e["output"][1])
        ds["database"] = tmp
        out[(tmp, code)] = ds
    return out


def _finish(name: str, tmp: str) -> None:
    """Steps 4 to 6, after the rows moved: registry, processed file, journal. Repeatable (the
    recovery of a killed process runs it again)."""
    import bw2data as bd

    journal = _read_journal() or {}
    md = dict(journal.get("meta") or bd.databases.get(tmp) or bd.databases.get(name) or {})
    md["dirty"] = True  # bw2data processes a dirty database before it is used
    bd.databases.data[name] = md
    bd.databases.data.pop(tmp, None)
    bd.databases.flush(signal=False)
    kill_point("registry")
    _forget_files(tmp)
    _delete_params(name)
    _forget_files(name)  # a stale search index of the old rows; the processed file is rewritten
    bd.Database(name).process()
    md = bd.databases[name]
    md.pop("dirty", None)
    bd.databases[name] = md
    kill_point("processed")
    _remove_journal()
    compact()


# ---- recovery ---------------------------------------------------------------------------------------

def leftover_temporary_databases() -> list[str]:
    """``ecolca-import-*`` databases in the registry or in the rows of the current project."""
    import bw2data as bd

    names = {d for d in bd.databases if d.startswith(_PREFIXES)}
    return sorted(names | _leftover_row_databases())


def needs_recovery() -> bool:
    """Cheap: a journal file, or an ``ecolca-import-*`` name in the registry file (read from disk:
    another process may have written it), or in the rows."""
    import bw2data as bd

    if _journal_path().exists() or any(d.startswith(_PREFIXES) for d in bd.databases):
        return True
    with contextlib.suppress(OSError):
        if '"ecolca-import-' in (_project_dir() / "databases.json").read_text(encoding="utf-8"):
            return True
    return bool(_leftover_row_databases())


def recover(locked: bool = False, report=None) -> list[str]:
    """Finish or undo a swap that a killed import left, drop leftover ``ecolca-import-*``
    databases, compact; returns what was done (sentences). Without ``locked`` this takes the
    import lock, and does nothing when another process holds it (its import is live: its
    temporary database is not a leftover)."""
    if not locked:
        if not needs_recovery():
            return []
        lock = ImportLock()
        if not lock.try_acquire(""):
            return []
        try:
            _reload_registry()
            return recover(locked=True, report=report)
        finally:
            lock.release()
    import bw2data as bd

    done = []
    freed = False
    journal = _read_journal()
    if journal is not None:
        name, tmp = journal.get("name"), journal.get("tmp")
        if name and tmp and _count(tmp) == 0 and _count(name) == journal.get("activities"):
            _finish(name, tmp)  # the rows moved: the new database is complete, finish the swap
            done.append(f"completed the interrupted import of '{name}' (the new data is in place)")
        else:
            # the journal goes first: killed after it, the temporary database is a plain
            # leftover (dropped below, next time), never taken for a finished swap
            _remove_journal()
            if tmp and (tmp in bd.databases or _count(tmp)):
                _drop(tmp)
                freed = True
            if name:
                old = name in bd.databases
                done.append(f"undid the interrupted import of '{name}' ("
                            + ("the previous data is kept" if old else "nothing was imported")
                            + ")")
    for db in leftover_temporary_databases():
        if db.startswith(BACKUP_PREFIX) and not _backup_is_superseded(db):
            continue  # left by ecolca before the journal; see _backup_is_superseded
        _drop(db)
        freed = True
        done.append(f"dropped '{db}', left by an interrupted import")
    with contextlib.suppress(OSError):  # processed files of temporary databases no longer there
        keep = {bd.Database(d).filename_processed() for d in bd.databases}
        for f in (_project_dir() / "processed").glob("ecolca-import-*"):
            if f.name not in keep:
                f.unlink()
    if freed:
        compact()
    for line in done:
        (report or _stderr)(f"ecolca: {line}")
    return done


def _backup_is_superseded(backup: str) -> bool:
    """``ecolca-import-replaced-<token>`` is what ecolca before the swap journal renamed a replaced
    database to; its name is not recorded anywhere. It is dropped only when the import that made
    it finished (a database carries its token); otherwise it may be the only copy of the user's
    data, and stays (the message says so)."""
    import bw2data as bd

    token = backup[len(BACKUP_PREFIX):]
    if any(md.get("ecolca_import_token") == token for d, md in bd.databases.items()
           if not d.startswith(_PREFIXES)):
        return True
    _stderr(f"ecolca: '{backup}' holds the data of a database whose replacement was interrupted "
            "(by an ecolca version before the import journal); its name was not recorded, so it "
            "is kept: import the database again with --replace, then remove it")
    return False


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def check_target(name: str, replace: bool) -> None:
    import bw2data as bd

    if not name or not name.strip():
        raise ImportError_("--name: the database name is empty")
    if name.startswith((TEMP_PREFIX, BACKUP_PREFIX)) or name.startswith("ecolca: "):
        raise ImportError_(f"--name '{name}': names starting with '{TEMP_PREFIX}', '{BACKUP_PREFIX}' or 'ecolca: ' "
                           "are reserved for ecolca")
    if name == "biosphere3":
        raise ImportError_("--name 'biosphere3' is the project's elementary flows; choose "
                           "another name")
    if name in bd.databases and not replace:
        raise ImportError_(f"database '{name}' already exists in the project; choose another "
                           "--name or pass --replace")
