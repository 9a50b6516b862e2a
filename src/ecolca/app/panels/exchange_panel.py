"""The exchange page of the properties panel."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


from ecolca.app.document import Document
from ecolca.app.panels.common import Catalog
from ecolca.app.panels.exchange_form import ExchangeForm, apply_exchange


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
        for w in (f.category, f.basis, f.transport_payer, f.processing_payer):
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
        changed = [k for k in ("amount", "substitution_ratio", "category", "amount_basis",
                               "from_flow", "to_flow", "description", "source", "transport",
                               "processing", "economics")
                   if getattr(e, k) != getattr(old, k)]
        from ecolca.app.labels import exchange_label

        label = (f"Edit {changed[0].replace('_', ' ') if changed else 'exchange'} of exchange "
                 f"'{exchange_label(doc.scenario, old.id)}'")
        # a typed residue or supply name adds a flow to a site: more than the exchange changes
        doc.edit(label, lambda sc: apply_exchange(sc, e, typed_r, typed_s),
                 merge_key=f"exchange:{old.id}:{','.join(changed)}",
                 touched=None if typed_r or typed_s else ("exchange", old.id))
