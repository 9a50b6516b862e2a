"""US LCI's elementary flows linked to biosphere3 through the shipped mapping
(databases/mappings/fedefl--biosphere3.csv, issue #18): on the real shipped zip, imported once
per session by the ``uslci_project`` fixture with no flag."""

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "databases" / "mappings" / "fedefl--biosphere3.csv"
GRID = "Electricity, at Grid, US, 2010"
CED_NR = ("Cumulative Energy Demand (CED)", "energy resources: non-renewable",
          "energy content (HHV)")
ADP_FOSSIL = ("EF v3.1", "energy resources: non-renewable",
              "abiotic depletion potential (ADP): fossil fuels")


def _rows():
    with open(TABLE, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_row_has_basis_and_source():
    rows = _rows()
    assert len(rows) > 1000
    for r in rows:
        assert r["basis"], r["uslci_name"]
        assert r["source"], r["uslci_name"]
        if r["basis"] == "none":
            assert not r["biosphere3_code"] and r["note"]
        else:
            assert r["biosphere3_code"] and float(r["factor"]) > 0, r["uslci_name"]
        if r["basis"].startswith("proxy (energy-equivalent"):
            assert "CED" in r["source"] and r["note"], r["uslci_name"]


def test_rows_point_to_biosphere3_flows_of_the_named_unit(bw_project):
    import bw2data as bd

    bio = {a["code"]: a for a in bd.Database("biosphere3")}
    for r in _rows():
        if r["biosphere3_code"]:
            a = bio[r["biosphere3_code"]]
            assert a["name"] == r["biosphere3_name"] and a["unit"] == r["biosphere3_unit"]
            assert "::".join(a["categories"]) == r["biosphere3_categories"]


def _zip_elementary_exchanges() -> int:
    import json
    import zipfile

    z = zipfile.ZipFile(ROOT / "databases" / "uslci" / "uslci-fy17-olca1.5-jsonld.zip")
    n = 0
    for m in z.namelist():
        if m.startswith("processes/") and m.endswith(".json"):
            n += sum(1 for e in json.loads(z.read(m)).get("exchanges") or []
                     if (e.get("flow") or {}).get("flowType") == "ELEMENTARY_FLOW")
    return n


def test_default_import_passes_and_counts_links(uslci_project):
    """Measured on the shipped zip: 21,083 of 24,950 elementary exchanges (84.5 %) linked to
    biosphere3; issue #18's target of 95 % is NOT reached: the other 3,867 (719 flows) have no
    biosphere3 counterpart (databases/mappings/README.md, 'What stays none')."""
    name, summary, seconds = uslci_project
    assert summary.unlinked_biosphere == 0
    share = summary.biosphere / summary.biosphere_total
    assert share >= 0.845, share
    assert summary.linked_by["mapping"] > 3000 and summary.linked_by["proxy"] > 500
    assert summary.kept == summary.biosphere_total - summary.biosphere
    text = "\n".join(summary.lines())
    assert "by mapping" in text and "by proxy" in text
    assert (f"{summary.kept:,} kept as the source's own flows in '{name}-biosphere' (no "
            "biosphere3 counterpart: no installed method characterises them)") in text
    assert "left out" not in text


def test_no_elementary_exchange_lost(uslci_project):
    """Every elementary exchange of the zip is in the written database: linked to biosphere3
    or to the companion database '<name>-biosphere' (one node per US LCI flow with basis
    'none', its UUID as code)."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD, ExchangeDataset as ED

    name, summary, _ = uslci_project
    n_zip = _zip_elementary_exchanges()
    assert summary.biosphere_total == n_zip
    q = ED.select().where((ED.output_database == name) & (ED.type == "biosphere"))
    assert q.count() == n_zip
    by_db = {}
    for e in q:
        by_db[e.input_database] = by_db.get(e.input_database, 0) + 1
    companion = f"{name}-biosphere"
    assert by_db == {"biosphere3": summary.biosphere, companion: summary.kept}
    assert bd.databases[companion]["type"] == "biosphere"
    none = {r["uslci_flow_uuid"] for r in _rows() if r["basis"] == "none"}
    codes = {c for (c,) in AD.select(AD.code).where(AD.database == companion).tuples()}
    assert codes and codes <= none
    used = {e.input_code for e in q if e.input_database == companion}
    assert used == codes
    for node in bd.Database(companion):
        assert node["type"] in ("emission", "natural resource") and node["unit"]


@pytest.mark.parametrize("method", [CED_NR, ADP_FOSSIL])
def test_us_grid_fossil_energy_is_not_zero(uslci_project, method):
    import bw2calc as bc
    import bw2data as bd

    name, _, _ = uslci_project
    grid = next(a for a in bd.Database(name) if a["name"] == GRID)
    lca = bc.LCA({grid: 1.0}, method)
    lca.lci()
    lca.lcia()
    # per MJ of electricity: above 1 MJ of primary energy (no fossil plant converts better than
    # 100 %) and below 10 (2.8 % efficiency)
    assert 1.0 < lca.score < 10.0, lca.score


def test_every_proxy_is_listed_in_the_docs():
    text = (ROOT / "databases" / "mappings" / "README.md").read_text(encoding="utf-8")
    for r in _rows():
        if r["basis"].startswith("proxy"):
            line = f"| {r['uslci_name'].replace('|', '/')} | {r['uslci_unit']} | " \
                   f"{r['biosphere3_name']} | {r['biosphere3_categories']} | " \
                   f"{float(r['factor']):.6g} | {r['basis']} |"
            assert line in text, line


def test_sanity_table_on_the_real_import(uslci_project):
    """databases/uslci/sanity.csv recomputed on the shipped zip imported by this session: every
    row within 0.5-2x of its published value or its gap explained; the US grid's CED and ADP
    fossil rows within 1-2x of the plant fuel input EIA's heat rates give (US LCI adds the
    fuels' upstream)."""
    import bw2calc as bc
    import bw2data as bd

    name, _, _ = uslci_project
    with open(ROOT / "databases" / "uslci" / "sanity.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    acts = {}
    for a in bd.Database(name):
        acts.setdefault(a["name"], []).append(a)
    gwp = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
    energy = 0
    for r in rows:
        (act,) = acts[r["process_name"]]
        method = tuple(r["method"].split(" / ")) if r["method"] else gwp
        lca = bc.LCA({act: 1.0}, method)
        lca.lci()
        lca.lcia()
        ratio = lca.score * float(r["uslci_to_published"]) / float(r["published_value"])
        assert 0.5 <= ratio <= 2.0 or len(r["gap_note"]) > 40, (r["process_name"], method, ratio)
        if r["process_name"] == GRID and method in (CED_NR, ADP_FOSSIL):
            assert 1.0 <= ratio <= 2.0, (method, ratio)
            energy += 1
    assert energy == 2


def test_companion_is_updated_in_place_and_refuses_a_foreign_database(bw_project):
    """The companion biosphere database is only added to or updated: a node keeps its id (a
    replaced database that links to it stays valid); a database of that name not made by ecolca
    is refused with a message naming it."""
    import bw2data as bd

    from ecolca.importers.common import ImportError_, write_companion

    name = "t-companion-biosphere"
    node = {"name": "Biphenyl", "categories": ("air",), "unit": "kilogram", "type": "emission",
            "exchanges": []}
    try:
        assert write_companion({"name": name, "flows": {"f1": node}}) is True
        first = bd.get_node(database=name, code="f1").id
        assert write_companion({"name": name, "flows": {
            "f1": dict(node, name="Biphenyl (renamed)"), "f2": dict(node, name="Decane")}}) is False
        assert bd.get_node(database=name, code="f1").id == first
        assert bd.get_node(database=name, code="f1")["name"] == "Biphenyl (renamed)"
        assert len(bd.Database(name)) == 2
        bd.databases[name] = {"type": "biosphere"}  # not ecolca's
        with pytest.raises(ImportError_, match=name):
            write_companion({"name": name, "flows": {"f1": node}})
    finally:
        if name in bd.databases:
            del bd.databases[name]
