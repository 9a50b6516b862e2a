"""What the results tabs share: number formats, colours, table items and tables."""

from __future__ import annotations

import functools
import math
import textwrap
from typing import Any, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem)

from ecolca.lca.results import method_label


STALE_TEXT = ("Results are out of date: the scenario changed after this run. "
              "Run the comparison again.")
EMPTY_TEXT = "No results yet: press Run comparison (F5)"
KEYS_NOTE = ("Per-site figures under different attribution keys must never be summed: each key "
             "splits the same system Δ differently. The system-level Δ (Summary) is the "
             "ISO-consistent result; a split between partners is a labelled view.")

TOP_EXCHANGES = 25  # the exchange chart shows this many bars by |Δ_e|, the rest as "others"

# Okabe-Ito: distinct for the common colour-vision deficiencies
PARTS = (("avoided_fate", "Avoided fate"), ("avoided_supply", "Avoided supply"),
         ("transport", "Transport"), ("processing", "Processing"))
PART_COLORS = {"avoided_fate": "#0072B2", "avoided_supply": "#009E73",
               "transport": "#E69F00", "processing": "#CC79A7"}
_LINEAR_COLOR = "#999999"
_SYMBIOTIC_COLOR = "#009E73"
_WORSE_COLOR = "#D55E00"
_SAVING_TEXT = QColor("#1a7f37")  # table text: negative Δ (saving)
_BURDEN_TEXT = QColor("#b42318")  # table text: positive Δ (extra impact)
_TOTAL_BG = QColor("#E2EFDA")

_CHART_TABS = ("Summary", "Exchanges", "Sites", "Sensitivity", "Uncertainty")
_MINUS = "-"  # ASCII, so copied numbers paste into spreadsheets as numbers


# ---- number formatting --------------------------------------------------------------------
def format_number(v: float | None, *, money: bool = False) -> str:
    """A readable number: thousands separators, a few decimals, scientific for tiny or huge
    values (e.g. CTUh, or 1e12 MJ). ``None`` and non-finite values give ``–``."""
    if v is None or not isinstance(v, (int, float)) or not math.isfinite(v):
        return "–"
    a = abs(v)
    if a == 0:
        return "0"
    if money:
        return f"{v:,.0f}" if a >= 1000 else f"{v:,.2f}"
    if a >= 1e12 or a < 1e-2:  # as the report: tiny values (CTUh) keep their digits
        return f"{v:.3e}"
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}"
    return f"{v:.4f}"


def format_delta(v: float | None, *, money: bool = False) -> str:
    """As :func:`format_number`, with an explicit ``+`` on positive values."""
    s = format_number(v, money=money)
    return "+" + s if isinstance(v, (int, float)) and math.isfinite(v) and v > 0 else s


def format_pct(v: float | None, *, signed: bool = False) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return f"{v:+.1f} %" if signed and v != 0 else f"{v:.1f} %"


_SI_PREFIXES = {3: "k", 6: "M", 9: "G", 12: "T"}


def format_eng(v: float | None, digits: int = 3, *, signed: bool = False) -> str:
    """``v`` to ``digits`` significant digits, for columns of statistics that must stay narrow
    (the exact value goes in the tooltip): from 1,000 up with an SI prefix, as the charts' axes
    (:func:`_axis_formatter`): 3,786,776,889 reads ``3.79 G``; below 0.01 in scientific
    notation, as :func:`format_number` (``1.23e-05``: a prefix m or µ would read as a unit next
    to m3); between, plain (``0.0500``, ``12.3``). ``signed``: an explicit ``+`` on positive
    values (Δ). ``None`` and non-finite give ``–``."""
    if v is None or not isinstance(v, (int, float)) or not math.isfinite(v):
        return "–"
    if v == 0:
        return "0"
    sign = _MINUS if v < 0 else ("+" if signed else "")
    a = abs(v)
    if a < 1e-2 or a >= 1e15:
        return f"{sign}{a:.{digits - 1}e}"
    e = 3 * math.floor(math.log10(a) / 3) if a >= 1000 else 0
    m = a / 10.0 ** e
    text = f"{m:.{max(0, digits - 1 - math.floor(math.log10(m)))}f}"
    if float(text) >= 1000 and e < 12:  # 999.7 k rounds to 1.00 M
        e += 3
        text = f"{a / 10.0 ** e:.{digits - 1}f}"
    return f"{sign}{text} {_SI_PREFIXES[e]}" if e else f"{sign}{text}"


