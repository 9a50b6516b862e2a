"""A site card's text on the park canvas at any zoom (issue #20.6: after Ctrl+0 on a laptop the
cards' text was 4–5 px high and names were cut): what the card says, in which font, where."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF

MIN_TEXT_PX = 9.0  # a site card's text is never smaller on screen (it wraps, elides, drops lines)


def _wrap(text: str, fm: QFontMetricsF, width: float, most: int) -> list[str]:
    """``text`` over at most ``most`` lines of ``width``, broken between words; the last
    line elided with "…" when the text does not fit (a word wider than a line ends it)."""
    words = text.split()
    lines: list[str] = []
    while words and len(lines) < most - 1:
        line = words[0]
        if fm.horizontalAdvance(line) > width:
            break
        n = 1
        while n < len(words) and fm.horizontalAdvance(line + " " + words[n]) <= width:
            line += " " + words[n]
            n += 1
        lines.append(line)
        words = words[n:]
    if words:
        lines.append(fm.elidedText(" ".join(words), Qt.ElideRight, width))
    return lines or [text]


def card_text(name: str, sub: str, counts: str, base: QFont, scale: float, device,
              card_w: float, card_h: float) -> tuple[list[tuple[QFont, QColor, QRectF, str]],
                                                      list[str]]:
    """The texts of a ``card_w`` × ``card_h`` card as (font, colour, rectangle, text) when
    drawn at ``scale`` on ``device`` (None: the screen), and the name's lines. Zoomed in: the
    name (bold), ``sub`` (sector · location), ``counts``. Zoomed out so far that a text would be
    under :data:`MIN_TEXT_PX` on screen: the name alone, in a font :data:`MIN_TEXT_PX` high on
    screen, over as many lines as the card holds, the last elided with "…" (the whole name is
    in the card's tooltip); ``sub`` follows when a short name leaves room."""
    dpi = device.logicalDpiY() if device is not None else 96

    def metrics(font: QFont) -> QFontMetricsF:  # as the painter will draw it
        return QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)

    width = card_w - 20
    base = QFont(base)
    name_pt, sub_pt = 10.0, 8.5
    # the point size that is MIN_TEXT_PX on screen
    least_pt = (MIN_TEXT_PX + 0.01) / scale * 72.0 / dpi
    dark, grey = QColor("#1B2631"), QColor("#4A5561")
    name_font = QFont(base)
    name_font.setBold(True)
    if sub_pt >= least_pt:  # readable as drawn: three lines
        name_font.setPointSizeF(name_pt)
        sub_font = QFont(base)
        sub_font.setPointSizeF(sub_pt)
        fm = metrics(name_font)
        sm = metrics(sub_font)
        name = fm.elidedText(name, Qt.ElideRight, width)
        out = [(name_font, dark, QRectF(10, 6, width, 20), name),
               (sub_font, grey, QRectF(10, 27, width, 18),
                sm.elidedText(sub or "—", Qt.ElideRight, width)),
               (sub_font, grey, QRectF(10, 47, width, 18),
                sm.elidedText(counts, Qt.ElideRight, width))]
        name_lines = [name]
    else:
        name_font.setPointSizeF(max(name_pt, least_pt))
        fm = metrics(name_font)
        room = card_h - 4
        step = fm.height()
        if step > room:  # not one readable line fits: the largest that does
            name_font.setPointSizeF(name_font.pointSizeF() * room / step)
            fm = metrics(name_font)
            step = fm.height()
        lines = _wrap(name, fm, width, max(1, int(room // step)))
        name_lines = lines
        top = 2 + (room - step * len(lines)) / 2
        out = [(name_font, dark, QRectF(10, top + i * step, width, step), line)
               for i, line in enumerate(lines)]
        sub_font = QFont(base)
        sub_font.setPointSizeF(max(sub_pt, least_pt))
        sm = metrics(sub_font)
        y = top + len(lines) * step
        if sub and y + sm.height() <= card_h - 2 and len(lines) == 1 \
                and not lines[0].endswith("…"):  # a short name leaves room for the sector
            out.append((sub_font, grey, QRectF(10, y, width, sm.height()),
                        sm.elidedText(sub, Qt.ElideRight, width)))
    return out, name_lines
