"""Properties of the selected site or exchange, and the dialog that creates an exchange.

Every change is committed through ``Document.edit`` (one undo step, named after the field), so
the panels hold no state of their own: :meth:`refresh` redraws them from the scenario.
"""

from __future__ import annotations

import math
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog,
                               QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMenu, QMessageBox,
                               QPushButton, QStackedWidget, QTableWidget, QTableWidgetItem,
                               QToolButton, QVBoxLayout, QWidget)

from ecolca.model import (CALIBRATION_LEVELS, EXCHANGE_KINDS, FLOW_KINDS, PAYERS,
                          UNCERTAINTY_TYPES, ActivityRef,
                          Exchange, Flow, Processing, Scenario, Transport, Uncertainty, new_id)
from ecolca.scenario_file import MAX_NAME, MAX_SCENARIO_NAME

from ecolca.app.document import Document


def parse_number(text: str) -> float | None:
    """A number typed by a person: '80,000', '1e6', ' 12.5 ' → float; '' → None; else raises."""
    t = text.strip().replace("\u202f", "").replace(" ", "")
    if not t:
        return None
    if t.count(",") and t.count(".") == 0 and all(len(p) == 3 for p in t.split(",")[1:]):
        t = t.replace(",", "")
    elif t.count(",") and t.count("."):
        t = t.replace(",", "")
    value = float(t)
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value


def number_problem(text: str) -> str:
    """Why ``text`` is not a number, with a hint for a decimal comma ("1,5": use 1.5)."""
    t = text.strip()
    parts = t.replace(" ", "").split(",")
    if len(parts) == 2 and all(p.lstrip("-+").isdigit() for p in parts if p) and parts[1] \
            and len(parts[1]) != 3:
        return f"'{t}' is not a number: use {parts[0] or '0'}.{parts[1]} (a point for decimals)"
    return f"'{t}' is not a number"


def fmt_number(x: float | None) -> str:
    if x is None:
        return ""
    if x == 0:
        return "0"
    if abs(x) >= 1e-3 and abs(x) < 1e12:
        return f"{x:,.10g}"
    return f"{x:.6g}"


def _show_start(edit: QLineEdit, text: str) -> None:
    """Put ``text`` in a line edit showing its start (setText shows the end of a long text,
    which hides what it is), with the whole text as tooltip."""
    if edit.text() != text:
        edit.setText(text)
    if not edit.hasFocus():
        edit.setCursorPosition(0)
    edit.setToolTip(text)


def describe_uncertainty(u: Uncertainty) -> str:
    if u.type == "none":
        return "—"
    if u.type == "lognormal":
        return f"lognormal, σg {u.gsd:g}"
    if u.type == "normal":
        return f"normal, sd {u.sd:g}"
    return f"{u.type} {u.minimum:g}–{u.maximum:g}"


class Catalog:
    """Activities and biosphere flows of the Brightway project, loaded on first use (the main
    window sets ``loader``); ``describe`` names a reference for display."""

    def __init__(self, loader: Callable[[bool], list] | None = None):
        self.loader = loader
        self._rows: dict[bool, list] = {}
        self._names: dict[tuple[str, str], str] = {}

    def rows(self, biosphere: bool = False) -> list:
        if biosphere not in self._rows:
            rows = self.loader(biosphere) if self.loader else []
            self._rows[biosphere] = rows
            for r in rows:
                self._names[(r.database, r.code)] = f"{r.name} [{r.location}] ({r.unit})"
        return self._rows[biosphere]

    def describe(self, ref: ActivityRef | None) -> str:
        if ref is None:
            return ""
        if not self._rows:
            try:
                self.rows(False)
            except Exception:  # no project yet: show the code only
                pass
        return self._names.get(ref.key, f"{ref.database}:{ref.code}")

    def invalidate(self) -> None:
        self._rows.clear()
        self._names.clear()


