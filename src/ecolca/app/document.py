"""The open scenario, its file, and undoable edits.

Every edit goes through :meth:`Document.edit`: a function mutates the scenario, and a
``QUndoCommand`` keeps copies of the scenario before and after, so undo and redo restore whole
states (simple, and exact whatever the edit did). Consecutive edits with the same ``merge_key``
(dragging a site, typing in one field) merge into one undo step.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ecolca import scenario_file
from ecolca.model import Scenario

_MERGE_IDS: dict[str, int] = {}


def _merge_id(key: str | None) -> int:
    if key is None:
        return -1
    return _MERGE_IDS.setdefault(key, 1000 + len(_MERGE_IDS))


class _EditCommand(QUndoCommand):
    def __init__(self, doc: "Document", text: str, before: Scenario, after: Scenario,
                 merge_key: str | None):
        super().__init__(text)
        self.doc = doc
        self.before = before
        self.after = after
        self._id = _merge_id(merge_key)
        self._first = True

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if other.id() != self._id or self._id == -1:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._first:  # the edit was applied when it was made
            self._first = False
            return
        self.doc._restore(self.after)

    def undo(self) -> None:
        self.doc._restore(self.before)


class Document(QObject):
    """A scenario being edited. ``changed`` fires after every edit, undo, redo or load;
    ``fileChanged`` when the path or the saved state changes."""

    changed = Signal()
    fileChanged = Signal()

    def __init__(self, scenario: Scenario | None = None, path: Path | None = None, parent=None):
        super().__init__(parent)
        self.scenario = scenario or Scenario(name="Untitled park")
        self.path: Path | None = Path(path) if path else None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.revision = 0  # increases with every change; results remember the revision they used

    def _clean_changed(self, _clean: bool) -> None:
        self.fileChanged.emit()

    # ---- editing ---------------------------------------------------------------------------
    def edit(self, text: str, fn: Callable[[Scenario], object], merge_key: str | None = None):
        """Apply ``fn`` to the scenario as one undoable step named ``text``; returns fn's value."""
        before = copy.deepcopy(self.scenario)
        value = fn(self.scenario)
        after = copy.deepcopy(self.scenario)
        self.undo_stack.push(_EditCommand(self, text, before, after, merge_key))
        self._touch()
        return value

    def _restore(self, state: Scenario) -> None:
        self.scenario = copy.deepcopy(state)
        self._touch()

    def _touch(self) -> None:
        self.revision += 1
        self.changed.emit()

    # ---- file state ------------------------------------------------------------------------
    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def title(self) -> str:
        return self.scenario.name or (self.path.name if self.path else "Untitled park")

    def save(self, path: Path | None = None) -> Path:
        """Save atomically to ``path`` (or the current path); marks the document clean."""
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("no file name")
        scenario_file.save(self.scenario, target)
        self.path = target
        self.undo_stack.setClean()
        self.fileChanged.emit()
        return target

    @classmethod
    def open(cls, path: Path, parent=None) -> "Document":
        """Load a scenario file; raises :class:`ecolca.errors.ScenarioError` (nothing changes)."""
        sc = scenario_file.load(path)
        return cls(sc, Path(path), parent)
