"""Cold start (issue #23, 3): the window opens without loading Brightway, matplotlib or pandas on
the GUI thread; the Brightway project is checked on a worker thread, and set-up is still offered
when the project is missing. Not timed: benchmarks/cold_start.py measures the time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from conftest import PROJECT

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore(r"^This plugin does not support")]

HEAVY = ("bw2data", "bw2calc", "bw2io", "matplotlib", "pandas", "scipy")
ALSO_NOT_AT_START = ("numpy", "openpyxl")  # loaded with the first run or report, not before

CONSTRUCT = r"""
import json, sys
from PySide6.QtWidgets import QApplication

import ecolca.app.main  # noqa: F401  (what `ecolca open` imports)
from ecolca.brightway import bwcompat
from ecolca.core import examples
from ecolca.app.mainwindow import MainWindow

bwcompat.configure()
app = QApplication(sys.argv[:1])
w = MainWindow(ask_setup=False)
w.open_path(examples.path("kalundborg"), as_new=True)
w.show()
app.processEvents()  # the park drawn; the event loop never idled (nothing waited)
print(json.dumps({"sites": len(w.doc.scenario.sites), "items": len(w.scene.items()),
                  "loaded": sorted(m for m in %r if m in sys.modules)}))
""" % (HEAVY + ALSO_NOT_AT_START,)


def _env(tmp_path, bw_dir) -> dict:
    """The child's environment: the session's Brightway folder, settings and autosaves in
    ``tmp_path``, and the ecolca this test imported (whichever source tree it is) first."""
    import ecolca

    src = Path(ecolca.__file__).resolve().parent.parent
    return dict(os.environ, BRIGHTWAY_DIR=str(bw_dir), BRIGHTWAY2_DIR=str(bw_dir),
                ECOLCA_PROJECT=PROJECT, QT_QPA_PLATFORM="offscreen",
                XDG_CONFIG_HOME=str(tmp_path / "config"),
                ECOLCA_RECOVERY_DIR=str(tmp_path / "recovery"),
                PYTHONPATH=str(src) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def test_the_main_window_with_a_file_loads_no_brightway_matplotlib_or_pandas(tmp_path, bw_dir):
    """Issue #23 (3): `ecolca open kalundborg` took 3.16 s to an idle window (a bare PySide6
    window: 0.15 s): the results view imported matplotlib, the report (openpyxl) and NumPy when the
    window was made, and the project check imported bw2data on the GUI thread. Making the window
    and opening a park now imports none of them (a fresh process: nothing loaded before)."""
    cp = subprocess.run([sys.executable, "-c", CONSTRUCT], capture_output=True, text=True,
                        env=_env(tmp_path, bw_dir), timeout=120)
    assert cp.returncode == 0, cp.stderr
    out = json.loads(cp.stdout.strip().splitlines()[-1])
    assert out["sites"] > 0 and out["items"] > 0  # the park is drawn
    assert out["loaded"] == [], f"imported when the window was made: {out['loaded']}"


def test_ecolca_open_loads_brightway_only_on_a_worker_thread(tmp_path, bw_dir, bw_project):
    """The whole `ecolca open` (python -m ecolca open kalundborg), with the cold-start probe
    (ecolca.app.startup_probe, which notes the thread that first imports each package): the
    window is drawn and idle, and in the 2 s after its first paint nothing of Brightway,
    matplotlib, pandas or SciPy is imported on the GUI thread; bw2data, if already imported, was
    imported by the project check's worker thread."""
    probe = tmp_path / "probe.json"
    env = dict(_env(tmp_path, bw_dir), ECOLCA_STARTUP_PROBE=str(probe),
               ECOLCA_STARTUP_PROBE_SECONDS="2")
    cp = subprocess.run([sys.executable, "-m", "ecolca", "open", "kalundborg"], capture_output=True,
                        text=True, env=env, timeout=180)
    assert cp.returncode == 0, cp.stderr
    rec = json.loads(probe.read_text(encoding="utf-8"))
    assert rec["t_painted"] is not None and rec["t_idle"] is not None
    assert rec["t_idle"] >= rec["t_painted"]
    on_gui = {m: v["thread"] for m, v in rec["imports"].items() if m in HEAVY and v["gui_thread"]}
    assert on_gui == {}, f"imported on the GUI thread: {on_gui}"


def test_the_project_check_runs_on_a_worker_and_still_offers_setup(qtbot, tmp_path, monkeypatch,
                                                                    bw_project):
    """The check that the Brightway project is ready imported bw2data on the GUI thread right
    after the window appeared (1.7 s frozen). It runs on a worker thread now; when the project
    is not ready the set-up prompt still appears, on the GUI thread."""
    from ecolca.brightway import project
    from ecolca.app.mainwindow import MainWindow

    threads = []
    real = project.is_ready

    def is_ready(name=None, all_methods=False):
        threads.append(threading.current_thread())
        return False  # as if the project were missing: set-up is offered

    monkeypatch.setattr(project, "is_ready", is_ready)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(
        (threading.current_thread(), a[2])) or QMessageBox.No)
    monkeypatch.setenv("ECOLCA_RECOVERY_DIR", str(tmp_path / "recovery"))
    w = MainWindow(project=PROJECT, settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    w.show()
    try:
        qtbot.waitUntil(lambda: bool(asked), timeout=30_000)
        assert threads and all(t is not threading.main_thread() for t in threads), threads
        assert asked[0][0] is threading.main_thread()
        assert "Set it up now?" in asked[0][1]
        assert w.job is None  # answered No: nothing started
        assert real(PROJECT)  # the session's project is ready: only the stub said otherwise
    finally:
        w.doc.undo_stack.setClean()
        w.close()
        w.deleteLater()


def test_a_missing_project_is_said_after_the_check_on_a_worker(qtbot, tmp_path, monkeypatch):
    """The status bar still says when the project is missing (the check answers from a worker
    thread); the window does not wait for it."""
    import bw2data as bd

    from ecolca.app import worker
    from ecolca.app.mainwindow import MainWindow

    started = []
    real = getattr(worker, "project_check_job", None)
    monkeypatch.setattr(worker, "project_check_job",  # (raising=False: fails below, not here,
                        lambda *a, **k: started.append(1) or real(*a, **k),  # on the old code)
                        raising=False)
    monkeypatch.setenv("ECOLCA_RECOVERY_DIR", str(tmp_path / "recovery"))
    w = MainWindow(project="ecolca-never-set-up", ask_setup=False,
                   settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    try:
        assert not started  # not while the window is made: once the event loop is idle
        assert "missing" not in w.project_label.text()
        qtbot.waitUntil(lambda: "missing" in w.project_label.text(), timeout=30_000)
        assert started == [1]
        assert "ecolca-never-set-up" not in bd.projects
    finally:
        w.doc.undo_stack.setClean()
        w.close()
        w.deleteLater()


def test_a_job_ends_its_thread_without_the_gui_event_loop(qtbot):
    """A worker's thread quits when its work is done even if the GUI thread does not turn its
    event loop (the app quitting while the project check runs): the quit was queued to the GUI
    thread, so wait() timed out and Python deleted a running QThread (the process aborted)."""
    import time

    from ecolca.app.worker import Job

    job = Job(lambda progress, cancelled: time.sleep(0.2) or 1)
    job.start()
    t0 = time.monotonic()
    assert job.wait(5000)  # no event processed meanwhile
    assert time.monotonic() - t0 < 4
    assert job.thread.isFinished()
