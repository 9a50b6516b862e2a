"""Scenario files of the main window: new, open, save, recent files (autosave and crash
recovery: :mod:`ecolca.app.window.recovery`).

Save never overwrites another program's changes without asking: the document records the file's
mtime, size and hash when it is read or written (:attr:`Document.disk`); when Save finds other
content on disk it asks: overwrite, save as, or reload (dropping the unsaved changes)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecolca.core import scenario_file
from ecolca.core.errors import ScenarioError

from ecolca.app.document import Document


FILE_FILTER = "ecolca scenarios (*.ecolca.json);;JSON files (*.json);;All files (*)"
MAX_RECENT = 8
# a file this large is read, parsed and validated on a worker thread (a 1,000-site park, 2.6 MB:
# about a second); a smaller one at once
WORKER_BYTES = 1_000_000


class WindowFiles:
    """New, open, save and recent files of :class:`~ecolca.app.mainwindow.MainWindow` (a mixin of the window)."""

    def maybe_save(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels."""
        if not self.doc.modified:
            return True
        box = QMessageBox(QMessageBox.Warning, "Unsaved changes",
                          f"Save the changes to '{self.doc.title}'?",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self)
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def import_background(self) -> None:
        from ecolca.app.import_dialog import start_import

        start_import(self)

    def rebase_scenario(self) -> None:
        from ecolca.app.rebase_dialog import run_rebase_dialog

        run_rebase_dialog(self)

    def new_file(self) -> None:
        if self.maybe_save():
            self._drop_recovery()
            self._attach(Document(parent=self))

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", self._dialog_folder(),
                                              FILE_FILTER)
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path, as_new: bool = False, check_unsaved: bool = False) -> bool:
        """Open ``path`` (a bundled example opens as an unsaved copy when ``as_new``). A broken
        or too-new file shows a message and leaves the current work as it was. A file of
        ``WORKER_BYTES`` or more is read on a worker thread: True then says it is opening (the
        document is attached when the worker is done, see ``_job_done``)."""
        if check_unsaved and not self.maybe_save():
            return False
        try:
            big = Path(path).stat().st_size >= WORKER_BYTES
        except OSError:
            big = False
        if big and self.job is None:
            self._open_on_worker(Path(path), as_new)
            return True
        try:
            doc = Document.open(Path(path), parent=self)
        except ScenarioError as exc:
            self.error(f"Cannot open {Path(path).name}", "\n".join(str(p) for p in exc.problems))
            return False
        self._opened(doc, path, as_new)
        return True

    def _open_on_worker(self, path: Path, as_new: bool) -> None:
        """Read, parse and validate a big file on a worker thread; the window takes the
        document when it is ready (the current work stays until then; a broken file leaves it
        as it was)."""
        from ecolca.app.document import fingerprint
        from ecolca.app.worker import Job
        from ecolca.core.validation import validate

        def read(progress, cancelled):
            progress(f"Opening {path.name}", 0.1)
            try:
                raw = scenario_file.read_bytes(path)
                sc = scenario_file.load_bytes(raw, path)
            except ScenarioError as exc:  # shown as a file opened at once shows it
                return None, None, exc.problems
            progress(f"Checking {path.name}", 0.6)
            return sc, fingerprint(path, raw), validate(sc)

        def ready(out) -> None:
            sc, disk, problems = out
            if sc is None:
                self.error(f"Cannot open {path.name}", "\n".join(str(p) for p in problems))
                return
            doc = Document(sc, path, parent=self)
            doc.disk = disk
            self._opened(doc, path, as_new, problems)

        self._start(Job(read), ready, f"Opening {path.name}")

    def _opened(self, doc: Document, path, as_new: bool, problems=None) -> None:
        if as_new:
            doc.path = None
        self._drop_recovery()
        self._attach(doc, problems)
        if not as_new:
            self.settings.setValue("last_open_dir", str(Path(path).parent))
            self._add_recent(Path(path))
        notes = doc.scenario.file_notes  # an old key read under its new name: said once, here
        self.statusBar().showMessage(" ".join([f"Opened {Path(path).name}.", *notes]),
                                     20000 if notes else 4000)

    def save(self) -> bool:
        if self.doc.path is None:
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self) -> bool:
        start = str(self.doc.path or Path(self._dialog_folder())
                    / (self._safe_name() + scenario_file.SUFFIX))
        path, _ = QFileDialog.getSaveFileName(self, "Save scenario", start, FILE_FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += scenario_file.SUFFIX
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        path = Path(path)
        state = self.doc.disk_state() if path == self.doc.path else "unknown"
        if state == "changed":
            choice = self._ask_changed_on_disk(path)
            if choice == "save as":
                return self.save_as()
            if choice == "reload":
                self._reload()
                return False
            if choice != "overwrite":
                return False
        try:
            self.doc.save(path)
        except (OSError, ValueError) as exc:
            self.error(f"Cannot save {path.name}", str(exc))
            return False
        self._add_recent(path)
        self._drop_recovery()
        if state == "missing":
            self.statusBar().showMessage(f"{path.name} had been deleted or moved since it was "
                                         f"opened: saved it again as {path}", 8000)
        else:
            self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def _ask_changed_on_disk(self, path: Path) -> str:
        """Another program changed the open file: "overwrite", "save as", "reload" or
        "cancel"."""
        box = QMessageBox(QMessageBox.Warning, "File changed on disk",
                          f"{path.name} was changed by another program since ecolca read or "
                          "saved it.", QMessageBox.NoButton, self)
        box.setInformativeText(
            f"{path}\n\nOverwrite replaces those changes with yours; Save As… keeps both (yours "
            "in another file); Reload shows the file as it is now and discards your unsaved "
            "changes.")
        save_as = box.addButton("Save As…", QMessageBox.AcceptRole)
        buttons = {box.addButton("Overwrite", QMessageBox.DestructiveRole): "overwrite",
                   save_as: "save as", box.addButton("Reload", QMessageBox.ResetRole): "reload"}
        box.addButton(QMessageBox.Cancel)
        box.setDefaultButton(save_as)  # keeps both versions
        box.exec()
        return buttons.get(box.clickedButton(), "cancel")

    def _reload(self) -> None:
        """Read the open file again, dropping the unsaved changes (the user chose to)."""
        path = self.doc.path
        if path is not None and self.open_path(path):
            self.statusBar().showMessage(f"Reloaded {path.name} from disk: your unsaved changes "
                                         "were discarded", 8000)

    def _safe_name(self) -> str:
        return "".join(c if c.isalnum() or c in "-_ " else "-" for c in self.doc.title).strip() or "park"

    def _add_recent(self, path: Path) -> None:
        recent = [p for p in self._recent() if p != str(path)]
        recent.insert(0, str(path))
        self.settings.setValue("recent_files", json.dumps(recent[:MAX_RECENT]))
        self._refresh_recent()

    def _recent(self) -> list[str]:
        try:
            value = json.loads(self.settings.value("recent_files", "[]") or "[]")
            return [str(p) for p in value] if isinstance(value, list) else []
        except (TypeError, ValueError):
            return []

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = self._recent()
        for p in recent:
            a = self.recent_menu.addAction(Path(p).name)
            a.setToolTip(p)
            a.setStatusTip(p)
            a.triggered.connect(lambda _c=False, p=p: self._guarded(
                lambda: self.open_path(Path(p), check_unsaved=True)))
        self.recent_menu.setEnabled(bool(recent))

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.job is not None:
            self.job.cancel()
            self.job.wait(10000)
        if getattr(self, "_scores_job", None) is not None:
            self._scores_job.wait(10000)
        if getattr(self, "_live_job", None) is not None:
            self._live_job.wait(10000)
        self._wait_for_project_jobs()
        if self.maybe_save():
            self._drop_recovery()
            self.save_window()
            event.accept()
        else:
            event.ignore()


    def _dialog_folder(self) -> str:
        """Where file dialogs start: beside the current file, else the last folder used."""
        if self.doc.path is not None:
            return str(self.doc.path.parent)
        return str(self.settings.value("last_open_dir", str(Path.home())))
