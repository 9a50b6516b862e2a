"""Issue #7, item 2 "Water that scores": water consumption as the installed methods define it.

EF v3.1 water use (AWARE) and ReCiPe 2016 water consumption (WCP), as bw2io ships them (ecoinvent
3.9.1 implementation), characterise only `Water` emitted to air: consumption is evaporation,
booked where the water evaporates. The checks below read every factor from the installed method,
never a hard-coded 42.95, and compare ecolca's L, S and Δ with hand calculations from the
declared amounts (databases/ecolca-open/NOTES_wwt.md, "Pass 5"; docs/validation.md). The grid
electricity processes evaporate cooling water (Macknick et al. 2012 medians, NOTES_airwater.md,
"Water consumed by electricity generation"), so a symbiosis that changes how much electricity a
park buys changes its water use."""

from __future__ import annotations

import pytest

from conftest import PROJECT
from ecolca.brightway import background
from ecolca.core import examples, units
from ecolca import lca

EF_WATER = ("EF v3.1", "water use", "user deprivation potential (deprivation-weighted water consumption)")
WCP = ("ReCiPe 2016 v1.03, midpoint (H)", "water use", "water consumption potential (WCP)")
WATER_METHODS = (EF_WATER, WCP)


def _factors(method) -> dict[str, tuple[str, tuple, float]]:
    """{biosphere3 code: (name, categories, factor)} of an installed method."""
    import bw2data as bd

    bd.projects.set_current(PROJECT)
    out = {}
    for node_id, cf in bd.Method(method).load():
        node = bd.get_node(id=node_id)
        out[node["code"]] = (node["name"], tuple(node["categories"]), float(cf))
    return out


def _unit_score(code: str, method) -> float:
    """The score of one unit of an ecolca-open activity, by an independent bw2calc LCA."""
    import bw2calc as bc
    import bw2data as bd

    bd.projects.set_current(PROJECT)
    fu, data_objs, _ = bd.prepare_lca_inputs({("ecolca-open", code): 1}, method=method)
    lcia = bc.LCA(fu, data_objs=data_objs)
    lcia.lci()
    lcia.lcia()
    return float(lcia.score)


def _per_unit(flow_unit: str, code: str, conversion: float | None = None) -> float:
    """Units of the background activity `code` per unit of a flow declared in `flow_unit`."""
    import bw2data as bd

    return units.factor(flow_unit, bd.get_activity(("ecolca-open", code))["unit"], conversion)


def _hand_totals(sc, method):
    """L and Δ of one method by hand: the sites' direct water-to-air emissions times the method's
    factor, plus every background amount times that activity's unit score, and per exchange the processing added minus the
    supply and fate avoided."""
    cf = _factors(method)
    linear = 0.0
    for _, f in sc.iter_flows():
        if f.kind == "emission" and f.activity.code in cf:
            linear += f.amount * units.factor(f.unit, "cubic meter") * cf[f.activity.code][2]
        elif f.kind == "supply" and f.activity is not None:
            linear += f.amount * _per_unit(f.unit, f.activity.code, f.conversion_factor) \
                * _unit_score(f.activity.code, method)
        elif f.kind == "residue" and f.fate is not None:
            linear += f.amount * _per_unit(f.unit, f.fate.code, f.conversion_factor) \
                * _unit_score(f.fate.code, method)
    delta = 0.0
    for e in sc.exchanges:
        assert not e.transport, "the hand calculation below has no transport term"
        supply = sc.site(e.to_site).flow(e.to_flow)
        residue = sc.site(e.from_site).flow(e.from_flow)
        delta -= e.amount * e.substitution_ratio * _per_unit(supply.unit, supply.activity.code,
                                                             supply.conversion_factor) \
            * _unit_score(supply.activity.code, method)
        if residue.fate is not None:
            delta -= e.amount * _per_unit(residue.unit, residue.fate.code) \
                * _unit_score(residue.fate.code, method)
        for p in e.processing:
            delta += e.amount * p.amount_per_unit * _per_unit(p.unit, p.activity.code, p.conversion_factor) \
                * _unit_score(p.activity.code, method)
    return linear, delta


