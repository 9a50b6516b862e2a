"""An edited scenario's foreground database is written in place: only the activities that
changed (lca/foreground_update.py), and afterwards the database in the project is exactly the
file's, as Activity Browser opens it and as bw2calc computes it (issue #23)."""

from __future__ import annotations

import copy

import pytest


def _contents(bd, name: str) -> dict:
    """{code: (name, location, sorted (input, type, amount))} of database ``name``."""
    out = {}
    for act in bd.Database(name):
        exs = sorted((tuple(e.input.key), e["type"], float(e["amount"])) for e in act.exchanges())
        out[act["code"]] = (act["name"], act.get("location"), exs)
    return out


def _expected(sc, name: str) -> dict:
    """What the scenario's foreground should hold, made from the scenario afresh."""
    import numpy as np

    from ecolca.lca.foreground import _foreground_data
    from ecolca.lca.project_check import _Lookup, terms_of

    out = {}
    for (_, code), ds in _foreground_data(sc, name, terms_of(sc, _Lookup.for_scenario(sc))).items():
        # bw2data stores amounts as given; the processed matrices hold them as float32 or 64
        exs = sorted((tuple(e["input"]), e["type"], float(np.float64(e["amount"])))
                     for e in ds["exchanges"])
        out[code] = (ds["name"], ds.get("location"), exs)
    return out


def _score(bd, name: str, code: str, method) -> float:
    import bw2calc as bc

    fu, objs, remap = bd.prepare_lca_inputs(demand={bd.get_node(database=name, code=code): 1},
                                            method=method)
    lca = bc.LCA(demand=fu, data_objs=objs, remapping_dicts=remap)
    lca.lci()
    lca.lcia()
    return float(lca.score)


@pytest.fixture()
def scenario(bw_project, example):
    import bw2data as bd

    from ecolca.lca import foreground_name

    sc = copy.deepcopy(example)
    sc.id = "foreground-update-test"
    yield sc
    bd.databases.load()
    if foreground_name(sc) in bd.databases:
        del bd.databases[foreground_name(sc)]


def test_an_edit_rewrites_only_what_changed_and_the_database_is_the_files(scenario):
    import bw2data as bd

    from ecolca.lca import compare, foreground_name

    sc = scenario
    name = foreground_name(sc)
    t: dict = {}
    compare(sc, bd.projects.current, timings=t)
    assert t["foreground_written"] is None  # a new database: written whole
    edited = copy.deepcopy(sc)
    edited.exchanges[0].amount *= 0.9  # one exchange's q ...
    site = next(s for s in edited.sites if any(f.kind == "supply" for f in s.flows))
    flow = next(f for f in site.flows if f.kind == "supply")
    flow.amount *= 1.1  # ... and one site's supply
    t = {}
    res = compare(edited, bd.projects.current, timings=t)
    # the exchange's activity and the site's activity; the other activities are untouched
    assert t["foreground_written"] == 2
    bd.databases.load()
    assert _contents(bd, name) == _expected(edited, name)
    assert not bd.databases[name].get("dirty")
    # what Activity Browser computes from it: the edited numbers (float32 storage)
    m = res.impacts[0]
    for code, want in (("park:linear", m.linear), ("park:symbiotic", m.symbiotic)):
        assert _score(bd, name, code, m.method) == pytest.approx(want, rel=1e-6)
    # and back to the first file: the same activities again, the database the first file's
    t = {}
    compare(sc, bd.projects.current, timings=t)
    assert t["foreground_written"] == 2
    assert _contents(bd, name) == _expected(sc, name)
    t = {}
    compare(sc, bd.projects.current, timings=t)
    assert t["foreground_written"] == 0  # unchanged: nothing written


def test_a_database_changed_outside_ecolca_is_written_whole(scenario):
    import bw2data as bd

    from ecolca.lca import compare, foreground_name

    sc = scenario
    name = foreground_name(sc)
    compare(sc, bd.projects.current)
    act = bd.get_node(database=name, code=f"site:{sc.sites[0].id}")
    act["name"] = "renamed in Activity Browser"
    act.save()
    edited = copy.deepcopy(sc)
    edited.exchanges[0].amount *= 0.8
    t: dict = {}
    compare(edited, bd.projects.current, timings=t)
    assert t["foreground_written"] is None  # the kept digests no longer describe it
    assert _contents(bd, name) == _expected(edited, name)


def test_a_write_that_fails_half_way_is_written_whole_next_time(scenario, monkeypatch):
    import bw2data as bd

    from ecolca.lca import compare, foreground_name
    from ecolca.lca import foreground_update as upd

    sc = scenario
    name = foreground_name(sc)
    compare(sc, bd.projects.current)
    edited = copy.deepcopy(sc)
    edited.exchanges[0].amount *= 0.7

    def boom(*a, **k):
        raise RuntimeError("disk full")

    from bw2data.backends import SQLiteBackend

    monkeypatch.setattr(SQLiteBackend, "process", boom)
    with pytest.raises(RuntimeError):
        compare(edited, bd.projects.current)
    monkeypatch.undo()
    bd.databases.load()
    assert not bd.databases[name].get("ecolca_digest")
    t: dict = {}
    compare(edited, bd.projects.current, timings=t)
    assert t["foreground_written"] is None
    assert _contents(bd, name) == _expected(edited, name)
    assert upd.kept(name, True) is not None
