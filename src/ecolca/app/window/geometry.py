"""The window's size and place: fit the screen's available area, remember geometry, docks
and splitter (QSettings)."""

from __future__ import annotations


from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtGui import QGuiApplication


DEFAULT_SIZE = (1280, 800)
# room the window manager's frame takes around the window (title bar, borders): the window's own
# size is what remains of the screen's available area
FRAME_W, FRAME_H = 16, 40


def available_geometry(widget=None) -> QRect:
    """The screen area a window may use (without task bars and docks)."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, *DEFAULT_SIZE)


class WindowGeometry:
    """The size and place of :class:`~ecolca.app.mainwindow.MainWindow` (a mixin of the window)."""

    def restore_window(self) -> None:
        """Size the window to the screen's available area (1280×800, larger on a large screen,
        smaller on a small one), or restore the geometry, docks and splitter the user left; the
        window always fits on the screen."""
        avail = available_geometry(self)
        rect = self.settings.value("window/rect")
        restored = isinstance(rect, QRect) and rect.isValid()
        if restored:
            self.resize(rect.size())
            self.move(rect.topLeft())
            self._keep_on_screen(avail)
            if str(self.settings.value("window/maximized", "false")).lower() == "true":
                self.setWindowState(self.windowState() | Qt.WindowMaximized)
        else:
            w = min(avail.width() - FRAME_W, max(DEFAULT_SIZE[0], int(avail.width() * 0.8)))
            h = min(avail.height() - FRAME_H, max(DEFAULT_SIZE[1], int(avail.height() * 0.85)))
            self.resize(max(w, 640), max(h, 480))
            self.move(avail.x() + max(0, (avail.width() - self.width() - FRAME_W) // 2),
                      avail.y() + max(0, (avail.height() - self.height() - FRAME_H) // 2))
        state = self.settings.value("window/state")
        if state:
            self.restoreState(QByteArray(state))
        split = self.settings.value("window/splitter")
        if split:
            self.splitter.restoreState(QByteArray(split))

    def _keep_on_screen(self, avail: QRect) -> None:
        w = min(self.width(), avail.width() - FRAME_W)
        h = min(self.height(), avail.height() - FRAME_H)
        if (w, h) != (self.width(), self.height()):
            self.resize(w, h)
        x = min(max(self.x(), avail.left()), avail.right() - w - FRAME_W)
        y = min(max(self.y(), avail.top()), avail.bottom() - h - FRAME_H)
        if (x, y) != (self.x(), self.y()):
            self.move(max(x, avail.left()), max(y, avail.top()))

    def save_window(self) -> None:
        """Remember the window's geometry, its docks and toolbar, and the canvas/results split."""
        maximized = bool(self.windowState() & Qt.WindowMaximized)
        # the frame's position (what move() takes) and the window's own size
        normal = self.normalGeometry() if maximized else QRect(self.pos(), self.size())
        self.settings.setValue("window/rect", QRect(normal))
        self.settings.setValue("window/maximized", maximized)
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()
