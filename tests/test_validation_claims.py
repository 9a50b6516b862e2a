"""Every check that docs/validation.md lists under "Checks the tests make" (issue #7, item 7).

Each check there names the test that makes it, and `test_every_listed_check_names_a_test_that_exists`
fails when a listed name has no test. Checks are physics or sourced arithmetic, with bands that
come from the stated ranges, not from fitting the current numbers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import PROJECT, ROOT
from ecolca.core import examples, scenario_file, units
from ecolca import lca
from ecolca.core.validation import validate

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
CED = ("Cumulative Energy Demand (CED)", "energy resources: non-renewable", "energy content (HHV)")
ACID = ("EF v3.1", "acidification", "accumulated exceedance (AE)")
PM = ("EF v3.1", "particulate matter formation", "impact on human health")


@pytest.fixture(scope="module")
def res(_bw_project_built):
    return {n: lca.compare(examples.load(n), project=PROJECT)
            for n in ("kalundborg", "kawasaki", "phoenix")}


def _parts(r, m=GWP):
    return {p.exchange_id: p for p in r.exchange_parts(m)}


def _unit_score(code: str, m=GWP) -> float:
    """c(x): the score of one unit of an ecolca-open activity, by an independent bw2calc LCA."""
    import bw2calc as bc
    import bw2data as bd

    bd.projects.set_current(PROJECT)
    fu, data_objs, _ = bd.prepare_lca_inputs({("ecolca-open", code): 1}, method=m)
    lcia = bc.LCA(fu, data_objs=data_objs)
    lcia.lci()
    lcia.lcia()
    return float(lcia.score)


def _warnings(name):
    return [p for p in validate(examples.load(name)) if p.severity == "warning"]


def _identity(r):
    for imp in r.impacts:
        total = sum(p.total for p in r.exchange_parts(imp.method))
        assert total == pytest.approx(imp.delta, rel=1e-6, abs=1e-6 * max(1.0, abs(imp.linear)))


# ---- Kalundborg ----------------------------------------------------------------------------

def test_kalundborg_validates_with_three_intended_warnings():
    ws = _warnings("kalundborg")
    assert not [p for p in validate(examples.load("kalundborg")) if p.severity == "error"]
    fates = [p for p in ws if p.field == "fate"]
    # the other warnings: the three r = 1 at the top of their triangular ranges (issue #20.1)
    ends = sorted(p.item.split("'")[1] for p in ws if "is the top of its range" in p.message)
    assert len(fates) == 3 and ends == ["ash-to-cement", "gypsum-to-gyproc", "heat-to-town"]
    assert len(ws) == 6


def test_kalundborg_identity(res):
    _identity(res["kalundborg"])


def test_kalundborg_gypsum_pays_off_far_beyond_its_haul(res):
    p = _parts(res["kalundborg"])["gypsum-to-gyproc"]
    assert p.avoided_supply < 0 and p.total < 0
    assert p.break_even_km > 1


def test_kalundborg_fly_ash_is_the_largest_exchange_and_matches_clinker(res):
    sc = examples.load("kalundborg")
    parts = _parts(res["kalundborg"])
    p = parts["ash-to-cement"]
    assert p.total < 0 and abs(p.total) == max(abs(x.total) for x in parts.values())
    e = sc.exchange("ash-to-cement")
    expect = -e.amount * 1000 * e.substitution_ratio * _unit_score("mat-clinker")
    assert p.avoided_supply == pytest.approx(expect, rel=0.01)
    assert p.break_even_km > 250


def test_kalundborg_heat_exchanges_avoid_boiler_heat_and_cost_turbine_power(res):
    """Steam and heat replace boiler heat (no transport, no fate) and cost Asnæs the electricity
    its turbine no longer makes, bought from the Danish grid: less than the heat saves."""
    r = res["kalundborg"]
    sc = examples.load("kalundborg")
    parts = _parts(r)
    grid = _unit_score("elec-grid-dk")
    for x in ("steam-to-refinery", "steam-to-novo", "heat-to-town"):
        p, e = parts[x], sc.exchange(x)
        assert p.avoided_supply < 0 and p.transport == 0 and p.avoided_fate == 0
        kwh = e.amount * e.processing[0].amount_per_unit
        assert p.processing == pytest.approx(kwh * grid, rel=1e-6)
        assert 0 < p.processing < abs(p.avoided_supply)
        assert e.economics.processing_paid_by == "supplier"
    co2 = next(i for i in r.inventory if i.label.startswith("Carbon dioxide, fossil"))
    assert co2.delta < 0


def test_kalundborg_district_heat_avoids_twenty_thousand_tonnes_of_oil():
    """2008 inventory: 20,000 t of oil saved; the exchange's q is derived from it with the
    heavy fuel oil NCV (40.4 MJ/kg) and the boiler efficiency (0.805)."""
    e = examples.load("kalundborg").exchange("heat-to-town")
    oil_t = e.amount * e.substitution_ratio / 0.805 / 40.4 / 1000
    assert oil_t == pytest.approx(20_000, rel=0.001)


def test_kalundborg_steam_ratio_is_the_steam_table_enthalpy(res):
    sc = examples.load("kalundborg")
    for x in ("steam-to-refinery", "steam-to-novo"):
        assert sc.exchange(x).substitution_ratio == pytest.approx(2777.1 - 83.9, abs=0.05)
    e = sc.exchange("steam-to-novo")
    expect = -e.amount * e.substitution_ratio * _unit_score("heat-natural-gas")
    assert _parts(res["kalundborg"])["steam-to-novo"].avoided_supply == pytest.approx(expect, rel=0.01)


def test_kalundborg_cooling_water_lowers_withdrawal_by_its_volume(res):
    r = res["kalundborg"]
    q = examples.load("kalundborg").exchange("cooling-water-to-asnaes").amount
    water = next(i for i in r.inventory if i.label.startswith("Water withdrawal"))
    assert water.delta == pytest.approx(-q, rel=1e-6)
    assert abs(water.symbiotic) < 1e-6 * q        # ≈ 0, compared with a tolerance


def test_kalundborg_acidification_and_pm_fall(res):
    r = res["kalundborg"]
    for m in (ACID, PM):
        assert r.impact(m).delta < 0


def test_kalundborg_regression_band(res):
    d = res["kalundborg"].impact(GWP).delta / 1e6   # kt CO2-eq/yr
    assert -370 <= d <= -250


# ---- Kawasaki ------------------------------------------------------------------------------

def test_kawasaki_identity(res):
    _identity(res["kawasaki"])


def test_kawasaki_ammonia_conserves_plastic_carbon(res):
    """The plastic's carbon is emitted in both configurations (incinerated, or released after
    gasification), so the exchange's gain is the avoided fossil ammonia less the residual burden
    the operator reports for its route (at most 20 %: "more than 80 % lower GHG")."""
    p = _parts(res["kawasaki"])["plastics-to-ammonia"]
    e = examples.load("kawasaki").exchange("plastics-to-ammonia")
    c_nh3 = _unit_score("mat-ammonia") * 1000                       # per t
    carbon = e.amount * e.processing[0].amount_per_unit * _unit_score(
        "kaw-plastic-carbon-release") * 1000
    assert abs(p.avoided_fate + carbon) <= 0.01 * abs(p.avoided_fate)
    residual = e.processing[1].amount_per_unit / e.substitution_ratio
    assert residual == pytest.approx(0.20, abs=1e-3)
    expect = -e.amount * e.substitution_ratio * c_nh3 * (1 - residual)
    assert p.total == pytest.approx(expect, rel=0.01)


def test_kawasaki_incineration_factor_is_in_the_ipcc_carbon_range(res):
    p = _parts(res["kawasaki"])["plastics-to-blast-furnace"]
    e = examples.load("kawasaki").exchange("plastics-to-blast-furnace")
    per_t = p.avoided_fate / e.amount / 1000                       # t CO2-eq per t
    assert -3.12 <= per_t <= -2.33
    assert -per_t == pytest.approx(_unit_score("kaw-incineration-waste-plastics"), rel=1e-6)


def test_kawasaki_slag_avoids_no_landfill_burden_and_replaces_clinker(res):
    p = _parts(res["kawasaki"])["slag-to-cement"]
    q = examples.load("kawasaki").exchange("slag-to-cement").amount
    assert p.avoided_fate == 0
    assert -1.0 <= p.total / q / 1000 <= -0.8


def test_kawasaki_ratios_come_from_the_sources():
    sc = examples.load("kawasaki")
    assert sc.exchange("plastics-to-blast-furnace").substitution_ratio == pytest.approx(
        0.75 / (25.8 * 28.2 / 1000), abs=0.001)
    assert sc.exchange("plastics-to-ammonia").substitution_ratio == pytest.approx(175 / 195, abs=1e-4)
    assert sc.exchange("slag-to-cement").substitution_ratio == 1.0


def test_kawasaki_diversion_below_the_published_bound():
    assert sum(e.amount for e in examples.load("kawasaki").exchanges) <= 565_000


def test_kawasaki_blast_furnace_within_operator_figures(res):
    p = _parts(res["kawasaki"])["plastics-to-blast-furnace"]
    q = examples.load("kawasaki").exchange("plastics-to-blast-furnace").amount
    assert 2.2 <= -p.total / q / 1000 <= 3.4


def test_kawasaki_transport_negligible_and_break_even_far(res):
    p = _parts(res["kawasaki"])
    assert p["slag-to-cement"].break_even_km > 5_000
    assert p["plastics-to-blast-furnace"].break_even_km > 20_000
    assert p["plastics-to-ammonia"].break_even_reason == "no transport"


def test_kawasaki_signs_and_band(res):
    r = res["kawasaki"]
    for m in (GWP, CED):
        for x in _parts(r, m).values():
            assert x.total < 0, (m, x.exchange_id)
    assert -600 <= r.impact(GWP).delta / 1e6 <= -350


# ---- Phoenix -------------------------------------------------------------------------------

def test_phoenix_effluent_lowers_withdrawal_by_q(res):
    q = examples.load("phoenix").exchange("effluent-to-palo-verde").amount
    water = next(i for i in res["phoenix"].inventory if i.label.startswith("Water withdrawal"))
    assert water.delta == pytest.approx(-q, rel=1e-6)


def test_phoenix_effluent_parts(bw_project, res):
    sc = examples.load("phoenix")
    e = sc.exchange("effluent-to-palo-verde")
    p = _parts(res["phoenix"])["effluent-to-palo-verde"]
    assert p.avoided_supply == pytest.approx(-e.amount * _unit_score("water-groundwater"), rel=1e-6)
    assert p.avoided_supply < 0 and p.processing > 0
    no_pumping = scenario_file.from_dict(scenario_file.to_dict(sc))
    no_pumping.exchange("effluent-to-palo-verde").processing[0].amount_per_unit = 0
    q = _parts(lca.compare(no_pumping, project=PROJECT, methods=[GWP]))["effluent-to-palo-verde"]
    assert q.total < 0


def test_phoenix_break_even_reuse_energy(bw_project):
    """The effluent exchange changes sign at c(groundwater) / c(AZNM kWh) kWh per m³."""
    sc = examples.load("phoenix")
    kwh = _unit_score("water-groundwater") / _unit_score("elec-grid-us-aznm")
    assert 0.3 < kwh < 0.6
    totals = []
    for k in (kwh * 0.98, kwh * 1.02):
        v = scenario_file.from_dict(scenario_file.to_dict(sc))
        ex = v.exchange("effluent-to-palo-verde")
        ex.processing[0].amount_per_unit = k
        ex.transport = []
        totals.append(_parts(lca.compare(v, project=PROJECT, methods=[GWP]))[ex.id].total)
    assert totals[0] < 0 < totals[1]


def test_phoenix_biogas_is_pure_avoided_gas(bw_project, res):
    sc = examples.load("phoenix")
    p = _parts(res["phoenix"])["biogas-to-rng"]
    e = sc.exchange("biogas-to-rng")
    assert p.avoided_fate == 0 and p.total < 0
    supply = sc.site(e.to_site).flow(e.to_flow)
    mj = units.factor(supply.unit, "MJ")          # heat-natural-gas is per MJ of useful heat
    assert p.total == pytest.approx(
        -e.substitution_ratio * e.amount * mj * _unit_score("heat-natural-gas"), rel=1e-6)
    v = scenario_file.from_dict(scenario_file.to_dict(sc))
    v.exchange("biogas-to-rng").substitution_ratio *= 0.5
    half = _parts(lca.compare(v, project=PROJECT, methods=[GWP]))["biogas-to-rng"]
    assert half.total == pytest.approx(p.total / 2, rel=1e-6)


def test_phoenix_identity(res):
    _identity(res["phoenix"])


def test_phoenix_exchanges_are_independent(bw_project):
    base = examples.load("phoenix")
    dirtier = scenario_file.from_dict(scenario_file.to_dict(base))
    dirtier.exchange("effluent-to-palo-verde").processing[0].amount_per_unit *= 1.5
    a = _parts(lca.compare(base, project=PROJECT, methods=[GWP]))
    b = _parts(lca.compare(dirtier, project=PROJECT, methods=[GWP]))
    assert b["effluent-to-palo-verde"].total > a["effluent-to-palo-verde"].total
    assert b["biogas-to-rng"].total == pytest.approx(a["biogas-to-rng"].total, rel=1e-12)


def test_phoenix_validates_with_one_warning_and_is_illustrative():
    """The biogas is flared with no burden (fate null: warned); the effluent has a fate (its
    phosphorus reaches the river), so it is not warned."""
    ws = _warnings("phoenix")
    fates = [p for p in ws if p.field == "fate"]
    assert len(fates) == 1
    # the others: point values at an end of their own ranges (issue #20.1)
    assert all("of its range" in p.message for p in ws if p.field != "fate")
    assert examples.load("phoenix").illustrative


# ---- the list itself -----------------------------------------------------------------------

def _test_names() -> set[str]:
    names = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(node.name)
    return names


def _listed_checks() -> list[tuple[str, str]]:
    """(section heading, check text) of every bullet or numbered item under a heading that
    starts with "Checks the tests make"."""
    out, section, inside = [], "", False
    for line in (ROOT / "docs" / "validation.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            inside = line.lstrip("#").strip().startswith("Checks the tests make")
            section = line
            continue
        if inside and re.match(r"^(- |\d+\. )", line):
            out.append((section, line))
        elif inside and out and line.startswith("  ") and out[-1][0] == section:
            out[-1] = (section, out[-1][1] + " " + line.strip())
    return out


def test_every_listed_check_names_a_test_that_exists():
    checks = _listed_checks()
    assert len(checks) >= 20
    existing = _test_names()
    for section, text in checks:
        named = re.findall(r"`(test_[a-z0-9_]+)`", text)
        assert named, f"{section}: this check names no test: {text[:80]}"
        for n in named:
            assert n in existing, f"{section}: `{n}` is listed but no such test exists"
