"""Issue #13, first part: inputs that used to give silently wrong numbers (exit 0).

Each test here failed on the main of 2026-12-01: same-id variants run in parallel, unit
case-folding ('Mg', 'MT', 'mJ'), amounts past float32, the economic key's 50/50 fallback, the
break-even 'null' that meant two things, unclipped Monte Carlo q, and a Σ parts = Δ identity that
was only checked by the tests."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest

from conftest import PROJECT, ROOT, _BW_DIR, run_cli
from ecolca import lca
from ecolca.core import scenario_file
from ecolca.core.errors import EcolcaError, ScenarioError
from ecolca.core.model import ActivityRef, Exchange, Flow, Scenario, Site, Uncertainty, Transport
from ecolca.core.validation import validate

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
WATER = ("EF v3.1", "water use", "user deprivation potential (deprivation-weighted water consumption)")
EUTRO = ("EF v3.1", "eutrophication: freshwater",
         "fraction of nutrients reaching freshwater end compartment (P)")


def _env() -> dict:
    e = dict(os.environ)
    e["BRIGHTWAY_DIR"] = str(_BW_DIR)
    e["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + e.get("PYTHONPATH", "")
    return e


# ---- 1. two variants of one file (same id and name) run at the same time --------------------

def test_variants_with_one_id_run_in_parallel_each_report_their_own_numbers(bw_project, example,
                                                                           tmp_path):
    a = example
    b = copy.deepcopy(example)
    b.exchange("gypsum-to-boards").amount = 40_000.0       # a variant: half the exchange,
    b.site("power").flow("coal").amount *= 1.25             # and a bigger power station
    assert (a.id, a.name) == (b.id, b.name)
    pa, pb = tmp_path / "a.ecolca.json", tmp_path / "b.ecolca.json"
    scenario_file.save(a, pa)
    scenario_file.save(b, pb)
    expect = {}
    for tag, sc in (("a", a), ("b", b)):
        r = lca.compare(sc, project=PROJECT, methods=[GWP])
        expect[tag] = (r.impact(GWP).linear, r.impact(GWP).symbiotic)
    assert expect["a"][0] != pytest.approx(expect["b"][0], rel=1e-3)

    n = 20
    procs = {tag: subprocess.Popen([sys.executable, str(ROOT / "tests" / "_race_worker.py"),
                                    str(p), PROJECT, str(n)], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True, env=_env())
             for tag, p in (("a", pa), ("b", pb))}
    outs = {tag: p.communicate(timeout=400)[0] for tag, p in procs.items()}
    for tag, text in outs.items():
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        assert len(rows) == n, text[-2000:]
        for row in rows:
            assert "error" not in row, row
            assert row["linear"] == pytest.approx(expect[tag][0], rel=1e-9), (tag, row)
            assert row["symbiotic"] == pytest.approx(expect[tag][1], rel=1e-9), (tag, row)
            assert row["parts"] == pytest.approx(row["symbiotic"] - row["linear"], rel=1e-6)


# ---- 2. units are case-sensitive where SI says so ------------------------------------------

def test_megagram_is_a_tonne_not_a_milligram(bw_project, example):
    ref = lca.compare(example, project=PROJECT, methods=[GWP])
    sc = copy.deepcopy(example)
    sc.site("power").flow("limestone").unit = "Mg"        # 52,300 Mg = 52,300 t
    res = lca.compare(sc, project=PROJECT, methods=[GWP])
    assert res.impact(GWP).linear == pytest.approx(ref.impact(GWP).linear, rel=1e-9)


@pytest.mark.parametrize("unit", ["MT", "mt", "mJ", "mj"])
def test_ambiguous_or_wrong_case_units_are_refused_by_validation(example, unit):
    sc = copy.deepcopy(example)
    sc.site("power").flow("coal").unit = unit
    probs = [p for p in validate(sc) if p.severity == "error"]
    assert any(p.field == "unit" and "coal" in p.item and unit in p.message for p in probs), probs


# ---- 3. nothing overflows past float32 ------------------------------------------------------

@pytest.mark.parametrize("site,flow,amount", [
    ("power", "co2", 1e39),          # an emission of 1e39 kg
    ("power", "coal", 1e36),         # a supply of 1e36 t = 1e39 kg
    ("power", "coal", 1e308),        # validate used to say 0 errors, then bw2data failed
])
def test_amounts_beyond_float32_are_refused_naming_the_flow(bw_project, example, site, flow, amount):
    sc = copy.deepcopy(example)
    sc.site(site).flow(flow).amount = amount
    sc.exchanges = []
    with pytest.raises(ScenarioError) as info:
        lca.compare(sc, project=PROJECT, methods=[GWP])
    assert any(p.field == "amount" and flow in p.item.lower() for p in info.value.problems), \
        info.value.problems


def test_an_amount_that_overflows_only_in_the_background_unit_is_refused(bw_project, example):
    # 1e30 t of steam is 1e33 kg (storable), but 1e39 MJ of the heat it is converted to is not
    from ecolca.lca import check_against_project

    sc = copy.deepcopy(example)
    sc.exchanges = []
    sc.site("cement").flows.append(Flow(
        id="steam", kind="supply", name="steam", amount=1e30, unit="t",
        activity=ActivityRef("ecolca-open", "heat-natural-gas"),
        conversion_factor=1e9))
    assert not [p for p in validate(sc) if p.severity == "error"]
    probs = check_against_project(sc)
    assert any("steam" in p.item and p.field == "amount" and "float" not in p.message.lower()
               and "largest amount" in p.message for p in probs), probs


def test_price_that_overflows_the_cost_is_refused(example):
    sc = copy.deepcopy(example)
    sc.site("power").flow("coal").price = 1e308
    probs = [p for p in validate(sc) if p.severity == "error"]
    assert any(p.field == "price" and "coal" in p.item for p in probs), probs


def _strict_loads(text: str):
    def refuse(name):
        raise ValueError(f"non-strict JSON constant {name}")
    return json.loads(text, parse_constant=refuse)


def test_json_output_is_always_strict_json(bw_project, example, tmp_path):
    # a category with L = 0 has no Δ %: it must print null, never NaN or Infinity
    sc = copy.deepcopy(example)
    sc.methods = [GWP, EUTRO]      # nothing in gypsum-ash's chain emits P to water
    p = tmp_path / "s.ecolca.json"
    scenario_file.save(sc, p)
    r = run_cli("run", str(p), "--json")
    assert r.returncode == 0, r.stderr
    doc = _strict_loads(r.stdout)
    eutro = next(i for i in doc["impacts"] if i["method"] == list(EUTRO))
    assert eutro["linear"] is None and eutro["delta_pct"] is None   # not covered: null
    # an emission of 1e39 kg printed Infinity and NaN with exit 0: now refused, naming the flow
    sc.site("power").flow("co2").amount = 1e39
    scenario_file.save(sc, p)
    r = run_cli("run", str(p), "--json")
    assert r.returncode == 1
    assert "Infinity" not in r.stdout and "NaN" not in r.stdout
    assert "'CO2" in r.stderr or "co2" in r.stderr.lower()
    assert "amount" in r.stderr and "Traceback" not in r.stderr


def test_json_text_is_strict_with_orjson_and_with_the_standard_library(monkeypatch):
    """`run --json` encodes with orjson, or with the standard library where orjson refuses (an
    integer beyond 64 bits) or is missing: the same strict JSON either way (NaN and ±inf as null,
    DEL/C1 controls escaped, C0 controls escaped as JSON requires)."""
    import numpy as np

    from ecolca.core.jsontext import json_text as _json_text

    x = {"v": [1.5, float("nan"), float("inf"), -float("inf"), -0.0, 1e-05, np.float64(2.5)],
         "name": "a\x9b[2Jb\x07c\x7f", "n": 12}
    want = {"v": [1.5, None, None, None, -0.0, 1e-05, 2.5], "name": "a\x9b[2Jb\x07c\x7f", "n": 12}
    fast = _json_text(x)
    assert _strict_loads(fast) == want
    assert "\x9b" not in fast and "\x07" not in fast and "\x7f" not in fast
    big = dict(x, n=2**70)  # beyond orjson: the standard library encodes it
    assert _strict_loads(_json_text(big)) == dict(want, n=2**70)
    monkeypatch.setitem(sys.modules, "orjson", None)  # orjson not installed
    assert _strict_loads(_json_text(x)) == want


# ---- 4. the economic key follows its documented rule ------------------------------------------

def test_economic_key_counts_a_missing_price_as_zero(bw_project, example):
    """Methodology notes §3: missing prices count as 0. The code split 50/50 as soon as one
    partner's price was missing (e.g. waste heat without a disposal fee)."""
    sc = copy.deepcopy(example)
    sc.exchanges = [e for e in sc.exchanges if e.id == "gypsum-to-boards"]
    sc.site("power").flow("fgd-gypsum").price = None          # no disposal fee known
    sc.attribution_key = "economic"
    res = lca.compare(sc, project=PROJECT, methods=[GWP])
    e = sc.exchanges[0]
    q, r = e.amount, e.substitution_ratio
    gain_supplier = q * e.economics.price                      # fee counts as 0
    gain_receiver = r * q * sc.site("plasterboard").flow("gypsum").price \
        - q * e.economics.price - q * e.economics.transport_cost
    w = gain_supplier / (gain_supplier + gain_receiver)
    assert 0 < w < 0.5
    delta = res.impact(GWP).delta
    rows = {s.site_id: s for s in res.site_results(GWP, "economic")}
    assert rows["power"].delta == pytest.approx(w * delta, rel=1e-9)
    assert rows["plasterboard"].delta == pytest.approx((1 - w) * delta, rel=1e-9)


