"""The items of the park canvas: a site (box with its link handle) and an exchange (bent arrow
with its label)."""

from __future__ import annotations

import math
from html import escape

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QPainter, QPainterPath,
                           QPainterPathStroker, QPen, QPolygonF)
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsObject, QGraphicsPathItem,
                               QGraphicsSimpleTextItem, QStyleOptionGraphicsItem)

from ecolca.core.model import Exchange, Scenario, Site
from ecolca.app.card_text import MIN_TEXT_PX, card_text



CATEGORY_COLOURS = {  # colour-blind-safe (Okabe–Ito)
    "material": QColor("#0072B2"),
    "energy": QColor("#D55E00"),
    "water": QColor("#56B4E9"),
    "by-product": QColor("#009E73"),
}
CATEGORY_LABELS = {"material": "material", "energy": "energy / heat", "water": "water",
               "by-product": "by-product"}
SITE_W, SITE_H = 190.0, 74.0
HANDLE_R = 7.0
# zoomed out below this scale a site is drawn as its box and an exchange without its label: the
# text would be under 4 px high (8–10 pt), unreadable, and drawing 1,000 cards' text took over a
# second (docs/performance.md, "The app on a 1,000-site park")
TEXT_MIN_SCALE = 0.4
# made once, not in every paint (a paint of 1,000 cards made 6,000 pens and brushes)
_BOX = QRectF(0, 0, SITE_W, SITE_H)
_PEN_BOX = QPen(QColor("#7A8793"), 1.2)
_PEN_BOX_SELECTED = QPen(QColor("#1F4E79"), 2.5)
_BRUSH_BOX = QBrush(QColor("#FFFFFF"))
_BRUSH_BOX_SELECTED = QBrush(QColor("#EAF2FA"))


_LOD = QStyleOptionGraphicsItem.levelOfDetailFromTransform
# a site card keeps its name, MIN_TEXT_PX high on screen (issue #20.6: a park fitted to a
# laptop's canvas is at 0.3–0.4), down to the scale at which one such line no longer fits in
# the card; below it, the box alone (a 1,000-site park fitted to the window)
SITE_TEXT_MIN_SCALE = MIN_TEXT_PX * 1.3 / SITE_H


def _scale(painter: QPainter) -> float:
    """The scale the painter draws at (1: one scene unit, one pixel)."""
    return _LOD(painter.worldTransform())


class _Label(QGraphicsSimpleTextItem):
    """An exchange's label; not drawn when zoomed out below :data:`TEXT_MIN_SCALE`."""

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if _scale(painter) >= TEXT_MIN_SCALE:
            super().paint(painter, option, widget)


def _fmt_amount(x: float) -> str:
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 1e6:
        return f"{x / 1e6:,.3g} M"
    if a >= 1e3:
        return f"{x / 1e3:,.4g} k"
    return f"{x:,.4g}"


