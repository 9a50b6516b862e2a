"""The Economics tab: costs per site and cost per unit of avoided impact."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ecolca.lca.results import method_label
from ecolca.app.results_view.common import _note
from ecolca.app.results_view.table import _fill, _make_table, _num_item, _text_item


class EconomicsTab:
    """The Economics tab of :class:`~ecolca.app.results_view.ResultsView` (a mixin of the view: it builds
    the tab's widgets on the view and renders the view's results into them)."""

    def _build_economics(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.econ_title = QLabel()
        self.econ_title.setStyleSheet("font-weight: bold;")
        lay.addWidget(self.econ_title)
        lay.addWidget(_note(
            "L cost = supplies × price + residues × disposal fee. S cost applies the same prices "
            "to the reduced amounts and adds exchange payments (receiver pays supplier), "
            "transport and processing costs. Negative Δ = saving."))
        self.econ_table = _make_table(["Site", "Linear cost", "Symbiotic cost", "Δcost",
                                       "Missing prices"], stretch=4)
        self.econ_table.doubleClicked.connect(
            lambda index: self._site_double_clicked(self.econ_table, index))
        lay.addWidget(self.econ_table, 3)
        self.econ_missing = _note("", "color: #8A1C12; font-weight: bold;")
        lay.addWidget(self.econ_missing)
        lab = QLabel("Cost per unit of avoided impact (negative = win-win)")
        lab.setStyleSheet("font-weight: bold;")
        lay.addWidget(lab)
        self.cpa_table = _make_table(["Method", "Unit", "Δ impact\n[unit/year]", "Δcost",
                                      "Cost per avoided unit", "Cost unit"], stretch=0)
        lay.addWidget(self.cpa_table, 3)
        self.tabs.addTab(page, "Economics")

    def _render_economics(self) -> None:
        r = self._results
        assert r is not None
        cur = r.currency
        self.econ_title.setText(f"Economics per site [{cur}/year]")
        self.econ_table.setHorizontalHeaderLabels(
            ["Site", f"Linear cost\n[{cur}/year]", f"Symbiotic cost\n[{cur}/year]",
             f"Δcost = S − L\n[{cur}/year]", "Missing prices"])
        # a missing price would count as 0: such a site's costs, and the totals, are not computed
        def cost(v, e=None, delta=False):
            if (e is not None and e.missing_prices) or v is None:
                it = _text_item("not computed")
                it.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                return it
            return _num_item(v, money=True, delta=delta)

        rows = [[_text_item(e.site_name, f"{e.site_name} ({e.site_id})", key=e.site_id),
                 cost(e.linear_cost, e), cost(e.symbiotic_cost, e), cost(e.delta, e, True),
                 _text_item("; ".join(e.missing_prices))] for e in r.economics]
        missing = sum(len(e.missing_prices) for e in r.economics)
        reason = r.cost_reason()
        rows.append([_text_item("Total (all sites)"), cost(r.total_cost("linear")),
                     cost(r.total_cost("symbiotic")), cost(r.total_cost("delta"), delta=True),
                     _text_item(f"{missing} missing price(s): not computed" if missing else "")])
        _fill(self.econ_table, rows, total_rows={len(rows) - 1})
        if not getattr(r, "prices_given", True):
            self.econ_missing.setText("The scenario gives no prices, fees or exchange payments: "
                                      "costs are not computed.")
        else:
            self.econ_missing.setText(
                f"{missing} flow(s) without a price: the costs of their sites and the totals are "
                "not computed (a missing price would count as 0)." if missing else "")
        self.econ_missing.setVisible(bool(missing) or not getattr(r, "prices_given", True))

        self.cpa_table.setHorizontalHeaderLabels(
            ["Method", "Unit", "Δ impact\n[unit/year]", f"Δcost\n[{cur}/year]",
             f"Cost per avoided unit\n[{cur}/unit]", "Cost unit"])
        rows = []
        for m in r.impacts:
            cpa = r.cost_per_avoided(m.method)
            cpa_item = _num_item(cpa, money=abs(cpa) >= 1 if cpa is not None else False,
                                 delta=True)
            if cpa is None:
                cpa_item.setText("not computed" if reason else "no impact avoided")
                cpa_item.setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            rows.append([_text_item(method_label(m.method)), _text_item(m.unit),
                         _num_item(m.delta, delta=True),
                         cost(r.total_cost("delta"), delta=True), cpa_item,
                         _text_item(f"{cur}/{m.unit}")])
        _fill(self.cpa_table, rows)
