"""Work that paused the window on a 1,000-site park, now off the GUI thread (issue #23 target
2): the validation of the Problems panel. Structural checks; the timings are in
benchmarks/live_edit.py."""

from __future__ import annotations

import threading

from ecolca.app import problems as problems_mod
from ecolca.app.problems import ProblemsPanel
from ecolca.core.validation import errors, validate

from test_park_view_stalls import _park


def _broken_park():
    sc = _park(200)  # 400 sites and exchanges: more than VALIDATE_ON_WORKER
    sc.exchanges[3].amount = -5.0
    assert errors(validate(sc))
    return sc


def test_a_large_park_is_validated_off_the_gui_thread(qtbot, monkeypatch):
    threads: list[int] = []
    real = problems_mod.validate
    monkeypatch.setattr(problems_mod, "validate",
                        lambda sc: (threads.append(threading.get_ident()), real(sc))[1])
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    sc = _broken_park()
    with qtbot.waitSignal(panel.validated, timeout=20000) as got:
        panel.schedule(sc)
    assert threads and threads[0] != threading.get_ident()
    assert got.args == [len(errors(real(sc)))] and got.args[0] >= 1
    assert panel.tree.topLevelItemCount() == len(real(sc))


def test_a_workers_answer_about_an_edited_scenario_is_dropped(qtbot, monkeypatch):
    """An edit while the worker validates: its answer (of the scenario before) never shows."""
    real = problems_mod.validate
    release = threading.Event()
    calls: list[int] = []

    def slow(sc):
        calls.append(1)
        if len(calls) == 1:
            found = real(sc)  # the broken park
            release.wait(10)
            return found
        return real(sc)

    monkeypatch.setattr(problems_mod, "validate", slow)
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    sc = _broken_park()
    broken = len(errors(real(sc)))
    shown: list[int] = []
    panel.validated.connect(shown.append)
    panel.schedule(sc)
    qtbot.waitUntil(lambda: bool(calls), timeout=20000)  # the first validation runs
    sc.exchanges[3].amount = 5.0  # the user fixes it
    panel.schedule(sc)
    release.set()
    qtbot.waitUntil(lambda: len(calls) == 2 and not panel.pending(), timeout=20000)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    fixed = len(errors(real(sc)))
    assert fixed < broken  # (the test park has other errors: it has no products)
    assert shown == [fixed] and len(errors(panel.problems)) == fixed


def test_a_small_park_is_still_validated_here(qtbot, monkeypatch):
    threads: list[int] = []
    real = problems_mod.validate
    monkeypatch.setattr(problems_mod, "validate",
                        lambda sc: (threads.append(threading.get_ident()), real(sc))[1])
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.validated, timeout=5000):
        panel.schedule(_park(10))
    assert threads == [threading.get_ident()]


