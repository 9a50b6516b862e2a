"""The results view: tables and charts of one comparison (methodology.md §3).

:class:`ResultsView` renders a :class:`~ecolca.results.Results` in tabs (Summary, Exchanges,
Sites, Economics, Inventory and, when there is a Monte Carlo run, Uncertainty). It only reads
the results; it computes nothing but sums for display. Labels follow the Excel report
(:mod:`ecolca.report`) so the app and the report say the same thing.

Sign convention everywhere: Δ = S − L; negative (green) means the symbiosis lowers the impact.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any, Sequence

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ecolca.app.labels import exchange_labels
from ecolca.app.labels import short_from_label as _short_from_label
from ecolca.report import KEY_LABELS
from ecolca.report import _verdict as _report_verdict  # one wording for app and report
from ecolca.results import ExchangeParts, Results, method_label

__all__ = ["ResultsView", "format_number", "format_delta", "TOP_EXCHANGES", "PART_COLORS",
           "exchange_labels"]

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

_CHART_TABS = ("Summary", "Exchanges", "Sites", "Uncertainty")
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


def _axis_formatter() -> EngFormatter:
    """Axis ticks with SI prefixes (k, M, G, m, µ): −100 M reads better than −1e+08."""
    return EngFormatter(sep=" ")


_ENG = EngFormatter(sep=" ", places=1)


def _eng(v: float) -> str:
    return _ENG.format_eng(v) if v else "0"


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
    """A results table: columns sized to their content (cells keep their full text in the
    tooltip); the ``stretch`` column (names of methods, sites, exchanges) takes the width the
    others leave, and where that is less than its text needs, the text wraps on two lines or
    more instead of being cut; a horizontal scroll bar when even that does not fit."""

    MAX_COLUMN = 360  # a number or short text column
    MAX_TEXT_COLUMN = 520  # the stretch column, on one line
    MIN_TEXT_COLUMN = 220  # the stretch column never gets narrower (it wraps instead)

    def __init__(self, rows: int, columns: int, stretch: int | None = None):
        super().__init__(rows, columns)
        self.stretch = stretch
        self._content_width = 0

    def fit_columns(self) -> None:
        """Size every column to its content (header included); then give the stretch column
        what the panel has left."""
        for j in range(self.columnCount()):
            self.resizeColumnToContents(j)
            cap = self.MAX_TEXT_COLUMN if j == self.stretch else self.MAX_COLUMN
            self.setColumnWidth(j, min(max(self.columnWidth(j), 80), cap))
        if self.stretch is not None:
            self._content_width = self.columnWidth(self.stretch)
        self._spread()

    def _spread(self) -> None:
        if self.stretch is None:
            return
        h = self.horizontalHeader()
        others = sum(h.sectionSize(j) for j in range(self.columnCount()) if j != self.stretch)
        room = self.viewport().width() - others
        width = max(min(self._content_width, self.MIN_TEXT_COLUMN), room)
        h.resizeSection(self.stretch, width)
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


def _make_table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    t = _Table(0, len(headers), stretch)
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


def _note(text: str, style: str = "color: #555; font-style: italic;") -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    lab.setStyleSheet(style)
    lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return lab


# ---- a chart with its export action --------------------------------------------------------
class _Chart(QWidget):
    """A matplotlib figure in a canvas, a toolbar with "Export chart…" and the same action in
    the canvas's context menu."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.figure = Figure(figsize=(7, 4), dpi=100, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumHeight(220)
        self.scroll = QScrollArea()  # tall charts (many bars) scroll instead of squeezing labels
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setWidget(self.canvas)
        self.export_action = QAction("Export chart…", self)
        self.export_action.setToolTip("Save this chart as PNG or SVG")
        self.export_action.triggered.connect(self._export_dialog)
        self.canvas.setContextMenuPolicy(Qt.ActionsContextMenu)
        self.canvas.addAction(self.export_action)
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        bar.addAction(self.export_action)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(bar)
        lay.addWidget(self.scroll, 1)
        self._titles: list[tuple[Any, str, float]] = []  # (axes, full title, font size)
        self._row_tips: list[tuple[Any, list[str]]] = []  # (axes, tooltip of each bar row)
        self._checking = False
        self.canvas.mpl_connect("resize_event", lambda _e: self._fit_titles())
        self.canvas.mpl_connect("draw_event", self._check_titles)
        self.canvas.mpl_connect("motion_notify_event", self._hover)
        self.canvas.mpl_connect("figure_leave_event", lambda _e: self.canvas.setToolTip(""))

    def set_min_height(self, px: int, floor: int = 220) -> None:
        self.canvas.setMinimumHeight(max(floor, int(px)))

    def clear(self) -> None:
        """Clear the figure, its titles and its row tooltips (before drawing anew)."""
        self.figure.clear()
        self._titles.clear()
        self._row_tips.clear()
        self.canvas.setToolTip("")

    def set_title(self, ax, text: str, fontsize: float = 10) -> None:
        """``ax``'s title, wrapped to the figure's width: never cut at the edges, however narrow
        the panel (re-wrapped when the chart is resized)."""
        self._titles.append((ax, text, fontsize))
        ax.set_title(text, fontsize=fontsize)
        self._fit_titles(draw=False)

    def set_row_tooltips(self, ax, tips: Sequence[str]) -> None:
        """Hovering bar row ``i`` of ``ax`` (at y = i), or its tick label, shows ``tips[i]``."""
        self._row_tips.append((ax, list(tips)))

    def _fit_titles(self, draw: bool = True, budget: float = 0.8) -> bool:
        """Wrap each title to ``budget`` of the figure's width (a cheap measure: where the
        layout will put the axes is known only after a draw, which :meth:`_check_titles`
        looks at). True when a title changed."""
        if not self._titles:
            return False
        fig = self.figure
        try:
            renderer = self.canvas.get_renderer()
        except Exception:  # noqa: BLE001 (no renderer yet: nothing to measure)
            return False
        width = fig.bbox.width
        changed = False
        for ax, text, fontsize in self._titles:
            title = ax.title
            before = title.get_text()
            chars = max(12, int(width / (fontsize * fig.dpi / 72 * 0.5)))
            while True:
                wrapped = "\n".join(textwrap.fill(line, chars) or line
                                     for line in text.split("\n"))
                title.set_text(wrapped)
                title.set_fontsize(fontsize)
                if title.get_window_extent(renderer).width <= width * budget or chars <= 12:
                    break
                chars = max(12, int(chars * 0.88))
            changed |= title.get_text() != before
        if draw and changed:
            self.canvas.draw_idle()
        return changed

    def _check_titles(self, _event=None) -> None:
        """After a draw: a title the layout pushed past the figure's edge is wrapped narrower
        and the chart drawn again (at most a few times, and only then)."""
        if self._checking or not self._titles:
            return
        width = self.figure.bbox.width
        renderer = self.canvas.get_renderer()
        budget = 0.8
        self._checking = True
        try:
            for _ in range(4):
                boxes = [ax.title.get_window_extent(renderer) for ax, _t, _f in self._titles]
                if all(b.x0 >= 1 and b.x1 <= width - 1 for b in boxes):
                    break
                budget *= 0.85
                self._fit_titles(draw=False, budget=budget)
                self.canvas.draw()
        finally:
            self._checking = False

    def _hover(self, event) -> None:
        tip = ""
        for ax, tips in self._row_tips:
            if event.inaxes is ax and event.ydata is not None:
                i = int(round(event.ydata))
                if 0 <= i < len(tips) and abs(event.ydata - i) <= 0.45:
                    tip = tips[i]
            elif event.inaxes is None:
                try:
                    renderer = self.canvas.get_renderer()
                except Exception:  # noqa: BLE001
                    continue
                for i, lab in enumerate(ax.get_yticklabels()):
                    if i < len(tips) and lab.get_window_extent(renderer).contains(event.x, event.y):
                        tip = tips[i]
        if tip != self.canvas.toolTip():
            self.canvas.setToolTip(tip)

    def redraw(self) -> None:
        self.canvas.draw_idle()  # draws when shown; never blocks a hidden tab

    def export(self, path: str | Path) -> Path:
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg"):
            raise ValueError(f"cannot export a chart as {p.name!r}: use .png or .svg")
        self.figure.savefig(p, format=fmt, dpi=150 if fmt == "png" else None,
                            facecolor="white")
        return p

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export chart", f"{self.name.lower()}-chart.png",
            "PNG image (*.png);;SVG vector image (*.svg)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg"):
            path += ".png"
        try:
            self.export(path)
        except (OSError, ValueError) as exc:
            from PySide6.QtWidgets import QMessageBox
            QMessageBox.warning(self, "Export chart", f"Could not export the chart:\n{exc}")


