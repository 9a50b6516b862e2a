"""Edits started from the main window: add a site, draw an exchange, delete the selection,
go to what a problem names, the Suggestions panel (whose Accept adds an exchange)."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMessageBox

from ecolca.core.model import Scenario, Site, new_id

from ecolca.app.canvas_items import SITE_H, SITE_W
from ecolca.app.panels import ExchangeDialog


class WindowEditing:
    """Edits started from the window: sites, exchanges, deletion, going to a problem of :class:`~ecolca.app.mainwindow.MainWindow` (a mixin of the window)."""

    def add_site(self, x: float | None = None, y: float | None = None) -> str:
        sc = self.doc.scenario
        if x is None or y is None:
            centre = self.view.mapToScene(self.view.viewport().rect().center())
            x, y = centre.x() - SITE_W / 2 + 20 * (len(sc.sites) % 5), centre.y() - SITE_H / 2 + 20 * (len(sc.sites) % 5)
        n = len(sc.sites) + 1
        names = {s.name for s in sc.sites}
        while f"Site {n}" in names:
            n += 1
        site = Site(new_id("site-"), f"Site {n}", position=(round(x, 1), round(y, 1)))
        self.doc.edit(f"Add site '{site.name}'", lambda s: s.sites.append(site))
        self.scene.select_only(site_id=site.id)
        self.properties_dock.show()
        self.properties.site_panel.name.setFocus()
        self.properties.site_panel.name.selectAll()
        return site.id

    def show_properties(self) -> None:
        """Show the properties of the selection (the canvas menu's Properties)."""
        self.properties_dock.show()
        self.properties_dock.raise_()
        self.properties.setFocus()

    def select_from_results(self, site_id: str | None = None,
                            exchange_id: str | None = None) -> None:
        """A row of the results (Exchanges, Sites, Economics) double-clicked: select that
        exchange or site on the park view, centred, and show it in the side panel."""
        self.scene.select_only(site_id=site_id, exchange_id=exchange_id)
        item = self.scene.sites.get(site_id) if site_id else self.scene.exchanges.get(exchange_id)
        if item is not None:
            self.view.centerOn(item)
            self.properties_dock.show()
            self.properties_dock.raise_()

    def _sites_moved(self, moved: dict) -> None:
        def move(sc: Scenario) -> None:
            for sid, (x, y) in moved.items():
                s = sc.site(sid)
                if s is not None:
                    s.position = (x, y)

        label = (f"Move site '{self.doc.scenario.site(next(iter(moved))).name}'" if len(moved) == 1
                 else f"Move {len(moved)} sites")
        self.doc.edit(label, move)

    def new_exchange(self, from_site: str, to_site: str) -> str | None:
        dlg = ExchangeDialog(self.doc, self.catalog, from_site, to_site, self)
        if dlg.exec():
            self.scene.select_only(exchange_id=dlg.created_id)
            return dlg.created_id
        return None

    def add_exchange_from_selection(self) -> None:
        sites = self.scene.selected_site_ids()
        if len(sites) != 2:
            QMessageBox.information(self, "Add exchange", "Select two sites (Ctrl+click), the "
                                    "supplier first, or drag from a site's dot to another site.")
            return
        self.new_exchange(sites[0], sites[1])

    def delete_selection(self) -> None:
        sites = set(self.scene.selected_site_ids())
        exs = set(self.scene.selected_exchange_ids())
        if not sites and not exs:
            return
        sc = self.doc.scenario
        dropped = {e.id for e in sc.exchanges if e.from_site in sites or e.to_site in sites} | exs
        parts = []
        if sites:
            parts.append(f"{len(sites)} site(s)" if len(sites) > 1 else f"site '{sc.site(next(iter(sites))).name}'")
        if dropped:
            parts.append(f"{len(dropped)} exchange(s)")

        def delete(s: Scenario) -> None:
            s.sites = [x for x in s.sites if x.id not in sites]
            s.exchanges = [e for e in s.exchanges if e.id not in dropped]

        self.doc.edit("Delete " + " and ".join(parts), delete)

    def go_to_path(self, path: tuple) -> None:
        """Select what a problem names: ("sites", i, "flows", j, field) or ("exchanges", i, …)."""
        sc = self.doc.scenario
        if len(path) >= 2 and path[0] == "sites" and isinstance(path[1], int) and path[1] < len(sc.sites):
            site = sc.sites[path[1]]
            self.scene.select_only(site_id=site.id)
            self.properties.show_selection(site.id, None)
            if len(path) >= 4 and path[2] == "flows" and isinstance(path[3], int):
                self.properties.site_panel.select_flow(path[3])
            else:
                field = path[2] if len(path) > 2 else "name"
                w = getattr(self.properties.site_panel, field, None)
                if hasattr(w, "setFocus"):
                    w.setFocus()
        elif len(path) >= 2 and path[0] == "exchanges" and isinstance(path[1], int) and path[1] < len(sc.exchanges):
            ex = sc.exchanges[path[1]]
            self.scene.select_only(exchange_id=ex.id)
            self.properties.show_selection(None, ex.id)
            field = path[2] if len(path) > 2 else None
            w = {"amount": self.properties.exchange_panel.form.amount,
                 "substitution_ratio": self.properties.exchange_panel.form.ratio,
                 "from": self.properties.exchange_panel.form.residue,
                 "to": self.properties.exchange_panel.form.supply}.get(field)
            if w is not None:
                w.setFocus()
        elif path and path[0] == "methods":
            self.choose_methods()
        self.properties_dock.show()

    def show_suggestions(self) -> None:
        """Open the Suggestions panel (made on first use, beside the properties) and find
        suggestions for the scenario."""
        from ecolca.app.panels.suggestions_panel import SuggestionsPanel

        if self.suggestions is None:
            self.suggestions = SuggestionsPanel(lambda: self.doc, self.project, self._start,
                                                lambda: self.job is not None)
            self.suggestions.accepted.connect(
                lambda eid: self.scene.select_only(exchange_id=eid))
            dock = QDockWidget("Suggestions", self)
            dock.setObjectName("suggestions")
            dock.setWidget(self.suggestions)
            dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                             | QDockWidget.DockWidgetClosable)
            self.addDockWidget(Qt.RightDockWidgetArea, dock)
            self.tabifyDockWidget(self.properties_dock, dock)
            self.suggestions_dock = dock
        self.suggestions_dock.show()
        self.suggestions_dock.raise_()
        # wide enough for its columns, but never at the cost of the results' numbers: the
        # Summary needs about 800 px beside it (at 1366 px the dock gets 566)
        want = min(640, self.width() - 800)
        if want > self.suggestions_dock.width():
            self.resizeDocks([self.suggestions_dock], [want], Qt.Horizontal)
        self.suggestions.compute()
