"""Unit scores kept between runs, per (database state, activity, method), in the project folder
(``<Brightway folder>/<project>/ecolca-cache/unit-scores.sqlite``).

A unit score depends on the activity's database and every database it links to (bw2data's
``depends``, followed to the end), and on the method's data. The cache key holds a fingerprint of
each: the databases' ``modified``/``processed`` times and sizes, and the processed method file's
size and modification time. Writing or reinstalling any of them changes the fingerprint, and its
old scores are never read again (they are deleted on the next store).

The app's live results and the synergy finder read scores from here without a solve.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from pathlib import Path

import numpy as np

_SCHEMA = """CREATE TABLE IF NOT EXISTS score (
    db_state TEXT NOT NULL, method_state TEXT NOT NULL, database TEXT NOT NULL, code TEXT NOT NULL,
    method TEXT NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (db_state, method_state, database, code, method))"""


def _path() -> Path:
    import bw2data as bd

    folder = Path(bd.projects.dir) / "ecolca-cache"
    folder.mkdir(exist_ok=True)
    return folder / "unit-scores.sqlite"


def database_state(name: str) -> str:
    """Fingerprint of ``name`` and every database it depends on."""
    import bw2data as bd

    seen: list[str] = []
    todo = [name]
    while todo:
        n = todo.pop()
        if n in seen or n not in bd.databases:
            continue
        seen.append(n)
        todo.extend(bd.databases[n].get("depends", []))
    h = hashlib.sha256()
    for n in sorted(seen):
        md = bd.databases[n]
        h.update(repr((n, md.get("modified"), md.get("processed"), md.get("number"))).encode())
    return h.hexdigest()[:32]


# raise it whenever the meaning of a stored score changes (3: a score the supply chain cannot
# reach, or below numerical precision, is stored as 0, never as the solve's rounding noise)
SCORES_FORMAT = 3


def method_state(method: tuple[str, ...]) -> str:
    import bw2data as bd

    m = bd.Method(tuple(method))
    try:
        st = Path(m.filepath_processed()).stat()
        sig = (st.st_size, st.st_mtime_ns)
    except (OSError, AttributeError):
        sig = (None, None)
    return hashlib.sha256(repr((SCORES_FORMAT, tuple(method), sig, bd.methods.get(
        tuple(method), {}).get("num_cfs"))).encode()).hexdigest()[:32]


def _connect() -> sqlite3.Connection:
    con = sqlite3.connect(_path(), timeout=30)
    con.execute(_SCHEMA)
    return con


def store(keys: list[tuple[str, str]], methods: list[tuple[str, ...]], scores: np.ndarray) -> None:
    """Keep ``scores`` (len(keys), len(methods)) of background activities ``keys``."""
    if not keys:
        return
    dbs = {k[0]: database_state(k[0]) for k in keys}
    ms = {m: method_state(m) for m in methods}
    rows = [(dbs[k[0]], ms[m], k[0], k[1], json.dumps(list(m)), float(scores[i, j]))
            for i, k in enumerate(keys) for j, m in enumerate(methods)]
    with _connect() as con:
        for db, state in dbs.items():  # scores of an older state of this database are dead
            con.execute("DELETE FROM score WHERE database = ? AND db_state != ?", (db, state))
        con.executemany("INSERT OR REPLACE INTO score VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.close()


def lookup(keys: list[tuple[str, str]], methods: list[tuple[str, ...]]
           ) -> tuple[np.ndarray, np.ndarray]:
    """(scores, found): scores (len(keys), len(methods)) from the cache, and a boolean array of
    the same shape that is True where the score was there for the current database and method
    states."""
    out = np.zeros((len(keys), len(methods)))
    found = np.zeros(out.shape, dtype=bool)
    if not keys or not _path().exists():
        return out, found
    dbs = {k[0]: database_state(k[0]) for k in keys}
    ms = {m: method_state(m) for m in methods}
    pos = {(k, json.dumps(list(m))): (i, j) for i, k in enumerate(keys) for j, m in enumerate(methods)}
    con = _connect()
    try:
        for db, state in dbs.items():
            codes = [k[1] for k in keys if k[0] == db]
            for a in range(0, len(codes), 500):
                chunk = codes[a:a + 500]
                q = (f"SELECT code, method, method_state, score FROM score WHERE db_state = ? AND "
                     f"database = ? AND code IN ({','.join('?' * len(chunk))})")
                for code, method, mstate, score in con.execute(q, [state, db, *chunk]):
                    ij = pos.get(((db, code), method))
                    if ij is not None and ms[methods[ij[1]]] == mstate:
                        out[ij] = score
                        found[ij] = True
    finally:
        con.close()
    return out, found


# ---- whole solves of a foreground database ------------------------------------------------
# A run of an unchanged scenario on unchanged databases and methods solves exactly what the last
# run solved. The solve's numbers (unit scores, direct-emission factors, key-flow inventories,
# coverage, the foreground's L and S) are kept per foreground database in
# ``ecolca-cache/solved/``, under a key made of the foreground's content digest, the state of
# every database it depends on (itself included), each method's state, the term table's nodes
# and ecolca's version. Any change of those is a different key: the record is never read again
# and the next store for that foreground replaces it.

SOLVED_FORMAT = 4  # raise it whenever Solved changes shape (a stored record would lack a field), or
# the meaning of its numbers (4: background unit scores and key-flow inventories from the
# unit-score cache, see solve.solve)


def solved_key(foreground: str, table_keys, methods) -> str | None:
    """The record key of a solve of ``foreground`` for ``table_keys`` and ``methods``; None when
    the foreground has no content digest (it was not written by ecolca)."""
    import bw2data as bd

    from ecolca import __version__

    md = bd.databases.get(foreground) if foreground in bd.databases else None
    if not md or not md.get("ecolca_digest"):
        return None
    h = hashlib.sha256()
    h.update(repr((SOLVED_FORMAT, __version__, foreground, md["ecolca_digest"],
                   database_state(foreground), [method_state(m) for m in methods],
                   [tuple(m) for m in methods], [tuple(k) for k in table_keys])).encode())
    return h.hexdigest()[:40]


def _solved_file(foreground: str) -> Path:
    import bw2data as bd

    folder = Path(bd.projects.dir) / "ecolca-cache" / "solved"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (hashlib.sha256(foreground.encode()).hexdigest()[:24] + ".pickle")


def load_solved(foreground: str, key: str | None):
    """The Solved record stored under ``key``, or None."""
    import pickle

    if key is None:
        return None
    try:
        with open(_solved_file(foreground), "rb") as fh:
            record = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    return record.get("solved")


def store_solved(foreground: str, key: str | None, solved) -> None:
    """Keep ``solved`` under ``key`` (one record per foreground database; written atomically)."""
    import os
    import pickle
    import tempfile

    if key is None:
        return
    path = _solved_file(foreground)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump({"key": key, "solved": solved}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