class SiteItem(QGraphicsObject):
    """A site: a rounded box with its name, sector and location, and a link handle."""

    def __init__(self, site: Site):
        super().__init__()
        self.site_id = site.id
        self.setFlags(QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemIsSelectable
                      | QGraphicsItem.ItemSendsGeometryChanges | QGraphicsItem.ItemIsFocusable)
        self.setAcceptHoverEvents(True)
        self.setZValue(2)
        self._press_pos: QPointF | None = None
        self.sig = None
        self._layout = None  # (what it depends on, text_layout()) as last laid out
        self.name_lines: list[str] = []
        self.update_from(site)

    @staticmethod
    def signature(site: Site) -> tuple:
        """What the box shows (compared by :meth:`ParkScene.sync` to skip unchanged sites)."""
        return (site.name, site.id, site.sector, site.location, site.confidential, site.position,
                tuple(f.kind for f in site.flows))

    def update_from(self, site: Site) -> None:
        self.sig = self.signature(site)
        self.name = site.name or site.id
        self.sub = " · ".join(x for x in (site.sector, site.location) if x)
        n = {k: len(site.flows_of(k)) for k in ("product", "supply", "residue", "emission")}
        self.counts = (f"{n['product']} product · {n['supply']} supply · "
                       f"{n['residue']} residue" + (f" · {n['emission']} emission" if n["emission"] else ""))
        self.confidential = site.confidential
        self.setToolTip(f"<b>{escape(self.name)}</b><br>{escape(self.sub)}<br>{self.counts}<br>"
                        "Drag the dot on the right edge to another site to create an exchange.")
        x, y = site.position
        if self.pos() != QPointF(x, y):
            self.setPos(x, y)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(-2, -2, SITE_W + HANDLE_R + 4, SITE_H + 4)

    def handle_center(self) -> QPointF:
        return QPointF(SITE_W, SITE_H / 2)

    def handle_scene_pos(self) -> QPointF:
        return self.mapToScene(self.handle_center())

    def on_handle(self, scene_pos: QPointF) -> bool:
        return QLineF(self.mapFromScene(scene_pos), self.handle_center()).length() <= HANDLE_R + 3

    def shape(self) -> QPainterPath:
        # the union of box and dot: two sub-paths in one path are filled odd-even, which made the
        # half of the dot over the box a hole (a press there missed the handle)
        box = QPainterPath()
        box.addRoundedRect(QRectF(0, 0, SITE_W, SITE_H), 8, 8)
        dot = QPainterPath()
        dot.addEllipse(self.handle_center(), HANDLE_R + 3, HANDLE_R + 3)
        return box.united(dot)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        selected = self.isSelected()
        if _LOD(painter.worldTransform()) < SITE_TEXT_MIN_SCALE:  # zoomed out: the box alone
            painter.setPen(_PEN_BOX_SELECTED if selected else _PEN_BOX)
            painter.setBrush(_BRUSH_BOX_SELECTED if selected else _BRUSH_BOX)
            painter.drawRect(_BOX)
            return
        pal = widget.palette() if widget else None
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(_PEN_BOX_SELECTED if selected else _PEN_BOX)
        painter.setBrush(_BRUSH_BOX_SELECTED if selected else _BRUSH_BOX)
        painter.drawRoundedRect(_BOX, 8, 8)
        for font, colour, rect, text in self.text_layout(painter):
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(rect, Qt.AlignLeft | Qt.AlignVCenter, text)
        if self.confidential:
            painter.drawText(QRectF(SITE_W - 26, 4, 20, 16), Qt.AlignRight, "🔒")
        painter.setPen(QPen(QColor("#1F4E79"), 1.2))
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawEllipse(self.handle_center(), HANDLE_R, HANDLE_R)
        painter.setBrush(QColor("#1F4E79"))
        painter.drawEllipse(self.handle_center(), 2.5, 2.5)
        del pal

    def text_layout(self, painter: QPainter) -> list[tuple[QFont, QColor, QRectF, str]]:
        """The card's texts at the painter's scale (:func:`~ecolca.app.card_text.card_text`),
        kept per scale; ``name_lines``: the name's lines as last laid out."""
        t = painter.worldTransform()
        scale = math.hypot(t.m11(), t.m12()) or 1.0
        device = painter.device()
        key = (round(scale, 4), device.logicalDpiY() if device is not None else 96,
               painter.font().family(), self.name, self.sub, self.counts)
        if self._layout is None or self._layout[0] != key:
            out, self.name_lines = card_text(self.name, self.sub, self.counts, painter.font(),
                                             scale, device, SITE_W, SITE_H)
            self._layout = (key, out)
        return self._layout[1]

    def itemChange(self, change, value):  # noqa: N802
        if change == QGraphicsItem.ItemPositionHasChanged and self.scene():
            self.scene().site_geometry_changed(self.site_id)
        return super().itemChange(change, value)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._press_pos = QPointF(self.pos())
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if self._press_pos is not None and self._press_pos != self.pos() and self.scene():
            self.scene().report_moves()
        self._press_pos = None


