"""The comparison on a real Brightway project with the bundled database."""

import copy

import pytest

from ecolca import lca
from ecolca.core.errors import ScenarioError
from ecolca.core.model import ATTRIBUTION_KEYS, ActivityRef, Exchange, Flow, Scenario, Site

from conftest import PROJECT

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")


@pytest.fixture(scope="module")
def results(_bw_project_built):
    from ecolca.core import examples

    return lca.compare(examples.load("gypsum-ash"), project=PROJECT)


def test_sum_of_exchanges_equals_delta_for_every_method(results):
    for r in results.impacts:
        parts = results.exchange_parts(r.method)
        assert len(parts) == 3
        total = sum(p.total for p in parts)
        assert total == pytest.approx(r.delta, rel=1e-6, abs=1e-9 * max(1.0, abs(r.linear)))


def test_per_site_figures_add_up_under_every_key(results):
    for m in results.methods:
        imp = results.impact(m)
        for key in ATTRIBUTION_KEYS:
            rows = results.site_results(m, key)
            assert len(rows) == 3
            assert sum(s.linear for s in rows) == pytest.approx(imp.linear, rel=1e-6)
            assert sum(s.symbiotic for s in rows) == pytest.approx(imp.symbiotic, rel=1e-6)


def test_gypsum_and_ash_substitution_lower_climate_impact(results):
    parts = {p.exchange_id: p for p in results.exchange_parts(GWP)}
    for p in parts.values():
        assert p.avoided_supply < 0      # less virgin material produced
        assert p.transport > 0           # lorry haul costs something
        assert p.pays_off
    assert parts["ash-to-cement"].processing > 0
    assert results.impact(GWP).delta < 0
    # avoided landfill haul + inert landfill: never a burden when avoided
    assert parts["gypsum-to-boards"].avoided_fate <= 0


def test_break_even_distance_zeroes_the_exchange(bw_project, results):
    from ecolca.core import examples

    p = next(x for x in results.exchange_parts(GWP) if x.exchange_id == "gypsum-to-boards")
    assert p.break_even_km > p.distance_km
    sc = examples.load("gypsum-ash")
    sc.exchange("gypsum-to-boards").transport[0].distance_km = p.break_even_km
    again = lca.compare(sc, project=PROJECT, methods=[GWP])
    q = next(x for x in again.exchange_parts(GWP) if x.exchange_id == "gypsum-to-boards")
    assert abs(q.total) <= 1e-6 * abs(p.avoided_supply)


def test_no_exchanges_means_no_difference(bw_project, example):
    sc = copy.deepcopy(example)
    sc.exchanges = []
    res = lca.compare(sc, project=PROJECT, methods=[GWP])
    assert res.impact(GWP).symbiotic == pytest.approx(res.impact(GWP).linear, rel=1e-9)


def test_units_are_converted_not_assumed(bw_project, example):
    """The same scenario written in kg instead of t gives the same results."""
    sc = copy.deepcopy(example)
    for s in sc.sites:
        for f in s.flows:
            if f.unit == "t":
                f.unit, f.amount = "kg", f.amount * 1000
    for e in sc.exchanges:
        e.amount *= 1000
        for p in e.processing:
            p.amount_per_unit /= 1000
    a = lca.compare(example, project=PROJECT, methods=[GWP])
    b = lca.compare(sc, project=PROJECT, methods=[GWP])
    assert b.impact(GWP).linear == pytest.approx(a.impact(GWP).linear, rel=1e-6)
    assert b.impact(GWP).delta == pytest.approx(a.impact(GWP).delta, rel=1e-6)


def test_linearity_halving_q_halves_the_exchange(bw_project, example):
    sc = copy.deepcopy(example)
    sc.exchange("gypsum-to-cement").amount /= 2
    a = lca.compare(example, project=PROJECT, methods=[GWP])
    b = lca.compare(sc, project=PROJECT, methods=[GWP])
    pa = next(p for p in a.exchange_parts(GWP) if p.exchange_id == "gypsum-to-cement")
    pb = next(p for p in b.exchange_parts(GWP) if p.exchange_id == "gypsum-to-cement")
    assert pb.total == pytest.approx(pa.total / 2, rel=1e-9)


def _cycle_scenario() -> Scenario:
    """Two sites feeding each other (steam one way, treated water the other)."""
    B = "ecolca-open"
    sc = Scenario(name="cycle test", methods=[GWP])
    a = Site("refinery", "Refinery", flows=[
        Flow("fuel", "product", "refined fuel", 1000, "t"),
        Flow("water", "supply", "process water", 50_000, "m3", activity=ActivityRef(B, "water-surface")),
        Flow("steam-out", "residue", "surplus steam", 5_000, "t", fate=None),
    ])
    b = Site("power", "Power plant", flows=[
        Flow("el", "product", "electricity", 100, "GWh", category="energy"),
        Flow("steam-in", "supply", "steam", 8_000, "t", activity=ActivityRef(B, "steam-industrial")),
        Flow("water-out", "residue", "cooling water", 60_000, "m3",
             fate=ActivityRef(B, "waste-wastewater-treatment")),
    ])
    sc.sites = [a, b]
    sc.exchanges = [
        Exchange("steam", "refinery", "steam-out", "power", "steam-in", 4_000, 1.0, category="energy"),
        Exchange("water", "power", "water-out", "refinery", "water", 30_000, 1.0, category="water"),
    ]
    return sc


def test_cycles_between_sites_are_calculated(bw_project):
    res = lca.compare(_cycle_scenario(), project=PROJECT)
    r = res.impact(GWP)
    assert r.delta < 0
    assert sum(p.total for p in res.exchange_parts(GWP)) == pytest.approx(r.delta, rel=1e-6)


