"""The Sensitivity tab: which inputs move Δ. A tornado chart (Δ with each parameter at the low
and the high end of its range, the others at their values) and a table with every parameter that
moves Δ, its range and basis and, after a Monte Carlo run, its share of the variance of Δ
(docs/engine.md, "Sensitivity")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from ecolca.app.results_view.chart import _Chart
from ecolca.app.results_view.common import (_axis_formatter, _chart_label, _method_combo, _note,
                                            format_pct)
from ecolca.app.results_view.table import _fill, _make_table, _num_item, _text_item
from ecolca.app.labels import parameter_name
from ecolca.lca.results import method_label

TORNADO_BARS = 12
# the table lists this many parameters, the largest swings first; the others are counted in the
# note (a 1,000-site park has some 11,000 that move Δ: their rows took 1-3 s of the GUI thread to
# make and measure, and the report lists its 40 largest the same way)
SENS_ROWS = 500
SENS_INFO = ("One at a time: each parameter moved to the 2.5 and 97.5 % quantiles of its "
             "distribution, or ±10 % where it has none, the others at their values. Bars: Δ at "
             "each end. After a Monte Carlo run, S1 is the parameter's share of the variance of Δ.")


class SensitivityTab:
    """The Sensitivity tab of :class:`~ecolca.app.results_view.ResultsView` (a mixin)."""

    def _build_sensitivity(self) -> None:
        self.sens_page = QWidget(self.tabs)
        self.tabs.addTab(self.sens_page, "Sensitivity")
        lay = QVBoxLayout(self.sens_page)
        self.sens_info = _note(SENS_INFO)
        lay.addWidget(self.sens_info)
        top = QHBoxLayout()
        top.addWidget(QLabel("Method:"))
        self.sens_method = _method_combo("The impact category whose Δ the tornado shows")
        self.sens_method.currentIndexChanged.connect(lambda _i: self._render_sens_method())
        top.addWidget(self.sens_method, 1)
        lay.addLayout(top)
        self.sens_chart = _Chart("Sensitivity")
        self.sens_table = _make_table(["Parameter", "Value", "Low", "High", "Range",
                                       "Δ at low\n[unit/year]", "Δ at high\n[unit/year]",
                                       "S1"], stretch=0)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.sens_chart)
        split.addWidget(self.sens_table)
        split.setChildrenCollapsible(False)
        split.setSizes([420, 160])
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        self._charts["Sensitivity"] = self.sens_chart

    def _render_sensitivity(self) -> None:
        r = self._results
        assert r is not None
        shown = [s for s in r.sensitivity if r.impact(s.method).covered]
        self.tabs.setTabVisible(self.tabs.indexOf(self.sens_page), bool(shown))
        combo = self.sens_method
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for s in shown:
            combo.addItem(method_label(s.method), s.method)
            combo.setItemData(combo.count() - 1, method_label(s.method), Qt.ToolTipRole)
        j = combo.findData(current) if current is not None else -1
        combo.setCurrentIndex(max(j, 0))
        combo.blockSignals(False)
        self._render_sens_method()

    def _render_sens_method(self) -> None:
        r = self._results
        m = self.sens_method.currentData()
        if r is None or m is None:
            return
        s = next((x for x in r.sensitivity if tuple(x.method) == tuple(m)), None)
        if s is None:
            return
        rows = s.moving_rows(SENS_ROWS)  # only these are built; the others are counted
        n_moving = s.n_moving()
        self.sens_info.setText(SENS_INFO + (
            f" The table lists the {len(rows):,} parameters with the largest swing of the "
            f"{n_moving:,} that move Δ." if len(rows) < n_moving else ""))
        shares = {g.parameter: g.s1 for g in s.global_shares}
        # exchanges by name, fields in words: never an id the app made ("ex-39f48f9a")
        names = {x.parameter: parameter_name(x.item, x.field, self._exchange_labels)
                 for x in rows}
        _fill(self.sens_table, [
            [_text_item(names[x.parameter], names[x.parameter]), _num_item(x.value),
             _num_item(x.low),
             _num_item(x.high), _text_item(x.basis, x.basis),
             _num_item(x.delta_low, delta=True), _num_item(x.delta_high, delta=True),
             _text_item(format_pct(100 * max(shares[x.parameter], 0.0))
                        if x.parameter in shares else "—")]
            for x in rows])
        self.sens_table.setColumnWidth(0, 300)
        chart = self.sens_chart
        chart.clear()
        fig = chart.figure
        ax = fig.add_subplot()
        bars = rows[:TORNADO_BARS][::-1]  # the largest swing on top
        if not bars:
            ax.text(0.5, 0.5, "No parameter moves Δ in this category", ha="center",
                    va="center", transform=ax.transAxes)
            ax.set_axis_off()
            chart.redraw()
            return
        y = range(len(bars))
        base = s.delta
        for i, x in zip(y, bars):
            for end, colour in ((x.delta_low, "#4472C4"), (x.delta_high, "#ED7D31")):
                ax.barh(i, end - base, left=base, color=colour, height=0.6)
        ax.axvline(base, color="#333333", linewidth=1.0)
        ax.set_yticks(list(y), [_chart_label(names[x.parameter], 42) for x in bars], fontsize=8)
        ax.xaxis.set_major_formatter(_axis_formatter())
        ax.set_xlabel(f"Δ = S − L [{s.unit}/year]; line: Δ of the run")
        ax.set_title("Δ with each parameter at the low (blue) and the high (orange) end of its "
                     "range", fontsize=9)
        chart.set_min_height(120 + 26 * len(bars))
        chart.redraw()
