"""The site page of the properties panel: name, sector, location and the flows table."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMenu, QMessageBox, QPushButton,
                               QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from ecolca.core.model import CATEGORIES, FLOW_KINDS, Flow, Scenario, default_category
from ecolca.core.scenario_file import MAX_NAME

from ecolca.app.document import Document
from ecolca.app.panels import common
from ecolca.app.panels.common import (Catalog, show_start, describe_uncertainty, fmt_number,
                                      number_problem, parse_number)
from ecolca.app.panels.flow_columns import FlowColumns, compact_combo
from ecolca.app.panels.dialogs import BASIS_TEXT, BasisDialog, TransportDialog, UncertaintyDialog


# what the flag does (ecolca.park.confidential; docs/confidentiality.md)
CONFIDENTIAL_TEXT = "Confidential: left out of park and public reports"
CONFIDENTIAL_TIP = (
    "In a report for the park or the public (Export Excel report asks who it is for), and in "
    "`ecolca run --audience park|public` and `ecolca export-shared`: the site's name, "
    "description, flows and per-site figures are left out; its figures are pooled with other "
    "sites (one more site when it is the only confidential one, so that none can be derived by "
    "subtraction, whose inputs are then withheld too); its exchanges are one row, without q "
    "or r. Free text (names of flows, descriptions, notes) is withheld unless cleared for the "
    "audience in the scenario file. Park totals are unchanged. "
    "What is and is not protected: docs/confidentiality.md. Internal reports show everything.")

# what a flow's category changes (ecolca.park.disclosure; docs/glossary.md)
CATEGORY_TIP = ("Category: what the flow carries (material, energy, water, by-product). A supply "
                "is filed under purchased material, energy or water in a site's disclosure, and "
                "a material or by-product supply counts in its secondary-material share. Until "
                "you choose one, it follows the flow: energy in an energy unit (MJ, kWh), for "
                "steam, heat or electricity, or with a background activity of them; water for "
                "water, wastewater or effluent; else material.")


class SitePanel(QWidget):
    """Name, sector, location, confidential flag and the flows table of one site."""

    FLOW_COLUMNS = ["Kind", "Name", "Amount", "Unit", "Background activity / fate / flow",
                    "Price", "Uncertainty", "Transport", "Category", "Basis"]
    # (first width, widest a column grows to its content) per column, in pixels
    COMBO_COLUMNS = {0: ("kind", FLOW_KINDS), 8: ("category", CATEGORIES)}
    COLUMN_WIDTHS = ((96, 96), (150, 200), (100, 130), (52, 90), (230, 300), (70, 110),
                     (110, 170), (90, 200), (100, 100), (90, 110))

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
        self.confidential = QCheckBox(CONFIDENTIAL_TEXT)
        self.confidential.setToolTip(CONFIDENTIAL_TIP)
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
        self.columns = FlowColumns(self.flows, self.COLUMN_WIDTHS, self.COMBO_COLUMNS)
        self.flows.horizontalHeaderItem(8).setToolTip(CATEGORY_TIP)
        self.flows.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.flows.setSelectionMode(QAbstractItemView.SingleSelection)
        hh = self.flows.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.Interactive)
        hh.setStretchLastSection(False)
        # a panel too narrow even for the wrapped columns: a scroll bar, scrolled by pixels
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
        """Every column in the panel's width (:class:`FlowColumns`); the user's widths stay
        until another site is shown or the panel's width changes."""
        self.columns.fit()

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
                show_start(w, v)
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
        self.columns.fit_rows()  # a name or activity that wraps: its row grows
        self._loading = False

    def _set_flow_row(self, r: int, f: Flow) -> None:
        for c, (field, choices) in self.COMBO_COLUMNS.items():
            box = self.flows.cellWidget(r, c)
            if not isinstance(box, QComboBox):
                box = compact_combo(list(choices), self.flows)
                box.currentTextChanged.connect(
                    lambda text, w=box, c=c: self._choice_changed(w, c, text))
                if field == "category":
                    box.setToolTip(CATEGORY_TIP)
                self.flows.setCellWidget(r, c, box)
            box.blockSignals(True)
            box.setCurrentText(getattr(f, field))
            box.blockSignals(False)
        ref = f.fate if f.kind == "residue" else f.activity
        if f.kind == "product":
            act = "— (defines the functional unit)"
        elif f.kind == "residue" and ref is None:
            act = "released untreated (no fate) — double-click to choose"
        else:
            act = self.catalog.describe(ref) if ref else "— double-click to choose —"
        cells = [None, f.name, fmt_number(f.amount), f.unit, act, fmt_number(f.price),
                 describe_uncertainty(f.uncertainty),
                 "; ".join(f"{t.mode.code} {t.distance_km:g} km" for t in f.transport) or "—",
                 None, f.amount_basis + ("" if f.amount_basis != "sourced" or f.source.strip()
                                         else " (no source)")]
        for c, text in enumerate(cells):
            if c in self.COMBO_COLUMNS:
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
            elif c == 9:  # where the amount comes from; double-click to set basis and source
                tip = f"{BASIS_TEXT[f.amount_basis]}\nsource: {f.source.strip() or 'none named'}"
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
                        lambda sc: setattr(sc.site(sid), field, value), merge_key=f"site:{sid}:{field}",
                        touched=("site", sid))

    def _flow_index_of(self, widget, column: int = 0) -> int:
        for r in range(self.flows.rowCount()):
            if self.flows.cellWidget(r, column) is widget:
                return r
        return -1

    def _choice_changed(self, widget, column: int, text: str) -> None:
        """The kind or category combo box of a row: one undoable edit."""
        r = self._flow_index_of(widget, column)
        site = self.site()
        if self._loading or site is None or r < 0:
            return
        field = self.COMBO_COLUMNS[column][0]
        sid, fid = site.id, site.flows[r].id
        self.doc().edit(f"Change {field} of flow '{site.flows[r].name}' to {text}",
                        lambda sc: setattr(sc.site(sid).flow(fid), field, text),
                        touched=("site", sid))

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
        label, category = f"Edit {field} of flow '{f.name}'", None
        if field in ("name", "unit"):
            # a category still at its default follows the name and unit (steam, MWh: energy)
            category = common.category_after(f, self.catalog, **{field: value})
            if category is not None:
                label += f" (category → {category})"

        def apply(sc: Scenario) -> None:
            flow = sc.site(sid).flow(fid)
            setattr(flow, field, value)
            if category is not None:
                flow.category = category

        self.doc().edit(label, apply, touched=("site", sid))

    def _flow_cell_double_clicked(self, r: int, c: int) -> None:
        site = self.site()
        if site is None or r >= len(site.flows):
            return
        f = site.flows[r]
        sid, fid = site.id, f.id
        if c == 4 and f.kind != "product":
            current = f.fate if f.kind == "residue" else f.activity
            ref = common.pick_activity(self, self.catalog, biosphere=f.kind == "emission",
                                unit_hint=f.unit, current=current, search=f.name,
                                fates=f.kind == "residue",
                                title={"supply": f"Background activity of '{f.name}'",
                                       "residue": f"Fate of '{f.name}'",
                                       "emission": f"Elementary flow of '{f.name}'"}[f.kind])
            if ref is not None:
                attr = "fate" if f.kind == "residue" else "activity"
                cat = common.category_after(f, self.catalog, ref=ref)  # heat, water …

                def apply(sc: Scenario) -> None:
                    setattr(sc.site(sid).flow(fid), attr, ref)
                    if cat is not None:
                        sc.site(sid).flow(fid).category = cat

                self.doc().edit(f"Set {'fate' if attr == 'fate' else 'activity'} of flow '{f.name}'"
                                + (f" (category → {cat})" if cat else ""), apply,
                                touched=("site", sid))
        elif c == 6:
            dlg = UncertaintyDialog(f.uncertainty, self)
            if dlg.exec():
                try:
                    u = dlg.value()
                except ValueError:
                    QMessageBox.warning(self, "Not a number", "Uncertainty fields must be numbers.")
                    return
                self.doc().edit(f"Edit uncertainty of flow '{f.name}'",
                                lambda sc: setattr(sc.site(sid).flow(fid), "uncertainty", u),
                                touched=("site", sid))
        elif c == 9:
            dlg = BasisDialog(f.amount_basis, f.source, f"Amount of '{f.name}': basis and source", self)
            if dlg.exec():
                basis, source = dlg.value()
                self.doc().edit(f"Edit basis of flow '{f.name}'", lambda sc: (
                    setattr(sc.site(sid).flow(fid), "amount_basis", basis),
                    setattr(sc.site(sid).flow(fid), "source", source)), touched=("site", sid))
        elif c == 7 and f.kind in ("supply", "residue"):
            legs = TransportDialog.edit(self, self.catalog, f.transport,
                                        f"{'Delivery' if f.kind == 'supply' else 'Haul to fate'} of '{f.name}'")
            if legs is not None:
                self.doc().edit(f"Edit transport of flow '{f.name}'",
                                lambda sc: setattr(sc.site(sid).flow(fid), "transport", legs),
                                touched=("site", sid))

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
        unit = "t" if kind != "emission" else "kg"
        flow = Flow(fid, kind, f"new {kind}", 0.0, unit, category=default_category(kind, unit))
        self.doc().edit(f"Add {kind} to site '{site.name}'", lambda sc: sc.site(sid).flows.append(flow))
        # the cursor on the Name cell it opens (selectRow alone left it on Kind, so Tab from the
        # name went to Name again and the next thing typed replaced it: issue #20)
        row = len(self.site().flows) - 1
        self.flows.setCurrentCell(row, 1)
        self.flows.editItem(self.flows.item(row, 1))

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
            self.flows.setCurrentCell(index, 1)  # the row, with the cursor on its Name
            self.flows.setFocus()
