"""The app's session model (ecolca/session.py, issue #21.3): the scenario being edited, the
results shown, their revision, the run's unit scores and their staleness, in one object with no
Qt. The state machine is tested with stand-in results first (no Brightway), then live updates
on a real run of gypsum-ash."""

from __future__ import annotations

import copy
import dataclasses
import os
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import pytest

from conftest import PROJECT, ROOT
from ecolca.session import FULL, LIVE, NONE, STALE, Session


def _results(**metadata):
    """A stand-in for a run's Results: the session reads only its metadata and uncertainty."""
    return SimpleNamespace(metadata=dict(metadata), uncertainty=[])


def _recorded(session: Session) -> dict[str, list]:
    seen: dict[str, list] = {"scenario": [], "results": [], "stale": []}
    session.events.scenario.connect(lambda sc: seen["scenario"].append(sc))
    session.events.results.connect(lambda r, kind: seen["results"].append((r, kind)))
    session.events.stale.connect(lambda stale, text: seen["stale"].append((stale, text)))
    return seen


# ---- the state machine (stand-in results, no Brightway) ----------------------------------------

def test_an_edit_makes_the_results_stale_and_says_of_which_revision():
    s = Session("park", revision=3, state="a")
    seen = _recorded(s)
    r = _results()
    assert s.status == NONE and s.stale_message is None
    assert s.results_arrived(r, s.run_started())
    assert s.status == FULL and s.is_current and s.results is r and s.results_revision == 3
    assert seen["results"] == [(r, "run")] and seen["stale"] == []
    assert s.edited(4, "b") == STALE  # no unit scores kept: no live update
    assert not s.is_current and s.results is r  # still shown, marked stale
    assert s.stale_message == "Results are for revision 3; the scenario is at revision 4."
    assert seen["results"] == [(r, "run")] and seen["stale"] == [(True, None)]
    s.edited(5, "c")  # stale already: no event
    assert seen["stale"] == [(True, None)]


def test_undo_back_to_the_computed_scenario_makes_the_results_current_again():
    s = Session("park", revision=0, state="a")
    seen = _recorded(s)
    s.results_arrived(_results(), s.run_started())
    s.edited(1, "b")
    assert s.status == STALE
    s.edited(2, "a")  # undo: the state the results are of, at a new revision
    assert s.status == FULL and s.results_revision == 2
    assert seen["stale"] == [(True, None), (False, None)]
    assert s.report_plan().current


def test_results_of_an_older_revision_arriving_after_an_edit_are_stale():
    s = Session("park", revision=0, state="a")
    ticket = s.run_started()
    s.edited(1, "b")  # edited while the run computes revision 0
    r = _results()
    assert s.results_arrived(r, ticket)
    assert s.results is r and s.status == STALE and not s.is_current
    assert s.results_revision == 0
    plan = s.report_plan()
    assert plan.results is r and not plan.current  # the window asks before writing it


def test_a_run_of_a_scenario_replaced_meanwhile_never_shows():
    """The bug class of the scattered window state: a run started on one file whose results
    arrived after another file was opened were shown over it, and as current when the two
    documents had the same revision number (both just opened: 0), so that a report of the
    first park's figures was written under the second one's name. A ticket names the scenario;
    results of an earlier one are dropped (tests/test_live_app.py checks it in the window)."""
    s = Session("park A", revision=0, state="a0")
    seen = _recorded(s)
    ticket = s.run_started()
    s.replace_scenario("park B", revision=0, state="b0")  # File > Open during the run
    assert seen["scenario"] == ["park B"]
    assert not s.results_arrived(_results(), ticket)
    assert s.results is None and s.status == NONE and not s.is_current
    assert s.report_plan().results is None
    assert seen["results"] == [] and seen["stale"] == []


def test_opening_a_file_forgets_results_unit_scores_and_what_was_due():
    s = Session("park A", revision=0, state="a0")
    ev = SimpleNamespace(solver=None, table=None)
    s.results_arrived(_results(), s.run_started(), ev)
    seen = _recorded(s)
    s.replace_scenario("park B", revision=0, state="b0")
    assert s.results is None and s.evaluation is None and s.run_results is None
    assert not s.live_due and s.results_revision == -1 and s.status == NONE
    assert seen["scenario"] == ["park B"] and seen["results"] == [(None, None)]
    assert not s.finish_live()  # nothing due survives the old scenario
    s.replace_scenario("park C")  # nothing shown: the results event does not fire again
    assert seen["results"] == [(None, None)] and len(seen["scenario"]) == 2


def test_live_results_are_of_the_current_revision_and_due_until_finished():
    s = Session("park", revision=0, state="a")
    seen = _recorded(s)
    s.results_arrived(_results(), 0, state="a")
    s.edited(1, "b")
    live = _results(live="re-evaluated")
    s.live_results(live, table=None, complete=False)
    assert s.status == LIVE and s.is_current and s.results_revision == 1 and s.live_due
    assert seen["results"][-1] == (live, "live")
    assert seen["stale"] == [(True, None), (False, None)]
    s.edited(2, "c")  # the next edit before the rest was evaluated: nothing due any more
    assert not s.finish_live() and s.status == STALE


