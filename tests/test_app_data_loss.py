"""Issue #19 (5, 6): the desktop app never loses work. Crash recovery offers every autosave of an
instance that is no longer running, deletes one only once its work is saved or the user
discards it, sets a corrupt one aside without costing the others, and leaves a running
instance's alone; Save asks before overwriting a file another program changed.

The recovery dialog is driven through its real buttons (``RecoveryDialog.exec`` replaced by a
function that clicks them); ``QMessageBox.question`` answers Yes, which is also what the old
single-question recovery asked, so each test fails on the old code for what it checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from conftest import PROJECT, crash_autosave, open_main_window

from ecolca.core import scenario_file

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore(r"^This plugin does not support")]


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch):
    w = open_main_window(qtbot, tmp_path, monkeypatch)
    yield w
    _close(w)


def _close(w) -> None:
    for other in getattr(w, "recovered_windows", []):
        if other is not w:
            _close(other)
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def _new_window(window):
    from ecolca.app.mainwindow import MainWindow

    return MainWindow(project=PROJECT, settings=window.settings, ask_setup=False)


def _autosave(window, title: str, file=None):
    """Unsaved work titled ``title`` (saved to ``file`` first, when given) autosaved by a window
    of its own (a new recovery id), as a crashed instance left it."""
    window.recovery_id = f"w{time.monotonic_ns()}"
    window.new_file()
    window.add_site(5, 5)
    window.doc.edit("name", lambda sc: setattr(sc, "name", title))
    if file is not None:
        assert window._save_to(file)
        window.doc.edit("more", lambda sc: setattr(sc.sites[0], "name", f"{title} refinery"))
    path = window.autosave()
    assert path is not None and path.exists()
    window.doc.undo_stack.setClean()
    window.recovery_id = "the-test-window"
    return path


def _answer(monkeypatch, button="restore", titles=None, shown=None):
    """Drive the recovery dialog: check ``titles`` (all when None), then click ``button``
    ("restore", "later", or "discard" then "later"); its rows go to ``shown``."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    try:
        from ecolca.app.recovery_dialog import RecoveryDialog
    except ImportError:  # the old code: one question, answered Yes above
        return

    def exec_(dlg):
        if shown is not None:
            shown.append([tuple(dlg.tree.topLevelItem(i).text(c) for c in range(3))
                          for i in range(dlg.tree.topLevelItemCount())])
            shown.append(dlg.corrupt_note.text())
        if titles is not None:
            dlg.set_checked(set(titles))
        if button == "discard":
            dlg.discard_button.click()
            if dlg.found:  # what is left: kept for later
                dlg.later_button.click()
        else:
            {"restore": dlg.restore_button, "later": dlg.later_button}[button].click()
        return dlg.result()

    monkeypatch.setattr(RecoveryDialog, "exec", exec_)


def _recovery_files(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "recovery").glob("*.ecolca.json"))


# ---- 5. crash recovery ---------------------------------------------------------------------------
def test_recovery_offers_every_crashed_window_and_deletes_none_before_it_is_saved(
        window, qtbot, tmp_path, monkeypatch):
    """Two windows crashed: both are offered, with title, file and time, and restored each in a
    window; the old code offered the newest alone and deleted both."""
    harbour = crash_autosave(_autosave(window, "Harbour park", tmp_path / "harbour.ecolca.json"))
    inland = crash_autosave(_autosave(window, "Inland park"))
    other = _new_window(window)
    shown = []
    _answer(monkeypatch, shown=shown)
    try:
        assert other.offer_recovery()
        assert harbour.exists() and inland.exists()  # nothing saved yet: both kept
        rows = shown[0]
        assert [r[0] for r in rows] == ["Inland park", "Harbour park"]  # newest first
        assert rows[0][1] == "(never saved to a file)"
        assert rows[1][1] == str(tmp_path / "harbour.ecolca.json")
        assert all(time.strptime(r[2], "%Y-%m-%d %H:%M") for r in rows)
        windows = other.recovered_windows
        assert len(windows) == 2 and windows[0] is other and windows[1] is not other
        assert {w.doc.scenario.name for w in windows} == {"Harbour park", "Inland park"}
        assert all(w.doc.modified for w in windows)
        assert harbour.exists() and inland.exists()  # nothing saved yet: both kept
        # a third start while both windows run: nothing to offer, nothing deleted
        third = _new_window(window)
        try:
            assert not third.offer_recovery() and harbour.exists() and inland.exists()
        finally:
            _close(third)
        at_harbour = next(w for w in windows if w.doc.path is not None)
        assert at_harbour.doc.scenario.sites[0].name == "Harbour park refinery"
        assert at_harbour.save()
        assert not harbour.exists() and inland.exists()  # deleted once its work is saved
    finally:
        _close(other)


