"""The results tables: a :class:`QAbstractTableModel` of rows of cells and the view that shows
it (issue #23: a 1,000-site park). A cell holds its raw value and formats its text when the view
asks for it (``data()``), so filling a table of thousands of rows makes no widget items and
formats only what is painted or measured; a live update sets the cells that changed and emits
``dataChanged``; sorting reorders the model's rows (``sort``)."""

from __future__ import annotations

import heapq
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ecolca.app.results_view.cells import Cell, _num_item, _text_item
from ecolca.app.results_view.common import _TOTAL_BG

class LazyRows(list):
    """The rows of a long table, each made when first read (``make(i)``: its cells): a view
    asks only for the rows it shows, and the columns are measured on a few rows picked from
    ``measure(j)`` (a number per row that grows with the width of its text in column ``j``:
    a magnitude, a length; ``None``: the first rows only). Iterating, sorting or a live refill
    makes every row (issue #23: the Exchanges table of a 1,000-site park made 33,000 cells
    at every render)."""

    def __init__(self, n: int, make, measure=None):
        super().__init__([None] * n)
        self._make = make
        self.measure = measure or (lambda _j: None)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        row = list.__getitem__(self, i)
        if row is None:
            row = self._make(i if i >= 0 else len(self) + i)
            list.__setitem__(self, i, row)
        return row

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def made(self) -> int:
        """How many rows were made so far."""
        return sum(1 for r in list.__iter__(self) if r is not None)


class RowsModel(QAbstractTableModel):
    """Rows of :class:`Cell` (``None``: an empty cell) under a header of labels."""

    def __init__(self, headers: Sequence[str], parent=None):
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[list[Cell | None]] = []
        self.header_tips: dict[int, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def cell(self, i: int, j: int) -> Cell | None:
        row = self.rows[i] if 0 <= i < len(self.rows) else None
        return row[j] if row is not None and 0 <= j < len(row) else None

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole) -> Any:
        c = self.cell(index.row(), index.column())
        if c is None:
            return None
        if role == Qt.DisplayRole:
            return c.text()
        if role == Qt.ToolTipRole:
            return c.toolTip()
        if role == Qt.UserRole:
            return c.key
        if role == Qt.TextAlignmentRole:
            return c.align
        if role == Qt.ForegroundRole:
            return c.fg
        if role == Qt.FontRole:
            return self._bold if c.bold else None
        if role == Qt.BackgroundRole:
            return c.bg
        return None

    def headerData(self, section: int, orientation,  # noqa: N802
                   role: int = Qt.DisplayRole) -> Any:
        if orientation == Qt.Horizontal and 0 <= section < len(self.headers):
            if role == Qt.DisplayRole:
                return self.headers[section]
            if role == Qt.ToolTipRole:
                return self.header_tips.get(section)
        return super().headerData(section, orientation, role)

    def flags(self, index: QModelIndex):
        return Qt.ItemIsSelectable | Qt.ItemIsEnabled if index.isValid() else Qt.NoItemFlags

    def set_headers(self, headers: Sequence[str]) -> None:
        headers = list(headers)
        if headers != self.headers:
            if len(headers) != len(self.headers):
                self.beginResetModel()
                self.headers = headers
                self.endResetModel()
            else:
                self.headers = headers
                self.headerDataChanged.emit(Qt.Horizontal, 0, len(headers) - 1)

    def set_rows(self, rows: list[list[Cell | None]]) -> None:
        """New rows: one model reset (the view makes what it shows, when it shows it)."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def changed(self, top: int = 0, bottom: int | None = None) -> None:
        """Cells of rows ``top``..``bottom`` were set in place: the view repaints them."""
        if self.rows:
            bottom = len(self.rows) - 1 if bottom is None else bottom
            self.dataChanged.emit(self.index(top, 0), self.index(bottom, self.columnCount() - 1))

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        """By the raw values (Qt.UserRole) where both are numbers, else by text; column -1
        keeps the order the rows were given in."""
        if column < 0 or column >= self.columnCount():
            return
        def key(row):
            c = row[column] if column < len(row) else None
            if c is None:
                return (1, "")
            return (0, c.key, "") if isinstance(c.key, (int, float)) else (1, c.text())
        self.layoutAboutToBeChanged.emit()
        nums = [r for r in self.rows if key(r)[0] == 0]
        rest = [r for r in self.rows if key(r)[0] != 0]
        rev = order == Qt.DescendingOrder
        nums.sort(key=key, reverse=rev)
        rest.sort(key=key, reverse=rev)
        self.rows = nums + rest if not rev else rest + nums
        self.layoutChanged.emit()


class _Header:
    """A column's header label and tooltip, read from and written to the model."""

    def __init__(self, model: RowsModel, j: int):
        self.model, self.j = model, j

    def text(self) -> str:
        return str(self.model.headerData(self.j, Qt.Horizontal))

    def setToolTip(self, tip: str) -> None:  # noqa: N802
        self.model.header_tips[self.j] = tip


