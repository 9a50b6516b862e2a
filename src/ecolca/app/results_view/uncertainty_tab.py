"""The Uncertainty tab: paired Monte Carlo statistics and the distribution of Δ."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from ecolca.lca.results import method_label
from ecolca.app.results_view.chart import _Chart
from ecolca.app.results_view.common import (_BURDEN_TEXT, _SAVING_TEXT, _SYMBIOTIC_COLOR,
                                            _WORSE_COLOR, _axis_formatter, _eng, _method_combo,
                                            _note, _short_method, _stat, format_eng, format_pct,
                                            row_scale)
from ecolca.app.results_view.table import _fill, _make_table, _num_item, _text_item


_UNC_STATS = {"mean": "Mean", "median": "Median", "p2.5": "2.5 %", "p97.5": "97.5 %"}


def _stat_item(v: float | None, delta: bool, scale=None):
    """A statistic to three significant digits in its method's ``scale`` (``-113``, in kt),
    the exact value in the tooltip: eight columns fit beside or above the histogram without a
    scroll bar."""
    it = _num_item(v, delta=delta)
    it.setText(format_eng(v, signed=delta, scale=scale))
    return it


class _BesideOrAbove(QSplitter):
    """The statistics table beside the histogram when both fit (the table at its ideal width,
    the chart at least ``CHART_MIN`` wide), else above it: on a laptop (1280 or 1366 wide) the
    table's eight columns get the whole width and are never behind a scroll bar."""

    CHART_MIN = 400

    def __init__(self, table, side: QWidget, chart, on_turn=None):
        super().__init__(Qt.Horizontal)
        self.table, self.chart, self.on_turn = table, chart, on_turn
        self.addWidget(table)
        self.addWidget(side)
        self.setChildrenCollapsible(False)
        self.setStretchFactor(0, 0)  # a wider panel widens the histogram
        self.setStretchFactor(1, 1)
        self._dragged = False  # the user moved the handle: their share stays
        self.splitterMoved.connect(lambda *_: setattr(self, "_dragged", True))

    def fit(self, force: bool = True) -> None:
        """The orientation for the width there is; the shares too, unless the user dragged the
        handle since the last run or turn (``force``: new results)."""
        least = self.table.least_width()
        beside = self.width() >= least + self.CHART_MIN
        turned = beside != (self.orientation() == Qt.Horizontal)
        if turned:
            self.setOrientation(Qt.Horizontal if beside else Qt.Vertical)
            # above: a short, wide histogram, no scroll bar of its own
            self.chart.set_min_height(220 if beside else 120, floor=120)
            if self.on_turn is not None and not force:
                self.on_turn()  # the chart's title and legend go where there is room
        if force or turned:
            self._dragged = False
        if self._dragged:
            return
        if beside:
            w = min(self.table.ideal_width(), self.width() - self.CHART_MIN)
            self.setSizes([max(w, least), max(self.width() - w, self.CHART_MIN)])
        else:
            h = self.height()  # the histogram gets the larger share
            self.setSizes([h * 2 // 5, h - h * 2 // 5])

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit(force=False)


class UncertaintyTab:
    """The Uncertainty tab of :class:`~ecolca.app.results_view.ResultsView` (a mixin of the view: it builds
    the tab's widgets on the view and renders the view's results into them)."""

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
        self.unc_table = _make_table(
            ["Method", "Unit\n(per year)", ""] + list(_UNC_STATS.values()) + ["P(Δ < 0)"],
            stretch=0, capped={1: 90}, min_stretch=130, min_column=56, grow_rows=False)
        self.unc_table.setWordWrap(True)  # the method name wraps over its three rows
        h = self.unc_table
        for j, tip in enumerate(["The impact category (full name in the cell's tooltip)",
                                 "Each statistic is per year, in this unit", ""]
                                + [f"{s} of the iterations, per year, in the method's unit; the "
                                   "exact value in the cell's tooltip" for s in
                                   ("Mean", "Median", "2.5th percentile", "97.5th percentile")]
                                + ["The share of iterations in which the symbiosis lowers the "
                                   "impact (Δ = S − L < 0)"]):
            h.horizontalHeaderItem(j).setToolTip(tip)
        self.unc_chart = _Chart("Uncertainty")
        # the histogram's method beside its Export button: one row above the chart, not two
        self.unc_method = _method_combo("The impact category whose Δ = S − L the histogram shows")
        self.unc_method.setMinimumContentsLength(10)
        self.unc_method.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.unc_method.currentIndexChanged.connect(lambda _i: self._render_unc_chart())
        bar = self.unc_chart.toolbar
        first = bar.actions()[0]
        bar.insertWidget(first, QLabel("Distribution of Δ for: "))
        bar.insertWidget(first, self.unc_method)
        bar.insertSeparator(first)
        side = self.unc_chart
        self.unc_split = _BesideOrAbove(self.unc_table, side, self.unc_chart,
                                        on_turn=self._render_unc_chart)
        lay.addWidget(self.unc_split, 1)
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
            f"Paired Monte Carlo · iterations: {u0.iterations:,} · seed: {u0.seed} · statistics "
            "per year, in each method's unit · P(Δ < 0): the probability that the symbiosis "
            "lowers the impact")
        self.unc_info.setToolTip(
            "Each iteration samples the background and the foreground once and evaluates L and "
            "S on that same sample. Numbers to three significant digits in the unit of their "
            "row's Unit cell (kt, Mt, GJ, thousand …); a cell's tooltip holds the exact "
            "value.")
        impacts = {tuple(m.method): m for m in r.impacts}
        uncovered = {k for k, u in enumerate(r.uncertainty)
                     if tuple(u.method) in impacts and not impacts[tuple(u.method)].covered}
        rows = []
        for k, u in enumerate(r.uncertainty):
            if k in uncovered:  # draws of a category the background cannot see: not zeros
                cov = impacts[tuple(u.method)].coverage.label()
                rows += [[_text_item(method_label(u.method) if i == 0 else "",
                                     method_label(u.method)),
                          _text_item(u.unit if i == 0 else "", u.unit), _text_item(name),
                          _text_item(cov if i == 0 else "", cov)]
                         + [_text_item("") for _ in range(len(_UNC_STATS))]
                         for i, name in enumerate(("Linear (L)", "Symbiotic (S)", "Δ = S − L"))]
                continue
            for name, d, is_delta in (("Linear (L)", u.linear, False),
                                      ("Symbiotic (S)", u.symbiotic, False),
                                      ("Δ = S − L", u.delta, True)):
                # one scale per row (its Unit cell): Δ reads in kt beside L and S in Mt
                sc = row_scale([_stat(d, k) for k in _UNC_STATS], u.unit)
                p = _num_item(None)
                if is_delta:
                    p = _num_item(u.probability_delta_negative)
                    p.setText(format_pct(100.0 * u.probability_delta_negative))
                first = name.startswith("Linear")
                rows.append([_text_item(method_label(u.method) if first else "",
                                        method_label(u.method)),
                             _text_item(sc.unit, f"{sc.unit} (the method's unit: {u.unit})"),
                             _text_item(name)]
                            + [_stat_item(_stat(d, k), is_delta, sc) for k in _UNC_STATS] + [p])
        _fill(self.unc_table, rows)
        # the method cell spans its three rows: the name wraps there, never cut (each row has
        # its own unit)
        for k in range(len(r.uncertainty)):
            self.unc_table.setSpan(3 * k, 0, 3, 1)
            self.unc_table.item(3 * k, 0).setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            if k in uncovered:
                self.unc_table.setSpan(3 * k, 3, 3, len(_UNC_STATS) + 1)
        self.unc_table.fit_columns()  # again, now that the spans are set
        self.unc_split.fit()

        combo = self.unc_method
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for k, u in enumerate(r.uncertainty):
            if k in uncovered:
                continue
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
        import numpy as np  # with the first results, not at start-up

        chart = self.unc_chart
        fig = chart.figure
        chart.clear()
        short = self.unc_split.orientation() == Qt.Vertical
        ax = fig.add_subplot()
        samples = [] if u.delta_samples is None else [
            v for v in np.asarray(u.delta_samples, dtype=float).tolist() if math.isfinite(v)]
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
                # a light fill with a darker edge: the legend's swatch is that patch, and a
                # 15 % grey without an edge did not show in it (issue #20)
                ax.axvspan(p025, p975, facecolor=(0.6, 0.6, 0.6, 0.25),
                           edgecolor=(0.35, 0.35, 0.35, 0.9), linewidth=0.8, zorder=0,
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
            if short:  # a wide, short chart under the table: the legend beside, not below
                fig.legend(loc="outside right upper", ncol=1, fontsize=8, frameon=False)
            else:
                fig.legend(loc="outside lower center", ncol=2, fontsize=8, frameon=False)
        else:
            left = True
            ax.set_axis_off()
            ax.text(0.5, 0.4, "The draws of this run were not kept:\nstatistics only.",
                    transform=ax.transAxes, ha="center", va="center", color="#666666",
                    in_layout=False)
        # inside the axes: a corner, then 6 points in (the box at 0.97 with its padding sat on
        # the axes' edge)
        ax.annotate(p_text, (0 if left else 1, 1), xycoords="axes fraction",
                    xytext=(6 if left else -6, -6), textcoords="offset points",
                    ha="left" if left else "right", va="top", fontsize=10,
                    fontweight="bold",
                    color=_SAVING_TEXT.name() if u.probability_delta_negative >= 0.5
                    else _BURDEN_TEXT.name(),
                    bbox={"boxstyle": "round,pad=0.3", "facecolor": "white",
                          "edgecolor": "#cccccc"}, in_layout=False)
        ax.set_xlabel(f"Δ = S − L {per_year}")
        ax.xaxis.set_major_formatter(_axis_formatter())
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        if short:  # the combo right above names the method, the note the iterations
            chart.redraw()
            return
        # the combo above names the method in full; the title keeps it short (a long one took
        # three lines of a small chart)
        chart.set_title(ax, f"Δ over {u.iterations:,} iterations: {_short_method(u.method, 40)}", 9)
        chart.redraw()