def test_a_corrupt_autosave_is_set_aside_and_named_and_the_valid_one_is_offered(
        window, qtbot, tmp_path, monkeypatch):
    """The old code restored only the newest autosave: when it was corrupt, it said so and then
    deleted the valid older one too."""
    valid = crash_autosave(_autosave(window, "Valid park"))
    broken = crash_autosave(_autosave(window, "Broken park", tmp_path / "lost.ecolca.json"))
    broken.write_text('{"schema_version": 1, "name": "Broken', encoding="utf-8")
    os.utime(broken, (time.time() + 60, time.time() + 60))  # the newest
    other = _new_window(window)
    shown = []
    _answer(monkeypatch, shown=shown)
    try:
        assert other.offer_recovery()
        assert other.doc.scenario.name == "Valid park" and valid.exists()
        assert not broken.exists()
        moved = tmp_path / "recovery" / "corrupt" / broken.name
        assert moved.exists() and moved.with_suffix(".meta").exists()  # kept aside, not deleted
        assert broken.name in shown[1] and "lost.ecolca.json" in shown[1]
        assert "not valid JSON" in shown[1]
    finally:
        _close(other)


def test_only_corrupt_autosaves_are_reported_by_name(window, qtbot, tmp_path, monkeypatch):
    bad = crash_autosave(_autosave(window, "Broken park"))
    bad.write_bytes(b"\xff\xfe not text")
    other = _new_window(window)
    _answer(monkeypatch)
    try:
        assert not other.offer_recovery()
        text, details = other._last_error
        assert "could not be read" in text and bad.name in details and "Broken park" in details
        assert (tmp_path / "recovery" / "corrupt" / bad.name).exists()
    finally:
        _close(other)


def test_a_running_instance_autosave_is_never_offered_nor_deleted(window, qtbot, tmp_path,
                                                                   monkeypatch):
    """The old code never checked the pid in the .meta: a second ecolca offered, and deleted,
    the autosave of the one still running. A pid reused by another process is no owner."""
    running = _autosave(window, "Running park")  # this process: alive, and an ecolca
    other = _new_window(window)
    shown = []
    _answer(monkeypatch, shown=shown)
    try:
        assert not other.offer_recovery()
        assert not shown and running.exists()
        assert not other.doc.modified and other.doc.scenario.name != "Running park"
    finally:
        _close(other)
    # the pid now belongs to another process (it started later than the owner did)
    meta = json.loads(running.with_suffix(".meta").read_text())
    earlier = {"started": meta["started"] - 1000}
    if "ticks" in meta:  # Linux: the kernel's start time, in clock ticks since boot
        earlier["ticks"] = meta["ticks"] - 100_000
    crash_autosave(running, pid=os.getpid(), **earlier)
    sleeper = subprocess.Popen(["sleep", "30"])  # an old .meta without a start time: alive,
    try:                                          # but not an ecolca
        old_format = crash_autosave(_autosave(window, "Old format park"), pid=sleeper.pid)
        json_meta = json.loads(old_format.with_suffix(".meta").read_text())
        del json_meta["started"]
        old_format.with_suffix(".meta").write_text(json.dumps(json_meta))
        again = _new_window(window)
        shown.clear()
        _answer(monkeypatch, shown=shown, button="later")
        try:
            again.offer_recovery()
            assert sorted(r[0] for r in shown[0]) == ["Old format park", "Running park"]
        finally:
            _close(again)
    finally:
        sleeper.kill()
        sleeper.wait()


