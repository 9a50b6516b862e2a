"""The Suggestions panel: the synergy finder (:mod:`ecolca.park.suggest`, docs/suggest.md) for the
open scenario, ranked by the chosen method, and Accept, which adds the proposed exchange to
the document as one undo step.

The finder runs on a worker thread (it loads Brightway and may solve unit scores the cache
lacks); the panel shows the ranked candidates with their Δ, amount, distance, break-even
distance and money, and the selected one's "why" (compatibility row, source, assumptions,
distance basis) in full below. Names, never ids.
"""

from __future__ import annotations

import copy
import html
import math
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QSplitter, QTextBrowser,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ecolca.app.document import Document
from ecolca.app.panels.common import number_problem, parse_number
from ecolca.app.problems import _WrapDelegate  # rows as tall as their wrapped text
from ecolca.lca.results import method_label

COLUMNS = ("#", "Exchange", "Δ per year", "Break-even", "Saves/yr")
_SAVING, _BURDEN = QColor("#1a7f37"), QColor("#b42318")
READY = "Click Suggest to find exchanges between the sites of this park."


def num(v: float | None) -> str:
    """As the results tables: thousands separators, a few digits; – for nothing."""
    if v is None or not math.isfinite(v):
        return "–"
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e12 or a < 1e-2:
        return f"{v:.3e}"
    return f"{v:,.0f}" if a >= 1000 else f"{v:,.2f}" if a >= 1 else f"{v:.4f}"


def short_method(m) -> str:
    return ": ".join(m[:2]) if len(m) >= 2 else method_label(tuple(m))


def break_even_text(km: float) -> str:
    if not math.isfinite(km):
        return "n/a"
    return "never pays off" if km < 0 else f"{km:,.0f} km"