def test_only_one_factorisation_for_all_methods_and_both_configurations(bw_project, example,
                                                                        monkeypatch):
    import bw2calc as bc

    made = []
    real = bc.MultiLCA

    class Counting(real):
        def __init__(self, *a, **k):
            made.append(k.get("demands") or a[0])
            super().__init__(*a, **k)

    def no_single_lca(*a, **k):
        raise AssertionError("compare() must not build one LCA per configuration and method")

    monkeypatch.setattr(bc, "MultiLCA", Counting)
    monkeypatch.setattr(bc, "LCA", no_single_lca)
    res = lca.compare(example, project=PROJECT)
    assert len(made) == 1
    assert {"linear", "symbiotic"} <= set(made[0])
    assert len(res.impacts) == len(example.methods)


def test_missing_background_activity_is_named(bw_project, example):
    sc = copy.deepcopy(example)
    sc.sites[1].flows[1].activity = ActivityRef("ecolca-open", "no-such-code")
    with pytest.raises(ScenarioError) as ei:
        lca.compare(sc, project=PROJECT)
    assert "site 'Plasterboard plant', flow 'natural gypsum', field 'activity'" in str(ei.value)
    assert "no-such-code" in str(ei.value)


def test_unit_that_does_not_convert_to_the_background(bw_project, example):
    sc = copy.deepcopy(example)
    sc.sites[1].flows[2].unit = "t"  # electricity bought in tonnes: kWh activity
    with pytest.raises(ScenarioError) as ei:
        lca.compare(sc, project=PROJECT)
    assert "flow 'electricity'" in str(ei.value) and "conversion factor" in str(ei.value)
    sc.sites[1].flows[2].conversion_factor = 1.0  # the user gives a factor: accepted
    sc.exchanges = []
    lca.compare(sc, project=PROJECT, methods=[GWP])


def test_unknown_method_is_named(bw_project, example):
    with pytest.raises(ScenarioError, match="LCIA method No \\| Such \\| Method"):
        lca.compare(example, project=PROJECT, methods=[("No", "Such", "Method")])


def test_foreground_is_a_findable_brightway_database(bw_project, example):
    import bw2data as bd

    lca.compare(example, project=PROJECT, methods=[GWP])
    name = lca.foreground_name(example)
    assert name in bd.databases
    codes = {a["code"] for a in bd.Database(name)}
    assert {"park:linear", "park:symbiotic", "site:power", "exchange:ash-to-cement"} <= codes


def test_inventory_totals_follow_the_exchanges(results):
    inv = {i.label: i for i in results.inventory}
    co2 = inv["Carbon dioxide, fossil (to air)"]
    assert co2.linear > 0 and co2.symbiotic < co2.linear


def test_economics_are_consistent(bw_project, example):
    res = lca.compare(example, project=PROJECT, methods=[GWP])
    assert sum(e.delta for e in res.economics) == pytest.approx(res.total_cost_delta)
    # an exchange price is a transfer between partners: it moves money, not the total
    sc = copy.deepcopy(example)
    for e in sc.exchanges:
        e.economics.price += 50
    res2 = lca.compare(sc, project=PROJECT, methods=[GWP])
    assert res2.total_cost_delta == pytest.approx(res.total_cost_delta)
    power = lambda r: next(e for e in r.economics if e.site_id == "power")
    assert power(res2).symbiotic_cost < power(res).symbiotic_cost
    # a missing price makes the totals "not computed" (None), never a cost counted as 0
    if any(e.missing_prices for e in res.economics):
        assert "price(s) missing" in res.cost_reason()
        assert res.total_cost("delta") is None and res.cost_per_avoided(GWP) is None
    for e in res.economics:
        e.missing_prices = []
    per = res.cost_per_avoided(GWP)
    assert per == pytest.approx(res.total_cost("delta") / -res.impact(GWP).delta)


def test_paired_monte_carlo_is_seeded_and_paired(bw_project, example):
    a = lca.compare(example, project=PROJECT, methods=[GWP], iterations=30, seed=7)
    b = lca.compare(example, project=PROJECT, methods=[GWP], iterations=30, seed=7)
    ua, ub = a.uncertainty[0], b.uncertainty[0]
    assert ua.delta == ub.delta and ua.linear == ub.linear
    # paired: the spread of Δ is far narrower than the spread of L (shared background sample)
    width = lambda s: s["p97.5"] - s["p2.5"]
    assert width(ua.delta) < width(ua.linear)
    assert 0.0 <= ua.probability_delta_negative <= 1.0
    assert ua.probability_delta_negative > 0.9  # every exchange saves CO2 in every draw here


def test_foreground_follows_a_reinstalled_background(bw_project, example):
    """After `ecolca setup` replaces the bundled database (new node ids), an unchanged scenario
    still computes: its cached foreground is rewritten against the new ids."""
    import bw2data as bd

    from ecolca.brightway import background
    from ecolca.importers.setup import setup

    first = lca.compare(example, project=PROJECT, methods=[GWP])
    md = bd.databases[background.BUNDLED_NAME]
    md["ecolca_digest"] = "stale"
    bd.databases[background.BUNDLED_NAME] = md
    bd.databases.flush()
    setup(PROJECT)  # rewrites ecolca-open: every node gets a new id
    again = lca.compare(example, project=PROJECT, methods=[GWP])
    assert again.impact(GWP).delta == pytest.approx(first.impact(GWP).delta, rel=1e-9)
