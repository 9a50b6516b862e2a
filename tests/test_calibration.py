"""Calibration that cannot overclaim (issue #20.4): the level is computed from each amount's
basis and source, never a stored default; a claim in the file can only lower it."""

from __future__ import annotations

import json

import pytest

from ecolca.core import scenario_file
from ecolca.core.model import (ActivityRef, Exchange, Flow, Scenario, Site, calibration_of,
                               is_sourced)
from ecolca.core.validation import validate


def _park() -> Scenario:
    """A park built from scratch with the model API: what a new user makes."""
    a = Site("a", "Power station", flows=[
        Flow("power", "product", "electricity", 100.0, "MWh"),
        Flow("ash", "residue", "fly ash", 50.0, "t",
             fate=ActivityRef("ecolca-open", "waste-landfill-inert"))])
    b = Site("b", "Cement plant", flows=[
        Flow("cement", "product", "cement", 500.0, "t"),
        Flow("clinker", "supply", "clinker", 400.0, "t",
             activity=ActivityRef("ecolca-open", "mat-clinker"))])
    return Scenario(name="new park", sites=[a, b],
                    exchanges=[Exchange("ex-1", "a", "ash", "b", "clinker", 40.0)])


def _source_all(sc: Scenario) -> None:
    for _, f in sc.iter_flows():
        f.amount_basis, f.source = "sourced", f"plant records 2024, {f.name}"
    for e in sc.exchanges:
        e.amount_basis, e.source = "sourced", "delivery notes 2024"


def test_a_new_park_is_illustrative_until_its_amounts_are_sourced():
    sc = _park()
    assert sc.calibration == "" and sc.exchanges[0].amount_basis == "assumed"
    assert all(f.amount_basis == "assumed" for _, f in sc.iter_flows())
    c = calibration_of(sc)
    assert c.level == "illustrative" and sc.illustrative
    assert (c.sourced, c.total) == (0, 5) and c.counts == {"assumed": 5}
    assert c.note.startswith("illustrative: no amount is sourced (0 of 5 amounts sourced")

    sc.exchanges[0].amount_basis, sc.exchanges[0].source = "sourced", "delivery notes 2024"
    c = calibration_of(sc)
    assert c.level == "partly calibrated" and (c.sourced, c.total) == (1, 5)
    assert "1 of 5 amounts sourced (4 assumed)" in c.note

    _source_all(sc)
    c = calibration_of(sc)
    assert c.level == "calibrated" and not sc.illustrative
    assert c.note.startswith("calibrated: every exchanged quantity and flow amount is sourced")


def test_sourced_without_a_source_does_not_count_and_is_warned():
    sc = _park()
    _source_all(sc)
    sc.exchanges[0].source = ""
    c = calibration_of(sc)
    assert c.level == "partly calibrated" and c.counts["sourced, no source"] == 1
    assert not is_sourced("sourced", "  ") and is_sourced("sourced", "x")
    ws = [p for p in validate(sc) if p.field == "source" and p.severity == "warning"]
    assert [p.item.split("'")[1] for p in ws] == ["ex-1"]
    assert "counts as not sourced" in ws[0].message


def test_estimated_is_not_sourced():
    sc = _park()
    _source_all(sc)
    sc.sites[1].flows[1].amount_basis = "estimated"
    c = calibration_of(sc)
    assert c.level == "partly calibrated" and "(1 estimated)" in c.note


def test_a_claim_only_lowers_the_computed_level():
    sc = _park()
    sc.calibration = "calibrated"  # claimed, nothing sourced
    c = calibration_of(sc)
    assert c.level == "illustrative" and c.claimed == "calibrated"
    assert "claims 'calibrated', more than its amounts' bases support" in c.note
    _source_all(sc)
    sc.calibration = "illustrative"  # the author says it is an example
    c = calibration_of(sc)
    assert c.level == "illustrative" and c.from_bases == "calibrated"
    assert "the scenario says it is an example" in c.note
    sc.calibration = "partly calibrated"
    assert calibration_of(sc).level == "partly calibrated"


def test_bases_round_trip_through_the_file(tmp_path):
    sc = _park()
    sc.sites[0].flows[1].amount_basis = "estimated"
    doc = scenario_file.to_dict(sc)
    assert "calibration" not in doc  # no claim, none written
    assert doc["sites"][0]["flows"][1]["amount_basis"] == "estimated"
    back = scenario_file.from_dict(json.loads(json.dumps(doc)))
    assert [f.amount_basis for _, f in back.iter_flows()] == \
        [f.amount_basis for _, f in sc.iter_flows()]
    assert back.calibration == "" and calibration_of(back).level == "illustrative"


def test_an_old_file_without_bases_loads_and_says_its_amounts_are_unspecified():
    doc = scenario_file.to_dict(_park())
    for s in doc["sites"]:
        for f in s["flows"]:
            del f["amount_basis"]
    for e in doc["exchanges"]:
        del e["amount_basis"]
        e["source"] = "delivery notes"
    doc["calibration"] = "calibrated"  # what the app wrote by default before
    sc = scenario_file.from_dict(doc)
    assert {f.amount_basis for _, f in sc.iter_flows()} == {"unspecified"}
    assert sc.exchanges[0].amount_basis == "unspecified"
    c = calibration_of(sc)
    assert c.level == "illustrative" and c.counts == {"unspecified": 5}
    assert "unspecified: the file predates amount bases" in c.note
    assert "claims 'calibrated'" in c.note
    bad = dict(doc, sites=[dict(doc["sites"][0], flows=[dict(doc["sites"][0]["flows"][0],
                                                             amount_basis="guessed")])])
    with pytest.raises(Exception) as exc:
        scenario_file.from_dict(bad)
    assert "amount_basis" in str(exc.value) and "guessed" in str(exc.value)


def test_the_run_reports_the_computed_level_and_the_share_not_sourced(bw_project, example):
    from conftest import PROJECT

    from ecolca import lca

    gwp = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
    sc = example  # gypsum-ash: claims illustrative; its amounts are illustrative (assumed)
    sc.calibration = ""
    for e in sc.exchanges:  # source the three exchanges here (each names a source)
        e.amount_basis = "sourced"
    e = sc.exchange("ash-to-cement")
    e.amount_basis = "estimated"
    res = lca.compare(sc, project=PROJECT, methods=[gwp])
    assert res.calibration == "partly calibrated"
    assert res.calibration_note == calibration_of(sc).note
    assert res.assumed_exchanges == ["ash-to-cement"]
    parts = res.exchange_parts(gwp)
    share = sum(abs(p.total) for p in parts if p.exchange_id == "ash-to-cement") / sum(
        abs(p.total) for p in parts)
    assert res.assumed_share(gwp) == pytest.approx(share, rel=1e-12) and 0 < share < 1
    doc = res.to_json_dict()
    assert doc["calibration"] == "partly calibrated"
    assert doc["calibration_note"].startswith("partly calibrated: 2 of 16 amounts sourced")
