"""The Sites tab: L, S and Δ per site under one attribution key."""

from __future__ import annotations

import math
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from ecolca.lca.results import KEY_LABELS
from ecolca.app.results_view.chart import _Chart
from ecolca.app.results_view.common import (KEYS_NOTE, TOP_SITES, _LINEAR_COLOR,
                                            _SYMBIOTIC_COLOR,
                                            _axis_formatter, _finish_bar_chart, _method_combo,
                                            _note, _wrap2, row_scale)
from ecolca.app.results_view.stacked import draw_pairs, repair
from ecolca.app.results_view.table import _fill, _make_table, _num_item, _text_item


class SitesTab:
    """The Sites tab of :class:`~ecolca.app.results_view.ResultsView` (a mixin of the view: it builds
    the tab's widgets on the view and renders the view's results into them)."""

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
        self.site_table.doubleClicked.connect(
            lambda index: self._site_double_clicked(self.site_table, index))
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
        # one unit for the table (the headers), each row the decimals of its 3 figures
        table = row_scale([x for s in sites for x in (s.linear, s.symbiotic, s.delta)], unit)
        per_year = f"[{table.unit}/year]"
        self.site_table.setHorizontalHeaderLabels(
            ["Site", f"Linear (L)\n{per_year}", f"Symbiotic (S)\n{per_year}",
             f"Δ = S − L\n{per_year}"])
        fits = [table.fit([s.linear, s.symbiotic, s.delta]) for s in sites]
        _fill(self.site_table, [
            [_text_item(s.site_name, f"{s.site_name} ({s.site_id})", key=s.site_id),
             _num_item(s.linear, scale=sc), _num_item(s.symbiotic, scale=sc),
             _num_item(s.delta, delta=True, scale=sc)]
            for s, sc in zip(sites, fits)])

        # the chart: every site, or the TOP_SITES with the largest |Δ| and one bar that sums
        # the others (a chart of 1,000 sites took seconds to lay out and no one can read it)
        shown, names = list(sites), [s.site_name for s in sites]
        if len(sites) > TOP_SITES:
            ranked = sorted(sites, key=lambda s: abs(s.delta), reverse=True)
            shown, rest = ranked[:TOP_SITES], ranked[TOP_SITES:]
            lin, sym = math.fsum(s.linear for s in rest), math.fsum(s.symbiotic for s in rest)
            shown.append(SimpleNamespace(linear=lin, symbiotic=sym, delta=sym - lin,
                                         site_name=f"other sites ({len(rest)})"))
            names = [s.site_name for s in shown]
        state_key = (m, key, len(sites), tuple(names))
        if repair(self.site_chart, getattr(self, "_site_pairs", None), shown, state_key):
            self.site_chart.update_animated()  # a live edit: moved in place
            return
        fig = self.site_chart.figure
        self.site_chart.clear()
        self.site_chart.set_min_height(130 + 34 * len(shown))  # two-line names apart
        ax = fig.add_subplot()
        y = list(range(len(shown)))
        self._site_pairs = draw_pairs(self.site_chart, ax, shown, state_key,
                                      (_LINEAR_COLOR, _SYMBIOTIC_COLOR))
        ax.set_yticks(y, [_wrap2(n, 24) for n in names], fontsize=8)
        self.site_chart.set_row_tooltips(ax, names)
        ax.set_ylim(len(shown) - 0.5, -0.5)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_xlabel(f"Impact {per_year}")
        ax.xaxis.set_major_formatter(_axis_formatter())
        key_label = KEY_LABELS.get(key, key)
        title = f"Per site: {': '.join(m[:2])}\nkey: {key_label}"
        if len(shown) < len(sites):
            title += (f"\n(top {TOP_SITES} of {len(sites)} sites by |Δ|, the rest summed; the "
                      "table lists every site)")
        self.site_chart.set_title(ax, title, 9)
        _finish_bar_chart(fig, ax, 2, None if sites else "No per-site figures under this key")
        self.site_chart.redraw()

    def _site_double_clicked(self, table, index) -> None:
        first = table.item(index.row(), 0)
        if first is not None and first.data(Qt.UserRole):
            self.siteActivated.emit(str(first.data(Qt.UserRole)))
