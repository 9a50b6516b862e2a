"""The Inventory tab: key elementary flows of the whole park."""

from __future__ import annotations


from PySide6.QtWidgets import QVBoxLayout, QWidget

from ecolca.app.results_view.common import _note, row_scale
from ecolca.app.results_view.table import _fill, _make_table, _num_item, _text_item


class InventoryTab:
    """The Inventory tab of :class:`~ecolca.app.results_view.ResultsView` (a mixin of the view: it builds
    the tab's widgets on the view and renders the view's results into them)."""

    def _build_inventory(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(_note("Key elementary flows, whole park, per year: summed over the whole "
                            "system (foreground and background), all compartments named."))
        self.inv_table = _make_table(["Flow", "Unit", "Linear (L)\n[unit/year]",
                                      "Symbiotic (S)\n[unit/year]", "Δ = S − L\n[unit/year]"],
                                     stretch=0)
        lay.addWidget(self.inv_table, 1)
        self.tabs.addTab(page, "Inventory")

    def _render_inventory(self) -> None:
        r = self._results
        assert r is not None
        rows = []
        for i in r.inventory:  # one scale per row, its unit in the Unit column
            sc = row_scale([i.linear, i.symbiotic, i.delta], i.unit)
            rows.append([_text_item(i.label), _text_item(sc.unit, f"{sc.unit} (as computed: "
                                                                   f"{i.unit})"),
                         _num_item(i.linear, scale=sc), _num_item(i.symbiotic, scale=sc),
                         _num_item(i.delta, delta=True, scale=sc)])
        _fill(self.inv_table, rows)