def test_installed_water_methods_characterise_only_evaporation(bw_project):
    """The premise of the whole model: only `Water` to air carries a factor, one factor for all
    air sub-compartments; withdrawals and releases (to rivers, ground water or the sea) carry none."""
    import bw2data as bd

    bio = bd.Database("biosphere3")
    for m in WATER_METHODS:
        cf = _factors(m)
        assert cf, m
        assert all(name == "Water" and cats[0] == "air" for name, cats, _ in cf.values()), m
        assert len({v for _, _, v in cf.values()}) == 1, "one global factor, whatever the air compartment"
        assert next(iter(cf.values()))[2] > 0
        for flow in bio:
            name, cats = flow["name"], tuple(flow.get("categories", ()))
            if name.startswith("Water") and cats[:1] != ("air",):
                # withdrawals (natural resource) and releases (water::surface water, ground-, ocean)
                assert flow["code"] not in cf, (m, name, cats)


def test_ecolca_open_water_processes_balance_without_evaporation():
    """Supply delivers what it withdraws and the WWTP releases what it treats, so none of them
    evaporates (emits `Water` to air): the consumption is booked at the sites that evaporate it."""
    db = background.read()
    for code, withdrawn, released in (("water-groundwater", "Water, well, in ground", None),
                                      ("water-surface", "Water, river", None),
                                      ("waste-wastewater-treatment", None, "Water")):
        rows = [e for e in db.exchanges if e["process_code"] == code and e["type"] == "biosphere"
                and e["input_name"].startswith("Water")]
        into_air = sum(float(e["amount"]) for e in rows if e["categories"].startswith("air"))
        into_water = sum(float(e["amount"]) for e in rows if e["categories"].startswith("water"))
        taken = sum(float(e["amount"]) for e in rows if e["categories"].startswith("natural resource"))
        if withdrawn:    # 1 m³ delivered = withdrawn − evaporated − released
            assert [e["input_name"] for e in rows if e["categories"].startswith("natural resource")] == [withdrawn]
            assert taken - into_air - into_water == pytest.approx(1.0)
        if released:     # 1 m³ treated = released + evaporated
            assert into_water + into_air == pytest.approx(1.0) and taken == 0
        assert into_air == 0, f"{code}: an evaporation row needs a source and NOTES_wwt.md"


def test_palo_verde_evaporates_its_make_up_water():
    """Zero-discharge station: all make-up water evaporates, whatever its source, so the declared
    evaporation equals the make-up supply and the exchanged effluent (r = 1 m³/m³)."""
    sc = examples.load("phoenix")
    pv = sc.site("palo-verde")
    evap = [f for f in pv.flows if f.kind == "emission" and f.unit == "m3"]
    assert len(evap) == 1
    make_up = pv.flow("cooling-water")
    e = sc.exchange("effluent-to-palo-verde")
    assert evap[0].amount == make_up.amount == e.amount and e.substitution_ratio == 1.0
    assert evap[0].uncertainty.minimum == make_up.uncertainty.minimum


