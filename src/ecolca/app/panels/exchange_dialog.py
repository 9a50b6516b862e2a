"""The dialog that creates an exchange after a drag from one site to another: it starts
from what the residue has left and what the supply still needs."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from ecolca.core.model import Exchange, Scenario, new_id

from ecolca.app.document import Document
from ecolca.app.panels.common import Catalog, fmt_number, parse_number
from ecolca.app.panels.exchange_form import ExchangeForm, apply_exchange


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
        # an id a person can place, from the names ("fly-ash-to-cement-plant"), not a random one
        residue = typed_r or (a.flow(e.from_flow).name if a.flow(e.from_flow) else "")
        e.id = self.doc.scenario.new_exchange_id(residue, b.name)
        self.doc.edit(f"Add exchange {a.name} → {b.name}",
                      lambda sc: apply_exchange(sc, e, typed_r, typed_s))
        self.created_id = e.id
        self.accept()