class _Veil(QWidget):
    """A translucent white layer over stale content: greys it, lets clicks and scrolling
    through (a QGraphicsOpacityEffect renders tables and canvases badly)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setObjectName("staleVeil")
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def paintEvent(self, _event) -> None:
        QPainter(self).fillRect(self.rect(), QColor(255, 255, 255, 150))


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
class ResultsView(QWidget):
    """All results of one comparison.

    ``set_results(results)`` shows a run (``None``: the empty state) and clears the stale flag;
    ``set_stale(True)`` shows the out-of-date banner and greys the content.
    ``exchangeActivated(id)`` / ``siteActivated(id)`` fire when a row is double-clicked.
    ``export_chart(tab, path)`` saves the chart of tab Summary, Exchanges or Sites as PNG/SVG.
    """

    exchangeActivated = Signal(str)
    siteActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._results: Results | None = None
        self._stale = False
        self._exchange_rows: list[ExchangeParts] = []  # what the exchange chart shows
        self._exchange_labels: dict[str, str] = {}
        self._others_count = 0

        self.banner = QLabel(STALE_TEXT)
        self.banner.setObjectName("staleBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#staleBanner { background: #FFF4CE; color: #5C3B00; font-weight: bold;"
            " border: 1px solid #E0A800; border-left: 6px solid #E0A800; padding: 8px; }")
        self.banner.hide()

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #666; font-size: 15px;")

        self.tabs = QTabWidget()
        self._build_summary()
        self._build_exchanges()
        self._build_sites()
        self._build_economics()
        self._build_inventory()
        self._build_uncertainty()

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.tabs)
        self.veil = _Veil(self.stack)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.banner)
        lay.addWidget(self.stack, 1)
        self.set_results(None)

    # ---- public API ---------------------------------------------------------------------
    def results(self) -> Results | None:
        return self._results

    def set_results(self, results: Results | None,
                    exchange_labels: dict[str, str] | None = None) -> None:
        """Show ``results`` (a fresh run: the stale flag is cleared); ``None`` shows the empty
        state. ``exchange_labels``: the short name of each exchange id ("fly ash → Cement
        plant", see :func:`exchange_labels`); without it they are read from the results'
        labels."""
        self._results = results
        self._exchange_labels = dict(exchange_labels or {})
        self._stale = False
        if results is None:
            self.stack.setCurrentWidget(self.empty_label)
            self._update_stale()
            return
        self._fill_method_combo(self.ex_method, results)
        self._fill_method_combo(self.site_method, results)
        key_i = self.site_key.findData(results.attribution_key)
        if key_i < 0:  # a key the app does not know: still show it
            self.site_key.addItem(results.attribution_key, results.attribution_key)
            key_i = self.site_key.count() - 1
        self.site_key.blockSignals(True)
        self.site_key.setCurrentIndex(key_i)
        self.site_key.blockSignals(False)
        self._render_summary()
        self._render_exchanges()
        self._render_sites()
        self._render_economics()
        self._render_inventory()
        self._render_uncertainty()
        self.stack.setCurrentWidget(self.tabs)
        self._update_stale()

    def set_stale(self, stale: bool) -> None:
        """Mark the shown results as out of date (banner on top, content greyed) or current."""
        self._stale = bool(stale)
        self._update_stale()

    def is_stale(self) -> bool:
        return self._stale

    def export_chart(self, tab_name: str, path: str | Path) -> Path:
        """Save the chart of ``tab_name`` (Summary, Exchanges, Sites) to ``path``; the format
        follows the extension (.png or .svg). Returns the path."""
        if self._results is None:
            raise ValueError("no results to export")
        chart = self._charts.get(tab_name)
        if tab_name == "Uncertainty" and not self._results.uncertainty:
            chart = None
        if chart is None:
            raise ValueError(f"no chart on tab {tab_name!r}; charts: {', '.join(_CHART_TABS)}")
        return chart.export(path)

    def chart_figure(self, tab_name: str) -> Figure:
        """The matplotlib figure of a tab's chart (for tests and export)."""
        return self._charts[tab_name].figure

    def tab_names(self) -> list[str]:
        """The tabs shown (Uncertainty only after a run with Monte Carlo iterations)."""
        return [self.tabs.tabText(i) for i in range(self.tabs.count())
                if self.tabs.isTabVisible(i)]

    def show_tab(self, tab_name: str) -> None:
        if tab_name not in self.tab_names():
            raise ValueError(f"no tab {tab_name!r} shown")
        names = [self.tabs.tabText(i) for i in range(self.tabs.count())]
        self.tabs.setCurrentIndex(names.index(tab_name))

    # ---- state --------------------------------------------------------------------------
    def _update_stale(self) -> None:
        on = self._stale and self._results is not None
        self.banner.setVisible(on)
        self.veil.setGeometry(self.stack.rect())
        self.veil.setVisible(on)
        if on:
            self.veil.raise_()

    @staticmethod
    def _fill_method_combo(combo: QComboBox, results: Results) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        left_out = []
        for r in results.impacts:  # categories the background cannot see have no chart
            if not r.covered:
                left_out.append(method_label(r.method))
                continue
            combo.addItem(method_label(r.method), r.method)
            combo.setItemData(combo.count() - 1, method_label(r.method), Qt.ToolTipRole)
        combo.setToolTip("The impact category shown in the chart and table" + (
            "\nLeft out, not covered by the background database: " + "; ".join(left_out)
            if left_out else ""))
        i = combo.findData(current) if current is not None else -1
        combo.setCurrentIndex(max(i, 0))
        combo.blockSignals(False)

    # ---- Summary ------------------------------------------------------------------------
    def _build_summary(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.summary_info = _note("")
        self.summary_info.setStyleSheet("color: #333;")
        self.summary_table = _make_table(
            ["Method", "Unit", "Linear (L)\n[unit/year]", "Symbiotic (S)\n[unit/year]",
             "Δ = S − L\n[unit/year]", "Δ [%]"], stretch=0)
        self.summary_chart = _Chart("Summary")
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.summary_table)
        split.addWidget(self.summary_chart)
        split.setSizes([250, 380])
        self.summary_split = split
        self._summary_note_only = False
        lay.addWidget(self.summary_info)
        lay.addWidget(split, 1)
        self.tabs.addTab(page, "Summary")
        self._charts = {"Summary": self.summary_chart}

    def _render_summary(self) -> None:
        r = self._results
        assert r is not None
        self.summary_info.setText(
            f"<b>{_html(r.scenario_name)}</b> · reference year {r.reference_year} · all impacts "
            "per year for the whole park · Δ = S − L (negative, green: the symbiosis lowers "
            "the impact; positive, red: it raises it)")
        rows = []
        for m in r.impacts:
            name = _text_item(method_label(m.method), key=method_label(m.method))
            if not m.covered:  # no data is not a zero
                cov = m.coverage.label()
                rows.append([name, _text_item(m.unit), _text_item(cov), _text_item(""),
                             _text_item(""), _text_item("")])
                continue
            pct = _text_item("n/m", m.pct_note) if m.pct_note else \
                _num_item(m.delta_pct, delta=True, pct=True)
            first = _num_item(m.linear)
            if m.coverage is not None and m.coverage.status == "partial":
                name.setToolTip(f"{method_label(m.method)}\nCoverage {m.coverage.label()}")
            rows.append([name, _text_item(m.unit), first, _num_item(m.symbiotic),
                         _num_item(m.delta, delta=True), pct])
        _fill(self.summary_table, rows)
        for i, m in enumerate(r.impacts):
            if not m.covered:
                self.summary_table.setSpan(i, 2, 1, 4)

        fig = self.summary_chart.figure
        self.summary_chart.clear()
        ax = fig.add_subplot()
        shown = [m for m in r.impacts if m.covered]
        left_out = len(r.impacts) - len(shown)
        labels = [_short_method(m.method) for m in shown]
        self.summary_chart.set_min_height(110 + 34 * len(labels))  # two-line labels apart
        rel = [m.relative for m in shown]
        if shown and shown[0].pct_note:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "S relative to L is not shown: the sites declare only the "
                    "replaceable part\nof their inventory, so L is not the park's whole impact "
                    "(Δ % n/m).\nSee Δ per exchange and per site in the other tabs.",
                    ha="center", va="center", fontsize=9, color="#333333", transform=ax.transAxes,
                    in_layout=False)
            # only a note: the table (every method) gets the room
            self.summary_chart.set_min_height(90, floor=90)
            if not self._summary_note_only:
                total = sum(self.summary_split.sizes()) or 630
                self.summary_split.setSizes([max(total - 150, 200), 150])
                self._summary_note_only = True
            self.summary_chart.redraw()
            return
        if self._summary_note_only:
            total = sum(self.summary_split.sizes()) or 630
            self.summary_split.setSizes([total * 250 // 630, total * 380 // 630])
            self._summary_note_only = False
        y = list(range(len(labels)))
        vals = [v if v is not None and math.isfinite(v) else 0.0 for v in rel]
        colors = [_SYMBIOTIC_COLOR if v is not None and v <= 100 else _WORSE_COLOR for v in rel]
        ax.barh(y, vals, color=colors, height=0.6, label="Symbiotic (S)")
        ax.axvline(100, color="#333333", linestyle="--", linewidth=1.2, label="Linear (L) = 100 %")
        top = max([100.0] + vals)
        for yi, v in zip(y, rel):
            if v is not None and math.isfinite(v) and v > 25:  # inside the bar, clear of the line
                ax.text(v - top * 0.01, yi, f"{v:.1f} %", va="center", ha="right", fontsize=8,
                        color="white", fontweight="bold")
            else:
                ax.text(max(v or 0.0, 0.0) + top * 0.01, yi,
                        "n/a (L = 0)" if v is None else f"{v:.1f} %",
                        va="center", ha="left", fontsize=8, color="#222222")
        ax.set_yticks(y, labels, fontsize=8)
        ax.invert_yaxis()  # first method at the top, as in the table
        ax.set_xlim(0, top * 1.15)
        ax.set_xlabel("Symbiotic (S) [% of linear (L)]")
        title = "Symbiotic relative to linear (linear = 100 %)"
        if left_out:
            title += f"\n{left_out} categor{'y' if left_out == 1 else 'ies'} not covered by the " \
                     "background left out"
        if shown and shown[0].pct_note:
            title += "\nΔ % n/m: sites declare only the replaceable part of their inventory"
        self.summary_chart.set_title(ax, title, 10)
        self.summary_chart.set_row_tooltips(ax, [method_label(m.method) for m in shown])
        fig.legend(loc="outside lower center", ncol=2, fontsize=8, frameon=False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        self.summary_chart.redraw()

    # ---- Exchanges ----------------------------------------------------------------------
    def _build_exchanges(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        top = QHBoxLayout()
        top.addWidget(QLabel("Method:"))
        self.ex_method = _method_combo("The impact category shown in the chart and table")
        self.ex_method.currentIndexChanged.connect(lambda _i: self._render_exchanges())
        top.addWidget(self.ex_method, 1)
        lay.addLayout(top)
        lay.addWidget(_note(
            "Δ_e = avoided fate + avoided supply + transport + processing; Σ Δ_e equals the "
            "system Δ. Break-even distance: the distance at which Δ_e = 0 (< 0: never pays off). "
            "Double-click a row to select the exchange."))
        self.ex_note = _note("")
        self.ex_chart = _Chart("Exchanges")
        self.ex_table = _make_table(
            ["Exchange", "Supplier: residue → receiver: supply", "Avoided fate",
             "Avoided supply", "Transport", "Processing", "Δ_e", "Distance\n[km]",
             "Break-even\ndistance [km]", "Verdict"], stretch=0)
        self.ex_table.setSortingEnabled(True)
        self.ex_table.itemDoubleClicked.connect(self._exchange_double_clicked)
        chart_box = QWidget()
        cl = QVBoxLayout(chart_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.ex_chart, 1)
        cl.addWidget(self.ex_note)
        split = QSplitter(Qt.Vertical)
        split.addWidget(chart_box)
        split.addWidget(self.ex_table)
        split.setSizes([360, 220])
        lay.addWidget(split, 1)
        self.tabs.addTab(page, "Exchanges")
        self._charts["Exchanges"] = self.ex_chart

    def exchange_label(self, p: ExchangeParts) -> str:
        """The short name of an exchange: "residue → receiving site"."""
        return self._exchange_labels.get(p.exchange_id) or _short_from_label(p.label)

    def current_exchange_method(self) -> tuple[str, ...] | None:
        return self.ex_method.currentData()

    def _render_exchanges(self) -> None:
        r = self._results
        if r is None:
            return
        m = self.ex_method.currentData()
        if m is None:
            return
        m = tuple(m)
        parts = r.exchange_parts(m)
        unit = r.impact(m).unit
        per_year = f"[{unit}/year]"
        headers = ["Exchange", "Supplier: residue → receiver: supply"] + [
            f"{lab}\n{per_year}" for _, lab in PARTS] + [
            f"Δ_e\n{per_year}", "Distance\n[km]", "Break-even\ndistance [km]", "Verdict"]
        self.ex_table.setHorizontalHeaderLabels(headers)
        rows = []
        for p in parts:
            rows.append([_text_item(self.exchange_label(p), f"{p.label}\nid: {p.exchange_id}",
                                    key=p.exchange_id),
                         _text_item(_shorten(p.label, 70), p.label)]
                        + [_num_item(getattr(p, f), delta=True) for f, _ in PARTS]
                        + [_num_item(p.total, delta=True), _num_item(p.distance_km),
                           _num_item(p.break_even_km), _text_item(_report_verdict(p))])
        self.ex_table.sortByColumn(-1, Qt.AscendingOrder)  # keep the scenario's order
        _fill(self.ex_table, rows)
        self.ex_table.setColumnWidth(1, min(self.ex_table.columnWidth(1), 280))
        self.ex_table._spread()

        # the chart: every exchange, or the top N by |Δ_e| and one "others" bar
        shown = list(parts)
        others: ExchangeParts | None = None
        if len(parts) > TOP_EXCHANGES:
            ranked = sorted(parts, key=lambda p: abs(p.total), reverse=True)
            shown, rest = ranked[:TOP_EXCHANGES], ranked[TOP_EXCHANGES:]
            others = ExchangeParts(
                "", f"others ({len(rest)} exchanges)", m, unit,
                *(math.fsum(getattr(p, f) for p in rest) for f, _ in PARTS), 0.0, None)
            self.ex_note.setText(
                f"The chart shows the {TOP_EXCHANGES} exchanges with the largest |Δ_e| of "
                f"{len(parts)}; the other {len(rest)} are summed in the “others” bar. The table "
                "lists every exchange.")
        else:
            self.ex_note.setText("")
        self.ex_note.setVisible(others is not None)
        bars = shown + ([others] if others else [])
        self.ex_chart.set_min_height(150 + 30 * len(bars))
        self._exchange_rows = bars
        self._others_count = len(parts) - len(shown)

        fig = self.ex_chart.figure
        self.ex_chart.clear()
        ax = fig.add_subplot()
        y = list(range(len(bars)))
        pos = [0.0] * len(bars)
        neg = [0.0] * len(bars)
        for f, lab in PARTS:
            vals = [getattr(p, f) for p in bars]
            lefts = []
            for i, v in enumerate(vals):
                if v >= 0:
                    lefts.append(pos[i])
                    pos[i] += v
                else:
                    lefts.append(neg[i])
                    neg[i] += v
            ax.barh(y, vals, left=lefts, height=0.65, color=PART_COLORS[f], label=lab,
                    edgecolor="white", linewidth=0.4)
        ax.scatter([p.total for p in bars], y, marker="D", s=28, color="black", zorder=3,
                   label="Net Δ_e")
        ax.axvline(0, color="#333333", linewidth=0.8)
        # "residue → receiving site" labels the bar (as the first column of the table below);
        # hovering a bar shows the full "site: residue → site: supply"
        labels = [_chart_label(self.exchange_label(p)) if p.exchange_id else p.label
                  for p in bars]
        fs = 8 if len(bars) <= 12 else 7
        ax.set_yticks(y, labels, fontsize=fs)
        self.ex_chart.set_row_tooltips(ax, [f"{p.label}\nid: {p.exchange_id}" if p.exchange_id
                                            else p.label for p in bars])
        ax.set_ylim(len(bars) - 0.5, -0.5)  # first bar at the top
        ax.set_xlabel(f"Contribution to Δ_e {per_year}  (negative = saving)")
        ax.xaxis.set_major_formatter(_axis_formatter())
        title = f"Where the saving comes from: {_short_method(m, 80)}"
        if others is not None:
            title += f"\n(top {TOP_EXCHANGES} of {len(parts)} exchanges by |Δ_e|, rest as “others”)"
        self.ex_chart.set_title(ax, title, 10)
        _finish_bar_chart(fig, ax, 5, None if bars else "No exchanges in this scenario")
        self.ex_chart.redraw()

    def _exchange_double_clicked(self, item: QTableWidgetItem) -> None:
        first = self.ex_table.item(item.row(), 0)
        if first is not None and first.data(Qt.UserRole):
            self.exchangeActivated.emit(str(first.data(Qt.UserRole)))

    # ---- Sites --------------------------------------------------------------------------
    def _build_sites(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        top = QHBoxLayout()
        top.addWidget(QLabel("Method:"))
        self.site_method = _method_combo("The impact category shown in the chart and table")
        top.addWidget(self.site_method, 2)
        top.addSpacing(12)
        top.addWidget(QLabel("Attribution key:"))
        self.site_key = QComboBox()
        # long key labels must not widen the window: elide in the box, full text in the list
        self.site_key.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.site_key.setMinimumContentsLength(18)
        for k, lab in KEY_LABELS.items():
            self.site_key.addItem(lab, k)
        self.site_key.setToolTip("How the benefit of each exchange is split between partners")
        top.addWidget(self.site_key, 1)
        lay.addLayout(top)
        self.keys_note = _note(
            "⚠ " + KEYS_NOTE,
            "background: #FDECEA; color: #8A1C12; font-weight: bold; padding: 6px;"
            " border: 1px solid #E6A09A;")
        self.keys_note.setObjectName("keysNote")
        lay.addWidget(self.keys_note)
        self.site_method.currentIndexChanged.connect(lambda _i: self._render_sites())
        self.site_key.currentIndexChanged.connect(lambda _i: self._render_sites())
        self.site_table = _make_table(
            ["Site", "Linear (L)\n[unit/year]", "Symbiotic (S)\n[unit/year]",
             "Δ = S − L\n[unit/year]"], stretch=0)
        self.site_table.MIN_TEXT_COLUMN = 160
        self.site_table.itemDoubleClicked.connect(
            lambda it: self._site_double_clicked(self.site_table, it))
        self.site_chart = _Chart("Sites")
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.site_table)
        split.addWidget(self.site_chart)
        split.setSizes([540, 460])
        lay.addWidget(split, 1)
        self.tabs.addTab(page, "Sites")
        self._charts["Sites"] = self.site_chart

    def current_site_key(self) -> str:
        return self.site_key.currentData()

    def _render_sites(self) -> None:
        r = self._results
        if r is None or self.site_method.currentData() is None:
            return
        m = tuple(self.site_method.currentData())
        key = self.site_key.currentData()
        unit = r.impact(m).unit
        sites = r.site_results(m, key)
        per_year = f"[{unit}/year]"
        self.site_table.setHorizontalHeaderLabels(
            ["Site", f"Linear (L)\n{per_year}", f"Symbiotic (S)\n{per_year}",
             f"Δ = S − L\n{per_year}"])
        _fill(self.site_table, [
            [_text_item(s.site_name, f"{s.site_name} ({s.site_id})", key=s.site_id),
             _num_item(s.linear), _num_item(s.symbiotic), _num_item(s.delta, delta=True)]
            for s in sites])

        fig = self.site_chart.figure
        self.site_chart.clear()
        self.site_chart.set_min_height(130 + 34 * len(sites))  # two-line names apart
        ax = fig.add_subplot()
        y = list(range(len(sites)))
        h = 0.38
        ax.barh([v - h / 2 for v in y], [s.linear for s in sites], height=h,
                color=_LINEAR_COLOR, label="Linear (L)")
        ax.barh([v + h / 2 for v in y], [s.symbiotic for s in sites], height=h,
                color=_SYMBIOTIC_COLOR, label="Symbiotic (S)")
        ax.set_yticks(y, [_wrap2(s.site_name, 24) for s in sites],
                      fontsize=8)
        self.site_chart.set_row_tooltips(ax, [s.site_name for s in sites])
        ax.set_ylim(len(sites) - 0.5, -0.5)
        right = max([0.0] + [max(s.linear, s.symbiotic) for s in sites])
        for yi, s in zip(y, sites):  # Δ next to each pair: small changes stay visible
            pct = f" ({_pct_text(100 * s.delta / abs(s.linear))})" if s.linear else ""
            ax.text(max(s.linear, s.symbiotic, 0.0) + right * 0.02, yi,
                    f"Δ {'+' if s.delta > 0 else ''}{_eng(s.delta)}{pct}", va="center",
                    ha="left", fontsize=8,
                    color="#1a7f37" if s.delta < 0 else "#b42318" if s.delta > 0 else "#333333")
        if right > 0:
            ax.set_xlim(right=right * 1.35)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_xlabel(f"Impact {per_year}")
        ax.xaxis.set_major_formatter(_axis_formatter())
        key_label = KEY_LABELS.get(key, key)
        self.site_chart.set_title(ax, f"Per site: {': '.join(m[:2])}\nkey: {key_label}", 9)
        _finish_bar_chart(fig, ax, 2, None if sites else "No per-site figures under this key")
        self.site_chart.redraw()

    def _site_double_clicked(self, table: QTableWidget, item: QTableWidgetItem) -> None:
        first = table.item(item.row(), 0)
        if first is not None and first.data(Qt.UserRole):
            self.siteActivated.emit(str(first.data(Qt.UserRole)))

    # ---- Economics ----------------------------------------------------------------------
    def _build_economics(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.econ_title = QLabel()
        self.econ_title.setStyleSheet("font-weight: bold;")
        lay.addWidget(self.econ_title)
        lay.addWidget(_note(
            "L cost = supplies × price + residues × disposal fee. S cost applies the same prices "
            "to the reduced amounts and adds exchange payments (receiver pays supplier), "
            "transport and processing costs. Negative Δ = saving."))
        self.econ_table = _make_table(["Site", "Linear cost", "Symbiotic cost", "Δcost",
                                       "Missing prices"], stretch=4)
        self.econ_table.itemDoubleClicked.connect(
            lambda it: self._site_double_clicked(self.econ_table, it))
        lay.addWidget(self.econ_table, 3)
        self.econ_missing = _note("", "color: #8A1C12; font-weight: bold;")
        lay.addWidget(self.econ_missing)
        lab = QLabel("Cost per unit of avoided impact (negative = win-win)")
        lab.setStyleSheet("font-weight: bold;")
        lay.addWidget(lab)
        self.cpa_table = _make_table(["Method", "Unit", "Δ impact\n[unit/year]", "Δcost",
                                      "Cost per avoided unit", "Cost unit"], stretch=0)
        lay.addWidget(self.cpa_table, 3)
        self.tabs.addTab(page, "Economics")

    def _render_economics(self) -> None:
        r = self._results
        assert r is not None
        cur = r.currency
        self.econ_title.setText(f"Economics per site [{cur}/year]")
        self.econ_table.setHorizontalHeaderLabels(
            ["Site", f"Linear cost\n[{cur}/year]", f"Symbiotic cost\n[{cur}/year]",
             f"Δcost = S − L\n[{cur}/year]", "Missing prices"])
        rows = [[_text_item(e.site_name, f"{e.site_name} ({e.site_id})", key=e.site_id),
                 _num_item(e.linear_cost, money=True), _num_item(e.symbiotic_cost, money=True),
                 _num_item(e.delta, money=True, delta=True),
                 _text_item("; ".join(e.missing_prices))] for e in r.economics]
        missing = sum(len(e.missing_prices) for e in r.economics)
        rows.append([_text_item("Total (all sites)"),
                     _num_item(r.total_cost_linear, money=True),
                     _num_item(r.total_cost_symbiotic, money=True),
                     _num_item(r.total_cost_delta, money=True, delta=True),
                     _text_item(f"{missing} missing price(s): totals are incomplete"
                                if missing else "")])
        _fill(self.econ_table, rows, total_rows={len(rows) - 1})
        if not getattr(r, "prices_given", True):
            self.econ_missing.setText("The scenario gives no prices, fees or exchange payments: "
                                      "the costs are 0 by construction, not a result.")
        else:
            self.econ_missing.setText(
                f"{missing} flow(s) without a price count as 0: the cost totals are incomplete."
                if missing else "")
        self.econ_missing.setVisible(bool(missing) or not getattr(r, "prices_given", True))

        self.cpa_table.setHorizontalHeaderLabels(
            ["Method", "Unit", "Δ impact\n[unit/year]", f"Δcost\n[{cur}/year]",
             f"Cost per avoided unit\n[{cur}/unit]", "Cost unit"])
        rows = []
        for m in r.impacts:
            cpa = r.cost_per_avoided(m.method)
            cpa_item = _num_item(cpa, money=abs(cpa) >= 1 if cpa is not None else False,
                                 delta=True)
            if cpa is None:
                cpa_item.setText("no impact avoided")
                cpa_item.setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            rows.append([_text_item(method_label(m.method)), _text_item(m.unit),
                         _num_item(m.delta, delta=True),
                         _num_item(r.total_cost_delta, money=True, delta=True), cpa_item,
                         _text_item(f"{cur}/{m.unit}")])
        _fill(self.cpa_table, rows)

    # ---- Inventory ----------------------------------------------------------------------
    def _build_inventory(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(_note("Key elementary flows, whole park, per year: summed over the whole "
                            "system (foreground and background), all compartments named."))
        self.inv_table = _make_table(["Flow", "Unit", "Linear (L)\n[unit/year]",
                                      "Symbiotic (S)\n[unit/year]", "Δ = S − L\n[unit/year]"],
                                     stretch=0)
        lay.addWidget(self.inv_table, 1)
        self.tabs.addTab(page, "Inventory")

    def _render_inventory(self) -> None:
        r = self._results
        assert r is not None
        _fill(self.inv_table, [[_text_item(i.label), _text_item(i.unit), _num_item(i.linear),
                                _num_item(i.symbiotic), _num_item(i.delta, delta=True)]
                               for i in r.inventory])

    # ---- Uncertainty --------------------------------------------------------------------
    def _build_uncertainty(self) -> None:
        # a tab from the start, hidden until a run has Monte Carlo results: the page always has
        # its parent (a page taken out of the tabs was a parentless widget that the view's own
        # connections kept alive, and PySide destroyed it at interpreter exit, after the view:
        # the pytest process segfaulted there)
        self.unc_page = QWidget(self.tabs)
        self.tabs.addTab(self.unc_page, "Uncertainty")
        self.tabs.setTabVisible(self.tabs.indexOf(self.unc_page), False)
        lay = QVBoxLayout(self.unc_page)
        self.unc_info = _note("")
        lay.addWidget(self.unc_info)
        top = QHBoxLayout()
        top.addWidget(QLabel("Distribution of Δ for:"))
        self.unc_method = _method_combo("The impact category whose Δ = S − L the histogram shows")
        self.unc_method.currentIndexChanged.connect(lambda _i: self._render_unc_chart())
        top.addWidget(self.unc_method, 1)
        lay.addLayout(top)
        self.unc_table = _make_table(
            ["Method", "Unit", ""] + [f"{s}\n[unit/year]" for s in ("Mean", "Median", "2.5 %",
                                                                   "97.5 %")] + ["P(Δ < 0)"])
        self.unc_table.setWordWrap(True)  # the method name wraps over its three rows
        self.unc_chart = _Chart("Uncertainty")
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.unc_table)
        split.addWidget(self.unc_chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 340])
        split.setChildrenCollapsible(False)
        self.unc_split = split
        lay.addWidget(split, 1)
        self._charts["Uncertainty"] = self.unc_chart

    def current_uncertainty_method(self) -> tuple[str, ...] | None:
        return self.unc_method.currentData()

    def _render_uncertainty(self) -> None:
        r = self._results
        assert r is not None
        self.tabs.setTabVisible(self.tabs.indexOf(self.unc_page), bool(r.uncertainty))
        if not r.uncertainty:
            return
        u0 = r.uncertainty[0]
        self.unc_info.setText(
            f"Paired Monte Carlo: each iteration samples the background and the foreground once "
            f"and evaluates L and S on that same sample. Iterations: {u0.iterations:,}; seed: "
            f"{u0.seed}. P(Δ < 0): the probability that the symbiosis lowers the impact. "
            "Statistics per year, in each method's unit.")
        rows = []
        for u in r.uncertainty:
            for name, d, is_delta in (("Linear (L)", u.linear, False),
                                      ("Symbiotic (S)", u.symbiotic, False),
                                      ("Δ = S − L", u.delta, True)):
                p = _num_item(None)
                if is_delta:
                    p = _num_item(u.probability_delta_negative)
                    p.setText(format_pct(100.0 * u.probability_delta_negative))
                first = name.startswith("Linear")
                rows.append([_text_item(method_label(u.method) if first else "",
                                        method_label(u.method)),
                             _text_item(u.unit if first else "", u.unit),
                             _text_item(name)]
                            + [_num_item(_stat(d, k), delta=is_delta)
                               for k in ("mean", "median", "p2.5", "p97.5")] + [p])
        _fill(self.unc_table, rows)
        # the method and unit cells span their three rows: the name wraps there, never cut
        for k in range(len(r.uncertainty)):
            self.unc_table.setSpan(3 * k, 0, 3, 1)
            self.unc_table.setSpan(3 * k, 1, 3, 1)
            self.unc_table.item(3 * k, 0).setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            self.unc_table.item(3 * k, 1).setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        fm = self.unc_table.fontMetrics()
        self.unc_table.setColumnWidth(0, 160)
        self.unc_table.setColumnWidth(1, max(50, min(100, max(
            fm.horizontalAdvance(u.unit) + 12 for u in r.uncertainty))))
        self.unc_table.setColumnWidth(2, fm.horizontalAdvance("Symbiotic (S)") + 16)

        combo = self.unc_method
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for u in r.uncertainty:
            combo.addItem(method_label(u.method), u.method)
            combo.setItemData(combo.count() - 1, method_label(u.method), Qt.ToolTipRole)
        j = combo.findData(current) if current is not None else -1
        combo.setCurrentIndex(max(j, 0))
        combo.blockSignals(False)
        self._render_unc_chart()

    def _render_unc_chart(self) -> None:
        r = self._results
        m = self.unc_method.currentData()
        if r is None or m is None:
            return
        u = next((x for x in r.uncertainty if tuple(x.method) == tuple(m)), None)
        if u is None:
            return
        chart = self.unc_chart
        fig = chart.figure
        chart.clear()
        ax = fig.add_subplot()
        samples = [v for v in (u.delta_samples or []) if math.isfinite(v)]
        p_text = f"P(Δ < 0) = {format_pct(100.0 * u.probability_delta_negative)}"
        per_year = f"[{u.unit}/year]"
        if samples:
            lo, hi = min(samples), max(samples)
            bins = max(10, min(60, int(math.sqrt(len(samples)) * 1.5)))
            if hi > lo:
                _n, edges, patches = ax.hist(samples, bins=bins, color=_SYMBIOTIC_COLOR,
                                             edgecolor="white", linewidth=0.4)
                for patch, left, right in zip(patches, edges[:-1], edges[1:]):
                    if (left + right) / 2 > 0:  # the symbiosis raises the impact there
                        patch.set_facecolor(_WORSE_COLOR)
            else:  # every draw alike (no uncertainty given)
                ax.bar([lo], [len(samples)], width=abs(lo) * 0.02 or 1.0,
                       color=_SYMBIOTIC_COLOR if lo <= 0 else _WORSE_COLOR)
            ax.axvline(0, color="#333333", linewidth=1.0)
            med, p025, p975 = (_stat(u.delta, k) for k in ("median", "p2.5", "p97.5"))
            if p025 is not None and p975 is not None:
                ax.axvspan(p025, p975, color="#999999", alpha=0.15, zorder=0,
                           label="95 % interval")
            if med is not None:
                ax.axvline(med, color="black", linestyle="--", linewidth=1.0,
                           label=f"median {_eng(med)}")
            ax.set_ylabel("Iterations")
            ax.margins(y=0.2)  # room above the bars for the probability
            # the probability goes on the side away from the bulk of the draws
            x0, x1 = ax.get_xlim()
            centre = med if med is not None else sum(samples) / len(samples)
            left = x1 > x0 and (centre - x0) / (x1 - x0) > 0.5
            fig.legend(loc="outside lower center", ncol=2, fontsize=8, frameon=False)
        else:
            left = True
            ax.set_axis_off()
            ax.text(0.5, 0.4, "The draws of this run were not kept:\nstatistics only.",
                    transform=ax.transAxes, ha="center", va="center", color="#666666",
                    in_layout=False)
        ax.text(0.02 if left else 0.98, 0.97, p_text, transform=ax.transAxes,
                ha="left" if left else "right", va="top", fontsize=10,
                fontweight="bold", color=_SAVING_TEXT.name() if u.probability_delta_negative >= 0.5
                else _BURDEN_TEXT.name(),
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#cccccc"},
                in_layout=False)
        ax.set_xlabel(f"Δ = S − L {per_year}")
        ax.xaxis.set_major_formatter(_axis_formatter())
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        chart.set_title(ax, f"Δ over {u.iterations:,} iterations: {method_label(u.method)}", 9)
        chart.redraw()


def _stat(d: dict[str, float], key: str) -> float | None:
    for k in (key, key.replace("p", "p_"), key.replace(".", "_")):
        if k in d:
            return d[k]
    return None


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