def test_the_full_evaluation_made_elsewhere_shows_only_while_it_is_the_one_due():
    """A worker thread evaluates what ``due()`` names; its answer shows as "full" unless the
    scenario was edited since (issue #23: the full live evaluation off the GUI thread)."""
    s = Session("park", revision=0, state="a")
    seen = _recorded(s)
    s.results_arrived(_results(run="x"), 0, state="a")
    s.edited(1, "b")
    table = object()
    s.live_results(_results(live="quick"), table, complete=False)
    assert s.due() == (1, table)
    full = _results()
    assert s.full_results_arrived(1, table, full)
    assert s.results is full and seen["results"][-1] == (full, "full") and s.due() is None
    assert full.metadata == {"live": "quick"}  # the live update's metadata, kept
    # an edit while the worker evaluated the one before: its answer is dropped
    s.edited(2, "c")
    s.live_results(_results(live="quick"), table2 := object(), complete=False)
    s.edited(3, "d")
    assert not s.full_results_arrived(2, table2, _results()) and s.status == STALE
    # finished here meanwhile (a tab was drawn): the worker's answer is dropped
    s.live_results(_results(live="quick"), table3 := object(), complete=False)
    s._live_due = None  # (what finish_live leaves)
    assert not s.full_results_arrived(3, table3, _results())


def test_cleared_fires_once_and_only_when_there_were_results():
    s = Session("park")
    seen = _recorded(s)
    s.cleared()
    assert seen["results"] == []
    s.results_arrived(_results(), 0)
    s.edited(1, "x")
    s.cleared()
    assert seen["results"][-1] == (None, None) and len(seen["results"]) == 2
    assert seen["stale"] == [(True, None), (False, None)]
    assert s.status == NONE


def test_the_factorisation_of_the_last_run_is_kept_for_the_next():
    s = Session("park")
    first = SimpleNamespace(solver="LU of the background", table=None)
    s.results_arrived(_results(), 0, first)
    second = SimpleNamespace(solver=None, table=None)
    s.results_arrived(_results(), 0, second)
    assert s.evaluation is second and second.solver == "LU of the background"


def test_an_error_found_in_the_whole_scenario_makes_live_results_stale():
    s = Session("park", revision=0, state="a")
    seen = _recorded(s)
    s.results_arrived(_results(live="re-evaluated"), 0, state="a")
    assert s.status == LIVE
    s.problems_found(0)
    assert s.status == LIVE
    s.problems_found(2)
    assert s.status == STALE and s.results_revision == -1
    assert "2 problem(s)" in s.stale_message
    assert seen["stale"] == [(True, s.stale_message)]
    s.edited(1, "a")  # the results forget their state: an undo does not make them current
    assert s.status == STALE and s.stale_message.startswith("Results are out of date")
    full = Session("park")
    full.results_arrived(_results(), 0)
    full.problems_found(3)  # a run's results: the run checked the whole scenario
    assert full.status == FULL


def test_unit_scores_are_kept_only_for_the_evaluation_they_extend():
    s = Session("park")
    ev = SimpleNamespace(solver=None, table=None)
    s.results_arrived(_results(), 0, ev)
    other = SimpleNamespace(solver=None, table=None)
    assert not s.unit_scores_arrived("extended", other)  # a run replaced it meanwhile
    assert s.evaluation is ev
    assert s.unit_scores_arrived("extended", ev) and s.evaluation == "extended"


def test_unit_scores_that_fail_say_why_on_the_banner():
    s = Session("park", revision=0, state="a")
    seen = _recorded(s)
    s.results_arrived(_results(), 0, state="a")
    s.edited(1, "b")
    s.unit_scores_failed("Results are out of date: no activity 'x'.")
    assert seen["stale"] == [(True, None), (True, "Results are out of date: no activity 'x'.")]
    s.edited(2, "c")  # the next edit: the standard wording again
    assert seen["stale"][-1] == (True, None)


