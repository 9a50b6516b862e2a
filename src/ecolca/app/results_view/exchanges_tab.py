"""The Exchanges tab: Δ_e per exchange, split into its parts, chart and table."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ecolca.app.labels import short_from_label as _short_from_label
from ecolca.lca.results import ExchangeParts
from ecolca.lca.results import verdict as _report_verdict  # one wording for app and report
from ecolca.app.results_view.chart import _Chart
from ecolca.app.results_view.common import (PARTS, TOP_EXCHANGES, _axis_formatter,
                                            _chart_label, _finish_bar_chart, _method_combo, _note,
                                            _short_method, _shorten, row_scale)
from ecolca.app.results_view.room import TableFirst
from ecolca.app.results_view.stacked import draw_stacks, restack
from ecolca.app.results_view.table import LazyRows, _fill, _make_table, _num_item, _text_item


TABLE_ROWS = 12  # the Exchanges table's rows shown before the chart gets the room


class ExchangesTab:
    """The Exchanges tab of :class:`~ecolca.app.results_view.ResultsView` (a mixin of the view: it builds
    the tab's widgets on the view and renders the view's results into them)."""

    def _build_exchanges(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
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
        self.ex_table.doubleClicked.connect(self._exchange_double_clicked)
        chart_box = QWidget()
        cl = QVBoxLayout(chart_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.ex_chart, 1)
        cl.addWidget(self.ex_note)
        # the table first: every exchange's row when there is room, at least TABLE_ROWS; the
        # chart above it when the room is left (issue #20.6: a laptop showed one row)
        split = TableFirst(self.ex_table, chart_box, chart_above=True, rows=TABLE_ROWS)
        self.ex_split = split
        top.addWidget(split.toggle)
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
        # one unit for the table (the headers), from its largest value; in each row Δ_e and the
        # largest part keep 3 significant figures, a smaller part one
        table = row_scale([getattr(p, f) for p in parts for f in
                           [f for f, _ in PARTS] + ["total"]], unit)
        per_year = f"[{table.unit}/year]"
        headers = ["Exchange", "Supplier: residue → receiver: supply"] + [
            f"{lab}\n{per_year}" for _, lab in PARTS] + [
            f"Δ_e\n{per_year}", "Distance\n[km]", "Break-even\ndistance [km]", "Verdict"]
        self.ex_table.setHorizontalHeaderLabels(headers)
        def make(i: int) -> list:  # a row, when the view first shows or measures it
            p = parts[i]
            values = [getattr(p, f) for f, _ in PARTS] + [p.total]
            sc = table.fit(values, lead=[len(PARTS)])
            return ([_text_item(self.exchange_label(p), f"{p.label}\nid: {p.exchange_id}",
                                key=p.exchange_id),
                     _text_item(_shorten(p.label, 70), p.label)]
                    + [_num_item(v, delta=True, scale=sc) for v in values]
                    + [_num_item(p.distance_km),
                       _num_item(p.break_even_km),
                       # no data, one side without data, below precision: in words
                       _text_item(p.note or _report_verdict(p), p.note)])

        fields = [f for f, _ in PARTS] + ["total", "distance_km", "break_even_km"]

        def measure(j: int) -> list | None:  # what makes column j's text wide, per row
            if j == 0:
                return [len(self.exchange_label(p)) for p in parts]
            if j == 1:
                return [min(len(p.label), 70) for p in parts]
            if 2 <= j < 2 + len(fields):
                return [abs(v) if isinstance(v := getattr(p, fields[j - 2]), (int, float))
                        and math.isfinite(v) else 0.0 for p in parts]
            return [len(p.note or _report_verdict(p)) for p in parts]

        rows = LazyRows(len(parts), make, measure)
        self.ex_table.sortByColumn(-1, Qt.AscendingOrder)  # keep the scenario's order
        _fill(self.ex_table, rows)
        self.ex_table.setColumnWidth(1, min(self.ex_table.columnWidth(1), 280))
        self.ex_table._spread()
        self.ex_split.refit()

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
        one_sided = [p for p in parts if p.note and "side has no data" in p.note]
        if one_sided:
            self.ex_note.setText((self.ex_note.text() + "\n").lstrip() + "; ".join(
                f"{self.exchange_label(p)}: {p.note}" for p in one_sided[:5]) + (
                f"; and {len(one_sided) - 5} more" if len(one_sided) > 5 else ""))
        self.ex_note.setVisible(others is not None or bool(one_sided))
        bars = shown + ([others] if others else [])
        self.ex_chart.set_min_height(150 + 30 * len(bars))
        self._exchange_rows = bars
        self._others_count = len(parts) - len(shown)

        labels = [_chart_label(self.exchange_label(p)) if p.exchange_id else p.label
                  for p in bars]
        key = (m, len(parts), tuple((p.exchange_id, p.label) for p in bars), tuple(labels))
        if restack(self.ex_chart, getattr(self, "_ex_stacks", None), bars, key):
            self.ex_chart.update_animated()  # a live edit: moved in place
            return
        fig = self.ex_chart.figure
        self.ex_chart.clear()
        ax = fig.add_subplot()
        y = list(range(len(bars)))
        self._ex_stacks = draw_stacks(self.ex_chart, ax, bars, key)
        # "residue → receiving site" labels the bar (as the first column of the table below);
        # hovering a bar shows the full "site: residue → site: supply"
        fs = 8 if len(bars) <= 12 else 7
        ax.set_yticks(y, labels, fontsize=fs)
        self.ex_chart.set_row_tooltips(ax, [f"{p.label}\nid: {p.exchange_id}" if p.exchange_id
                                            else p.label for p in bars])
        ax.set_ylim(len(bars) - 0.5, -0.5)  # first bar at the top
        ax.set_xlabel(f"Contribution to Δ_e [{unit}/year]  (negative = saving)")
        ax.xaxis.set_major_formatter(_axis_formatter())
        title = f"Where the saving comes from: {_short_method(m, 80)}"
        if others is not None:
            title += f"\n(top {TOP_EXCHANGES} of {len(parts)} exchanges by |Δ_e|, rest as “others”)"
        self.ex_chart.set_title(ax, title, 10)
        _finish_bar_chart(fig, ax, 5, None if bars else "No exchanges in this scenario")
        self.ex_chart.redraw()

    def _exchange_double_clicked(self, index) -> None:
        first = self.ex_table.item(index.row(), 0)
        if first is not None and first.data(Qt.UserRole):
            self.exchangeActivated.emit(str(first.data(Qt.UserRole)))
