"""The desktop app driven through its real widgets (pytest-qt, offscreen)."""

from __future__ import annotations

import json
import time

import openpyxl
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from conftest import PROJECT, open_main_window

from ecolca.core import examples as _examples  # every example, also ones added later

# any Qt warning printed while a test edits, draws or runs fails it (issue #9); the offscreen
# platform's notices of what it cannot do (size hints, raise, keyboard grab) are not about ecolca
pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore(r"^This plugin does not support")]


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch):
    w = open_main_window(qtbot, tmp_path, monkeypatch)
    yield w
    if w.job is not None:
        w.job.cancel()
        w.job.wait(10000)
    w.doc.undo_stack.setClean()  # no unsaved-changes prompt while the fixture closes it
    _close(w)


def _mouse(widget, kind, pos: QPoint, button=Qt.LeftButton, buttons=Qt.LeftButton):
    ev = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons,
                     Qt.NoModifier)
    QApplication.sendEvent(widget, ev)


def drag(view, start_scene: QPointF, end_scene: QPointF, steps: int = 6) -> None:
    vp = view.viewport()
    a = view.mapFromScene(start_scene)
    b = view.mapFromScene(end_scene)
    _mouse(vp, QEvent.MouseButtonPress, a)
    for i in range(1, steps + 1):
        p = a + (b - a) * i / steps
        _mouse(vp, QEvent.MouseMove, p, Qt.NoButton, Qt.LeftButton)
    _mouse(vp, QEvent.MouseButtonRelease, b, Qt.LeftButton, Qt.NoButton)


def double_click(qtbot, view, scene_pos: QPointF) -> None:
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=view.mapFromScene(scene_pos))


def test_qt_calls_keep_none_alive(qtbot):
    """PySide6 6.12.0 on CPython 3.11 dropped one reference to None on every Qt call that
    returns nothing: a live-editing session aborted the interpreter ("none_dealloc") after some
    thousands of repaints. The pinned PySide6 (constraints.txt) must not, and pyproject.toml
    excludes 6.12.0."""
    import sys

    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.update()
        label.setText("x")
    assert sys.getrefcount(None) >= before - 50  # other code may drop a few; 6.12.0 drops 4,000


def test_draw_a_three_site_park_with_the_mouse(window, qtbot, monkeypatch):
    view = window.view
    view.resetTransform()
    view.centerOn(0, 0)
    for x in (-300, 0, 300):
        double_click(qtbot, view, QPointF(x, 0))
    sc = window.doc.scenario
    assert len(sc.sites) == 3
    assert len(window.scene.sites) == 3
    a, b, c = sc.sites
    # name the first site in the properties panel
    window.scene.select_only(site_id=a.id)
    panel = window.properties.site_panel
    panel.name.clear()
    qtbot.keyClicks(panel.name, "Power station")
    qtbot.keyClick(panel.name, Qt.Key_Return)
    assert window.doc.scenario.site(a.id).name == "Power station"
    # drag from A's link handle to B: the exchange dialog asks for the rest
    from ecolca.app import panels

    def fill(dlg):
        dlg.form.residue.setEditText("fly ash")
        dlg.form.supply.setEditText("clinker")
        dlg.form.amount.setText("1200")
        dlg.form.ratio.setText("0.9")
        dlg._accept()
        return dlg.result()

    monkeypatch.setattr(panels.ExchangeDialog, "exec", fill)
    ia = window.scene.sites[a.id]
    ib = window.scene.sites[b.id]
    drag(view, ia.handle_scene_pos(), ib.sceneBoundingRect().center())
    sc = window.doc.scenario
    assert len(sc.exchanges) == 1
    e = sc.exchanges[0]
    assert (e.from_site, e.to_site, e.amount, e.substitution_ratio) == (a.id, b.id, 1200, 0.9)
    assert sc.site(a.id).flow(e.from_flow).name == "fly ash"
    assert sc.site(b.id).flow(e.to_flow).name == "clinker"
    assert e.id in window.scene.exchanges
    assert window.isWindowModified()


def test_drag_moves_a_site_and_undo_redo_restore_it(window, qtbot):
    window.add_site(0, 0)
    sid = window.doc.scenario.sites[0].id
    view = window.view
    view.resetTransform()
    view.centerOn(0, 0)
    item = window.scene.sites[sid]
    start = item.mapToScene(QPointF(40, 30))
    drag(view, start, start + QPointF(150, 80))
    site = window.doc.scenario.site(sid)
    assert site.position == pytest.approx((150, 80), abs=2)
    assert window.act_undo.text().startswith("&Undo Move site")
    window.doc.undo_stack.undo()
    site = window.doc.scenario.site(sid)
    assert site.position == (0, 0)
    assert window.scene.sites[sid].pos() == QPointF(0, 0)
    window.doc.undo_stack.redo()
    assert window.doc.scenario.site(sid).position[0] == pytest.approx(150, abs=2)
    # keyboard shortcuts reach the same stack
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.doc.scenario.site(sid).position[0] == 0
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert window.doc.scenario.site(sid).position[0] == pytest.approx(150, abs=2)


def test_edit_a_flow_in_the_table_then_undo(window, qtbot, example_path):
    window.open_path(example_path, as_new=True)
    window.scene.select_only(site_id="plasterboard")
    panel = window.properties.site_panel
    row = next(i for i, f in enumerate(window.doc.scenario.site("plasterboard").flows)
               if f.id == "gypsum")
    panel.flows.item(row, 2).setText("150,000")
    assert window.doc.scenario.site("plasterboard").flow("gypsum").amount == 150_000
    assert "Edit amount of flow 'natural gypsum'" in window.act_undo.text()
    window.doc.undo_stack.undo()
    assert window.doc.scenario.site("plasterboard").flow("gypsum").amount == 140_000
    assert panel.flows.item(row, 2).text() == "140,000"


def test_problems_follow_edits_and_select_what_they_name(window, qtbot, example_path):
    window.open_path(example_path, as_new=True)
    assert window.problems.error_count == 0
    window.doc.edit("too much", lambda sc: setattr(sc.exchange("gypsum-to-boards"), "amount", 95_000))
    qtbot.waitUntil(lambda: window.problems.error_count > 0, timeout=3000)
    tree = window.problems.tree
    # the balance error (an end-of-range warning on the same exchange may be listed too)
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if "FGD gypsum" in tree.topLevelItem(i).text(0)
                and "105,000" in tree.topLevelItem(i).text(2))
    assert "105,000" in item.text(2)  # 95,000 to the boards + 10,000 to the cement plant
    tree.itemClicked.emit(item, 0)
    assert window.scene.selected_site_ids() == ["power"]
    assert window.properties.currentWidget() is window.properties.site_panel
    flows = window.doc.scenario.site("power").flows
    assert flows[window.properties.site_panel.flows.currentRow()].id == "fgd-gypsum"


def test_run_keeps_the_event_loop_turning_and_results_go_stale(window, qtbot, bw_project,
                                                               example_path, monkeypatch):
    window.open_path(example_path, as_new=True)
    ticks = []
    arrived = []  # when the worker's results reach the GUI thread
    show = window.results_view.set_results
    monkeypatch.setattr(window.results_view, "set_results",
                        lambda *a, **k: (arrived.append(time.perf_counter()), show(*a, **k)))
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    with qtbot.waitSignal(window.runFinished, timeout=120_000) as blocker:
        started = time.perf_counter()
        window.run_comparison()
        assert window.act_cancel.isEnabled() and not window.act_run.isEnabled()
        assert window.progress.isVisible()
    timer.stop()
    assert blocker.args == [True]
    # while the worker computed, the GUI thread kept serving timers. Drawing the charts once
    # the results arrive is GUI-thread work by nature (matplotlib paints in paintEvent: 0.2 to
    # 1.3 s on a loaded 2-core machine) and is not part of this check. (A worker whose engine an
    # earlier test warmed can answer in a few 5 ms beats: then there are fewer beats to count,
    # but never a long gap.)
    computing = [t for t in ticks if t < arrived[0]]
    assert len(computing) >= min(3, int((arrived[0] - started) / 0.05))
    gaps = [b - a for a, b in zip(computing, computing[1:])]
    assert max(gaps, default=0.0) < 1.0
    assert window.results is not None
    rv = window.results_view
    assert rv.results() is window.results
    assert not window.act_cancel.isEnabled()
    # an edit of a number after the run updates the results live, on the run's unit scores
    before = window.results.impacts[0].delta
    part = window.results.exchanges.parts
    i = window.results.exchanges.ids.index("gypsum-to-boards")
    per_t = sum(part[p][i, 0] for p in window.results.exchanges.PARTS) / 80_000
    window.doc.edit("edit", lambda sc: setattr(sc.exchange("gypsum-to-boards"), "amount", 70_000))
    assert not rv.is_stale() and rv.results() is window.results
    assert window.results.impacts[0].delta == pytest.approx(before - 10_000 * per_t, rel=1e-9)
    assert "live" in window.results.metadata
    # the Summary (on screen) shows it at once, table and chart updated in place; the full
    # evaluation (exchanges, sites…) follows on the next turn of the event loop, same numbers
    from ecolca import lca
    from ecolca.app.results_view import format_delta
    from ecolca.app.results_view.common import row_scale  # the row's one scale

    quick = [(m.linear, m.symbiotic) for m in window.results.impacts]
    shown = [m for m in window.results.impacts if m.covered]
    t = rv.summary_table
    assert [t.item(i, 4).text() for i, m in enumerate(window.results.impacts) if m.covered] \
        == [format_delta(m.delta, scale=row_scale([m.linear, m.symbiotic, m.delta], m.unit))
            for m in shown]
    bars = rv.chart_figure("Summary").axes[0].patches
    assert [b.get_width() for b in bars] == pytest.approx([m.relative for m in shown], rel=1e-12)
    qtbot.waitUntil(lambda: not window.session.live_due)
    full = lca.evaluate(window.doc.scenario, window.session.evaluation)
    assert quick == [(m.linear, m.symbiotic) for m in full.impacts]  # exactly
    assert window.results.exchanges.parts["transport"] == pytest.approx(
        full.exchanges.parts["transport"], rel=1e-12)
    rv.show_tab("Exchanges")  # a tab left out of the live update is drawn when shown
    assert rv.ex_table.rowCount() == len(full.exchanges.ids)
    rv.show_tab("Summary")
    # a change that needs new unit scores (another method set) makes them stale
    window.doc.edit("methods", lambda sc: setattr(sc, "methods", sc.methods[:1]))
    assert rv.is_stale()