class ExchangeItem(QGraphicsPathItem):
    """An exchange: an arrow from the supplier to the receiver, coloured by category, labelled."""

    def __init__(self, exchange_id: str):
        super().__init__()
        self.exchange_id = exchange_id
        self.setFlags(QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemIsFocusable)
        self.setZValue(1)
        self.label = _Label(self)
        self.label.setZValue(3)
        self.label.setBrush(_LABEL_BRUSH)
        self.label.setFont(_label_font())
        self._bounds: QRectF | None = None  # boundingRect, made once per route or label move
        self._path = QPainterPath()
        self.colour = CATEGORY_COLOURS["by-product"]
        self._pens = (_arrow_pen(self.colour, False), _arrow_pen(self.colour, True))
        self._brush = QBrush(self.colour)
        self.bend = 0.0
        self.label_side = QPointF(0.0, -1.0)  # the way the label sits from the curve
        self._head = QPolygonF()
        self._shape: QPainterPath | None = None  # line and label, as shape() last made it
        self.sig = None  # what it shows, as ParkScene.sync last drew it
        self.ends: tuple[SiteItem, SiteItem] | None = None

    def reroute(self) -> None:
        """Route again between the sites it was last drawn between (its label back in place)."""
        if self.ends is not None:
            self.route(*self.ends)

    def update_from(self, sc: Scenario, e: Exchange, a: SiteItem, b: SiteItem, bend: float) -> None:
        self.colour = CATEGORY_COLOURS.get(e.category, CATEGORY_COLOURS["by-product"])
        self._pens = (_arrow_pen(self.colour, False), _arrow_pen(self.colour, True))
        self._brush = QBrush(self.colour)
        residue = sc.site(e.from_site).flow(e.from_flow) if sc.site(e.from_site) else None
        unit = residue.unit if residue else ""
        name = residue.name if residue else e.from_flow
        if len(name) > 30:  # the tooltip has it in full; a long label would cover the boxes
            name = name[:29].rstrip() + "…"
        text = f"{name}\n{_fmt_amount(e.amount)} {unit}/yr"
        if text != self.label.text():
            self.label.setText(text)
        self.setToolTip(f"<b>{sc.exchange_label(e)}</b><br>{e.amount:,.6g} {unit}/yr, "
                        f"substitution ratio {e.substitution_ratio:g}<br>{CATEGORY_LABELS.get(e.category, e.category)}"
                        + (f"<br>{e.description}" if e.description else ""))
        self.bend = bend
        self.ends = (a, b)
        self.route(a, b)

    def route(self, a: SiteItem, b: SiteItem) -> None:
        self._shape = None
        self._bounds = None
        ra = a.sceneBoundingRect().adjusted(2, 2, -HANDLE_R - 2, -2)
        rb = b.sceneBoundingRect().adjusted(2, 2, -HANDLE_R - 2, -2)
        ca, cb = ra.center(), rb.center()
        line = QLineF(ca, cb)
        if line.length() < 1:
            self.setPath(QPainterPath())
            return
        normal = QPointF(-line.dy(), line.dx()) / line.length()
        mid = (ca + cb) / 2 + normal * self.bend
        start = _border_point(ra, ca, mid)
        end = _border_point(rb, cb, mid)
        path = QPainterPath(start)
        path.quadTo(mid, end)
        # arrow head along the curve's end tangent
        tangent = QLineF(mid, end)
        ang = math.atan2(tangent.dy(), tangent.dx())
        size = 11.0
        p1 = end - QPointF(math.cos(ang - 0.4) * size, math.sin(ang - 0.4) * size)
        p2 = end - QPointF(math.cos(ang + 0.4) * size, math.sin(ang + 0.4) * size)
        self._head = QPolygonF([end, p1, p2])
        self.setPath(path)
        # the label sits on the outer side of the bend, clear of the curve: arrows bent apart
        # (A → B and B → A, or two A → B) keep their labels apart too, whatever the direction
        lab = path.pointAtPercent(0.5)
        br = self.label.boundingRect()
        side = normal * (1.0 if self.bend >= 0 else -1.0)
        self.label_side = side
        reach = abs(side.x()) * br.width() / 2 + abs(side.y()) * br.height() / 2 + 3
        centre = lab + side * reach
        self.prepareGeometryChange()  # the label is part of the arrow's shape
        self.label.setPos(centre.x() - br.width() / 2, centre.y() - br.height() / 2)
        self._shape = None
        self._bounds = None

    def move_label(self, dx: float, dy: float) -> None:
        """Move the label (clear of another arrow's), the part of the arrow a click takes
        with it."""
        self.prepareGeometryChange()
        self.label.moveBy(dx, dy)
        self._shape = None
        self._bounds = None

    def _label_rect(self) -> QRectF:
        return self.label.mapRectToParent(self.label.boundingRect())

    def shape(self) -> QPainterPath:
        """The line, 10 px wide, and its label: a click on either selects the exchange (the
        label is what a person aims at; alone the line was the only target)."""
        if self._shape is None:  # made once per route (hit tests and rubber bands ask often)
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            self._shape = stroker.createStroke(self.path())
            if self.label.text():
                label = QPainterPath()
                label.addRect(self._label_rect())
                self._shape = self._shape.united(label)
        return self._shape

    def boundingRect(self) -> QRectF:  # noqa: N802
        if self._bounds is None:  # asked thousands of times per paint and index update
            rect = super().boundingRect().united(self._head.boundingRect())
            if self.label.text():
                rect = rect.united(self._label_rect())
            self._bounds = rect.adjusted(-6, -6, 6, 6)
        return QRectF(self._bounds)

    def setPath(self, path: QPainterPath) -> None:  # noqa: N802
        self._bounds = None
        self._path = path  # path() returns a copy: paint uses this one
        super().setPath(path)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        # (thousands of calls per repaint of a big park: each Qt call here counts)
        detailed = _LOD(painter.worldTransform()) >= TEXT_MIN_SCALE
        painter.setRenderHint(QPainter.Antialiasing, detailed)
        painter.setPen(self._pens[self.isSelected()])
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(self._path)
        if detailed:  # zoomed out the head is a pixel or two: left out
            painter.setBrush(self._brush)
            painter.drawPolygon(self._head)


