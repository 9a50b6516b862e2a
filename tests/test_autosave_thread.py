"""The autosave is written on a worker thread (a 1,000-site park's write was a pause of the
window: issue #23 target 2), atomically, and nothing is lost or written again after the work is
saved or the window closes."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from conftest import open_main_window

from ecolca.app import autosaves
from ecolca.core import scenario_file


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch):
    w = open_main_window(qtbot, tmp_path, monkeypatch)
    yield w
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def _record_threads(monkeypatch) -> list[int]:
    threads: list[int] = []
    real = autosaves.write

    def write(*args, **kw):
        threads.append(threading.get_ident())
        return real(*args, **kw)

    monkeypatch.setattr(autosaves, "write", write)
    return threads


def test_the_timers_autosave_is_written_off_the_gui_thread(window, monkeypatch):
    threads = _record_threads(monkeypatch)
    window.add_site(0, 0)
    window.doc.edit("name", lambda sc: setattr(sc, "name", "Harbour park"))
    assert window.autosave(wait=False) is None  # the timer's call: it does not wait
    window.wait_for_autosave()
    assert threads and threads[0] != threading.get_ident()
    path = window._recovery_path()
    assert scenario_file.load(path).name == "Harbour park"
    assert autosaves.read_meta(path)["title"] == "Harbour park"


def test_an_autosave_that_waits_is_also_written_off_the_gui_thread(window, monkeypatch):
    threads = _record_threads(monkeypatch)
    window.add_site(0, 0)
    path = window.autosave()
    assert path is not None and path.exists()
    assert threads == [threads[0]] and threads[0] != threading.get_ident()


def test_the_worker_writes_the_scenario_as_it_was_when_asked(window, monkeypatch):
    """The worker writes a copy: an edit made while it writes is not half in the file."""
    started, go = threading.Event(), threading.Event()
    real = autosaves.write

    def slow_write(path, scenario, original, disk):
        started.set()
        go.wait(10)
        return real(path, scenario, original, disk)

    monkeypatch.setattr(autosaves, "write", slow_write)
    window.add_site(0, 0)
    window.doc.edit("name", lambda sc: setattr(sc, "name", "Before"))
    window.autosave(wait=False)
    assert started.wait(10)
    window.doc.edit("name", lambda sc: setattr(sc, "name", "After"))  # while it writes
    go.set()
    window.wait_for_autosave()
    assert scenario_file.load(window._recovery_path()).name == "Before"


def test_saving_the_work_while_an_autosave_is_written_leaves_no_autosave(window, monkeypatch,
                                                                          tmp_path):
    started, go = threading.Event(), threading.Event()
    real = autosaves.write

    def slow_write(*args):
        started.set()
        go.wait(10)
        return real(*args)

    monkeypatch.setattr(autosaves, "write", slow_write)
    window.add_site(0, 0)
    window.autosave(wait=False)
    assert started.wait(10)
    threading.Timer(0.3, go.set).start()  # the write ends after the save began
    assert window._save_to(tmp_path / "park.ecolca.json")
    assert not window._recovery_path().exists()
    assert not autosaves.meta_path(window._recovery_path()).exists()
