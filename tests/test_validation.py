import copy

from ecolca.core.model import ActivityRef, Exchange, Flow, Scenario, Site, Transport
from ecolca.core.validation import errors, validate


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
    sc.exchanges[2].transport[0].distance_km = float("inf")
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


# ---- fixed-choice fields (issue #21): validate() checks them, not only the file reader ----------

def _problem(sc, fld):
    return [p for p in errors(validate(sc)) if p.field == fld]


def test_an_attribution_key_set_from_python_is_checked(example):
    """Issue #21: "Physical" from Python gave 0 per-site rows and no error."""
    sc = copy.deepcopy(example)
    sc.attribution_key = "Physical"
    [p] = _problem(sc, "attribution_key")
    assert p.item == "scenario" and p.path == ("attribution_key",)
    assert "'physical'" in p.message and "got 'Physical'" in p.message
    assert "did you mean 'physical'" in p.message


def test_a_misspelt_payer_is_refused_and_never_billed_to_either_partner(example):
    """Issue #21: "recevier" made the economics bill the receiver and the disclosure book the
    supplier; now validate() refuses it and both ask model.supplier_pays, which raises."""
    import pytest

    from ecolca.lca.economics import _economics

    sc = copy.deepcopy(example)
    e = sc.exchanges[0]
    e.economics.transport_paid_by = "recevier"
    [p] = _problem(sc, "economics.transport_paid_by")
    assert p.path == ("exchanges", 0, "economics", "transport_paid_by")
    assert f"exchange '{e.id}'" in p.item and "got 'recevier'" in p.message
    with pytest.raises(ValueError, match="recevier"):
        _economics(sc)
    e.economics.transport_paid_by = "receiver"
    e.economics.processing_paid_by = "Supplier"
    assert _problem(sc, "economics.processing_paid_by")


def test_a_flow_kind_and_category_set_from_python_are_checked(example):
    sc = copy.deepcopy(example)
    f = sc.sites[0].flows[0]
    f.kind, f.category = "Supply", "electricity"
    [kind] = _problem(sc, "kind")
    [cat] = _problem(sc, "category")
    assert kind.path == ("sites", 0, "flows", 0, "kind") and "got 'Supply'" in kind.message
    assert cat.path == ("sites", 0, "flows", 0, "category")
    assert f"flow '{f.name}'" in cat.item and "'energy'" in cat.message


def test_an_exchange_category_set_from_python_is_checked_also_per_item(example):
    """The app's per-edit check (validate_item) runs the same rules."""
    from ecolca.core.validation_item import validate_item

    sc = copy.deepcopy(example)
    e = sc.exchanges[1]
    e.category = "heat"
    [p] = _problem(sc, "category")
    assert p.path == ("exchanges", 1, "category") and "'by-product'" in p.message
    assert any(q.field == "category" for q in validate_item(sc, "exchange", e.id))
    sc.sites[1].inventory = "whole"
    sc.calibration = "rough"
    assert _problem(sc, "inventory") and _problem(sc, "calibration")


def test_a_site_position_set_from_python_is_checked(example):
    """Site.position (the file's "position": {"x", "y"}; issue #21 renamed Site.x, Site.y) must be
    two finite numbers, or the file could not be written."""
    sc = copy.deepcopy(example)
    assert not _problem(sc, "position")
    sc.sites[1].position = (460.0,)
    sc.sites[2].position = (0.0, float("nan"))
    p1, p2 = _problem(sc, "position")
    assert p1.path == ("sites", 1, "position") and "got (460.0,)" in p1.message
    assert p2.path == ("sites", 2, "position") and "two finite numbers" in p2.message


def test_the_file_reader_and_validate_give_one_message(example):
    from ecolca.core import scenario_file
    from ecolca.core.errors import ScenarioError

    doc = scenario_file.to_dict(example)
    doc["attribution_key"] = "Physical"
    try:
        scenario_file.from_dict(doc)
    except ScenarioError as exc:
        read = [p.message for p in exc.problems if p.field == "attribution_key"]
    sc = copy.deepcopy(example)
    sc.attribution_key = "Physical"
    assert read == [p.message for p in _problem(sc, "attribution_key")]


def test_a_new_flows_category_follows_its_unit():
    """What the app gives a flow it creates (flows table, a supply typed in the exchange form):
    energy in an energy unit, else material (water cannot be told from m3, also gas)."""
    from ecolca.core.model import default_category

    assert default_category("supply", "MWh") == "energy"
    assert default_category("supply", "GJ") == "energy"
    assert default_category("supply", "t") == "material"
    assert default_category("supply", "m3") == "material"
    assert default_category("supply", "no such unit") == "material"


def test_a_point_value_at_an_end_of_its_own_range_is_warned_in_words(example):
    """Issue #20.1: a point value at an end of its own distribution (r = 1 of triangular
    0.7–1) makes the deterministic Δ sit at the edge of, or outside, the Monte Carlo interval:
    a warning naming the item and the field in words; a value in the middle is not warned."""
    from ecolca.core.model import Uncertainty

    sc = copy.deepcopy(example)
    for x in sc.exchanges:  # the example's own ends (r = 1 of 0.9–1) are not this test's
        x.amount_uncertainty = x.ratio_uncertainty = Uncertainty()
    e = sc.exchanges[0]
    e.substitution_ratio = 1.0
    e.ratio_uncertainty = Uncertainty(type="triangular", minimum=0.7, maximum=1.0)
    e.amount_uncertainty = Uncertainty(type="uniform", minimum=0.5 * e.amount,
                                       maximum=1.5 * e.amount)  # the middle: no warning
    ws = [p for p in validate(sc) if p.severity == "warning" and "of its range" in p.message]
    assert len(ws) == 1, [p.message for p in ws]
    w = ws[0]
    assert w.field == "substitution_ratio" and sc.exchange_label(e) in w.item
    assert "the substitution ratio r = 1 is the top of its range 0.7–1" in w.message
    assert "average 0.9" in w.message  # the triangular's mean (0.7 + 1 + 1) / 3
    assert w.path == ("exchanges", 0, "ratio_uncertainty")
    e.ratio_uncertainty = Uncertainty(type="triangular", minimum=0.7, maximum=1.1)
    assert not [p for p in validate(sc) if "of its range" in p.message]
    # a flow amount at the bottom of a uniform range
    f = next(f for s in sc.sites for f in s.flows if f.kind == "residue")
    f.uncertainty = Uncertainty(type="uniform", minimum=f.amount, maximum=2 * f.amount)
    ws = [p for p in validate(sc) if "of its range" in p.message]
    assert len(ws) == 1 and ws[0].field == "amount" and f"flow '{f.name}'" in ws[0].item
    assert "the amount = " in ws[0].message and "is the bottom of its range" in ws[0].message
