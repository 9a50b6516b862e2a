"""The scenario page of the properties panel (nothing selected): name, year, currency,
attribution key, Monte Carlo settings, sources."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from ecolca.core.model import CALIBRATION_LEVELS, calibration_of
from ecolca.core.scenario_file import MAX_SCENARIO_NAME

from ecolca.app.document import Document
from ecolca.app.panels.common import Catalog, show_start


class BackgroundCombo(QComboBox):
    """The scenario's default background database: the project's background databases (never a
    scenario's foreground), read from the catalog when the list opens, so the panel never waits
    for Brightway while it is built."""

    def __init__(self, catalog: Catalog | None, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.setToolTip("The background database the scenario is built on: the status bar and "
                        "the report name it. Each flow can still use an activity of any database; "
                        "File ▸ Rebase moves a scenario onto another one.")

    def databases(self) -> list[str]:
        try:
            rows = self.catalog.rows(False) if self.catalog is not None else []
        except Exception:  # noqa: BLE001  (no project yet: only the current value)
            rows = []
        return sorted({r.database for r in rows})

    def set_value(self, name: str) -> None:
        self.blockSignals(True)
        if self.findText(name) < 0:
            self.addItem(name)
        self.setCurrentText(name)
        self.blockSignals(False)

    def showPopup(self) -> None:  # noqa: N802
        current = self.currentText()
        self.blockSignals(True)
        self.clear()
        names = self.databases()
        self.addItems(names + ([current] if current and current not in names else []))
        self.setCurrentText(current)
        self.blockSignals(False)
        super().showPopup()


class ScenarioPanel(QWidget):
    """The scenario itself, shown when nothing is selected: name, description (the story of an
    example), reference year, currency, attribution key, sources and assumptions."""

    def __init__(self, doc_getter: Callable[[], Document], catalog: Catalog | None = None,
                 parent=None):
        super().__init__(parent)
        from PySide6.QtWidgets import QPlainTextEdit, QSpinBox

        self.doc = doc_getter
        self._loading = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        hint = QLabel("Select a site or an exchange to edit it. Add a site: double-click the "
                      "canvas (Ctrl+Shift+N). Add an exchange: drag from a site's dot to another "
                      "site.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5D6D7E;")
        lay.addWidget(hint)
        box = QGroupBox("Scenario")
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_SCENARIO_NAME)
        self.year = QSpinBox()
        self.year.setRange(1900, 2200)
        self.currency = QLineEdit()
        self.currency.setMaximumWidth(80)
        self.key = QComboBox()
        from ecolca.core.model import ATTRIBUTION_KEYS

        self.key.addItems(list(ATTRIBUTION_KEYS))
        self.key.setToolTip("How per-site figures split each exchange's benefit (a labelled view; "
                            "the system Δ does not depend on it)")
        self.illustrative = QLabel()
        self.illustrative.setStyleSheet("color: #B03A2E; font-weight: bold;")
        self.description = QPlainTextEdit()
        self.description.setMinimumHeight(90)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.notes.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        form.addRow("Name", self.name)
        form.addRow("Reference year", self.year)
        form.addRow("Currency", self.currency)
        form.addRow("Attribution key", self.key)
        self.iterations = QSpinBox()
        self.iterations.setRange(0, 100_000)
        self.iterations.setSingleStep(100)
        self.iterations.setToolTip("Paired Monte Carlo iterations (0: deterministic only)")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2_000_000_000)
        self.iterations.setMaximumWidth(110)
        self.seed.setMaximumWidth(130)
        mc = QHBoxLayout()
        mc.addWidget(self.iterations)
        mc.addWidget(QLabel("seed"))
        mc.addWidget(self.seed)
        mc.addStretch(1)
        form.addRow("Monte Carlo", mc)
        # the level is computed from the amounts' bases (core.model.calibration_of); the combo is
        # the author's claim, which can only lower it
        self.calibration = QComboBox()
        self.calibration.addItem("computed from the amounts' bases", "")
        for level in CALIBRATION_LEVELS:
            self.calibration.addItem(f"at most {level}", level)
        self.calibration.setToolTip("The level is computed from each amount's basis (sourced, "
                                    "estimated, assumed: flows table and exchange form); a claim "
                                    "here can only lower it")
        self.calibration_note = QLabel()
        self.calibration_note.setWordWrap(True)
        form.addRow("Calibration", self.calibration)
        form.addRow("", self.calibration_note)
        self.background = BackgroundCombo(catalog)
        form.addRow("Background", self.background)
        form.addRow("", self.illustrative)
        form.addRow("Description", self.description)
        lay.addWidget(box)
        from PySide6.QtWidgets import QScrollArea

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.notes)
        lay.addWidget(QLabel("<b>Sources and assumptions</b>"))
        lay.addWidget(scroll, 1)
        self.name.editingFinished.connect(lambda: self._set("name", self.name.text().strip()))
        self.currency.editingFinished.connect(lambda: self._set("currency", self.currency.text().strip()))
        self.year.editingFinished.connect(lambda: self._set("reference_year", self.year.value()))
        self.key.currentTextChanged.connect(lambda t: self._set("attribution_key", t))
        self.calibration.currentIndexChanged.connect(self._claim_changed)
        self.background.currentTextChanged.connect(lambda t: self._set("background_database", t))
        self.iterations.editingFinished.connect(
            lambda: self._set("monte_carlo_iterations", self.iterations.value()))
        self.seed.editingFinished.connect(
            lambda: self._set("monte_carlo_seed", self.seed.value()))
        self.description.textChanged.connect(self._description_changed)

    def _set(self, field: str, value) -> None:
        sc = self.doc().scenario
        if self._loading or getattr(sc, field) == value or value == "":
            return
        self.doc().edit(f"Edit scenario {field.replace('_', ' ')}",
                        lambda s: setattr(s, field, value), merge_key=f"scenario:{field}")

    def _claim_changed(self, _i: int) -> None:
        claim = self.calibration.currentData() or ""
        if not self._loading and self.doc().scenario.calibration != claim:
            self.doc().edit("Edit scenario calibration",
                            lambda s: setattr(s, "calibration", claim), merge_key="scenario:calibration")

    def _description_changed(self) -> None:
        self._set("description", self.description.toPlainText())

    def refresh(self) -> None:
        sc = self.doc().scenario
        self._loading = True
        if not self.name.hasFocus():
            show_start(self.name, sc.name)
        self.year.setValue(sc.reference_year)
        if not self.currency.hasFocus():
            self.currency.setText(sc.currency)
        self.key.setCurrentText(sc.attribution_key)
        self.calibration.setCurrentIndex(max(0, self.calibration.findData(sc.calibration)))
        calibration = calibration_of(sc)
        self.calibration_note.setText(calibration.note)
        self.background.set_value(sc.background_database)
        self.iterations.setValue(sc.monte_carlo_iterations)
        self.seed.setValue(sc.monte_carlo_seed)
        if self.description.toPlainText() != sc.description and not self.description.hasFocus():
            self.description.setPlainText(sc.description)
        illustrative = calibration.level == "illustrative"
        self.illustrative.setText("Illustrative: not a basis for decisions" if illustrative else "")
        self.illustrative.setVisible(illustrative)
        from html import escape

        items = [f"<li>{escape(x)}</li>" for x in sc.sources]
        assumptions = [f"<li>{escape(x)}</li>" for x in sc.assumptions]
        self.notes.setText((f"<p><b>Sources</b></p><ul>{''.join(items)}</ul>" if items else
                            "<p>No sources listed.</p>")
                           + (f"<p><b>Assumptions</b></p><ul>{''.join(assumptions)}</ul>" if assumptions else ""))
        self._loading = False
