"""The fields of one exchange (residue, supply, q, r, category, transport, processing, money),
shared by the exchange page and the new-exchange dialog; and how an edited exchange is
applied to the scenario."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from ecolca.core.model import (AMOUNT_BASES, CATEGORIES, PAYERS, Exchange, Flow, Processing,
                          Scenario, Transport, default_category)
from ecolca.app.panels import common
from ecolca.app.panels.common import Catalog, fmt_number, number_problem, parse_number
from ecolca.app.panels.dialogs import BASIS_TEXT, TransportDialog


class ExchangeForm(QWidget):
    """All fields of one exchange (methodology §1); used by the panel and the new-exchange
    dialog. ``values()`` returns an Exchange (raises ValueError naming a bad field)."""

    def __init__(self, catalog: Catalog, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.transport: list[Transport] = []
        self.processing: list[Processing] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        link = QGroupBox("Link")
        f1 = QFormLayout(link)
        self.residue = QComboBox()
        self.residue.setEditable(True)
        self.supply = QComboBox()
        self.supply.setEditable(True)
        for combo in (self.residue, self.supply):
            # long names must not widen the dock: the combo elides, its tooltip says it all
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
            combo.currentIndexChanged.connect(lambda _i, c=combo: self._combo_tip(c))
        # how much of the residue is left, and how much of the supply is still needed (shown
        # by the new-exchange dialog)
        self.residue_left = QLabel()
        self.supply_need = QLabel()
        for w in (self.residue_left, self.supply_need):
            w.setStyleSheet("color: #5D6D7E;")
        self.from_label = QLabel()
        self.to_label = QLabel()
        self.amount = QLineEdit()
        self.amount.setValidator(QDoubleValidator(0.0, 1e18, 6))
        self.amount_unit = QLabel()
        self.ratio = QLineEdit("1")
        self.ratio.setToolTip("Units of the supply replaced per unit of residue (quality, energy "
                              "content, moisture; 1 t FGD gypsum ≈ 1 t natural gypsum)")
        self.category = QComboBox()
        self.category.addItems(list(CATEGORIES))
        self.basis = QComboBox()
        for b in AMOUNT_BASES:
            self.basis.addItem(BASIS_TEXT[b], b)
        self.basis.setToolTip("Where q comes from (name the source below); the report states "
                              "the calibration level and the share of Δ that rests on amounts "
                              "not sourced")
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount, 1)
        amount_row.addWidget(self.amount_unit)
        f1.addRow("From", self.from_label)
        f1.addRow("Residue", self.residue)
        f1.addRow("", self.residue_left)
        f1.addRow("To", self.to_label)
        f1.addRow("Replaces supply", self.supply)
        f1.addRow("", self.supply_need)
        f1.addRow("Amount q per year", amount_row)
        f1.addRow("Substitution ratio r", self.ratio)
        f1.addRow("Category", self.category)
        f1.addRow("Amount basis", self.basis)
        self._link_form = f1
        self.show_balance(False)
        lay.addWidget(link)

        # each description on its own full-width line under its buttons: a wrapped label beside
        # buttons in a form row was cut to one line
        logistics = QGroupBox("Transport and processing")
        f2 = QVBoxLayout(logistics)
        self.transport_label = QLabel("—")
        self.transport_label.setWordWrap(True)
        self.transport_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        tbtn = QPushButton("Edit transport…")
        tbtn.clicked.connect(self._edit_transport)
        trow = QHBoxLayout()
        trow.addWidget(QLabel("Transport"))
        trow.addStretch(1)
        trow.addWidget(tbtn)
        f2.addLayout(trow)
        f2.addWidget(self.transport_label)
        self.processing_label = QLabel("—")
        self.processing_label.setWordWrap(True)
        self.processing_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        pbtn = QPushButton("Add processing input…")
        pbtn.clicked.connect(self._add_processing)
        pclr = QPushButton("Clear")
        pclr.clicked.connect(self._clear_processing)
        prow = QHBoxLayout()
        prow.addWidget(QLabel("Processing"))
        prow.addStretch(1)
        prow.addWidget(pbtn)
        prow.addWidget(pclr)
        f2.addLayout(prow)
        f2.addWidget(self.processing_label)
        for w in (self.transport_label, self.processing_label):
            w.setStyleSheet("color: #34495E; margin-left: 12px;")
        lay.addWidget(logistics)

        money = QGroupBox("Economics (per unit of q, scenario currency)")
        f3 = QFormLayout(money)
        self.price = QLineEdit("0")
        self.price.setToolTip("Paid by the receiver to the supplier; negative = gate fee paid by the supplier")
        self.transport_cost = QLineEdit("0")
        self.processing_cost = QLineEdit("0")
        self.transport_payer = QComboBox()
        self.transport_payer.addItems(list(PAYERS))
        self.processing_payer = QComboBox()
        self.processing_payer.addItems(list(PAYERS))
        f3.addRow("Price", self.price)
        f3.addRow("Transport cost", self.transport_cost)
        f3.addRow("Transport paid by", self.transport_payer)
        f3.addRow("Processing cost", self.processing_cost)
        f3.addRow("Processing paid by", self.processing_payer)
        lay.addWidget(money)
        notes = QGroupBox("Notes")
        f4 = QFormLayout(notes)
        self.description = QLineEdit()
        self.source = QLineEdit()
        f4.addRow("Description", self.description)
        f4.addRow("Source", self.source)
        lay.addWidget(notes)
        lay.addStretch(1)

    def load(self, sc: Scenario, e: Exchange) -> None:
        a, b = sc.site(e.from_site), sc.site(e.to_site)
        self.from_label.setText(f"<b>{a.name if a else e.from_site}</b>")
        self.to_label.setText(f"<b>{b.name if b else e.to_site}</b>")
        for combo, site, kind, current in ((self.residue, a, "residue", e.from_flow),
                                           (self.supply, b, "supply", e.to_flow)):
            combo.blockSignals(True)
            combo.clear()
            for f in (site.flows_of(kind) if site else []):
                combo.addItem(f"{f.name} ({fmt_number(f.amount)} {f.unit})", f.id)
            i = combo.findData(current)
            if i >= 0:
                combo.setCurrentIndex(i)
            elif current:
                combo.setEditText(current)
            combo.lineEdit().setCursorPosition(0)  # show the name's start, not its end
            combo.blockSignals(False)
            self._combo_tip(combo)
        residue = a.flow(e.from_flow) if a else None
        self.amount_unit.setText(residue.unit if residue else "")
        self.amount.setText(fmt_number(e.amount))
        self.ratio.setText(fmt_number(e.substitution_ratio))
        self.category.setCurrentText(e.category)
        self.basis.setCurrentIndex(max(0, self.basis.findData(e.amount_basis)))
        self.transport = [Transport(t.mode, t.distance_km, t.uncertainty, t.label) for t in e.transport]
        self.processing = [Processing(p.activity, p.amount_per_unit, p.unit, p.name,
                                      p.conversion_factor, p.uncertainty) for p in e.processing]
        self._show_logistics()
        ec = e.economics
        self.price.setText(fmt_number(ec.price))
        self.transport_cost.setText(fmt_number(ec.transport_cost))
        self.processing_cost.setText(fmt_number(ec.processing_cost))
        self.transport_payer.setCurrentText(ec.transport_paid_by)
        self.processing_payer.setCurrentText(ec.processing_paid_by)
        self.description.setText(e.description)
        self.source.setText(e.source)

    def show_balance(self, on: bool) -> None:
        """Show (or hide) the lines "x of y t left" under the residue and "still needs …"
        under the supply."""
        for w in (self.residue_left, self.supply_need):
            self._link_form.setRowVisible(w, on)

    def _combo_tip(self, combo: QComboBox) -> None:
        help_text = ("A residue of the supplying site; type a new name to add one"
                     if combo is self.residue else
                     "A supply of the receiving site; type a new name to add one")
        combo.setToolTip(f"{combo.currentText()}\n{help_text}" if combo.currentText() else help_text)

    def _show_logistics(self) -> None:
        self.transport_label.setText("; ".join(
            f"{self.catalog.describe(t.mode)}, {t.distance_km:g} km" for t in self.transport) or
            "none (add legs for residues measured by mass)")
        self.processing_label.setText("; ".join(
            f"{p.name or self.catalog.describe(p.activity)}: {p.amount_per_unit:g} {p.unit} per unit"
            for p in self.processing) or "none")
        for w in (self.transport_label, self.processing_label):
            w.setToolTip(w.text())

    def _edit_transport(self) -> None:
        legs = TransportDialog.edit(self, self.catalog, self.transport, "Transport of the exchange")
        if legs is not None:
            self.transport = legs
            self._show_logistics()
            self.edited()

    def _add_processing(self) -> None:
        ref = common.pick_activity(self, self.catalog, title="Processing input (per unit of residue)")
        if ref is None:
            return
        rows = {(r.database, r.code): r for r in self.catalog.rows(False)}
        row = rows.get(ref.key)
        from PySide6.QtWidgets import QInputDialog

        amount, ok = QInputDialog.getDouble(
            self, "Processing input", f"Amount of '{row.name if row else ref.code}' per unit of "
            f"residue [{row.unit if row else ''}]", 0.0, 0.0, 1e12, 6)
        if ok:
            self.processing.append(Processing(ref, amount, row.unit if row else "unit",
                                               row.name if row else ""))
            self._show_logistics()
            self.edited()

    def _clear_processing(self) -> None:
        self.processing = []
        self._show_logistics()
        self.edited()

    def edited(self) -> None:
        """Hook: the panel commits on every change; the dialog does nothing until OK."""

    def values(self, base: Exchange) -> tuple[Exchange, str, str]:
        """An Exchange with the form's values (ids from ``base``), and the residue/supply text
        typed when they are new flows. Raises ValueError('<field>: ...')."""
        def num(w: QLineEdit, field: str, default: float = 0.0) -> float:
            try:
                v = parse_number(w.text())
            except ValueError:
                raise ValueError(f"{field}: {number_problem(w.text())}") from None
            return default if v is None else v

        e = Exchange(
            id=base.id, from_site=base.from_site, from_flow=self.residue.currentData() or "",
            to_site=base.to_site, to_flow=self.supply.currentData() or "",
            amount=num(self.amount, "amount"), substitution_ratio=num(self.ratio, "substitution ratio", 1.0),
            category=self.category.currentText(), transport=self.transport, processing=self.processing,
            amount_uncertainty=base.amount_uncertainty, ratio_uncertainty=base.ratio_uncertainty,
            description=self.description.text(), source=self.source.text(),
            amount_basis=self.basis.currentData() or base.amount_basis)
        e.economics.price = num(self.price, "price")
        e.economics.transport_cost = num(self.transport_cost, "transport cost")
        e.economics.processing_cost = num(self.processing_cost, "processing cost")
        e.economics.transport_paid_by = self.transport_payer.currentText()
        e.economics.processing_paid_by = self.processing_payer.currentText()
        typed_residue = "" if self.residue.currentData() and self.residue.currentText() == \
            self.residue.itemText(self.residue.currentIndex()) else self.residue.currentText().strip()
        typed_supply = "" if self.supply.currentData() and self.supply.currentText() == \
            self.supply.itemText(self.supply.currentIndex()) else self.supply.currentText().strip()
        return e, typed_residue, typed_supply


def apply_exchange(sc: Scenario, e: Exchange, typed_residue: str, typed_supply: str) -> None:
    """Put ``e`` in the scenario, creating residue/supply flows the user typed as new names."""
    a, b = sc.site(e.from_site), sc.site(e.to_site)
    unit = "t"
    if typed_residue:
        fid = _free_id(a, "residue")
        a.flows.append(Flow(fid, "residue", typed_residue, e.amount, unit,
                            category=default_category("residue", unit, typed_residue)))
        e.from_flow = fid
    if typed_supply:
        fid = _free_id(b, "supply")
        residue = a.flow(e.from_flow)
        s_unit = residue.unit if residue else unit
        b.flows.append(Flow(fid, "supply", typed_supply, e.substitution_ratio * e.amount,
                            s_unit, category=default_category("supply", s_unit, typed_supply)))
        e.to_flow = fid
    old = sc.exchange(e.id)
    if old is None:
        sc.exchanges.append(e)
    else:
        sc.exchanges[sc.exchanges.index(old)] = e


def _free_id(site, prefix: str) -> str:
    ids = {f.id for f in site.flows}
    n, fid = 1, prefix
    while fid in ids:
        n += 1
        fid = f"{prefix}-{n}"
    return fid