def pick_activity(parent, catalog: Catalog, *, biosphere: bool = False, unit_hint: str | None = None,
                  current: ActivityRef | None = None, title: str | None = None,
                  search: str | None = None) -> ActivityRef | None:
    from ecolca.app.pickers import ActivityPickerDialog

    rows = catalog.rows(biosphere)
    if not rows:
        QMessageBox.information(parent, "No background data",
                                "The Brightway project has no activities yet. Set it up with "
                                "Run ▸ Set up Brightway project.")
        return None
    kw = {"unit_hint": unit_hint, "current": current}
    if title:
        kw["title"] = title
    if search and current is None:  # a first choice: start from the flow's name
        kw["search"] = search
    return ActivityPickerDialog.pick(parent, rows, **kw)


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


# ---------------------------------------------------------------------------------------------
class SitePanel(QWidget):
    """Name, sector, location, confidential flag and the flows table of one site."""

    FLOW_COLUMNS = ["Kind", "Name", "Amount", "Unit", "Background activity / fate / flow",
                    "Price", "Uncertainty", "Transport"]
    # (first width, widest a column grows to its content) per column, in pixels
    COLUMN_WIDTHS = ((96, 96), (150, 200), (100, 130), (52, 90), (230, 300), (70, 110),
                     (110, 170), (90, 200))

    def __init__(self, doc_getter: Callable[[], Document], catalog: Catalog, parent=None):
        super().__init__(parent)
        self.doc = doc_getter
        self.catalog = catalog
        self.site_id: str | None = None
        self._loading = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_NAME)
        self.sector = QLineEdit()
        self.location = QLineEdit()
        self.location.setPlaceholderText("e.g. DK, JP, US-AZ")
        self.description = QLineEdit()
        self.confidential = QCheckBox("Confidential (mask the name in shared reports)")
        form.addRow("Name", self.name)
        form.addRow("Sector", self.sector)
        form.addRow("Location", self.location)
        form.addRow("Description", self.description)
        self.inventory = QComboBox()
        self.inventory.addItem("complete: the site's whole operation", "complete")
        self.inventory.addItem("partial: only what the exchanges touch", "partial")
        self.inventory.setToolTip("With any partial site, L is not the park's whole impact and "
                                  "Δ % reads n/m")
        form.addRow("Inventory", self.inventory)
        form.addRow("", self.confidential)
        lay.addLayout(form)
        for field, w in (("name", self.name), ("sector", self.sector), ("location", self.location),
                         ("description", self.description)):
            w.editingFinished.connect(lambda f=field, w=w: self._set_site(f, w.text()))
        self.confidential.toggled.connect(lambda v: self._set_site("confidential", bool(v)))
        self.inventory.currentIndexChanged.connect(
            lambda _i: self._set_site("inventory", self.inventory.currentData()))

        head = QHBoxLayout()
        flows_label = QLabel("<b>Flows</b> per year, stand-alone")
        flows_label.setToolTip("Each flow as the site would operate on its own (the linear "
                               "configuration); exchanges change them in the symbiotic one")
        head.addWidget(flows_label)
        head.addStretch(1)
        self.add_flow = QToolButton()
        self.add_flow.setText("Add flow")
        self.add_flow.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.add_flow)
        for kind in FLOW_KINDS:
            menu.addAction(kind, lambda k=kind: self.add_flow_of(k))
        self.add_flow.setMenu(menu)
        self.remove_flow = QPushButton("Remove flow")
        self.remove_flow.clicked.connect(self._remove_selected_flow)
        head.addWidget(self.add_flow)
        head.addWidget(self.remove_flow)
        lay.addLayout(head)
        self.flows = QTableWidget(0, len(self.FLOW_COLUMNS))
        self.flows.setHorizontalHeaderLabels(self.FLOW_COLUMNS)
        self.flows.verticalHeader().setVisible(False)
        self.flows.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.flows.setSelectionMode(QAbstractItemView.SingleSelection)
        hh = self.flows.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.Interactive)
        hh.setStretchLastSection(False)
        # wider than the panel: a horizontal scroll bar, scrolled by pixels (not by whole columns)
        self.flows.setHorizontalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.flows.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        for c, w in enumerate(self.COLUMN_WIDTHS):
            self.flows.setColumnWidth(c, w[0])
        self.flows.cellChanged.connect(self._flow_cell_changed)
        self.flows.cellDoubleClicked.connect(self._flow_cell_double_clicked)
        lay.addWidget(self.flows, 1)
        hint = QLabel("Double-click the activity, uncertainty or transport cell to choose.")
        hint.setStyleSheet("color: #5D6D7E;")
        lay.addWidget(hint)

    # ---- showing ------------------------------------------------------------------------------
    def show_site(self, site_id: str | None) -> None:
        changed = site_id != self.site_id
        self.site_id = site_id
        self.refresh()
        if changed:
            self.fit_columns()

    def fit_columns(self) -> None:
        """Columns as wide as their content, within bounds (the user's widths then stay until
        another site is shown); a long name wraps and shows whole in its tooltip."""
        for c, (low, high) in enumerate(self.COLUMN_WIDTHS):
            if c == 0:
                continue  # the kind combo box
            self.flows.resizeColumnToContents(c)
            self.flows.setColumnWidth(c, min(max(self.flows.columnWidth(c), low), high))

    def site(self):
        return self.doc().scenario.site(self.site_id) if self.site_id else None

    def refresh(self) -> None:
        site = self.site()
        if site is None:
            return
        self._loading = True
        for w, v in ((self.name, site.name), (self.sector, site.sector),
                     (self.location, site.location), (self.description, site.description)):
            if not w.hasFocus() or w.text() != v:
                _show_start(w, v)
        self.confidential.setChecked(site.confidential)
        self.inventory.setCurrentIndex(max(0, self.inventory.findData(site.inventory)))
        # keep the current cell, column included: a refresh after a committed edit (Tab) must
        # not move the cursor back to the Name column, where typing would replace the name
        current_row, current_col = self.flows.currentRow(), self.flows.currentColumn()
        self.flows.setRowCount(len(site.flows))
        for r, f in enumerate(site.flows):
            self._set_flow_row(r, f)
        if 0 <= current_row < len(site.flows) and (
                current_row, current_col) != (self.flows.currentRow(), self.flows.currentColumn()):
            self.flows.setCurrentCell(current_row, max(current_col, 0))
        self._loading = False

    def _set_flow_row(self, r: int, f: Flow) -> None:
        kind = self.flows.cellWidget(r, 0)
        if not isinstance(kind, QComboBox):
            kind = QComboBox()
            kind.addItems(list(FLOW_KINDS))
            kind.currentTextChanged.connect(lambda text, w=kind: self._kind_changed(w, text))
            self.flows.setCellWidget(r, 0, kind)
        kind.blockSignals(True)
        kind.setCurrentText(f.kind)
        kind.blockSignals(False)
        ref = f.fate if f.kind == "residue" else f.activity
        if f.kind == "product":
            act = "— (defines the functional unit)"
        elif f.kind == "residue" and ref is None:
            act = "released untreated (no fate) — double-click to choose"
        else:
            act = self.catalog.describe(ref) if ref else "— double-click to choose —"
        cells = [None, f.name, fmt_number(f.amount), f.unit, act, fmt_number(f.price),
                 describe_uncertainty(f.uncertainty),
                 "; ".join(f"{t.mode.code} {t.distance:g} km" for t in f.transport) or "—"]
        for c, text in enumerate(cells):
            if c == 0:
                continue
            item = self.flows.item(r, c)
            if item is None:  # set a new item once; re-setting an owned one makes Qt warn
                item = QTableWidgetItem()
                self.flows.setItem(r, c, item)
            if item.text() != text:
                item.setText(text)
            tip = text
            if c == 4 and ref is not None:
                tip = f"{text}\n{ref.database}:{ref.code}"
            if item.toolTip() != tip:
                item.setToolTip(tip)  # the whole text of a cell cut at the column's edge
            editable = c in (1, 2, 3, 5)
            item.setFlags((item.flags() | Qt.ItemIsEditable) if editable else (item.flags() & ~Qt.ItemIsEditable))
            if c in (2, 5):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)

    # ---- editing ------------------------------------------------------------------------------
    def _set_site(self, field: str, value) -> None:
        site = self.site()
        if self._loading or site is None or getattr(site, field) == value:
            return
        sid = site.id
        self.doc().edit(f"Edit {field} of site '{site.name}'",
                        lambda sc: setattr(sc.site(sid), field, value), merge_key=f"site:{sid}:{field}")

    def _flow_index_of(self, widget) -> int:
        for r in range(self.flows.rowCount()):
            if self.flows.cellWidget(r, 0) is widget:
                return r
        return -1

    def _kind_changed(self, widget, text: str) -> None:
        r = self._flow_index_of(widget)
        site = self.site()
        if self._loading or site is None or r < 0:
            return
        sid, fid = site.id, site.flows[r].id
        self.doc().edit(f"Change kind of flow '{site.flows[r].name}' to {text}",
                        lambda sc: setattr(sc.site(sid).flow(fid), "kind", text))

    def _flow_cell_changed(self, r: int, c: int) -> None:
        site = self.site()
        if self._loading or site is None or r >= len(site.flows):
            return
        f = site.flows[r]
        text = self.flows.item(r, c).text()
        field = {1: "name", 2: "amount", 3: "unit", 5: "price"}.get(c)
        if field is None:
            return
        try:
            value = parse_number(text) if field in ("amount", "price") else text.strip()
            if field == "name":  # what the file format takes: no control characters, ≤ 200
                value = " ".join(value.split())[:MAX_NAME]
        except ValueError:
            QMessageBox.warning(self, "Not a number",
                                f"Flow '{f.name}', field '{field}': {number_problem(text)}.")
            self.refresh()
            return
        if field == "amount" and value is None:
            value = 0.0
        if getattr(f, field) == value:
            return
        sid, fid = site.id, f.id
        self.doc().edit(f"Edit {field} of flow '{f.name}'",
                        lambda sc: setattr(sc.site(sid).flow(fid), field, value))

    def _flow_cell_double_clicked(self, r: int, c: int) -> None:
        site = self.site()
        if site is None or r >= len(site.flows):
            return
        f = site.flows[r]
        sid, fid = site.id, f.id
        if c == 4 and f.kind != "product":
            current = f.fate if f.kind == "residue" else f.activity
            ref = pick_activity(self, self.catalog, biosphere=f.kind == "emission",
                                unit_hint=f.unit, current=current, search=f.name,
                                title={"supply": f"Supplier of '{f.name}'",
                                       "residue": f"Fate of '{f.name}'",
                                       "emission": f"Elementary flow of '{f.name}'"}[f.kind])
            if ref is not None:
                attr = "fate" if f.kind == "residue" else "activity"
                self.doc().edit(f"Set {'fate' if attr == 'fate' else 'activity'} of flow '{f.name}'",
                                lambda sc: setattr(sc.site(sid).flow(fid), attr, ref))
        elif c == 6:
            dlg = UncertaintyDialog(f.uncertainty, self)
            if dlg.exec():
                try:
                    u = dlg.value()
                except ValueError:
                    QMessageBox.warning(self, "Not a number", "Uncertainty fields must be numbers.")
                    return
                self.doc().edit(f"Edit uncertainty of flow '{f.name}'",
                                lambda sc: setattr(sc.site(sid).flow(fid), "uncertainty", u))
        elif c == 7 and f.kind in ("supply", "residue"):
            legs = TransportDialog.edit(self, self.catalog, f.transport,
                                        f"{'Delivery' if f.kind == 'supply' else 'Haul to fate'} of '{f.name}'")
            if legs is not None:
                self.doc().edit(f"Edit transport of flow '{f.name}'",
                                lambda sc: setattr(sc.site(sid).flow(fid), "transport", legs))

    def add_flow_of(self, kind: str) -> None:
        site = self.site()
        if site is None:
            return
        sid = site.id
        existing = {f.id for f in site.flows}
        fid = kind
        n = 1
        while fid in existing:
            n += 1
            fid = f"{kind}-{n}"
        flow = Flow(fid, kind, f"new {kind}", 0.0, "t" if kind != "emission" else "kg")
        self.doc().edit(f"Add {kind} to site '{site.name}'", lambda sc: sc.site(sid).flows.append(flow))
        self.flows.selectRow(len(self.site().flows) - 1)
        self.flows.editItem(self.flows.item(len(self.site().flows) - 1, 1))

    def _remove_selected_flow(self) -> None:
        site = self.site()
        r = self.flows.currentRow()
        if site is None or not 0 <= r < len(site.flows):
            return
        f = site.flows[r]
        sid, fid = site.id, f.id
        used = [e.id for e in self.doc().scenario.exchanges
                if (e.from_site, e.from_flow) == (sid, fid) or (e.to_site, e.to_flow) == (sid, fid)]

        def remove(sc: Scenario) -> None:
            s = sc.site(sid)
            s.flows = [x for x in s.flows if x.id != fid]
            sc.exchanges = [e for e in sc.exchanges if e.id not in used]

        label = f"Remove flow '{f.name}'" + (f" and {len(used)} exchange(s)" if used else "")
        self.doc().edit(label, remove)

    def select_flow(self, index: int) -> None:
        if 0 <= index < self.flows.rowCount():
            self.flows.selectRow(index)
            self.flows.setFocus()