def test_discard_is_explicit_and_later_keeps_everything(window, qtbot, tmp_path, monkeypatch):
    kept = crash_autosave(_autosave(window, "Kept park"))
    dropped = crash_autosave(_autosave(window, "Dropped park"))
    other = _new_window(window)
    _answer(monkeypatch, button="later")
    try:
        assert not other.offer_recovery()
        assert kept.exists() and dropped.exists()  # Later: offered again next time
    finally:
        _close(other)
    other = _new_window(window)
    confirmations = []
    _answer(monkeypatch, button="discard", titles={"Dropped park"})
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text, *a, **k: confirmations.append(text)
                        or QMessageBox.Yes)
    try:
        assert not other.offer_recovery()
        assert "'Dropped park' (never saved to a file)" in confirmations[0]
        assert kept.exists() and not dropped.exists()
        assert not other.doc.modified
    finally:
        _close(other)


# ---- 6. Save and another program's changes -------------------------------------------------------
def _changed_by_another_program(path, name: str) -> None:
    sc = scenario_file.load(path)
    sc.name = name
    scenario_file.save(sc, path)


def _click(text: str, asked: list):
    def exec_(box):
        asked.append((box.text(), [b.text() for b in box.buttons()]))
        button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
        button.click()
        return 0
    return exec_


def test_save_asks_before_overwriting_another_programs_changes(window, qtbot, tmp_path,
                                                               monkeypatch, example_path):
    path = tmp_path / "park.ecolca.json"
    path.write_bytes(example_path.read_bytes())
    assert window.open_path(path)
    window.doc.edit("name", lambda sc: setattr(sc, "name", "Mine"))
    _changed_by_another_program(path, "Theirs")
    asked = []
    # Cancel: nothing written
    monkeypatch.setattr(QMessageBox, "exec", _click("Cancel", asked))
    assert not window.save()
    text, buttons = asked[0]
    assert "park.ecolca.json was changed by another program" in text
    assert {"Overwrite", "Save As…", "Reload", "Cancel"} <= {b.replace("&", "") for b in buttons}
    assert scenario_file.load(path).name == "Theirs" and window.doc.modified
    # Save As…: mine in another file, theirs kept
    mine = tmp_path / "mine.ecolca.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(mine), ""))
    monkeypatch.setattr(QMessageBox, "exec", _click("Save As…", asked))
    assert window.save()
    assert scenario_file.load(mine).name == "Mine" and scenario_file.load(path).name == "Theirs"
    assert window.doc.path == mine and not window.doc.modified
    # Reload: theirs shown, my unsaved change dropped
    assert window.open_path(path)
    window.doc.edit("name", lambda sc: setattr(sc, "name", "Mine again"))
    _changed_by_another_program(path, "Theirs again")
    monkeypatch.setattr(QMessageBox, "exec", _click("Reload", asked))
    assert not window.save()
    assert window.doc.scenario.name == "Theirs again" and not window.doc.modified
    assert scenario_file.load(path).name == "Theirs again"
    # Overwrite: mine replaces theirs
    window.doc.edit("name", lambda sc: setattr(sc, "name", "Mine at last"))
    _changed_by_another_program(path, "Theirs once more")
    n = len(asked)
    monkeypatch.setattr(QMessageBox, "exec", _click("Overwrite", asked))
    assert window.save() and len(asked) == n + 1
    assert scenario_file.load(path).name == "Mine at last"
    # nothing changed on disk since (a touch changes no content): no question
    os.utime(path, (time.time() + 5, time.time() + 5))
    window.doc.edit("name", lambda sc: setattr(sc, "name", "Quiet save"))
    assert window.save() and len(asked) == n + 1


def test_save_recreates_a_deleted_file_and_says_so(window, qtbot, tmp_path, example_path):
    path = tmp_path / "park.ecolca.json"
    path.write_bytes(example_path.read_bytes())
    assert window.open_path(path)
    window.doc.edit("name", lambda sc: setattr(sc, "name", "Still mine"))
    path.unlink()
    assert window.save()
    assert scenario_file.load(path).name == "Still mine"
    message = window.statusBar().currentMessage()
    assert "park.ecolca.json had been deleted or moved" in message and "saved it again" in message


