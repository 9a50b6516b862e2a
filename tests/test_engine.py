"""The one formulation (docs/engine.md): the term table against the foreground database and
against naive bw2calc, Monte Carlo in chunks (1 and 2 workers, Dask), sensitivity by hand."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecolca.core import examples, units
from ecolca import lca
from ecolca.core.model import Uncertainty

from conftest import PROJECT

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
EF_GWP = ("EF v3.1", "climate change", "global warming potential (GWP100)")


class _Naive:
    """Plain bw2calc: one ``bw2calc.LCA`` per method, built once on the project's matrices;
    each demand is then solved with ``lci(demand)`` and scored with ``lcia_calculation()``
    (what a user of bw2calc would write; no ecolca code involved)."""

    def __init__(self):
        self._lcas = {}

    def score(self, demand: dict[int, float], method) -> float:
        import bw2calc as bc
        import bw2data as bd

        if not demand:
            return 0.0
        x = self._lcas.get(method)
        if x is None:
            fu, data_objs, _ = bd.prepare_lca_inputs(demand=demand, method=method)
            x = bc.LCA(fu, data_objs=data_objs)
            x.lci()
            x.lcia()
            self._lcas[method] = x
            return float(x.score)
        x.lci(demand={k: v for k, v in demand.items()})
        x.lcia_calculation()
        return float(x.score)


def _naive_score(demand: dict[int, float], method) -> float:
    """One plain bw2calc LCA of ``demand`` (node id -> amount) for one method."""
    return _Naive().score(demand, method)


def _fg_score(sc, code: str, method, naive: _Naive | None = None) -> float:
    import bw2data as bd

    node = bd.get_node(database=lca.foreground_name(sc), code=code)
    return (naive or _Naive()).score({node.id: 1.0}, method)


@pytest.mark.parametrize("name", sorted(examples.available()))
def test_term_table_and_foreground_database_give_the_same_l_and_s(bw_project, name):
    """The foreground database (what Activity Browser opens), solved by plain bw2calc one LCA
    per configuration and method, against the term table, for every example and method."""
    sc = examples.load(name)
    res = lca.compare(sc, project=PROJECT)
    naive = _Naive()
    for r in res.impacts:
        scale = max(abs(r.linear), abs(r.symbiotic), 1e-12)
        lin = _fg_score(sc, "park:linear", r.method, naive)
        sym = _fg_score(sc, "park:symbiotic", r.method, naive)
        # the database stores amounts as float32: agreement to its precision
        assert abs(lin - r.linear) <= 1e-6 * scale, (name, r.method)
        assert abs(sym - r.symbiotic) <= 1e-6 * scale, (name, r.method)
    cons = res.metadata["consistency"]
    assert cons["term_table_minus_foreground_linear"] <= lca.CONSISTENCY_TOLERANCE


# ---- naive bw2calc, written from the scenario independently of the engine ---------------------

def _naive(sc, methods):
    """L, S, per-site linear and per-exchange parts by one plain bw2calc LCA per demand and
    method: demands built from the scenario here, by hand, not from the term table."""
    import bw2data as bd

    nodes: dict = {}

    def node(key):
        if key not in nodes:
            nodes[key] = bd.get_node(database=key[0], code=key[1])
        return nodes[key]

    cfs = {m: {row[0]: row[1] for row in bd.Method(m).load()} for m in methods}

    def add(d, key, amount):
        n = node(key)
        d[n.id] = d.get(n.id, 0.0) + amount

    def legs(d, amount, unit, transport, sign=1.0):
        for t in transport:
            add(d, t.mode.key, sign * units.convert(amount, unit, "ton") * t.distance_km
                * units.factor("ton kilometer", node(t.mode.key)["unit"]))

    site_dem, site_bio = {}, {}
    for s in sc.sites:
        d, bio = {}, {}
        for f in s.flows:
            ref = f.activity if f.kind in ("supply", "emission") else f.fate if f.kind == "residue" else None
            if ref is None or f.amount == 0:
                continue
            amt = f.amount * units.factor(f.unit, node(ref.key)["unit"], f.conversion_factor)
            if f.kind == "emission":
                bio[node(ref.key).id] = bio.get(node(ref.key).id, 0.0) + amt
            else:
                add(d, ref.key, amt)
                legs(d, f.amount, f.unit, f.transport)
        site_dem[s.id], site_bio[s.id] = d, bio
    part_dem = {}
    for e in sc.exchanges:
        res_f = sc.site(e.from_site).flow(e.from_flow)
        sup_f = sc.site(e.to_site).flow(e.to_flow)
        fate, sup, tr, pr = {}, {}, {}, {}
        if res_f.fate is not None:
            add(fate, res_f.fate.key, -e.amount * units.factor(res_f.unit, node(res_f.fate.key)["unit"],
                                                              res_f.conversion_factor))
            legs(fate, e.amount, res_f.unit, res_f.transport, -1.0)
        rq = e.substitution_ratio * e.amount
        add(sup, sup_f.activity.key, -rq * units.factor(sup_f.unit, node(sup_f.activity.key)["unit"],
                                                        sup_f.conversion_factor))
        legs(sup, rq, sup_f.unit, sup_f.transport, -1.0)
        legs(tr, e.amount, res_f.unit, e.transport)
        for p in e.processing:
            add(pr, p.activity.key, e.amount * p.amount_per_unit
                * units.factor(p.unit, node(p.activity.key)["unit"], p.conversion_factor))
        part_dem[e.id] = {"avoided_fate": fate, "avoided_supply": sup, "transport": tr,
                          "processing": pr}
    out = {}
    naive = _Naive()
    _naive_score = naive.score  # noqa: F811  (one LCA per method, reused for every demand)
    for m in methods:
        def direct(bio):
            return sum(a * cfs[m].get(fid, 0.0) for fid, a in bio.items())

        sites = {sid: _naive_score(site_dem[sid], m) + direct(site_bio[sid]) for sid in site_dem}
        parts = {eid: {k: _naive_score(d, m) for k, d in p.items()} for eid, p in part_dem.items()}
        all_l, all_bio = {}, {}
        for sid in site_dem:
            for k, v in site_dem[sid].items():
                all_l[k] = all_l.get(k, 0.0) + v
            for k, v in site_bio[sid].items():
                all_bio[k] = all_bio.get(k, 0.0) + v
        all_s = dict(all_l)
        for p in part_dem.values():
            for d in p.values():
                for k, v in d.items():
                    all_s[k] = all_s.get(k, 0.0) + v
        out[m] = {"linear": _naive_score(all_l, m) + direct(all_bio),
                  "symbiotic": _naive_score(all_s, m) + direct(all_bio),
                  "sites": sites, "parts": parts}
    return out


def _close(a, b, scale, rel=1e-9):
    return abs(a - b) <= rel * max(scale, 1e-12)


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_random_parks_match_naive_bw2calc_to_1e_9(bw_project, data):
    """Five random variants of the bundled examples (q, r, distances and amounts drawn): the
    term table's L, S, parts and site figures against naive bw2calc, one LCA per demand and
    method, to 1e-9 relative."""
    name = data.draw(st.sampled_from(sorted(examples.available())))
    sc = copy.deepcopy(examples.load(name))
    for s in sc.sites:
        for f in s.flows:
            f.amount *= data.draw(st.floats(1.0, 2.0))
            for t in f.transport:
                t.distance_km = data.draw(st.floats(0.0, 500.0))
    for e in sc.exchanges:
        e.amount *= data.draw(st.floats(0.05, 1.0))
        e.substitution_ratio = data.draw(st.floats(0.05, 1.0))
        for t in e.transport:
            t.distance_km = data.draw(st.floats(0.0, 800.0))
    methods = [tuple(m) for m in sc.methods[:2]]
    sc.methods = methods
    res = lca.compare(sc, project=PROJECT)
    want = _naive(sc, methods)
    for j, m in enumerate(methods):
        r = res.impact(m)
        w = want[m]
        # the scale of a figure: the sum of the absolute contributions that make it
        scale = sum(abs(v) for v in w["sites"].values()) + sum(
            abs(v) for p in w["parts"].values() for v in p.values())
        assert _close(r.linear, w["linear"], scale), (name, m)
        assert _close(r.symbiotic, w["symbiotic"], scale), (name, m)
        for i, sid in enumerate(res.sites.site_ids):
            assert _close(res.sites.linear[i, j], w["sites"][sid], scale), (name, sid)
        for i, eid in enumerate(res.exchanges.ids):
            for part in res.exchanges.PARTS:
                assert _close(res.exchanges.parts[part][i, j], w["parts"][eid][part], scale), \
                    (name, eid, part)


# ---- Monte Carlo ----------------------------------------------------------------------------

def _without_uncertainty(sc):
    sc = copy.deepcopy(sc)
    none = Uncertainty()
    for s in sc.sites:
        for f in s.flows:
            f.uncertainty = none
            for t in f.transport:
                t.uncertainty = none
    for e in sc.exchanges:
        e.amount_uncertainty = none
        e.ratio_uncertainty = none
        for t in e.transport:
            t.uncertainty = none
        for p in e.processing:
            p.uncertainty = none
    return sc


def test_monte_carlo_without_any_uncertainty_reproduces_the_deterministic_result_exactly(bw_project):
    sc = _without_uncertainty(examples.load("kalundborg"))
    res = lca.compare(sc, project=PROJECT, iterations=150, seed=3, background_uncertainty=False)
    for r, u in zip(res.impacts, res.uncertainty):
        assert u.iterations == 150
        assert np.all(u.linear_samples == r.linear), r.method
        assert np.all(u.symbiotic_samples == r.symbiotic), r.method
        assert u.delta["mean"] == pytest.approx(r.delta, rel=1e-12)


def test_monte_carlo_is_identical_with_one_and_two_local_workers(bw_project):
    sc = examples.load("gypsum-ash")
    one = lca.compare(sc, project=PROJECT, methods=[GWP], iterations=150, seed=11, workers=1)
    two = lca.compare(sc, project=PROJECT, methods=[GWP], iterations=150, seed=11, workers=2)
    a, b = one.uncertainty[0], two.uncertainty[0]
    assert np.array_equal(a.linear_samples, b.linear_samples)
    assert np.array_equal(a.delta_samples, b.delta_samples)
    assert two.metadata["monte_carlo"]["ran_on"] == "2 local processes"
    # the background was sampled: L varies from draw to draw
    assert np.ptp(a.linear_samples) > 0


def test_monte_carlo_on_a_dask_local_cluster_is_identical(bw_project):
    distributed = pytest.importorskip("distributed")
    sc = examples.load("gypsum-ash")
    ref = lca.compare(sc, project=PROJECT, methods=[GWP], iterations=150, seed=5)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        res = lca.compare(sc, project=PROJECT, methods=[GWP], iterations=150, seed=5,
                          dask=cluster.scheduler_address)
    assert np.array_equal(ref.uncertainty[0].delta_samples, res.uncertainty[0].delta_samples)
    assert res.metadata["monte_carlo"]["ran_on"].startswith("Dask")


def test_auto_iterations_stop_at_the_stated_standard_errors(bw_project):
    from ecolca.lca import uncertainty

    sc = examples.load("gypsum-ash")
    res = lca.compare(sc, project=PROJECT, methods=[GWP], iterations="auto", seed=2)
    u = res.uncertainty[0]
    assert uncertainty.AUTO_MIN <= u.iterations < uncertainty.AUTO_MAX
    assert u.iterations % uncertainty.CHUNK == 0
    assert u.standard_error["probability_delta_negative"] <= uncertainty.AUTO_SE_PROBABILITY
    assert u.standard_error["mean_delta"] <= uncertainty.AUTO_SE_MEAN_RELATIVE * abs(u.delta["mean"])


# ---- sensitivity ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gypsum(_bw_project_built):
    sc = examples.load("gypsum-ash")
    return sc, lca.compare(sc, project=PROJECT)


def test_one_at_a_time_rows_checked_by_hand(gypsum):
    """Δ is linear in q (every part scales with q) and the avoided supply is linear in r: the
    swing of each is the exchange's part per unit times the range."""
    sc, res = gypsum
    j = res.methods.index(GWP)
    sens = res.sensitivity[j]
    assert sens.method == GWP and sens.delta == pytest.approx(res.impact(GWP).delta)
    rows = {r.parameter: r for r in sens.rows}
    assert [r.swing for r in sens.rows] == sorted((r.swing for r in sens.rows), reverse=True)
    for i, e in enumerate(sc.exchanges):
        total = sum(res.exchanges.parts[p][i, j] for p in res.exchanges.PARTS)
        q = rows[f"exchange '{e.id}': amount"]
        assert q.delta_high - q.delta_low == pytest.approx(total / e.amount * (q.high - q.low), rel=1e-9)
        r = rows[f"exchange '{e.id}': substitution_ratio"]
        sup = res.exchanges.parts["avoided_supply"][i, j]
        assert r.delta_high - r.delta_low == pytest.approx(
            sup / e.substitution_ratio * (r.high - r.low), rel=1e-9)
        if e.ratio_uncertainty.type == "none":
            assert r.basis.startswith("±10 %")
            assert (r.low, r.high) == pytest.approx((0.9 * e.substitution_ratio, 1.1 * e.substitution_ratio))