def test_export_report_and_read_it_back(window, qtbot, bw_project, example_path, tmp_path):
    window.open_path(example_path, as_new=True)
    with qtbot.waitSignal(window.runFinished, timeout=120_000):
        window.run_comparison()
    out = tmp_path / "park.xlsx"
    with qtbot.waitSignal(window.reportWritten, timeout=60_000) as blocker:
        window.export_report_to(out, ask_open=False)
    assert blocker.args == [str(out)]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:6] == ["At a glance", "Summary", "Scenario", "Impacts", "Contributions", "Exchanges"]
    assert window.settings.value("last_report_dir") == str(tmp_path)


def test_run_errors_show_a_dialog_not_a_crash(window, qtbot, bw_project, example_path):
    from ecolca.core.model import ActivityRef

    window.open_path(example_path, as_new=True)
    window.doc.edit("break", lambda sc: setattr(sc.site("plasterboard").flow("gypsum"), "activity",
                                                ActivityRef("ecolca-open", "no-such-code")))
    with qtbot.waitSignal(window.runFinished, timeout=120_000) as blocker:
        window.run_comparison()
    assert blocker.args == [False]
    text, details = window._last_error
    assert "comparison failed" in text and "no-such-code" in details
    assert any("no-such-code" in p.message for p in window.problems.problems)


def test_cancel_a_run(window, qtbot, bw_project, example_path):
    window.open_path(example_path, as_new=True)
    with qtbot.waitSignal(window.runFinished, timeout=120_000):
        window.run_comparison()
        window.cancel_run()
    assert window.job is None and window.act_run.isEnabled()


def test_unsaved_changes_guard(window, qtbot, monkeypatch):
    window.add_site(0, 0)
    assert window.doc.modified and window.isWindowModified()
    answers = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: answers.pop(0))
    answers.append(QMessageBox.Cancel)
    window.close()
    assert window.isVisible()  # cancelled: nothing lost
    answers.append(QMessageBox.Cancel)
    window.new_file()
    assert len(window.doc.scenario.sites) == 1
    answers.append(QMessageBox.Discard)
    window.new_file()
    assert window.doc.scenario.sites == [] and not window.doc.modified


def test_save_open_and_recent_files(window, qtbot, tmp_path):
    window.add_site(10, 20)
    path = tmp_path / "park.ecolca.json"
    assert window._save_to(path)
    assert not window.doc.modified and path.exists()
    assert window._recent()[0] == str(path)
    assert [a.text() for a in window.recent_menu.actions()] == ["park.ecolca.json"]
    data = json.loads(path.read_text())
    assert data["sites"][0]["position"] == {"x": 10.0, "y": 20.0}
    window.new_file()
    assert window.open_path(path)
    assert window.doc.scenario.sites[0].position == (10.0, 20.0)


def test_a_file_with_the_old_exchange_key_opens_and_says_so_once(window, tmp_path, example_path):
    """Issue #21: an exchange's category was 'kind' in files of schema version 1; the app opens
    such a file with the same categories, says so in the status bar, and saves the new key."""
    doc = json.loads(example_path.read_text())
    doc["schema_version"] = 1
    for e in doc["exchanges"]:
        e["kind"] = e.pop("category")
    path = tmp_path / "old.ecolca.json"
    path.write_text(json.dumps(doc))
    assert window.open_path(path)
    message = window.statusBar().currentMessage()
    assert message.startswith("Opened old.ecolca.json.") and "old key 'kind'" in message
    assert [e.category for e in window.doc.scenario.exchanges] == [e["kind"] for e in
                                                                    doc["exchanges"]]
    assert window._save_to(path)
    saved = json.loads(path.read_text())
    assert saved["schema_version"] == 2 and all("kind" not in e for e in saved["exchanges"])
    assert window.open_path(path)
    assert "old key" not in window.statusBar().currentMessage()


def test_a_big_file_is_read_and_checked_on_a_worker_thread(window, qtbot, monkeypatch,
                                                           example_path, tmp_path):
    """Issue #23: opening a 1,000-site park froze the window (parse and validation on the GUI
    thread). A file of WORKER_BYTES or more is read, parsed and validated on a worker."""
    import threading

    from ecolca.core import scenario_file
    from ecolca.app.window import files
    from ecolca.core.validation import validate

    name = scenario_file.load(example_path).name
    monkeypatch.setattr(files, "WORKER_BYTES", 1)  # every file counts as big
    threads = []
    load = scenario_file.load_bytes
    monkeypatch.setattr(scenario_file, "load_bytes", lambda *a, **k: (
        threads.append(threading.current_thread()), load(*a, **k))[1])
    window.add_site(0, 0)
    before = window.doc
    assert window.open_path(example_path, as_new=True)
    assert window.doc is before  # the current work stays until the file is ready
    qtbot.waitUntil(lambda: window.job is None and window.doc is not before, timeout=60_000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert window.doc.scenario.name == name
    assert window.doc.path is None and not window.doc.modified  # as_new: an unsaved copy
    assert [str(p) for p in window.problems.problems] == \
        [str(p) for p in validate(window.doc.scenario)]
    # a broken big file: the same message as one opened at once; the work stays
    broken = tmp_path / "broken.ecolca.json"
    broken.write_text("{ not json")
    current = window.doc
    assert window.open_path(broken)
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    assert "Cannot open broken.ecolca.json" in window._last_error[0]
    assert "not valid JSON" in window._last_error[1]
    assert window.doc is current


def test_broken_or_too_new_file_leaves_the_work_intact(window, qtbot, tmp_path):
    window.add_site(0, 0)
    before = window.doc.scenario
    broken = tmp_path / "broken.ecolca.json"
    broken.write_text("{ not json")
    assert not window.open_path(broken)
    assert "Cannot open broken.ecolca.json" in window._last_error[0]
    assert "not valid JSON" in window._last_error[1]
    newer = tmp_path / "newer.ecolca.json"
    newer.write_text(json.dumps({"schema_version": 99, "name": "x"}))
    assert not window.open_path(newer)
    assert "newer ecolca" in window._last_error[1]
    assert window.doc.scenario is before and window.doc.modified


def test_autosave_and_recovery_after_a_crash(window, qtbot, tmp_path, monkeypatch):
    from conftest import crash_autosave

    from ecolca.app.mainwindow import MainWindow
    from ecolca.app.recovery_dialog import RecoveryDialog

    window.add_site(5, 5)
    window.doc.edit("rename", lambda sc: setattr(sc.sites[0], "name", "Unsaved refinery"))
    window.doc.edit("name", lambda sc: setattr(sc, "name", "Harbour park"))
    assert window._save_to(tmp_path / "harbour.ecolca.json")
    window.doc.edit("more", lambda sc: setattr(sc.sites[0], "sector", "Refining"))
    saved = window.autosave()
    assert saved is not None and saved.exists()
    crash_autosave(saved)  # its instance crashed (tests/test_app_data_loss.py: every case)
    # a new session (the first one "crashed": its recovery file is still there)
    other = MainWindow(project=PROJECT, settings=window.settings, ask_setup=False)
    rows = []

    def restore(dlg):
        rows.extend([dlg.tree.topLevelItem(i).text(c) for c in range(3)]
                    for i in range(dlg.tree.topLevelItemCount()))
        dlg.restore_button.click()
        return dlg.result()

    monkeypatch.setattr(RecoveryDialog, "exec", restore)
    try:
        assert other.offer_recovery()
        # the dialog names what it restores (issue #9)
        assert rows[0][0] == "Harbour park" and rows[0][1].endswith("harbour.ecolca.json")
        assert other.doc.path == tmp_path / "harbour.ecolca.json"
        assert other.doc.scenario.sites[0].name == "Unsaved refinery"
        assert other.doc.modified  # restored work is not saved anywhere yet
        assert saved.exists()  # kept until that work is saved (issue #19)
        assert other.save() and not saved.exists()
    finally:
        _close(other)


def test_the_autosave_folder_is_per_brightway_folder(monkeypatch, tmp_path):
    """Low: two Brightway folders (two sets of projects) never share crash-recovery files."""
    from PySide6.QtCore import QStandardPaths

    from ecolca.app.mainwindow import recovery_dir

    monkeypatch.delenv("ECOLCA_RECOVERY_DIR", raising=False)
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda *_: str(tmp_path / "appdata"))
    monkeypatch.setenv("BRIGHTWAY2_DIR", str(tmp_path / "bw-one"))
    one = recovery_dir()
    monkeypatch.setenv("BRIGHTWAY2_DIR", str(tmp_path / "bw-two"))
    two = recovery_dir()
    assert one != two and one.parent == two.parent == tmp_path / "appdata" / "recovery"
    monkeypatch.setenv("BRIGHTWAY2_DIR", str(tmp_path / "bw-one"))
    assert recovery_dir() == one


