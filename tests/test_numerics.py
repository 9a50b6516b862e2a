"""Issue #18, numerical honesty: coverage from the matrices' structure, a relative consistency
check, one-sided exchanges named in words, and null (never 0.0) for "not covered" everywhere in
--json. Examples on ecolca-open; the real US LCI cases are in tests/test_uslci_numerics.py."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from conftest import PROJECT, run_cli
from ecolca.core import examples
from ecolca import lca

WATER = ("EF v3.1", "water use", "user deprivation potential (deprivation-weighted water consumption)")
EUTRO = ("EF v3.1", "eutrophication: freshwater",
         "fraction of nutrients reaching freshwater end compartment (P)")
AVOIDED_MISSING = "the avoided side has no data for this category: its saving is not counted"


@pytest.fixture(scope="module")
def kalundborg(_bw_project_built):
    keep: list = []
    res = lca.compare(examples.load("kalundborg"), project=PROJECT, keep=keep)
    return res, keep[0]


# ---- coverage from structure ------------------------------------------------------------------
def test_reach_is_read_from_the_pattern_not_from_solved_values():
    """a → b → c, c emits; d is not in anyone's supply chain. A solve can give d a supply of
    1e-20 (US LCI: 76 processes with a non-zero supply, 34 reachable): the pattern says it is
    not reached, and what reaches c is exactly a, b and c."""
    from scipy import sparse

    from ecolca.lca.solve import Pattern, characterised

    # columns a, b, c, d (ids 1..4); rows are their products; inputs are negative
    A = sparse.csc_matrix(np.array([[1, 0, 0, 0], [-0.5, 1, 0, 0], [0, -2, 1, 0],
                                    [0, 0, 0, 1]], dtype=float))
    ids = {1: 0, 2: 1, 3: 2, 4: 3}
    p = Pattern(A, ids, ids)
    B = sparse.csc_matrix(np.array([[0, 0, 3.0, 0], [0, 0, 0, 1.0]]))  # flow 0 at c, flow 1 at d
    has = characterised(B, np.array([1.0, 0.0]))
    assert has.tolist() == [False, False, True, False]
    assert p.reaching(has).tolist() == [True, True, True, False]
    seeds = np.array([False, True, False, False])
    assert p.chain(seeds).tolist() == [False, True, True, False]


def test_a_unit_score_out_of_reach_is_exactly_zero(kalundborg):
    res, ev = kalundborg
    reach = ev.solved.reach
    assert reach is not None and reach.shape == ev.solved.scores.shape
    assert (ev.solved.scores[~reach] == 0).all()
    j = ev.methods.index(EUTRO)
    assert not reach[:, j].any() and res.impact(EUTRO).coverage.status == "not covered"


# ---- one-sided exchanges --------------------------------------------------------------------
def test_kalundborg_water_use_names_its_one_sided_exchanges(kalundborg, bw_project, tmp_path):
    # the steam and heat exchanges add Asnæs's lost power (DK grid: cooling-water evaporation,
    # Macknick et al. 2012) but avoid industrial and oil boilers, which have no water data: the
    # saving is not counted and the covered side alone sets the sign of Δ_e
    res, _ = kalundborg
    r = res.impact(WATER)
    sides = dict(r.one_sided)
    for eid in ("steam-to-novo", "steam-to-refinery", "heat-to-town"):
        assert sides.get(eid) == "avoided"
    assert AVOIDED_MISSING in r.delta_note and "steam-to-novo" in r.delta_note
    row = next(p for p in res.exchange_parts(WATER) if p.exchange_id == "steam-to-novo")
    assert row.note == AVOIDED_MISSING and row.total > 0
    # the CLI, --json and the report say so in words
    path = str(examples.path("kalundborg"))
    out = run_cli("run", path, "--sensitivity", "0", "--report", str(tmp_path / "k.xlsx"))
    assert out.returncode == 0, out.stderr
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "k.xlsx")
    summary = [str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value]
    k = examples.load("kalundborg")  # the Summary names exchanges by label (issue #20)
    label = k.exchange_label(next(e for e in k.exchanges if e.id == "steam-to-novo"))
    assert any(AVOIDED_MISSING in v and label in v and "water use" in v for v in summary)
    rows = [[c.value for c in row] for row in wb["Exchanges"].iter_rows()]
    water = next(i for i, r in enumerate(rows) if str(r[0]).startswith(" | ".join(WATER)))
    novo = next(r for r in rows[water:] if r[0] == "steam-to-novo")
    assert AVOIDED_MISSING in novo
    line = next(x for x in out.stdout.splitlines()
                if x.startswith("note: EF v3.1 | water use") and "Δ" in x)
    k = examples.load("kalundborg")  # the CLI names exchanges by label (issue #20)
    assert AVOIDED_MISSING in line and k.exchange_label(
        next(e for e in k.exchanges if e.id == "steam-to-novo")) in line
    doc = json.loads(run_cli("run", path, "--json").stdout)
    j = [m["method"] for m in doc["methods"]].index(list(WATER))
    imp = doc["impacts"][j]
    assert AVOIDED_MISSING in imp["delta_note"]
    assert {"exchange": "steam-to-novo", "side_without_data": "avoided"} in imp["one_sided"]
    ex = next(e for e in doc["exchanges"] if e["exchange"] == "steam-to-novo")
    assert ex["note"][j] == AVOIDED_MISSING and ex["side_without_data"][j] == "avoided"


# ---- precision ------------------------------------------------------------------------------
def test_a_delta_below_numerical_precision_is_zero_with_no_pct():
    from ecolca.lca import coverage
    from ecolca.lca.results import MethodResult

    r = MethodResult(EUTRO, "kg P-Eq", 2.5e6, 2.5e6 * (1 + 1e-13))
    cover = dataclasses.make_dataclass("C", ["one_sided"])(np.full((0, 1), None, dtype=object))
    coverage.mark_impacts([r], cover, np.array([5e6]), [])
    assert r.below_precision and r.delta == 0.0 and r.delta_pct is None and r.relative is None
    assert r.delta_note == "below numerical precision"
    r2 = MethodResult(EUTRO, "kg P-Eq", 2.5e6, 2.5e6 * (1 + 1e-6))
    coverage.mark_impacts([r2], cover, np.array([5e6]), [])
    assert not r2.below_precision and r2.delta > 0 and r2.delta_pct is not None


def test_no_break_even_distance_from_a_category_transport_cannot_see(bw_project):
    # gypsum-ash's lorries have no freshwater-eutrophication data: "not covered", never
    # "transport has no impact in this method", and no number
    res = lca.compare(examples.load("gypsum-ash"), project=PROJECT)
    for p in res.exchange_parts(EUTRO):
        assert p.break_even_km is None
        assert p.break_even_reason in ("no transport", "nothing is moved") or \
            p.break_even_reason.startswith("not covered"), p.break_even_reason


# ---- the consistency check ------------------------------------------------------------------
def test_consistency_check_is_relative_and_says_what_helps(kalundborg):
    """A category whose figures are all tiny is checked at its own scale (no floor in the
    method's unit that waves a 1 % disagreement through), and a failure never says only "run
    again"."""
    from ecolca.core.errors import EcolcaError
    from ecolca.lca.run import _consistency, evaluate

    res, ev = kalundborg
    sc = examples.load("kalundborg")
    tiny = dataclasses.replace(ev.solved, scores=ev.solved.scores * 1e-30,
                               foreground={k: np.asarray(v) * 1e-30
                                           for k, v in ev.solved.foreground.items()})
    ev_tiny = dataclasses.replace(ev, solved=tiny)
    small = evaluate(sc, ev_tiny, ev.table)
    _consistency(ev.table, tiny, small)  # agrees at its own scale
    bad = dict(tiny.foreground)
    bad["linear"] = bad["linear"] * 1.01  # 1 % off, but far below 1e-15 in every unit
    with pytest.raises(EcolcaError) as e:
        _consistency(ev.table, dataclasses.replace(tiny, foreground=bad), small)
    msg = str(e.value)
    assert "running again gives the same numbers" in msg and "--method" in msg


# ---- --json: null, never 0.0, for "not covered" ----------------------------------------------
def assert_method_rows_null(node, method, path=""):
    """Every object of the document that names ``method`` has null linear, symbiotic and
    delta (a category not covered is null, never 0.0)."""
    if isinstance(node, dict):
        if node.get("method") == list(method):
            for k in ("linear", "symbiotic", "delta"):
                assert node.get(k) is None, (path, k, node.get(k))
        for k, v in node.items():
            assert_method_rows_null(v, method, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            assert_method_rows_null(v, method, f"{path}[{i}]")


def _per_method_numbers(node, n, path=""):
    """Every list of ``n`` numbers-or-null in ``node`` (the per-method arrays), with its path."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _per_method_numbers(v, n, f"{path}.{k}")
    elif isinstance(node, list):
        if len(node) == n and all(x is None or isinstance(x, (int, float)) and
                                  not isinstance(x, bool) for x in node):
            yield path, node
        else:
            for i, v in enumerate(node):
                yield from _per_method_numbers(v, n, f"{path}[{i}]")


def test_json_never_writes_zero_for_not_covered(bw_project):
    """Walk the whole --json document of Kalundborg (freshwater eutrophication is not covered by
    ecolca-open): every per-method figure of that category is null, in every list, and every
    per-method object of it has null numbers."""
    out = run_cli("run", str(examples.path("kalundborg")), "--json", "--iterations", "20",
                  "--seed", "1")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    methods = [m["method"] for m in doc["methods"]]
    j = methods.index(list(EUTRO))
    assert doc["uncertainty"] and doc["sensitivity"]
    arrays = list(_per_method_numbers({k: doc[k] for k in ("exchanges", "sites")}, len(methods)))
    assert len(arrays) > 20
    for path, arr in arrays:
        assert arr[j] is None, (path, arr)

    assert_method_rows_null(doc, EUTRO)
    imp = doc["impacts"][j]
    assert imp["cost_per_avoided_unit"] is None and imp["cost_per_avoided_unit_note"]
    # every exchange and site figure that is 0.0 where a category is partial has its reason
    for e in doc["exchanges"]:
        for k, tot in enumerate(e["total"]):
            if tot == 0.0:
                assert e["note"][k], (e["exchange"], methods[k])


def test_suggest_json_never_writes_zero_for_not_covered(bw_project):
    # gypsum-ash: 10,000 t of fly ash left for the cement plant (tests/test_suggest.py); no
    # process of its chains emits phosphorus to water
    out = run_cli("suggest", str(examples.path("gypsum-ash")), "--json", "--distance-km", "40")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    label = " | ".join(EUTRO)
    cands = doc["candidates"] + doc["alternatives"]
    assert cands
    for c in cands:
        assert c["delta"][label] is None and c["delta_note"][label].startswith("not covered")
        assert c["parts"]["avoided_supply"][label] is None  # a supply always has terms
        assert c["delta_at_ratio_low"][label] is None
        assert c["break_even_distance_km"][label] is None


def test_app_says_which_exchanges_count_one_side_only(kalundborg, qtbot):
    from ecolca.app.results_view import ResultsView

    res, _ = kalundborg
    view = ResultsView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.set_results(res)
    # the Summary names the category's one-sided exchanges, and the Δ cell's tooltip says why
    assert AVOIDED_MISSING in view.summary_info.text()
    row = [m.method for m in res.impacts].index(WATER)
    assert AVOIDED_MISSING in view.summary_table.item(row, 4).toolTip()
    # the Exchanges tab: the verdict of such an exchange is the reason, in words
    combo = view.ex_method
    combo.setCurrentIndex(next(i for i in range(combo.count())
                               if tuple(combo.itemData(i)) == WATER))
    assert view.current_exchange_method() is not None and \
        tuple(view.current_exchange_method()) == WATER
    t = view.ex_table
    ids = [t.item(r, 0).data(Qt.UserRole) for r in range(t.rowCount())]
    assert t.item(ids.index("steam-to-novo"), 9).text() == AVOIDED_MISSING
    assert not view.ex_note.isHidden() and "steam" in view.ex_note.text()
