"""Issue #18 in a park or public output (ecolca.park.confidential.mask): the masked tables carry
coverage. Named exchanges and sites keep their own notes and nulls; the row of exchanges with
confidential partners and the "other sites" row carry a pooled coverage (covered when a member
is), and a one-sided member is said in words for the pooled row without naming it."""

from __future__ import annotations

import copy
import json

import openpyxl
import pytest

from conftest import PROJECT
from ecolca.park import confidential
from ecolca.core import examples, scenario_file
from ecolca import lca
from test_numerics import (AVOIDED_MISSING, EUTRO, WATER, _per_method_numbers,
                           assert_method_rows_null)

# steam-to-novo, steam-to-refinery and heat-to-town: Asnæs's steam and heat avoid boilers without
# water data (tests/test_numerics.py::test_kalundborg_water_use_names_its_one_sided_exchanges)
ONE_SIDED = ("steam-to-novo", "steam-to-refinery", "heat-to-town")


@pytest.fixture(scope="module")
def kalundborg(_bw_project_built):
    """One comparison (with Monte Carlo, so "uncertainty" and "sensitivity" are in --json);
    the confidential flag changes no figure, so it is set on copies afterwards."""
    sc = examples.load("kalundborg")
    return sc, lca.compare(sc, project=PROJECT, iterations=20, seed=1)


def _conf(sc, *ids):
    sc = copy.deepcopy(sc)
    for s in sc.sites:
        s.confidential = s.id in ids
    return sc


def _run(sc, res, audience, tmp_path, monkeypatch, capsys, *extra) -> str:
    import ecolca.lca
    from ecolca import cli

    monkeypatch.setattr(ecolca.lca, "compare", lambda *a, **k: res)
    src = tmp_path / f"{audience}.ecolca.json"
    scenario_file.save(sc, src)
    assert cli.main(["run", str(src), "--audience", audience, "--sensitivity", "all",
                     *extra]) == 0
    return capsys.readouterr().out


def _walk_no_zero_for_not_covered(doc: dict) -> None:
    """The whole-document walk of
    tests/test_numerics.py::test_json_never_writes_zero_for_not_covered."""
    methods = [m["method"] for m in doc["methods"]]
    j = methods.index(list(EUTRO))
    arrays = list(_per_method_numbers({k: doc[k] for k in ("exchanges", "sites")},
                                      len(methods)))
    assert len(arrays) > 5
    for path, arr in arrays:
        assert arr[j] is None, (path, arr)

    assert_method_rows_null(doc, EUTRO)
    for e in doc["exchanges"]:
        if e.get("suppressed"):
            continue
        assert e["note"][j] and e["note"][j].startswith("not covered"), e["exchange"]
        for k, tot in enumerate(e["total"]):
            if tot == 0.0:
                assert e["note"][k], (e["exchange"], methods[k])
    for s in doc["sites"]:
        if not s.get("suppressed"):
            assert s["note"] and s["note"][j].startswith("not covered"), s["site"]


@pytest.mark.parametrize("audience", ["park", "public"])
@pytest.mark.parametrize("conf", [("asnaes",), ("gyproc", "cement")])
def test_masked_json_never_writes_zero_for_not_covered(kalundborg, audience, conf, tmp_path,
                                                        monkeypatch, capsys):
    """Asnæs confidential: every exchange is pooled into one row and Asnæs's per-site figures
    are suppressed with a named site; Gyproc and the cement plant confidential: two exchanges
    pooled, the other four named, the two sites in one "other sites" row. Freshwater
    eutrophication is not covered by ecolca-open: null in every list, with its reason."""
    sc, res = kalundborg
    doc = json.loads(_run(_conf(sc, *conf), res, audience, tmp_path, monkeypatch, capsys,
                          "--json"))
    assert doc["metadata"]["audience"]["audience"] == audience
    assert any(e["exchange"] == confidential.PARTNERS_ID for e in doc["exchanges"])
    _walk_no_zero_for_not_covered(doc)


