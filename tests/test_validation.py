import copy

from ecolca.model import ActivityRef, Exchange, Flow, Scenario, Site, Transport
from ecolca.validation import errors, validate


def _msgs(sc):
    return [str(p) for p in errors(validate(sc))]


def test_example_is_valid(example):
    assert _msgs(example) == []


def test_exchange_taking_more_than_the_residue(example):
    sc = copy.deepcopy(example)
    sc.exchange("gypsum-to-boards").amount = 85_000  # + 10,000 to cement > 90,000
    msgs = _msgs(sc)
    assert any("residue 'FGD gypsum', field 'amount'" in m and "95,000" in m for m in msgs), msgs


def test_substitution_larger_than_the_supply(example):
    sc = copy.deepcopy(example)
    sc.exchange("gypsum-to-boards").substitution_ratio = 2.0  # 160,000 > 140,000 bought
    msgs = _msgs(sc)
    assert any("supply 'natural gypsum', field 'amount'" in m and "Plasterboard plant" in m
               for m in msgs), msgs


def test_links_to_unknown_sites_and_wrong_flow_kinds(example):
    sc = copy.deepcopy(example)
    sc.exchanges[0].to_site = "nowhere"
    sc.exchanges[1].from_flow = "electricity"  # a product, not a residue
    msgs = _msgs(sc)
    assert any("field 'to.site': no site with id 'nowhere'" in m for m in msgs)
    assert any("field 'from.flow'" in m and "is a product" in m for m in msgs)


def test_negative_nan_and_infinite_amounts(example):
    sc = copy.deepcopy(example)
    sc.sites[1].flows[1].amount = -1
    sc.exchanges[0].amount = float("nan")
    sc.exchanges[2].transport[0].distance = float("inf")
    msgs = _msgs(sc)
    assert any("flow 'natural gypsum', field 'amount'" in m for m in msgs)
    assert any("exchange 'gypsum-to-boards'" in m and "field 'amount'" in m for m in msgs)
    assert any("transport[1].distance_km" in m for m in msgs)


def test_unknown_unit_and_transport_of_non_mass(example):
    sc = copy.deepcopy(example)
    sc.sites[2].flows[3].unit = "barrels of joy"
    sc.sites[0].flows[0].transport = [Transport(ActivityRef("ecolca-open", "transport-lorry"), 5)]
    msgs = _msgs(sc)
    assert any("flow 'electricity', field 'unit': unknown unit 'barrels of joy'" in m for m in msgs)
    assert any("flow 'electricity, net', field 'transport'" in m for m in msgs)


def test_cycles_between_sites_are_valid():
    sc = Scenario(name="cycle")
    a = Site("a", "A", flows=[Flow("r", "residue", "heat", 10, "MWh"),
                              Flow("s", "supply", "water", 5, "m3", activity=ActivityRef("x", "w"))])
    b = Site("b", "B", flows=[Flow("r", "residue", "water", 8, "m3"),
                              Flow("s", "supply", "heat", 20, "MWh", activity=ActivityRef("x", "h"))])
    sc.sites = [a, b]
    sc.exchanges = [Exchange("ab", "a", "r", "b", "s", 10), Exchange("ba", "b", "r", "a", "s", 5)]
    assert _msgs(sc) == []


def test_a_site_without_flows_and_a_product_of_zero_are_warnings(example):
    """Issue #9: neither stops a run, but both are almost always a slip."""
    sc = copy.deepcopy(example)
    sc.sites.append(Site("empty", "Empty lot"))
    power = sc.site("power")
    product = next(f for f in power.flows if f.kind == "product")
    product.amount = 0.0
    problems = validate(sc)
    assert errors(problems) == []
    warnings = {(p.item, p.field): p for p in problems if p.severity == "warning"}
    empty = warnings[("site 'Empty lot'", "flows")]
    assert "no flows" in empty.message and empty.path == ("sites", len(sc.sites) - 1, "flows")
    zero = warnings[(f"site '{power.name}', flow '{product.name}'", "amount")]
    assert "product of amount 0" in zero.message
    # a residue of 0 is not a slip worth a warning of its own
    assert not any("amount 0" in p.message for p in problems if "product" not in p.message)
