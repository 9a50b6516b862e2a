"""Scenario files of the main window: new, open, save, recent files, autosave and crash
recovery."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecolca import scenario_file
from ecolca.errors import ScenarioError

from ecolca.app.document import Document


FILE_FILTER = "ecolca scenarios (*.ecolca.json);;JSON files (*.json);;All files (*)"
AUTOSAVE_MS = 60_000
MAX_RECENT = 8


def recovery_dir() -> Path:
    """Where autosaves go: ``$ECOLCA_RECOVERY_DIR``, or a folder of the platform's app-data
    folder for the Brightway folder in use (``$BRIGHTWAY2_DIR``, set by ecolca on import): work
    done against one set of Brightway projects is never offered to a session of another."""
    env = os.environ.get("ECOLCA_RECOVERY_DIR")
    if env:
        base = Path(env)
    else:
        app_data = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)
                        or Path.home() / ".ecolca")
        base = app_data / "recovery" / _brightway_folder_key()
    base.mkdir(parents=True, exist_ok=True)
    return base


def _brightway_folder_key() -> str:
    """A short, stable name for the Brightway folder in use ("default" when none is set)."""
    import hashlib

    folder = os.environ.get("BRIGHTWAY2_DIR") or os.environ.get("BRIGHTWAY_DIR")
    if not folder:
        return "default"
    resolved = str(Path(folder).expanduser().resolve())
    return f"{Path(resolved).name or 'bw'}-{hashlib.sha256(resolved.encode()).hexdigest()[:10]}"


def _describe_autosave(path: Path) -> str:
    """What an autosave holds, for the recovery prompt: "'Harbour park' (harbour.ecolca.json)",
    or the scenario's name alone for work never saved to a file."""
    name, original = None, None
    try:
        name = json.loads(path.read_text(encoding="utf-8")).get("name")
    except (OSError, ValueError, AttributeError):
        pass
    try:
        original = json.loads(path.with_suffix(".meta").read_text()).get("original")
    except (OSError, ValueError, AttributeError):
        pass
    text = f"'{name}'" if name else "the unsaved work"
    if original:
        text += f" ({original})"
    else:
        text += " (never saved to a file)"
    return text


def _remove_recovery(path: Path) -> None:
    """Delete an autosave and its metadata file (either may be missing)."""
    for p in (path, path.with_suffix(".meta")):
        try:
            p.unlink()
        except OSError:
            pass


class WindowFiles:
    """New, open, save, recent files, autosave and recovery of :class:`~ecolca.app.mainwindow.MainWindow` (a mixin of the window)."""

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
        or too-new file shows a message and leaves the current work as it was."""
        if check_unsaved and not self.maybe_save():
            return False
        try:
            doc = Document.open(Path(path), parent=self)
        except ScenarioError as exc:
            self.error(f"Cannot open {Path(path).name}", "\n".join(str(p) for p in exc.problems))
            return False
        if as_new:
            doc.path = None
        self._drop_recovery()
        self._attach(doc)
        if not as_new:
            self.settings.setValue("last_open_dir", str(Path(path).parent))
            self._add_recent(Path(path))
        self.statusBar().showMessage(f"Opened {Path(path).name}", 4000)
        return True

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
        try:
            self.doc.save(path)
        except (OSError, ValueError) as exc:
            self.error(f"Cannot save {path.name}", str(exc))
            return False
        self._add_recent(path)
        self._drop_recovery()
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

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

    # ---- autosave and recovery -------------------------------------------------------------------
    def _recovery_path(self) -> Path:
        return recovery_dir() / f"{self.recovery_id}{scenario_file.SUFFIX}"

    def autosave(self) -> Path | None:
        """Write the work in progress to the recovery folder (atomic); nothing when clean."""
        if not self.doc.modified:
            return None
        p = self._recovery_path()
        try:
            scenario_file.save(self.doc.scenario, p)
            meta = {"original": str(self.doc.path) if self.doc.path else None, "saved": time.time(),
                    "pid": os.getpid()}
            scenario_file.atomic_write_bytes(p.with_suffix(".meta"), json.dumps(meta).encode())
        except (OSError, ValueError):
            return None
        return p

    def _drop_recovery(self) -> None:
        _remove_recovery(self._recovery_path())

    def offer_recovery(self) -> bool:
        """After a crash, offer to restore the newest autosave; True if one was restored."""
        files = sorted(recovery_dir().glob(f"*{scenario_file.SUFFIX}"), key=lambda p: p.stat().st_mtime,
                       reverse=True)
        files = [f for f in files if f != self._recovery_path()]
        if not files:
            return False
        newest = files[0]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(newest.stat().st_mtime))
        answer = QMessageBox.question(
            self, "Recover unsaved work?",
            f"ecolca did not close normally. Restore {_describe_autosave(newest)}, autosaved "
            f"at {when}?", QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        restored = False
        if answer == QMessageBox.Yes:
            try:
                doc = Document.open(newest, parent=self)
            except ScenarioError as exc:
                self.error("The autosaved file cannot be read", str(exc))
            else:
                meta = {}
                try:
                    meta = json.loads(newest.with_suffix(".meta").read_text())
                except (OSError, ValueError):
                    pass
                doc.path = Path(meta["original"]) if meta.get("original") else None
                # mark as modified: the restored work is not saved anywhere yet
                doc.edit("Restore autosaved work", lambda sc: None)
                self._attach(doc)
                restored = True
        for f in files:
            _remove_recovery(f)
        return restored

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.job is not None:
            self.job.cancel()
            self.job.wait(10000)
        if getattr(self, "_scores_job", None) is not None:
            self._scores_job.wait(10000)
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