def test_examples_menu_shortcuts_and_tooltips(window):
    from ecolca.core import examples

    titles = [a.text() for a in window.examples_menu.actions()]
    assert len(titles) == len(examples.available())
    assert "Power station by-products: gypsum and fly ash" in titles
    assert window.act_run.shortcut().toString() == "F5"
    assert window.act_save.shortcut().matches(window.act_save.shortcut())
    for a in window.toolbar.actions():
        if not a.isSeparator():
            assert a.toolTip(), a.text()
    assert "F5" in window.act_run.toolTip()


def test_title_shows_name_and_unsaved_mark(window, example_path):
    window.open_path(example_path, as_new=True)
    assert window.windowTitle().startswith("Power station by-products: gypsum and fly ash[*]")
    assert not window.isWindowModified()
    window.doc.edit("x", lambda sc: setattr(sc, "name", "Renamed park"))
    assert window.windowTitle().startswith("Renamed park[*]") and window.isWindowModified()
    assert "Brightway project: ecolca-tests" in window.project_label.text()


def test_delete_selection_removes_exchanges_of_deleted_sites(window, example_path):
    window.open_path(example_path, as_new=True)
    window.scene.select_only(site_id="cement")
    window.delete_selection()
    sc = window.doc.scenario
    assert sc.site("cement") is None
    assert [e.id for e in sc.exchanges] == ["gypsum-to-boards"]
    assert "Delete site 'Cement plant' and 2 exchange(s)" in window.act_undo.text()
    window.doc.undo_stack.undo()
    assert len(window.doc.scenario.exchanges) == 3


def test_a_new_user_builds_runs_and_exports_a_park_from_scratch(window, qtbot, bw_project,
                                                                 monkeypatch, tmp_path):
    """Issue #3's definition of done: draw three sites, give them flows, link them, run, read
    where the saving comes from, export the report, all through the app's widgets."""
    from ecolca.app import panels
    from ecolca.core.model import ActivityRef

    picks = []
    monkeypatch.setattr(panels.common, "pick_activity", lambda *a, **k: picks.pop(0))
    view = window.view
    view.resetTransform()
    view.centerOn(0, 0)
    for x in (-320, 0, 320):
        double_click(qtbot, view, QPointF(x, 0))
    power, boards, cement = [s.id for s in window.doc.scenario.sites]
    panel = window.properties.site_panel

    def add_flow(site_id, kind, name, amount, unit, ref=None):
        window.scene.select_only(site_id=site_id)
        panel.add_flow_of(kind)
        r = len(window.doc.scenario.site(site_id).flows) - 1
        panel.flows.item(r, 1).setText(name)
        panel.flows.item(r, 2).setText(amount)
        panel.flows.item(r, 3).setText(unit)
        if ref:
            picks.append(ActivityRef("ecolca-open", ref))
            panel._flow_cell_double_clicked(r, 4)

    add_flow(power, "product", "electricity", "1000000", "MWh")
    add_flow(power, "residue", "FGD gypsum", "50000", "t", "waste-landfill-inert")
    add_flow(boards, "product", "plasterboard", "80000", "t")
    add_flow(boards, "supply", "natural gypsum", "70000", "t", "mat-gypsum-natural")
    add_flow(cement, "product", "cement", "500000", "t")
    add_flow(cement, "supply", "gypsum", "20000", "t", "mat-gypsum-natural")
    assert picks == []

    def fill(amount):
        def run(dlg):
            dlg.form.amount.setText(amount)
            dlg._accept()
            return dlg.result()
        return run

    for target, amount in ((boards, "40000"), (cement, "10000")):
        monkeypatch.setattr(panels.ExchangeDialog, "exec", fill(amount))
        drag(view, window.scene.sites[power].handle_scene_pos(),
             window.scene.sites[target].sceneBoundingRect().center())
    sc = window.doc.scenario
    assert len(sc.exchanges) == 2
    qtbot.waitUntil(lambda: window.problems.error_count == 0, timeout=3000)

    with qtbot.waitSignal(window.runFinished, timeout=120_000) as blocker:
        window.act_run.trigger()
    assert blocker.args == [True], getattr(window, "_last_error", None)
    parts = {p.exchange_id: p for p in window.results.exchange_parts(
        ("IPCC 2021", "climate change", "global warming potential (GWP100)"))}
    assert all(p.avoided_supply < 0 for p in parts.values())
    rv = window.results_view
    rv.show_tab("Exchanges")
    assert rv.current_exchange_method() is not None
    out = tmp_path / "scratch.xlsx"
    with qtbot.waitSignal(window.reportWritten, timeout=60_000):
        window.export_report_to(out, ask_open=False)
    wb = openpyxl.load_workbook(out)
    assert wb["Exchanges"].max_row > 3


def test_scenario_panel_shows_the_story_and_edits_are_undoable(window, qtbot):
    from ecolca.core import examples

    window.open_path(examples.path("phoenix"), as_new=True)
    window.scene.clearSelection()
    panel = window.properties.hint
    assert window.properties.currentWidget() is panel
    sc = window.doc.scenario
    original = sc.name
    assert panel.description.toPlainText() == sc.description
    assert panel.illustrative.isVisible() and "Illustrative" in panel.illustrative.text()
    assert sc.sources[0][:12] in panel.notes.text()  # (HTML-escaped further on)
    panel.name.clear()
    qtbot.keyClicks(panel.name, "My Phoenix copy")
    qtbot.keyClick(panel.name, Qt.Key_Return)
    assert window.doc.scenario.name == "My Phoenix copy"
    assert window.windowTitle().startswith("My Phoenix copy[*]")
    window.doc.undo_stack.undo()
    assert window.doc.scenario.name == original
    panel.iterations.setValue(200)
    panel.iterations.editingFinished.emit()
    assert window.doc.scenario.monte_carlo_iterations == 200


