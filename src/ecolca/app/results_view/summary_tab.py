"""The Summary tab: every method's L, S and Δ, and S relative to L."""

from __future__ import annotations

import math
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from ecolca.app.labels import delta_note
from ecolca.lca.results import method_label
from ecolca.app.results_view.chart import _Chart
from ecolca.app.results_view.room import CHART_MIN, TableFirst
from ecolca.app.results_view.common import (_SYMBIOTIC_COLOR, _WORSE_COLOR, _html, _note,
                                            _short_method, row_scale)
from ecolca.app.results_view.table import (_fill, _make_table, _num_item, _refill, _text_item,
                                           set_cells)


def method_names(label: str) -> list[str]:
    """A method's name, longest first, for a column too narrow for the whole: "IPCC 2021 |
    climate change | global warming potential (GWP100)", then "… | climate change | GWP100"
    (the indicator's abbreviation in brackets, and what follows it), then the first two levels
    ("IPCC 2021 | climate change"). The table elides the last if even it does not fit."""
    levels = label.split(" | ")
    if len(levels) < 3:
        return [label]
    first, second, last = levels[0], " | ".join(levels[1:-1]), levels[-1]
    short = re.search(r"\(([A-Z][A-Za-z0-9.,\-]{0,14})\)(.*)$", last)
    last = (short.group(1) + short.group(2)).strip() if short else None
    # the method's family without its version's details: "ReCiPe 2016 v1.03, midpoint (H)"
    # reads "ReCiPe 2016 v1.03"; "Cumulative Energy Demand (CED)" reads "CED"
    acronym = re.search(r"\(([A-Z][A-Za-z0-9]{1,9})\)$", first)
    brief = acronym.group(1) if acronym else first.split(", ")[0]
    names = [label]
    for fam in dict.fromkeys([first, brief]):
        if last:
            names.append(f"{fam} | {second} | {last}")
    names += [f"{fam} | {second}" for fam in dict.fromkeys([first, brief])]
    if ": " in second:  # "energy resources: non-renewable" reads "energy resources"
        names.append(f"{brief} | {second.split(': ')[0]}")
    return list(dict.fromkeys(names))