@pytest.mark.parametrize("method", WATER_METHODS, ids=["EF-water-use", "ReCiPe-WCP"])
def test_phoenix_water_use_delta_matches_hand_calculation(bw_project, method):
    """L, S and Δ of Phoenix against the hand calculation from the declared amounts and the
    method's own factors. Palo Verde evaporates q in both configurations (effluent in place of
    groundwater), so Δ is the background water of the added electricity minus that of the wells:
    never a saving, since the reuse route needs more electricity than the wells."""
    sc = examples.load("phoenix")
    res = lca.compare(sc, project=PROJECT, methods=[method])
    imp = res.impact(method)
    linear, delta = _hand_totals(sc, method)
    cf = next(v for _, _, v in _factors(method).values())
    q = sc.exchange("effluent-to-palo-verde").amount
    assert linear >= q * cf > 0                               # the category scores
    assert imp.coverage.status != "not covered"
    # Brightway stores factors and amounts as float32 (42.95 -> 42.9500008): compare to 1e-6
    assert imp.linear == pytest.approx(linear, rel=1e-6)
    assert imp.delta == pytest.approx(delta, rel=1e-6, abs=1e-6 * linear)
    assert imp.symbiotic == pytest.approx(linear + delta, rel=1e-6)
    assert imp.delta > 0                                      # no spurious water saving
    parts = {p.exchange_id: p for p in res.exchange_parts(method)}
    assert sum(p.total for p in parts.values()) == pytest.approx(imp.delta, abs=1e-6 * linear)
    eff = parts["effluent-to-palo-verde"]
    assert eff.avoided_supply == pytest.approx(-q * _unit_score("water-groundwater", method),
                                               rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("method", WATER_METHODS, ids=["EF-water-use", "ReCiPe-WCP"])
def test_kalundborg_cooling_water_moves_withdrawal_but_not_evaporation(bw_project, method):
    """The refinery's used Tissø water replaces Asnæs's Tissø intake 1:1. Asnæs uses the same
    volume either way, so no evaporation changes: the exchange moves the withdrawal by −q and the
    evaporation-based categories by exactly the hand-calculated background term (0 today). What it
    does save under AWARE's own definition (q of freshwater no longer released to the sea) the
    installed methods cannot see: `Water` to ocean has no factor."""
    import bw2data as bd

    sc = examples.load("kalundborg")
    e = sc.exchange("cooling-water-to-asnaes")
    q = e.amount
    res = lca.compare(sc, project=PROJECT, methods=[method])
    withdrawal = next(i for i in res.inventory if i.label.startswith("Water withdrawal"))
    assert withdrawal.delta == pytest.approx(-q, rel=1e-6)
    part = {p.exchange_id: p for p in res.exchange_parts(method)}[e.id]
    expect = -q * e.substitution_ratio * _unit_score("water-surface", method)
    assert part.total == pytest.approx(expect, rel=1e-6, abs=1e-9 * q)
    assert sc.site(e.from_site).flow(e.from_flow).fate is None     # linear fate: to the fjord
    ocean = [f["code"] for f in bd.Database("biosphere3")
             if f["name"] == "Water" and tuple(f.get("categories", ())) == ("water", "ocean")]
    assert ocean and not set(ocean) & set(_factors(method))
    imp = res.impact(method)
    if imp.coverage.status == "not covered":     # no site declares evaporation (not published)
        assert imp.linear == 0 and imp.symbiotic == 0


# ---- independent hand calculations from the CSV sources and the method's factors -----------

def _rows(code: str) -> list[dict]:
    return [e for e in background.read().exchanges if e["process_code"] == code]


def _evaporated_per_kwh(grid: str) -> float:
    """m³ of `Water` to air per kWh of a grid, from the CSV rows: the grid's own rows (technologies
    expanded into it) plus, for each technology process it links, share × that process's rows.
    One level deep is the whole chain: fuels, water and the technology processes buy no electricity."""
    def direct(code):
        return sum(float(e["amount"]) for e in _rows(code) if e["type"] == "biosphere"
                   and e["input_name"] == "Water" and e["categories"].split("::")[0] == "air")
    total = direct(grid)
    for e in _rows(grid):
        if e["type"] == "technosphere" and e["input"].startswith("elec-"):
            assert not [x for x in _rows(e["input"]) if x["type"] == "technosphere"
                        and x["input"].startswith("elec-")]
            total += float(e["amount"]) * direct(e["input"])
    return total


def test_phoenix_water_use_delta_is_the_water_of_the_extra_electricity(bw_project):
    """EF v3.1 water use, Phoenix, by hand from the data files: per m³ of effluent the reuse route
    buys 1 kWh of AZNM electricity and saves the wells' kWh of US grid electricity (EPRI 2002,
    0.48 kWh/m³); each kWh evaporates its generators' cooling water (Macknick et al. 2012). Palo
    Verde's own evaporation is the same in both configurations. Δ = q × (kWh_reuse × w_AZNM −
    kWh_wells × w_US) × CF > 0, a small share of L (the evaporation at Palo Verde dominates)."""
    sc = examples.load("phoenix")
    e = sc.exchange("effluent-to-palo-verde")
    q = e.amount
    cf = {code: v for code, (_, _, v) in _factors(EF_WATER).items()}
    (water_cf,) = set(cf.values())
    (proc,) = e.processing
    assert proc.activity.code == "elec-grid-us-aznm" and proc.unit == "kWh"
    (wells,) = [x for x in _rows("water-groundwater") if x["type"] == "technosphere"]
    assert wells["input"] == "elec-grid-us" and wells["unit"] == "kilowatt hour"
    w_aznm, w_us = _evaporated_per_kwh("elec-grid-us-aznm"), _evaporated_per_kwh("elec-grid-us")
    # AZNM: 22 % coal and 45 % gas in cooling towers, 19 % nuclear: about 1.5 L/kWh
    assert 1.2e-3 < w_aznm < 1.8e-3 and 1.2e-3 < w_us < 1.8e-3
    hand = q * (proc.amount_per_unit * w_aznm - float(wells["amount"]) * w_us) * water_cf
    res = lca.compare(sc, project=PROJECT, methods=[EF_WATER])
    imp = res.impact(EF_WATER)
    assert imp.delta == pytest.approx(hand, rel=1e-5)
    assert imp.delta > 0 and imp.delta < 0.01 * imp.linear
    part = {p.exchange_id: p for p in res.exchange_parts(EF_WATER)}[e.id]
    assert part.processing == pytest.approx(q * proc.amount_per_unit * w_aznm * water_cf, rel=1e-5)
    assert part.avoided_supply == pytest.approx(-q * float(wells["amount"]) * w_us * water_cf, rel=1e-5)


EF_FRESHWATER = ("EF v3.1", "eutrophication: freshwater",
                 "fraction of nutrients reaching freshwater end compartment (P)")


def test_phoenix_freshwater_eutrophication_delta_is_the_diverted_phosphorus(bw_project):
    """In the linear park all of the 91st Avenue effluent goes to the river with its phosphorus
    (waste-effluent-discharge, a proxy concentration); in the symbiotic park the part sent to Palo
    Verde ends in its evaporation ponds (zero discharge). Δ = −q × P per m³ × CF(P to water) < 0,
    and L = effluent × P × CF: nothing else in the park's chain emits P."""
    sc = examples.load("phoenix")
    e = sc.exchange("effluent-to-palo-verde")
    effluent = sc.site(e.from_site).flow(e.from_flow)
    assert effluent.fate.code == "waste-effluent-discharge" and effluent.unit == "m3"
    (p_row,) = [x for x in _rows("waste-effluent-discharge") if x["input_name"] == "Phosphorus"]
    assert p_row["categories"].startswith("water::") and p_row["unit"] == "kilogram"
    p_per_m3 = float(p_row["amount"])
    assert 2e-3 < p_per_m3 < 1e-2                      # 2-10 mg/L: secondary effluent, no P removal
    cf = _factors(EF_FRESHWATER)[p_row["input"]][2]
    assert cf > 0
    res = lca.compare(sc, project=PROJECT, methods=[EF_FRESHWATER])
    imp = res.impact(EF_FRESHWATER)
    assert imp.linear == pytest.approx(effluent.amount * p_per_m3 * cf, rel=1e-6)
    assert imp.delta == pytest.approx(-e.amount * p_per_m3 * cf, rel=1e-6)
    assert imp.delta < 0 and imp.symbiotic > 0
    part = {p.exchange_id: p for p in res.exchange_parts(EF_FRESHWATER)}[e.id]
    assert part.avoided_fate == pytest.approx(imp.delta, rel=1e-6)
