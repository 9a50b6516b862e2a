"""The scenario as a Brightway database: the record that Activity Browser opens.

One activity per site (its stand-alone, linear operation), one per exchange (what the exchange
changes: minus the residue's fate, minus the replaced supply, plus transport and processing), and
two system activities, *park, linear* (all sites) and *park, symbiotic* (all sites and all
exchanges). Exchange activities link only to the background, so cycles between sites need nothing
special. Every amount is a row of the term table (:mod:`ecolca.lca.terms`).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from ecolca import __version__
from ecolca.lca.project_check import _Lookup, foreground_name, terms_of
from ecolca.lca.terms import TermTable
from ecolca.core.model import Scenario


@dataclass
class Foreground:
    database: str
    ids: dict[str, int]  # foreground code -> node id
    seconds: float
    # why an unchanged scenario's database was written again (changed outside ecolca), or None
    rewritten: str | None = None


@contextlib.contextmanager
def _flock(name: str):
    """An exclusive advisory lock on ``<project folder>/ecolca-locks/<name>.lock``, held until the
    block ends (or the process does, even by a crash). Works across processes and threads."""
    import fcntl

    import bw2data as bd

    folder = Path(bd.projects.dir) / "ecolca-locks"
    folder.mkdir(exist_ok=True)
    with open(folder / f"{name}.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def process_edited_databases() -> list[str]:
    """Process the databases that bw2data marks as edited but not yet processed ("dirty": an
    exchange saved through bw2data or in Activity Browser) and return their names. Until then
    their ``depends`` list and matrices are stale: a link from a background activity to a new
    database was not in the matrices bw2calc built, and the run died with
    ``NonsquareTechnosphere``. Nothing to do (one look at the list) when none is dirty."""
    import bw2data as bd

    with _flock("project-metadata"):
        bd.databases.load()
        dirty = [db for db in bd.databases if bd.databases[db].get("dirty")]
        if dirty:
            bd.databases.clean()
    return dirty


def foreground_lock(sc: Scenario):
    """Hold the scenario's foreground database for this process from writing it to reading its
    results. Two runs of variants of one file (same id and name) share a foreground: without the
    lock one could rewrite it while the other computes, and report the other file's numbers."""
    return _flock(_foreground_lock_name(foreground_name(sc)))


def _foreground_lock_name(database: str) -> str:
    return "fg-" + hashlib.sha256(database.encode()).hexdigest()[:32]


