"""The park drawn as boxes (sites) and arrows (exchanges) on a QGraphicsView.

The canvas never edits the scenario itself: it emits requests (add a site here, move these
sites, link these two sites, delete the selection) that the main window turns into undoable
document edits, and :meth:`ParkScene.sync` redraws from the scenario afterwards.
"""

from __future__ import annotations


from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView, QMenu

from ecolca.model import Scenario
from ecolca.app.canvas_items import SITE_H, SITE_W, ExchangeItem, SiteItem


class ParkScene(QGraphicsScene):
    """Items for the sites and exchanges of a scenario, kept in step by :meth:`sync`."""

    sitesMoved = Signal(dict)  # {site_id: (x, y)}
    linkRequested = Signal(str, str)  # from site id, to site id
    addSiteRequested = Signal(float, float)
    deleteRequested = Signal()
    propertiesRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sites: dict[str, SiteItem] = {}
        self.exchanges: dict[str, ExchangeItem] = {}
        self._scenario: Scenario | None = None
        self.setSceneRect(QRectF(-2000, -2000, 4000, 4000))

    def _update_exchange(self, sc, e, item, bend, moved, first, flows) -> bool:
        """Update arrow ``item`` of exchange ``e`` when what it shows changed; True if so."""
        a, b = first.get(e.from_site), first.get(e.to_site)
        fa, fb = flows.get((e.from_site, e.from_flow)), flows.get((e.to_site, e.to_flow))
        sig = (e.kind, e.amount, e.substitution_ratio, e.description, bend,
               a.name if a else None, b.name if b else None,
               (fa.name, fa.unit) if fa else None, fb.name if fb else None)
        if sig == item.sig and e.from_site not in moved and e.to_site not in moved:
            return False
        item.update_from(sc, e, self.sites[e.from_site], self.sites[e.to_site], bend)
        item.sig = sig
        return True

    def sync_item(self, sc: Scenario, kind: str, item_id: str) -> bool:
        """Redraw after an edit that changed only site or exchange ``item_id`` (its fields, a
        site's flows) of the scenario last synced: that item and the arrows it shows in. False
        (nothing done) when that is not enough: call :meth:`sync`."""
        if sc is not self._scenario:
            return False
        if kind == "site":
            site = sc.site(item_id)
            item = self.sites.get(item_id)
            if site is None or item is None:
                return False
            moved = set()
            if item.signature(site) != item.sig:
                if item.pos().x() != site.x or item.pos().y() != site.y:
                    moved.add(site.id)
                item.update_from(site)
            exs = [e for e in sc.exchanges if item_id in (e.from_site, e.to_site)]
        elif kind == "exchange":
            e = sc.exchange(item_id)
            if e is None:
                return False
            moved, exs = set(), [e]
        else:
            return False
        if any(e.id not in self.exchanges or self.exchanges[e.id].ends is None for e in exs):
            return False
        first, flows, redo = {}, {}, set()
        for e in exs:
            for sid, fid in ((e.from_site, e.from_flow), (e.to_site, e.to_flow)):
                site = sc.site(sid)
                first[sid] = site
                flows[(sid, fid)] = site.flow(fid) if site is not None else None
        for e in exs:
            item = self.exchanges[e.id]
            ends = self.sites.get(e.from_site), self.sites.get(e.to_site)
            if ends != item.ends:  # the arrow moved to other sites: a full sync
                return False
            if self._update_exchange(sc, e, item, item.bend, moved, first, flows):
                redo.add(tuple(sorted((e.from_site, e.to_site))))
        if redo:
            self._separate_labels(pairs=redo)
        return True

    def sync(self, sc: Scenario) -> None:
        """Redraw from the scenario, keeping items (and the selection) whose ids survive.

        An item is updated only when what it shows changed (its signature: names, amounts,
        positions, bend…): an edit of one number redraws one arrow, not 300."""
        self._scenario = sc
        selected = {i.site_id for i in self.sites.values() if i.isSelected()}
        selected_x = {i.exchange_id for i in self.exchanges.values() if i.isSelected()}
        self.blockSignals(True)
        seen = set()
        moved: set[str] = set()
        for s in sc.sites:
            item = self.sites.get(s.id)
            if item is None:
                item = SiteItem(s)
                self.sites[s.id] = item
                self.addItem(item)
                moved.add(s.id)
            elif item.signature(s) != item.sig:
                if item.pos().x() != s.x or item.pos().y() != s.y:
                    moved.add(s.id)
                item.update_from(s)
            seen.add(s.id)
        for sid in list(self.sites):
            if sid not in seen:
                self.removeItem(self.sites.pop(sid))
        first: dict = {}  # the first site of an id, and its flows, as Scenario.site finds them
        for s in sc.sites:
            first.setdefault(s.id, s)
        flows: dict = {}
        for s in first.values():
            for f in s.flows:
                flows.setdefault((s.id, f.id), f)
        seen = set()
        pairs: dict[tuple[str, str], int] = {}
        redo: set[tuple[str, str]] = set()  # pairs whose labels must be separated again
        for e in sc.exchanges:
            if e.from_site not in self.sites or e.to_site not in self.sites:
                continue
            item = self.exchanges.get(e.id)
            if item is None:
                item = ExchangeItem(e.id)
                self.exchanges[e.id] = item
                self.addItem(item)
            key = tuple(sorted((e.from_site, e.to_site)))
            k = pairs.get(key, 0)
            pairs[key] = k + 1
            # the arrows between two sites fan out to both sides of the line between them: the
            # k-th bends by 36, −36, 100, −100 … px, counted in one direction for the pair (from
            # its first site to its second), so that A → B and B → A part ways too (the bend
            # of an arrow is measured along its own normal, which turns with its direction)
            offset = (36.0 + 64.0 * (k // 2)) * (1 if k % 2 == 0 else -1)
            bend = offset if (e.from_site, e.to_site) == key else -offset
            if self._update_exchange(sc, e, item, bend, moved, first, flows):
                redo.add(key)
            seen.add(e.id)
        for eid in list(self.exchanges):
            if eid not in seen:
                gone = self.exchanges.pop(eid)
                if gone.ends is not None:  # its pair lost an arrow: its labels move back
                    redo.add(tuple(sorted((gone.ends[0].site_id, gone.ends[1].site_id))))
                self.removeItem(gone)
        if redo:
            self._separate_labels(pairs=redo)
        for sid in selected:
            if sid in self.sites:
                self.sites[sid].setSelected(True)
        for eid in selected_x:
            if eid in self.exchanges:
                self.exchanges[eid].setSelected(True)
        self.blockSignals(False)
        if (set(self.selected_site_ids()) != selected
                or set(self.selected_exchange_ids()) != selected_x):
            self.selectionChanged.emit()

    def site_geometry_changed(self, site_id: str) -> None:
        """Re-route the arrows of a site being dragged."""
        sc = self._scenario
        if sc is None:
            return
        for e in sc.exchanges:
            if site_id in (e.from_site, e.to_site) and e.id in self.exchanges \
                    and e.from_site in self.sites and e.to_site in self.sites:
                self.exchanges[e.id].route(self.sites[e.from_site], self.sites[e.to_site])
        self._separate_labels({site_id})

    def _separate_labels(self, sites: set[str] | None = None,
                         pairs: set[tuple[str, str]] | None = None) -> None:
        """Labels of arrows between the same two sites never overlap: each label that would
        cover one placed before it moves further out, away from the line between the sites.
        ``sites`` / ``pairs``: only the arrows of these sites / pairs of sites (whose labels
        are placed anew, from their routes)."""
        sc = self._scenario
        if sc is None:
            return
        groups: dict[tuple[str, str], list[ExchangeItem]] = {}
        for e in sc.exchanges:
            if e.id not in self.exchanges:
                continue
            key = tuple(sorted((e.from_site, e.to_site)))
            if (sites is None or {e.from_site, e.to_site} & sites) and (pairs is None or key in pairs):
                groups.setdefault(key, []).append(self.exchanges[e.id])
        for items in groups.values():
            if len(items) < 2:
                continue
            if pairs is not None:  # labels moved out earlier start again from their routes
                for item in items:
                    item.reroute()
            placed: list[QRectF] = []
            for item in sorted(items, key=lambda i: abs(i.bend)):
                rect = item.label.sceneBoundingRect()
                for _ in range(60):
                    if not any(rect.intersects(p) for p in placed):
                        break
                    step = item.label_side * 6.0
                    item.label.moveBy(step.x(), step.y())
                    rect = item.label.sceneBoundingRect()
                placed.append(rect)

    def report_moves(self) -> None:
        moved = {}
        sc = self._scenario
        for sid, item in self.sites.items():
            site = sc.site(sid) if sc else None
            if site is not None and (round(item.x(), 1), round(item.y(), 1)) != (round(site.x, 1), round(site.y, 1)):
                moved[sid] = (round(item.x(), 1), round(item.y(), 1))
        if moved:
            self.sitesMoved.emit(moved)

    def selected_site_ids(self) -> list[str]:
        return [i.site_id for i in self.selectedItems() if isinstance(i, SiteItem)]

    def selected_exchange_ids(self) -> list[str]:
        return [i.exchange_id for i in self.selectedItems() if isinstance(i, ExchangeItem)]

    def select_only(self, site_id: str | None = None, exchange_id: str | None = None) -> None:
        self.blockSignals(True)
        self.clearSelection()
        item = self.sites.get(site_id) if site_id else self.exchanges.get(exchange_id) if exchange_id else None
        if item is not None:
            item.setSelected(True)
        self.blockSignals(False)
        self.selectionChanged.emit()

    def site_at(self, scene_pos: QPointF) -> SiteItem | None:
        for it in self.items(scene_pos):
            if isinstance(it, SiteItem):
                return it
        return None


class ParkView(QGraphicsView):
    """Zoom (Ctrl+wheel, +/−), pan (middle button, or drag on empty space with Space held),
    rubber-band selection, link by dragging a site's handle to another site."""

    zoomChanged = Signal(float)

    def __init__(self, scene: ParkScene, parent=None):
        super().__init__(scene, parent)
        self.park = scene
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setDragMode(QGraphicsView.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.BoundingRectViewportUpdate)
        self.setBackgroundBrush(QColor("#F7F9FB"))
        self.setMinimumSize(300, 200)
        self._link_from: SiteItem | None = None
        self._link_line = None
        self._pan_from = None

    # zoom ---------------------------------------------------------------------------------
    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(0.1 / current, min(4.0 / current, factor))
        self.scale(factor, factor)
        self.zoomChanged.emit(self.transform().m11())

    def fit(self) -> None:
        rect = self.park.itemsBoundingRect()
        if rect.isEmpty():
            self.resetTransform()
            self.centerOn(0, 0)
        else:
            self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.KeepAspectRatio)
            if self.transform().m11() > 1.5:
                self.resetTransform()
                self.scale(1.5, 1.5)
                self.centerOn(rect.center())
        self.zoomChanged.emit(self.transform().m11())

    def wheelEvent(self, event) -> None:  # noqa: N802
        if event.modifiers() & Qt.ControlModifier or not (event.modifiers() & Qt.ShiftModifier):
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.matches(QKeySequence.ZoomIn) or event.key() == Qt.Key_Plus:
            self.zoom(1.2)
        elif event.matches(QKeySequence.ZoomOut) or event.key() == Qt.Key_Minus:
            self.zoom(1 / 1.2)
        elif event.key() in (Qt.Key_Delete, Qt.Key_Backspace):
            self.park.deleteRequested.emit()
        elif event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self.setDragMode(QGraphicsView.ScrollHandDrag)
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self.setDragMode(QGraphicsView.RubberBandDrag)
        super().keyReleaseEvent(event)

    # link, pan, add ---------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802
        pos = self.mapToScene(event.position().toPoint())
        if event.button() == Qt.MiddleButton:
            self._pan_from = event.position()
            self.setCursor(Qt.ClosedHandCursor)
            event.accept()
            return
        if event.button() == Qt.LeftButton:
            site = self.park.site_at(pos)
            if site is not None and site.on_handle(pos):
                self._link_from = site
                from PySide6.QtWidgets import QGraphicsLineItem

                self._link_line = QGraphicsLineItem(QLineF(site.handle_scene_pos(), pos))
                self._link_line.setPen(QPen(QColor("#1F4E79"), 2, Qt.DashLine))
                self._link_line.setZValue(5)
                self.park.addItem(self._link_line)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            event.accept()
            return
        if self._link_from is not None:
            pos = self.mapToScene(event.position().toPoint())
            self._link_line.setLine(QLineF(self._link_from.handle_scene_pos(), pos))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._pan_from is not None and event.button() == Qt.MiddleButton:
            self._pan_from = None
            self.unsetCursor()
            event.accept()
            return
        if self._link_from is not None:
            pos = self.mapToScene(event.position().toPoint())
            target = self.park.site_at(pos)
            source = self._link_from
            self.park.removeItem(self._link_line)
            self._link_line = None
            self._link_from = None
            if target is not None and target is not source:
                self.park.linkRequested.emit(source.site_id, target.site_id)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        pos = self.mapToScene(event.position().toPoint())
        if not self.park.items(pos):
            self.park.addSiteRequested.emit(pos.x() - SITE_W / 2, pos.y() - SITE_H / 2)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def context_menu(self, view_pos) -> QMenu:
        """The actions that apply where the user right-clicked: on a site (add an exchange from
        it, properties, delete), on an exchange (properties, delete), on empty canvas (add a site
        there); fit to view everywhere."""
        pos = self.mapToScene(view_pos)
        menu = QMenu(self)
        site = self.park.site_at(pos)
        item = self.itemAt(view_pos)
        if isinstance(item, QGraphicsSimpleTextItem) and isinstance(item.parentItem(), ExchangeItem):
            item = item.parentItem()
        if site is not None:
            if not site.isSelected():
                self.park.select_only(site_id=site.site_id)
            to = menu.addMenu("Add exchange from this site to")
            others = [s for s in self.park.sites.values() if s is not site]
            for other in sorted(others, key=lambda s: s.name.lower()):
                to.addAction(other.name, lambda o=other: self.park.linkRequested.emit(
                    site.site_id, o.site_id))
            to.setEnabled(bool(others))
            menu.addAction("Properties", self.park.propertiesRequested.emit)
            menu.addAction("Delete site", self.park.deleteRequested.emit)
        elif isinstance(item, ExchangeItem):
            self.park.select_only(exchange_id=item.exchange_id)
            menu.addAction("Properties", self.park.propertiesRequested.emit)
            menu.addAction("Delete exchange", self.park.deleteRequested.emit)
        else:
            menu.addAction("Add site here",
                           lambda: self.park.addSiteRequested.emit(pos.x() - SITE_W / 2, pos.y() - SITE_H / 2))
        menu.addSeparator()
        menu.addAction("Fit to view", self.fit)
        return menu

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        menu = self.context_menu(event.pos())
        menu.setAttribute(Qt.WA_DeleteOnClose)
        self.last_menu = menu  # (for tests: the menu shown last)
        menu.popup(event.globalPos())
        event.accept()
