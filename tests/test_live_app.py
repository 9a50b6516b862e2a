"""Live results in the app (issue #11): an edit of a number costs what it touched, and an edit
of a background reference gets just the new unit scores, not a run."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from conftest import open_main_window
from ecolca.lca.results import method_label

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore(r"^This plugin does not support")]


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch, bw_project, example_path):
    """The window with gypsum-ash opened and run once, the Summary on screen."""
    w = open_main_window(qtbot, tmp_path, monkeypatch)
    w.open_path(example_path, as_new=True)
    with qtbot.waitSignal(w.runFinished, timeout=120_000) as blocker:
        w.run_comparison()
    assert blocker.args == [True]
    w.results_view.show_tab("Summary")
    yield w
    for job in (w.job, w._scores_job):
        if job is not None:
            job.wait(30_000)
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def test_typing_q_in_the_exchange_panel_checks_and_redraws_only_that_exchange(window, qtbot,
                                                                               monkeypatch):
    from ecolca import lca
    from ecolca.core import validation, validation_item
    from ecolca.app.results_view import format_delta
    from ecolca.app.results_view.common import row_scale  # the row's one scale

    rv = window.results_view
    window.scene.select_only(exchange_id="ash-to-cement")
    panel = window.properties.exchange_panel
    assert panel.exchange_id == "ash-to-cement"
    checked = []  # the scenarios validate() is called on
    spy = (lambda sc, _v=validation.validate: (checked.append(sc), _v(sc))[1])
    monkeypatch.setattr(validation, "validate", spy)
    monkeypatch.setattr(validation_item, "validate", spy)
    updated = []
    for item in window.scene.exchanges.values():
        monkeypatch.setattr(item, "update_from", lambda *a, _i=item, _u=item.update_from, **k:
                            (updated.append(_i.exchange_id), _u(*a, **k)))

    panel.form.amount.setText("100000")
    panel._commit()
    # live: numbers of one exchange changed, so only its checks ran (on its two sites and
    # itself, not the 3-site, 3-exchange park) and only its arrow was redrawn
    assert not rv.is_stale() and "live" in window.results.metadata
    assert window.doc.touched[2:] == ("exchange", "ash-to-cement")
    assert [(len(sc.sites), len(sc.exchanges)) for sc in checked] == [(2, 1)]
    assert updated == ["ash-to-cement"]
    assert "100 k t/yr" in window.scene.exchanges["ash-to-cement"].label.text()
    # the same numbers as an evaluation of the whole scenario, exactly
    qtbot.waitUntil(lambda: not window.session.live_due)
    full = lca.evaluate(window.doc.scenario, window.session.evaluation)
    assert [(m.linear, m.symbiotic) for m in window.results.impacts] == \
        [(m.linear, m.symbiotic) for m in full.impacts]
    t = rv.summary_table
    assert [t.item(i, 4).text() for i, m in enumerate(full.impacts) if m.covered] == \
        [format_delta(m.delta, scale=row_scale([m.linear, m.symbiotic, m.delta], m.unit))
         for m in full.impacts if m.covered]
    bars = rv.chart_figure("Summary").axes[0].patches
    assert [b.get_width() for b in bars] == pytest.approx(
        [m.relative for m in full.impacts if m.covered], rel=1e-12)

    # q beyond the residue (130,000 t: the balance Σq ≤ residue fails): the item's checks stop
    # the live update, the results go stale, and the Problems panel lists it once the user pauses
    panel.form.amount.setText("140000")
    panel._commit()
    assert rv.is_stale()
    qtbot.waitUntil(lambda: window.problems.error_count > 0, timeout=5000)
    assert any("exchanges take" in p.message for p in window.problems.problems)


def _other_activity(ref_key, used):
    """Another activity of the same database and unit as ``ref_key``, not used by the scenario."""
    import bw2data as bd

    db = bd.Database(ref_key[0])
    unit = bd.get_node(database=ref_key[0], code=ref_key[1])["unit"]
    return sorted(a["code"] for a in db if a["unit"] == unit and (ref_key[0], a["code"]) not in used
                  and a["code"].startswith("mat-"))  # materials: what a supply of gypsum is


def test_a_new_background_activity_updates_the_summary_without_a_run(window, qtbot, bw_project):
    from ecolca import lca
    from ecolca.app.results_view import format_delta
    from ecolca.app.results_view.common import row_scale  # the row's one scale
    from ecolca.lca import solve
    from ecolca.core.model import ActivityRef

    rv = window.results_view
    sc = window.doc.scenario
    used = set(sc.background_refs())
    gypsum = sc.site("plasterboard").flow("gypsum")
    candidates = _other_activity(gypsum.activity.key, used)
    assert len(candidates) >= 2, candidates
    runs = []
    window.runFinished.connect(runs.append)
    factorised = solve.FACTORISATIONS[0]

    def point_supply_at(code: str) -> None:
        with qtbot.waitSignal(window.scoresFinished, timeout=120_000):
            window.doc.edit("supplier", lambda s: setattr(
                s.site("plasterboard").flow("gypsum"), "activity",
                ActivityRef(gypsum.activity.database, code)), touched=("site", "plasterboard"))
        qtbot.waitUntil(lambda: not window.session.live_due)

    point_supply_at(candidates[0])
    # no run: the new activity's unit scores were solved on a worker thread (one factorisation
    # of the background, none kept from the run) and the Summary was updated live
    assert runs == [] and window.job is None
    assert solve.FACTORISATIONS[0] == factorised + 1
    assert not rv.is_stale() and "live" in window.results.metadata
    assert (gypsum.activity.database, candidates[0]) in window.session.evaluation.keys
    full = lca.compare(copy.deepcopy(window.doc.scenario), project=bw_project)
    for live, ref in zip(window.results.impacts, full.impacts):
        assert _rel(live.linear, ref.linear) <= 1e-9 and _rel(live.symbiotic, ref.symbiotic) <= 1e-9
    t = rv.summary_table
    assert [t.item(i, 4).text() for i, m in enumerate(window.results.impacts) if m.covered] == \
        [format_delta(m.delta, scale=row_scale([m.linear, m.symbiotic, m.delta], m.unit))
         for m in full.impacts if m.covered]
    ex = window.results.exchanges
    for part in ex.PARTS:
        assert np.allclose(ex.parts[part], full.exchanges.parts[part], rtol=1e-9, atol=0)

    # a second change of the background: the kept factorisation is reused, not redone
    kept = window.session.evaluation.solver
    solved_before = kept.solves
    point_supply_at(candidates[1])
    assert solve.FACTORISATIONS[0] == factorised + 1
    assert window.session.evaluation.solver is kept and kept.solves == solved_before + 1
    assert not rv.is_stale() and runs == []
    full = lca.compare(copy.deepcopy(window.doc.scenario), project=bw_project)
    for live, ref in zip(window.results.impacts, full.impacts):
        assert _rel(live.linear, ref.linear) <= 1e-9 and _rel(live.symbiotic, ref.symbiotic) <= 1e-9

    # another set of methods still needs a run: stale, and nothing is computed in the background
    window.doc.edit("methods", lambda s: setattr(s, "methods", s.methods[:1]))
    assert rv.is_stale() and window._scores_job is None


def test_a_report_exported_after_a_live_edit_is_a_whole_calculation(window, qtbot, tmp_path):
    """Live results have no contributions by process or full inventory of the edited park (they
    come from a solve): a report exported after an edit had the run's, whose totals were the old
    L and S, or none, without a word. The export now runs the comparison of the edited scenario first: every
    sheet is of the scenario on screen, and the figures are the live Summary's."""
    from openpyxl import load_workbook

    window.scene.select_only(exchange_id="ash-to-cement")
    panel = window.properties.exchange_panel
    panel.form.amount.setText("100000")
    panel._commit()
    qtbot.waitUntil(lambda: not window.session.live_due)
    assert "live" in window.results.metadata
    gwp = window.results.impacts[0]
    # no contributions of the edited park on screen: the run's ones, or none after the full
    # live evaluation (contributions come from a solve)
    assert all(abs(c.linear - gwp.linear) > 1e-6 * abs(gwp.linear)
               for c in window.results.contributions if c.method == gwp.method)
    out = tmp_path / "after-edit.xlsx"
    with qtbot.waitSignal(window.reportWritten, timeout=120_000):
        window.export_report_to(out, ask_open=False)
    wb = load_workbook(out, read_only=True)
    assert {"Contributions", "Full inventory"} <= set(wb.sheetnames), wb.sheetnames
    rows = list(wb["Contributions"].iter_rows(values_only=True))
    wb.close()
    start = next(i for i, r in enumerate(rows) if r and isinstance(r[0], str)
                 and r[0].startswith(method_label(gwp.method)))
    total = next(r for r in rows[start:] if r and len(r) > 4 and r[1] == "Total")
    assert total[4] == pytest.approx(gwp.linear, rel=1e-6)  # the edited park's L
    assert total[5] == pytest.approx(gwp.symbiotic, rel=1e-6)
