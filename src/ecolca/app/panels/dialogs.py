"""Small dialogs of the properties panels: a flow's uncertainty, its amount's basis and
source, and transport legs."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLineEdit, QMessageBox, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from ecolca.core.model import AMOUNT_BASES, UNCERTAINTY_TYPES, Transport, Uncertainty
from ecolca.app.panels import common
from ecolca.app.panels.common import Catalog, fmt_number, parse_number


class UncertaintyDialog(QDialog):
    def __init__(self, u: Uncertainty, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Uncertainty")
        form = QFormLayout(self)
        self.type = QComboBox()
        self.type.addItems(list(UNCERTAINTY_TYPES))
        self.type.setCurrentText(u.type)
        self.fields = {}
        for key, label in (("gsd", "Geometric standard deviation σg (lognormal)"),
                           ("minimum", "Minimum (triangular, uniform)"),
                           ("maximum", "Maximum (triangular, uniform)"),
                           ("sd", "Standard deviation (normal)")):
            e = QLineEdit(fmt_number(getattr(u, key)))
            self.fields[key] = e
            form.addRow(label, e)
        form.insertRow(0, "Distribution", self.type)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)

    def value(self) -> Uncertainty:
        u = Uncertainty(type=self.type.currentText())
        if u.type != "none":
            for key, e in self.fields.items():
                setattr(u, key, parse_number(e.text()))
        return u

# an amount's basis in words (the flows table, the exchange form)
BASIS_TEXT = {"sourced": "sourced: a publication or a measurement (name it)",
              "estimated": "estimated: the modeller's estimate from related data",
              "assumed": "assumed: a placeholder, not yet estimated",
              "unspecified": "unspecified: the file predates amount bases"}


class BasisDialog(QDialog):
    """Where a flow's amount comes from: its basis and its source."""

    def __init__(self, basis: str, source: str, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.basis = QComboBox()
        for b in AMOUNT_BASES:
            self.basis.addItem(BASIS_TEXT[b], b)
        self.basis.setCurrentIndex(max(0, self.basis.findData(basis)))
        self.source = QLineEdit(source)
        self.source.setPlaceholderText("publication, page or table; measurement and date")
        form.addRow("Basis", self.basis)
        form.addRow("Source", self.source)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)

    def value(self) -> tuple[str, str]:
        return self.basis.currentData(), self.source.text().strip()


class TransportDialog(QDialog):
    """Transport legs: mode (a t·km background activity) and distance."""

    def __init__(self, catalog: Catalog, legs: list[Transport], title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.catalog = catalog
        self.legs = [Transport(t.mode, t.distance_km, t.uncertainty, t.label) for t in legs]
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Mode (t·km activity)", "Distance [km]", "Label"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.cellDoubleClicked.connect(self._pick)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        add = QPushButton("Add leg")
        add.clicked.connect(self._add)
        rem = QPushButton("Remove leg")
        rem.clicked.connect(self._remove)
        row.addWidget(add)
        row.addWidget(rem)
        row.addStretch(1)
        lay.addLayout(row)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.accepted.connect(self._accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.resize(620, 260)
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.legs))
        for r, t in enumerate(self.legs):
            self.table.setItem(r, 0, QTableWidgetItem(self.catalog.describe(t.mode)))
            self.table.item(r, 0).setFlags(self.table.item(r, 0).flags() & ~Qt.ItemIsEditable)
            self.table.setItem(r, 1, QTableWidgetItem(fmt_number(t.distance_km)))
            self.table.setItem(r, 2, QTableWidgetItem(t.label))

    def _add(self) -> None:
        ref = common.pick_activity(self, self.catalog, unit_hint="ton kilometer", title="Transport mode")
        if ref is not None:
            self.legs.append(Transport(ref, 0.0))
            self._fill()

    def _remove(self) -> None:
        r = self.table.currentRow()
        if 0 <= r < len(self.legs):
            del self.legs[r]
            self._fill()

    def _pick(self, r: int, c: int) -> None:
        if c == 0 and 0 <= r < len(self.legs):
            ref = common.pick_activity(self, self.catalog, unit_hint="ton kilometer",
                                current=self.legs[r].mode, title="Transport mode")
            if ref is not None:
                self.legs[r].mode = ref
                self._fill()

    def _accept(self) -> None:
        try:
            for r, t in enumerate(self.legs):
                t.distance_km = parse_number(self.table.item(r, 1).text()) or 0.0
                t.label = self.table.item(r, 2).text() if self.table.item(r, 2) else ""
        except ValueError:
            QMessageBox.warning(self, "Not a number", "Distances must be numbers (km).")
            return
        self.accept()

    @classmethod
    def edit(cls, parent, catalog: Catalog, legs: list[Transport], title: str) -> list[Transport] | None:
        dlg = cls(catalog, legs, title, parent)
        return dlg.legs if dlg.exec() else None