def _pct_text(v: float) -> str:
    """A signed percentage that does not round a small change to 0.0 %."""
    return f"{v:+.2g} %" if 0 < abs(v) < 0.1 else f"{v:+.1f} %"


def _short_method(m: Sequence[str], width: int = 30) -> str:
    """The first two levels of a method name, wrapped on at most two lines (chart labels)."""
    return _wrap2(": ".join(m[:2]) if len(m) >= 2 else method_label(tuple(m)), width)


def _wrap2(text: str, width: int) -> str:
    """``text`` on at most two lines of ``width`` characters, ``…`` where it is cut."""
    return "\n".join(textwrap.wrap(text, width, max_lines=2, placeholder=" …")) or text


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _chart_label(text: str, width: int = 32) -> str:
    """An exchange's "residue → receiving site" on two lines, each part shortened on its own:
    a long residue name never hides the receiving site that tells two exchanges apart."""
    residue, sep, receiver = text.partition(" → ")
    if not sep:
        return _wrap2(text, width)
    return f"{_shorten(residue, width)}\n→ {_shorten(receiver, width - 2)}"


def _axis_formatter():
    """Axis ticks with SI prefixes (k, M, G, m, µ): −100 M reads better than −1e+08."""
    from matplotlib.ticker import EngFormatter  # with the first chart: not at start-up

    return EngFormatter(sep=" ")


@functools.cache
def _eng_formatter():
    from matplotlib.ticker import EngFormatter  # with the first chart: not at start-up

    return EngFormatter(sep=" ", places=1)


def _eng(v: float) -> str:
    return _eng_formatter().format_eng(v) if v else "0"


