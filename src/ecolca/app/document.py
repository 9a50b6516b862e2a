"""The open scenario, its file, and undoable edits.

Every edit goes through :meth:`Document.edit`: a function mutates the scenario, and a
``QUndoCommand`` keeps what undo and redo need. An edit that says which one site or exchange it
changes (``touched``, e.g. a number typed into a panel) keeps that item only, pickled before and
after (:class:`_ItemCommand`: a few hundred bytes, where a pickle of a 1,000-site scenario took
0.15 s of the GUI thread on an idle machine, 0.7 s under load, after every edit); undo and redo put
the item back in its place. Any other edit keeps snapshots of the whole scenario before and after
(:class:`_EditCommand`), so undo and redo restore whole states (exact whatever the edit did). Both
are exact: the undo stack is linear, so an item command is undone on the very state its edit
made. Consecutive edits with the same ``merge_key`` (dragging a site, typing in one field) merge
into one undo step.

Whole snapshots are pickled bytes (a deep copy of a 100-site park took 0.15–0.4 s, a pickle a
third of that), and the snapshot after an edit is taken when the user pauses (``SNAPSHOT_MS``),
not before the results and the canvas are redrawn; undo, redo, the next edit and
:meth:`Document.flush` take it at once when it is still due. ``state`` names the content: an
edit gives a new one, undo and redo give back the one of the state they restore.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import stat
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ecolca.core import scenario_file
from ecolca.core.atomic import atomic_write_bytes
from ecolca.core.model import Scenario

_MERGE_IDS: dict[str, int] = {}
_STATES = itertools.count(1)
SNAPSHOT_MS = 200  # the snapshot after an edit waits for a pause this long


def _merge_id(key: str | None) -> int:
    if key is None:
        return -1
    return _MERGE_IDS.setdefault(key, 1000 + len(_MERGE_IDS))


class _EditCommand(QUndoCommand):
    def __init__(self, doc: "Document", text: str, before: bytes | None, before_state: int,
                 after_state: int, merge_key: str | None):
        super().__init__(text)
        self.doc = doc
        self.before = before  # None only when the command merges into the one before it
        self.before_state = before_state
        self.after: bytes | None = None  # taken by Document.flush
        self.after_state = after_state
        self._id = _merge_id(merge_key)
        self._first = True

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if other.id() != self._id or self._id == -1 or not isinstance(other, _EditCommand):
            return False
        self.after, self.after_state = other.after, other.after_state
        if self.doc._pending is other:
            self.doc._pending = self
        return True

    def redo(self) -> None:
        if self._first:  # the edit was applied when it was made
            self._first = False
            return
        self.doc.flush()
        self.doc._restore(self.after, self.after_state)

    def undo(self) -> None:
        self.doc.flush()
        self.doc._restore(self.before, self.before_state)


class _ItemCommand(QUndoCommand):
    """An edit of one site or exchange (``kind``): the item pickled before and after, and its
    id before and after (undo finds the item by the id it has after the edit, redo by the one
    it had before)."""

    def __init__(self, doc: "Document", text: str, kind: str, before_id: str, before: bytes,
                 before_state: int, merge_key: str | None):
        super().__init__(text)
        self.doc = doc
        self.kind = kind
        self.before_id, self.before = before_id, before
        self.after_id: str = before_id
        self.after: bytes = b""  # set by Document.edit once the edit is applied
        self.before_state = before_state
        self.after_state = before_state
        self._id = _merge_id(merge_key)
        self._first = True

    def id(self) -> int:  # noqa: A003 (Qt's name)
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if (other.id() != self._id or self._id == -1 or not isinstance(other, _ItemCommand)
                or other.kind != self.kind or other.before_id != self.after_id):
            return False
        self.after, self.after_id, self.after_state = other.after, other.after_id, other.after_state
        return True

    def redo(self) -> None:
        if self._first:  # the edit was applied when it was made
            self._first = False
            return
        self.doc.flush()
        self.doc._put_item(self.kind, self.before_id, self.after, self.after_state)

    def undo(self) -> None:
        self.doc.flush()
        self.doc._put_item(self.kind, self.after_id, self.before, self.before_state)


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
        self.state = next(_STATES)  # names the content (see the module's docstring)
        # (state before, state after, "site" | "exchange", id) of the last edit, when it said
        # which item it changed (see edit); None otherwise
        self.touched: tuple | None = None
        # the file as it was when read or last written here: {"mtime_ns", "size", "sha256"}
        # (see disk_state); None for work never saved to a file
        self.disk: dict | None = None
        self._snapshot: bytes | None = None  # of the current scenario, when taken
        self._pending: _EditCommand | None = None  # the command whose "after" is still due
        self._snap_timer = QTimer(self)
        self._snap_timer.setSingleShot(True)
        self._snap_timer.setInterval(SNAPSHOT_MS)
        self._snap_timer.timeout.connect(self.flush)
        self._snap_timer.start()

    def _clean_changed(self, _clean: bool) -> None:
        self.fileChanged.emit()

    # ---- editing ---------------------------------------------------------------------------
    def edit(self, text: str, fn: Callable[[Scenario], object], merge_key: str | None = None,
             touched: tuple[str, str] | None = None):
        """Apply ``fn`` to the scenario as one undoable step named ``text``; returns fn's value.

        ``touched``: ("site", id) or ("exchange", id) when ``fn`` changes that item only (its
        fields, or its flows for a site), nothing else. It is kept as :attr:`touched` with the
        states before and after, so that the live results can check and re-evaluate just that
        item (app/window/live.py); any other change (undo, redo, load, an edit without it)
        clears it."""
        if touched is not None and touched[0] in ("site", "exchange") \
                and self._item(touched[0], touched[1]) is not None:
            return self._edit_item(text, fn, merge_key, touched)
        merges = self._merges(merge_key)
        if not merges:  # a merge replaces the pending snapshot: no need to take it
            self.flush()
        before = None if merges else self._snap()
        before_state = self.state
        self.touched = None
        value = fn(self.scenario)
        cmd = _EditCommand(self, text, before, before_state, next(_STATES), merge_key)
        self._snapshot = None
        self.state = cmd.after_state
        if touched is not None:
            self.touched = (before_state, cmd.after_state, touched[0], touched[1])
        self._pending = cmd
        self.undo_stack.push(cmd)  # a merge makes the command before it the pending one
        self._snap_timer.start()
        self._touch()
        return value

    def _edit_item(self, text: str, fn: Callable[[Scenario], object], merge_key: str | None,
                   touched: tuple[str, str]):
        """:meth:`edit` of one site or exchange: only that item is pickled, before and after
        (the whole scenario is pickled only when something asks for :meth:`_snap`)."""
        kind, item_id = touched
        self.flush()  # the whole snapshot still due of an edit before (the state it names)
        items = self.scenario.sites if kind == "site" else self.scenario.exchanges
        item = self._item(kind, item_id)
        pos = next(i for i, x in enumerate(items) if x is item)
        before = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
        before_state = self.state
        self.touched = None
        value = fn(self.scenario)
        cmd = _ItemCommand(self, text, kind, item_id, before, before_state, merge_key)
        items = self.scenario.sites if kind == "site" else self.scenario.exchanges
        after = items[pos]  # in its place (an edit may replace the object, or its id)
        cmd.after_id = after.id
        cmd.after = pickle.dumps(after, pickle.HIGHEST_PROTOCOL)
        cmd.after_state = next(_STATES)
        self._snapshot = None
        self.state = cmd.after_state
        self.touched = (before_state, cmd.after_state, kind, item_id)
        self.undo_stack.push(cmd)
        self._touch()
        return value

    def _item(self, kind: str, item_id: str):
        return self.scenario.site(item_id) if kind == "site" else self.scenario.exchange(item_id)

    def _put_item(self, kind: str, item_id: str, state: bytes, name: int) -> None:
        """Undo or redo of an item command: the item with ``item_id`` replaced, in its place,
        by the one pickled in ``state``; the content is then the state named ``name``."""
        items = self.scenario.sites if kind == "site" else self.scenario.exchanges
        current = self._item(kind, item_id)
        pos = next(i for i, x in enumerate(items) if x is current)
        items[pos] = pickle.loads(state)
        self.touched = None
        self._snapshot = None
        self.state = name
        self._touch()

    def _merges(self, merge_key: str | None) -> bool:
        """Whether QUndoStack.push will merge a command of ``merge_key`` into the one on top
        (Qt's rule: same id, not -1, and the stack not at its clean index)."""
        stack = self.undo_stack
        if merge_key is None or stack.index() == 0 or stack.index() == stack.cleanIndex():
            return False
        top = stack.command(stack.index() - 1)  # a whole-state command merges only into one
        return isinstance(top, _EditCommand) and top.id() == _merge_id(merge_key)

    def _snap(self) -> bytes:
        if self._snapshot is None:
            self._snapshot = pickle.dumps(self.scenario, pickle.HIGHEST_PROTOCOL)
        return self._snapshot

    def flush(self) -> None:
        """Take the snapshot still due (the state after the last edit) now."""
        self._snap_timer.stop()
        pending, self._pending = self._pending, None
        if pending is not None:  # nothing else needs the whole snapshot now (_snap: on demand)
            pending.after = self._snap()

    def _restore(self, state: bytes, name: int) -> None:
        self.touched = None
        self.scenario = pickle.loads(state)
        self._snapshot = state
        self.state = name
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
        data = scenario_file.dumps(self.scenario).encode("utf-8")  # before anything is written
        atomic_write_bytes(target, data)
        self.disk = fingerprint(target, data)
        self.path = target
        self.undo_stack.setClean()
        self.fileChanged.emit()
        return target

    @classmethod
    def open(cls, path: Path, parent=None) -> "Document":
        """Load a scenario file; raises :class:`ecolca.core.errors.ScenarioError` (nothing changes)."""
        raw = scenario_file.read_bytes(path)
        doc = cls(scenario_file.load_bytes(raw, path), Path(path), parent)
        doc.disk = fingerprint(path, raw)
        return doc

    def disk_state(self) -> str:
        """Whether the file is still as it was read or last written here: "same", "changed"
        (its content differs: another program rewrote it), "missing" (deleted or moved), or
        "unknown" (no file, or nothing recorded)."""
        if self.path is None or not self.disk:
            return "unknown"
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                return "changed"  # a folder or a pipe now: never opened (it could block)
            digest = _sha256_of(self.path)
        except FileNotFoundError:
            return "missing"
        except OSError:
            return "changed"  # there, but unreadable: not the file written here
        return "same" if digest == self.disk.get("sha256") else "changed"


def fingerprint(path: Path, data: bytes) -> dict:
    """What :meth:`Document.disk_state` compares: the file's mtime and size, and the hash of
    its bytes ``data``."""
    try:
        st = os.stat(path)
        mtime_ns, size = st.st_mtime_ns, st.st_size
    except OSError:
        mtime_ns, size = None, None
    return {"mtime_ns": mtime_ns, "size": size, "sha256": hashlib.sha256(data).hexdigest()}


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
