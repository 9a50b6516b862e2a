"""Writing only what changed of a scenario's foreground database (docs/engine.md, "The
Brightway foreground database and the cross-check").

A one-number edit of a 3,000-site park changes one of its 12,002 activities; rewriting all of
them through ``bw2data.Database.write`` took 12.9 s of a 22.6 s run. Each activity of the data
ecolca writes has a digest (of its whole record: name, comment, location, every exchange's input,
amount and type); the digests of the database as ecolca last wrote it are kept beside it in
ecolca's cache folder (``<cache>/foreground/<hash of the database name>.json``). When the next
scenario's foreground is written, the activities whose digest changed are deleted and written
again with bw2data's own row functions, the ones that went are deleted, and the database is
processed again by bw2data (``Database.process``), so Activity Browser and bw2calc find it exactly
as a whole write would have left it (``tests/test_foreground_update.py``).

The kept digests are trusted only while they describe the database: the database's
``ecolca_digest`` is the one they were written with, and its fingerprint (bw2data's modified
time, the numbers of its activities and exchanges) is the one ecolca recorded after its own last
write, i.e. nobody changed it since (Activity Browser, bw2data). Otherwise, and in a project that
keeps revisions (``projects.dataset.is_sourced``), the whole database is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

DIGESTS_FORMAT = 1


def activity_digests(data: dict) -> dict[str, str]:
    """{code: digest} of the activities of ``data`` (``Database.write``'s input; the floats'
    reprs are exact)."""
    return {code: hashlib.blake2b(repr(ds).encode(), digest_size=16).hexdigest()
            for (_, code), ds in data.items()}


def _path(name: str) -> Path | None:
    from ecolca.brightway.bwcompat import cache_root

    root = cache_root()
    if root is None:
        return None
    return root / "foreground" / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".json")


def forget(name: str) -> None:
    """Drop the kept digests of database ``name`` (before a write that may fail half-way)."""
    p = _path(name)
    if p is not None:
        with contextlib.suppress(OSError):
            p.unlink()


def keep(name: str, digest: str, digests: dict[str, str]) -> None:
    """Keep ``digests`` as those of database ``name`` written with foreground digest ``digest``
    (atomically; a failure costs the next run its speed, nothing else)."""
    p = _path(name)
    if p is None:
        return
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"format": DIGESTS_FORMAT, "database": name, "digest": digest,
                       "activities": digests}, fh)
        os.replace(tmp, p)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


def kept(name: str, current: bool) -> dict[str, str] | None:
    """The digests kept for database ``name`` if they still describe it (``current``: its
    fingerprint is the one ecolca recorded), else None."""
    import bw2data as bd

    p = _path(name)
    if p is None or not current or name not in bd.databases:
        return None
    try:
        with open(p, encoding="utf-8") as fh:
            d = json.load(fh)
    except (OSError, ValueError):
        return None
    md = bd.databases[name]
    if not isinstance(d, dict) or d.get("format") != DIGESTS_FORMAT or d.get("database") != name \
            or not md.get("ecolca_digest") or d.get("digest") != md.get("ecolca_digest") \
            or not isinstance(d.get("activities"), dict):
        return None
    return d["activities"]


def update(name: str, data: dict, now: dict[str, str], before: dict[str, str]) -> int:
    """Make database ``name`` (whose activities have the digests ``before``) hold ``data``
    (digests ``now``) by rewriting only the activities that differ, then process it. Returns the
    number of activities written or deleted. The caller removes the database's digest from its
    metadata first, so that a failure half-way makes the next run write it whole."""
    import bw2data as bd
    from bw2data import geomapping
    from bw2data.backends import ActivityDataset as AD
    from bw2data.backends import ExchangeDataset as ED
    from bw2data.backends import sqlite3_lci_db
    from bw2data.configuration import labels
    from bw2data.utils import get_geocollection, set_correct_process_type

    changed = [c for c, h in now.items() if before.get(c) != h]
    gone = [c for c in before if c not in now]
    db = bd.Database(name)
    doomed = changed + gone
    with sqlite3_lci_db.db.atomic():
        for i in range(0, len(doomed), 500):
            part = doomed[i:i + 500]
            ED.delete().where((ED.output_database == name) & (ED.output_code << part)).execute()
            AD.delete().where((AD.database == name) & (AD.code << part)).execute()
        exchanges: list = []
        activities: list = []
        for code in changed:
            ds = dict(data[(name, code)], database=name, code=code)
            ds = set_correct_process_type(ds)
            exchanges, activities = db._efficient_write_dataset(ds, exchanges, activities)
        if activities:
            AD.insert_many(activities).execute()
        if exchanges:
            ED.insert_many(exchanges).execute()
    # what Database.write records besides the rows
    md = bd.databases[name]
    md["number"] = len(data)
    locations = {ds.get("location") for ds in data.values()}
    md["geocollections"] = sorted({get_geocollection(ds.get("location")) for ds in data.values()
                                   if ds.get("type") in labels.process_node_types} - {None})
    bd.databases[name] = md
    bd.databases.set_modified(name)
    geomapping.add({x for x in locations if x})
    db.process()
    return len(doomed)
