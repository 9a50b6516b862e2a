"""The properties dock's content: the scenario, site or exchange page, whichever the
selection calls for."""

from __future__ import annotations


from PySide6.QtWidgets import QStackedWidget
from ecolca.app.panels.common import Catalog
from ecolca.app.panels.exchange_panel import ExchangePanel
from ecolca.app.panels.scenario_panel import ScenarioPanel
from ecolca.app.panels.site_panel import SitePanel


class PropertiesPanel(QStackedWidget):
    """Shows the site panel, the exchange panel, or the scenario."""

    def __init__(self, doc_getter, catalog: Catalog, parent=None):
        super().__init__(parent)
        self.hint = ScenarioPanel(doc_getter, catalog)
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