class TransportDialog(QDialog):
    """Transport legs: mode (a t·km background activity) and distance."""

    def __init__(self, catalog: Catalog, legs: list[Transport], title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.catalog = catalog
        self.legs = [Transport(t.mode, t.distance, t.uncertainty, t.label) for t in legs]
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
            self.table.setItem(r, 1, QTableWidgetItem(fmt_number(t.distance)))
            self.table.setItem(r, 2, QTableWidgetItem(t.label))

    def _add(self) -> None:
        ref = pick_activity(self, self.catalog, unit_hint="ton kilometer", title="Transport mode")
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
            ref = pick_activity(self, self.catalog, unit_hint="ton kilometer",
                                current=self.legs[r].mode, title="Transport mode")
            if ref is not None:
                self.legs[r].mode = ref
                self._fill()

    def _accept(self) -> None:
        try:
            for r, t in enumerate(self.legs):
                t.distance = parse_number(self.table.item(r, 1).text()) or 0.0
                t.label = self.table.item(r, 2).text() if self.table.item(r, 2) else ""
        except ValueError:
            QMessageBox.warning(self, "Not a number", "Distances must be numbers (km).")
            return
        self.accept()

    @classmethod
    def edit(cls, parent, catalog: Catalog, legs: list[Transport], title: str) -> list[Transport] | None:
        dlg = cls(catalog, legs, title, parent)
        return dlg.legs if dlg.exec() else None


# ---------------------------------------------------------------------------------------------
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
        self.kind = QComboBox()
        self.kind.addItems(list(EXCHANGE_KINDS))
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
        f1.addRow("Kind", self.kind)
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
        self.kind.setCurrentText(e.kind)
        self.transport = [Transport(t.mode, t.distance, t.uncertainty, t.label) for t in e.transport]
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
            f"{self.catalog.describe(t.mode)}, {t.distance:g} km" for t in self.transport) or
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
        ref = pick_activity(self, self.catalog, title="Processing input (per unit of residue)")
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
            kind=self.kind.currentText(), transport=self.transport, processing=self.processing,
            amount_uncertainty=base.amount_uncertainty, ratio_uncertainty=base.ratio_uncertainty,
            description=self.description.text(), source=self.source.text())
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