def test_first_start_offers_set_up_in_the_background(qtbot, tmp_path, monkeypatch, bw_project):
    """No Brightway project yet: the app asks, then sets it up in a worker thread with a
    progress bar, while the window keeps responding.

    The set-up the worker runs is ``ecolca.importers.setup.setup``; here it copies the session's project
    (which the real ``setup`` built, tests/conftest.py) instead of building it again, about 50 s
    that the 10-minute suite cannot spare. What ``setup`` itself writes is checked in
    tests/test_setup.py; this test checks the app around it."""
    import bw2data as bd

    from ecolca.importers import setup as project_mod
    from ecolca.app.mainwindow import MainWindow

    def quick_setup(name, progress=None, **_):
        say = progress or (lambda m, f: None)
        say("Copying the session's project", 0.1)
        here = bd.projects.current
        bd.projects.set_current(PROJECT)
        bd.projects.copy_project(name, switch=False)
        bd.projects.set_current(here)
        for i in range(20):  # a few more progress steps, with the event loop free between
            time.sleep(0.02)
            say("Checking", 0.5 + i / 40)
        return project_mod.SetupReport(name, ["copied"])

    monkeypatch.setattr(project_mod, "setup", quick_setup)
    monkeypatch.setenv("ECOLCA_RECOVERY_DIR", str(tmp_path / "recovery"))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    name = "ecolca-first-start"
    assert name not in bd.projects
    w = MainWindow(project=name, settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    w.show()
    try:
        qtbot.waitUntil(lambda: w.job is not None, timeout=10_000)
        assert "Set it up now?" in asked[0] or "set it up" in asked[0].lower()
        assert w.progress.isVisible()
        ticks = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(10)
        qtbot.waitUntil(lambda: w.job is None, timeout=120_000)
        timer.stop()
        assert len(ticks) > 5  # the event loop kept turning during set-up
        assert name in bd.projects
        from ecolca.brightway.project import is_ready

        assert is_ready(name)
    finally:
        w.doc.undo_stack.setClean()
        w.close()
        w.deleteLater()
        bd.projects.set_current(PROJECT)


def _select(window, sel) -> None:
    """Select nothing (None), a site ("s", id) or an exchange ("e", id), and let Qt lay out."""
    if sel is None:
        window.scene.clearSelection()
    elif sel[0] == "s":
        window.scene.select_only(site_id=sel[1])
    else:
        window.scene.select_only(exchange_id=sel[1])
    QApplication.processEvents()


@pytest.mark.parametrize("name", sorted(_examples.available()))
def test_window_fits_1280x800_with_any_example_and_panel(window, name):
    """Nothing in the window (long names, the exchange form, the key labels) may force it past
    a 1280×800 screen."""
    from ecolca.core import examples

    window.open_path(examples.path(name), as_new=True)
    sc = window.doc.scenario
    for sel in [None] + [("s", s.id) for s in sc.sites[:2]] + [("e", e.id) for e in sc.exchanges[:2]]:
        _select(window, sel)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 800, (sel, hint)


def test_names_typed_in_the_app_are_names_the_file_format_reopens(window, qtbot, example_path,
                                                                  tmp_path):
    """Issue #13: the loader refuses names over 200 characters and control characters; the app
    must never save what it cannot open again."""
    from ecolca.core import scenario_file

    window.open_path(example_path, as_new=True)
    window.scene.select_only(site_id="plasterboard")
    panel = window.properties.site_panel
    panel.name.clear()
    qtbot.keyClicks(panel.name, "P" * 250)
    panel.name.editingFinished.emit()
    assert len(window.doc.scenario.site("plasterboard").name) == scenario_file.MAX_NAME
    row = next(i for i, f in enumerate(window.doc.scenario.site("plasterboard").flows)
               if f.id == "gypsum")
    panel.flows.item(row, 1).setText("natural\tgypsum\n" + "g" * 300)
    name = window.doc.scenario.site("plasterboard").flow("gypsum").name
    assert name.startswith("natural gypsum g") and len(name) == scenario_file.MAX_NAME
    path = tmp_path / "again.ecolca.json"
    scenario_file.save(window.doc.scenario, path)
    assert scenario_file.load(path).site("plasterboard").flow("gypsum").name == name


def test_site_inventory_scope_is_edited_and_undone(window, qtbot, example_path):
    """Issue #7: a site declares a complete or a partial inventory (Δ % then reads n/m)."""
    window.open_path(example_path, as_new=True)
    window.scene.select_only(site_id="cement")
    panel = window.properties.site_panel
    assert panel.inventory.currentData() == "complete"
    panel.inventory.setFocus()
    qtbot.keyClick(panel.inventory, Qt.Key_Down)
    assert window.doc.scenario.site("cement").inventory == "partial"
    assert "inventory" in window.act_undo.text()
    window.doc.undo_stack.undo()
    assert window.doc.scenario.site("cement").inventory == "complete"
    assert panel.inventory.currentData() == "complete"


def test_site_confidential_box_says_what_it_does(window, qtbot, example_path):
    """Issue #12.3: the box says what the flag does in shared reports and points to the doc that
    states what is and is not protected; checking it flags the site (undoable)."""
    window.open_path(example_path, as_new=True)
    window.scene.select_only(site_id="cement")
    box = window.properties.site_panel.confidential
    assert "left out of park and public reports" in box.text()
    assert "mask the name" not in box.text()
    assert "docs/confidentiality.md" in box.toolTip() and "subtraction" in box.toolTip()
    box.click()
    assert window.doc.scenario.site("cement").confidential is True
    window.doc.undo_stack.undo()
    assert window.doc.scenario.site("cement").confidential is False
    window.properties.site_panel.grab().save("/tmp/site_panel_conf.png")


def test_examples_menu_asks_before_dropping_unsaved_work(window, qtbot, monkeypatch):
    """Issue #9 (High 1): File ▸ Examples discarded unsaved work without asking, and deleted the
    crash-recovery autosave."""
    window.add_site(0, 0)
    window.doc.edit("rename", lambda sc: setattr(sc.sites[0], "name", "Unsaved work"))
    saved = window.autosave()
    assert saved is not None and saved.exists()
    answers = [QMessageBox.Cancel]
    monkeypatch.setattr(QMessageBox, "exec", lambda self: answers.pop(0))
    action = window.examples_menu.actions()[0]
    action.trigger()                                   # as the menu does
    assert window.doc.scenario.sites[0].name == "Unsaved work" and window.doc.modified
    assert saved.exists()                              # the autosave is kept
    answers.append(QMessageBox.Discard)
    action.trigger()
    assert window.doc.scenario.sites and window.doc.scenario.sites[0].name != "Unsaved work"
    assert not answers                                 # it asked, once each time


def test_tab_in_the_flows_table_moves_forward_and_never_overwrites_the_name(window, qtbot,
                                                                            example_path, qtlog):
    """Issue #9 (High 2): after editing Amount, Tab jumped back to Name with its text selected,
    so the next keystrokes replaced the name. Also no "already owned" Qt warnings (Medium 10)."""
    window.open_path(example_path, as_new=True)
    window.scene.select_only(site_id="plasterboard")
    t = window.properties.site_panel.flows
    site = window.doc.scenario.site("plasterboard")
    row = next(i for i, f in enumerate(site.flows) if f.id == "gypsum")
    t.setFocus()
    t.setCurrentCell(row, 2)
    qtbot.keyClick(t, Qt.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not t
    editor.selectAll()
    qtbot.keyClicks(editor, "150000")
    qtbot.keyClick(editor, Qt.Key_Tab)
    assert window.doc.scenario.site("plasterboard").flow("gypsum").amount == 150_000
    assert (t.currentRow(), t.currentColumn()) == (row, 3)     # forward, to Unit
    qtbot.keyClicks(QApplication.focusWidget(), "kg")        # what a user types next
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    flow = window.doc.scenario.site("plasterboard").flow("gypsum")
    assert flow.name == "natural gypsum"                      # never overwritten
    assert not [r for r in qtlog.records if "already owned" in r.message]


@pytest.mark.parametrize("dx", [0.0, -6.0, 6.0])
def test_drag_from_any_part_of_the_dot_draws_an_exchange(window, qtbot, monkeypatch, dx):
    """Issue #9 (High 3): only the right half of a site's dot started an exchange; the half over
    the box was a hole in the item's shape (odd-even fill)."""
    from ecolca.app import panels

    view = window.view
    view.resetTransform()
    view.centerOn(0, 0)
    for x in (-200, 200):
        double_click(qtbot, view, QPointF(x, 0))
    a, b = window.doc.scenario.sites
    opened = []
    monkeypatch.setattr(panels.ExchangeDialog, "exec", lambda dlg: opened.append(dlg) or 0)
    ia, ib = window.scene.sites[a.id], window.scene.sites[b.id]
    start = ia.handle_scene_pos() + QPointF(dx, 0)
    assert ia.contains(ia.mapFromScene(start))
    drag(view, start, ib.sceneBoundingRect().center())
    assert len(opened) == 1                       # the exchange dialog, not a moved site
    assert window.doc.scenario.site(a.id).position == a.position


# ---- issue #9, Medium and Low ----------------------------------------------------------------
def _run(window, qtbot):
    with qtbot.waitSignal(window.runFinished, timeout=180_000) as blocker:
        window.act_run.trigger()
    assert blocker.args == [True], getattr(window, "_last_error", None)


def _canvas_point(canvas, x_display: float, y_display: float) -> QPoint:
    """A matplotlib display point (pixels, origin bottom left) as a widget position."""
    ratio = canvas.device_pixel_ratio
    return QPoint(int(x_display / ratio), int(canvas.figure.bbox.height / ratio - y_display / ratio))


def _hover(canvas, pos: QPoint) -> None:
    QApplication.sendEvent(canvas, QMouseEvent(QEvent.MouseMove, QPointF(pos),
                                               QPointF(canvas.mapToGlobal(pos)), Qt.NoButton,
                                               Qt.NoButton, Qt.NoModifier))


def test_double_clicking_a_results_row_selects_that_exchange_or_site(window, qtbot, bw_project,
                                                                    example_path):
    """The Exchanges and Sites tabs said "Double-click a row to select the exchange" and
    nothing happened: the view's signals were connected to nothing (issue #23)."""
    window.open_path(example_path, as_new=True)
    _run(window, qtbot)
    rv = window.results_view

    def double_click(table, row):
        index = table.model().index(row, 1)
        table.scrollTo(index)
        pos = table.visualRect(index).center()
        qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=pos)
        qtbot.mouseDClick(table.viewport(), Qt.LeftButton, pos=pos)

    rv.show_tab("Exchanges")
    t = rv.ex_table
    row = t.rowCount() - 1
    wanted = t.model().index(row, 0).data(Qt.UserRole)
    assert window.scene.selected_exchange_ids() != [wanted]
    double_click(t, row)
    assert window.scene.selected_exchange_ids() == [wanted]
    assert window.properties.exchange_panel.isVisible()
    rv.show_tab("Sites")
    t = rv.site_table
    wanted = t.model().index(1, 0).data(Qt.UserRole)
    double_click(t, 1)
    assert window.scene.selected_site_ids() == [wanted] and not window.scene.selected_exchange_ids()
    assert window.properties.site_panel.isVisible()


def test_exchanges_are_named_by_residue_and_receiver_not_by_id(window, qtbot, bw_project,
                                                               example_path):
    """Medium 4: charts, tables, undo steps and problems named exchanges by their ids."""
    window.open_path(example_path, as_new=True)
    _run(window, qtbot)
    rv = window.results_view
    rv.show_tab("Exchanges")
    t = rv.ex_table
    names = [t.item(r, 0).text() for r in range(t.rowCount())]
    assert names == ["FGD gypsum → Plasterboard plant", "FGD gypsum → Cement plant",
                     "fly ash → Cement plant"]
    assert "Coal power station: FGD gypsum → Plasterboard plant: natural gypsum" in \
        t.item(0, 0).toolTip()
    canvas = rv.ex_chart.canvas
    canvas.draw()
    ax = canvas.figure.axes[0]
    ticks = [" ".join(x.get_text().split()) for x in ax.get_yticklabels()]
    assert ticks == names  # "residue → receiver" on two lines, nothing cut here
    # hovering a bar shows the full label
    x, y = ax.transData.transform((ax.get_xlim()[0] * 0.5 + ax.get_xlim()[1] * 0.5, 2))
    _hover(canvas, _canvas_point(canvas, x, y))
    assert "Coal power station: fly ash → Cement plant: clinker" in canvas.toolTip()
    # the undo step and the problems panel say it the same way
    window.scene.select_only(exchange_id="ash-to-cement")
    form = window.properties.exchange_panel.form
    form.amount.selectAll()
    qtbot.keyClicks(form.amount, "-5")
    qtbot.keyClick(form.amount, Qt.Key_Return)
    assert "'fly ash → Cement plant'" in window.act_undo.text()
    window.doc.edit("break", lambda sc: setattr(sc.exchange("ash-to-cement"), "amount", -5.0))
    window.problems.validate_now(window.doc.scenario)
    tree = window.problems.tree
    items = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert "exchange fly ash → Cement plant" in items
    assert not any("ash-to-cement" in i for i in items)


def test_monte_carlo_keeps_its_draws_for_the_histogram_not_for_the_json(window, qtbot,
                                                                         bw_project, example_path):
    """Medium 5: the Uncertainty tab shows the distribution of Δ; the draws come from the run
    and stay out of the JSON output."""
    window.open_path(example_path, as_new=True)
    window.scene.clearSelection()
    spin = window.properties.hint.iterations
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "40")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert window.doc.scenario.monte_carlo_iterations == 40
    _run(window, qtbot)
    u = window.results.uncertainty[0]
    assert len(u.delta_samples) == 40
    assert u.probability_delta_negative == pytest.approx(
        sum(d < 0 for d in u.delta_samples) / 40)
    assert "delta_samples" not in json.dumps(window.results.to_json_dict())
    rv = window.results_view
    rv.show_tab("Uncertainty")
    ax = rv.chart_figure("Uncertainty").axes[0]
    assert sum(p.get_height() for p in ax.containers[0]) == pytest.approx(40)  # the histogram
    assert any(t.get_text().startswith("P(Δ < 0) = ") for t in ax.texts)