def test_named_exchanges_keep_their_one_sided_notes_in_the_park_outputs(kalundborg, tmp_path,
                                                                        monkeypatch, capsys):
    """Gyproc and the cement plant confidential: the steam and heat exchanges are named (under
    renumbered ids) and keep, for water use, their own note and side in --json, on the report's
    Exchanges sheet and in the Summary's Δ note; no internal exchange id is written."""
    sc, res = kalundborg
    park = _conf(sc, "gyproc", "cement")
    doc = json.loads(_run(park, res, "park", tmp_path, monkeypatch, capsys, "--json"))
    j = [x["method"] for x in doc["methods"]].index(list(WATER))
    shown = {}
    for e in doc["exchanges"]:
        if e["exchange"].startswith("exchange-"):
            shown[e["exchange"]] = e
    one = [i for i, e in shown.items() if e["side_without_data"][j] == "avoided"]
    assert len(one) == 3, {i: e["note"][j] for i, e in shown.items()}
    for i in one:
        assert shown[i]["note"][j] == AVOIDED_MISSING
    imp = doc["impacts"][j]
    assert AVOIDED_MISSING in imp["delta_note"]
    # gypsum-to-gyproc and ash-to-cement (pooled: they have a confidential partner) count only
    # their avoided side: said of the pooled row
    assert sorted((x["exchange"], x["side_without_data"]) for x in imp["one_sided"]) == \
        sorted([(i, "avoided") for i in one] + [(confidential.PARTNERS_ID, "added")])
    row = next(e for e in doc["exchanges"] if e["exchange"] == confidential.PARTNERS_ID)
    assert row["side_without_data"][j] == "added"
    assert row["note"][j] == confidential.POOLED_SIDE_MISSING["added"]
    text = json.dumps(doc)
    for eid in [e.id for e in sc.exchanges]:
        assert f'"{eid}"' not in text and f"{eid}," not in text and f"({eid}" not in text, eid

    _run(park, res, "park", tmp_path, monkeypatch, capsys, "--report", str(tmp_path / "p.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    rows = [[c.value for c in row] for row in wb["Exchanges"].iter_rows()]
    water = next(i for i, r in enumerate(rows) if str(r[0]).startswith(" | ".join(WATER)))
    block = rows[water + 1:]
    block = block[:next(i for i, r in enumerate(block) if r[0] == "Σ")]
    noted = [r[0] for r in block if AVOIDED_MISSING in r]
    assert sorted(noted) == sorted(one)
    summary = [str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value]
    # (the Summary names the exchanges by their labels in the park report's scenario, issue #20)
    assert any(AVOIDED_MISSING in v and "water use" in v for v in summary)
    assert not any(eid in v for v in summary for eid in ONE_SIDED)


def test_pooled_row_says_a_member_is_one_sided_without_naming_it(kalundborg, tmp_path,
                                                                 monkeypatch, capsys):
    """Asnæs confidential: the six exchanges are one row; for water use the steam and heat
    exchanges have no data on their avoided side, the gypsum and ash exchanges none on their
    added side. The row says so in words, the park Δ note says it of the pooled row, and no
    exchange is named."""
    sc, res = kalundborg
    park = _conf(sc, "asnaes")
    doc = json.loads(_run(park, res, "park", tmp_path, monkeypatch, capsys, "--json"))
    j = [x["method"] for x in doc["methods"]].index(list(WATER))
    row = next(e for e in doc["exchanges"] if e["exchange"] == confidential.PARTNERS_ID)
    # steam and heat count only their added side, the gypsum and the ash only their avoided
    assert row["side_without_data"][j] == "both"
    assert row["note"][j] == confidential.POOLED_SIDE_MISSING["both"]
    assert row["total"][j] is not None and row["total"][j] > 0
    imp = doc["impacts"][j]
    assert sorted((x["exchange"], x["side_without_data"]) for x in imp["one_sided"]) == \
        [(confidential.PARTNERS_ID, "added"), (confidential.PARTNERS_ID, "avoided")]
    assert imp["delta_note"].startswith(
        f"some of the exchanges with confidential partners ({confidential.PARTNERS_ID}): ")
    assert AVOIDED_MISSING in imp["delta_note"]
    assert AVOIDED_MISSING.split(":")[0] in row["note"][j]
    text = json.dumps(doc)
    for eid in ONE_SIDED:
        assert eid not in text
    # a category every member covers has no note on the pooled row
    gwp = next(k for k, x in enumerate(doc["methods"]) if "climate change" in x["method"][1])
    assert row["note"][gwp] is None and row["side_without_data"][gwp] is None