def test_top_rows_are_the_head_of_the_full_ranking_and_json_lists_at_most_n(gypsum):
    """A large park has tens of thousands of parameters: ``top(n)`` builds only the n largest
    swings (vectorised), and they are exactly the first n of the full ranking; the JSON lists
    at most the rows asked for and says how many parameters there are."""
    from ecolca.lca.sensitivity import one_at_a_time

    sc, res = gypsum
    ev = []
    lca.compare(sc, project=PROJECT, keep=ev)
    ev = ev[0]
    fresh = one_at_a_time(ev.table, ev.solved.scores, ev.methods, ev.units)
    for s_lazy, s_full in zip(fresh, res.sensitivity):
        head = s_lazy.top(3)  # made before (and without) the full list
        assert s_lazy._rows is None
        full = s_full.rows
        assert [r.swing for r in head] == pytest.approx([r.swing for r in full[:3]], rel=1e-12)
        assert s_lazy.n_parameters == len(full)
    doc = res.to_json_dict(sensitivity_rows=2)
    for x in doc["sensitivity"]:
        assert len(x["one_at_a_time"]) <= 2
        assert x["parameters"] == len(res.sensitivity[0].rows)
    every = res.to_json_dict(sensitivity_rows=None)["sensitivity"]
    assert max(len(x["one_at_a_time"]) for x in every) > 2