def test_nothing_is_cut_in_the_properties_at_1366x768(window, qtbot):
    """Medium 6: the flows table ran below the fold (its horizontal scroll bar with it, so
    Price, Uncertainty and Transport could not be reached); the transport and processing text
    of an exchange was cut to one line."""
    from ecolca.core import examples

    window.resize(1366, 768)
    window.open_path(examples.path("kalundborg"), as_new=True)
    window.scene.select_only(site_id="asnaes")
    QApplication.processEvents()
    t = window.properties.site_panel.flows
    viewport = window.properties_dock.widget().viewport()
    corner = t.mapTo(viewport, QPoint(t.width(), t.height()))
    assert corner.x() <= viewport.width() and corner.y() <= viewport.height(), \
        "the flows table (and its scroll bar) must lie inside the dock"
    columns = sum(t.columnWidth(c) for c in range(t.columnCount()))
    if columns > t.viewport().width():
        assert t.horizontalScrollBar().isVisible() and t.horizontalScrollBar().maximum() > 0
    for r in range(t.rowCount()):
        for c in range(t.columnCount()):
            if c in window.properties.site_panel.COMBO_COLUMNS:  # kind, category: combo boxes
                continue
            assert t.item(r, c).toolTip().startswith(t.item(r, c).text())
    window.scene.select_only(exchange_id="steam-to-refinery")
    QApplication.processEvents()
    form = window.properties.exchange_panel.form
    for label in (form.transport_label, form.processing_label):
        assert label.text()
        assert label.height() >= label.heightForWidth(label.width()), label.text()
        assert label.toolTip() == label.text()


def _text_fits(table, row: int, col: int) -> bool:
    from PySide6.QtCore import QRect

    text = table.item(row, col).text()
    fm = table.fontMetrics()
    width = table.columnWidth(col) - 6
    if table.wordWrap():
        need = fm.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextWordWrap), text)
        return need.height() <= table.rowHeight(row) and need.width() <= width
    return fm.horizontalAdvance(text) <= width


def test_nothing_is_cut_in_the_results_and_problems_at_1366x768(window, qtbot, bw_project):
    """Medium 6: the Summary method column read "IPCC 202…", the Problems messages were cut
    to one line, the Sites chart's subtitle ran past its edge."""
    from PySide6.QtCore import QRect

    from ecolca.core import examples

    window.resize(1366, 768)
    window.open_path(examples.path("kalundborg"), as_new=True)
    _run(window, qtbot)
    QApplication.processEvents()
    t = window.results_view.summary_table
    for r in range(t.rowCount()):
        assert _text_fits(t, r, 0), t.item(r, 0).text()
    if sum(t.columnWidth(c) for c in range(t.columnCount())) > t.viewport().width():
        assert t.horizontalScrollBar().isVisible()
    tree = window.problems.tree
    assert tree.topLevelItemCount() > 0
    fm = tree.fontMetrics()
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        width = tree.columnWidth(2) - 10
        need = fm.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextWordWrap), item.text(2))
        assert tree.visualItemRect(item).height() >= need.height(), item.text(2)
        assert item.toolTip(2).endswith(item.text(2))
    rv = window.results_view
    rv.show_tab("Sites")
    QApplication.processEvents()
    canvas = rv.site_chart.canvas
    canvas.draw()
    fig = canvas.figure
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    box = ax.title.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width, ax.get_title()
    labels = [lab.get_window_extent(renderer) for lab in ax.get_yticklabels()]
    assert not any(a.overlaps(b) for a, b in zip(labels, labels[1:])), "site names overlap"


@pytest.fixture()
def small_screen(monkeypatch):
    """A 1366×768 laptop screen less a 40 px task bar."""
    from PySide6.QtCore import QRect

    from ecolca.app.window import geometry

    monkeypatch.setattr(geometry, "available_geometry",
                        lambda widget=None: QRect(0, 0, 1366, 728))
    return QRect(0, 0, 1366, 728)


def _new_window(settings_path, monkeypatch):
    from ecolca.app.mainwindow import MainWindow

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    return MainWindow(project=PROJECT, ask_setup=False,
                      settings=QSettings(str(settings_path), QSettings.IniFormat))


def _close(w) -> None:
    """Close and delete a window now (not at interpreter exit, after QApplication)."""
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def test_window_sizes_to_the_available_screen(qtbot, tmp_path, monkeypatch, small_screen):
    """Medium 7: the window was always 1280×800; on a 1366×768 laptop the status bar, with the
    progress bar and Cancel, was off-screen."""
    monkeypatch.setenv("ECOLCA_RECOVERY_DIR", str(tmp_path / "recovery"))
    w = _new_window(tmp_path / "s.ini", monkeypatch)
    w.show()
    qtbot.waitExposed(w)
    try:
        assert w.width() <= small_screen.width() and w.height() <= small_screen.height() - 30
        w._set_running(True)
        QApplication.processEvents()
        for widget in (w.statusBar(), w.progress, w.cancel_button):
            assert widget.isVisible()
            corner = widget.mapTo(w, QPoint(widget.width(), widget.height()))
            assert corner.y() <= w.height() and corner.x() <= w.width()
        w._set_running(False)
    finally:
        _close(w)