class _Table(QTableView):
    """A results table: number columns at their content width (header included), always whole;
    ``capped`` text columns (a unit) at most their cap, elided in the middle (full text in the
    tooltip); the ``stretch`` column (names of methods, sites, exchanges) takes the width the
    others leave: where that is less than its text needs, the text wraps (``grow_rows``: the
    rows grow to show it whole, up to ``GROW_ROWS`` rows) and what still does not fit is elided
    in the middle. A horizontal scroll bar only when the panel is narrower than the stretch
    column's least width plus the others. A column's width is measured on at most
    ``MEASURED_ROWS`` rows: the first, and those whose texts are the longest."""

    MAX_COLUMN = 360  # a number or short text column
    MAX_TEXT_COLUMN = 520  # the stretch column, on one line
    MIN_TEXT_COLUMN = 220  # the stretch column never gets narrower (it wraps instead)
    PAD = 14  # a cell's margins and grid line around its text
    MEASURED_ROWS = 200
    GROW_ROWS = 300  # a longer table elides names instead of growing its rows

    def __init__(self, headers: Sequence[str], stretch: int | None = None,
                 capped: dict[int, int] | None = None, min_stretch: int | None = None,
                 min_column: int = 80, grow_rows: bool = True):
        super().__init__()
        self.setModel(RowsModel(headers, self))
        self.stretch = stretch
        self.capped = dict(capped or {})
        self.min_stretch = self.MIN_TEXT_COLUMN if min_stretch is None else min_stretch
        self.min_column = min_column
        self.grow_rows = grow_rows
        self._content_width = 0
        self.setTextElideMode(Qt.ElideMiddle)
        self.before_read = None  # fills the table (its tab) before it is read, when set

    # ---- the read API of a QTableWidget, through the model ----
    def _read(self) -> RowsModel:
        if self.before_read is not None:
            self.before_read()
        return self.model()

    def rowCount(self) -> int:  # noqa: N802
        return self._read().rowCount()

    def columnCount(self) -> int:  # noqa: N802
        return self.model().columnCount()

    def item(self, i: int, j: int) -> Cell | None:
        return self._read().cell(i, j)

    def horizontalHeaderItem(self, j: int) -> _Header:  # noqa: N802
        return _Header(self._read(), j)

    def setHorizontalHeaderLabels(self, labels: Sequence[str]) -> None:  # noqa: N802
        self.model().set_headers(labels)

    # ---- widths ----
    def _measured_rows(self, j: int) -> list[int]:
        """The rows whose cell in column ``j`` may be the widest: all of a short table; else the
        first rows, and the longest texts (a number's text is longest for the largest and the
        smallest magnitudes: those are found on the raw values, without formatting them)."""
        rows = self.model().rows
        n = len(rows)
        if n <= self.MEASURED_ROWS:
            return list(range(n))
        part = self.MEASURED_ROWS // 4
        if isinstance(rows, LazyRows):  # picked without making the rows
            widths = rows.measure(j)
            picked = set(range(part))
            if widths is not None:  # the largest, and the smallest but 0 (a number's longest)
                some = [i for i in range(n) if widths[i]]
                picked |= set(heapq.nlargest(part, some, key=lambda i: widths[i]))
                picked |= set(heapq.nsmallest(part, some, key=lambda i: widths[i]))
            return sorted(picked)
        cells = [r[j] if j < len(r) else None for r in rows]
        nums = [i for i, c in enumerate(cells) if c is not None and c.fmt is not None
                and isinstance(c.key, float) and c.key != 0.0]
        texts = [i for i, c in enumerate(cells) if c is not None and c.fmt is None]
        picked = set(range(part))
        picked |= set(heapq.nlargest(part, nums, key=lambda i: abs(cells[i].key)))
        picked |= set(heapq.nsmallest(part, nums, key=lambda i: abs(cells[i].key)))
        picked |= set(heapq.nlargest(part, texts, key=lambda i: len(cells[i].text())))
        return sorted(picked)

    def content_width(self, j: int) -> int:
        """What column ``j`` needs to show its header and every cell it alone holds (a cell
        spanning several columns does not widen the first of them)."""
        fm = self.fontMetrics()
        need = self.horizontalHeader().sectionSizeHint(j)
        model = self.model()
        for i in self._measured_rows(j):
            it = model.cell(i, j)
            if it is None or not it.text() or self.columnSpan(i, j) != 1:
                continue
            m = QFontMetrics(model._bold) if it.bold else fm
            if self.wordWrap() and self.rowSpan(i, j) > 1:  # a cell over several rows
                width = max(m.horizontalAdvance(line) for line in it.text().split("\n"))
            else:
                width = m.horizontalAdvance(it.text())
            need = max(need, width + self.PAD)
        return need

    def ideal_width(self) -> int:
        """The width at which nothing is wrapped, elided or scrolled (frame and vertical scroll
        bar included)."""
        cols = sum(self.columnWidth(j) for j in range(self.columnCount()) if j != self.stretch)
        if self.stretch is not None:
            cols += max(self._content_width, self.min_stretch)
        return cols + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()

    def least_width(self) -> int:
        """The least width without a horizontal scroll bar."""
        cols = sum(self.columnWidth(j) for j in range(self.columnCount()) if j != self.stretch)
        if self.stretch is not None:
            cols += min(self._content_width, self.min_stretch)
        return cols + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()

    def fit_columns(self) -> None:
        """Size every column to its content; then give the stretch column what the panel has
        left."""
        for j in range(self.columnCount()):
            need = self.content_width(j)
            if j == self.stretch:
                self._content_width = min(need, self.MAX_TEXT_COLUMN)
                continue
            cap = self.capped.get(j, self.MAX_COLUMN)
            self.setColumnWidth(j, min(max(need, self.min_column), cap))
        self._spread()

    def _spread(self) -> None:
        if self.stretch is None:
            return
        h = self.horizontalHeader()
        others = sum(h.sectionSize(j) for j in range(self.columnCount()) if j != self.stretch)
        room = self.viewport().width() - others
        width = max(min(self._content_width, self.min_stretch), room)
        h.resizeSection(self.stretch, width)
        n = self.model().rowCount()
        if not self.grow_rows or n > self.GROW_ROWS:
            return
        wrap = width < self._content_width
        # the rows measured again only when what sets their heights changed (the width, the
        # wrapping, the rows): a resize of the same table by the same width (a dock or the
        # status bar moving) measured every cell again (120 ms of a live edit at 1,000 sites)
        measured = (width, wrap, n, id(self.model().rows))
        if (wrap != self.wordWrap() or wrap) and measured != getattr(self, "_measured", None):
            self._measured = measured
            self.setWordWrap(wrap)
            self.resizeRowsToContents()
            if not wrap:
                for i in range(n):
                    self.setRowHeight(i, self.verticalHeader().defaultSectionSize())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._spread()