def test_break_even_ratio_zeroes_the_exchange(gypsum):
    """r* of ash → cement lies between 0 and its r; gypsum → boards has r* < 0: avoiding the
    landfill alone already lowers the impact, at any r ≥ 0."""
    sc, res = gypsum
    j = res.methods.index(GWP)
    ids = res.exchanges.ids
    r_boards = res.exchanges.break_even_ratio[ids.index("gypsum-to-boards"), j]
    assert r_boards < 0
    i = ids.index("ash-to-cement")
    r_star = res.exchanges.break_even_ratio[i, j]
    assert math.isfinite(r_star) and 0 < r_star < sc.exchanges[i].substitution_ratio
    sc2 = copy.deepcopy(sc)
    sc2.exchanges[i].substitution_ratio = float(r_star)
    again = lca.compare(sc2, project=PROJECT, methods=[GWP])
    total = sum(again.exchanges.parts[p][i, 0] for p in again.exchanges.PARTS)
    scale = abs(res.exchanges.parts["avoided_supply"][i, j])
    assert abs(total) <= 1e-9 * scale


def test_break_even_ratio_is_defined_at_r_zero(gypsum):
    """r* does not depend on r (every part but the avoided supply is independent of it, and that
    one is linear in it): an exchange typed with r = 0 has the same r* as at its own r. It was
    null at r = 0 (the avoided supply divided by r: 0/0)."""
    sc, res = gypsum
    j = res.methods.index(GWP)
    i = res.exchanges.ids.index("ash-to-cement")
    r_star = res.exchanges.break_even_ratio[i, j]
    sc0 = copy.deepcopy(sc)
    sc0.exchanges[i].substitution_ratio = 0.0
    at0 = lca.compare(sc0, project=PROJECT, methods=[GWP])
    assert at0.exchanges.break_even_ratio[i, 0] == pytest.approx(r_star, rel=1e-9)
    row = next(x for x in at0.to_json_dict()["exchanges"] if x["exchange"] == "ash-to-cement")
    assert row["break_even_ratio"][0] == pytest.approx(r_star, rel=1e-9)


