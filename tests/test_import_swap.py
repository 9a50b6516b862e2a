"""``ecolca import … --replace`` killed (SIGKILL) or interrupted (SIGINT) at every step of the
write and swap, at a random moment of the write, and run twice at once: the name always holds
the complete old or the complete new database (activities, exchanges and an LCA score), and
after the next ecolca command no ``ecolca-import-*`` database, row or journal remains (issue #19,
points 4 and 7). The kills are real subprocesses; ``$ECOLCA_TEST_KILL_AT`` (test-only, see
``ecolca.brightway.swap``) makes them deterministic."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT, ROOT

NAME = "t-swap"
GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
OLD = {"n": 3, "co2": 1.0}
NEW = {"n": 400, "co2": 2.0}
# the swap's steps before the row transaction commits leave the old data, after it the new
BEFORE_COMMIT = ("registered", "written", "journal", "in-transaction")
AFTER_COMMIT = ("committed", "registry", "processed")


def _expected(v: dict) -> dict:
    """Counts and the GWP100 score of 1 kg of 'product 0', from how the workbook is built: a
    chain where process i emits ``co2`` kg of fossil CO2 and uses 0.5 kg of product i+1. The
    characterisation factor of fossil CO2 in GWP100 is 1 by definition of the GWP (IPCC AR6 WG1
    ch. 7, table 7.15)."""
    n = v["n"]
    return {"activities": n, "exchanges": n + n + (n - 1),
            "score": v["co2"] * sum(0.5 ** k for k in range(n))}


def _workbook(folder: Path, v: dict) -> Path:
    import bw2data as bd
    from bw2io.export import write_lci_excel

    co2 = next(a.key for a in bd.Database("biosphere3")
               if a["name"] == "Carbon dioxide, fossil" and a.get("categories") == ("air",))
    src = f"t-swap-src-{v['n']}"
    data = {}
    for i in range(v["n"]):
        exc = [{"input": (src, f"a{i}"), "amount": 1.0, "type": "production"},
               {"input": co2, "amount": v["co2"], "type": "biosphere"}]
        if i + 1 < v["n"]:
            exc.append({"input": (src, f"a{i + 1}"), "amount": 0.5, "type": "technosphere"})
        data[(src, f"a{i}")] = {"name": f"process {i}", "reference product": f"product {i}",
                                "unit": "kilogram", "location": "GLO", "exchanges": exc}
    bd.Database(src).write(data)
    out = folder / f"swap-{v['n']}.xlsx"
    os.replace(write_lci_excel(src, dirpath=str(folder)), out)
    del bd.databases[src]
    return out


@pytest.fixture(scope="module")
def books(_bw_project_built, tmp_path_factory):
    """The two workbooks; at the end, the session's project without NAME (other tests list
    every database of the project)."""
    import bw2data as bd

    bd.projects.set_current(PROJECT)
    folder = tmp_path_factory.mktemp("swap-books")
    yield {"old": _workbook(folder, OLD), "new": _workbook(folder, NEW)}
    bd.projects.set_current(PROJECT)
    bd.databases.load()
    if NAME in bd.databases:
        del bd.databases[NAME]


def _env(extra: dict | None = None) -> dict:
    e = dict(os.environ)
    e["ECOLCA_PROJECT"] = PROJECT
    e["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + e.get("PYTHONPATH", "")
    e.pop("ECOLCA_TEST_KILL_AT", None)
    e.update(extra or {})
    return e


def _import_cmd(book: Path) -> list[str]:
    return [sys.executable, "-m", "ecolca", "import", "excel", str(book), "--name", NAME,
            "--replace", "--allow-unlinked"]


def _run(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, env=_env(env), timeout=300)


def _next_command(new_process: bool = False) -> str:
    """A cheap ecolca command that opens the project (in this process, through ``cli.main`` as
    the console script does, or in a new process); its stderr."""
    if new_process:
        r = _run([sys.executable, "-m", "ecolca", "methods", "IPCC 2021"])
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        return r.stderr
    import contextlib
    import io

    from ecolca import cli

    out, err = io.StringIO(), io.StringIO()
    os.environ["ECOLCA_PROJECT"] = PROJECT
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["methods", "IPCC 2021"])
    finally:
        os.environ.pop("ECOLCA_PROJECT", None)
    assert code == 0, err.getvalue()
    return err.getvalue()


def _project_dir() -> Path:
    import bw2data as bd

    return Path(bd.projects.dir)


def _state() -> dict:
    """What the project holds under NAME, read from disk (the subprocesses wrote it)."""
    import bw2calc as bc
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD
    from bw2data.backends import ExchangeDataset as ED
    from bw2data.backends import schema

    bd.projects.set_current(PROJECT)
    bd.databases.load()
    schema._get_id_cache.clear()
    out = {"registered": NAME in bd.databases,
           "activities": AD.select().where(AD.database == NAME).count(),
           "exchanges": ED.select().where(ED.output_database == NAME).count()}
    if out["registered"] and out["activities"]:
        lca = bc.LCA({bd.get_node(database=NAME, code="a0"): 1.0}, GWP)
        lca.lci()
        lca.lcia()
        out["score"] = float(lca.score)
    return out


def _which(state: dict) -> str:
    for label, v in (("old", OLD), ("new", NEW)):
        want = _expected(v)
        if (state["registered"] and state["activities"] == want["activities"]
                and state["exchanges"] == want["exchanges"]
                and state.get("score") == pytest.approx(want["score"], rel=1e-9)):
            return label
    return f"neither: {state}"


def _leftovers() -> list[str]:
    """``ecolca-import-*`` names in the registry, the rows or the processed files, and a
    journal file."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD
    from bw2data.backends import ExchangeDataset as ED

    bd.databases.load()
    names = {d for d in bd.databases if d.startswith("ecolca-import-")}
    names |= {n for (n,) in AD.select(AD.database).distinct().tuples()
              if n.startswith("ecolca-import-")}
    names |= {n for (n,) in ED.select(ED.output_database).distinct().tuples()
              if n.startswith("ecolca-import-")}
    names |= {f.name for f in (_project_dir() / "processed").glob("ecolca-import-*")}
    journal = _project_dir() / "ecolca-import-journal.json"
    return sorted(names) + ([journal.name] if journal.exists() else [])