def test_a_live_edit_of_a_large_park_evaluates_everything_off_the_gui_thread(
        qtbot, tmp_path, monkeypatch, bw_project, example_path):
    """With a tab other than the Summary on screen, L and S are evaluated at once and the
    rest on a worker; that tab is drawn (once) when the rest arrives. "Large" is lowered to 0
    sites so that an example park counts (the threshold is what is tested, not its value)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from conftest import open_main_window
    from ecolca import lca
    from ecolca.app.window import live as live_mod

    w = open_main_window(qtbot, tmp_path, monkeypatch)
    try:
        w.open_path(example_path, as_new=True)
        with qtbot.waitSignal(w.runFinished, timeout=120_000):
            w.run_comparison()
        rv = w.results_view
        rv.show_tab("Exchanges")
        monkeypatch.setattr(live_mod, "LIVE_ON_WORKER", 0)
        threads: list[int] = []
        real = lca.evaluate
        monkeypatch.setattr(lca, "evaluate", lambda *a, **k: (
            threads.append(threading.get_ident()), real(*a, **k))[1])
        drawn: list[int] = []
        monkeypatch.setattr(rv, "_render_exchanges", lambda _r=rv._render_exchanges: (
            drawn.append(threading.get_ident()), _r())[1])
        w.scene.select_only(exchange_id="ash-to-cement")
        panel = w.properties.exchange_panel
        panel.form.amount.setText("100000")
        panel._commit()
        assert drawn == []  # L and S only so far: the Exchanges tab waits for the rest
        qtbot.waitUntil(lambda: not w.session.live_due and w._live_job is None, timeout=60_000)
        assert threads and all(t != threading.get_ident() for t in threads)
        assert drawn == [threading.get_ident()]  # drawn once, here, from the full results
        assert "live" in w.results.metadata and not rv.is_stale()
        full = real(w.doc.scenario, w.session.evaluation)
        assert [p.total for p in w.results.exchange_parts(full.impacts[0].method)] == \
            [p.total for p in full.exchange_parts(full.impacts[0].method)]
    finally:
        w.doc.undo_stack.setClean()
        w.close()
        w.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def test_a_resize_by_the_same_width_does_not_measure_the_rows_again(qtbot, monkeypatch):
    """A results table with wrapped rows was measured again (every cell) on each resize, also
    one that left its width as it was (a dock or the status bar moving: 120 ms of a live edit
    at 1,000 sites)."""
    from ecolca.app.results_view.table import _fill, _make_table, _text_item, set_cells

    t = _make_table(["Name", "Value"], stretch=0, grow_rows=True)
    qtbot.addWidget(t)
    t.resize(200, 300)
    t.show()
    _fill(t, [[_text_item("a long name " * 8), _text_item("1")] for _ in range(10)])
    measured: list[int] = []
    real = type(t).resizeRowsToContents
    monkeypatch.setattr(type(t), "resizeRowsToContents",
                        lambda self: (measured.append(1), real(self))[1])
    t._spread()
    t._spread()  # the same width, the same rows
    assert measured == []
    set_cells(t, [(0, 0, _text_item("another long name " * 8))])  # the text that wraps
    t._spread()
    assert measured == [1]
    t.resize(700, 300)  # another width
    qtbot.wait(20)
    assert measured == [1, 1]


def test_starting_a_run_makes_the_exchange_names_on_the_worker(qtbot, tmp_path, monkeypatch,
                                                               bw_project, example_path):
    """The exchanges' short names of a run were made on the GUI thread when it started (0.1-0.4
    s at 1,000 sites); the worker makes them with the results."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from conftest import open_main_window
    from ecolca.app import labels as labels_mod

    w = open_main_window(qtbot, tmp_path, monkeypatch)
    try:
        w.open_path(example_path, as_new=True)
        threads: list[int] = []
        real = labels_mod.exchange_labels
        monkeypatch.setattr(labels_mod, "exchange_labels", lambda sc: (
            threads.append(threading.get_ident()), real(sc))[1])
        with qtbot.waitSignal(w.runFinished, timeout=120_000):
            w.run_comparison()
        assert threads and threads[0] != threading.get_ident()
        assert w._run_labels == real(w.doc.scenario)
        assert w.results_view._exchange_labels == real(w.doc.scenario)
    finally:
        w.doc.undo_stack.setClean()
        w.close()
        w.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def test_the_sensitivity_table_lists_the_largest_swings_and_counts_the_rest(
        qtbot, tmp_path, monkeypatch, bw_project, example_path):
    """A 1,000-site park has some 11,000 parameters that move Δ: the table made a row of each
    (1-3 s of the GUI thread). It lists the SENS_ROWS largest, as the report lists its 40, and
    says how many there are; the cap is lowered to 2 so that an example park shows it."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from conftest import open_main_window
    from ecolca.app.results_view import sensitivity_tab

    monkeypatch.setattr(sensitivity_tab, "SENS_ROWS", 2)
    w = open_main_window(qtbot, tmp_path, monkeypatch)
    try:
        w.open_path(example_path, as_new=True)
        with qtbot.waitSignal(w.runFinished, timeout=120_000):
            w.run_comparison()
        rv = w.results_view
        rv.show_tab("Sensitivity")
        m = tuple(rv.sens_method.currentData())
        s = next(x for x in w.results.sensitivity if tuple(x.method) == m)
        n = s.n_moving()
        assert n > 2
        t = rv.sens_table
        assert t.rowCount() == 2
        names = [t.item(i, 0).text() for i in range(2)]
        from ecolca.app.labels import parameter_name
        assert names == [parameter_name(x.item, x.field, rv._exchange_labels)
                         for x in s.moving_rows()[:2]]  # the two largest swings
        assert f"the 2 parameters with the largest swing of the {n:,}" in rv.sens_info.text()
    finally:
        w.doc.undo_stack.setClean()
        w.close()
        w.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def test_a_window_makes_worker_threads_hand_the_lock_back_quickly(qtbot, tmp_path, monkeypatch):
    """The workers (validation, live evaluation, autosave, a run) start before any chart, which
    was what set the switch interval: until then the GUI thread waited up to Python's 5 ms for
    the interpreter lock at each call Qt made into Python."""
    import sys

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from conftest import open_main_window

    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        w = open_main_window(qtbot, tmp_path, monkeypatch)
        assert sys.getswitchinterval() <= 0.0005
        w.close()
        w.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    finally:
        sys.setswitchinterval(min(before, sys.getswitchinterval()))