def test_variance_shares_find_the_dominant_parameter(bw_project):
    """One exchange amount made very uncertain, nothing else: it carries most of Δ's variance."""
    sc = _without_uncertainty(examples.load("gypsum-ash"))
    e = max(sc.exchanges, key=lambda x: x.amount)
    e.amount_uncertainty = Uncertainty("uniform", minimum=0.2 * e.amount, maximum=e.amount)
    res = lca.compare(sc, project=PROJECT, methods=[GWP], iterations=400, seed=4,
                      background_uncertainty=False)
    shares = res.sensitivity[0].global_shares
    assert shares and shares[0].parameter == f"exchange '{e.id}': amount"
    assert shares[0].s1 > 0.8


def test_live_evaluation_matches_a_full_run(gypsum):
    """The app's live path: evaluate() on the kept unit scores after an edit of q equals a full
    run of the edited scenario."""
    sc, _ = gypsum
    kept: list = []
    lca.compare(sc, project=PROJECT, keep=kept)
    ev = kept[0]
    sc2 = copy.deepcopy(sc)
    sc2.exchanges[0].amount *= 0.5
    assert ev.can_evaluate(sc2)
    live = lca.evaluate(sc2, ev)
    full = lca.compare(sc2, project=PROJECT)
    for a, b in zip(live.impacts, full.impacts):
        assert a.linear == pytest.approx(b.linear, rel=1e-12)
        assert a.symbiotic == pytest.approx(b.symbiotic, rel=1e-12)
    sc3 = copy.deepcopy(sc)
    sc3.methods = sc3.methods[:1]
    assert not ev.can_evaluate(sc3)  # another method set needs a run