def _start_with_old(books) -> None:
    from ecolca.importers import import_database

    import_database("excel", books["old"], NAME, project=PROJECT, replace=True,
                    allow_unlinked=True)
    assert _which(_state()) == "old"


@pytest.mark.parametrize("step", BEFORE_COMMIT + AFTER_COMMIT)
def test_sigkill_at_each_step_leaves_old_or_new_and_no_leftovers(bw_project, books, step):
    _start_with_old(books)
    r = _run(_import_cmd(books["new"]), {"ECOLCA_TEST_KILL_AT": step})
    assert r.returncode == -signal.SIGKILL, (r.returncode, r.stderr[-2000:])
    after = _next_command()
    want = "old" if step in BEFORE_COMMIT else "new"
    assert _which(_state()) == want
    assert _leftovers() == []
    said = {"registered": "dropped 'ecolca-import-tmp-", "written": "dropped 'ecolca-import-tmp-",
            "journal": f"undid the interrupted import of '{NAME}' (the previous data is kept)",
            "in-transaction": f"undid the interrupted import of '{NAME}'"}.get(
        step, f"completed the interrupted import of '{NAME}' (the new data is in place)")
    assert said in after, after


def test_sigkill_at_a_random_moment_of_the_write(bw_project, books):
    """Killed 0–1.5 s after the import says it is writing (seeded: the moment is in the log)."""
    rng = random.Random(19)
    for _ in range(2):
        _start_with_old(books)
        delay = rng.uniform(0.0, 1.5)
        p = subprocess.Popen(_import_cmd(books["new"]), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, env=_env())
        for line in p.stderr:
            if "Writing" in line:
                break
        time.sleep(delay)
        p.kill()
        p.communicate(timeout=120)
        _next_command(new_process=True)
        assert _which(_state()) in ("old", "new"), f"killed {delay:.2f} s into the write"
        assert _leftovers() == []


