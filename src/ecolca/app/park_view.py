"""The view of the park (:class:`ecolca.app.canvas.ParkScene`): zoom, fit, keyboard and mouse
gestures (rubber band, drag to link two sites, double-click to add a site), context menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QGraphicsView, QMenu

from ecolca.app.canvas_items import SITE_H, SITE_W, ExchangeItem, SiteItem

if TYPE_CHECKING:
    from ecolca.app.canvas import ParkScene


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
        self.fit_due = False  # fit asked while the scene was still making its items

    # zoom ---------------------------------------------------------------------------------
    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(0.1 / current, min(4.0 / current, factor))
        self.scale(factor, factor)
        self.zoomChanged.emit(self.transform().m11())

    def fit(self) -> None:
        """Fit the park in the view (once its items are all made: see ParkScene.sync)."""
        self.fit_due = self.park.sync_pending()
        if self.fit_due:
            return
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