class SummaryTab:
    """The Summary tab of :class:`~ecolca.app.results_view.ResultsView` (a mixin of the view: it builds
    the tab's widgets on the view and renders the view's results into them)."""

    def _build_summary(self) -> None:
        page = self.summary_page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        # the headline in two or three lines; the notes in full under "details" (a laptop
        # shows every method's row: issue #20.6)
        self.summary_head = _note("", "color: #333;")
        self.summary_head.setTextInteractionFlags(Qt.TextBrowserInteraction)
        self.summary_head.linkActivated.connect(lambda _link: self._toggle_summary_details())
        self.summary_info = _note("")
        self.summary_info.setStyleSheet("color: #333;")
        self.summary_details = QScrollArea()
        self.summary_details.setWidgetResizable(True)
        self.summary_details.setFrameShape(QScrollArea.NoFrame)
        self.summary_details.setWidget(self.summary_info)
        self.summary_details.setMaximumHeight(140)
        self.summary_details.hide()
        self.summary_table = _make_table(
            ["Method", "Unit", "Linear (L)\n[unit/year]", "Symbiotic (S)\n[unit/year]",
             "Δ = S − L\n[unit/year]", "Δ [%]"], stretch=0, capped={1: 150},
            min_stretch=150, min_column=60)
        self.summary_chart = _Chart("Summary")
        # names wrap when every row still fits, else one line a method (whole in the tooltip)
        self.summary_split = TableFirst(self.summary_table, self.summary_chart,
                                        wrap_if_room=True)
        self.summary_split.rows_fitted = self._fit_method_names
        head = QHBoxLayout()
        head.addWidget(self.summary_head, 1)
        head.addWidget(self.summary_split.toggle, 0, Qt.AlignTop)
        lay.addLayout(head)
        lay.addWidget(self.summary_details)
        lay.addWidget(self.summary_split, 1)
        self.tabs.addTab(page, "Summary")
        self._charts = {"Summary": self.summary_chart}

    def _fit_method_names(self, wrapped: bool) -> bool:
        """Each method's name whole in its row: the full name when rows wrap, else the
        longest of :func:`method_names` that fits on one line (the full name in the tooltip).
        True when a name changed."""
        t = self.summary_table
        model = t.model()
        fm = t.fontMetrics()
        width = t.columnWidth(0) - t.PAD
        changed = False
        for row in model.rows:
            c = row[0] if row else None
            if c is None or not isinstance(c.key, str):
                continue
            names = method_names(c.key) if not wrapped else [c.key]
            text = next((n for n in names if fm.horizontalAdvance(n) <= width), names[-1])
            if c.text() != text:
                c.setText(text)
                changed = True
        if changed:
            model.changed()
        return changed

    def _toggle_summary_details(self) -> None:
        self.summary_details.setVisible(not self.summary_details.isVisible())
        self.summary_head.setText(self._summary_headline())

    def _summary_rows(self) -> list:
        rows = []
        for m in self._results.impacts:
            name = _text_item(method_label(m.method), key=method_label(m.method))
            if not m.covered:  # no data is not a zero
                cov = m.coverage.label()
                rows.append([name, _text_item(m.unit), _text_item(cov), _text_item(""),
                             _text_item(""), _text_item("")])
                continue
            pct = _text_item("n/m", m.pct_note) if m.pct_note else \
                _num_item(m.delta_pct, delta=True, pct=True)
            sc = row_scale([m.linear, m.symbiotic, m.delta], m.unit)  # one scale per row
            first = _num_item(m.linear, scale=sc)
            if m.coverage is not None and m.coverage.status == "partial":
                name.setToolTip(f"{method_label(m.method)}\nCoverage {m.coverage.label()}")
            delta = _num_item(m.delta, delta=True, scale=sc)
            # below precision, or one side of some exchanges without data (named in words)
            tips = [f"Δ {delta_note(m, self._exchange_labels)}"] if m.delta_note else []
            u = self._results.uncertainty_of(m.method)
            if u is not None and u.deterministic is not None:
                tips.append(u.headline())  # beside the Monte Carlo median and interval
            if tips:
                delta.setToolTip("\n".join(tips))
            rows.append([name, _text_item(sc.unit, f"{sc.unit} (the method's unit: {m.unit})"),
                         first, _num_item(m.symbiotic, scale=sc), delta, pct])
        return rows

    @staticmethod
    def _summary_key(impacts) -> tuple:
        """What the Summary's layout depends on: the methods shown, the coverage, the note."""
        return tuple((m.method, m.covered, bool(m.pct_note)) for m in impacts)

    def _summary_in_place(self) -> bool:
        """A live update: the table's items and the chart's bars and values change in place
        (no new model, no layout, no full draw). False when the layout would change."""
        r = self._results
        st = getattr(self, "_summary_live", None)
        if st is None or st["key"] != self._summary_key(r.impacts):
            return False
        rel = [m.relative for m in r.impacts if m.covered] if st["bars"] else []
        vals = [v if v is not None and math.isfinite(v) else 0.0 for v in rel]
        if vals and (max(vals) > st["room"] or min(vals) < 0):
            return False  # the axis must grow: a full draw
        if not self._summary_numbers(st):
            st["cells"] = {}
            if not _refill(self.summary_table, self._summary_rows()):
                return False
            self._fit_method_names(self.summary_table.grow_rows)
        self._set_summary_text()
        if st["bars"]:
            self._place_bars(st["bars"], st["texts"], rel, st["top"])
            self.summary_chart.update_animated()
        return True

    def _summary_numbers(self, st) -> bool:
        """The number cells of the Summary's table set in place, only those whose value
        changed (a live update: the methods, units and notes are those already shown, see
        :meth:`_summary_key`); each as :func:`_num_item` makes it, one ``dataChanged`` for
        them all. False when the table is not the one drawn for ``st``."""
        t = self.summary_table
        r = self._results
        if t.isSortingEnabled() or t.rowCount() != len(r.impacts) or st.get("table") is not t:
            return False
        shown = st.setdefault("cells", {})  # (row, column) -> the raw value the cell shows
        todo = []
        for i, m in enumerate(r.impacts):
            if not m.covered:
                continue
            sc = row_scale([m.linear, m.symbiotic, m.delta], m.unit)
            if shown.get((i, "scale")) not in (None, sc):
                if t.item(i, 1) is None or t.item(i, 1).text() != sc.unit:
                    return False  # the row's unit changes (kt → Mt): the rows again
                for j in (2, 3, 4):  # the row's decimals change: its three numbers again
                    shown.pop((i, j), None)
            shown[(i, "scale")] = sc
            cells = [(2, m.linear, {"scale": sc}), (3, m.symbiotic, {"scale": sc}),
                     (4, m.delta, {"delta": True, "scale": sc})]
            if not m.pct_note:
                cells.append((5, m.delta_pct, {"delta": True, "pct": True}))
            for j, v, kw in cells:
                raw = float(v) if isinstance(v, (int, float)) and math.isfinite(v) else None
                if raw is None or shown.get((i, j)) != raw:
                    todo.append((i, j, v, kw, raw))
        if not todo:
            return True
        if any(t.item(i, j) is None for i, j, *_ in todo):
            return False
        set_cells(t, [(i, j, _num_item(v, **kw)) for i, j, v, kw, _raw in todo])
        for i, j, _v, _kw, raw in todo:
            shown[(i, j)] = raw
        return True

    def _set_summary_text(self) -> None:
        self.summary_info.setText(self._summary_text())
        self.summary_head.setText(self._summary_headline())

    def _summary_headline(self) -> str:
        """The headline in two or three lines: the scenario, how to read Δ, and a line for
        each kind of note (Δ notes; the Monte Carlo interval), the notes whole under
        "details" (:meth:`_summary_text`)."""
        r = self._results
        lines = [f"<b>{_html(r.scenario_name)}</b> · reference year {r.reference_year} · per "
                 "year, whole park "
                 "· Δ = S − L: negative (green) the symbiosis lowers the impact, positive (red) "
                 "it raises it"]
        noted = [m for m in r.impacts if m.covered and m.delta_note]
        if noted:
            names = ", ".join(_html(_short_method(m.method, 200)) for m in noted[:2])
            more = f" and {len(noted) - 2} more" if len(noted) > 2 else ""
            lines.append(f"⚠ {len(noted)} method{'s' if len(noted) > 1 else ''} with a note on "
                         f"Δ ({names}{more})")
        mc = self._monte_carlo_headline()
        if mc:
            lines.append(mc)
        if noted or mc.startswith("⚠"):
            open_ = self.summary_details.isVisible()
            lines[-1] += (f" · <a href='details'>{'hide details' if open_ else 'details'}</a>")
        return "<br>".join(lines)

    def _monte_carlo_shown(self) -> tuple[str, list, list]:
        """(why there is no interval, as HTML, or ""; the uncertainty results of covered
        methods with a deterministic Δ; those whose deterministic Δ lies outside the interval)."""
        r = self._results
        if r.monte_carlo_note():
            return _html(r.monte_carlo_note()), [], []
        shown = [u for u in r.uncertainty if u.deterministic is not None and
                 r.impact(u.method).covered]
        return "", shown, [u for u in shown if u.outside]

    def _monte_carlo_headline(self) -> str:
        """:meth:`_monte_carlo_text` in one line: how many methods have their deterministic Δ
        outside the 95 % interval, and the parameters that put it there."""
        note, shown, out = self._monte_carlo_shown()
        if note:
            return f"Monte Carlo: {note}."
        if not shown:
            return ""
        if not out:
            return (f"Monte Carlo ({shown[0].iterations:,} draws): the deterministic Δ lies "
                    f"inside the 95 % interval for all {len(shown)} methods")
        why: list[str] = []
        for u in out:
            why += [c["parameter"] for c in u.causes if c["parameter"] not in why]
        because = ("; why: " + _html("; ".join(why[:2])) + (
            f" and {len(why) - 2} more" if len(why) > 2 else "")) if why else ""
        return (f"⚠ Monte Carlo ({shown[0].iterations:,} draws): the deterministic Δ lies "
                f"<b>outside</b> the 95 % interval for {len(out)} of {len(shown)} "
                f"methods{because}")

    def _summary_text(self) -> str:
        r = self._results
        notes = "".join(f"<br>⚠ {_html(_short_method(m.method, 60))}: Δ "
                        f"{_html(delta_note(m, self._exchange_labels))}"  # exchanges by name
                        for m in r.impacts if m.covered and m.delta_note)
        return (f"<b>{_html(r.scenario_name)}</b> · reference year {r.reference_year} · all "
                "impacts per year for the whole park · Δ = S − L (negative, green: the symbiosis "
                "lowers the impact; positive, red: it raises it)" + notes
                + self._monte_carlo_text())

    def _monte_carlo_text(self) -> str:
        """The deterministic Δ beside the Monte Carlo median and 95 % interval (issue #20.1):
        in words for each method whose deterministic Δ lies outside the interval, with the
        parameters that put it there; a count for the others; or why there is no interval."""
        note, shown, out = self._monte_carlo_shown()
        if note:
            return f"<br>Monte Carlo: {note}."
        if not shown:
            return ""
        text = (f"<br>Monte Carlo ({shown[0].iterations:,} draws): the deterministic Δ lies "
                f"inside the 95 % interval for {len(shown) - len(out)} of {len(shown)} "
                "methods (median and interval: each Δ cell's tooltip, the Uncertainty tab)")
        why: list[str] = []
        for u in out:
            d = u.delta
            sc = row_scale([u.deterministic, d["median"], d["p2.5"], d["p97.5"]], u.unit)
            text += (f"<br>⚠ {_html(_short_method(u.method, 60))}: deterministic Δ "
                     f"{sc.text(u.deterministic)} lies <b>outside</b> the 95 % interval "
                     f"{sc.text(d['p2.5'])} … {sc.text(d['p97.5'])} {_html(sc.unit)} "
                     f"({u.outside} it; median {sc.text(d['median'])})")
            why += [c["parameter"] for c in u.causes if c["parameter"] not in why]
        if out:
            clamped = out[0].clamped
            if clamped:
                why.append(f"in {clamped:,} of {out[0].iterations:,} draws an exchanged amount "
                           "was cut to the drawn residue or supply")
            text += "<br>Why: " + _html("; ".join(why) or "no parameter sits at an end of its "
                                        "range") + "."
        return text

    @staticmethod
    def _place_bars(bars, texts, rel, top) -> None:
        """Each bar's length and colour, and its value inside the bar (white) or after it."""
        for bar, text, v in zip(bars, texts, rel):
            x = v if v is not None and math.isfinite(v) else 0.0
            bar.set_width(x)
            bar.set_color(_SYMBIOTIC_COLOR if v is not None and v <= 100 else _WORSE_COLOR)
            y = bar.get_y() + bar.get_height() / 2
            if v is not None and math.isfinite(v) and v > 25:  # inside, clear of the line
                text.set_position((v - top * 0.01, y))
                look = (f"{v:.1f} %", "right", "white", "bold")
            else:
                text.set_position((max(x, 0.0) + top * 0.01, y))
                look = ("n/a (L = 0)" if v is None else f"{v:.1f} %", "left", "#222222",
                        "normal")
            text.set_text(look[0])
            text.set_horizontalalignment(look[1])
            text.set_color(look[2])
            text.set_fontweight(look[3])

    def _render_summary(self, live: bool = False) -> None:
        r = self._results
        assert r is not None
        if live and self._summary_in_place():
            return
        self._summary_live = None
        self._set_summary_text()
        rows = self._summary_rows()
        _fill(self.summary_table, rows)
        for i, m in enumerate(r.impacts):
            if not m.covered:
                self.summary_table.setSpan(i, 2, 1, 4)
        self.summary_table.fit_columns()  # a spanning "not covered" widens no number column

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
            # only a note: it needs less height than bars
            self.summary_chart.set_min_height(90, floor=90)
            self.summary_split.chart_min = 90
            self.summary_split.refit()
            self._summary_live = {"key": self._summary_key(r.impacts), "bars": [], "texts": [],
                                  "top": 100.0, "room": math.inf, "table": self.summary_table}
            self.summary_chart.redraw(here=live)
            return
        self.summary_split.chart_min = CHART_MIN
        self.summary_split.refit()
        y = list(range(len(labels)))
        vals = [v if v is not None and math.isfinite(v) else 0.0 for v in rel]
        colors = [_SYMBIOTIC_COLOR if v is not None and v <= 100 else _WORSE_COLOR for v in rel]
        bars = ax.barh(y, vals, color=colors, height=0.6, label="Symbiotic (S)")
        ax.axvline(100, color="#333333", linestyle="--", linewidth=1.2, label="Linear (L) = 100 %")
        top = max([100.0] + vals)
        texts = [ax.text(0, yi, "", va="center", fontsize=8) for yi in y]
        self._place_bars(list(bars), texts, rel, top)
        self.summary_chart.set_animated(list(bars) + texts, rows=list(zip(bars, texts)))
        self._summary_live = {"key": self._summary_key(r.impacts), "bars": list(bars),
                              "texts": texts, "top": top, "room": top * 1.1,
                              "table": self.summary_table}
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
        self.summary_chart.redraw(here=live)
