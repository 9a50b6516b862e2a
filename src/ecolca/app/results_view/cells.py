"""A cell of a results table (:mod:`.table`): its raw value, formatted when first shown."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont

from ecolca.app.results_view.common import (_BURDEN_TEXT, _SAVING_TEXT, format_delta,
                                            format_number, format_pct)

_RIGHT = Qt.AlignRight | Qt.AlignVCenter
_NO_BRUSH = QBrush()
_SAVING_BRUSH = QBrush(_SAVING_TEXT)
_BURDEN_BRUSH = QBrush(_BURDEN_TEXT)


class Cell:
    """One cell: its text (or the raw value it formats when first asked), tooltip, sort key
    (``Qt.UserRole``), alignment, colour and font; the read API of a ``QTableWidgetItem``."""

    __slots__ = ("_text", "value", "fmt", "tip", "key", "align", "fg", "bold", "bg")

    def __init__(self, text: str | None = None, tip: str | None = None, key: Any = None):
        self._text, self.value, self.fmt = text, None, None
        self.tip, self.key = tip, key
        self.align, self.fg, self.bold, self.bg = None, None, False, None

    # ---- read (what the model's data() returns) ----
    def text(self) -> str:
        if self._text is None:
            v, (delta, money, pct, scale) = self.value, self.fmt
            if pct:
                self._text = format_pct(v, signed=delta)
            else:
                self._text = (format_delta(v, money=money, scale=scale) if delta
                              else format_number(v, money=money, scale=scale))
        return self._text

    def toolTip(self) -> str:  # noqa: N802
        if self.tip is not None:
            return self.tip
        return repr(float(self.key)) if self.fmt is not None and self.key is not None else \
            ("" if self.fmt is not None else self.text())

    def data(self, role: int) -> Any:
        return self.key if role == Qt.UserRole else None

    def foreground(self) -> QBrush:
        return self.fg or _NO_BRUSH

    def textAlignment(self) -> int:  # noqa: N802
        return self.align if self.align is not None else int(Qt.AlignLeft | Qt.AlignVCenter)

    def font(self) -> QFont:
        f = QFont()
        f.setBold(self.bold)
        return f

    def background(self) -> QBrush:
        return self.bg or _NO_BRUSH

    # ---- write (before the cell is in a model, or followed by the model's ``changed``) ----
    def setText(self, text: str) -> None:  # noqa: N802
        self._text = text

    def setToolTip(self, tip: str) -> None:  # noqa: N802
        self.tip = tip

    def setTextAlignment(self, align) -> None:  # noqa: N802
        self.align = align

    def setForeground(self, brush: QBrush) -> None:  # noqa: N802
        self.fg = brush


def _text_item(text: str, tooltip: str | None = None, key: Any = None) -> Cell:
    return Cell(text, tooltip if tooltip is not None else text, key)


def _num_item(v: float | None, *, delta: bool = False, money: bool = False,
              pct: bool = False, scale=None) -> Cell:
    """A right-aligned number, formatted when shown (in ``scale``, its row's
    :func:`~.common.row_scale`, when given); the raw value is its sort key (Qt.UserRole) and
    tooltip. Δ cells are coloured: green below 0 (saving), red above 0."""
    c = Cell()
    c.value, c.fmt, c.align = v, (delta, money, pct, scale), _RIGHT
    if isinstance(v, (int, float)) and math.isfinite(v):
        c.key = float(v)
        if delta and v != 0:
            c.fg = _SAVING_BRUSH if v < 0 else _BURDEN_BRUSH
    return c