def test_window_remembers_its_geometry_docks_and_splitter(qtbot, tmp_path, monkeypatch,
                                                          small_screen):
    monkeypatch.setenv("ECOLCA_RECOVERY_DIR", str(tmp_path / "recovery"))
    w = _new_window(tmp_path / "s.ini", monkeypatch)
    w.show()
    qtbot.waitExposed(w)
    w.resize(1100, 650)
    w.splitter.setSizes([180, 400])
    w.problems_dock.hide()
    QApplication.processEvents()
    sizes = w.splitter.sizes()
    _close(w)
    again = _new_window(tmp_path / "s.ini", monkeypatch)
    again.show()
    qtbot.waitExposed(again)
    try:
        assert (again.width(), again.height()) == (1100, 650)
        assert again.splitter.sizes() == pytest.approx(sizes, abs=3)
        assert not again.problems_dock.isVisible()
        # a window remembered from a larger screen is brought back within this one
        again.resize(1600, 1000)
        again.save_window()
        third = _new_window(tmp_path / "s.ini", monkeypatch)
        try:
            assert third.width() <= 1366 and third.height() <= 728
        finally:
            _close(third)
    finally:
        _close(again)


@pytest.mark.parametrize("name", sorted(_examples.available()))
def test_window_fits_1366x768_with_any_example_and_panel(window, name):
    """As the 1280×800 test, for a 1366×768 laptop: the window's least size leaves room for a
    task bar (40 px) and a title bar (30 px), and at that size every panel is there to use."""
    from ecolca.core import examples

    window.open_path(examples.path(name), as_new=True)
    sc = window.doc.scenario
    window.resize(1366, 768 - 70)
    for sel in [None] + [("s", s.id) for s in sc.sites] + [("e", e.id) for e in sc.exchanges]:
        _select(window, sel)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768 - 70, (sel, hint)
        assert (window.width(), window.height()) == (1366, 698)
        for widget, least in ((window.view, 150), (window.results_view, 150),
                              (window.properties_dock, 150), (window.problems_dock, 80)):
            assert widget.isVisible() and widget.height() >= least, (sel, widget)
        bar = window.statusBar()
        assert bar.mapTo(window, QPoint(0, bar.height())).y() <= window.height()


@pytest.fixture(scope="module")
def example_results(_bw_project_built):
    """Each example's results with 100 Monte Carlo iterations (foreground only), computed
    once for the module and on first use: a few seconds for all four."""
    from ecolca.core import examples
    from ecolca import lca

    cache: dict = {}

    def get(name):
        if name not in cache:
            cache[name] = lca.compare(examples.load(name), project=PROJECT, iterations=100,
                                      background_uncertainty=False)
        return cache[name]
    return get


def _columns_in_view(table, columns) -> list:
    """The columns of ``columns`` not wholly inside the table's viewport (scrolled to the left)."""
    vp = table.viewport().width()
    return [(c, table.horizontalHeaderItem(c).text(), table.columnViewportPosition(c),
             table.columnWidth(c), vp) for c in columns
            if table.columnViewportPosition(c) < 0
            or table.columnViewportPosition(c) + table.columnWidth(c) > vp]


@pytest.mark.parametrize("name", sorted(_examples.available()))
def test_results_numbers_are_in_view_at_1280x800_and_1366x768(window, bw_project, name,
                                                              example_results):
    """The Summary's Δ % column was behind a horizontal scroll bar at 1280×800 and 1366×768,
    and the Uncertainty table's statistics columns too (the table had half the width for
    eight columns): with each example's results shown, no horizontal scroll bar and every
    number column wholly in view; the method names are there in full (tooltips)."""
    from ecolca.core import examples
    from ecolca.app.results_view import exchange_labels
    from ecolca.lca.results import method_label

    window.open_path(examples.path(name), as_new=True)
    res = example_results(name)
    assert res.uncertainty, "a Monte Carlo run"
    rv = window.results_view
    rv.set_results(res, exchange_labels(window.doc.scenario))
    for size in ((1280, 800), (1366, 768 - 70)):
        window.resize(*size)
        for tab, table, numbers in (("Summary", rv.summary_table, range(2, 6)),
                                    ("Uncertainty", rv.unc_table, range(3, 8))):
            rv.show_tab(tab)
            QApplication.processEvents()
            assert table.isVisible() and table.rowCount() > 0
            assert not table.horizontalScrollBar().isVisible(), (size, tab)
            assert not _columns_in_view(table, numbers), (size, tab, _columns_in_view(table,
                                                                                      numbers))
            assert table.horizontalScrollBar().value() == 0
            for r in range(table.rowCount()):
                it = table.item(r, 0)
                if it is not None and it.text():  # a shortened name: whole in the tooltip
                    assert it.toolTip().split("\n")[0] in {method_label(m.method)
                                                           for m in res.impacts} or \
                        it.toolTip().startswith(it.text()), it.toolTip()
        # the number columns at their content: a Summary number is never cut
        t = rv.summary_table
        fm = t.fontMetrics()
        for r in range(t.rowCount()):
            for c in range(2, 6):
                if t.columnSpan(r, c) == 1 and t.item(r, c) is not None:
                    assert fm.horizontalAdvance(t.item(r, c).text()) < t.columnWidth(c)


def test_summary_numbers_stay_in_view_with_the_suggestions_panel_open(window, bw_project,
                                                                       example_results,
                                                                       monkeypatch):
    """With the Suggestions panel opened (F6) at 1366×768, the Summary's Δ % column went behind
    a horizontal scroll bar again: the panel took 640 px. It now leaves the results the room
    their numbers need."""
    from ecolca.core import examples
    from ecolca.app.panels.suggestions_panel import SuggestionsPanel
    from ecolca.app.results_view import exchange_labels

    monkeypatch.setattr(SuggestionsPanel, "compute", lambda self: None)  # the layout only
    window.open_path(examples.path("kalundborg"), as_new=True)
    rv = window.results_view
    rv.set_results(example_results("kalundborg"), exchange_labels(window.doc.scenario))
    window.resize(1366, 768 - 70)
    window.show_suggestions()
    rv.show_tab("Summary")
    QApplication.processEvents()
    assert window.suggestions_dock.isVisible() and window.suggestions_dock.width() >= 400
    table = rv.summary_table
    assert not table.horizontalScrollBar().isVisible()
    assert not _columns_in_view(table, range(2, 6)), _columns_in_view(table, range(2, 6))


def test_arrows_between_the_same_two_sites_bend_apart(window, qtbot):
    """Medium 8: Asnæs → refinery (steam) and refinery → Asnæs (cooling water) lay on top of
    each other, labels included."""
    from ecolca.core import examples
    from ecolca.core.model import Exchange, Flow

    def assert_apart(ids):
        items = [window.scene.exchanges[i] for i in ids]
        for k, a in enumerate(items):
            for b in items[k + 1:]:
                pa, pb = a.path().pointAtPercent(0.5), b.path().pointAtPercent(0.5)
                assert (pa - pb).manhattanLength() > 30, (a.exchange_id, b.exchange_id)
                ra, rb = a.label.sceneBoundingRect(), b.label.sceneBoundingRect()
                assert not ra.intersects(rb), (a.exchange_id, b.exchange_id)

    window.open_path(examples.path("kalundborg"), as_new=True)
    sc = window.doc.scenario
    groups: dict = {}
    for e in sc.exchanges:
        groups.setdefault(frozenset((e.from_site, e.to_site)), []).append(e)
    opposite = [g for g in groups.values()
                if len({(e.from_site, e.to_site) for e in g}) == 2]
    assert opposite, "Kalundborg has exchanges both ways between Asnæs and the refinery"
    for g in groups.values():
        assert_apart([e.id for e in g])
    # three between two sites: two one way, one back; and again after moving a site
    window.add_site(0, 0)
    window.add_site(0, 300)
    a, b = window.doc.scenario.sites[-2:]

    def link(sc):
        sa, sb = sc.site(a.id), sc.site(b.id)
        sa.flows += [Flow("r1", "residue", "ash", 10, "t"), Flow("r2", "residue", "slag", 5, "t"),
                     Flow("s1", "supply", "water", 9, "m3")]
        sb.flows += [Flow("s1", "supply", "sand", 10, "t"), Flow("s2", "supply", "gravel", 5, "t"),
                     Flow("r1", "residue", "waste water", 9, "m3")]
        sc.exchanges += [Exchange("x1", a.id, "r1", b.id, "s1", 10, 1),
                         Exchange("x2", a.id, "r2", b.id, "s2", 5, 1),
                         Exchange("x3", b.id, "r1", a.id, "s1", 9, 1)]

    window.doc.edit("link", link)
    assert_apart(["x1", "x2", "x3"])
    window.doc.edit("move", lambda sc: setattr(sc.site(b.id), "position",
                                               (400.0, sc.site(b.id).position[1])))
    assert_apart(["x1", "x2", "x3"])