def test_unit_scores_are_cached_and_a_changed_database_invalidates_them(bw_project):
    import bw2data as bd

    from ecolca.lca import cache

    sc = examples.load("gypsum-ash")
    res = lca.compare(sc, project=PROJECT, methods=[GWP])
    keys = sorted(sc.background_refs())
    scores, found = cache.lookup(keys, [GWP])
    assert found.all()
    # the cached unit score of the cement plant's clinker times its avoided amount is the part
    e = next(x for x in sc.exchanges if x.id == "ash-to-cement")
    sup = sc.site(e.to_site).flow(e.to_flow)
    k = keys.index(sup.activity.key)
    conv = lca._to_unit_factor(sup.unit, bd.get_node(database=sup.activity.database,
                                                     code=sup.activity.code)["unit"],
                               sup.conversion_factor)
    i = res.exchanges.ids.index("ash-to-cement")
    assert -e.substitution_ratio * e.amount * conv * scores[k, 0] == pytest.approx(
        res.exchanges.parts["avoided_supply"][i, 0], rel=1e-12)

    # a database written anew (here a small probe database) is a new state: its old scores are
    # never read again
    probe = bd.Database("cache-probe")
    co2 = next(f for f in bd.Database("biosphere3") if f["name"] == "Carbon dioxide, fossil"
               and f["categories"] == ("air",))

    def write(amount):
        probe.write({("cache-probe", "a"): {
            "name": "probe", "unit": "kilogram", "location": "GLO", "type": "process",
            "exchanges": [{"input": ("cache-probe", "a"), "amount": 1.0, "type": "production"},
                          {"input": co2.key, "amount": amount, "type": "biosphere"}]}})

    try:
        write(1.0)
        cache.store([("cache-probe", "a")], [GWP], np.array([[1.0]]))
        assert cache.lookup([("cache-probe", "a")], [GWP])[1].all()
        write(2.0)
        assert not cache.lookup([("cache-probe", "a")], [GWP])[1].any()
    finally:
        del bd.databases["cache-probe"]


def test_an_unchanged_run_reuses_its_solve_and_any_change_solves_again(bw_project):
    """A repeated run of an unchanged scenario on unchanged databases and methods reuses the last
    solve (same numbers, said in the metadata); a changed scenario, a changed background state
    or another method set solves again."""
    import bw2data as bd

    sc = examples.load("gypsum-ash")
    first = lca.compare(sc, project=PROJECT, methods=[GWP])
    again = lca.compare(sc, project=PROJECT, methods=[GWP])
    assert again.metadata["solve"]["reused"] is True
    assert again.metadata["solve"]["computed"] == first.metadata["solve"]["computed"]
    assert again.impact(GWP).linear == first.impact(GWP).linear
    assert again.impact(GWP).symbiotic == first.impact(GWP).symbiotic
    for p in again.exchanges.PARTS:
        assert np.array_equal(again.exchanges.parts[p], first.exchanges.parts[p])

    other = copy.deepcopy(sc)
    other.exchanges[0].amount *= 0.5
    changed = lca.compare(other, project=PROJECT, methods=[GWP])
    assert changed.metadata["solve"]["reused"] is False

    two = lca.compare(sc, project=PROJECT, methods=[GWP, EF_GWP])
    assert two.metadata["solve"]["reused"] is False

    md = bd.databases[sc.background_database]
    saved = md.get("modified")
    try:  # what a rewrite of the background does to its fingerprint (lca/cache.py)
        md["modified"] = "2000-01-01T00:00:00"
        bd.databases.flush()
        assert lca.compare(sc, project=PROJECT, methods=[GWP]).metadata["solve"]["reused"] is False
    finally:
        md["modified"] = saved
        bd.databases.flush()


