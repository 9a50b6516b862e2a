"""`ecolca run` of an edit of numbers only: the results from the last run's unit scores and the
new term table, before bw2data is imported, exactly a full run's; the foreground database
written afterwards; a changed structure, method list or background runs in full
(lca/fastpath.py, docs/engine.md "Edits of numbers")."""

from __future__ import annotations

import json
import os

import pytest

from conftest import run_cli

FAST_NOTE = "Edits of numbers"
REPLAY_NOTE = "An unchanged file"
# what a run says about how it was computed, and when: the only fields that may differ
HOW = ("calculated", "solve", "scenario_checks", "consistency")


def _edit(path, change) -> None:
    d = json.loads(path.read_text(encoding="utf-8"))
    change(d)
    path.write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _run(path, *args, full=False, **env):
    env = dict(env)
    if full:
        env["ECOLCA_NO_FASTPATH"] = "1"
    r = run_cli("run", str(path), "--json", *args, env=env)
    assert r.returncode == 0, r.stderr
    from ecolca.lca import fastpath

    # the foreground database is written by a child the run does not wait for: the next step
    # of a test reads or writes the project, so it starts when the child is done
    assert fastpath.wait_for_writers(timeout=120)
    return json.loads(r.stdout), r.stderr


def _numbers(d: dict) -> dict:
    d = json.loads(json.dumps(d))
    for k in HOW:
        d["metadata"].pop(k, None)
    return d


@pytest.fixture()
def park(tmp_path, example_path, bw_project):
    import bw2data as bd

    d = json.loads(example_path.read_text(encoding="utf-8"))
    d["id"] = f"fastpath-test-{tmp_path.name}"
    path = tmp_path / "park.ecolca.json"
    path.write_text(json.dumps(d, indent=2), encoding="utf-8")
    yield path
    bd.databases.load()
    for name in list(bd.databases):
        if name.endswith(f"[{d['id']}]"):
            del bd.databases[name]


def _q(i, f):
    def change(d):
        d["exchanges"][i]["amount"] *= f
    return change


def _r(d):
    e = d["exchanges"][0]
    e["substitution_ratio"] = e.get("substitution_ratio", 1.0) * 0.9


def _distance(d):
    for e in d["exchanges"]:
        if e.get("transport"):
            e["transport"][0]["distance_km"] *= 1.7
            return
    raise AssertionError("no exchange with transport in the example")


def _site_flow(d):
    for s in d["sites"]:
        for f in s["flows"]:
            if f["kind"] == "supply" and f.get("amount"):
                f["amount"] *= 1.05
                return


def test_an_edit_of_numbers_gives_a_full_runs_results_before_brightway_loads(park):
    import bw2data as bd

    from ecolca.core import scenario_file
    from ecolca.lca import fastpath, foreground_name

    first, _ = _run(park)
    assert FAST_NOTE not in json.dumps(first["metadata"])  # nothing kept yet: a full run
    for change in (_q(0, 0.9), _r, _distance, _site_flow, _q(1, 1.1)):
        _edit(park, change)
        fast, err = _run(park, PYTHONPROFILEIMPORTTIME="1", ECOLCA_BENCH_T0="0")
        assert FAST_NOTE in fast["metadata"]["solve"]["note"]
        assert fast["metadata"]["consistency"]["checked"] is False
        # the results were on stdout before bw2data, bw2calc or SciPy was imported
        assert "ecolca-bench: results on stdout" in err
        for mod in ("bw2data", "bw2calc", "scipy"):
            assert f"| {mod}\n" not in err, mod  # not even after the results (a child writes)
        assert fastpath.wait_for_writers(timeout=120)
        # the foreground database in the project is the file's (Activity Browser's view)
        sc = scenario_file.load(park)
        bd.databases.load()
        name = foreground_name(sc)
        assert bd.databases[name]["ecolca_digest"] == _digest(sc)
        full, _ = _run(park, full=True)
        assert FAST_NOTE not in json.dumps(full["metadata"])
        assert _numbers(fast) == _numbers(full)  # bit for bit: == on every float
    # unchanged since the last write of its foreground: the results (the kept output of the
    # last run, written again: docs/engine.md "An unchanged file"), and no Brightway at all
    _run(park)
    again, err = _run(park, PYTHONPROFILEIMPORTTIME="1")
    assert REPLAY_NOTE in again["metadata"]["solve"]["note"]
    assert "| bw2data\n" not in err and _numbers(again) == _numbers(full)


def _digest(sc):
    from ecolca.lca.foreground import foreground_digest
    from ecolca.lca.project_check import _Lookup

    return foreground_digest(sc, _Lookup.for_scenario(sc))


