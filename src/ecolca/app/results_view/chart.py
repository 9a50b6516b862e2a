"""A matplotlib chart in a results tab (titles wrapped to its width, bar tooltips, export),
and the veil that greys stale results."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Sequence

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.colors import to_hex, to_rgba
from matplotlib.text import Text
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QPainter
from PySide6.QtWidgets import QFileDialog, QFrame, QScrollArea, QToolBar, QVBoxLayout, QWidget



class _Canvas(FigureCanvasQTAgg):
    """A figure canvas that paints some artists itself, with Qt, over the figure: the bars and
    value labels of a live-updated chart (see :meth:`_Chart.set_animated`). Qt fills a rectangle
    or draws a short text in microseconds, where matplotlib's Agg restores the background,
    draws each bar and lays out and rasterises each label's glyphs again (2–6 ms a label on
    this machine); that was most of a live update's cost."""

    def __init__(self, figure):
        super().__init__(figure)
        self.overlay: list = []  # matplotlib artists painted here (animated: not by Agg)
        self._fonts: dict = {}

    def _font(self, text):
        from PySide6.QtGui import QFont, QFontMetricsF

        fp = text.get_fontproperties()
        key = (tuple(fp.get_family()), fp.get_size_in_points(), fp.get_weight(), self.figure.dpi)
        font = self._fonts.get(key)
        if font is None:  # the artist's font, at its size in pixels on this screen
            ratio = self.device_pixel_ratio or 1.0
            q = QFont(text.get_fontname())
            q.setPixelSize(max(1, round(key[1] * self.figure.dpi / 72 / ratio)))
            w = key[2]
            q.setBold(w in ("bold", "heavy", "extra bold", "black", "demibold", "semibold")
                      or (isinstance(w, (int, float)) and w >= 600))
            font = self._fonts[key] = (q, QFontMetricsF(q))
        return font

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self.overlay or not hasattr(self, "renderer"):
            return
        import numpy as np

        ratio = self.device_pixel_ratio or 1.0
        height = self.figure.bbox.height  # physical pixels, y up
        clip = event.rect()
        bars = [a for a in self.overlay if not isinstance(a, Text) and a.get_visible()]
        texts = [a for a in self.overlay if isinstance(a, Text) and a.get_visible()]
        painter = QPainter(self)
        # the bars (Rectangles), clipped to their axes as matplotlib does; one transform each
        for ax in {id(b.axes): b.axes for b in bars}.values():
            mine = [b for b in bars if b.axes is ax]
            corners = np.array([(b.get_x(), b.get_y()) for b in mine]
                               + [(b.get_x() + b.get_width(), b.get_y() + b.get_height())
                                  for b in mine], dtype=float)
            px = ax.transData.transform(corners)
            n = len(mine)
            ab = ax.bbox
            painter.save()
            painter.setClipRect(QRectF(ab.x0 / ratio, (height - ab.y1) / ratio,
                                       ab.width / ratio, ab.height / ratio))
            for k, b in enumerate(mine):
                (a0, b0), (c0, d0) = px[k], px[n + k]
                box = QRectF(min(a0, c0) / ratio, (height - max(b0, d0)) / ratio,
                             abs(c0 - a0) / ratio, abs(d0 - b0) / ratio)
                if box.toAlignedRect().adjusted(-1, -1, 1, 1).intersects(clip):
                    painter.fillRect(box, QColor.fromRgbF(*b.get_facecolor()))
            self._paint_lines_over(painter, ax, min(b.get_zorder() for b in mine), ratio, height)
            painter.restore()
        if texts:
            painter.setRenderHint(QPainter.TextAntialiasing)
            for tr in {id(t.get_transform()): t.get_transform() for t in texts}.values():
                mine = [t for t in texts if t.get_transform() is tr]
                px = tr.transform(np.array([t.get_position() for t in mine], dtype=float))
                for (x, y), t in zip(px, mine):
                    self._paint_text(painter, t, x / ratio, (height - y) / ratio, clip)
        painter.end()

    def _paint_lines_over(self, painter, ax, zorder, ratio, height) -> None:
        """The axes' lines that matplotlib draws above its bars (e.g. the dashed "L = 100 %"),
        painted again over the bars painted here, so that a bar never hides them."""
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QPen

        for line in ax.lines:
            if not line.get_visible() or line.get_zorder() <= zorder:
                continue
            xy = line.get_transform().transform(line.get_xydata())
            pen = QPen(QColor.fromRgbF(*to_rgba(line.get_color())))
            pen.setWidthF(max(line.get_linewidth() * self.figure.dpi / 72 / ratio, 1.0))
            if line.get_linestyle() in ("--", "dashed"):
                pen.setStyle(Qt.DashLine)
            painter.setPen(pen)
            pts = [QPointF(x / ratio, (height - y) / ratio) for x, y in xy]
            for a, b in zip(pts, pts[1:]):
                painter.drawLine(a, b)

    def _paint_text(self, painter, text, x, y, clip) -> None:
        """``text`` anchored at (x, y), logical pixels from the top left."""
        label = text.get_text()
        if not label:
            return
        qfont, metrics = self._font(text)
        w = metrics.horizontalAdvance(label)
        ha = text.get_horizontalalignment()
        x -= w if ha == "right" else w / 2 if ha == "center" else 0
        va = text.get_verticalalignment()
        top = y - (metrics.height() / 2 if va in ("center", "center_baseline") else
                   metrics.height() if va in ("bottom", "baseline") else 0)
        box = QRectF(x, top, w + 1, metrics.height())
        if not box.toAlignedRect().intersects(clip):
            return
        painter.setFont(qfont)
        painter.setPen(QColor(to_hex(text.get_color())))
        painter.drawText(box, Qt.AlignLeft | Qt.AlignVCenter, label)


