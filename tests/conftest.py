"""Test session set-up: a temporary BRIGHTWAY_DIR (never a user's projects), Qt offscreen, and one
Brightway project built once per session with `ecolca setup`."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_BW_DIR = Path(tempfile.mkdtemp(prefix="ecolca-test-bw-"))

# before anything imports ecolca or bw2data; bw2data 4.8 itself reads BRIGHTWAY2_DIR, which
# ecolca derives from BRIGHTWAY_DIR (bwcompat.configure): set both so a test importing bw2data first
# is safe
os.environ["BRIGHTWAY_DIR"] = str(_BW_DIR)
os.environ["BRIGHTWAY2_DIR"] = str(_BW_DIR)
os.environ.pop("ECOLCA_PROJECT", None)
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("MPLBACKEND", "Agg")

PROJECT = "ecolca-tests"


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_BW_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def bw_dir() -> Path:
    return _BW_DIR


@pytest.fixture(autouse=True)
def _never_the_users_brightway_folder():
    """Every test that has loaded bw2data runs against the session's temporary folder."""
    bd = sys.modules.get("bw2data")
    if bd is not None:
        assert Path(bd.projects._base_data_dir).resolve() == _BW_DIR.resolve(), \
            "tests must never touch the user's Brightway folder"
    yield


@pytest.fixture(scope="session")
def _bw_project_built(bw_dir):
    import bw2data as bd

    from ecolca.importers.setup import setup

    assert Path(bd.projects._base_data_dir).resolve() == bw_dir.resolve(), \
        "tests must never touch the user's Brightway folder"
    setup(PROJECT)
    return PROJECT


@pytest.fixture()
def bw_project(_bw_project_built):
    """The session's Brightway project (biosphere3, default methods, ecolca-open), built once
    per session and made current for each test."""
    import bw2data as bd

    bd.projects.set_current(PROJECT)
    return PROJECT


@pytest.fixture()
def example_path() -> Path:
    from ecolca.core import examples

    return examples.path("gypsum-ash")


@pytest.fixture()
def example():
    from ecolca.core import examples

    return examples.load("gypsum-ash")


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run `python -m ecolca ARGS` in a subprocess with the session's Brightway folder."""
    import subprocess

    e = dict(os.environ)
    e["BRIGHTWAY_DIR"] = str(_BW_DIR)
    e["ECOLCA_PROJECT"] = PROJECT
    e["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + e.get("PYTHONPATH", "")
    if env:
        e.update(env)
    return subprocess.run([sys.executable, "-m", "ecolca", *args], capture_output=True, text=True,
                          cwd=cwd, env=e, timeout=300)


def open_main_window(qtbot, tmp_path, monkeypatch, size=(1280, 800)):
    """The desktop app's main window on the session's project, shown at ``size`` (the offscreen
    "screen" is 800×800: the tests draw on a laptop's window), with its settings and recovery
    files in ``tmp_path``. A modal box nobody answers would hang the suite: questions are
    answered "No" and unsaved-changes prompts "Discard" unless a test says otherwise."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from ecolca.app.mainwindow import MainWindow

    monkeypatch.setenv("ECOLCA_RECOVERY_DIR", str(tmp_path / "recovery"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.Discard)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(project=PROJECT, settings=settings, ask_setup=False)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def crash_autosave(path: Path, **meta) -> Path:
    """Make the autosave ``path`` (and its .meta) look left behind by an ecolca that crashed:
    its owner's pid is a process that has ended (``meta`` overrides more fields)."""
    import json
    import subprocess

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    m = path.with_suffix(".meta")
    data = json.loads(m.read_text(encoding="utf-8"))
    data.update({"pid": ended.pid}, **meta)
    m.write_text(json.dumps(data), encoding="utf-8")
    return path


BARE_PROJECT = "ecolca-tests-bare"


def _bare_copy(name: str) -> None:
    """Make ``name`` a copy of the session's project (what `setup` builds is checked in
    test_setup.py: seconds, where a second setup takes 25-55 s) holding only what `setup` made,
    so that no database another test imported offers its producers; ``name`` is left current."""
    import bw2data as bd

    bd.projects.set_current(PROJECT)
    if name not in bd.projects:
        bd.projects.copy_project(name, switch=False)
    bd.projects.set_current(name)
    for db in [n for n in bd.databases if n not in ("biosphere3", "ecolca-open")]:
        del bd.databases[db]


@pytest.fixture(scope="session")
def _bare_built(_bw_project_built):
    """A copy of the session's project with only what `setup` made (biosphere3, the methods,
    ecolca-open), made once: an openLCA JSON-LD import links inputs to producers in the project's
    other databases, so a test that expects an input to have no producer must not see the
    databases other tests imported into the session's project (US LCI among them)."""
    import bw2data as bd

    _bare_copy(BARE_PROJECT)
    bd.projects.set_current(PROJECT)
    return BARE_PROJECT


@pytest.fixture()
def bare_project(_bare_built):
    """The bare project (:func:`_bare_built`), made current for the test."""
    import bw2data as bd

    bd.projects.set_current(BARE_PROJECT)
    yield BARE_PROJECT
    bd.projects.set_current(PROJECT)


USLCI_ZIP = ROOT / "databases" / "uslci" / "uslci-fy17-olca1.5-jsonld.zip"
USLCI_PROJECT = "ecolca-tests-uslci"


@pytest.fixture(scope="session")
def _uslci_built(_bw_project_built):
    """The shipped US LCI zip imported once per session, with no flag (the default refusal rules
    apply), as database ``uslci-shipped`` of its own project (biosphere3, default methods,
    ecolca-open, copied from the session's): other tests' JSON-LD imports must not find its
    producers. About 20 s for the import on an idle machine."""
    import time

    import bw2data as bd

    from ecolca.importers import import_database

    if not USLCI_ZIP.is_file():
        pytest.skip("databases/uslci zip not present")
    _bare_copy(USLCI_PROJECT)
    t0 = time.perf_counter()
    summary = import_database("olca-jsonld", USLCI_ZIP, "uslci-shipped", project=USLCI_PROJECT,
                              replace=True)
    seconds = time.perf_counter() - t0
    bd.projects.set_current(PROJECT)
    return "uslci-shipped", summary, seconds


@pytest.fixture()
def uslci_project(_uslci_built):
    """``(database name, import summary, import seconds)``; the US LCI project is current."""
    import bw2data as bd

    bd.projects.set_current(USLCI_PROJECT)
    return _uslci_built