class SuggestionsPanel(QWidget):
    """``run_job(job, on_success, what, on_failure)`` starts a worker job (the window's, so a
    suggestion never runs beside a comparison); ``busy()`` says whether one runs."""

    computed = Signal()   # after the list was filled (or the finder failed)
    accepted = Signal(str)  # the id of the exchange an Accept added

    def __init__(self, doc_getter: Callable[[], Document], project: str | None,
                 run_job: Callable, busy: Callable[[], bool], parent=None):
        super().__init__(parent)
        self.doc = doc_getter
        self.project = project
        self._run_job = run_job
        self._busy = busy
        self.result = None          # the last ecolca.park.suggest.Suggestions
        self._computed_for = None   # (document, revision) the result belongs to
        self._methods: list[tuple[str, ...]] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel("Rank by"))
        self.method = QComboBox()
        self.method.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.method.setMinimumContentsLength(18)
        self.method.setToolTip("The LCIA method the candidates are ranked by (most negative Δ "
                               "first); Δ in every method of the scenario is shown below")
        row.addWidget(self.method, 1)
        row.addWidget(QLabel("Show"))
        self.top = QSpinBox()
        self.top.setRange(1, 100)
        self.top.setValue(10)
        self.top.setToolTip("How many candidates to list (the best N)")
        row.addWidget(self.top)
        lay.addLayout(row)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Distance without coordinates"))
        self.distance = QLineEdit()
        self.distance.setPlaceholderText("assumed 50 km")
        self.distance.setToolTip(
            "Road distance in km between two sites when either has no latitude and longitude. "
            "Empty: an assumed 50 km (not a sourced figure; each candidate warns and shows its "
            "break-even distance). Sites with coordinates use the great-circle distance × the "
            "circuity factor.")
        row2.addWidget(self.distance, 1)
        self.suggest_button = QPushButton("&Suggest")
        self.suggest_button.setToolTip("Find and rank candidate exchanges for the scenario")
        self.suggest_button.clicked.connect(self.compute)
        row2.addWidget(self.suggest_button)
        lay.addLayout(row2)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)

        split = QSplitter(Qt.Vertical)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SingleSelection)
        self.tree.setTextElideMode(Qt.ElideNone)  # long names wrap, never cut
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setItemDelegate(_WrapDelegate(self.tree))
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for i in range(len(COLUMNS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.currentItemChanged.connect(lambda *_: self._show_details())
        self.tree.itemDoubleClicked.connect(lambda *_: self.accept_selected())
        split.addWidget(self.tree)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        lay.addWidget(split, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.accept_button = QPushButton("&Accept")
        self.accept_button.setToolTip("Add the selected candidate to the park as an exchange "
                                      "(one undo step: Ctrl+Z removes it)")
        self.accept_button.setEnabled(False)
        self.accept_button.clicked.connect(self.accept_selected)
        buttons.addWidget(self.accept_button)
        lay.addLayout(buttons)
        self._say(READY)
        self.refresh_methods()

    def _say(self, text: str) -> None:
        """The status line, as tall as its wrapped text (a dock's layout ignores a wrapped
        label's height for its width, and would cut the lines)."""
        self.status.setText(text)
        width = max(self.width() - 12, 200)
        self.status.setMinimumHeight(self.status.heightForWidth(width))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.status.setMinimumHeight(self.status.heightForWidth(max(self.width() - 12, 200)))

    # ---- inputs --------------------------------------------------------------------------------
    def refresh_methods(self) -> None:
        """The scenario's methods in the chooser (keeping the choice when it is still there)."""
        methods = [tuple(m) for m in self.doc().scenario.methods]
        if methods == self._methods:
            return
        keep = self.method.currentData()
        self._methods = methods
        self.method.blockSignals(True)
        self.method.clear()
        for m in methods:
            self.method.addItem(short_method(m), m)
            self.method.setItemData(self.method.count() - 1, " | ".join(m), Qt.ToolTipRole)
        if keep in methods:
            self.method.setCurrentIndex(methods.index(keep))
        self.method.blockSignals(False)

    def _distance_km(self) -> float | None:
        text = self.distance.text()
        try:
            v = parse_number(text)
        except ValueError:
            raise ValueError(f"Distance without coordinates: {number_problem(text)}") from None
        if v is not None and v < 0:
            raise ValueError(f"Distance without coordinates: {v:g} km is negative")
        return v

    # ---- computing ----------------------------------------------------------------------------
    def compute(self) -> bool:
        """Start the finder on a copy of the scenario; False when it cannot start now."""
        from ecolca.app.worker import Job

        if self._busy():
            self._say("A calculation is running; suggest again when it has finished.")
            return False
        try:
            km = self._distance_km()
        except ValueError as exc:
            self._say(f"<span style='color:#B03A2E'>{html.escape(str(exc))}</span>")
            return False
        doc = self.doc()
        self.refresh_methods()
        sc = copy.deepcopy(doc.scenario)
        method, top, project = self.method.currentData(), self.top.value(), self.project
        stamp = (doc, doc.revision)

        def run(progress, cancelled):
            from ecolca.park.suggest import suggest

            progress("Finding candidate exchanges (synergy finder)", 0.1)
            out = suggest(sc, top=top, method=method, distance_km=km, project=project)
            progress(f"Synergy finder: {len(out.candidates)} suggestion(s)", 1.0)
            return out

        def got(result) -> None:
            if stamp[0] is not self.doc():  # another file was opened while it ran
                self.clear()
                self.computed.emit()
                return
            self.result, self._computed_for = result, stamp
            self._fill()
            self.computed.emit()

        def failed(message: str, details: str) -> None:
            self._say(f"<span style='color:#B03A2E'>The finder failed: "
                                f"{html.escape(message)}</span>")
            self.computed.emit()

        self._say("Finding candidate exchanges…")
        self.suggest_button.setEnabled(False)
        job = Job(run)
        job.done.connect(self._job_done)  # a bound slot: queued to the GUI thread
        self._run_job(job, got, "The synergy finder", failed)
        return True

    def _job_done(self) -> None:
        self.suggest_button.setEnabled(True)

    def is_current(self) -> bool:
        doc = self.doc()
        return self._computed_for is not None and self._computed_for == (doc, doc.revision)

    def doc_changed(self) -> None:
        """The document changed: after an edit or undo the list is out of date (shown greyed,
        with a note); after Open or New it is another park's, and goes."""
        self.refresh_methods()
        if self._computed_for is not None and self._computed_for[0] is not self.doc():
            self.clear()
        elif self.result is not None and not self.is_current():
            self._say("<b>The scenario changed since these suggestions were "
                                "found</b>: click Suggest to update them.")
            self.tree.setEnabled(False)
        self._update_accept()

    def clear(self) -> None:
        """No suggestions (another file was opened, or a new one started)."""
        self.result, self._computed_for = None, None
        self.tree.clear()
        self.tree.setEnabled(True)
        self.details.clear()
        self._say(READY)
        self._update_accept()

    def _fill(self) -> None:
        s = self.result
        j = s.methods.index(s.rank_method)
        unit = s.units[j]
        self.tree.setEnabled(True)
        self.tree.clear()
        self.tree.headerItem().setText(2, f"Δ [{unit}/yr]")
        self.tree.headerItem().setToolTip(2, f"Δ of {' | '.join(s.rank_method)} per year "
                                             "(negative: the park's impact falls)")
        self.tree.headerItem().setToolTip(3, "Lorry distance at which the transport eats the "
                                             "whole benefit (ranked method)")
        self.tree.headerItem().setToolTip(4, f"Avoided disposal fees + avoided purchases, "
                                             f"{s.currency}/yr (transport and processing costs "
                                             "not known, not deducted)")
        priced = any(c.money_per_year is not None for c in s.candidates)
        self.tree.setColumnHidden(4, not priced)  # no prices in the scenario: no column
        for c in s.candidates:
            money = (f"{num(c.money_per_year)} {s.currency}" if c.money_per_year is not None
                     else "not priced")
            be = c.break_even_km[j] if len(c.break_even_km) else float("nan")
            it = QTreeWidgetItem([str(c.rank), self.two_lines(c), num(c.delta[j]),
                                  break_even_text(be), money])
            it.setData(0, Qt.UserRole, c.id)
            for col in (0, 2, 3, 4):
                it.setTextAlignment(col, Qt.AlignRight | Qt.AlignTop)
            if math.isfinite(c.delta[j]) and c.delta[j] != 0:
                it.setForeground(2, QBrush(_SAVING if c.delta[j] < 0 else _BURDEN))
            tip = self.why_text(c)
            for col in range(len(COLUMNS)):
                it.setToolTip(col, tip)
            self.tree.addTopLevelItem(it)
        if s.candidates:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        else:
            self.details.clear()
        notes = [f"{len(s.candidates)} of {s.considered} candidate(s), ranked by "
                 f"{html.escape(short_method(s.rank_method))}; {s.seconds:.2f} s. The list can be "
                 "accepted as a whole: each takes what the ones above it leave."]
        notes += [html.escape(n) for n in s.notes]
        self._say("<br>".join(notes))
        self._update_accept()

    @staticmethod
    def two_lines(c) -> str:
        """As the app names exchanges, "residue → receiving site", then where it comes from
        and what it replaces."""
        dist = (f"{c.distance_km:,.1f} km by lorry" if c.distance_km is not None
                else "by pipe")
        return (f"{c.residue.name} → {c.to_site.name}, replacing {c.supply.name}\n"
                f"{num(c.q)} {c.residue.unit}/yr from {c.from_site.name}, {dist}")

    @staticmethod
    def label(c) -> str:
        return f"{c.residue.name} ({c.from_site.name}) → {c.supply.name} ({c.to_site.name})"

    @staticmethod
    def why_text(c) -> str:
        """One paragraph for a tooltip: the row, its source and the distance basis."""
        return (f"Why: compatibility row '{c.row.id}' ({c.row.residue_kind} → "
                f"{c.row.supply_kind}).\nSource: {c.row.source} [{c.row.source_locator}; "
                f"{c.row.source_year}]\nDistance: {c.distance_basis}"
                + "".join(f"\nWarning: {w}" for w in c.warnings))

    # ---- the selected candidate --------------------------------------------------------------
    def selected(self):
        it = self.tree.currentItem()
        if it is None or self.result is None:
            return None
        cid = it.data(0, Qt.UserRole)
        return next((c for c in self.result.candidates if c.id == cid), None)

    def _update_accept(self) -> None:
        self.accept_button.setEnabled(self.selected() is not None and self.is_current())

    def _show_details(self) -> None:
        self._update_accept()
        c, s = self.selected(), self.result
        if c is None:
            self.details.clear()
            return
        e = html.escape
        rows = "".join(
            f"<tr><td>{e(short_method(m))}</td><td align='right'>{num(c.delta[k])} {e(u)}</td>"
            f"<td align='right' nowrap>{num(c.delta_low_ratio[k])} … "
            f"{num(c.delta_high_ratio[k])}</td><td align='right' nowrap>"
            f"{break_even_text(c.break_even_km[k])}</td></tr>"
            for k, (m, u) in enumerate(zip(s.methods, s.units)))
        parts = ", ".join(f"{p.replace('_', ' ')} {num(v[s.methods.index(s.rank_method)])}"
                          for p, v in c.parts.items())
        money = (f"{num(c.money_per_year)} {e(c.money_note)}" if c.money_per_year is not None
                 else e(c.money_note or "no prices"))
        dist = (f"{c.distance_km:,.1f} km: {e(c.distance_basis)}" if c.distance_km is not None
                else e(c.distance_basis))
        extends = (f"<p>Extends the existing exchange {e(c.extends_label or '')}.</p>"
                   if c.extends else "")
        items = "".join(f"<li>{e(a)}</li>" for a in c.assumptions)
        warns = "".join(f"<li style='color:#B03A2E'>{e(w)}</li>" for w in c.warnings)
        self.details.setHtml(
            f"<p><b>{e(self.label(c))}</b></p>{extends}"
            f"<p>{num(c.q)} {e(c.residue.unit)}/yr of {num(c.available)} left; replaces "
            f"{num(c.r * c.q)} {e(c.supply.unit)} of {num(c.need)} still bought "
            f"(substitution ratio {c.r:.6g}, range {c.row.ratio_low:g}–{c.row.ratio_high:g} "
            f"{e(c.row.supply_unit)}/{e(c.row.residue_unit)}).</p>"
            "<table cellspacing='4' width='100%'><tr><th align='left'>Method</th>"
            "<th align='right'>Δ per year</th><th align='right'>Δ at the ratio's low … high"
            f"</th><th align='right'>Break-even</th></tr>{rows}</table>"
            f"<p>Parts (ranked method): {e(parts)}.</p>"
            f"<p><b>Distance</b>: {dist}</p><p><b>Money</b>: {money}</p>"
            f"<p><b>Why</b>: compatibility row '{e(c.row.id)}', {e(c.row.residue_kind)} → "
            f"{e(c.row.supply_kind)}; the supply's background activity {e(str(c.supply.activity))}."
            f"<br><b>Source</b>: {e(c.row.source)} [{e(c.row.source_locator)}; "
            f"{e(c.row.source_year)}]</p>"
            f"<p><b>Assumes</b>:</p><ul>{items}</ul>"
            + (f"<p><b>Warnings</b>:</p><ul>{warns}</ul>" if warns else ""))

    def accept_selected(self) -> str | None:
        """Add the selected candidate's exchange, exactly as the finder proposes it, as one
        undo step; then look for suggestions again (the residue is now partly used)."""
        c = self.selected()
        if c is None or not self.is_current():
            return None
        doc = self.doc()
        ex = copy.deepcopy(c.exchange)
        if doc.scenario.exchange(ex.id) is not None:  # never two exchanges with one id
            self._say(f"The park has an exchange {html.escape(self.label(c))} already: "
                      "click Suggest to update the list.")
            return None
        doc.edit(f"Accept suggestion '{c.residue.name} → {c.to_site.name}'",
                 lambda sc: sc.exchanges.append(ex))
        self.accepted.emit(ex.id)
        self.compute()
        return ex.id
