"""A results tab's table and chart sharing the tab's height, table first (issue #20.6: at
1366×768 the Summary showed 4–5 of 10 methods and the Exchanges tab one row): the table gets
the height its rows need, the chart what is left; a chart that would be squeezed below a
readable height is hidden, with a "Chart" button to show it (the user's choice then stays)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Qt
from PySide6.QtWidgets import QSplitter, QToolButton, QWidget

CHART_MIN = 170  # a bar chart lower than this squeezes its labels


class TableFirst(QSplitter):
    """``table`` and ``chart`` in a vertical splitter (``chart_above``: the chart on top).
    The table gets the height of its first ``rows`` rows (``None``: all), header and frame
    included; the chart the rest, or is hidden when the rest is below ``chart_min``.
    ``wrap_if_room``: long names wrap (rows grow) when every row still fits, else each row is
    one line, its name elided (whole in the tooltip).
    ``toggle`` is a checkable "Chart" button for the tab to place: clicking it shows or hides
    the chart whatever the room; dragging the handle keeps the sizes the user chose."""

    def __init__(self, table, chart: QWidget, chart_above: bool = False,
                 rows: int | None = None, wrap_if_room: bool = False):
        super().__init__(Qt.Vertical)
        self.table, self.chart, self.rows = table, chart, rows
        self.wrap_if_room = wrap_if_room
        self._refit_due = False
        if wrap_if_room:  # the table's own resize (shown at last) wraps its rows: decide again
            table.installEventFilter(self)
        # called with whether the rows wrap (True first, to measure the whole names); returns
        # whether it changed a text
        self.rows_fitted = None
        self.chart_above = chart_above
        self.chart_min = CHART_MIN
        for w in ([chart, table] if chart_above else [table, chart]):
            self.addWidget(w)
        self.setChildrenCollapsible(False)
        self.toggle = QToolButton()
        self.toggle.setText("Chart")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setToolTip("Show or hide the chart: hidden, the table has the whole height "
                               "(a small window hides it when the table's rows would not fit)")
        self.toggle.clicked.connect(self._clicked)
        self._user: bool | None = None  # shown (True) or hidden (False) by the user; None: by room
        self._dragged = False
        self.splitterMoved.connect(self._moved)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.table and event.type() == QEvent.Resize and not self._refit_due:
            self._refit_due = True
            QTimer.singleShot(0, self, self._deferred_refit)
        return False

    def _deferred_refit(self) -> None:
        self._refit_due = False
        self.refit()

    def _moved(self, *_args) -> None:
        self._dragged = True

    def _clicked(self, checked: bool) -> None:
        self._user = bool(checked)
        self._dragged = False
        self.refit()

    def table_need(self) -> int:
        """The table's height with its first ``rows`` rows (all when ``rows`` is None) whole:
        header, rows, frame and, when the columns are wider than the table, its scroll bar."""
        t = self.table
        n = t.model().rowCount()
        k = n if self.rows is None else min(n, self.rows)
        header = t.horizontalHeader()
        h = max(header.height() if header.isVisible() else 0, header.sizeHint().height())
        rows = sum(t.rowHeight(i) for i in range(k)) or t.verticalHeader().defaultSectionSize()
        cols = sum(t.columnWidth(j) for j in range(t.model().columnCount()))
        bar = t.horizontalScrollBar().sizeHint().height() if cols > t.viewport().width() else 0
        return h + rows + 2 * t.frameWidth() + bar + 2

    def refit(self) -> None:
        """Share the height: the table's rows first (see the class)."""
        total = self.height()
        if total <= 0:
            return
        if self.wrap_if_room:
            self._wrap_rows(total)
        need = self.table_need()
        rest = total - need - self.handleWidth()
        show = self._user if self._user is not None else rest >= self.chart_min
        self.toggle.setChecked(bool(show))
        self.chart.setVisible(bool(show))
        if not show or self._dragged:
            return
        chart = max(rest, self.chart_min)  # shown by the user in too little room: table scrolls
        table = max(total - chart - self.handleWidth(), 40)
        self.setSizes([chart, table] if self.chart_above else [table, chart])

    def _wrap_rows(self, total: int) -> None:
        t = self.table
        t.grow_rows = True
        t._measured = None  # the table's rows are measured again (a few: the Summary's methods)
        if self.rows_fitted is not None and self.rows_fitted(True):
            t.fit_columns()  # the whole names back: measured again (then spread)
        else:
            t._spread()  # names wider than their column wrap, their rows grow
        if self.table_need() > total and t.wordWrap():  # no room: one line a row
            t.grow_rows = False
            t.setWordWrap(False)
            d = t.verticalHeader().defaultSectionSize()
            for i in range(t.model().rowCount()):
                t.setRowHeight(i, d)
            if self.rows_fitted is not None:
                self.rows_fitted(False)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.refit()