def test_a_park_that_reaches_no_elementary_flow_is_refused_clearly(bw_project):
    """Issue #19: sites with only products (or a residue without fate or emission) passed
    validation and died in bw2calc with ``EmptyBiosphere``; so did supplies from a background
    whose activities exchange no elementary flow. Both now get a sentence that says why."""
    import bw2data as bd

    from ecolca.core.errors import EcolcaError, ScenarioError
    from ecolca.core.model import ActivityRef, Flow, Scenario, Site
    from ecolca.core.validation import errors, validate

    sc = Scenario(name="only products", id="only-products", methods=[GWP])
    sc.sites = [Site(id="a", name="A", flows=[
        Flow(id="p", kind="product", name="P", amount=10, unit="t"),
        Flow(id="r", kind="residue", name="R", amount=3, unit="t")])]
    (p,) = errors(validate(sc))
    assert (p.item, p.field) == ("scenario", "sites")
    assert "nothing in this park reaches an elementary flow" in p.message
    with pytest.raises(ScenarioError, match="reaches an elementary flow"):
        lca.compare(sc, project=PROJECT)

    name = "test-no-biosphere"
    db = bd.Database(name)
    db.write({(name, "x"): {"name": "x", "unit": "kilogram", "location": "GLO",
                            "type": "process", "exchanges": [
                                {"input": (name, "x"), "amount": 1.0, "type": "production"}]}})
    try:
        sc.sites[0].flows.append(Flow(id="s", kind="supply", name="S", amount=2, unit="kg",
                                      activity=ActivityRef(name, "x")))
        assert not errors(validate(sc))
        with pytest.raises(EcolcaError, match="nothing in this park reaches an elementary flow"):
            lca.compare(sc, project=PROJECT)
    finally:
        del bd.databases[name]


def test_a_background_linked_to_a_new_database_through_bw2data_runs(bw_project):
    """Issue #19: linking an ecolca-open activity to a new database through bw2data (as
    Activity Browser does) left ecolca-open's ``depends`` list stale until bw2data processed it;
    the next run died with ``NonsquareTechnosphere``. The run now processes such databases
    first, and the new link counts. On a copy of the session's project."""
    import bw2data as bd

    sc = examples.load("gypsum-ash")
    ref = next(f.activity for _, f in sc.iter_flows() if f.kind == "supply")
    before = lca.compare(sc, project=PROJECT, methods=[GWP]).impact(GWP)
    copy_name = "ecolca-tests-new-link"
    if copy_name in bd.projects:
        bd.projects.delete_project(copy_name, delete_dir=True)
    bd.projects.copy_project(copy_name, switch=True)
    try:
        co2 = next(f for f in bd.Database("biosphere3")
                   if f["name"] == "Carbon dioxide, fossil" and f["categories"] == ("air",))
        db = bd.Database("new-db")
        db.write({("new-db", "y"): {"name": "y", "unit": "kilogram", "location": "GLO",
                                    "type": "process", "exchanges": [
                                        {"input": ("new-db", "y"), "amount": 1.0,
                                         "type": "production"},
                                        {"input": co2.key, "amount": 1.0, "type": "biosphere"}]}})
        act = bd.get_activity(ref.key)
        act.new_exchange(input=("new-db", "y"), amount=0.5, type="technosphere").save()
        assert "new-db" not in bd.databases[ref.database].get("depends", [])  # stale
        after = lca.compare(sc, project=copy_name, methods=[GWP]).impact(GWP)
        assert "new-db" in bd.databases[ref.database]["depends"]
        # the supply now carries 0.5 kg CO2 more per unit of the activity: L grows
        assert after.linear > before.linear
    finally:
        bd.projects.set_current(PROJECT)
        bd.projects.delete_project(copy_name, delete_dir=True)