# ---- break-even: null has one meaning, the reason says which -----------------------------------

def test_break_even_reason_tells_no_transport_from_no_impact(bw_project, example):
    sc = copy.deepcopy(example)
    sc.exchange("gypsum-to-cement").transport = []
    res = lca.compare(sc, project=PROJECT, methods=[GWP, WATER])
    by = {(p.exchange_id, p.method): p for p in res.exchanges}
    assert by[("gypsum-to-cement", GWP)].break_even_km is None
    assert by[("gypsum-to-cement", GWP)].break_even_reason == "no transport"
    assert by[("gypsum-to-boards", GWP)].break_even_km > 0
    assert by[("gypsum-to-boards", GWP)].break_even_reason is None
    # the lorry has no water-use flow in ecolca-open: not "no impact" but no data (issue #18)
    why = by[("gypsum-to-boards", WATER)].break_even_reason
    assert by[("gypsum-to-boards", WATER)].break_even_km is None
    assert why.startswith("not covered") or "has no data for this category" in why, why
    doc = res.to_json_dict()
    row = next(x for x in doc["exchanges"] if x["exchange"] == "gypsum-to-boards")
    assert row["break_even_reason"] == [None, why]


# ---- Monte Carlo: a sampled q never exceeds what the residue has ------------------------------