def _drop_renamed_foregrounds(sc: Scenario, name: str) -> None:
    """Delete the foregrounds this scenario left under its earlier names: one foreground
    database per scenario id (``… [<id>]``), so a renamed scenario does not show twice in
    Activity Browser. A foreground another run is reading (its lock is held) is left alone.
    Call with the project-metadata lock held and ``bd.databases`` freshly loaded."""
    import fcntl

    import bw2data as bd

    tail = f" [{sc.id}]"
    stale = [db for db in list(bd.databases) if db != name and db.endswith(tail)
             and bd.databases[db].get("ecolca_foreground")]
    folder = Path(bd.projects.dir) / "ecolca-locks"
    for db in stale:
        lock = folder / f"{_foreground_lock_name(db)}.lock"
        with open(lock, "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # a run of the old name is computing from it: keep it for now
                continue
            try:
                with contextlib.suppress(Exception):
                    del bd.databases[db]
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def build_foreground(sc: Scenario, lookup: _Lookup | None = None,
                     table: TermTable | None = None, digest: str | None = None) -> Foreground:
    """Write the scenario as a Brightway database (replacing an earlier one of the same name).

    Call it inside :func:`foreground_lock` when results are read from the database afterwards.
    A database that this call registers and fails to write is removed again: an error or Ctrl-C
    leaves no half-registered database in the project."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    t0 = time.perf_counter()
    lookup = lookup or _Lookup.for_scenario(sc)
    name = foreground_name(sc)
    digest = digest or foreground_digest(sc, lookup)
    # bw2data keeps the project's database list (databases.json) in memory and writes all of it
    # back on every change: another process's writes are invisible to this one, and its own
    # write would undo theirs. So: one process at a time, and read the list afresh first.
    rewritten = None
    with _flock("project-metadata"):
        bd.databases.load()
        _drop_renamed_foregrounds(sc, name)
        if name in bd.databases and bd.databases[name].get("ecolca_digest") == digest:
            rewritten = _changed_outside(name)
            if rewritten is not None:  # never reuse it: the write below replaces it whole
                md = bd.databases[name]
                md.pop("ecolca_digest", None)
                bd.databases[name] = md
                bd.databases.flush()
        if name not in bd.databases or bd.databases[name].get("ecolca_digest") != digest:
            _write_foreground(sc, name, _foreground_data(sc, name, table or terms_of(sc, lookup)),
                              digest)
    # plain SQL: peewee's row objects cost 0.5 s for the 12,000 nodes of a 3,000-site park
    ids = dict(AD._meta.database.execute_sql(
        f"SELECT code, id FROM {AD._meta.table_name} WHERE database = ?", (name,)).fetchall())
    return Foreground(name, ids, time.perf_counter() - t0, rewritten)


def _fingerprint(name: str) -> list:
    """What tells that a foreground database was changed since ecolca wrote it: bw2data's
    ``modified`` time of it (set by every write and every save of one of its activities or
    exchanges, as Activity Browser makes) and the numbers of its activities and exchanges (two
    SQL counts, about 1 ms for a 100-site park; they catch a change made without bw2data's
    bookkeeping that adds or deletes a row)."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD
    from bw2data.backends import ExchangeDataset as ED

    db = AD._meta.database
    n_act = db.execute_sql(f"SELECT COUNT(*) FROM {AD._meta.table_name} WHERE database = ?",
                           (name,)).fetchone()[0]
    n_exc = db.execute_sql(f"SELECT COUNT(*) FROM {ED._meta.table_name} WHERE output_database = ?",
                           (name,)).fetchone()[0]
    return [str(bd.databases[name].get("modified")), int(n_act), int(n_exc)]


def _changed_outside(name: str) -> str | None:
    """Why the foreground database ``name`` (its digest current) must be written again, or
    None: it was edited outside ecolca since ecolca wrote it (in Activity Browser, or through
    bw2data), so it no longer is the scenario; a database written before ecolca kept its
    fingerprint is written again once."""
    import bw2data as bd

    stored = bd.databases[name].get("ecolca_fingerprint")
    now = _fingerprint(name)
    if stored == now:
        return None
    if stored is None:
        return ("it carries no record of its state when ecolca "
                "wrote it (an older ecolca wrote it), so it was written again from the scenario")
    what = []
    if stored[0] != now[0]:
        what.append(f"modified {now[0]}, after ecolca wrote it at {stored[0]}")
    if stored[1:] != now[1:]:
        what.append(f"{now[1]} activities and {now[2]} exchanges instead of {stored[1]} and "
                    f"{stored[2]}")
    return (f"it was changed outside ecolca ({'; '.join(what)}; "
            "an edit in Activity Browser or through bw2data?), so it was written again from "
            "the scenario: edits belong in the scenario file, which is what ecolca computes")


# the layout of the foreground database; a change of it must rewrite every foreground
FOREGROUND_FORMAT = 2


def foreground_digest(sc: Scenario, lookup: _Lookup) -> str:
    """What the foreground database is made from: the scenario's sites (id, name, location,
    flows) and exchanges, its name and id, the background node ids and units it links to, and
    the foreground layout; not the methods, calculation settings or site positions. An unchanged
    scenario keeps its foreground, since rewriting it is most of a repeated run's time; a
    reinstalled background database (new node ids) rewrites it. The dataclasses' reprs are
    exact (floats round-trip) and are hashed one site at a time, so that a large park is never
    serialised whole in memory."""
    h = hashlib.sha256()
    nodes = sorted((k, lookup.ids[k], str(lookup.nodes[k].get("unit"))) for k in lookup.ids)
    h.update(repr((FOREGROUND_FORMAT, __version__, sc.name, sc.id, nodes)).encode())
    for site in sc.sites:
        h.update(repr((site.id, site.name, site.location, site.flows)).encode())
    for e in sc.exchanges:
        h.update(repr(e).encode())
    return h.hexdigest()


def _foreground_data(sc: Scenario, name: str, table: TermTable) -> dict:
    """The foreground database as bw2data's ``Database.write`` takes it, from the term table."""
    data: dict = {}
    amounts = table.amounts()
    site_rows = table.site_rows(amounts)
    exchange_rows = table.exchange_rows(amounts)

    def tech(key: tuple[str, str], amount: float) -> dict:
        return {"input": key, "amount": amount, "type": "technosphere"}

    def bio(key: tuple[str, str], amount: float) -> dict:
        return {"input": key, "amount": amount, "type": "biosphere"}

    def activity(code: str, label: str, unit: str, exchanges: list[dict], comment: str,
                 location: str = "GLO") -> None:
        data[(name, code)] = {
            "name": label, "reference product": label, "unit": unit, "location": location,
            "type": "process", "comment": comment,
            "exchanges": [{"input": (name, code), "amount": 1.0, "type": "production"}] + exchanges,
        }

    for site in sc.sites:
        exs = [bio(k, a) if is_bio else tech(k, a) for k, a, is_bio in site_rows[site.id]]
        activity(f"site:{site.id}", f"{site.name}, stand-alone operation (linear)", "year", exs,
                 f"Annual flows of site '{site.name}' as it operates on its own.",
                 site.location or "GLO")
    for e in sc.exchanges:
        exs = [tech(k, a) for k, a in exchange_rows[e.id]]
        activity(f"exchange:{e.id}", f"exchange {sc.exchange_label(e)}", "year", exs,
                 "Change made by the exchange: minus the residue's fate, minus the replaced supply, "
                 "plus transport and processing.")
    activity("park:linear", f"{sc.name}, park, linear configuration", "year",
             [tech((name, f"site:{s.id}"), 1.0) for s in sc.sites],
             "Every site buys all supplies and sends every residue to its linear fate.")
    activity("park:symbiotic", f"{sc.name}, park, symbiotic configuration", "year",
             [tech((name, f"site:{s.id}"), 1.0) for s in sc.sites]
             + [tech((name, f"exchange:{e.id}"), 1.0) for e in sc.exchanges],
             "As linear, with every exchange in place.")
    return data


def _write_foreground(sc: Scenario, name: str, data: dict, digest: str) -> None:
    import bw2data as bd

    db = bd.Database(name)
    if name not in bd.databases or bd.databases[name].get("ecolca_digest") != digest:
        registered = name not in bd.databases
        try:
            if registered:
                db.register(description=f"ecolca foreground of scenario '{sc.name}'",
                            ecolca_foreground=True)
            db.write(data, searchable=False)
            md = bd.databases[name]
            md.update(ecolca_digest=digest, ecolca=__version__, ecolca_foreground=True,
                      ecolca_fingerprint=_fingerprint(name))
            bd.databases[name] = md
            bd.databases.flush()
        except BaseException:
            if registered and name in bd.databases:
                with contextlib.suppress(Exception):
                    del bd.databases[name]
            elif name in bd.databases:  # an old foreground half rewritten: never reuse it
                with contextlib.suppress(Exception):
                    md = bd.databases[name]
                    md.pop("ecolca_digest", None)
                    bd.databases[name] = md
                    bd.databases.flush()
            raise
