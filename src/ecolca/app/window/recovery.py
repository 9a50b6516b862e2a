"""Autosave and crash recovery of the main window (a mixin of
:class:`~ecolca.app.mainwindow.MainWindow`); the files themselves: :mod:`ecolca.app.autosaves`.

Every minute a window with unsaved work writes it to its autosave (``recovery_id``). At start,
:meth:`WindowRecovery.offer_recovery` lists every autosave whose instance is no longer running;
the user restores some (each in a window: the first in this one), discards some, or keeps them
for later. A restored autosave becomes the autosave of the window that shows it: it is deleted
when that work is saved (or dropped with Discard on close, New or Open), not before."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from ecolca.core import scenario_file
from ecolca.app import autosaves
from ecolca.app.autosaves import Autosave, recovery_dir
from ecolca.app.document import Document

AUTOSAVE_MS = 60_000
# windows opened to show restored work, kept alive until they are closed (they have no parent)
_EXTRA_WINDOWS: dict[int, object] = {}


class WindowRecovery:
    """Autosave and crash recovery of :class:`~ecolca.app.mainwindow.MainWindow`."""

    def _recovery_path(self) -> Path:
        return recovery_dir() / f"{self.recovery_id}{scenario_file.SUFFIX}"

    def autosave(self, wait: bool = True) -> Path | None:
        """Write the work in progress to the recovery folder (atomic) on a worker thread
        (:func:`autosaves.write_in_background`: writing a 1,000-site park is a pause of the
        window); nothing when clean but saying this instance is alive (the .meta's time, for a
        recovery folder shared between computers). ``wait``: until it is written (its path, or
        None when it could not be); else None at once, and nothing when the last autosave is
        still being written (the next one writes the work as it is then)."""
        p = self._recovery_path()
        if not self.doc.modified:
            autosaves.claim(p)
            return None
        writer = getattr(self, "_autosaving", None)
        if writer is not None and writer.is_alive():
            if not wait:
                return None
            writer.join()
        # the scenario as pickled bytes (the document's snapshot, usually taken already): the
        # worker reads a copy of its own, never the scenario being edited
        self._autosaving = writer = autosaves.write_in_background(
            p, self.doc._snap(), self.doc.path, self.doc.disk)
        if not wait:
            return None
        writer.join()
        return p if writer.ok else None

    def wait_for_autosave(self) -> None:
        """Until the autosave being written (if any) is on disk."""
        writer = getattr(self, "_autosaving", None)
        if writer is not None:
            writer.join()

    def _drop_recovery(self) -> None:
        self.wait_for_autosave()  # else it would write the file again after it is removed
        autosaves.remove(self._recovery_path())

    def offer_recovery(self) -> bool:
        """After a crash, offer every autosave of an instance that is no longer running; True
        if this window shows restored work (others open in new windows:
        :attr:`recovered_windows` lists every window that shows restored work)."""
        self.recovered_windows = []
        found, corrupt = autosaves.scan(recovery_dir(), exclude={self._recovery_path()})
        if corrupt and not found:
            self.error("An autosave could not be read: it was moved aside to "
                       f"{recovery_dir() / autosaves.CORRUPT}", "\n".join(corrupt))
        if not found:
            return False
        from ecolca.app.recovery_dialog import RecoveryDialog

        dlg = RecoveryDialog(self, found, corrupt,
                             lambda chosen: [autosaves.remove(a.path) for a in chosen],
                             str(recovery_dir() / autosaves.CORRUPT))
        accepted = dlg.exec()
        chosen = dlg.checked() if accepted else []
        dlg.deleteLater()
        for a in chosen:
            here = not self.recovered_windows and not self.doc.modified and self.doc.path is None
            win = self if here else self._new_window(len(self.recovered_windows))
            win.restore_autosave(a)
            self.recovered_windows.append(win)
        if chosen:
            self.statusBar().showMessage(f"Restored {len(chosen)} autosaved scenario(s): save "
                                         "them to keep them", 8000)
        return bool(self.recovered_windows) and self.recovered_windows[0] is self

    def restore_autosave(self, a: Autosave) -> None:
        """Show the work of autosave ``a`` here (marked unsaved), and make ``a`` this window's
        autosave: it is deleted once the work is saved."""
        doc = Document(a.scenario, a.original, parent=self)
        disk = a.meta.get("disk")
        doc.disk = disk if isinstance(disk, dict) else None
        # mark as modified: the restored work is not saved anywhere yet
        doc.edit("Restore autosaved work", lambda sc: None)
        if self._recovery_path() != a.path:
            self._drop_recovery()  # this window's own autosave (it had nothing unsaved)
        self.recovery_id = a.path.name[:-len(scenario_file.SUFFIX)]
        autosaves.claim(a.path)
        self._attach(doc)

    def _new_window(self, offset: int = 0):
        """Another main window on the same project and settings, shown beside this one (of this
        window's own class: window/ never imports mainwindow, which is made of it)."""
        win = type(self)(project=self.project, settings=self.settings, ask_setup=False)
        win.setAttribute(Qt.WA_DeleteOnClose)
        key = id(win)
        _EXTRA_WINDOWS[key] = win
        win.destroyed.connect(lambda *_: _EXTRA_WINDOWS.pop(key, None))
        win.resize(self.size())
        win.move(self.pos() + QPoint(40, 40) * (offset + 1))
        win.show()
        return win
