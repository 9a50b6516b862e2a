"""The columns of a site's flows table in the Properties panel's width (issue #20.6: at
1366×768 it scrolled sideways and hid Kind): short headers, whole in their tooltips; a
slightly smaller font; the columns whose text wraps give up width before the table scrolls;
and a panel too narrow for them at a comfortable width grows, up to :data:`PANEL_SHARE` of the
window (it does not shrink back by itself: drag its edge)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QDockWidget, QTableWidget

# (header shown, its tooltip) of the columns whose full name is long
HEADERS = {4: ("Activity / fate", "Background activity (supply), fate (residue) or elementary "
               "flow (emission); double-click to choose"),
           5: ("Price", "Price per unit, in the scenario's currency"),
           6: ("Uncer-\ntainty", "Uncertainty of the amount; double-click to choose"),
           7: ("Trans-\nport", "Transport legs of a supply or residue; double-click to "
               "choose"),
           9: ("Basis", "How the amount is known: sourced, estimated or assumed (and whether a "
               "source is named)")}
# the least width of a column whose text wraps, before the table scrolls sideways
WRAP_MIN = {1: 54, 4: 54, 6: 42, 7: 42, 9: 44}
ROW_LINES = 2  # a row grows to this many lines of wrapped text
LEAST = 36
# the width a wrapping column is comfortable at (the panel grows for it when it can)
WRAP_COMFORT = {1: 90, 4: 100, 6: 60, 7: 60, 9: 64}
PANEL_SHARE = 0.47  # the Properties panel grows for the flows up to this share of the window  # a column of numbers or units never gets narrower than this (plus its content)

def compact_combo(choices: list[str], table: QTableWidget) -> QComboBox:
    """A kind or category box for a cell of ``table``, in the table's font."""
    box = QComboBox()
    box.addItems(choices)
    box.setFont(table.font())  # a combo box's own font is the style's, not its parent's
    return box


class FlowColumns(QObject):
    """Fits ``table``'s columns to its width: each as wide as its content within
    ``widths`` (first, widest) per column; the ``combos`` columns as wide as their boxes; when
    that is wider than the table, the columns of :data:`WRAP_MIN` give up width down to it
    (their text wraps, rows grow); spare width goes to the name and the activity. Refits when
    the table's width changes."""

    def __init__(self, table: QTableWidget, widths, combos):
        super().__init__(table)
        self.table, self.widths, self.combos = table, widths, combos
        font = table.font()
        if font.pointSizeF() > 8.5:  # a dense table of numbers: one point below the rest
            font.setPointSizeF(font.pointSizeF() - 1)
            table.setFont(font)
            table.horizontalHeader().setFont(font)
        for c, (text, tip) in HEADERS.items():
            head = table.horizontalHeaderItem(c)
            head.setText(text)
            head.setToolTip(tip)
        table.horizontalHeader().setDefaultAlignment(Qt.AlignCenter | Qt.TextWordWrap)
        table.horizontalHeader().setMinimumHeight(2 * table.fontMetrics().lineSpacing() + 8)
        table.setWordWrap(True)
        table.setTextElideMode(Qt.ElideRight)
        self._fitting = False
        table.viewport().installEventFilter(self)

    def fit(self) -> None:
        t = self.table
        want: dict[int, int] = {}
        for c, (_first, high) in enumerate(self.widths):
            if c in self.combos:
                box = t.cellWidget(0, c) if t.rowCount() else None
                want[c] = max(box.sizeHint().width() if box is not None else 0,
                              t.horizontalHeader().sectionSizeHint(c), LEAST)
                continue
            t.resizeColumnToContents(c)
            want[c] = min(max(t.columnWidth(c), LEAST), high)
        comfort = sum(min(want[c], WRAP_COMFORT.get(c, want[c])) for c in want)
        self._grow_panel(comfort - t.viewport().width())
        over = sum(want.values()) - t.viewport().width()
        if over > 0:
            give = {c: max(want[c] - least, 0) for c, least in WRAP_MIN.items()}
            room = sum(give.values())
            for c, g in give.items():
                want[c] -= min(g, -(-over * g // room)) if room else 0
        elif over < 0:  # spare width: to the name and the activity
            want[1] += -over // 2
            want[4] += -over - -over // 2
        self._fitting = True
        try:
            for c, w in want.items():
                t.setColumnWidth(c, w)
            self.fit_rows()
        finally:
            self._fitting = False

    def _grow_panel(self, extra: int) -> None:
        """Widen the dock the table is in by ``extra`` pixels, within :data:`PANEL_SHARE` of
        the window (after this event: the table is fitted again when its width changes)."""
        dock = self.table.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        if extra <= 0 or dock is None or dock.isFloating() or not dock.isVisible():
            return
        win = dock.parentWidget()
        width = min(dock.width() + extra, int(win.width() * PANEL_SHARE))
        if width > dock.width() and hasattr(win, "resizeDocks"):
            QTimer.singleShot(0, self, lambda: win.resizeDocks([dock], [width], Qt.Horizontal))

    def fit_rows(self) -> None:
        """Each row as high as its wrapped text, at most :data:`ROW_LINES` lines (the rest
        elided, whole in the cell's tooltip)."""
        t = self.table
        t.resizeRowsToContents()
        most = ROW_LINES * t.fontMetrics().lineSpacing() + 8
        for r in range(t.rowCount()):
            if t.rowHeight(r) > most:
                t.setRowHeight(r, most)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if (event.type() == QEvent.Resize and not self._fitting
                and event.oldSize().width() != event.size().width()):
            self.fit()
        return False
