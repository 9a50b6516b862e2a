"""`ecolca rebase` and `ecolca mapping suggest`: unit checks and conversions (hand-checked),
references left in place (listed and stored), atomic output, round trip, suggestions.

The target database is a small stand-in for US LCI (tests/_uslci_stub.py: real codes, names and
units), written into the session's project under the name STUB and removed afterwards."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from ecolca.core import examples, scenario_file
from ecolca.core.errors import ScenarioError
from ecolca.park.rebase import (MappingError, parse_mapping, read_mapping, rebase, suggest, rows_csv,
                           uses)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "databases" / "mappings" / "ecolca-open--uslci.csv"
STUB = "uslci-test-stub"
GAS = "5b81b61c-4d10-3bed-9926-8a5f868f5174"  # Natural gas, combusted in industrial boiler (m3)
OIL = "9d9b6815-9349-30af-869b-57362428c42e"  # Residual fuel oil, combusted in ind. boiler (m3)
GRID = "89389d98-1ba6-30c5-9c33-92443694936b"  # Electricity, at Grid, US, 2010 (MJ)
TRUCK = "34156f3c-28ef-33db-9ad0-6293a2aa0d52"  # Transport, combination truck, diesel (t*km)
PASSENGER = "cef0fa12-65ae-3672-a989-49e304c7ba53"  # Transport, passenger truck (p*km)
LIMESTONE = "49e563d8-0cea-3f97-96b8-15787be48b91"
CEMENT = "62993671-574c-3fc5-b66a-6be3bb21ad3d"


def shipped_text() -> str:
    """The shipped mapping, pointed at the stub database."""
    return SHIPPED.read_text(encoding="utf-8").replace(",uslci,", f",{STUB},")


def mapping(rows: list[str]):
    return parse_mapping(("from_database,from_code,to_database,to_code,match,unit_factor,note\n"
                          + "\n".join(rows) + "\n").encode(), "test.csv")


@pytest.fixture(scope="module")
def _stub(_bw_project_built):
    import bw2data as bd

    import _uslci_stub

    bd.projects.set_current(_bw_project_built)
    _uslci_stub.build(STUB)
    yield STUB
    bd.projects.set_current(_bw_project_built)
    if STUB in bd.databases:
        del bd.databases[STUB]


@pytest.fixture()
def stub(_stub, bw_project, monkeypatch):
    monkeypatch.setenv("ECOLCA_PROJECT", bw_project)  # for the in-process command line
    return _stub


@pytest.fixture()
def shipped_file(tmp_path) -> Path:
    p = tmp_path / "ecolca-open--stub.csv"
    p.write_text(shipped_text(), encoding="utf-8")
    return p


def _with_heat_flows(sc):
    """gypsum-ash plus three flows whose units need conversions: 1,000 t of steam (2,693.19 MJ of
    heat per t, across dimensions), 5 GJ of oil-boiler heat (same dimension as MJ), a residue."""
    from ecolca.core.model import Flow

    power = sc.site("power")
    power.flows.append(Flow(id="steam", kind="supply", name="steam", amount=1000, unit="t",
                            activity=__import__("ecolca.core.model").core.model.ActivityRef(
                                "ecolca-open", "heat-natural-gas"),
                            conversion_factor=2693.19))
    power.flows.append(Flow(id="oilheat", kind="supply", name="oil heat", amount=5, unit="GJ",
                            activity=__import__("ecolca.core.model").core.model.ActivityRef(
                                "ecolca-open", "heat-heavy-fuel-oil")))
    return sc


# --- conversions, hand-checked ---------------------------------------------------------------

def test_unit_factor_goes_into_the_conversion_and_amounts_stay(stub):
    """Hand-checked: steam 1,000 t × 2,693.19 MJ/t × 0.0363187 m3/MJ = 97,813.16 m3 of gas;
    oil heat 5 GJ × 1,000 MJ/GJ × 3.12771e-5 m3/MJ = 0.156386 m3 of oil; plasterboard power
    15,000 MWh × 3,600 MJ/MWh = 5.4e7 MJ (exact, no factor); 80,000 t of gypsum × 15 km by
    lorry = 1.2e6 t·km, unchanged."""
    from ecolca.lca import _Lookup, check_against_project

    sc = _with_heat_flows(examples.load("gypsum-ash"))
    before = scenario_file.dumps(sc)
    res = rebase(sc, parse_mapping(shipped_text().encode(), "shipped"))
    assert scenario_file.dumps(sc) == before, "the input scenario is never changed"
    new = res.scenario
    steam = new.site("power").flow("steam")
    assert steam.amount == 1000 and steam.unit == "t"
    assert steam.activity.key == (STUB, GAS)
    assert steam.conversion_factor == pytest.approx(97.81315965, rel=1e-9)
    oil = new.site("power").flow("oilheat")
    assert oil.amount == 5 and oil.activity.key == (STUB, OIL)
    assert oil.conversion_factor == pytest.approx(0.0312771, rel=1e-9)
    power = new.site("plasterboard").flow("power")
    assert power.activity.key == (STUB, GRID) and power.conversion_factor is None
    proc = new.exchange("ash-to-cement").processing[0]
    assert proc.amount_per_unit == 5 and proc.unit == "kWh" and proc.conversion_factor is None
    assert new.exchange("gypsum-to-boards").amount == 80000

    model: list = []
    lookup = _Lookup.for_scenario(new)
    assert [p for p in check_against_project(new, lookup, model_out=model)
            if p.severity == "error"] == []
    table = model[0]
    site_rows = table.site_rows()
    exchange_rows = table.exchange_rows()
    gas = [a for k, a, _ in site_rows["power"] if k == (STUB, GAS)]
    assert gas == [pytest.approx(97_813.15965, rel=1e-9)]
    assert [a for k, a, _ in site_rows["power"] if k == (STUB, OIL)] == \
        [pytest.approx(0.1563855, rel=1e-9)]
    pb = [a for k, a, _ in site_rows["plasterboard"] if k == (STUB, GRID)]
    assert pb == [pytest.approx(5.4e7, rel=1e-12)]
    assert new.exchange("gypsum-to-boards").transport[0].distance_km == 15
    trucks = [r["amount"] for r in table.as_records() if r["exchange"] == "gypsum-to-boards"
              and r["part"] == "transport"]
    assert trucks == [pytest.approx(80_000 * 15)]
    assert all(k == (STUB, TRUCK) for k, a in exchange_rows["gypsum-to-boards"] if a == trucks[0])
    # ash-to-cement processing: 120,000 t × 5 kWh/t × 3.6 MJ/kWh on the US grid
    proc = [r["amount"] for r in table.as_records()
            if r["exchange"] == "ash-to-cement" and r["part"] == "processing"]
    assert proc == [pytest.approx(120_000 * 5 * 3.6)]


def test_unit_factor_within_one_dimension_is_refused_naming_row_and_field(stub):
    sc = examples.load("gypsum-ash")
    m = mapping([f"ecolca-open,elec-grid-dk,{STUB},{GRID},proxy,3.6,kWh to MJ"])
    with pytest.raises(MappingError) as exc:
        rebase(sc, m)
    (p,) = exc.value.problems
    assert str(p).startswith("mapping row at line 2, field 'unit_factor': is given, but "
                             "'electricity, grid mix, Denmark' (kilowatt hour) → 'Electricity, "
                             "at Grid, US, 2010' (MJ) share a dimension")


def test_across_dimensions_without_unit_factor_is_refused(stub):
    sc = _with_heat_flows(examples.load("gypsum-ash"))
    m = mapping([f"ecolca-open,heat-natural-gas,{STUB},{GAS},close,,"])
    with pytest.raises(MappingError) as exc:
        rebase(sc, m)
    (p,) = exc.value.problems
    assert "line 2, field 'unit_factor': is needed" in str(p)
    assert "(megajoule) → 'Natural gas, combusted in industrial boiler' (m3) lie in different " \
           "dimensions; give the units of m3 per megajoule" in str(p)


def test_transport_only_onto_ton_kilometers_and_targets_must_exist(stub):
    sc = examples.load("gypsum-ash")
    m = mapping([f"ecolca-open,transport-lorry,{STUB},{PASSENGER},proxy,1.0,",
                 f"ecolca-open,mat-limestone,{STUB},no-such-code,close,,"])
    with pytest.raises(MappingError) as exc:
        rebase(sc, m)
    msgs = [str(p) for p in exc.value.problems]
    assert any("line 2, field 'to_code'" in s and "a transport mode must map onto an activity "
               "in t·km" in s for s in msgs), msgs
    assert any("line 3, field 'to_code': no activity with code 'no-such-code' in database "
               f"'{STUB}'" in s for s in msgs), msgs


def test_composed_conversion_disagreeing_with_the_exact_one_is_a_warning():
    """A flow in kg linked to an MJ activity (48 MJ/kg) mapped onto a kg activity: the exact
    kg → kg conversion applies; a unit_factor of 0.02 kg/MJ (0.96, not 1) gets a warning, and
    1/48 none."""
    from ecolca.core.model import ActivityRef, Flow

    nodes = {("a", "heat"): {"name": "heat", "unit": "megajoule"},
             ("b", "gas"): {"name": "gas", "unit": "kilogram"}}
    for factor, warned in ((0.02, True), (1 / 48, False)):
        sc = examples.load("gypsum-ash")
        sc.site("power").flows.append(Flow(id="g", kind="supply", name="gas", amount=10,
                                           unit="kg", activity=ActivityRef("a", "heat"),
                                           conversion_factor=48.0))
        nodes.update({u.ref.key: {"name": "x", "unit": "kilogram"} for u in uses(sc)
                      if u.ref.database != "a"})
        res = rebase(sc, mapping([f"a,heat,b,gas,close,{factor!r},"]), nodes=nodes)
        flow = res.scenario.site("power").flow("g")
        assert flow.activity.key == ("b", "gas") and flow.conversion_factor is None
        assert res.moved[0].factor == 1.0
        assert bool(res.warnings) == warned
        if warned:
            assert "the exact conversion (1) now applies" in str(res.warnings[0])
            assert "gave 0.96" in str(res.warnings[0])


# --- references left in place ----------------------------------------------------------------

def test_unmapped_references_are_listed_and_stored_in_the_assumptions(stub):
    sc = examples.load("gypsum-ash")
    res = rebase(sc, parse_mapping(shipped_text().encode(), "ecolca-open--uslci.csv"))
    stayed = sorted({s.use.ref.code for s in res.stayed})
    assert stayed == ["mat-clinker", "mat-gypsum-natural", "waste-landfill-inert"]
    assert {s.use.where for s in res.stayed if s.use.ref.code == "waste-landfill-inert"} == {
        "site 'Coal power station', flow 'FGD gypsum', field 'fate'",
        "site 'Coal power station', flow 'fly ash', field 'fate'"}
    lines = res.lines()
    assert sum(1 for ln in lines if ln.startswith("stays ")) == len(res.stayed) == 5
    new = res.scenario
    assert new.background_database == STUB
    assert new.id == f"{sc.id}-{STUB}" and new.name == f"{sc.name} (on {STUB})"
    added = new.assumptions[len(sc.assumptions):]
    assert new.assumptions[:len(sc.assumptions)] == sc.assumptions
    assert added[0].startswith(f"Rebase onto {STUB} (") and "mapping 'ecolca-open--uslci.csv'" \
        in added[0] and "3 left where they were" in added[0]
    left = [a for a in added if "[left: " in a]
    assert [a.rsplit("[left: ", 1)[1] for a in left] == [
        "ecolca-open:mat-clinker]", "ecolca-open:mat-gypsum-natural]",
        "ecolca-open:waste-landfill-inert]"]
    assert "US LCI FY17 has no clinker process" in left[0]
    # the non-exact rows used are recorded with their notes (proxy grid, close others)
    assert any(a.startswith("Rebase (proxy): 'electricity, grid mix, Denmark'") for a in added)

    # a second rebase that maps clinker drops the stale "left" line and keeps the others
    again = rebase(new, mapping([f"ecolca-open,mat-clinker,{STUB},{CEMENT},proxy,,cement for "
                                 "clinker (test)"]), mapping_name="second.csv")
    left2 = [a for a in again.scenario.assumptions if "[left: " in a]
    assert not any("mat-clinker" in a.rsplit("[left: ", 1)[1] for a in left2)
    assert any("ecolca-open:mat-gypsum-natural]" in a for a in left2)


# --- the command line: atomic, never over the input, round trip ------------------------------

def _cli(capsys, *args):
    from ecolca import cli

    rc = cli.main(list(args))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def test_cli_rebase_round_trip(stub, shipped_file, tmp_path, capsys):
    """The rebased file loads, validates against the project and computes."""
    from ecolca.lca import check_against_project, compare

    src = tmp_path / "k.ecolca.json"
    src.write_bytes(examples.path("kalundborg").read_bytes())
    dest = tmp_path / "k-stub.ecolca.json"
    rc, out, err = _cli(capsys, "rebase", str(src), "--mapping", str(shipped_file), "-o",
                        str(dest))
    assert rc == 0, err
    assert out.count("\nstays ") + out.startswith("stays ") == 5
    assert "Wrote " in out and "4 left where they were (ecolca-open:mat-clinker, " in out
    new = scenario_file.load(dest)
    assert [p for p in check_against_project(new) if p.severity == "error"] == []
    keys = new.background_refs()
    assert {d for d, _ in keys} == {STUB, "ecolca-open"}
    res = compare(new, methods=[("IPCC 2021", "climate change",
                                 "global warming potential (GWP100)")])
    assert res.impacts[0].covered and res.impacts[0].delta < 0
    assert src.read_bytes() == examples.path("kalundborg").read_bytes()


def test_cli_rebase_never_writes_over_the_input_or_half_a_file(stub, shipped_file, tmp_path,
                                                                capsys, monkeypatch):
    src = tmp_path / "g.ecolca.json"
    original = examples.path("gypsum-ash").read_bytes()
    src.write_bytes(original)
    rc, _, err = _cli(capsys, "rebase", str(src), "--mapping", str(shipped_file), "-o", str(src),
                      "--force")
    assert rc == 1 and "is the input scenario" in err and src.read_bytes() == original

    existing = tmp_path / "exists.ecolca.json"
    existing.write_text("keep me")
    rc, _, err = _cli(capsys, "rebase", str(src), "--mapping", str(shipped_file), "-o",
                      str(existing))
    assert rc == 1 and "--force" in err and existing.read_text() == "keep me"

    bad = tmp_path / "bad.csv"
    bad.write_text(shipped_text().replace(",proxy,", ",maybe,"), encoding="utf-8")
    dest = tmp_path / "new.ecolca.json"
    rc, _, err = _cli(capsys, "rebase", str(src), "--mapping", str(bad), "-o", str(dest))
    assert rc == 1 and "line 2, field 'match': must be one of" in err and not dest.exists()

    def broken_replace(a, b):  # the disk fails at the last step
        raise OSError(28, "No space left on device", str(b))
    monkeypatch.setattr(scenario_file.os, "replace", broken_replace)
    rc, _, err = _cli(capsys, "rebase", str(src), "--mapping", str(shipped_file), "-o",
                      str(dest))
    assert rc == 1 and "No space left" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["g.ecolca.json", "exists.ecolca.json", "bad.csv", shipped_file.name])


def test_cli_rebase_refuses_a_result_that_does_not_validate(stub, tmp_path, capsys):
    """A mapping onto a database the project lacks is caught before anything is written."""
    src = tmp_path / "g.ecolca.json"
    src.write_bytes(examples.path("gypsum-ash").read_bytes())
    m = tmp_path / "m.csv"
    m.write_text("from_database,from_code,to_database,to_code,match,unit_factor,note\n"
                 "ecolca-open,mat-limestone,nowhere,x,close,,\n")
    dest = tmp_path / "new.ecolca.json"
    rc, _, err = _cli(capsys, "rebase", str(src), "--mapping", str(m), "-o", str(dest))
    assert rc == 1 and "no activity with code 'x' in database 'nowhere'" in err
    assert not dest.exists()


# --- suggestions -----------------------------------------------------------------------------

def test_suggest_ranks_the_obvious_match_first_and_marks_every_row(stub, tmp_path, capsys):
    src = tmp_path / "g.ecolca.json"
    src.write_bytes(examples.path("gypsum-ash").read_bytes())
    dest = tmp_path / "draft.csv"
    rc, out, err = _cli(capsys, "mapping", "suggest", str(src), "--to", STUB, "-o", str(dest))
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(dest.read_text(encoding="utf-8"))))
    first = {r["from_code"]: r for r in rows if r["rank"] == "1"}
    assert first["mat-limestone"]["to_code"] == LIMESTONE
    assert first["elec-grid-dk"]["to_code"] == GRID
    assert first["transport-lorry"]["to_name"].startswith("Transport, combination truck")
    assert all(r["match"] == "" and r["note"].startswith("unreviewed") for r in rows)
    assert {r["from_code"] for r in rows} == {u.ref.code for u in uses(examples.load(
        "gypsum-ash"))}
    scores = [float(r["score"]) for r in rows if r["from_code"] == "mat-limestone"]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(MappingError, match="field 'match': is empty"):
        read_mapping(dest)  # a draft is refused until reviewed


def test_suggest_scores_name_unit_and_location():
    """The score is 0.7·name + 0.2·unit + 0.1·location; a unit in another dimension asks for a
    unit_factor in the note."""
    sc = _with_heat_flows(examples.load("gypsum-ash"))
    nodes = {("ecolca-open", "heat-natural-gas"): {
        "name": "heat, industrial boiler, natural gas", "unit": "megajoule", "location": "GLO"}}
    target = [{"code": "g", "name": "Natural gas, combusted in industrial boiler", "unit": "m3",
               "location": "RNA"},
              {"code": "e", "name": "Electricity, natural gas, at power plant", "unit": "MJ",
               "location": "RNA"},
              {"code": "w", "name": "Wheat straw", "unit": "kg", "location": "RNA"}]
    rows = [r for r in suggest(sc, "t", 3, nodes=nodes, target_activities=target)
            if r["from_code"] == "heat-natural-gas"]
    assert [r["to_code"] for r in rows] == ["g", "e"]  # no shared word: wheat straw left out
    assert "a unit_factor (m3 per megajoule) is needed" in rows[0]["note"]
    assert "location 0.50" in rows[0]["note"]
    text = rows_csv(rows)
    assert text.splitlines()[0].startswith(
        "from_database,from_code,to_database,to_code,match,unit_factor,note,rank,score")


def test_validation_table_tool_runs_on_a_rebase(stub, tmp_path):
    """benchmarks/rebase_validation.py (the side-by-side table of docs/validation.md) on the
    stub: one row per method, Δ on both backgrounds, and the per-activity comparison."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "rebase_validation", ROOT / "benchmarks" / "rebase_validation.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    m = tmp_path / "m.csv"
    m.write_text(shipped_text(), encoding="utf-8")
    out = tmp_path / "table.md"
    assert mod.main(["--mapping", str(m), "--examples", "gypsum-ash", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    sc = examples.load("gypsum-ash")
    for method in sc.methods:
        assert "| " + " \\| ".join(method) + " |" in text
    row = next(ln for ln in text.splitlines() if ln.startswith("| IPCC 2021 \\| climate change"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    delta_open, delta_rebase = (float(c.replace(",", "")) for c in cells[-3:-1])
    r = float(cells[-1])
    assert delta_open < 0 and delta_rebase < 0
    assert r == pytest.approx(delta_rebase / delta_open, abs=0.006)
    assert "| electricity, grid mix, Denmark (kilowatt hour) | Electricity, at Grid, US, 2010 " \
           "(× 3.6 MJ/kilowatt hour, proxy) |" in text
    assert "3 stay on ecolca-open: mat-clinker, mat-gypsum-natural, waste-landfill-inert" in text