def test_new_exchange_dialog_starts_from_what_is_left(window, qtbot, monkeypatch, example_path):
    """Medium 9: the dialog proposed a residue the other exchanges already use up, and kept a
    stale q (150,000 t) when another residue was chosen."""
    from ecolca.app import panels

    window.open_path(example_path, as_new=True)
    seen = []

    def inspect(dlg):
        f = dlg.form
        assert f.residue.currentData() == "fly-ash"      # all the FGD gypsum is taken
        assert f.amount.text() == "10,000"
        assert f.residue_left.isVisibleTo(dlg) and f.supply_need.isVisibleTo(dlg)
        assert f.residue_left.text().startswith("10,000 of 130,000 t left")
        assert f.supply_need.text().startswith("still needs 60,000 of 140,000 t")
        f.amount.setFocus()
        f.amount.selectAll()
        qtbot.keyClicks(f.amount, "150000")
        f.residue.setFocus()
        qtbot.keyClick(f.residue, Qt.Key_Up)              # FGD gypsum
        assert f.residue.currentData() == "fgd-gypsum"
        assert f.amount.text() == "0"                      # what is left of it, not 150,000
        assert "0 of 90,000 t left" in f.residue_left.text()
        qtbot.keyClick(f.residue, Qt.Key_Down)            # fly ash again
        assert f.amount.text() == "10,000"
        dlg._accept()
        seen.append(dlg.created_id)
        return dlg.result()

    monkeypatch.setattr(panels.ExchangeDialog, "exec", inspect)
    drag(window.view, window.scene.sites["power"].handle_scene_pos(),
         window.scene.sites["plasterboard"].sceneBoundingRect().center())
    assert seen
    e = window.doc.scenario.exchange(seen[0])
    assert (e.from_flow, e.to_flow, e.amount) == ("fly-ash", "gypsum", 10_000)
    window.problems.validate_now(window.doc.scenario)
    assert window.problems.error_count == 0


def test_renaming_a_scenario_leaves_one_foreground_database(window, qtbot, bw_project,
                                                           example_path):
    """Medium 11: each name a scenario had left a foreground database behind, so Activity
    Browser listed the same scenario twice."""
    import bw2data as bd

    from ecolca.lca import foreground_name

    window.open_path(example_path, as_new=True)
    _run(window, qtbot)
    window.scene.clearSelection()
    name = window.properties.hint.name
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Renamed gypsum park")
    qtbot.keyClick(name, Qt.Key_Return)
    sc = window.doc.scenario
    assert sc.name == "Renamed gypsum park"
    _run(window, qtbot)
    bd.databases.load()
    mine = [d for d in bd.databases if d.endswith(f" [{sc.id}]")]
    assert mine == [foreground_name(sc)]


def test_undo_back_to_the_computed_state_clears_the_stale_banner(window, qtbot, bw_project,
                                                                  example_path):
    window.open_path(example_path, as_new=True)
    _run(window, qtbot)
    rv = window.results_view
    window.scene.select_only(exchange_id="ash-to-cement")
    form = window.properties.exchange_panel.form
    form.amount.setFocus()
    form.amount.selectAll()
    qtbot.keyClicks(form.amount, "100000")
    qtbot.keyClick(form.amount, Qt.Key_Return)
    # an edit of q: the results follow live (no run), never stale
    assert not rv.is_stale() and not rv.banner.isVisible()
    assert "live" in window.results.metadata
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert not rv.is_stale() and not rv.banner.isVisible()
    assert window.results_revision == window.doc.revision  # export does not call it outdated
    # an edit that needs new unit scores (a background activity not in the run) goes stale
    from ecolca.core.model import ActivityRef
    window.doc.edit("new activity", lambda sc: setattr(
        sc.exchange("ash-to-cement").transport[0], "mode", ActivityRef("ecolca-open", "transport-rail")))
    assert rv.is_stale() and rv.banner.isVisible()


def test_a_run_of_a_file_closed_meanwhile_is_not_shown_over_the_next(window, qtbot, bw_project,
                                                                     example_path):
    """Opening another file while the comparison runs: the run's results are of the first park
    and are not shown. The window's scattered state showed them over the second park, as
    current when both documents were at the same revision (0: just opened), and the report was
    then written of the first park's figures under the second one's name. The session drops
    results of a replaced scenario (tests/test_session.py)."""
    from ecolca.core import examples

    window.open_path(example_path, as_new=True)
    with qtbot.waitSignal(window.runFinished, timeout=180_000) as blocker:
        window.run_comparison()
        assert window.job is not None
        window.open_path(examples.path("kalundborg"), as_new=True)
        assert window.doc.revision == 0
    assert blocker.args == [False]
    assert window.results is None and window.results_view.results() is None
    assert window.session.status == "none"


def test_file_dialogs_start_beside_the_current_file(window, qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    folder = tmp_path / "parks"
    folder.mkdir()
    window.add_site(0, 0)
    assert window._save_to(folder / "harbour.ecolca.json")
    window.settings.setValue("last_open_dir", str(tmp_path))
    window.settings.setValue("last_report_dir", str(tmp_path))
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda parent, title, start, *a: asked.append(start) or ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, start, *a: asked.append(start) or ("", ""))
    window.act_open.trigger()
    assert asked[-1] == str(folder)
    from ecolca.session import ReportPlan

    monkeypatch.setattr(window.session, "report_plan", lambda: ReportPlan(object(), True, False))
    window.act_export.trigger()
    assert asked[-1] == str(folder / "harbour.xlsx")


def test_a_decimal_comma_gets_a_hint(window, qtbot, monkeypatch, example_path):
    window.open_path(example_path, as_new=True)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    window.scene.select_only(site_id="plasterboard")
    panel = window.properties.site_panel
    panel.flows.item(1, 2).setText("1,5")
    assert warned and "use 1.5" in warned[-1]
    window.scene.select_only(exchange_id="ash-to-cement")
    ep = window.properties.exchange_panel
    ep.form.ratio.setFocus()
    ep.form.ratio.selectAll()
    qtbot.keyClicks(ep.form.ratio, "0,9")
    qtbot.keyClick(ep.form.ratio, Qt.Key_Return)
    assert "use 0.9" in ep.error.text()
    assert window.doc.scenario.exchange("ash-to-cement").substitution_ratio == 1.0


def test_the_reason_of_an_error_is_in_view(window, tmp_path):
    """Not behind "Show Details…": the user reads why at once."""
    broken = tmp_path / "broken.ecolca.json"
    broken.write_text("{ not json")
    assert not window.open_path(broken)
    box = window._last_error_box
    assert "not valid JSON" in box.informativeText()
    window.error("Run failed: boom", "Traceback (most recent call last):\n  File x\nValueError: boom")
    assert window._last_error_box.informativeText() == "ValueError: boom"


def test_canvas_context_menu_has_the_actions_that_apply(window, qtbot, monkeypatch, example_path):
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QMenu

    from ecolca.app import panels

    window.open_path(example_path, as_new=True)
    view = window.view
    view.resetTransform()
    view.fit()
    QApplication.processEvents()
    linked = []
    monkeypatch.setattr(panels.ExchangeDialog, "exec",
                        lambda dlg: linked.append((dlg.exchange.from_site, dlg.exchange.to_site)) or 0)

    def right_click(scene_pos):
        pos = view.mapFromScene(scene_pos)
        QApplication.sendEvent(view.viewport(), QContextMenuEvent(
            QContextMenuEvent.Mouse, pos, view.viewport().mapToGlobal(pos)))
        menu = view.last_menu
        assert isinstance(menu, QMenu) and menu.isVisible()
        menu.close()
        return {a.text(): a for a in menu.actions()}

    actions = right_click(window.scene.sites["power"].sceneBoundingRect().center())
    assert {"Add exchange from this site to", "Properties", "Delete site", "Fit to view"} <= set(actions)
    targets = {a.text(): a for a in actions["Add exchange from this site to"].menu().actions()}
    assert set(targets) == {"Cement plant", "Plasterboard plant"}
    targets["Cement plant"].trigger()
    assert linked == [("power", "cement")]
    item = window.scene.exchanges["ash-to-cement"]
    actions = right_click(item.path().pointAtPercent(0.5))
    assert {"Properties", "Delete exchange", "Fit to view"} <= set(actions)
    actions["Properties"].trigger()
    assert window.properties.currentWidget() is window.properties.exchange_panel
    empty = window.scene.itemsBoundingRect().bottomRight() + QPointF(150, 150)
    actions = right_click(empty)
    assert set(actions) >= {"Add site here", "Fit to view"} and "Delete site" not in actions
    actions["Add site here"].trigger()
    assert len(window.doc.scenario.sites) == 4


