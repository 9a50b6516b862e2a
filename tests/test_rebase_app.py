"""File ▸ Rebase onto another background…: the dialog previews what moves and what stays, saves a
new file (never the open one) and the window opens it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from conftest import PROJECT
from test_rebase import STUB, _stub, shipped_text, stub  # noqa: F401 (fixtures)

from ecolca.core import examples, scenario_file


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch, stub):
    monkeypatch.setenv("ECOLCA_RECOVERY_DIR", str(tmp_path / "recovery"))
    from ecolca.app.mainwindow import MainWindow

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.Discard)
    w = MainWindow(project=PROJECT, settings=QSettings(str(tmp_path / "s.ini"),
                                                       QSettings.IniFormat), ask_setup=False)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()


def test_file_menu_has_the_rebase_action(window):
    file_menu = window.menuBar().actions()[0].menu()
    assert any(a.text() == "Re&base onto another background…" for a in file_menu.actions())


def test_dialog_previews_saves_and_opens_the_rebased_scenario(window, qtbot, tmp_path,
                                                              monkeypatch):
    from ecolca.app.rebase_dialog import RebaseDialog, run_rebase_dialog

    src = tmp_path / "g.ecolca.json"
    src.write_bytes(examples.path("gypsum-ash").read_bytes())
    assert window.open_path(src)
    mapping = tmp_path / "map.csv"
    mapping.write_text(shipped_text(), encoding="utf-8")

    dlg = RebaseDialog(window.doc.scenario, PROJECT, src, window)
    qtbot.addWidget(dlg)
    dlg.path_edit.setText(str(mapping))
    dlg.preview()
    assert dlg.save_button.isEnabled()
    texts = [[dlg.table.item(i, j).text() for j in range(dlg.table.columnCount())]
             for i in range(dlg.table.rowCount())]
    assert len(texts) == len(dlg.result.moved) + len(dlg.result.stayed) == 17
    assert sum(r[3] == "stays on ecolca-open" for r in texts) == 5
    assert "3</b> stay where they are" in dlg.summary.text()
    dlg.resize(1100, 560)
    dlg.show()
    qtbot.waitExposed(dlg)
    shot = Path(os.environ.get("ECOLCA_SHOT_DIR", tmp_path)) / "rebase-dialog.png"
    assert dlg.grab().save(str(shot))

    bad = tmp_path / "bad.csv"
    bad.write_text(shipped_text().replace(",proxy,", ",maybe,"), encoding="utf-8")
    dlg.path_edit.setText(str(bad))
    dlg.preview()
    assert not dlg.save_button.isEnabled() and dlg.table.rowCount() == 0
    assert "line 2, field &#x27;match&#x27;" in dlg.summary.text() or \
        "line 2, field 'match'" in dlg.summary.text()
    dlg.close()

    # the whole path through the window: the file dialog answers with a new name
    dest = tmp_path / "g-stub.ecolca.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), ""))
    from ecolca.app import rebase_dialog as rd

    def fake_exec(self):
        self.path_edit.setText(str(mapping))
        self.preview()
        self.save_as()
        return self.result is not None and self.saved is not None and 1 or 0
    monkeypatch.setattr(rd.RebaseDialog, "exec", fake_exec)
    saved = run_rebase_dialog(window)
    assert saved == dest and dest.exists()
    assert window.doc.path == dest and window.doc.scenario.background_database == STUB
    assert src.read_bytes() == examples.path("gypsum-ash").read_bytes()
    assert scenario_file.load(dest).name.endswith(f"(on {STUB})")


def test_dialog_refuses_to_save_over_the_open_file(window, qtbot, tmp_path, monkeypatch):
    from ecolca.app.rebase_dialog import RebaseDialog

    src = tmp_path / "g.ecolca.json"
    src.write_bytes(examples.path("gypsum-ash").read_bytes())
    mapping = tmp_path / "map.csv"
    mapping.write_text(shipped_text(), encoding="utf-8")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(src), ""))
    dlg = RebaseDialog(examples.load("gypsum-ash"), PROJECT, src, window)
    qtbot.addWidget(dlg)
    dlg.path_edit.setText(str(mapping))
    dlg.preview()
    dlg.save_as()
    assert dlg.saved is None and warned and "is the input scenario" in warned[0]
    assert src.read_bytes() == examples.path("gypsum-ash").read_bytes()