@pytest.mark.parametrize("step", ["written", "in-transaction", "committed", "registry"])
def test_sigint_during_the_swap_is_undone_or_finished_at_once(bw_project, books, step):
    """Ctrl-C: exit 130 with 'interrupted', and the process itself leaves no leftover (no
    further command needed)."""
    _start_with_old(books)
    r = _run(_import_cmd(books["new"]), {"ECOLCA_TEST_KILL_AT": f"{step}:INT"})
    assert r.returncode == 130 and "interrupted" in r.stderr, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr
    assert _which(_state()) == ("old" if step in BEFORE_COMMIT else "new")
    assert _leftovers() == []


def test_two_imports_of_one_name_at_once(bw_project, books):
    """The second waits for the first (and says so); both succeed, no peewee traceback."""
    _start_with_old(books)
    procs = [subprocess.Popen(_import_cmd(books[v]), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=_env())
             for v in ("new", "old")]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
        assert "Traceback" not in err and "UNIQUE constraint" not in err
        assert "database is locked" not in err
    assert _which(_state()) in ("old", "new")
    assert _leftovers() == []


def test_second_import_is_refused_with_a_message_after_waiting(bw_project, books):
    from ecolca.brightway.swap import ImportLock

    _start_with_old(books)
    lock = ImportLock(_project_dir())
    assert lock.try_acquire("uslci")
    try:
        r = _run(_import_cmd(books["new"]), {"ECOLCA_IMPORT_WAIT": "1"})
    finally:
        lock.release()
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert f"database '{NAME}' not imported: the import of 'uslci' (process {os.getpid()}) " \
           "is writing into this project" in r.stderr
    assert _which(_state()) == "old" and _leftovers() == []


def test_recovery_leaves_a_live_import_alone(bw_project, books):
    """A command run while another process imports must not take the live temporary database
    for a leftover."""
    import bw2data as bd

    from ecolca.brightway.swap import ImportLock, TEMP_PREFIX, recover

    tmp = f"{TEMP_PREFIX}live"
    bd.Database(tmp).register()
    lock = ImportLock(_project_dir())
    assert lock.try_acquire(NAME)  # held as a live import holds it
    try:
        assert recover() == []
        assert tmp in bd.databases
    finally:
        lock.release()
    assert recover() == [f"dropped '{tmp}', left by an interrupted import"]
    assert _leftovers() == []


def test_leftovers_of_the_previous_code(bw_project):
    """What ecolca before the journal left (issue #19: ``ecolca-import-replaced-<token>`` and
    ``ecolca-import-tmp-<token>``, no database under the name): the temporary database is dropped;
    the replaced one, whose name nobody recorded, is kept with a message until a database carries
    its token (its import finished), then dropped."""
    import bw2data as bd

    from ecolca.importers.common import BACKUP_PREFIX, TEMP_PREFIX

    def one(db: str) -> None:
        bd.Database(db).write({(db, "x"): {"name": "x", "unit": "kilogram", "exchanges": [
            {"input": (db, "x"), "amount": 1.0, "type": "production"}]}})

    backup, tmp = f"{BACKUP_PREFIX}abc123", f"{TEMP_PREFIX}abc123"
    one(backup)
    one(tmp)
    said = _next_command()
    assert f"dropped '{tmp}', left by an interrupted import" in said
    assert f"'{backup}' holds the data of a database whose replacement was interrupted" in said
    kept = _leftovers()  # its rows, its registry entry and its processed file
    assert backup in kept and all(x.startswith(backup) for x in kept), kept
    one("t-swap-legacy")
    md = bd.databases["t-swap-legacy"]
    md["ecolca_import_token"] = "abc123"
    bd.databases["t-swap-legacy"] = md
    assert f"dropped '{backup}', left by an interrupted import" in _next_command()
    assert _leftovers() == []
    del bd.databases["t-swap-legacy"]