_LABEL_BRUSH = QBrush(QColor("#1B2631"))
_ARROW_PENS: dict[tuple[str, bool], QPen] = {}


def _arrow_pen(colour: QColor, selected: bool) -> QPen:
    """The pen of an arrow of ``colour`` (made once per colour)."""
    key = (colour.name(), selected)
    pen = _ARROW_PENS.get(key)
    if pen is None:
        pen = _ARROW_PENS[key] = QPen(colour, 3.4 if selected else 2.2)
    return pen
_LABEL_FONT: list[QFont] = []


def _label_font() -> QFont:
    """The font of exchange labels (8 pt), made once (a QFont needs the application)."""
    if not _LABEL_FONT:
        f = QFont()
        f.setPointSizeF(8)
        _LABEL_FONT.append(f)
    return _LABEL_FONT[0]


def _border_point(rect: QRectF, centre: QPointF, towards: QPointF) -> QPointF:
    """Where the ray from ``centre`` towards ``towards`` leaves ``rect``."""
    dx, dy = towards.x() - centre.x(), towards.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    sx = (rect.width() / 2) / abs(dx) if dx else math.inf
    sy = (rect.height() / 2) / abs(dy) if dy else math.inf
    s = min(sx, sy)
    return QPointF(centre.x() + dx * s, centre.y() + dy * s)
