"""The Suggestions panel of the desktop app (issue #12), driven through its real widgets
(pytest-qt, offscreen): the finder runs on a worker thread, Accept adds exactly the exchange
`ecolca suggest` proposes as one undo step, and Ctrl+Z removes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import open_main_window

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore(r"^This plugin does not support")]


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch):
    w = open_main_window(qtbot, tmp_path, monkeypatch, size=(1366, 698))
    yield w
    if w.job is not None:
        w.job.cancel()
        w.job.wait(10000)
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()
    QApplication.processEvents()


def _without_exchanges(name, tmp_path, project):
    """The example with its exchanges removed, saved; its unit scores in the cache."""
    from ecolca.core import examples, scenario_file
    from ecolca.lca import compare

    sc = examples.load(name)
    compare(sc, project=project)  # fills the unit-score cache, as one `ecolca run` would
    sc.exchanges = []
    path = tmp_path / f"{name}.ecolca.json"
    scenario_file.save(sc, path)
    return path, sc


def _click_row(qtbot, tree, row: int) -> None:
    item = tree.topLevelItem(row)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=rect.center())


def test_suggest_accept_and_undo_in_the_app(window, qtbot, bw_project, tmp_path):
    from ecolca.park.suggest import _exchange_dict, suggest

    path, sc = _without_exchanges("gypsum-ash", tmp_path, bw_project)
    window.open_path(path)
    assert window.doc.scenario.exchanges == []
    # View ▸ Suggest exchanges… opens the panel and starts the finder on the worker thread
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.act_suggest in view_menu.actions()
    with qtbot.waitSignal(window.runFinished, timeout=120_000):
        window.act_suggest.trigger()
        assert window.job is not None  # not on the GUI thread
    panel = window.suggestions
    qtbot.waitUntil(lambda: panel.result is not None, timeout=10_000)
    assert window.suggestions_dock.isVisible()
    # the same candidates, in the same order, as `ecolca suggest` (CLI and app share the core)
    cli = suggest(sc, top=10, project=bw_project)
    assert [c.id for c in panel.result.candidates] == [c.id for c in cli.candidates]
    tree = panel.tree
    assert tree.topLevelItemCount() == len(cli.candidates) == 2
    top = cli.candidates[0]
    first = tree.topLevelItem(0)
    # names, not ids; the ranked method's Δ, the break-even distance and the money, each shown
    text = first.text(1)
    assert "fly ash → Cement plant" in text and "Coal power station" in text
    assert "power" not in text.replace("power station", "")  # no site id
    assert first.text(2) == f"{top.delta[0]:,.0f}"
    assert first.text(3).endswith(" km") and first.text(4).endswith("EUR")
    assert "fly-ash-clinker" in first.toolTip(1) and "EN 197-1" in first.toolTip(1)
    assert "great-circle" in first.toolTip(1) or "assumed" in first.toolTip(1)
    # the details name the source, what it assumes and every method's Δ
    _click_row(qtbot, tree, 0)
    details = panel.details.toPlainText()
    assert "EN 197-1" in details and "Assumes" in details
    assert all(m[0] in details for m in window.doc.scenario.methods)
    # Accept (mouse) adds exactly the proposed exchange; the list refreshes on the worker
    assert panel.accept_button.isEnabled()
    expected = _exchange_dict(top.exchange)
    with qtbot.waitSignal(panel.computed, timeout=120_000):
        qtbot.mouseClick(panel.accept_button, Qt.LeftButton)
    exs = window.doc.scenario.exchanges
    assert len(exs) == 1 and _exchange_dict(exs[0]) == expected
    assert window.doc.undo_stack.undoText().startswith("Accept suggestion 'fly ash")
    qtbot.waitUntil(lambda: window.job is None, timeout=10_000)
    # the fly ash is now fully used: the refreshed list no longer offers it
    assert panel.is_current()
    assert [c.residue.id for c in panel.result.candidates] == ["fgd-gypsum"]
    # Ctrl+Z removes it; the list says it is out of date and Accept is off
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.doc.scenario.exchanges == []
    assert not panel.is_current() and not panel.accept_button.isEnabled()
    assert "changed" in panel.status.text()


def test_a_bad_distance_is_named_and_nothing_runs(window, qtbot, bw_project, tmp_path):
    from ecolca.core import examples

    window.open_path(examples.path("gypsum-ash"))
    with qtbot.waitSignal(window.runFinished, timeout=120_000):
        window.act_suggest.trigger()
    panel = window.suggestions
    panel.distance.clear()
    qtbot.keyClicks(panel.distance, "1,5")
    qtbot.mouseClick(panel.suggest_button, Qt.LeftButton)
    assert window.job is None
    assert "Distance without coordinates" in panel.status.text() and "1.5" in panel.status.text()
