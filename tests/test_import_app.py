"""The app's File ▸ Import background database…: the dialog's checks, and the import running in
the worker Job with progress, Cancel leaving nothing, and the picker seeing the new database."""

from __future__ import annotations

import zipfile

import pytest

from conftest import PROJECT, ROOT

USLCI = ROOT / "databases" / "uslci" / "uslci-fy17-olca1.5-jsonld.zip"


@pytest.fixture()
def small_zip(tmp_path):
    if not USLCI.is_file():
        pytest.skip(f"shipped US LCI zip absent: {USLCI}")
    src = zipfile.ZipFile(USLCI)
    keep = "processes/c2a7ddaa-164e-3a05-b063-221f68080142.json"
    out = tmp_path / "truck.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            if (n.startswith("processes/") and n != keep) or n.startswith(("sources/", "actors/")):
                continue
            z.writestr(n, src.read(n))
    return out


def test_dialog_checks_name_and_path(qtbot, bw_project, small_zip):
    from ecolca.app.import_dialog import ImportDialog

    dlg = ImportDialog(existing=["ecolca-open", "truck"])
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dlg.path.setText(str(small_zip))
    assert dlg.name.text() == "truck"  # from the file name
    assert not ok.isEnabled() and "exists" in dlg.note.text()
    dlg.replace.setChecked(True)
    assert ok.isEnabled()
    dlg.show()
    dlg.grab().save("/tmp/ecolca-import-dialog.png")


def _run(qtbot, job):
    got = {}
    job.succeeded.connect(lambda r: got.setdefault("ok", r))
    job.cancelled.connect(lambda: got.setdefault("cancelled", True))
    job.failed.connect(lambda m, d: got.setdefault("failed", m))
    progress = []
    job.progress.connect(lambda m, f: progress.append((m, f)))
    with qtbot.waitSignal(job.done, timeout=120_000):
        job.start()
    job.wait()
    return got, progress


def test_import_job_progress_and_picker(qtbot, bw_project, small_zip):
    import bw2data as bd

    from ecolca.brightway import catalog
    from ecolca.app.import_dialog import import_job

    values = {"fmt": "olca-jsonld", "path": str(small_zip), "name": "t-app", "replace": True,
              "allow_unlinked": True}
    got, progress = _run(qtbot, import_job(values, PROJECT))
    assert "ok" in got, got
    assert progress and progress[-1][1] == 1.0
    assert "t-app" in bd.databases
    rows = catalog.load_activities()
    assert {"t-app", "ecolca-open"} <= {r.database for r in rows}  # every background is searched


def test_import_job_cancel_leaves_nothing(qtbot, bw_project, small_zip):
    import bw2data as bd

    from ecolca.app.import_dialog import import_job

    before = sorted(bd.databases)
    values = {"fmt": "olca-jsonld", "path": str(small_zip), "name": "t-app-cancel",
              "replace": False, "allow_unlinked": True}
    job = import_job(values, PROJECT)
    job.progress.connect(lambda m, f: job.cancel())
    got, _ = _run(qtbot, job)
    assert got.get("cancelled"), got
    assert sorted(bd.databases) == before


def test_refusal_speaks_of_the_check_box_not_cli_flags():
    """Issue #18: a refused import told a GUI user to pass --allow-unlinked."""
    from ecolca.app.import_dialog import gui_message

    cli = ("x.zip: not imported: 9 of 10 biosphere exchanges (90%, limit 5%) link to no flow of "
           "biosphere3 (most often 'A' (air)). List them with --unlinked FILE; import anyway with "
           "--allow-unlinked (unlinked exchanges are left out and score 0).")
    out = gui_message(cli)
    assert "--" not in out
    assert "'Import even with unlinked exchanges'" in out and "9 of 10" in out


def test_failed_job_clears_the_progress_message(qtbot, tmp_path, monkeypatch, bw_project):
    """Issue #18: after a refusal the status bar stayed on 'Building activities'."""
    from conftest import open_main_window

    w = open_main_window(qtbot, tmp_path, monkeypatch)
    w._job_what, w._job_failure = "The import", None
    w._job_progress("Building activities", 0.55)
    w._job_failed("refused", "")
    assert "Building activities" not in w.statusBar().currentMessage()
    assert "failed" in w.statusBar().currentMessage()
