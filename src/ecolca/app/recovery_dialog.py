"""The crash-recovery dialog: every autosave left by an instance that is no longer running, each
with its scenario, file and time; restore the checked ones, discard them (after a confirmation),
or keep them all for later."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout,
)

from ecolca.app.autosaves import Autosave


class RecoveryDialog(QDialog):
    """Lists ``found``; ``exec()`` is Accepted to restore :meth:`checked`, Rejected to keep
    what is left for the next start. "Discard checked…" calls ``discard`` with the checked
    autosaves once the user confirms, and drops them from the list."""

    def __init__(self, parent, found: list[Autosave], corrupt: list[str],
                 discard: Callable[[list[Autosave]], None], corrupt_dir: str = "corrupt/"):
        super().__init__(parent)
        self.setWindowTitle("Recover unsaved work")
        self._discard_fn = discard
        self.found = list(found)
        lay = QVBoxLayout(self)
        self.intro = QLabel(
            f"ecolca did not close normally. Unsaved work of {len(found)} window(s) was "
            "autosaved. Restore the checked work, each in its own window; nothing is deleted "
            "until you save it or discard it here. Later keeps everything for the next start.")
        self.intro.setWordWrap(True)
        lay.addWidget(self.intro)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Scenario", "File", "Autosaved"])
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeToContents)
        for a in self.found:
            item = QTreeWidgetItem([a.title, str(a.original) if a.original else
                                    "(never saved to a file)",
                                    time.strftime("%Y-%m-%d %H:%M", time.localtime(a.saved))])
            item.setCheckState(0, Qt.Checked)
            item.setToolTip(1, str(a.path))
            item.setData(0, Qt.UserRole, str(a.path))
            self.tree.addTopLevelItem(item)
        self.tree.itemChanged.connect(lambda *_: self._update_buttons())
        lay.addWidget(self.tree)
        self.corrupt_note = QLabel()
        self.corrupt_note.setWordWrap(True)
        self.corrupt_note.setTextInteractionFlags(Qt.TextSelectableByMouse)
        if corrupt:
            self.corrupt_note.setText(f"Could not be read, moved aside to {corrupt_dir}:\n"
                                      + "\n".join(corrupt))
        self.corrupt_note.setVisible(bool(corrupt))
        lay.addWidget(self.corrupt_note)
        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton("Restore checked", QDialogButtonBox.AcceptRole)
        self.discard_button = self.buttons.addButton("Discard checked…",
                                                     QDialogButtonBox.DestructiveRole)
        self.later_button = self.buttons.addButton("Later", QDialogButtonBox.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.discard_button.clicked.connect(self.discard_checked)
        lay.addWidget(self.buttons)
        self.restore_button.setDefault(True)
        self.resize(720, 320)
        self._update_buttons()

    def _items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]

    def set_checked(self, titles: set[str]) -> None:
        """Check exactly the autosaves whose scenario title is in ``titles``."""
        for item in self._items():
            item.setCheckState(0, Qt.Checked if item.text(0) in titles else Qt.Unchecked)

    def checked(self) -> list[Autosave]:
        paths = {item.data(0, Qt.UserRole) for item in self._items()
                 if item.checkState(0) == Qt.Checked}
        return [a for a in self.found if str(a.path) in paths]

    def _update_buttons(self) -> None:
        any_checked = bool(self.checked())
        self.restore_button.setEnabled(any_checked)
        self.discard_button.setEnabled(any_checked)

    def discard_checked(self) -> None:
        chosen = self.checked()
        if not chosen:
            return
        names = "\n".join(a.describe() for a in chosen)
        answer = QMessageBox.question(
            self, "Discard autosaved work?",
            f"Delete {len(chosen)} autosave(s) for good? This cannot be undone.\n\n{names}",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if answer != QMessageBox.Yes:
            return
        self._discard_fn(chosen)
        gone = {str(a.path) for a in chosen}
        for item in self._items():
            if item.data(0, Qt.UserRole) in gone:
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self.found = [a for a in self.found if str(a.path) not in gone]
        if not self.found:
            self.reject()
        self._update_buttons()
