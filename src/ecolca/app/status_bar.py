"""The main window's status bar: a message longer than the room left of the permanent widgets
(progress, Cancel, Brightway project) ends in "…" and shows whole in the tooltip, never cut in
the middle of a digit or drawn under those widgets (issue #20: "Δ = -2ε7,317,063")."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStatusBar, QStyle, QStyleOption

LEFT, GAP = 6, 8  # px: the message's left margin, and its distance to the permanent widgets


class ElidingStatusBar(QStatusBar):
    """A QStatusBar whose temporary message is elided to the room it has."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._permanent = []
        self.messageChanged.connect(lambda _text: self._update_tip())

    def addPermanentWidget(self, widget, stretch: int = 0) -> None:  # noqa: N802
        self._permanent.append(widget)
        super().addPermanentWidget(widget, stretch)

    def message_rect(self) -> QRect:
        """Where the message may be drawn: from the left margin to the first permanent widget
        shown (the size grip's room otherwise)."""
        right = self.width() - 12
        shown = [w.x() for w in self._permanent if w.isVisible()]
        if shown:
            right = min(shown) - GAP
        return QRect(LEFT, 0, max(right - LEFT, 0), self.height())

    def shown_message(self) -> str:
        """The message as drawn: whole, or cut with "…" to the room it has."""
        text = self.currentMessage()
        return self.fontMetrics().elidedText(text, Qt.ElideRight, self.message_rect().width())

    def _update_tip(self) -> None:
        text = self.currentMessage()
        tip = text if text and self.shown_message() != text else ""
        if self.toolTip() != tip:
            self.setToolTip(tip)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_tip()

    def paintEvent(self, event) -> None:  # noqa: N802
        if not self.currentMessage():
            super().paintEvent(event)
            return
        self._update_tip()  # the permanent widgets may have moved since the message came
        p = QPainter(self)
        for w in self._permanent:  # their frames, as QStatusBar draws them
            if w.isVisible():
                opt = QStyleOption()
                opt.initFrom(self)
                opt.rect = w.geometry().adjusted(-2, -1, 2, 1)
                opt.state = QStyle.State_None
                self.style().drawPrimitive(QStyle.PE_FrameStatusBarItem, opt, p, w)
        p.setPen(self.palette().windowText().color())
        p.drawText(self.message_rect(), Qt.AlignLeading | Qt.AlignVCenter | Qt.TextSingleLine,
                   self.shown_message())