def test_the_session_imports_no_qt():
    """The session and the live functions it calls, exercised in a fresh interpreter, load no
    PySide6 (the import-linter contract in pyproject.toml checks the imports statically)."""
    code = textwrap.dedent("""
        import sys
        from types import SimpleNamespace
        from ecolca.session import Session
        import ecolca.lca.live
        s = Session("park")
        s.results_arrived(SimpleNamespace(metadata={}, uncertainty=[]), s.run_started())
        s.edited(1, "b"); s.problems_found(1); s.report_plan(); s.replace_scenario("other")
        assert "PySide6" not in sys.modules, "PySide6 imported"
        assert not any(m.startswith("ecolca.app") for m in sys.modules)
        print("ok")
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


# ---- live updates on a real run ----------------------------------------------------------------

@pytest.fixture(scope="module")
def run(_bw_project_built):
    from ecolca.core import examples
    from ecolca import lca

    sc = examples.load("gypsum-ash")
    kept: list = []
    res = lca.compare(sc, project=PROJECT, keep=kept)
    return sc, res, kept[0]


def _session(run) -> tuple[Session, object]:
    sc, res, ev = run
    sc = copy.deepcopy(sc)  # the scenario being edited, mutated in place as the Document does
    s = Session(sc, revision=0, state=0)
    s.results_arrived(res, s.run_started(), copy.copy(ev))
    return s, sc


def test_an_edit_of_q_is_evaluated_live_as_evaluate_computes_it(run):
    from ecolca import lca

    s, sc = _session(run)
    seen = _recorded(s)
    sc.exchange("ash-to-cement").amount = 100_000
    assert s.edited(1, 1, sc, touched=(0, 1, "exchange", "ash-to-cement")) == LIVE
    assert s.is_current and s.results_revision == 1 and "live" in s.results.metadata
    assert s.results.metadata["monte_carlo"] == "not run"
    ref = lca.evaluate(sc, s.evaluation)
    assert [(m.linear, m.symbiotic) for m in s.results.impacts] == \
        [(m.linear, m.symbiotic) for m in ref.impacts]
    assert [k for _, k in seen["results"]] == ["live"] and seen["stale"] == []
    # the report of live figures is a whole calculation of the edited scenario
    plan = s.report_plan()
    assert plan.current and plan.recompute and plan.results is s.results


def test_the_summary_first_then_the_rest_once(run):
    """With the Summary on screen only L and S are evaluated; :meth:`finish_live` adds the
    rest (one "full" event), before a report reads them."""
    from ecolca import lca

    s, sc = _session(run)
    seen = _recorded(s)
    sc.exchange("ash-to-cement").substitution_ratio = 0.5
    assert s.edited(1, 1, sc, touched=(0, 1, "exchange", "ash-to-cement"), quick=True) == LIVE
    assert s.live_due
    quick = [(m.linear, m.symbiotic) for m in s.results.impacts]
    assert s.finish_live() and not s.live_due and not s.finish_live()
    assert [k for _, k in seen["results"]] == ["live", "full"]
    full = lca.evaluate(sc, s.evaluation)
    assert quick == [(m.linear, m.symbiotic) for m in full.impacts]
    assert s.results.exchanges.parts["avoided_supply"] == pytest.approx(
        full.exchanges.parts["avoided_supply"], rel=1e-12)
    assert "live" in s.results.metadata


def test_a_due_full_evaluation_is_dropped_when_the_scenario_moves_on(run):
    s, sc = _session(run)
    sc.exchange("ash-to-cement").amount = 90_000
    s.edited(1, 1, sc, touched=(0, 1, "exchange", "ash-to-cement"), quick=True)
    assert s.live_due
    s.edited(2, 2, sc, running=True)  # a run started: no live update, stale
    assert s.status == STALE and not s.finish_live()
    s, sc = _session(run)
    sc.exchange("ash-to-cement").amount = 80_000
    s.edited(1, 1, sc, touched=(0, 1, "exchange", "ash-to-cement"), quick=True)
    assert s.live_due
    s.replace_scenario(copy.deepcopy(sc), revision=1, state=1)  # another file, same revision
    assert not s.finish_live() and s.results is None and s.status == NONE


def test_an_edit_the_items_checks_refuse_is_stale(run):
    s, sc = _session(run)
    sc.exchange("ash-to-cement").amount = -5
    assert s.edited(1, 1, sc, touched=(0, 1, "exchange", "ash-to-cement")) == STALE
    assert s.results is run[1]  # the run's results stay on screen, marked stale


def test_other_methods_need_a_run_and_a_new_activity_its_unit_scores(run):
    from ecolca.core.model import ActivityRef

    s, sc = _session(run)
    sc.methods = sc.methods[:1]
    assert s.edited(1, 1, sc) == STALE
    s, sc = _session(run)
    sc.exchange("ash-to-cement").transport[0].mode = ActivityRef("ecolca-open", "transport-rail")
    assert s.edited(1, 1, sc) == "scores" and s.status == STALE


def test_live_results_of_a_monte_carlo_run_are_current_under_a_banner(run):
    """A live update does not redo the run's Monte Carlo draws: the figures are current (a
    report does not call them outdated) and the banner says the draws need a run."""
    sc, res, ev = run
    s = Session(copy.deepcopy(sc), revision=0, state=0)
    seen = _recorded(s)
    s.results_arrived(dataclasses.replace(res, uncertainty=["the run's draws"]), 0, copy.copy(ev),
                      state=0)
    assert s.banner == (False, None)
    s.scenario.exchange("ash-to-cement").amount = 70_000
    assert s.edited(1, 1, s.scenario, touched=(0, 1, "exchange", "ash-to-cement")) == LIVE
    assert s.is_current and s.banner[0] and "Monte Carlo" in s.banner[1]
    assert seen["stale"] == [s.banner]