def _apply_exchange(sc: Scenario, e: Exchange, typed_residue: str, typed_supply: str) -> None:
    """Put ``e`` in the scenario, creating residue/supply flows the user typed as new names."""
    a, b = sc.site(e.from_site), sc.site(e.to_site)
    unit = "t"
    if typed_residue:
        fid = _free_id(a, "residue")
        a.flows.append(Flow(fid, "residue", typed_residue, e.amount, unit))
        e.from_flow = fid
    if typed_supply:
        fid = _free_id(b, "supply")
        residue = a.flow(e.from_flow)
        b.flows.append(Flow(fid, "supply", typed_supply, e.substitution_ratio * e.amount,
                            residue.unit if residue else unit))
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


def residue_left(sc: Scenario, site_id: str, flow_id: str, exclude: str | None = None) -> float:
    """What is left of a residue after the exchanges that already take it (q summed)."""
    f = sc.site(site_id).flow(flow_id)
    used = math.fsum(e.amount for e in sc.exchanges
                     if (e.from_site, e.from_flow) == (site_id, flow_id) and e.id != exclude)
    return f.amount - used


def supply_need(sc: Scenario, site_id: str, flow_id: str, exclude: str | None = None) -> float:
    """What a supply still needs after the exchanges that already replace part of it (r·q)."""
    f = sc.site(site_id).flow(flow_id)
    covered = math.fsum(e.substitution_ratio * e.amount for e in sc.exchanges
                        if (e.to_site, e.to_flow) == (site_id, flow_id) and e.id != exclude)
    return f.amount - covered