def _make_table(headers: Sequence[str], stretch: int | None = None, **fit: Any) -> _Table:
    """A read-only results table; ``fit``: how its columns share the width (see :class:`_Table`)."""
    t = _Table(headers, stretch, **fit)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)  # one line per row; the full text is in the tooltip
    t.setHorizontalScrollMode(QAbstractItemView.ScrollPerPixel)
    t.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(24)
    h = t.horizontalHeader()
    h.setDefaultAlignment(Qt.AlignCenter | Qt.TextWordWrap)
    h.setSectionResizeMode(QHeaderView.Interactive)
    h.setStretchLastSection(False)
    h.setMinimumHeight(44)  # two-line headers with units
    return t


def _fill(t: _Table, rows: list[list[Cell]], total_rows: set[int] = frozenset()) -> None:
    """Put ``rows`` into ``t``'s model (one reset) and fit its columns; ``total_rows``: bold on
    a light green background."""
    bg = QBrush(_TOTAL_BG)
    for i in total_rows:
        for c in rows[i]:
            if c is not None:
                c.bold, c.bg = True, bg
    sorting = t.isSortingEnabled()
    t.setSortingEnabled(False)
    t.clearSpans()
    t.model().set_rows(rows)
    t.fit_columns()
    t.setSortingEnabled(sorting)  # sorts the new rows by the column the user chose


def _refill(t: _Table, rows: list[list[Cell]]) -> bool:
    """Put ``rows`` in place of ``t``'s (same shape, no sorting): a live update changes texts
    and colours (``dataChanged``), not the model's shape; columns are fitted again only when a
    text has outgrown its column. False (nothing done) when the shape differs."""
    model = t.model()
    if (t.isSortingEnabled() or model.rowCount() != len(rows)
            or any(len(row) != t.columnCount() for row in rows)):
        return False
    fm = t.fontMetrics()
    refit = False
    for i, (old, new) in enumerate(zip(model.rows, rows)):
        for j, (a, b) in enumerate(zip(old, new)):
            if a is None or b is None:
                return False
            if a.text() != b.text():
                refit |= (t.columnSpan(i, j) == 1 and j != t.stretch
                          and fm.horizontalAdvance(b.text()) + 12 > t.columnWidth(j))
            b.bold, b.bg = a.bold, a.bg
    model.rows = rows
    model.changed()
    if refit:
        t.fit_columns()
    return True


def set_cells(t: _Table, cells: list[tuple[int, int, Cell]]) -> None:
    """Replace the cells (row, column, cell) in place: one ``dataChanged`` over their rows;
    the columns are fitted again only when a new text outgrows its column."""
    if not cells:
        return
    model = t.model()
    fm = t.fontMetrics()
    refit = False
    for i, j, c in cells:
        old = model.rows[i][j]
        if old is not None:
            c.bold, c.bg = old.bold, old.bg
        model.rows[i][j] = c
        refit |= fm.horizontalAdvance(c.text()) + 12 > t.columnWidth(j)
        if j == t.stretch:  # the text that sets the rows' heights: measured again
            t._measured = None
    model.changed(min(i for i, _j, _c in cells), max(i for i, _j, _c in cells))
    if refit:
        t.fit_columns()


__all__ = ["Cell", "LazyRows", "RowsModel", "_Table", "_make_table", "_fill", "_refill",
           "set_cells",
           "_text_item", "_num_item"]