def test_status_bar_says_when_the_brightway_project_is_missing(qtbot, tmp_path, monkeypatch):
    import bw2data as bd

    from ecolca.app.mainwindow import MainWindow

    monkeypatch.setenv("ECOLCA_RECOVERY_DIR", str(tmp_path / "recovery"))
    w = MainWindow(project="ecolca-never-set-up", ask_setup=False,
                   settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    try:
        qtbot.waitUntil(lambda: "missing" in w.project_label.text(), timeout=5000)
        assert "Set up" in w.project_label.text()
        assert "ecolca-never-set-up" not in bd.projects  # saying so creates nothing
    finally:
        _close(w)


def test_the_canvas_splitter_never_collapses_the_canvas(window, qtbot):
    handle = window.splitter.handle(1)
    start = QPoint(handle.width() // 2, handle.height() // 2)
    _mouse(handle, QEvent.MouseButtonPress, start)
    for dy in (-100, -300, -600, -1000):
        _mouse(handle, QEvent.MouseMove, start + QPoint(0, dy), Qt.NoButton, Qt.LeftButton)
    _mouse(handle, QEvent.MouseButtonRelease, start + QPoint(0, -1000), Qt.LeftButton, Qt.NoButton)
    assert window.view.height() >= window.view.minimumHeight() > 0
    start = QPoint(handle.width() // 2, handle.height() // 2)
    _mouse(handle, QEvent.MouseButtonPress, start)
    _mouse(handle, QEvent.MouseMove, start + QPoint(0, 2000), Qt.NoButton, Qt.LeftButton)
    _mouse(handle, QEvent.MouseButtonRelease, start + QPoint(0, 2000), Qt.LeftButton, Qt.NoButton)
    assert window.results_view.height() > 50


def test_a_new_empty_site_and_a_zero_product_are_warnings_in_the_problems(window, qtbot,
                                                                          example_path):
    """Low: a site with no flows, or a product of amount 0, is a warning (not an error: the
    run is not blocked), and clicking it goes to the site's flows."""
    window.open_path(example_path, as_new=True)
    view = window.view
    view.resetTransform()
    empty = window.scene.itemsBoundingRect().bottomRight() + QPointF(200, 200)
    view.centerOn(empty)
    double_click(qtbot, view, empty)
    site = window.doc.scenario.sites[-1]
    assert not site.flows
    window.scene.select_only(site_id="power")
    panel = window.properties.site_panel
    row = next(i for i, f in enumerate(window.doc.scenario.site("power").flows)
               if f.kind == "product")
    panel.flows.item(row, 2).setText("0")
    window.problems.validate_now(window.doc.scenario)
    tree = window.problems.tree
    texts = {tree.topLevelItem(i).text(0): tree.topLevelItem(i)
             for i in range(tree.topLevelItemCount())}
    assert window.problems.error_count == 0
    assert any("product of amount 0" in item.text(2) for item in texts.values())
    item = texts[f"site '{site.name}'"]
    assert "no flows" in item.text(2)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=rect.center())
    assert window.scene.selected_site_ids() == [site.id]
    assert window.properties.currentWidget() is panel
    assert window.act_run.isEnabled()  # warnings never block a run


def test_the_progress_bar_moves_by_iterations_during_monte_carlo(window, qtbot, bw_project,
                                                                 example_path):
    """Low: the bar stood still through the Monte Carlo part of a run."""
    window.open_path(example_path, as_new=True)
    window.doc.edit("Monte Carlo", lambda sc: setattr(sc, "monte_carlo_iterations", 20))
    values, messages = [], []
    window.progress.valueChanged.connect(values.append)
    window.statusBar().messageChanged.connect(messages.append)
    _run(window, qtbot)
    steps = [m for m in messages if m.startswith("Monte Carlo iteration")]
    assert len(steps) >= 10 and steps[-1].endswith("/20")
    during = sorted({v for v in values if 70 <= v < 100})
    assert len(during) >= 10  # the bar moved with the iterations, not in one jump


def test_the_scenario_panel_sets_the_default_background(window, qtbot, bw_project, example_path):
    """Issue #10: the scenario panel sets the default background database, from the project's
    background databases (never a scenario's foreground), as an undoable edit."""
    from ecolca.lca import foreground_name

    window.open_path(example_path, as_new=True)
    _run(window, qtbot)  # the project now also holds this scenario's foreground database
    combo = window.properties.hint.background
    assert combo.currentText() == "ecolca-open"
    names = combo.databases()
    assert "ecolca-open" in names
    assert foreground_name(window.doc.scenario) not in names
    combo.showPopup()
    combo.hidePopup()
    assert [combo.itemText(i) for i in range(combo.count())] == names
    other = next((n for n in names if n != "ecolca-open"), None)
    if other is None:  # a project with one background: add a second one to choose
        import bw2data as bd

        bd.Database("second-background").write({("second-background", "x"): {
            "name": "x", "unit": "kilogram", "location": "GLO", "type": "process",
            "exchanges": [{"input": ("second-background", "x"), "amount": 1.0,
                           "type": "production"}]}})
        window.catalog.invalidate()
        combo.showPopup()
        combo.hidePopup()
        other = "second-background"
    try:
        combo.setCurrentIndex(combo.findText(other))
        assert window.doc.scenario.background_database == other
        qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
        assert window.doc.scenario.background_database == "ecolca-open"
        assert combo.currentText() == "ecolca-open"
    finally:
        import bw2data as bd

        if "second-background" in bd.databases:
            del bd.databases["second-background"]


def test_a_flows_category_is_edited_in_the_table_undone_and_files_it_in_the_disclosure(
        window, qtbot, example_path):
    """Issue #21: the app could not edit Flow.category, and a new flow stayed 'material', so a
    purchased electricity drawn in the app was filed under purchased material."""
    from types import SimpleNamespace

    from ecolca.park.disclosure import disclose

    def placed(flow_name):
        res = SimpleNamespace(attribution_key="physical", methods=[], metadata={},
                              sites=SimpleNamespace())
        d = disclose(window.doc.scenario, res, "plasterboard")
        return next(f.group for f in d.flows if f.name == flow_name), d.secondary.not_counted

    window.open_path(example_path, as_new=True)
    window.scene.select_only(site_id="plasterboard")
    panel = window.properties.site_panel
    col = panel.FLOW_COLUMNS.index("Category")
    flows = window.doc.scenario.site("plasterboard").flows
    row = next(i for i, f in enumerate(flows) if f.id == "power")
    assert placed("electricity")[0] == "purchased energy"
    box = panel.flows.cellWidget(row, col)
    assert box.currentText() == "energy" and "disclosure" in box.toolTip()
    box.setFocus()
    box.setCurrentText("material")
    assert window.doc.scenario.site("plasterboard").flow("power").category == "material"
    assert "Change category of flow 'electricity' to material" in window.act_undo.text()
    group, not_counted = placed("electricity")
    assert group == "purchased material" and any("electricity" in x for x in not_counted)
    window.doc.undo_stack.undo()
    assert window.doc.scenario.site("plasterboard").flow("power").category == "energy"
    assert panel.flows.cellWidget(row, col).currentText() == "energy"
    assert placed("electricity")[0] == "purchased energy"

    # a new supply drawn in the app: named steam, it becomes energy (issue #20: steam in t was
    # filed as material; undoable with the name)
    panel.add_flow_of("supply")
    new = len(window.doc.scenario.site("plasterboard").flows) - 1
    panel.flows.item(new, 1).setText("steam")
    assert window.doc.scenario.site("plasterboard").flows[new].category == "energy"
    assert "(category → energy)" in window.act_undo.text()
    assert placed("steam")[0] == "purchased energy"
    window.doc.undo_stack.undo()
    f = window.doc.scenario.site("plasterboard").flows[new]
    assert (f.name, f.category) == ("new supply", "material")
    # a name that says nothing, typed in MWh: energy (undoable with the unit)
    panel.flows.item(new, 1).setText("utility")
    assert window.doc.scenario.site("plasterboard").flows[new].category == "material"
    panel.flows.item(new, 3).setText("MWh")
    f = window.doc.scenario.site("plasterboard").flows[new]
    assert (f.unit, f.category) == ("MWh", "energy")
    assert panel.flows.cellWidget(new, col).currentText() == "energy"
    assert "(category → energy)" in window.act_undo.text()
    assert placed("utility")[0] == "purchased energy"
    window.doc.undo_stack.undo()
    f = window.doc.scenario.site("plasterboard").flows[new]
    assert (f.unit, f.category) == ("t", "material")


def test_an_exchange_edit_keeps_its_amount_basis_which_is_editable(window, qtbot, example_path):
    """The exchange form rebuilt the exchange without its amount basis: any edit of an
    "assumed" exchange in the app turned it "sourced", which the report's share of Δ resting on
    assumed amounts then missed. It is kept, and editable (undoable)."""
    window.open_path(example_path, as_new=True)
    window.doc.edit("assume", lambda sc: setattr(sc.exchange("ash-to-cement"), "amount_basis",
                                                 "assumed"))
    window.scene.select_only(exchange_id="ash-to-cement")
    form = window.properties.exchange_panel.form
    assert form.basis.currentData() == "assumed"
    form.amount.setFocus()
    form.amount.selectAll()
    qtbot.keyClicks(form.amount, "100000")
    qtbot.keyClick(form.amount, Qt.Key_Return)
    e = window.doc.scenario.exchange("ash-to-cement")
    assert e.amount == 100_000 and e.amount_basis == "assumed"
    form.basis.setCurrentIndex(form.basis.findData("sourced"))
    assert window.doc.scenario.exchange("ash-to-cement").amount_basis == "sourced"
    assert "Edit amount basis of exchange" in window.act_undo.text()
    window.doc.undo_stack.undo()
    assert window.doc.scenario.exchange("ash-to-cement").amount_basis == "assumed"
    assert form.basis.currentData() == "assumed"
