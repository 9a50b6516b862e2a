"""Issue #7, first part: a zero must be true. Categories the background cannot see read "not
covered", never 0; Δ % is "n/m" where sites declare only part of their inventory."""

from __future__ import annotations

import copy
import json

import openpyxl
import pytest

from conftest import PROJECT, run_cli
from ecolca.core import examples, scenario_file
from ecolca import lca

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
WATER = ("EF v3.1", "water use", "user deprivation potential (deprivation-weighted water consumption)")
EUTRO = ("EF v3.1", "eutrophication: freshwater",
         "fraction of nutrients reaching freshwater end compartment (P)")


@pytest.fixture(scope="module")
def gypsum(_bw_project_built):
    return lca.compare(examples.load("gypsum-ash"), project=PROJECT)


def test_coverage_is_consistent_with_the_numbers(gypsum):
    for r in gypsum.impacts:
        c = r.coverage
        assert c is not None and c.databases == ["ecolca-open"]
        assert 0 <= c.covered <= c.processes
        assert c.status in ("covered", "partial", "not covered")
        if c.status == "not covered":
            # nothing in the chain is characterised: the score must be exactly zero, and it is
            # reported as unknown rather than as zero
            assert r.linear == 0 and r.symbiotic == 0
            assert not r.covered and r.delta_pct is None
            assert c.label() == "not covered by ecolca-open"
        else:
            assert r.covered
        if c.status == "partial":
            assert c.missing and c.covered < c.processes
    gwp = gypsum.impact(GWP)
    assert gwp.coverage.status in ("covered", "partial") and gwp.linear > 0


def test_freshwater_eutrophication_is_not_covered_in_gypsum_ash(gypsum):
    # nothing in gypsum-ash's supply chain emits phosphorus to water (only wastewater and effluent
    # processes of ecolca-open do)
    r = gypsum.impact(EUTRO)
    assert r.coverage.status == "not covered"
    assert gypsum.cost_per_avoided(EUTRO) is None


def test_water_use_scores_through_grid_electricity(gypsum):
    # the grid processes evaporate cooling water (Macknick et al. 2012), the fuels, boilers and
    # quarries do not: EF 3.1 water use is partial, never a plain zero, and names what is missing
    r = gypsum.impact(WATER)
    assert r.coverage.status == "partial" and r.coverage.missing
    assert r.linear > 0 and r.delta < 0       # fly ash replaces clinker and its electricity


def test_cli_json_and_report_never_show_an_uncovered_zero(bw_project, tmp_path, example_path):
    out = tmp_path / "r.xlsx"
    r = run_cli("run", str(example_path), "--report", str(out))
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.startswith("EF v3.1 | eutrophication: freshwater"))
    assert "not covered by ecolca-open" in line and " 0 " not in line
    r = run_cli("run", str(example_path), "--json")
    doc = json.loads(r.stdout)
    eutro = next(i for i in doc["impacts"] if i["method"] == list(EUTRO))
    assert eutro["linear"] is None and eutro["symbiotic"] is None and eutro["delta"] is None
    assert eutro["coverage"]["status"] == "not covered"
    assert eutro["coverage"]["databases"] == ["ecolca-open"]
    gwp = next(i for i in doc["impacts"] if i["method"] == list(GWP))
    assert gwp["linear"] > 0 and gwp["coverage"]["share"] > 0
    ws = openpyxl.load_workbook(out)["Summary"]
    cells = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    assert "not covered by ecolca-open" in cells
    row = next(row for row in ws.iter_rows()
               if str(row[0].value).startswith("EF v3.1 | eutrophication: freshwater"))
    assert all(c.value in (None, "not covered by ecolca-open") or isinstance(c.value, str)
               for c in row[1:]), [c.value for c in row]


def test_delta_pct_is_not_meaningful_with_partial_inventories(bw_project):
    sc = examples.load("kalundborg")
    assert all(s.inventory == "partial" for s in sc.sites)
    res = lca.compare(sc, project=PROJECT, methods=[GWP])
    imp = res.impact(GWP)
    assert imp.delta < 0 and imp.delta_pct is None and imp.relative is None
    assert "replaceable part" in imp.pct_note
    full = copy.deepcopy(sc)
    for s in full.sites:
        s.inventory = "complete"
    again = lca.compare(full, project=PROJECT, methods=[GWP])
    assert again.impact(GWP).delta_pct == pytest.approx(
        100 * imp.delta / abs(imp.linear), rel=1e-9)


def test_cli_prints_n_m_with_its_reason(bw_project, tmp_path):
    p = tmp_path / "k.ecolca.json"
    scenario_file.save(examples.load("kalundborg"), p)
    r = run_cli("run", str(p), "--method", "|".join(GWP))
    assert r.returncode == 0, r.stderr
    row = next(x for x in r.stdout.splitlines() if x.startswith("IPCC 2021"))
    assert row.rstrip().endswith("n/m")
    assert "note: Δ % n/m" in r.stdout and "replaceable part" in r.stdout


def test_inventory_scope_is_validated_by_the_loader(example, tmp_path):
    from ecolca.core.errors import ScenarioError

    doc = scenario_file.to_dict(example)
    doc["sites"][0]["inventory"] = "some"
    with pytest.raises(ScenarioError, match="inventory"):
        scenario_file.from_dict(doc)
