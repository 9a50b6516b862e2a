"""The results view: tables and charts of one comparison (methodology.md §3).

:class:`ResultsView` renders a :class:`~ecolca.lca.results.Results` in tabs (Summary, At a
glance, Exchanges, Sites, Economics, Inventory and, when there is a Monte Carlo run,
Uncertainty). It only reads the results; it computes nothing but sums for display. Labels follow
the Excel report (:mod:`ecolca.report`) so the app and the report say the same thing.

Sign convention everywhere: Δ = S − L; negative (green) means the symbiosis lowers the impact.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from ecolca.lca.results import ExchangeParts, Results, method_label
from ecolca.app.results_view.chart import _Veil
from ecolca.app.results_view.common import EMPTY_TEXT, STALE_TEXT, _CHART_TABS
from ecolca.app.results_view.economics_tab import EconomicsTab
from ecolca.app.results_view.exchanges_tab import ExchangesTab
from ecolca.app.results_view.glance_tab import GlanceTab
from ecolca.app.results_view.inventory_tab import InventoryTab
from ecolca.app.results_view.sites_tab import SitesTab
from ecolca.app.results_view.summary_tab import SummaryTab
from ecolca.app.results_view.sensitivity_tab import SensitivityTab
from ecolca.app.results_view.uncertainty_tab import UncertaintyTab

if TYPE_CHECKING:  # matplotlib loads with the first chart drawn (results_view/chart.py)
    from matplotlib.figure import Figure


class ResultsView(SummaryTab, GlanceTab, ExchangesTab, SitesTab, EconomicsTab, InventoryTab,
                  SensitivityTab, UncertaintyTab, QWidget):
    """All results of one comparison. Each tab is built and rendered by its own module
    (``summary_tab``, ``exchanges_tab``, …); the view holds the shared state and public API.

    ``set_results(results)`` shows a run (``None``: the empty state) and clears the stale flag;
    ``set_stale(True)`` shows the out-of-date banner and greys the content.
    ``exchangeActivated(id)`` / ``siteActivated(id)`` fire when a row is double-clicked.
    ``export_chart(tab, path)`` saves the chart of tab Summary, Exchanges or Sites as PNG/SVG.
    """

    exchangeActivated = Signal(str)
    siteActivated = Signal(str)
    layoutWanted = Signal()  # wanted_height() changed (another number of methods)

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
        self._build_glance()
        self._build_exchanges()
        self._build_sites()
        self._build_economics()
        self._build_inventory()
        self._build_sensitivity()
        self._build_uncertainty()

        self._dirty: set[str] = set()  # tabs whose content is not that of the results shown
        self.before_render = None  # called before a tab left out of a live update is rendered
        self.tabs.currentChanged.connect(self._tab_changed)
        for name, tables in (("Summary", [self.summary_table]), ("Exchanges", [self.ex_table]),
                             ("Sites", [self.site_table]),
                             ("Economics", [self.econ_table, self.cpa_table]),
                             ("Inventory", [self.inv_table]), ("Sensitivity", [self.sens_table]),
                             ("Uncertainty", [self.unc_table])):
            for t in tables:  # a table read before its tab was shown is filled first
                t.before_read = lambda name=name: self._ensure(name)
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

    def wanted_height(self) -> int:
        """The height at which the Summary shows every method's row whole, with its headline
        (issue #20.6): what the main window's splitter gives the results when it can."""
        n = len(self._results.impacts) if self._results is not None else 10
        fm = self.summary_head.fontMetrics()
        head = self.summary_head
        lines = head.heightForWidth(max(self.width() - 80, 300)) if head.text() else 0
        head_h = max(lines, 2 * fm.lineSpacing())
        t = self.summary_table
        table = (max(t.horizontalHeader().sizeHint().height(), t.horizontalHeader().minimumHeight())
                 + n * t.verticalHeader().defaultSectionSize() + 2 * t.frameWidth() + 4
                 + (t.horizontalScrollBar().sizeHint().height()  # a narrow window scrolls
                    if t.horizontalScrollBar().maximum() > 0 else 0))
        m = self.layout().contentsMargins()
        pm = self.summary_page.layout().contentsMargins()
        return (m.top() + m.bottom() + self.tabs.tabBar().sizeHint().height() + 4
                + pm.top() + pm.bottom() + head_h + 2 * 4 + table
                + (self.banner.sizeHint().height() if self.banner.isVisible() else 0))

    def _renderers(self) -> dict:
        return {"Summary": self._render_summary, "At a glance": self._render_glance,
                "Exchanges": self._render_exchanges,
                "Sites": self._render_sites, "Economics": self._render_economics,
                "Inventory": self._render_inventory, "Sensitivity": self._render_sensitivity,
                "Uncertainty": self._render_uncertainty}

    def _tab_changed(self, index: int) -> None:
        """A tab is rendered when it is first shown after results arrived (or after a live
        update left it out)."""
        self._ensure(self.tabs.tabText(index))

    def _ensure(self, name: str) -> None:
        """Render tab ``name`` now if its content is not that of the results shown."""
        if name in self._dirty and self.before_render is not None:
            self.before_render()
        if name in self._dirty and self._results is not None:
            self._dirty.discard(name)
            self._renderers()[name]()

    def set_results(self, results: Results | None,
                    exchange_labels: dict[str, str] | None = None,
                    only_visible: bool = False) -> None:
        """Show ``results`` (a fresh run: the stale flag is cleared); ``None`` shows the empty
        state. ``exchange_labels``: the short name of each exchange id ("fly ash → Cement
        plant", see :func:`exchange_labels`); without it they are read from the results'
        labels. The tab on screen is rendered now, the others when they are shown (or their
        table or chart is read). ``only_visible`` (live updates while editing): the Uncertainty
        tab keeps the last run's draws."""
        rows = len(self._results.impacts) if self._results is not None else None
        self._results = results
        self._exchange_labels = dict(exchange_labels or {})
        self._stale = False
        if results is None:
            self.stack.setCurrentWidget(self.empty_label)
            self._update_stale()
            return
        if only_visible and self.stack.currentWidget() is self.tabs:
            # a live update: the methods and the key are those of the run already shown
            self._render_live()
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
        self._dirty = set(self._renderers())
        self._show_optional_tabs(results)
        self.stack.setCurrentWidget(self.tabs)
        self._ensure(self.current_tab())
        self._update_stale()
        if rows != len(results.impacts):
            self.layoutWanted.emit()

    def _show_optional_tabs(self, results: Results) -> None:
        """Sensitivity when a parameter of a covered category moves Δ; Uncertainty after a run
        with Monte Carlo iterations."""
        sens = any(results.impact(s.method).covered for s in results.sensitivity)
        self.tabs.setTabVisible(self.tabs.indexOf(self.sens_page), sens)
        self.tabs.setTabVisible(self.tabs.indexOf(self.unc_page), bool(results.uncertainty))

    def _render_live(self) -> None:
        """Render the tab on screen now, the others when they are shown; the Uncertainty tab
        keeps the last run's draws. The Summary updates its table and chart in place."""
        renderers = self._renderers()
        current = self.current_tab()
        # the Uncertainty tab keeps the last run's draws (still to render if never shown)
        self._dirty = {n for n in renderers if n not in (current, "Uncertainty")} | (
            self._dirty & {"Uncertainty"})
        if current == "Summary":
            self._render_summary(live=True)
        elif current in renderers and current != "Uncertainty":
            renderers[current]()

    def defer_results(self, results: Results,
                      exchange_labels: dict[str, str] | None = None) -> None:
        """L and S of a live update while a tab other than the Summary is on screen: nothing is
        drawn now; each tab (but Uncertainty, which keeps the last run's draws) is drawn from
        the full results (:meth:`adopt_results`), or when it is shown."""
        self._results = results
        self._exchange_labels = dict(exchange_labels or {})
        self._stale = False
        self._dirty = {n for n in self._renderers() if n != "Uncertainty"} | (
            self._dirty & {"Uncertainty"})
        self._update_stale()

    def adopt_results(self, results: Results) -> None:
        """The full results of a live update whose Summary is already drawn from the same
        figures: kept for the tabs still to render; the tab on screen is drawn if it is one
        (:meth:`defer_results`)."""
        self._results = results
        if self.stack.currentWidget() is self.tabs:
            self._ensure(self.current_tab())

    def current_tab(self) -> str:
        return self.tabs.tabText(self.tabs.currentIndex())

    def set_stale(self, stale: bool, text: str | None = None) -> None:
        """Mark the shown results as out of date (banner on top, content greyed) or current;
        ``text`` replaces the banner's standard wording."""
        self._stale = bool(stale)
        self.banner.setText(text or STALE_TEXT)
        self._update_stale()

    def is_stale(self) -> bool:
        return self._stale

    def export_chart(self, tab_name: str, path: str | Path) -> Path:
        """Save the chart of ``tab_name`` (Summary, Exchanges, Sites) to ``path``; the format
        follows the extension (.png or .svg). Returns the path."""
        if self._results is None:
            raise ValueError("no results to export")
        self._ensure(tab_name)
        chart = self._charts.get(tab_name)
        if tab_name == "Uncertainty" and not self._results.uncertainty:
            chart = None
        if chart is None:
            raise ValueError(f"no chart on tab {tab_name!r}; charts: {', '.join(_CHART_TABS)}")
        return chart.export(path)

    def chart_figure(self, tab_name: str) -> Figure:
        """The matplotlib figure of a tab's chart (for tests and export)."""
        self._ensure(tab_name)
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
