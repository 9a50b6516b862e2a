"""A matplotlib chart in a results tab (titles wrapped to its width, bar tooltips, export),
and the veil that greys stale results."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor, QPainter
from PySide6.QtWidgets import QFileDialog, QFrame, QScrollArea, QToolBar, QVBoxLayout, QWidget



class _Chart(QWidget):
    """A matplotlib figure in a canvas, a toolbar with "Export chart…" and the same action in
    the canvas's context menu."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self._figure = None  # the figure and its canvas are made when first used (_make):
        self._canvas = None  # matplotlib loads with the first results, not at start-up
        self._min_height = 220
        self.scroll = QScrollArea()  # tall charts (many bars) scroll instead of squeezing labels
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.export_action = QAction("Export chart…", self)
        self.export_action.setToolTip("Save this chart as PNG or SVG")
        self.export_action.triggered.connect(self._export_dialog)
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
        self._animated: list[Any] = []  # artists a live update changes in place (blitted)
        self._rows: list[tuple] | None = None  # (bar, value text) rows of those (set_animated)
        self._row_looks: list[tuple] | None = None  # how each row was last drawn
        self.rows_updated: int | None = None  # rows the last live update repainted
        self._background = None  # the figure without them, as last drawn
        self._exporting = False

    @property
    def figure(self):
        """The matplotlib figure (made, with its canvas, on first use)."""
        if self._figure is None:
            self._make()
        return self._figure

    @property
    def canvas(self):
        """The figure's Qt canvas (:class:`_Canvas`, made on first use)."""
        if self._canvas is None:
            self._make()
        return self._canvas

    def _make(self) -> None:
        from matplotlib.figure import Figure

        from ecolca.app.results_view.canvas import _Canvas
        from ecolca.app.results_view.margins import MarginsEngine

        # margins measured from the texts, not constrained layout (results_view/margins.py)
        self._figure = Figure(figsize=(7, 4), dpi=100, layout=MarginsEngine())
        self._canvas = canvas = _Canvas(self._figure)
        canvas.setMinimumHeight(self._min_height)
        self.scroll.setWidget(canvas)
        canvas.setContextMenuPolicy(Qt.ActionsContextMenu)
        canvas.addAction(self.export_action)
        canvas.mpl_connect("resize_event", lambda _e: self._fit_titles())
        canvas.mpl_connect("draw_event", self._check_titles)
        canvas.mpl_connect("draw_event", self._keep_background)
        canvas.mpl_connect("motion_notify_event", self._hover)
        canvas.mpl_connect("figure_leave_event", lambda _e: canvas.setToolTip(""))

    def set_min_height(self, px: int, floor: int = 220) -> None:
        self._min_height = max(floor, int(px))
        if self._canvas is not None:
            self._canvas.setMinimumHeight(self._min_height)

    def clear(self) -> None:
        """Clear the figure, its titles and its row tooltips (before drawing anew)."""
        self.canvas.wait_drawn()
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
        if self.canvas.is_drawing():
            return
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
            from matplotlib.text import Text

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
        if getattr(self.canvas, "_draw_pending", False) or not self.canvas.isVisible() \
                or self.canvas.is_drawing():
            self.redraw(here=True)
            return
        if self._rows:
            if self._row_looks is None or len(self._row_looks) != len(self._rows) \
                    or not hasattr(self.canvas, "renderer"):
                self.redraw(here=True)
            else:
                self._update_rows()
            return
        if self._background is None:
            self.redraw(here=True)
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

    def redraw(self, here: bool = False) -> None:
        """Draw the figure when shown (never blocks a hidden tab), on the drawing thread;
        ``here``: on the GUI thread (see :meth:`_Canvas.draw_idle`)."""
        self.canvas.draw_idle(here)

    def export(self, path: str | Path) -> Path:
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg"):
            raise ValueError(f"cannot export a chart as {p.name!r}: use .png or .svg")
        self.canvas.wait_drawn()
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
