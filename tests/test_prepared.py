"""Prepared scenarios (src/ecolca/lca/prepared.py, docs/engine.md "Prepared scenarios"): what a run
derives from a scenario file before solving is kept under a key of the file's bytes, and used
again only while the file, the code, the databases and the methods are unchanged."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import PROJECT, run_cli
from ecolca import cli, lca
from ecolca.core import examples, scenario_file
from ecolca.lca import prepared

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")


def _prepared(path, methods=None, key=None):
    """The record `ecolca run` would use for the file at ``path`` (None: it reads the file)."""
    return cli._scenario_for_run(str(path), PROJECT, methods, key)[1]


def _run(path, methods=None):
    """What `ecolca run` does with a file (cli._cmd_run, without printing)."""
    sc, pre, source = cli._scenario_for_run(str(path), PROJECT, methods, None)
    return lca.compare(sc, project=PROJECT, methods=methods, source=source, prepared=pre), pre


def test_a_second_run_of_the_same_file_reuses_its_checks_with_the_same_numbers(bw_project,
                                                                               tmp_path):
    path = tmp_path / "park.ecolca.json"
    scenario_file.save(examples.load("gypsum-ash"), path)
    raw = path.read_bytes()
    first, pre1 = _run(path, [GWP])
    assert pre1 is None and first.metadata["scenario_checks"]["reused"] is False
    again, pre2 = _run(path, [GWP])
    assert pre2 is not None and again.metadata["scenario_checks"]["reused"] is True
    # the same figures as the run that read and checked the file
    assert again.impact(GWP).linear == first.impact(GWP).linear
    assert again.impact(GWP).symbiotic == first.impact(GWP).symbiotic
    for p in again.exchanges.PARTS:
        assert np.array_equal(again.exchanges.parts[p], first.exchanges.parts[p])
    for k in again.sites.keys:
        assert np.array_equal(again.sites.symbiotic[k], first.sites.symbiotic[k])

    # one byte more (a trailing space) is another file: read and checked again
    path.write_bytes(raw + b" ")
    assert _prepared(path, [GWP]) is None
    path.write_bytes(raw)
    # another --method list or --key is another record
    assert _prepared(path, None) is None
    assert _prepared(path, [GWP], "50/50") is None


def test_a_changed_database_method_or_code_is_a_miss(bw_project, tmp_path, monkeypatch):
    from ecolca.lca import cache

    path = tmp_path / "park.ecolca.json"
    scenario_file.save(examples.load("gypsum-ash"), path)
    raw = path.read_bytes()
    _run(path, [GWP])
    assert _prepared(path, [GWP]) is not None

    real_db, real_m = cache.database_state, cache.method_state
    monkeypatch.setattr(cache, "database_state", lambda n: real_db(n) + "-rewritten")
    assert _prepared(path, [GWP]) is None
    monkeypatch.setattr(cache, "database_state", real_db)
    monkeypatch.setattr(cache, "method_state", lambda m: real_m(m) + "-reinstalled")
    assert _prepared(path, [GWP]) is None
    monkeypatch.setattr(cache, "method_state", real_m)
    assert _prepared(path, [GWP]) is not None
    # a change of ecolca's code changes every key
    monkeypatch.setattr(prepared, "code_digest", lambda: "another version of ecolca")
    assert _prepared(path, [GWP]) is None


def test_a_file_with_an_error_is_never_stored_and_a_damaged_record_is_ignored(bw_project,
                                                                              tmp_path):
    sc = examples.load("gypsum-ash")
    sc.exchanges[0].substitution_ratio = -1.0
    bad = tmp_path / "bad.ecolca.json"
    bad.write_text(scenario_file.dumps(sc), encoding="utf-8")
    raw = bad.read_bytes()
    with pytest.raises(Exception, match="substitution"):
        _run(bad, [GWP])
    assert not prepared.exists(prepared.source_key(raw, PROJECT, [GWP], None))

    good = tmp_path / "good.ecolca.json"
    scenario_file.save(examples.load("gypsum-ash"), good)
    raw = good.read_bytes()
    first, _ = _run(good, [GWP])
    key = prepared.source_key(raw, PROJECT, [GWP], None)
    assert prepared.exists(key)
    record = prepared._folder() / f"{key}.pickle"
    record.write_bytes(record.read_bytes()[:100])  # cut short: no longer a record
    assert _prepared(good, [GWP]) is None
    again, _ = _run(good, [GWP])  # reads and checks the file, stores a good record
    assert again.impact(GWP).delta == first.impact(GWP).delta
    assert _prepared(good, [GWP]) is not None


def test_the_cli_says_when_it_reused_the_checks(bw_project, tmp_path):
    path = tmp_path / "park.ecolca.json"
    scenario_file.save(examples.load("kawasaki"), path)
    # (not the fast path of an edit of numbers, lca/fastpath.py, which also reads no record)
    runs = [run_cli("run", str(path), "--json", "--method", " | ".join(GWP),
                    env={"ECOLCA_NO_FASTPATH": "1"}) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    docs = [json.loads(r.stdout) for r in runs]
    assert [d["metadata"]["scenario_checks"]["reused"] for d in docs] == [False, True]
    for d in docs:  # when, and whether the solve was reused too (the first run may solve)
        del d["metadata"]["calculated"], d["metadata"]["scenario_checks"], d["metadata"]["solve"]
    assert docs[0] == docs[1]  # otherwise the same document


def test_a_hand_edit_of_the_foreground_database_is_written_over_and_said(bw_project, tmp_path):
    """Issue #19: an edit of the foreground database (Activity Browser allows it) left its
    stored digest current, so it was never rewritten and every later run failed the consistency
    check ("was the scenario's foreground database changed during the run? Run again."). The
    change is now noticed (bw2data's modified time, the counts of its rows) and the database
    written again from the scenario, with a warning saying so; also on a run that reuses the
    file's prepared record."""
    import bw2data as bd

    from ecolca.lca.project_check import foreground_name

    sc = examples.load("gypsum-ash")
    sc.id = "hand-edit-test"
    path = tmp_path / "park.ecolca.json"
    scenario_file.save(sc, path)
    first, _ = _run(path, [GWP])
    assert not [w for w in first.warnings if "foreground database" in w["item"]]
    name = foreground_name(sc)
    site = sc.sites[0]
    act = bd.get_activity((name, f"site:{site.id}"))
    ex = next(e for e in act.technosphere())
    ex["amount"] = ex["amount"] * 3 + 1.0   # the edit a user makes in Activity Browser
    ex.save()

    again, pre = _run(path, [GWP])   # failed: "… changed during the run? Run again."
    assert pre is not None  # the prepared record was reused, and the edit still noticed
    assert again.impact(GWP).linear == pytest.approx(first.impact(GWP).linear, rel=1e-12)
    assert again.impact(GWP).symbiotic == pytest.approx(first.impact(GWP).symbiotic, rel=1e-12)
    (w,) = [w for w in again.warnings if w["item"] == "the scenario's foreground database"]
    assert "changed outside ecolca" in w["message"] and "written again" in w["message"]
    assert any(x["item"] == w["item"] for x in again.to_json_dict()["warnings"])

    # once written again, a further run says nothing more
    third, _ = _run(path, [GWP])
    assert not [w for w in third.warnings if "foreground database" in w["item"]]

    # a deleted exchange (a change that bw2data's bookkeeping may not record) is noticed too
    act = bd.get_activity((name, f"site:{site.id}"))
    modified = bd.databases[name]["modified"]
    next(e for e in act.technosphere()).delete()
    md = bd.databases[name]
    md["modified"] = modified
    bd.databases[name] = md
    bd.databases.flush()
    fourth, _ = _run(path, [GWP])
    assert fourth.impact(GWP).linear == pytest.approx(first.impact(GWP).linear, rel=1e-12)
    assert [w for w in fourth.warnings if "exchanges instead of" in w["message"]]


def test_what_the_prepared_cache_keeps_is_bounded(bw_project, tmp_path, monkeypatch):
    """Issue #19: a 50 MB description made a 52 MB record (kept whole, saving nothing: reading
    free text again costs little). A record larger than MAX_RECORD_BYTES is not kept, and the
    records together stay within MAX_TOTAL_BYTES (least recently used removed first)."""
    import os
    import time

    sc = examples.load("gypsum-ash")
    sc.description = "a long description. " * (50 * 1024 * 1024 // 20)
    path = tmp_path / "long.ecolca.json"
    scenario_file.save(sc, path)
    key = prepared.source_key(path.read_bytes(), PROJECT, [GWP], None)
    _run(path, [GWP])
    assert not prepared.exists(key)           # was a 52 MB record

    # the limit is on the record, whatever makes it large
    monkeypatch.setattr(prepared, "MAX_RECORD_BYTES", 1000)
    small = tmp_path / "small.ecolca.json"
    sc = examples.load("gypsum-ash")
    sc.name += " (bounded cache)"  # bytes of its own: no record of another test
    scenario_file.save(sc, small)
    key = prepared.source_key(small.read_bytes(), PROJECT, [GWP], None)
    _run(small, [GWP])
    assert not prepared.exists(key)
    assert not list(prepared._folder().glob(".tmp-*"))  # nothing half written left
    monkeypatch.undo()

    _run(small, [GWP])
    assert prepared.exists(key)
    pre = prepared.load(key)
    folder = prepared._folder()
    size = (folder / f"{key}.pickle").stat().st_size
    for old in folder.glob("*.pickle"):
        old.unlink()
    monkeypatch.setattr(prepared, "MAX_TOTAL_BYTES", int(2.5 * size))
    base = time.time_ns() - 100 * 10**9
    for i in range(4):
        prepared.store(f"copy{i}", pre)  # the newest record: the oldest go
        os.utime(folder / f"copy{i}.pickle", ns=(base + i * 10**9,) * 2)
    left = sorted(p.name for p in folder.glob("*.pickle"))
    assert left == ["copy2.pickle", "copy3.pickle"]
    assert sum(p.stat().st_size for p in folder.glob("*.pickle")) <= 2.5 * size