# ---- table items --------------------------------------------------------------------------
class _Item(QTableWidgetItem):
    """A cell that sorts by its raw value (Qt.UserRole) when it has one."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        a, b = self.data(Qt.UserRole), other.data(Qt.UserRole)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return a < b
        return super().__lt__(other)


def _text_item(text: str, tooltip: str | None = None, key: Any = None) -> QTableWidgetItem:
    it = _Item(text)
    it.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)
    it.setToolTip(tooltip if tooltip is not None else text)
    if key is not None:
        it.setData(Qt.UserRole, key)
    return it


def _num_item(v: float | None, *, delta: bool = False, money: bool = False,
              pct: bool = False) -> QTableWidgetItem:
    """A right-aligned number; the raw value sits in Qt.UserRole. Δ cells are coloured: green
    below 0 (saving), red above 0."""
    if pct:
        text = format_pct(v, signed=delta)
    else:
        text = format_delta(v, money=money) if delta else format_number(v, money=money)
    it = _Item(text)
    it.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)
    it.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    if isinstance(v, (int, float)) and math.isfinite(v):
        it.setData(Qt.UserRole, float(v))
        it.setToolTip(repr(float(v)))
        if delta and v != 0:
            it.setForeground(QBrush(_SAVING_TEXT if v < 0 else _BURDEN_TEXT))
    return it


class _Table(QTableWidget):
    """A results table: number columns at their content width (header included), always whole;
    ``capped`` text columns (a unit) at most their cap, elided in the middle (full text in the
    tooltip); the ``stretch`` column (names of methods, sites, exchanges) takes the width the
    others leave: where that is less than its text needs, the text wraps (``grow_rows``: the
    rows grow to show it whole) and what still does not fit is elided in the middle. A
    horizontal scroll bar only when the panel is narrower than the stretch column's least
    width plus the others."""

    MAX_COLUMN = 360  # a number or short text column
    MAX_TEXT_COLUMN = 520  # the stretch column, on one line
    MIN_TEXT_COLUMN = 220  # the stretch column never gets narrower (it wraps instead)
    PAD = 14  # a cell's margins and grid line around its text

    def __init__(self, rows: int, columns: int, stretch: int | None = None,
                 capped: dict[int, int] | None = None, min_stretch: int | None = None,
                 min_column: int = 80, grow_rows: bool = True):
        super().__init__(rows, columns)
        self.stretch = stretch
        self.capped = dict(capped or {})
        self.min_stretch = self.MIN_TEXT_COLUMN if min_stretch is None else min_stretch
        self.min_column = min_column
        self.grow_rows = grow_rows
        self._content_width = 0
        self.setTextElideMode(Qt.ElideMiddle)

    def content_width(self, j: int) -> int:
        """What column ``j`` needs to show its header and every cell it alone holds (a cell
        spanning several columns does not widen the first of them)."""
        fm = self.fontMetrics()
        need = self.horizontalHeader().sectionSizeHint(j)
        for i in range(self.rowCount()):
            it = self.item(i, j)
            if it is None or not it.text() or self.columnSpan(i, j) != 1:
                continue
            f = it.font()
            m = fm if f == self.font() else QFontMetrics(f)
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
        if not self.grow_rows:
            return
        wrap = width < self._content_width
        if wrap != self.wordWrap() or wrap:
            self.setWordWrap(wrap)
            self.resizeRowsToContents()
            if not wrap:
                for i in range(self.rowCount()):
                    self.setRowHeight(i, self.verticalHeader().defaultSectionSize())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._spread()


def _make_table(headers: Sequence[str], stretch: int | None = None, **fit: Any) -> QTableWidget:
    """A read-only results table; ``fit``: how its columns share the width (see :class:`_Table`)."""
    t = _Table(0, len(headers), stretch, **fit)
    t.setHorizontalHeaderLabels(list(headers))
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


def _fill(t: QTableWidget, rows: list[list[QTableWidgetItem]], total_rows: set[int] = frozenset()
          ) -> None:
    sorting = t.isSortingEnabled()
    t.setSortingEnabled(False)
    t.clearContents()
    t.clearSpans()
    t.setRowCount(len(rows))
    bold = QFont()
    bold.setBold(True)
    for i, row in enumerate(rows):
        for j, it in enumerate(row):
            if i in total_rows:
                it.setFont(bold)
                it.setBackground(QBrush(_TOTAL_BG))
            t.setItem(i, j, it)
    if isinstance(t, _Table):
        t.fit_columns()
    else:
        for j in range(t.columnCount()):
            t.resizeColumnToContents(j)
            t.setColumnWidth(j, min(max(t.columnWidth(j), 80), 360))
    t.setSortingEnabled(sorting)


def _refill(t: QTableWidget, rows: list[list[QTableWidgetItem]]) -> bool:
    """Put ``rows`` into the items ``t`` already has (same shape, no sorting): a live update
    changes texts and colours, not the model; columns are fitted again only when a text has
    outgrown its column. False (nothing done) when the shape differs."""
    if (t.isSortingEnabled() or t.rowCount() != len(rows)
            or any(len(row) != t.columnCount() for row in rows)):
        return False
    fm = t.fontMetrics()
    refit = False
    for i, row in enumerate(rows):
        for j, new in enumerate(row):
            old = t.item(i, j)
            if old is None:
                return False
            if old.text() != new.text():
                old.setText(new.text())
                refit |= (t.columnSpan(i, j) == 1 and (not isinstance(t, _Table) or j != t.stretch)
                          and fm.horizontalAdvance(new.text()) + 12 > t.columnWidth(j))
            old.setToolTip(new.toolTip())
            old.setData(Qt.UserRole, new.data(Qt.UserRole))
            old.setForeground(new.foreground())
    if refit:
        if isinstance(t, _Table):
            t.fit_columns()
        else:
            t.resizeColumnsToContents()
    return True


def _note(text: str, style: str = "color: #555; font-style: italic;") -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setStyleSheet(style)
    lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return lab


# ---- a chart with its export action --------------------------------------------------------


def _finish_bar_chart(fig, ax, legend_columns: int, empty_text: str | None) -> None:
    """Legend below the plot, a light x grid, and a message when there is nothing to draw."""
    fig.legend(loc="outside lower center", ncol=legend_columns, fontsize=8, frameon=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if empty_text:
        ax.text(0.5, 0.5, empty_text, transform=ax.transAxes, ha="center", va="center",
                color="#666666")


def _method_combo(tooltip: str) -> QComboBox:
    c = QComboBox()
    c.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    c.setMinimumContentsLength(24)
    c.setToolTip(tooltip)
    return c


# ---- the view -----------------------------------------------------------------------------


def _stat(d: dict[str, float], key: str) -> float | None:
    for k in (key, key.replace("p", "p_"), key.replace(".", "_")):
        if k in d:
            return d[k]
    return None


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