class ExchangeDialog(QDialog):
    """Asked after dragging from one site to another: which residue replaces which supply, q, r,
    transport, processing and money.

    It starts from a residue that still has something left (not one the other exchanges use
    up), and q is what the residue has left, no more than the supply still needs (r·q); lines
    under the residue and the supply say how much is left and still needed. Choosing another
    residue sets q anew; choosing another supply or ratio does too until q is typed."""

    def __init__(self, doc: Document, catalog: Catalog, from_site: str, to_site: str, parent=None):
        super().__init__(parent)
        self.doc = doc
        sc = doc.scenario
        a, b = sc.site(from_site), sc.site(to_site)
        self.setWindowTitle(f"New exchange: {a.name} → {b.name}")
        self.exchange = Exchange(new_id("ex-"), from_site, "", to_site, "", 0.0, 1.0)
        residues, supplies = a.flows_of("residue"), b.flows_of("supply")
        if residues:
            self.exchange.from_flow = next(
                (f.id for f in residues if residue_left(sc, a.id, f.id) > 0), residues[0].id)
        if supplies:
            unit = a.flow(self.exchange.from_flow).unit if residues else None
            open_ = [f for f in supplies if supply_need(sc, b.id, f.id) > 0]
            self.exchange.to_flow = next((f.id for f in open_ if f.unit == unit),
                                         next((f.id for f in open_), supplies[0].id))
        self.form = ExchangeForm(catalog, self)
        self.form.load(sc, self.exchange)
        self.form.show_balance(True)
        self._q_typed = False  # q set by the dialog until the user types one
        self.form.amount.textEdited.connect(self._q_edited)
        self.form.residue.currentIndexChanged.connect(self._residue_changed)
        self.form.residue.editTextChanged.connect(lambda _t: self._update_balance())
        self.form.supply.currentIndexChanged.connect(lambda _i: self._supply_changed())
        self.form.supply.editTextChanged.connect(lambda _t: self._update_balance())
        self.form.ratio.editingFinished.connect(self._supply_changed)
        lay = QVBoxLayout(self)
        lay.addWidget(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #B03A2E;")
        lay.addWidget(self.error)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Ok).setText("Create exchange")
        bb.accepted.connect(self._accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.resize(560, 680)
        self._set_default_q()

    def _flows(self):
        sc = self.doc.scenario
        a, b = sc.site(self.exchange.from_site), sc.site(self.exchange.to_site)
        rid, sid = self.form.residue.currentData(), self.form.supply.currentData()
        typed_r = self.form.residue.currentText() != self.form.residue.itemText(
            self.form.residue.currentIndex())
        typed_s = self.form.supply.currentText() != self.form.supply.itemText(
            self.form.supply.currentIndex())
        r = a.flow(rid) if rid and not typed_r else None
        s = b.flow(sid) if sid and not typed_s else None
        return r, s

    def _ratio(self) -> float:
        try:
            v = parse_number(self.form.ratio.text())
        except ValueError:
            return 1.0
        return v if v and v > 0 else 1.0

    def default_q(self) -> float | None:
        """What is left of the residue, no more than the supply still needs at ratio r."""
        r, s = self._flows()
        if r is None:
            return None
        sc = self.doc.scenario
        q = max(0.0, residue_left(sc, self.exchange.from_site, r.id))
        if s is not None:
            need = supply_need(sc, self.exchange.to_site, s.id)
            if need > 0:
                q = min(q, need / self._ratio())
        return q

    def _set_default_q(self) -> None:
        q = self.default_q()
        if q is not None:
            self.form.amount.setText(fmt_number(q))
        self._update_balance()

    def _q_edited(self, _text: str) -> None:
        self._q_typed = True

    def _update_balance(self) -> None:
        sc = self.doc.scenario
        r, s = self._flows()
        if r is None:
            self.form.residue_left.setText("a new residue of the supplying site")
        else:
            left = residue_left(sc, self.exchange.from_site, r.id)
            text = f"{fmt_number(max(left, 0.0))} of {fmt_number(r.amount)} {r.unit} left"
            if left <= 0:
                text += ": the other exchanges already take all of it"
            self.form.residue_left.setText(text)
        if s is None:
            self.form.supply_need.setText("a new supply of the receiving site")
        else:
            need = supply_need(sc, self.exchange.to_site, s.id)
            text = f"still needs {fmt_number(max(need, 0.0))} of {fmt_number(s.amount)} {s.unit}"
            if need <= 0:
                text += ": the other exchanges already replace all of it"
            self.form.supply_need.setText(text)

    def _residue_changed(self) -> None:
        fid = self.form.residue.currentData()
        site = self.doc.scenario.site(self.exchange.from_site)
        f = site.flow(fid) if fid else None
        if f is not None:
            self.form.amount_unit.setText(f.unit)
        self._q_typed = False  # another residue: q starts again from what it has left
        self._set_default_q()

    def _supply_changed(self) -> None:
        if self._q_typed:
            self._update_balance()
        else:
            self._set_default_q()

    def _accept(self) -> None:
        try:
            e, typed_r, typed_s = self.form.values(self.exchange)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        if not (e.from_flow or typed_r) or not (e.to_flow or typed_s):
            self.error.setText("Choose (or type) the residue and the supply it replaces.")
            return
        a = self.doc.scenario.site(e.from_site)
        b = self.doc.scenario.site(e.to_site)
        self.doc.edit(f"Add exchange {a.name} → {b.name}",
                      lambda sc: _apply_exchange(sc, e, typed_r, typed_s))
        self.created_id = e.id
        self.accept()


class ExchangePanel(QWidget):
    def __init__(self, doc_getter: Callable[[], Document], catalog: Catalog, parent=None):
        super().__init__(parent)
        self.doc = doc_getter
        self.exchange_id: str | None = None
        self._loading = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.form = ExchangeForm(catalog, self)
        self.form.edited = self._commit
        lay.addWidget(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #B03A2E;")
        lay.addWidget(self.error)
        f = self.form
        for w in (f.amount, f.ratio, f.price, f.transport_cost, f.processing_cost, f.description, f.source):
            w.editingFinished.connect(self._commit)
        for w in (f.kind, f.transport_payer, f.processing_payer):
            w.currentTextChanged.connect(lambda _t: self._commit())
        for w in (f.residue, f.supply):
            w.activated.connect(lambda _i: self._commit())

    def show_exchange(self, exchange_id: str | None) -> None:
        self.exchange_id = exchange_id
        self.refresh()

    def refresh(self) -> None:
        e = self.doc().scenario.exchange(self.exchange_id) if self.exchange_id else None
        if e is None:
            return
        self._loading = True
        self.form.load(self.doc().scenario, e)
        self.error.clear()
        self._loading = False

    def _commit(self) -> None:
        if self._loading or not self.exchange_id:
            return
        doc = self.doc()
        old = doc.scenario.exchange(self.exchange_id)
        if old is None:
            return
        try:
            e, typed_r, typed_s = self.form.values(old)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        if not e.from_flow and not typed_r:
            e.from_flow = old.from_flow
        if not e.to_flow and not typed_s:
            e.to_flow = old.to_flow
        import dataclasses

        if dataclasses.asdict(e) == dataclasses.asdict(old) and not typed_r and not typed_s:
            return
        changed = [k for k in ("amount", "substitution_ratio", "kind", "from_flow", "to_flow",
                               "description", "source", "transport", "processing", "economics")
                   if getattr(e, k) != getattr(old, k)]
        from ecolca.app.labels import exchange_label

        label = (f"Edit {changed[0].replace('_', ' ') if changed else 'exchange'} of exchange "
                 f"'{exchange_label(doc.scenario, old.id)}'")
        doc.edit(label, lambda sc: _apply_exchange(sc, e, typed_r, typed_s),
                 merge_key=f"exchange:{old.id}:{','.join(changed)}")


class ScenarioPanel(QWidget):
    """The scenario itself, shown when nothing is selected: name, description (the story of an
    example), reference year, currency, attribution key, sources and assumptions."""

    def __init__(self, doc_getter: Callable[[], Document], parent=None):
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
        from ecolca.model import ATTRIBUTION_KEYS

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
        self.calibration = QComboBox()
        self.calibration.addItems(list(CALIBRATION_LEVELS))
        self.calibration.setToolTip("How far the quantities rest on sources; the report prints "
                                    "it with the share of Δ that rests on assumed amounts")
        form.addRow("Calibration", self.calibration)
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
        self.calibration.currentTextChanged.connect(lambda t: self._set("calibration", t))
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

    def _description_changed(self) -> None:
        self._set("description", self.description.toPlainText())

    def refresh(self) -> None:
        sc = self.doc().scenario
        self._loading = True
        if not self.name.hasFocus():
            _show_start(self.name, sc.name)
        self.year.setValue(sc.reference_year)
        if not self.currency.hasFocus():
            self.currency.setText(sc.currency)
        self.key.setCurrentText(sc.attribution_key)
        self.calibration.setCurrentText(sc.calibration)
        self.iterations.setValue(sc.monte_carlo_iterations)
        self.seed.setValue(sc.monte_carlo_seed)
        if self.description.toPlainText() != sc.description and not self.description.hasFocus():
            self.description.setPlainText(sc.description)
        self.illustrative.setText("Illustrative: not a basis for decisions" if sc.illustrative else "")
        self.illustrative.setVisible(sc.illustrative)
        from html import escape

        items = [f"<li>{escape(x)}</li>" for x in sc.sources]
        assumptions = [f"<li>{escape(x)}</li>" for x in sc.assumptions]
        self.notes.setText((f"<p><b>Sources</b></p><ul>{''.join(items)}</ul>" if items else
                            "<p>No sources listed.</p>")
                           + (f"<p><b>Assumptions</b></p><ul>{''.join(assumptions)}</ul>" if assumptions else ""))
        self._loading = False


class PropertiesPanel(QStackedWidget):
    """Shows the site panel, the exchange panel, or the scenario."""

    def __init__(self, doc_getter, catalog: Catalog, parent=None):
        super().__init__(parent)
        self.hint = ScenarioPanel(doc_getter)
        self.site_panel = SitePanel(doc_getter, catalog)
        self.exchange_panel = ExchangePanel(doc_getter, catalog)
        self.addWidget(self.hint)
        self.addWidget(self.site_panel)
        self.addWidget(self.exchange_panel)
        self.currentChanged.connect(self._page_changed)
        self._page_changed()

    def _page_changed(self, _index: int = 0) -> None:
        """Only the page shown sets the panel's size: the long exchange form must not make the
        site page taller than the dock (its flows table, horizontal scroll bar included, then
        ran below the fold)."""
        from PySide6.QtWidgets import QSizePolicy

        for i in range(self.count()):
            w = self.widget(i)
            if w is self.currentWidget():
                w.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
            else:
                w.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)
        self.updateGeometry()

    def show_selection(self, site_id: str | None, exchange_id: str | None) -> None:
        if site_id:
            self.site_panel.show_site(site_id)
            self.setCurrentWidget(self.site_panel)
        elif exchange_id:
            self.exchange_panel.show_exchange(exchange_id)
            self.setCurrentWidget(self.exchange_panel)
        else:
            self.hint.refresh()
            self.setCurrentWidget(self.hint)

    def refresh(self) -> None:
        w = self.currentWidget()
        if w is self.site_panel:
            if self.site_panel.site() is None:
                self.show_selection(None, None)
            else:
                self.site_panel.refresh()
        elif w is self.exchange_panel:
            if self.exchange_panel.doc().scenario.exchange(self.exchange_panel.exchange_id) is None:
                self.show_selection(None, None)
            else:
                self.exchange_panel.refresh()
        else:
            self.hint.refresh()
