"""The activity picker: choose a background activity from a project's catalogue (the LCIA
method picker is in :mod:`ecolca.app.method_picker`).

Both dialogs are views over plain rows from :mod:`ecolca.brightway.catalog`; they hold no Brightway state,
so they can be built and tested with synthetic rows.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QDialog,
                               QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QTableView, QVBoxLayout, QWidget)

from ecolca.brightway import catalog
from ecolca.core import units
from ecolca.brightway.catalog import ActivityRow
from ecolca.core.model import ActivityRef

NOT_TREATMENT = "not a treatment: "  # marks a non-treatment among a residue's possible fates
SEARCH_DEBOUNCE_MS = 80  # one filter pass per burst of keystrokes, still feels immediate

_COLUMNS = ("Name", "Reference product", "Location", "Unit", "Database")
_FIELDS = ("name", "product", "location", "unit", "database")
# elementary flows: the compartment ("air", "water") and sub-compartment ("urban air close to
# ground") in columns of their own, where activities show product and location
_BIO_COLUMNS = ("Name", "Compartment", "Sub-compartment", "Unit", "Database")
_BIO_TYPES = {"emission", "natural resource", "economic", "inventory indicator", "social"}


def _compartment(row: ActivityRow) -> str:
    return row.location.split("::", 1)[0]


def _subcompartment(row: ActivityRow) -> str:
    parts = row.location.split("::", 1)
    return parts[1].replace("::", ", ") if len(parts) > 1 else ""


_GETTERS = tuple((lambda r, f=f: getattr(r, f)) for f in _FIELDS)
_BIO_GETTERS = (_GETTERS[0], _compartment, _subcompartment, _GETTERS[3], _GETTERS[4])


def is_biosphere(rows: list[ActivityRow]) -> bool:
    """True when every row is an elementary flow (the biosphere picker)."""
    return bool(rows) and all(r.type in _BIO_TYPES for r in rows)
_NAV_KEYS = (Qt.Key_Up, Qt.Key_Down, Qt.Key_PageUp, Qt.Key_PageDown)


class ActivityTableModel(QAbstractTableModel):
    """All rows, and the indices of the rows shown, in display order.

    Filtering and sorting work on the index list in Python, never per row through Qt: on 20,000
    rows a filter pass is one list comprehension and one model reset.
    """

    def __init__(self, rows: list[ActivityRow], parent: QObject | None = None,
                 biosphere: bool = False, fates: bool = False):
        super().__init__(parent)
        self.rows = rows
        # a residue's fate: treatments first (catalog.is_treatment), anything else marked
        self.other = [not catalog.is_treatment(r) for r in rows] if fates else None
        self.headers = _BIO_COLUMNS if biosphere else _COLUMNS
        self.getters = _BIO_GETTERS if biosphere else _GETTERS
        self.visible: list[int] = list(range(len(rows)))
        self.sort_column = -1
        self.sort_order = Qt.AscendingOrder
        self._ranks: dict[int, list[int]] = {}  # column -> rank of each row; built on first sort

    # -- Qt model interface
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[self.visible[index.row()]]
        other = self.other is not None and self.other[self.visible[index.row()]]
        if role == Qt.DisplayRole:
            text = self.getters[index.column()](row)
            return f"{NOT_TREATMENT}{text}" if other and index.column() == 0 else text
        if role == Qt.ForegroundRole and other:
            return QColor(Qt.gray)
        if role == Qt.ToolTipRole:
            if index.column() == 4:
                return f"{row.database}\ncode: {row.code}"
            return self.getters[index.column()](row) or None  # full text of an elided cell
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        """Sort the shown rows by ``column`` (case-insensitive), keeping the selection."""
        self.sort_column, self.sort_order = column, order
        if column < 0:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_rows = [self.visible[i.row()] for i in old]
        self._sort_visible()
        pos = {r: k for k, r in enumerate(self.visible)}
        self.changePersistentIndexList(old, [self.index(pos[r], i.column()) for r, i in zip(old_rows, old)])
        self.layoutChanged.emit()

    # -- ecolca interface
    def set_visible(self, indices: list[int]) -> None:
        """Show the rows at ``indices`` (into :attr:`rows`), in the current sort order."""
        self.beginResetModel()
        self.visible = indices
        self._sort_visible()
        self.endResetModel()

    def row_at(self, view_row: int) -> int:
        """Index into :attr:`rows` of the row shown at ``view_row``."""
        return self.visible[view_row]

    def view_row_of(self, row_index: int) -> int:
        """Where row ``row_index`` is shown, or -1."""
        try:
            return self.visible.index(row_index)
        except ValueError:
            return -1

    def _sort_visible(self) -> None:
        col, other = self.sort_column, self.other
        if col < 0:
            if other is not None:
                self.visible.sort(key=other.__getitem__)
            return
        rank = self._ranks.get(col)
        if rank is None:  # rank once per column, so each later sort compares ints only
            get = self.getters[col]
            order = sorted(range(len(self.rows)), key=lambda i: get(self.rows[i]).lower())
            rank = [0] * len(self.rows)
            for k, i in enumerate(order):
                rank[i] = k
            self._ranks[col] = rank
        sign = -1 if self.sort_order == Qt.DescendingOrder else 1  # treatments first either way
        self.visible.sort(key=(lambda i: (other[i], sign * rank[i])) if other is not None
                          else (lambda i: sign * rank[i]))


class _ForwardNavigation(QObject):
    """Arrow and page keys typed in the search field move the selection in the table."""

    def __init__(self, target: QWidget, parent: QObject):
        super().__init__(parent)
        self.target = target

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.KeyPress and event.key() in _NAV_KEYS:
            QApplication.sendEvent(self.target, QKeyEvent(event.type(), event.key(), event.modifiers()))
            return True
        return False


def _dimension(unit: str) -> str | None:
    return units.dimension(unit) if units.is_known(unit) else None


class ActivityPickerDialog(QDialog):
    """Choose one activity among ``rows`` by typing words of its name, product, location, unit,
    database or code.

    ``unit_hint``: the unit the activity will be used in; when ecolca knows it, a check box (on by
    default) hides activities whose unit is in another dimension (unknown units stay shown).
    ``current``: the activity to select when the dialog opens.
    ``search``: text the search starts with (the flow's name), selected, so typing replaces it;
    left out when nothing matches it.
    Elementary flows (every row a biosphere flow) show their compartment and sub-compartment in
    columns of their own. ``fates``: the rows are a residue's possible fates: treatments first,
    anything else marked "not a treatment: " (:func:`ecolca.brightway.catalog.is_treatment`).
    """

    def __init__(self, rows: list[ActivityRow], parent: QWidget | None = None, *,
                 title: str = "Choose a background activity", unit_hint: str | None = None,
                 current: ActivityRef | None = None, search: str | None = None,
                 fates: bool = False):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.rows = rows
        self._texts = [r.text for r in rows]
        self._allowed: list[bool] | None = None  # per row: unit convertible from unit_hint

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search name, product, location, unit, database… (all words)")
        self.search_edit.setClearButtonEnabled(True)

        self.biosphere = is_biosphere(rows)
        self.model = ActivityTableModel(rows, self, biosphere=self.biosphere, fates=fates)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)  # the tooltip of a cell shows its full text
        vh = self.table.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.Fixed)  # never measure 20,000 rows
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.Interactive)
        hh.setStretchLastSection(True)
        hh.setHighlightSections(False)
        hh.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.AscendingOrder)

        self.unit_check: QCheckBox | None = None
        if unit_hint and units.is_known(unit_hint):
            hint_dim = units.dimension(unit_hint)
            dims = {u: _dimension(u) for u in {r.unit for r in rows}}
            self._allowed = [dims[r.unit] in (None, hint_dim) for r in rows]
            self.unit_check = QCheckBox(f"Only units convertible from {unit_hint}")
            self.unit_check.setToolTip(
                f"Hide activities whose unit is not a {hint_dim} unit. Activities with units "
                "ecolca does not know stay shown.")
            self.unit_check.setChecked(True)
            self.unit_check.toggled.connect(lambda _checked: self._apply_filter())

        self.count_label = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        bottom = QHBoxLayout()
        if self.unit_check is not None:
            bottom.addWidget(self.unit_check)
            bottom.addSpacing(12)
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self._apply_filter)
        self.search_edit.textChanged.connect(lambda _text: self._timer.start())
        self.search_edit.installEventFilter(_ForwardNavigation(self.table, self))
        self.table.doubleClicked.connect(self.accept)
        # OK may still be disabled while the debounce waits: accept() filters first
        self.search_edit.returnPressed.connect(self.accept)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        hh.sortIndicatorChanged.connect(lambda *_: self._scroll_to_selection())

        self._selected_index = -1  # index into rows of the chosen row, kept across filter passes
        self._auto_selected = False  # the selection is the filter's first row, not the user's choice
        self._filtering = False
        if current is not None:
            self._selected_index = next(
                (i for i, r in enumerate(rows) if (r.database, r.code) == current.key), -1)
            if (self._selected_index >= 0 and self._allowed is not None
                    and not self._allowed[self._selected_index]):
                self.unit_check.setChecked(False)  # never hide what the user picked before
        suggestion = self._suggest(search or "")
        if suggestion:
            self.search_edit.blockSignals(True)
            self.search_edit.setText(suggestion)
            self.search_edit.blockSignals(False)
        self._apply_filter()
        self.search_edit.selectAll()  # typing replaces the suggestion
        self._user_sized_columns = False
        self._sizing_columns = False
        hh.sectionResized.connect(self._on_section_resized)
        self.table.viewport().installEventFilter(self)
        self.resize(1000, 600)
        self.search_edit.setFocus()

    # -- public
    def selected_row(self) -> ActivityRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[self.model.row_at(rows[0].row())] if rows else None

    def selected_ref(self) -> ActivityRef | None:
        row = self.selected_row()
        return ActivityRef(row.database, row.code) if row is not None else None

    @classmethod
    def pick(cls, parent: QWidget | None, rows: list[ActivityRow], **kw) -> ActivityRef | None:
        """Show the dialog modally; the chosen activity, or None when cancelled."""
        dlg = cls(rows, parent, **kw)
        try:
            return dlg.selected_ref() if dlg.exec() == QDialog.Accepted else None
        finally:
            dlg.deleteLater()

    def accept(self) -> None:
        if self._timer.isActive():  # Enter typed right after the last key: filter first
            self._timer.stop()
            self._apply_filter()
        if self.selected_row() is not None:
            super().accept()

    # -- internals
    def _suggest(self, name: str) -> str:
        """The flow's name when some row matches all of it, else its most telling word that
        matches ("natural gypsum" → "gypsum"), else nothing."""
        name = " ".join(name.split())
        if not name or not self.rows:
            return ""
        if catalog.search(self.rows, name, self._texts):
            return name
        # the word that narrows the list most (and still matches), the later one on a tie:
        # English names end on the noun ("natural gypsum", "hard coal")
        best, best_n = "", 0
        for w in (w.strip("(),;:") for w in name.split()):
            n = len(catalog.search(self.rows, w, self._texts)) if len(w) >= 4 else 0
            if n and (not best or n <= best_n):
                best, best_n = w, n
        return best

    def _apply_filter(self) -> None:
        self._timer.stop()
        self._filtering = True
        try:
            self._filter()
        finally:
            self._filtering = False
        self._update_ok()

    def _filter(self) -> None:
        sel = self.table.selectionModel().selectedRows()
        if sel and not self._auto_selected:
            self._selected_index = self.model.row_at(sel[0].row())
        self._auto_selected = False
        indices = catalog.search(self.rows, self.search_edit.text(), self._texts)
        if self._allowed is not None and self.unit_check.isChecked():
            allowed = self._allowed
            indices = [i for i in indices if allowed[i]]
        self.model.set_visible(indices)
        view_row = self.model.view_row_of(self._selected_index) if self._selected_index >= 0 else -1
        if view_row < 0 and self.model.rowCount() and self.search_edit.text().strip():
            view_row = 0  # typing narrows to a row that Enter then accepts
            self._auto_selected = True
        if view_row >= 0:
            self.table.selectRow(view_row)
            self._scroll_to_selection()
        self.count_label.setText(f"{len(indices):,} of {len(self.rows):,}")

    def _on_selection_changed(self, *_) -> None:
        if not self._filtering:
            self._auto_selected = False  # the user chose a row: keep it while the filter changes
        self._update_ok()

    def _scroll_to_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.table.scrollTo(rows[0], QAbstractItemView.PositionAtCenter)

    def _update_ok(self, *_) -> None:
        self.ok_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.table.viewport() and event.type() == QEvent.Resize and not self._user_sized_columns:
            self._size_columns()
        return super().eventFilter(obj, event)

    def _size_columns(self) -> None:
        # name and product carry the meaning; location ("Europe without Switzerland"), unit and
        # database are shorter; the database column takes what is left, so no horizontal scroll
        total = self.table.viewport().width()
        self._sizing_columns = True
        try:
            for col, share in enumerate((0.36, 0.22, 0.17, 0.11)):
                self.table.setColumnWidth(col, max(60, int(total * share)))
        finally:
            self._sizing_columns = False

    def _on_section_resized(self, section: int, *_) -> None:
        # the last section stretches with the view by itself; only the others are the user's
        if not self._sizing_columns and self.isVisible() and section != len(_COLUMNS) - 1:
            self._user_sized_columns = True  # the user dragged a column edge: keep their widths
