"""The figure canvas of a results chart: matplotlib draws the figure, and the bars and value
labels that change with live results are painted over it with Qt (results_view/chart.py).

A draw the canvas asks for itself (``draw_idle``: new results, a tab shown) runs on a thread of
its own: laying out and rasterising a chart took 0.2–1 s of the GUI thread (issue #23). The
figure is not changed while it draws (:meth:`_Canvas.wait_drawn` first); the last image drawn
stays on screen meanwhile. ``draw()`` (export, tests) still draws at once."""

from __future__ import annotations

import sys
import threading
import traceback

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.backends.qt_compat import _isdeleted
from matplotlib.colors import to_hex, to_rgba
from matplotlib.text import Text
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QResizeEvent

SWITCH_INTERVAL = 0.0005  # s (sys.setswitchinterval)
DRAW_DELAY_MS = 40


class _Canvas(FigureCanvasQTAgg):
    """A figure canvas that paints some artists itself, with Qt, over the figure: the bars and
    value labels of a live-updated chart (see :meth:`_Chart.set_animated`). Qt fills a rectangle
    or draws a short text in microseconds, where matplotlib's Agg restores the background,
    draws each bar and lays out and rasterises each label's glyphs again (2–6 ms a label on
    this machine); that was most of a live update's cost."""

    _drawn = Signal()  # a draw on the drawing thread ended
    # True: draw_idle draws on a thread of its own. Off since a test worker crashed (a segfault
    # in Qt's event processing after the chart tests, 2026-12-07 CI run; cause not found):
    # draw_idle draws on the GUI thread, as matplotlib does, until the threaded path is proven
    THREADED = False

    def __init__(self, figure):
        super().__init__(figure)
        self.overlay: list = []  # matplotlib artists painted here (animated: not by Agg)
        self._fonts: dict = {}
        self._thread: threading.Thread | None = None  # drawing the figure, when not None
        self._again = False  # a draw was asked for while one ran
        self._image: QImage | None = None  # what was on screen when the running draw began
        self._resize_due = False  # the widget was resized while the figure drew
        self._here = False  # the draw due is to be made on the GUI thread (draw_idle)
        self._drawn.connect(self._draw_finished)
        # the GUI thread waits at most this long for the interpreter lock held by a thread
        # drawing a chart (or running a comparison): Python's default, 5 ms, made every call a
        # table view makes to its model wait, 0.5–2 s for one repaint of a table
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)

    # ---- drawing on a thread ----
    def is_drawing(self) -> bool:
        return self._thread is not None

    def wait_drawn(self) -> None:
        """Wait for a draw running on the drawing thread (before the figure is changed)."""
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join()
            self._draw_finished()

    def _agg_draw(self) -> None:
        """FigureCanvasAgg.draw without its call up the classes (FigureCanvasQT.draw asks Qt
        for a repaint, which only the GUI thread may do)."""
        self.renderer = self.get_renderer()
        self.renderer.clear()
        self.figure.draw(self.renderer)

    def draw(self) -> None:
        if threading.current_thread() is self._thread:  # a draw_event handler redrawing
            self._agg_draw()
            return
        self.wait_drawn()
        super().draw()

    def draw_idle(self, here: bool = False) -> None:
        """A draw, on the drawing thread, once the GUI thread has laid out what asked for it
        (``DRAW_DELAY_MS``: a table filled with the chart, resized, repainted) rather than
        while it does (they would take turns at the interpreter lock). ``here``: on the GUI
        thread, on the next turn of its event loop (a live update of the Summary, whose edit →
        repaint is timed by benchmarks/live_edit.py: drawn at once, not after the next draw)."""
        self._here |= here
        if not self._draw_pending:
            self._draw_pending = True
            QTimer.singleShot(0 if self._here or not self.THREADED else DRAW_DELAY_MS,
                              self._draw_idle)

    def _snapshot(self) -> None:
        """Keep the last image drawn, shown until the next draw has ended."""
        if self._image is None and hasattr(self, "renderer"):
            data = bytes(self.buffer_rgba())
            h, w = self.buffer_rgba().shape[:2]
            # QImage does not copy the bytes it is made from: keep a deep copy, never an image
            # over a temporary buffer (it was painted after the buffer was freed: a crash)
            self._image = QImage(data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
            self._image.setDevicePixelRatio(self.device_pixel_ratio)

    def _draw_idle(self) -> None:
        with self._idle_draw_cntx():
            if not self._draw_pending:
                return
            self._draw_pending = False
            if _isdeleted(self) or self.height() <= 0 or self.width() <= 0:
                return
            if not self.THREADED or self._here:
                self._here = False
                self.wait_drawn()
                FigureCanvasQTAgg.draw(self)
                return
            if self._thread is not None:
                self._again = True
                return
            self._snapshot()  # shown while the new one draws
            self._thread = threading.Thread(target=self._draw_in_thread, name="chart draw",
                                            daemon=True)
            self._thread.start()

    def _draw_in_thread(self) -> None:
        try:
            self._agg_draw()
        except Exception:  # noqa: BLE001 (as matplotlib's _draw_idle: never fatal)
            traceback.print_exc()
        finally:
            try:
                self._drawn.emit()  # queued to the GUI thread
            except RuntimeError:  # the canvas was deleted meanwhile
                pass

    def _draw_finished(self) -> None:
        t = self._thread
        if t is None or _isdeleted(self):
            return
        t.join()
        self._thread = None
        self._image = None
        if self._resize_due:  # the figure takes the widget's size now, and draws again
            self._resize_due = False
            FigureCanvasQTAgg.resizeEvent(self, QResizeEvent(self.size(), self.size()))
        self.update()
        if self._again:
            self._again = False
            self.draw_idle()

    def resizeEvent(self, event) -> None:  # noqa: N802
        if self._thread is not None:  # the figure is resized when its draw has ended
            self._resize_due = True
            return
        super().resizeEvent(event)

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
        # while a thread draws into the renderer, its buffer is never read here
        if self._thread is not None or (self.THREADED and not self._here and self._draw_pending):
            self._snapshot()  # the last image until the new one is drawn
            if self._image is not None:
                painter = QPainter(self)
                painter.eraseRect(event.rect())
                painter.drawImage(0, 0, self._image)
                painter.end()
            return
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