def test_a_restored_autosave_still_knows_the_file_it_was_read_from(window, qtbot, tmp_path,
                                                                    monkeypatch):
    """A crash between another program's change and Save must not lose it either: the autosave
    keeps the file's fingerprint, and Save of the restored work asks."""
    path = tmp_path / "harbour.ecolca.json"
    auto = crash_autosave(_autosave(window, "Harbour park", path))
    _changed_by_another_program(path, "Theirs")
    other = _new_window(window)
    _answer(monkeypatch)
    asked = []
    try:
        assert other.offer_recovery()
        monkeypatch.setattr(QMessageBox, "exec", _click("Cancel", asked))
        assert not other.save()
        assert asked and scenario_file.load(path).name == "Theirs" and auto.exists()
    finally:
        _close(other)


_INSTANCE = """
import os, sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(["ecolca"])
from ecolca.app.mainwindow import MainWindow
w = MainWindow(project="ecolca-tests", ask_setup=False,
               settings=QSettings(sys.argv[2], QSettings.IniFormat))
w.add_site(0, 0)
w.doc.edit("name", lambda sc: setattr(sc, "name", sys.argv[1]))
print(w.autosave(), flush=True)
if sys.argv[3] == "crash":
    os.kill(os.getpid(), 9)
time.sleep(120)
"""


def test_real_instances_a_crashed_one_is_offered_a_running_one_is_not(window, qtbot, tmp_path,
                                                                      monkeypatch):
    """Two real ecolca processes: one killed (SIGKILL, as a crash), one still running. Only the
    killed one's work is offered; the running one's autosave is left alone until it ends."""
    import ecolca

    env = dict(os.environ, ECOLCA_RECOVERY_DIR=str(tmp_path / "recovery"),
               QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(Path(ecolca.__file__).resolve().parents[1]))
    ini = str(tmp_path / "child.ini")
    crashed = subprocess.run([sys.executable, "-c", _INSTANCE, "Crashed park", ini, "crash"],
                             env=env, capture_output=True, text=True, timeout=120)
    assert crashed.returncode == -9, crashed.stderr
    crashed_file = crashed.stdout.strip()
    running = subprocess.Popen([sys.executable, "-c", _INSTANCE, "Running park", ini, "stay"],
                               env=env, stdout=subprocess.PIPE, text=True)
    try:
        running_file = running.stdout.readline().strip()
        assert running_file.endswith(".ecolca.json")
        shown = []
        _answer(monkeypatch, shown=shown, button="later")
        window.offer_recovery()
        assert os.path.exists(running_file) and os.path.exists(crashed_file)
        assert [r[0] for r in shown[0]] == ["Crashed park"]
    finally:
        running.kill()
        running.wait()
    shown.clear()
    window.offer_recovery()  # now it has ended too
    assert sorted(r[0] for r in shown[0]) == ["Crashed park", "Running park"]


def test_who_owns_an_autosave():
    """The owner check itself: this process runs; an ended pid, or the same pid with another
    start, does not; on Linux a change of the system clock (psutil's start time moves with it)
    does not make a running instance look ended; another computer's instance counts as running
    while its .meta is recent."""
    from ecolca.app import autosaves

    me = autosaves.identity()
    assert autosaves.owner_running(me)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    assert not autosaves.owner_running(dict(me, pid=ended.pid))
    assert not autosaves.owner_running(dict(me, pid=0)) and not autosaves.owner_running({})
    if "ticks" in me:
        assert not autosaves.owner_running(dict(me, ticks=me["ticks"] - 1))
        assert autosaves.owner_running(dict(me, started=me["started"] + 3600))  # clock stepped
    else:
        assert not autosaves.owner_running(dict(me, started=me["started"] - 3600))
    remote = dict(me, host=me["host"] + "-elsewhere")
    assert autosaves.owner_running(dict(remote, alive=time.time() - 60))
    assert not autosaves.owner_running(dict(remote, alive=time.time() - 3600))