def test_monte_carlo_clips_sampled_q_to_the_residue(bw_project, example):
    base = copy.deepcopy(example)
    base.exchanges = [e for e in base.exchanges if e.id == "gypsum-to-boards"]
    base.exchange("gypsum-to-boards").amount = 90_000.0         # the whole residue
    base.exchange("gypsum-to-boards").transport = []
    wide = copy.deepcopy(base)
    wide.exchange("gypsum-to-boards").amount_uncertainty = Uncertainty("lognormal", gsd=3.0)
    fixed = lca.compare(base, project=PROJECT, methods=[GWP], iterations=200, seed=3)
    drawn = lca.compare(wide, project=PROJECT, methods=[GWP], iterations=200, seed=3)
    # paired: same background draws; q ≤ 90,000 t in every iteration, and the avoided landfill
    # and gypsum both have a burden, so no iteration can avoid more than the fixed full use
    # (unclipped, half the draws exceeded the residue and p2.5 fell to about −6× the full use)
    f, d = fixed.uncertainty[0].delta, drawn.uncertainty[0].delta
    assert d["p2.5"] >= f["p2.5"] * (1 + 1e-9)
    assert d["mean"] > f["mean"]


# ---- Σ parts = Δ is checked at run time -------------------------------------------------------

def test_consistency_is_checked_at_run_time_and_reported(bw_project, example, monkeypatch):
    res = lca.compare(example, project=PROJECT)
    c = res.metadata["consistency"]
    assert 0 <= c["sum_of_parts_minus_delta"] < 1e-6
    assert 0 <= c["sum_of_sites_minus_linear"] < 1e-6
    # a foreground rewritten underneath the calculation (what two processes used to do to each
    # other) makes the run refuse, not report numbers that do not add up
    other = copy.deepcopy(example)
    other.site("power").flow("coal").amount *= 2
    from ecolca.lca import run as engine

    real = engine.build_foreground

    def swapped(sc, lookup=None, table=None, digest=None):
        return real(other)
    monkeypatch.setattr(engine, "build_foreground", swapped)
    with pytest.raises(EcolcaError, match="does not add up"):
        lca.compare(example, project=PROJECT, methods=[GWP])


# ---- foreground databases are never a background ----------------------------------------------

def test_a_foreground_database_is_refused_as_background(bw_project, example):
    from ecolca.lca import check_against_project, foreground_name

    lca.compare(example, project=PROJECT, methods=[GWP])           # writes its foreground
    sc = copy.deepcopy(example)
    sc.id = "another-park"
    sc.site("cement").flow("clinker").activity = ActivityRef(foreground_name(example), "park:linear")
    probs = check_against_project(sc)
    assert any(p.field == "activity" and "foreground" in p.message for p in probs), probs
    own = copy.deepcopy(example)
    own.site("cement").flow("clinker").activity = ActivityRef(foreground_name(example), "park:linear")
    assert any("foreground" in p.message for p in check_against_project(own))


def test_a_failed_foreground_write_leaves_no_database(bw_project, example, monkeypatch):
    import bw2data as bd

    sc = copy.deepcopy(example)
    sc.id = "never-written"
    name = lca.foreground_name(sc)
    assert name not in bd.databases

    def boom(self, *a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(bd.backends.SQLiteBackend, "write", boom)
    with pytest.raises(KeyboardInterrupt):
        lca.compare(sc, project=PROJECT, methods=[GWP])
    assert name not in bd.databases


def test_a_long_scenario_name_runs(bw_project, example):
    sc = copy.deepcopy(example)
    sc.name = "Park " + "x" * 195
    sc.id = "i" * 64
    res = lca.compare(sc, project=PROJECT, methods=[GWP])
    assert res.impact(GWP).delta < 0
    assert len(lca.foreground_name(sc)) < 160


def test_site_locations_reach_the_foreground(bw_project, example):
    import bw2data as bd

    sc = copy.deepcopy(example)
    sc.site("power").location = "DK"
    lca.compare(sc, project=PROJECT, methods=[GWP])
    act = bd.get_activity((lca.foreground_name(sc), "site:power"))
    assert act["location"] == "DK"