class _Chart(QWidget):
    """A matplotlib figure in a canvas, a toolbar with "Export chart…" and the same action in
    the canvas's context menu."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.figure = Figure(figsize=(7, 4), dpi=100, layout="constrained")
        self.canvas = _Canvas(self.figure)
        self.canvas.setMinimumHeight(220)
        self.scroll = QScrollArea()  # tall charts (many bars) scroll instead of squeezing labels
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setWidget(self.canvas)
        self.export_action = QAction("Export chart…", self)
        self.export_action.setToolTip("Save this chart as PNG or SVG")
        self.export_action.triggered.connect(self._export_dialog)
        self.canvas.setContextMenuPolicy(Qt.ActionsContextMenu)
        self.canvas.addAction(self.export_action)
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        bar.addAction(self.export_action)
        self.toolbar = bar  # a tab may put its chart's controls here (one row, not two)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(bar)
        lay.addWidget(self.scroll, 1)
        self._titles: list[tuple[Any, str, float]] = []  # (axes, full title, font size)
        self._row_tips: list[tuple[Any, list[str]]] = []  # (axes, tooltip of each bar row)
        self._checking = False
        self.canvas.mpl_connect("resize_event", lambda _e: self._fit_titles())
        self.canvas.mpl_connect("draw_event", self._check_titles)
        self.canvas.mpl_connect("draw_event", self._keep_background)
        self._animated: list[Any] = []  # artists a live update changes in place (blitted)
        self._rows: list[tuple] | None = None  # (bar, value text) rows of those (set_animated)
        self._row_looks: list[tuple] | None = None  # how each row was last drawn
        self.rows_updated: int | None = None  # rows the last live update repainted
        self._background = None  # the figure without them, as last drawn
        self._exporting = False
        self.canvas.mpl_connect("motion_notify_event", self._hover)
        self.canvas.mpl_connect("figure_leave_event", lambda _e: self.canvas.setToolTip(""))

    def set_min_height(self, px: int, floor: int = 220) -> None:
        self.canvas.setMinimumHeight(max(floor, int(px)))

    def clear(self) -> None:
        """Clear the figure, its titles and its row tooltips (before drawing anew)."""
        self.figure.clear()
        self._animated = []
        self._rows = None
        self._row_looks = None
        self.canvas.overlay = []
        self._background = None
        self._titles.clear()
        self._row_tips.clear()
        self.canvas.setToolTip("")

    def set_title(self, ax, text: str, fontsize: float = 10) -> None:
        """``ax``'s title, wrapped to the figure's width: never cut at the edges, however narrow
        the panel (re-wrapped when the chart is resized)."""
        self._titles.append((ax, text, fontsize))
        ax.set_title(text, fontsize=fontsize)
        self._fit_titles(draw=False)

    def set_row_tooltips(self, ax, tips: Sequence[str]) -> None:
        """Hovering bar row ``i`` of ``ax`` (at y = i), or its tick label, shows ``tips[i]``."""
        self._row_tips.append((ax, list(tips)))

    def _fit_titles(self, draw: bool = True, budget: float = 0.8) -> bool:
        """Wrap each title to ``budget`` of the figure's width (a cheap measure: where the
        layout will put the axes is known only after a draw, which :meth:`_check_titles`
        looks at). True when a title changed."""
        if not self._titles:
            return False
        fig = self.figure
        try:
            renderer = self.canvas.get_renderer()
        except Exception:  # noqa: BLE001 (no renderer yet: nothing to measure)
            return False
        width = fig.bbox.width
        changed = False
        for ax, text, fontsize in self._titles:
            title = ax.title
            before = title.get_text()
            chars = max(12, int(width / (fontsize * fig.dpi / 72 * 0.5)))
            while True:
                wrapped = "\n".join(textwrap.fill(line, chars) or line
                                     for line in text.split("\n"))
                title.set_text(wrapped)
                title.set_fontsize(fontsize)
                if title.get_window_extent(renderer).width <= width * budget or chars <= 12:
                    break
                chars = max(12, int(chars * 0.88))
            changed |= title.get_text() != before
        if draw and changed:
            self.canvas.draw_idle()
        return changed

    def _check_titles(self, _event=None) -> None:
        """After a draw: a title the layout pushed past the figure's edge is wrapped narrower
        and the chart drawn again (at most a few times, and only then)."""
        if self._checking or not self._titles:
            return
        width = self.figure.bbox.width
        renderer = self.canvas.get_renderer()
        budget = 0.8
        self._checking = True
        try:
            for _ in range(4):
                boxes = [ax.title.get_window_extent(renderer) for ax, _t, _f in self._titles]
                if all(b.x0 >= 1 and b.x1 <= width - 1 for b in boxes):
                    break
                budget *= 0.85
                self._fit_titles(draw=False, budget=budget)
                self.canvas.draw()
        finally:
            self._checking = False

    def _hover(self, event) -> None:
        tip = ""
        for ax, tips in self._row_tips:
            if event.inaxes is ax and event.ydata is not None:
                i = int(round(event.ydata))
                if 0 <= i < len(tips) and abs(event.ydata - i) <= 0.45:
                    tip = tips[i]
            elif event.inaxes is None:
                try:
                    renderer = self.canvas.get_renderer()
                except Exception:  # noqa: BLE001
                    continue
                for i, lab in enumerate(ax.get_yticklabels()):
                    if i < len(tips) and lab.get_window_extent(renderer).contains(event.x, event.y):
                        tip = tips[i]
        if tip != self.canvas.toolTip():
            self.canvas.setToolTip(tip)

    def set_animated(self, artists: Sequence[Any], rows: Sequence[tuple] | None = None) -> None:
        """Artists that :meth:`update_animated` redraws in place (bars and their values), so
        that a live update needs no layout and no redraw of axes, ticks and titles.

        Without ``rows`` they are drawn by matplotlib over the figure's cached background (texts
        among them are painted by the canvas with Qt, :class:`_Canvas`). With ``rows`` —
        (bar, its value text) of horizontal bars one data unit apart — the canvas paints bars and
        texts with Qt over the figure drawn without them, and a live update repaints only the
        rows whose bar or value changed. An exported chart has them all drawn by matplotlib,
        as every other artist."""
        for a in artists:
            a.set_animated(True)
        self._rows = list(rows) if rows else None
        self._row_looks = None
        if self._rows:
            self._animated = []
            self.canvas.overlay = list(artists)
        else:
            self._animated = [a for a in artists if not isinstance(a, Text)]
            self.canvas.overlay = [a for a in artists if isinstance(a, Text)]

    def is_animated(self) -> bool:
        """Whether the chart has artists that a live update redraws in place."""
        return bool(self._animated or self.canvas.overlay)

    @staticmethod
    def _look(row) -> tuple:
        bar, text = row
        return (bar.get_width(), tuple(bar.get_facecolor()), text.get_text(),
                tuple(text.get_position()), text.get_color(), text.get_horizontalalignment(),
                text.get_fontweight())

    def _keep_background(self, _event=None) -> None:
        """After a full draw: keep the figure without the animated artists, then draw them."""
        if self._checking or self._exporting:
            return
        self._row_looks = [self._look(r) for r in self._rows] if self._rows else None
        if not self._animated:
            return
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        for a in self._animated:
            a.axes.draw_artist(a)

    def update_animated(self) -> None:
        """Show the animated artists as they are now: restore the background, draw them and
        blit (a repaint of the canvas), or with rows (see :meth:`set_animated`) repaint the
        strips of the rows that changed (nothing when none did); a full draw when the figure
        was not drawn yet."""
        if getattr(self.canvas, "_draw_pending", False) or not self.canvas.isVisible():
            self.redraw()
            return
        if self._rows:
            if self._row_looks is None or len(self._row_looks) != len(self._rows) \
                    or not hasattr(self.canvas, "renderer"):
                self.redraw()
            else:
                self._update_rows()
            return
        if self._background is None:
            self.redraw()
            return
        self.canvas.restore_region(self._background)
        for a in self._animated:
            a.axes.draw_artist(a)
        self.canvas.blit(self.figure.bbox)

    def _update_rows(self) -> None:
        looks = [self._look(r) for r in self._rows]
        changed = [i for i, (a, b) in enumerate(zip(looks, self._row_looks)) if a != b]
        self._row_looks = looks
        self.rows_updated = len(changed)
        if not changed:
            return
        height = self.figure.bbox.height
        ratio = self.canvas.device_pixel_ratio or 1.0
        lo, hi = height, 0.0
        for i in changed:
            bar = self._rows[i][0]
            yc = bar.get_y() + bar.get_height() / 2
            ys = bar.axes.transData.transform([(0.0, yc - 0.5), (0.0, yc + 0.5)])[:, 1]
            lo, hi = min(lo, float(ys.min())), max(hi, float(ys.max()))
        lo, hi = max(0.0, lo - 1), min(height, hi + 1)
        if hi > lo:  # the rows' strips, whole width (top-left origin, logical pixels)
            top = int((height - hi) / ratio)
            self.canvas.repaint(0, top, self.canvas.width(), int((height - lo) / ratio) - top + 1)

    def redraw(self) -> None:
        self.canvas.draw_idle()  # draws when shown; never blocks a hidden tab

    def export(self, path: str | Path) -> Path:
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg"):
            raise ValueError(f"cannot export a chart as {p.name!r}: use .png or .svg")
        self._exporting = True
        moving = list(self._animated) + list(self.canvas.overlay)
        for a in moving:  # savefig leaves animated artists out
            a.set_animated(False)
        try:
            self.figure.savefig(p, format=fmt, dpi=150 if fmt == "png" else None,
                                facecolor="white")
        finally:
            self._exporting = False
            for a in moving:
                a.set_animated(True)
            self._background = None
            self.redraw()  # savefig drew the figure at another size
        return p

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export chart", f"{self.name.lower()}-chart.png",
            "PNG image (*.png);;SVG vector image (*.svg)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg"):
            path += ".png"
        try:
            self.export(path)
        except (OSError, ValueError) as exc:
            from PySide6.QtWidgets import QMessageBox
            QMessageBox.warning(self, "Export chart", f"Could not export the chart:\n{exc}")


class _Veil(QWidget):
    """A translucent white layer over stale content: greys it, lets clicks and scrolling
    through (a QGraphicsOpacityEffect renders tables and canvases badly)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setObjectName("staleVeil")
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def paintEvent(self, _event) -> None:
        QPainter(self).fillRect(self.rect(), QColor(255, 255, 255, 150))
