"""The LCIA method picker: choose the methods a run computes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from ecolca.core.model import DEFAULT_METHODS
from ecolca.app.pickers import SEARCH_DEBOUNCE_MS, ActivityPickerDialog, ActivityTableModel


class MethodPickerDialog(QDialog):
    """Choose LCIA methods in a tree grouped by the levels of the method tuples
    (family → category → indicator).

    Leaves are check boxes; a parent shows whether all, some or none of its leaves are chosen, and
    checking it checks every leaf under it that the filter shows. ``units`` maps a method to its
    unit, shown in a second column.
    """

    def __init__(self, all_methods: list[tuple[str, ...]], chosen: list[tuple[str, ...]],
                 parent: QWidget | None = None, units: dict | None = None):
        super().__init__(parent)
        self.setWindowTitle("Choose impact assessment methods")
        self.all_methods = list(dict.fromkeys(tuple(m) for m in all_methods))
        units = units or {}
        chosen_set = {tuple(m) for m in chosen}

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter methods… (all words)")
        self.filter_edit.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Method", "Unit"])
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.ElideMiddle)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)

        self._leaves: dict[tuple[str, ...], QTreeWidgetItem] = {}
        self._parents: dict[tuple[str, ...], QTreeWidgetItem] = {}
        self._leaf_text: dict[int, str] = {}  # id(leaf) -> lower-case text searched by the filter
        self._updating = False
        for m in self.all_methods:
            parent_item = self.tree.invisibleRootItem()
            for depth in range(1, len(m)):
                node = self._parents.get(m[:depth])
                if node is None:
                    node = QTreeWidgetItem(parent_item, [m[depth - 1]])
                    node.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
                    node.setCheckState(0, Qt.Unchecked)
                    self._parents[m[:depth]] = node
                parent_item = node
            unit = units.get(m, "")
            leaf = QTreeWidgetItem(parent_item, [m[-1], unit])
            leaf.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable
                          | Qt.ItemNeverHasChildren)
            leaf.setCheckState(0, Qt.Checked if m in chosen_set else Qt.Unchecked)
            leaf.setData(0, Qt.UserRole, m)
            leaf.setToolTip(0, " | ".join(m) + (f"\nunit: {unit}" if unit else ""))
            self._leaves[m] = leaf
            self._leaf_text[id(leaf)] = " ".join((*m, unit)).lower()
        self._refresh_parents()
        for m in chosen_set & self._leaves.keys():  # show where the chosen methods sit
            item = self._leaves[m].parent()
            while item is not None:
                item.setExpanded(True)
                item = item.parent()

        self.default_button = QPushButton("Default set")
        self.default_button.setToolTip("Choose exactly ecolca's default methods (those in this project)")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Choose no method")
        for b in (self.default_button, self.clear_button):
            b.setAutoDefault(False)  # Enter accepts the dialog, never resets the choice
        self.count_label = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        bottom = QHBoxLayout()
        bottom.addWidget(self.default_button)
        bottom.addWidget(self.clear_button)
        bottom.addSpacing(12)
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)

        self.tree.itemChanged.connect(self._on_item_changed)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.default_button.clicked.connect(self.set_default)
        self.clear_button.clicked.connect(lambda: self.set_chosen([]))
        self._update_count()
        self.resize(760, 560)
        self.filter_edit.setFocus()

    # -- public
    def chosen(self) -> list[tuple[str, ...]]:
        """The checked methods, in the order of ``all_methods``."""
        return [m for m in self.all_methods if self._leaves[m].checkState(0) == Qt.Checked]

    def set_chosen(self, methods: list[tuple[str, ...]]) -> None:
        """Check exactly ``methods`` (those not offered are ignored)."""
        want = {tuple(m) for m in methods}
        self._updating = True
        try:
            for m, leaf in self._leaves.items():
                leaf.setCheckState(0, Qt.Checked if m in want else Qt.Unchecked)
        finally:
            self._updating = False
        self._refresh_parents()
        self._update_count()

    def set_default(self) -> None:
        """Check exactly :data:`ecolca.core.model.DEFAULT_METHODS` that are offered."""
        self.set_chosen(DEFAULT_METHODS)

    @classmethod
    def pick(cls, parent: QWidget | None, all_methods: list[tuple[str, ...]],
             chosen: list[tuple[str, ...]], units: dict | None = None) -> list[tuple[str, ...]] | None:
        """Show the dialog modally; the chosen methods, or None when cancelled."""
        dlg = cls(all_methods, chosen, parent, units)
        try:
            return dlg.chosen() if dlg.exec() == QDialog.Accepted else None
        finally:
            dlg.deleteLater()

    # -- internals
    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._updating or column != 0:
            return
        if item.childCount():  # a parent: apply its new state to the leaves the filter shows
            shown = [leaf for leaf in self._leaves_under(item) if not leaf.isHidden()]
            state = Qt.Unchecked if item.checkState(0) == Qt.Unchecked else Qt.Checked
            if state == Qt.Checked and all(leaf.checkState(0) == Qt.Checked for leaf in shown):
                state = Qt.Unchecked  # partly checked only through hidden leaves: a click toggles
            self._updating = True
            try:
                for leaf in shown:
                    leaf.setCheckState(0, state)
            finally:
                self._updating = False
        self._refresh_parents()
        self._update_count()

    def _leaves_under(self, item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        out, stack = [], [item]
        while stack:
            it = stack.pop()
            for k in range(it.childCount()):
                child = it.child(k)
                (stack if child.childCount() else out).append(child)
        return out

    def _refresh_parents(self) -> None:
        """Set each parent to checked, partly checked or unchecked from all its leaves."""
        self._updating = True
        try:
            # deepest first, so a parent reads children already refreshed
            for prefix in sorted(self._parents, key=len, reverse=True):
                node = self._parents[prefix]
                states = {node.child(k).checkState(0) for k in range(node.childCount())}
                node.setCheckState(0, states.pop() if len(states) == 1 else Qt.PartiallyChecked)
        finally:
            self._updating = False

    def _apply_filter(self, text: str) -> None:
        words = text.lower().split()
        for leaf in self._leaves.values():
            t = self._leaf_text[id(leaf)]
            leaf.setHidden(not all(w in t for w in words))
        for prefix in sorted(self._parents, key=len, reverse=True):
            node = self._parents[prefix]
            shown = any(not node.child(k).isHidden() for k in range(node.childCount()))
            node.setHidden(not shown)
            if words and shown:
                node.setExpanded(True)

    def _update_count(self) -> None:
        self.count_label.setText(f"{len(self.chosen())} chosen")


__all__ = ["ActivityPickerDialog", "ActivityTableModel", "MethodPickerDialog", "SEARCH_DEBOUNCE_MS"]
