"""The synergy finder (`ecolca suggest`, docs/suggest.md): the compatibility table, matching,
Δ of a candidate checked by hand, the rediscovery of Kalundborg's exchanges, bad input."""

from __future__ import annotations

import copy
import csv
import json
import math

import pytest

from ecolca.core.resources import databases_dir

LORRY = ("ecolca-open", "transport-lorry")
LANDFILL = ("ecolca-open", "waste-landfill-inert")
CLINKER = ("ecolca-open", "mat-clinker")


def _table_rows():
    with open(databases_dir() / "compatibility.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_row_of_the_compatibility_table_has_a_source_and_a_ratio_in_its_range():
    from ecolca.park.suggest import load_table

    rows = _table_rows()
    assert len(rows) >= 10
    for r in rows:
        for col in ("source", "source_locator", "source_year"):
            assert r[col].strip(), f"row {r['id']}: {col} is empty"
        lo, c, hi = float(r["ratio_low"]), float(r["ratio"]), float(r["ratio_high"])
        assert 0 < lo <= c <= hi, r["id"]
        if r["processing_code"]:
            assert float(r["processing_low"]) <= float(r["processing_amount"]) <= \
                float(r["processing_high"]), r["id"]
    kinds = {r.id for r in load_table()}
    # the residue kinds the issue names
    for need in ("fly-ash-clinker", "ggbfs-clinker", "fgd-gypsum-natural", "steam-heat",
                 "low-heat-heat", "effluent-water", "plastics-coking-coal", "spent-grain-corn",
                 "co2-greenhouse-gas"):
        assert need in kinds


def test_every_supply_code_of_the_table_is_an_ecolca_open_activity():
    import glob

    codes = set()
    for f in glob.glob(str(databases_dir() / "ecolca-open" / "processes_*.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            codes |= {r["code"] for r in csv.DictReader(fh)}
    for r in _table_rows():
        for c in filter(None, r["supply_codes"].split(";")):
            assert c in codes, (r["id"], c)
        # a row with no ecolca-open supply must match other backgrounds by name
        assert r["supply_codes"] or r["supply_name_pattern"], r["id"]
        for c in r["residue_fates"].split(";"):
            assert c == "none" or c in codes, (r["id"], c)
        if r["processing_code"] and r["processing_code"] != "@grid":
            assert r["processing_code"] in codes, r["id"]


def test_matching_needs_the_background_activity_not_only_the_name():
    from ecolca.core.model import ActivityRef, Flow
    from ecolca.park.suggest import load_table

    row = {r.id: r for r in load_table()}["fgd-gypsum-natural"]
    gyp = Flow("g", "supply", "natural gypsum", 1.0, "t", activity=ActivityRef("ecolca-open", "mat-gypsum-natural"))
    named_only = Flow("g", "supply", "natural gypsum", 1.0, "t", activity=ActivityRef("ecolca-open", "mat-limestone"))
    assert row.supply_matches(gyp, None)
    assert not row.supply_matches(named_only, None)  # the name says gypsum, the activity does not
    res = Flow("r", "residue", "FGD gypsum", 1.0, "t", fate=ActivityRef(*LANDFILL))
    wrong_fate = Flow("r", "residue", "FGD gypsum", 1.0, "t", fate=ActivityRef("ecolca-open", "waste-wastewater-treatment"))
    assert row.residue_matches(res, None)
    assert not row.residue_matches(wrong_fate, None)


def test_great_circle_distance_and_circuity():
    from ecolca.core.model import Site
    from ecolca.park.suggest import CIRCUITY, distance, great_circle_km

    # one degree of latitude on the mean-radius sphere: 2πR/360
    assert great_circle_km(0, 0, 1, 0) == pytest.approx(2 * math.pi * 6371.0088 / 360, rel=1e-12)
    a = Site("a", "A", latitude=55.0, longitude=11.0)
    b = Site("b", "B", latitude=56.0, longitude=11.0)
    km, basis, warn = distance(a, b, 7.0)
    assert km == pytest.approx(great_circle_km(55, 11, 56, 11) * CIRCUITY) and warn is None
    km, basis, warn = distance(Site("c", "C"), b, 7.0)
    assert km == 7.0 and warn is None
    km, basis, warn = distance(Site("c", "C"), b, None)
    assert warn and "assumed" in warn


def _fill_cache(sc, project):
    from ecolca.lca import compare

    compare(sc, project=project)


def test_gypsum_ash_suggestion_checked_by_hand(bw_project):
    """gypsum-ash takes all its FGD gypsum already; 10,000 t of fly ash are left and the cement
    plant still buys clinker: the finder proposes fly ash → clinker for them. Its Δ is worked out
    here from the unit scores the cache holds: Δ = −q·(1000·c(landfill) + 25·c(lorry))
    − r·q·1000·c(clinker) + q·d·c(lorry) + q·Σa·c(processing), the last term 0 (the row
    has no processing)."""
    from ecolca.core import examples
    from ecolca.lca import cache
    from ecolca.park.suggest import suggest

    sc = examples.load("gypsum-ash")
    _fill_cache(sc, bw_project)
    s = suggest(sc, top=5, distance_km=40.0, allow_solve=False, project=bw_project)
    assert [c.row.id for c in s.candidates] == ["fly-ash-clinker"]
    c = s.candidates[0]
    assert c.extends == "ash-to-cement"
    power = sc.site("power")
    ash = power.flow("fly-ash")
    q_expected = ash.amount - sum(e.amount for e in sc.exchanges if e.from_flow == "fly-ash")
    # the row's 1.0 is the top of its range 0.4–1.0: the finder proposes the middle, 0.7
    # (issue #20.1; docs/suggest.md, "The proposed ratio"), and the range as its distribution
    assert c.q == pytest.approx(q_expected) and c.r == pytest.approx(0.7) and c.distance_km == 40.0
    u = c.exchange.ratio_uncertainty
    assert (u.type, u.minimum, u.maximum) == ("triangular", pytest.approx(0.4), pytest.approx(1.0))
    m = [tuple(x) for x in sc.methods]
    U, found = cache.lookup([LANDFILL, LORRY, CLINKER], m)
    assert found.all()
    haul = ash.transport[0].distance_km                  # the residue's haul to landfill, avoided
    for j in range(len(m)):
        c_fill, c_lorry, c_clinker = U[0, j], U[1, j], U[2, j]
        fate = -q_expected * (1000 * c_fill + haul * c_lorry)       # t -> kg; t·km
        supply = -0.7 * q_expected * 1000 * c_clinker
        transport = q_expected * 40.0 * c_lorry
        by_hand = fate + supply + transport
        assert c.delta[j] == pytest.approx(by_hand, rel=1e-9, abs=1e-9)
        assert c.parts["avoided_fate"][j] == pytest.approx(fate, rel=1e-9, abs=1e-9)
        assert c.parts["transport"][j] == pytest.approx(transport, rel=1e-9, abs=1e-9)
        assert c.parts["avoided_supply"][j] == pytest.approx(supply, rel=1e-9, abs=1e-9)
        assert c.parts["processing"][j] == 0  # the row has no processing (no sourced figure)
        if c_lorry > 0:  # break-even: the distance at which transport eats the benefit
            assert c.break_even_km[j] == pytest.approx(-(fate + supply) / (q_expected * c_lorry), rel=1e-9)
    # money: avoided disposal fee + avoided clinker purchase, per year
    clinker = sc.site("cement").flow("clinker")
    assert c.money_per_year == pytest.approx(q_expected * ash.price
                                             + 0.7 * q_expected * clinker.price)


def test_candidate_delta_equals_a_full_run_with_the_candidate_accepted(bw_project):
    """Accepting a candidate (adding its exchange) changes the park's Δ by exactly the
    candidate's Δ, by the engine's own `compare`."""
    from ecolca.core import examples
    from ecolca.lca import compare
    from ecolca.park.suggest import suggest

    sc = examples.load("gypsum-ash")
    before = compare(sc, project=bw_project)
    c = suggest(sc, top=1, distance_km=40.0, allow_solve=False, project=bw_project).candidates[0]
    sc2 = copy.deepcopy(sc)
    sc2.exchanges.append(copy.deepcopy(c.exchange))
    after = compare(sc2, project=bw_project)
    for j, (r0, r1) in enumerate(zip(before.impacts, after.impacts)):
        assert r1.delta - r0.delta == pytest.approx(c.delta[j], rel=1e-5, abs=1e-6)


def _kalundborg_without_exchanges():
    from ecolca.core import examples

    sc = examples.load("kalundborg")
    sc.exchanges = []
    return sc


def test_kalundborg_without_its_exchanges_rediscovers_gypsum_and_fly_ash(bw_project):
    from ecolca.core import examples
    from ecolca.park.suggest import suggest

    _fill_cache(examples.load("kalundborg"), bw_project)
    sc = _kalundborg_without_exchanges()
    s = suggest(sc, top=5, allow_solve=False, project=bw_project)
    top = [(c.from_site.id, c.residue.id, c.to_site.id, c.supply.id) for c in s.candidates]
    assert ("asnaes", "fgd-gypsum", "gyproc", "gypsum") in top
    assert ("asnaes", "fly-ash", "cement", "clinker") in top
    for c in s.candidates:
        assert c.row.source and c.row.source_locator
        assert c.delta[0] < 0
    gyp = next(c for c in s.candidates if c.residue.id == "fgd-gypsum")
    # the row's 1.0 is the bottom of its range 1.0–1.2: the middle, 1.1, is proposed
    assert "Aalborg Portland" in gyp.row.source and gyp.r == pytest.approx(1.1)
    assert gyp.q == pytest.approx(min(100_000, gyp.need / 1.1))
    assert not s.solved_missing
    # with its exchanges, every match is taken: the finder says so (it used to say that nothing
    # matches)
    full = suggest(examples.load("kalundborg"), top=5, allow_solve=False, project=bw_project)
    assert not full.candidates
    assert any("already exchanged in full" in n for n in full.notes), full.notes
    assert not any("no residue of the park matches" in n for n in full.notes)


def test_cli_suggest_json_on_kalundborg(bw_project, tmp_path, capsys):
    from ecolca import cli
    from ecolca.core import examples, scenario_file

    _fill_cache(examples.load("kalundborg"), bw_project)
    # (the cache is filled by plain Brightway, outside the CLI's quieting of its stdout: a first
    # database write in the process logs a geocollections warning there, which is not the CLI's)
    capsys.readouterr()
    p = tmp_path / "k.ecolca.json"
    scenario_file.save(_kalundborg_without_exchanges(), p)
    assert cli.main(["suggest", str(p), "--top", "5", "--json", "--project", bw_project]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["candidates"]) == 5
    rows = [c["why"]["row"] for c in doc["candidates"]]
    assert "fgd-gypsum-natural" in rows and "fly-ash-clinker" in rows
    first = doc["candidates"][0]
    for key in ("delta", "parts", "break_even_distance_km", "substitution_ratio", "amount",
                "assumes", "exchange", "why"):
        assert key in first
    assert first["why"]["source"]
    # the proposed exchange is a valid scenario exchange: it loads back into the scenario
    raw = json.loads(p.read_text())
    raw["exchanges"] = [c["exchange"] for c in doc["candidates"]]
    p.write_text(json.dumps(raw))
    assert len(scenario_file.load(p).exchanges) == 5


def test_cli_text_output_names_row_and_source(bw_project, tmp_path, capsys):
    from ecolca import cli
    from ecolca.core import examples

    _fill_cache(examples.load("gypsum-ash"), bw_project)
    assert cli.main(["suggest", str(examples.path("gypsum-ash")), "--project", bw_project]) == 0
    text = capsys.readouterr().out
    assert "row 'fly-ash-clinker'" in text and "EN 197-1" in text and "break-even" in text


def test_bad_input_gives_clear_messages(bw_project, tmp_path, capsys):
    from ecolca import cli
    from ecolca.core import examples, scenario_file

    path = str(examples.path("gypsum-ash"))
    assert cli.main(["suggest", path, "--method", "IPCC 2021|no such thing", "--project", bw_project]) == 1
    err = capsys.readouterr().err
    assert "--method 'IPCC 2021 | no such thing' is not installed" in err and "closest" in err
    assert cli.main(["suggest", path, "--top", "-3", "--project", bw_project]) == 1
    assert "--top must be a whole number ≥ 1, got -3" in capsys.readouterr().err
    assert cli.main(["suggest", path, "--distance-km", "-1", "--project", bw_project]) == 1
    assert "--distance-km must be a finite number ≥ 0" in capsys.readouterr().err
    sc = examples.load("gypsum-ash")
    for s in sc.sites:
        s.flows = [f for f in s.flows if f.kind != "residue"]
    sc.exchanges = []
    p = tmp_path / "nores.ecolca.json"
    scenario_file.save(sc, p)
    assert cli.main(["suggest", str(p), "--project", bw_project]) == 1
    assert "has no residue: nothing to suggest" in capsys.readouterr().err


def test_site_coordinates_round_trip_and_are_validated(tmp_path):
    from ecolca.core import examples, scenario_file
    from ecolca.core.errors import ScenarioError

    sc = examples.load("gypsum-ash")
    sc.sites[0].latitude, sc.sites[0].longitude = 55.6606, 11.0867
    p = tmp_path / "c.ecolca.json"
    scenario_file.save(sc, p)
    back = scenario_file.load(p)
    assert (back.sites[0].latitude, back.sites[0].longitude) == (55.6606, 11.0867)
    assert back.sites[1].latitude is None
    raw = json.loads(p.read_text())
    raw["sites"][1]["latitude"] = 91
    raw["sites"][1]["longitude"] = 11
    raw["sites"][2]["longitude"] = 11
    p.write_text(json.dumps(raw))
    with pytest.raises(ScenarioError) as exc:
        scenario_file.load(p)
    text = str([str(x) for x in exc.value.problems])
    assert "latitude" in text and "-90 to 90" in text and "give both latitude and longitude" in text


def test_every_example_gets_suggestions_or_says_why(bw_project):
    from ecolca.core import examples
    from ecolca.park.suggest import suggest

    for name in examples.available():
        sc = examples.load(name)
        _fill_cache(sc, bw_project)
        sc.exchanges = []
        s = suggest(sc, top=10, project=bw_project)
        assert s.candidates, name
        for c in s.candidates:
            assert c.row.source and all(math.isfinite(x) for x in c.delta), name


# ---------------------------------------------------------------------------------------------
# spent grain → feed and CO2 → greenhouse: rows for backgrounds other than ecolca-open
# ---------------------------------------------------------------------------------------------

STUB = "rows-test-uslci"
# real US LCI FY17 process ids and names (databases/uslci/*.zip, processes/), units as stored
STUB_ACTIVITIES = {
    "8504caf4-bea5-3ab2-b8f9-d4861e819f92": ("Corn grain, harvested and stored", "kilogram", 0.25),
    "1cbbcd09-ea17-3d9b-bc34-2cf42efe26ba": ("Corn, production, average, US, 2022", "kilogram", 0.3),
    "4d09380a-stub-corn-stover": ("Corn stover, production, average, US, 2022", "kilogram", 0.05),
    "6e19103d-stub-corn-decomposition": ("Corn, decomposition, 15.5% moisture", "kilogram", 0.0),
}


@pytest.fixture()
def uslci_like(bw_project):
    """A tiny database with US LCI's corn activities (real names), removed afterwards."""
    import bw2data as bd

    from _uslci_stub import CO2_FOSSIL

    if STUB in bd.databases:
        del bd.databases[STUB]
    data = {}
    for code, (name, unit, co2) in STUB_ACTIVITIES.items():
        exc = [{"input": (STUB, code), "amount": 1.0, "type": "production", "unit": unit}]
        if co2:
            exc.append({"input": CO2_FOSSIL, "amount": co2, "type": "biosphere", "unit": "kilogram"})
        data[(STUB, code)] = {"name": name, "unit": unit, "location": "US", "type": "process",
                              "reference product": name, "exchanges": exc}
    db = bd.Database(STUB)
    db.register(description="suggest test: US LCI corn activity names")
    db.write(data)
    yield STUB
    if STUB in bd.databases:
        del bd.databases[STUB]


def _rows_park(corn_db: str | None):
    """A brewery, a hydrogen plant, a beef farm buying corn, a greenhouse and a pharmaceutical
    plant both buying natural gas (ecolca-open)."""
    from ecolca.core import examples
    from ecolca.core.model import ActivityRef, Flow, Site

    sc = examples.load("gypsum-ash")
    sc.exchanges = []
    corn = (ActivityRef(corn_db, "8504caf4-bea5-3ab2-b8f9-d4861e819f92") if corn_db else
            ActivityRef("ecolca-open", "mat-limestone"))  # ecolca-open has no feed activity
    gas = ActivityRef("ecolca-open", "fuel-natural-gas")
    sc.sites = [
        Site("brewery", "Brewery", sector="brewing", flows=[
            Flow("bsg", "residue", "wet spent grain", 10_000, "t",
                 fate=ActivityRef("ecolca-open", "waste-landfill-municipal"))]),
        Site("h2", "Hydrogen plant", sector="refining", flows=[
            Flow("co2", "residue", "CO2 (pure, from hydrogen production)", 50_000, "t")]),
        Site("farm", "Beef feedlot", sector="cattle farming", flows=[
            Flow("corn", "supply", "feed corn", 5_000, "t", activity=corn)]),
        Site("glass", "Westland growers", sector="greenhouse horticulture", flows=[
            Flow("gas", "supply", "natural gas", 200_000, "GJ", activity=gas)]),
        Site("pharma", "Pharma plant", sector="pharmaceuticals",
             description="steam boilers; cuts its greenhouse gas emissions", flows=[
                 Flow("gas", "supply", "natural gas for boilers", 900_000, "GJ", activity=gas)]),
    ]
    return sc


def test_spent_grain_and_co2_rows_load_with_their_basis():
    from ecolca.park.suggest import load_table

    t = {r.id: r for r in load_table()}
    g, c = t["spent-grain-corn"], t["co2-greenhouse-gas"]
    # r = 0.26 t DM × TDN ratio / 0.845 t DM per t corn at 15.5 % moisture (AN241; US LCI)
    for tdn, r in ((0.73, g.ratio), (0.71, g.ratio_low), (0.75, g.ratio_high)):
        assert r == pytest.approx(0.26 * tdn / 0.88 / 0.845, abs=1e-4)
    assert "AN241" in g.source and "26 % dry matter" in g.source and "WET" in g.assumes
    assert not g.supply_codes and g.receiver_pattern is None
    # 205,000 t CO2 from 115 Mm³ gas at 56.1 t/TJ, per 400,000 t delivered (OCAP; IPCC 2006)
    for f, r in ((56.1, c.ratio), (58.3, c.ratio_low), (54.3, c.ratio_high)):
        assert r == pytest.approx(205_000 / f * 1000 / 400_000, abs=1e-3)  # TJ → GJ
    assert "OCAP" in c.source and "Table 2.2" in c.source_locator
    assert c.supply_codes == {"fuel-natural-gas"} and c.exchange_category == "energy"
    # the other rows have no receiver condition (back-compatible)
    assert all(r.receiver_pattern is None for k, r in t.items() if k != "co2-greenhouse-gas")


@pytest.mark.parametrize("name, matches", [
    ("Corn grain, harvested and stored", True),            # US LCI FY17
    ("Corn, production, average, US, 2022", True),          # US LCI FY17
    ("Corn grain, at conversion plant, 2022", True),        # US LCI FY17
    ("market for maize grain, feed", True),                 # ecoinvent naming
    ("maize grain, feed production", True),                 # ecoinvent naming
    ("Corn stover, production, average, US, 2022", False),
    ("Corn, decomposition, 15.5% moisture", False),
    ("Corn steep liquor", False),
    ("market for maize silage", False),
])
def test_spent_grain_row_matches_corn_grain_activities_by_name(name, matches):
    from ecolca.core.model import ActivityRef, Flow
    from ecolca.park.suggest import load_table

    row = {r.id: r for r in load_table()}["spent-grain-corn"]
    f = Flow("c", "supply", "anything", 1.0, "t", activity=ActivityRef("other-db", "x"))
    assert row.supply_matches(f, name) is matches
    # the residue must be wet grains: a dried or dry-matter residue is not matched
    res = Flow("r", "residue", "brewers' spent grains", 1.0, "t")
    assert row.residue_matches(res, None)
    assert not row.residue_matches(Flow("r", "residue", "dried brewers grains", 1.0, "t"), None)
    assert not row.residue_matches(Flow("r", "residue", "spent grain (t DM)", 1.0, "t"), None)


def test_receiver_condition_only_a_greenhouse_gets_co2():
    from ecolca.core.model import Site
    from ecolca.park.suggest import load_table

    row = {r.id: r for r in load_table()}["co2-greenhouse-gas"]
    assert row.receiver_matches(Site("g", "G", sector="Greenhouse horticulture"))
    assert row.receiver_matches(Site("g", "Westland greenhouses"))  # sector empty: the name
    assert row.receiver_matches(Site("g", "G", sector="glastuinbouw"))
    assert not row.receiver_matches(Site("b", "Boiler house", sector="utility"))
    # "greenhouse gas" is not a greenhouse
    assert not row.receiver_matches(Site("p", "Pharma", description="cuts greenhouse gas emissions"))
    # a sector given wins over the description
    assert not row.receiver_matches(Site("p", "P", sector="chemicals", description="greenhouse"))


def test_receiver_sector_pattern_column_is_optional_and_checked(tmp_path):
    from ecolca.core.errors import EcolcaError
    from ecolca.park.suggest import load_table

    rows = _table_rows()
    base = [c for c in rows[0] if c != "receiver_sector_pattern"]
    p = tmp_path / "old.csv"  # a table written before the column existed
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=base, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows[:3])
    old = load_table(str(p))
    assert len(old) == 3 and all(r.receiver_pattern is None for r in old)
    bad = dict(rows[0], receiver_sector_pattern="greenhouse(")
    p2 = tmp_path / "bad.csv"
    with open(p2, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerow(bad)
    with pytest.raises(EcolcaError, match=r"row 'fly-ash-clinker', field 'receiver_sector_pattern': "
                                          "not a regular expression"):
        load_table(str(p2))


def test_spent_grain_and_co2_candidates_on_a_us_lci_like_background(uslci_like, bw_project):
    """Spent grain → the feedlot's corn (a US LCI-named activity), CO2 → the greenhouse's gas;
    the pharmaceutical plant's boiler gas gets no CO2 and the output says why."""
    from ecolca.park.suggest import suggest, to_json

    sc = _rows_park(uslci_like)
    s = suggest(sc, top=None, distance_km=20.0, project=bw_project)
    by_row = {c.row.id: c for c in s.candidates}
    assert set(by_row) == {"spent-grain-corn", "co2-greenhouse-gas"}
    g = by_row["spent-grain-corn"]
    assert (g.from_site.id, g.to_site.id) == ("brewery", "farm")
    # 5,000 t corn needed / 0.2552 t per t wet grains > 10,000 t: all the grains go
    assert g.r == pytest.approx(0.2552) and g.q == pytest.approx(10_000)
    assert g.distance_km == 20.0 and g.parts["avoided_supply"][0] < 0
    c = by_row["co2-greenhouse-gas"]
    assert (c.to_site.id, c.supply.id) == ("glass", "gas")
    # 200,000 GJ / 9.135 GJ per t: the greenhouse takes 21,894 t of the 50,000 t
    assert c.q == pytest.approx(200_000 / 9.135) and c.distance_km is None
    assert any("receiver condition" in a and "greenhouse horticulture" in a for a in c.assumptions)
    assert all(c.to_site.id != "pharma" for c in s.candidates + s.alternatives)
    why = [k for k in s.skipped if "Pharma plant" in k]
    assert len(why) == 1 and "receiver condition" in why[0] and "pharmaceuticals" in why[0]
    doc = to_json(s)
    assert doc["skipped"] == s.skipped
    co2 = next(x for x in doc["candidates"] if x["why"]["row"] == "co2-greenhouse-gas")
    assert "greenhouse" in co2["why"]["receiver_condition"]


def test_spent_grain_and_co2_on_ecolca_open_find_no_feed_and_say_why(bw_project):
    """ecolca-open has no feed activity: the spent grain gets no candidate, and the skipped
    list says the park has no supply the row replaces. The CO2 still reaches the greenhouse
    (fuel-natural-gas is in ecolca-open) but never the pharmaceutical boilers."""
    from ecolca.park.suggest import format_text, suggest

    sc = _rows_park(None)
    s = suggest(sc, top=None, distance_km=20.0, project=bw_project)
    assert [c.row.id for c in s.candidates] == ["co2-greenhouse-gas"]
    grain = [k for k in s.skipped if "row spent-grain-corn" in k]
    assert len(grain) == 1 and "no supply in the park" in grain[0] and "no ecolca-open activity" in grain[0]
    text = "\n".join(format_text(s))
    assert "not proposed:" in text and "row spent-grain-corn" in text and "Pharma plant" in text


def test_a_table_row_with_an_exchange_category_not_in_the_model_is_refused(tmp_path):
    """Issue #21: the table's exchange_category becomes the candidates' Exchange.category, which
    validate() checks; a row outside the model's choices is refused when the table is read,
    with the model's message, never a candidate that fails later."""
    from ecolca.core.errors import EcolcaError
    from ecolca.park.suggest import load_table

    rows = _table_rows()
    p = tmp_path / "bad.csv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerow(dict(rows[0], exchange_category="Material"))
    with pytest.raises(EcolcaError, match=r"row 'fly-ash-clinker', field 'exchange_category': "
                                          r"must be one of .*did you mean 'material'"):
        load_table(str(p))


def test_the_finder_proposes_the_mode_of_its_range_and_shows_the_range():
    """Issue #20.1: the finder proposed r = 1.0 of 0.4–1.0 (fly ash → clinker), the top of its
    range, so an accepted suggestion's deterministic Δ sat at the edge of its Monte Carlo draws.
    A row whose ratio sits at an end of its range is proposed at the middle (the mode of a
    triangular over the range); a ratio inside its range is the row's mode and is kept."""
    from ecolca.park.suggest import load_table

    rows = {r.id: r for r in load_table()}
    ash = rows["fly-ash-clinker"]
    assert (ash.ratio_low, ash.ratio, ash.ratio_high) == (0.4, 1.0, 1.0)
    assert ash.proposed == pytest.approx(0.7)
    assert "r = 0.7, the middle of the row's range 0.4–1" in ash.proposed_words()
    inside = rows["plastics-coking-coal"]
    assert inside.ratio_low < inside.ratio < inside.ratio_high
    assert inside.proposed == inside.ratio and "the mode of its range" in inside.proposed_words()


def test_a_table_with_the_old_column_name_exchange_kind_still_loads(tmp_path):
    """The column was 'exchange_kind' before the exchange's field became 'category' (issue #21):
    a table written then loads with the same rows."""
    from ecolca.park.suggest import load_table

    rows = _table_rows()
    p = tmp_path / "old.csv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["exchange_kind" if c == "exchange_category" else c
                                           for c in rows[0]])
        w.writeheader()
        w.writerows({("exchange_kind" if k == "exchange_category" else k): v
                     for k, v in r.items()} for r in rows)
    old, new = load_table(str(p)), load_table()
    assert [r.exchange_category for r in old] == [r.exchange_category for r in new]
    assert {r.exchange_category for r in new} == {"by-product", "energy", "water"}
    assert [r.id for r in old] == [r.id for r in new]
