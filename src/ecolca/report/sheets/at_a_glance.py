"""At a glance: the report's first sheet, one printed A4 page in portrait (issue #20.2).

Per impact category the result in one sentence, the uncertainty and the data gaps that can flip
the sign, in words and to 3 significant figures (:mod:`ecolca.report.onepage` writes the words),
then the park-wide gaps and how to read the page. Text only, so no number format can turn into
E-notation; the sheet is fitted to one page wide and one page tall.
"""

from __future__ import annotations

from openpyxl.worksheet.cell_range import CellRange

from ecolca.report import common as cm
from ecolca.report import onepage
from ecolca.report import styles as st
from ecolca.report.layout import MARGIN_LR_IN, MARGIN_TB_IN, Sheet

NAME = "At a glance"
ORDER = 5  # before the Summary: the sheet a report opens on
MAX_TEXT = 80

SIZE = 9.5
TITLE = st.font(15, bold=True, color="2F5D50")
SUB = st.font(SIZE, italic=True, color="555555")
BODY = st.font(SIZE)
LABEL = st.font(SIZE, bold=True, color="2F5D50")
VERDICT = st.font(SIZE, bold=True)
GAP = st.font(SIZE, color="9C0006")
SECTION = st.font(11.5, bold=True, color="2F5D50")


# a line of wrapped text is 1.25 × the font size (Calibri's and Carlito's line spacing is 1.22):
# tighter than the other sheets' 15 pt per 11 pt line, which keeps a page's worth of room
LINE = 1.25
PAD = 3.0


def _height(text: str, width: float, font) -> float:
    """The height (pt) of a row that shows ``text`` wrapped in ``width`` characters."""
    size = float(font.sz)
    return st.wrap_lines(text, width, size, bool(font.b)) * LINE * size + PAD


def _text(sh: Sheet, text: str, font, *, col: int = 1, last: int = 2) -> int:
    """``text`` wrapped in columns ``col``…``last`` (merged) of the next row, the row as tall as
    the wrapped text. Returns the row."""
    r = sh.row
    sh.put(r, col, text, "text", font=font, align="wrap", measure=False)
    if last > col:
        sh.ws.merged_cells.add(CellRange(min_col=col, min_row=r, max_col=last, max_row=r))
    width = sum(sh.fixed[c] for c in range(col, last + 1))
    sh.heights[r] = round(_height(text, width, font), 1)
    sh.row += 1
    return r


def _gap(sh: Sheet, pt: float) -> None:
    sh.heights[sh.row] = pt
    sh.row += 1


# the printable area of portrait A4 with the report's margins (layout.MARGIN_*), in column
# characters across and points down, a little kept back for rounding
PAGE_W_CHARS = (595.3 - 2 * 72 * MARGIN_LR_IN - 14) / st.PT_PER_CHAR
PAGE_H_PT = 841.9 - 2 * 72 * MARGIN_TB_IN - 10
LABEL_SHARE = 0.24   # of the width: the category's name


def _blocks(page: onepage.Glance) -> list[tuple[str, list[tuple[str, object]]]]:
    """The page as rows: ("full", [(text, font)]) across the page, or (label, [(text, font),
    …]) for a category: its name beside its rows."""
    rows: list[tuple[str, list[tuple[str, object]]]] = [
        ("full", [(f"{page.date} · ecolca report · every figure per year for the whole park",
                   SUB), (page.compared, BODY), (page.calibration, BODY)])]
    for m in page.methods:
        texts = [(m.sentence, VERDICT)]
        if m.uncertainty:
            texts.append(("Uncertainty: " + m.uncertainty, BODY))
        if m.gaps:
            texts.append((m.gaps_text, GAP))
        rows.append((m.label, texts))
    tail = [("Across the park", SECTION)] + [(g, GAP) for g in page.gaps] if page.gaps else []
    rows.append(("full", tail + [(page.how_to_read, SUB)]))
    return rows


def _total_height(blocks, label_w: float, text_w: float) -> float:
    h = 22.0 + 6.0
    for label, texts in blocks:
        if label == "full":
            h += sum(_height(t, label_w + text_w, f) for t, f in texts) + 4.0
            continue
        have = sum(_height(t, text_w, f) for t, f in texts)
        h += max(have, _height(label, label_w, LABEL)) + 4.0
    return h


def _widths(blocks) -> tuple[float, float]:
    """(name column, text column) in characters: the widths that print the page largest. A
    page of much text prints smaller in any case; wider columns wrap it into fewer lines, and
    the page is then scaled to the width instead of the height."""
    best = None
    for total in range(int(PAGE_W_CHARS), int(PAGE_W_CHARS * 1.8), 4):
        label_w = round(total * LABEL_SHARE, 1)
        text_w = total - label_w
        scale = min(1.0, PAGE_W_CHARS / total, PAGE_H_PT / _total_height(blocks, label_w, text_w))
        if best is None or scale > best[0] + 1e-3:
            best = (scale, label_w, text_w)
    return best[1], best[2]


def write(sh: Sheet, ctx: cm.Context) -> None:
    page = onepage.build(ctx.results, ctx.scenario, where="report")
    blocks = _blocks(page)
    label_w, text_w = _widths(blocks)
    sh.one_page = True
    sh.fixed[1], sh.fixed[2] = label_w, text_w
    sh.max_col = 2

    sh.put(sh.row, 1, page.title, "text", font=TITLE, measure=False, align="top")
    sh.heights[sh.row] = 22.0
    sh.row += 1
    for label, texts in blocks:
        if label == "full":
            for t, f in texts:
                _text(sh, t, f)
            _gap(sh, 4.0)
            continue
        first = sh.row
        for t, f in texts:
            _text(sh, t, f, col=2)
        last = sh.row - 1
        # the category's name beside its rows, in one cell over them
        sh.put(first, 1, label, "text", font=LABEL, measure=False, align="wrap")
        if last > first:
            sh.ws.merged_cells.add(CellRange(min_col=1, min_row=first, max_col=1, max_row=last))
        need = _height(label, label_w, LABEL)
        have = sum(sh.heights[r] for r in range(first, last + 1))
        if need > have:  # a long name: the last row takes the rest
            sh.heights[last] = round(sh.heights[last] + need - have, 1)
        _gap(sh, 4.0)