def test_a_changed_structure_methods_or_background_runs_in_full(park):
    import bw2data as bd

    _run(park)
    _edit(park, _q(0, 0.9))
    fast, _ = _run(park)
    assert FAST_NOTE in fast["metadata"]["solve"]["note"]
    # structure: a site renamed
    _edit(park, lambda d: d["sites"][0].__setitem__("name", d["sites"][0]["name"] + " (new)"))
    renamed, _ = _run(park)
    assert FAST_NOTE not in json.dumps(renamed["metadata"])
    # another --method list: another record (none kept yet: full)
    m = "IPCC 2021|climate change|global warming potential (GWP100)"
    one, _ = _run(park, "--method", m)
    assert FAST_NOTE not in json.dumps(one["metadata"])
    _edit(park, _q(0, 0.9))
    again, _ = _run(park, "--method", m)
    assert FAST_NOTE in again["metadata"]["solve"]["note"]
    # a database the park does not link to, written since: still an edit of numbers (after a
    # run with the default methods: the --method run wrote the shared foreground database,
    # which the default methods' record saw as a change)
    _run(park)
    _edit(park, _q(0, 0.9))
    extra = "fastpath-test-extra"
    try:
        bd.databases.load()  # this process's copy of the list is old: it would write it back
        bd.Database(extra).write({(extra, "a"): {"name": "a", "unit": "kilogram",
                                                 "exchanges": []}})
        other, _ = _run(park)
        assert FAST_NOTE in other["metadata"]["solve"]["note"]
    finally:
        bd.databases.load()
        if extra in bd.databases:
            del bd.databases[extra]
    # a method's processed data written again: full
    _edit(park, _q(0, 0.9))
    method = bd.Method(tuple(json.loads(park.read_text())["methods"][0]))
    st = os.stat(method.filepath_processed())
    os.utime(method.filepath_processed(), ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    changed, _ = _run(park)
    assert FAST_NOTE not in json.dumps(changed["metadata"])
    # a database the park links to written again (bw2data sets its "modified"): full
    _run(park)
    _edit(park, _q(0, 0.9))
    from ecolca.core import scenario_file

    db = sorted(scenario_file.load(park).background_refs())[0][0]
    bd.databases.load()
    bd.databases[db]["modified"] = "2026-12-31T00:00:00"
    bd.databases.flush()
    changed, _ = _run(park)
    assert FAST_NOTE not in json.dumps(changed["metadata"])
    # an invalid edit: the full run's message, exit status 1
    _edit(park, lambda d: d["exchanges"][0].__setitem__("amount", -1.0))
    r = run_cli("run", str(park), "--json")
    assert r.returncode == 1 and "exchange" in r.stderr


def test_a_failed_detached_write_is_said_by_the_next_run_which_writes_it(park):
    """The child that writes the foreground after the results cannot report on the run's
    stderr (the run has ended): its error is kept and said by the next run of the file, which
    is a full one and writes the foreground."""
    import bw2data as bd

    from conftest import PROJECT
    from ecolca.core import scenario_file
    from ecolca.lca import fastpath, foreground_name

    _run(park)
    key = fastpath.record_key(str(park), PROJECT, None, None)
    fastpath.forget_state(key)  # as the run does before it starts the child
    # the child of this test process fails at once (no scenario, no record)
    assert fastpath.write_foreground_detached(None, None, None, "no-such-project", key)
    assert fastpath.wait_for_writers(timeout=60)
    _edit(park, _q(0, 0.9))
    r = run_cli("run", str(park), "--json")
    assert r.returncode == 0, r.stderr
    assert "foreground database was not written after its results" in r.stderr
    assert "AttributeError" in r.stderr
    assert FAST_NOTE not in r.stdout  # a full run
    sc = scenario_file.load(park)
    bd.databases.load()
    assert bd.databases[foreground_name(sc)]["ecolca_digest"] == _digest(sc)
    assert fastpath.take_writer_error(key) is None  # said once



def test_an_unchanged_file_gets_the_kept_output_while_nothing_it_depends_on_changed(park):
    """After a fast run (its foreground written), a run of the same bytes with the same options
    writes that run's output again: the same numbers and warnings, without parsing the file or
    importing Brightway; another option, an edited file or a method's processed data written
    again is not a replay (lca/fastpath.py, replay)."""
    import bw2data as bd

    _run(park)
    _edit(park, _q(0, 0.9))
    fast, fast_err = _run(park)
    assert FAST_NOTE in fast["metadata"]["solve"]["note"]
    again, err = _run(park, PYTHONPROFILEIMPORTTIME="1")
    assert REPLAY_NOTE in again["metadata"]["solve"]["note"]
    assert again["metadata"]["calculated"] == fast["metadata"]["calculated"]
    assert _numbers(again) == _numbers(fast)
    assert [x for x in err.splitlines() if x.startswith("warning")] == \
        [x for x in fast_err.splitlines() if x.startswith("warning")]
    for mod in ("bw2data", "ecolca.core.validation", "ecolca.lca.run"):
        assert f"| {mod}\n" not in err, mod
    # another option: computed (and kept for that option)
    other, _ = _run(park, "--sensitivity", "2")
    assert REPLAY_NOTE not in other["metadata"]["solve"]["note"]
    # the same bytes after a method's processed data was written again: a full run
    method = bd.Method(tuple(json.loads(park.read_text())["methods"][0]))
    st = os.stat(method.filepath_processed())
    os.utime(method.filepath_processed(), ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    changed, _ = _run(park, "--sensitivity", "2")
    assert FAST_NOTE not in json.dumps(changed["metadata"])
    assert REPLAY_NOTE not in json.dumps(changed["metadata"])
    # an edited file: evaluated
    _edit(park, _q(1, 1.1))
    edited, _ = _run(park, "--sensitivity", "2")
    assert FAST_NOTE in edited["metadata"]["solve"]["note"]
