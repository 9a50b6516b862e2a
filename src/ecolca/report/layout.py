"""A worksheet with a write cursor that lays itself out for screen and print.

Rules it keeps for every sheet:

* Column widths are measured in Calibri (the font every cell names) and fit a landscape A4 page
  at no less than ``MIN_SCALE``: text columns wrap before numbers shrink, so a printed page never
  falls below 8 pt text. Long tables flow onto more pages (fit to one page wide, any number
  tall) instead of shrinking.
* A printed page's repeated header and the frozen pane on screen always belong to the rows under
  them: only a sheet with exactly one table repeats (and freezes) its header; a sheet with
  several short tables repeats nothing and starts a table on a new page when it would not fit
  on the current one.
* A chart starts on a new page and is never taller than a page, so no chart crosses a page break.
* Every wrapped cell's row is as tall as its wrapped text, measured in Calibri.
"""

from __future__ import annotations

import itertools
import math
import re
from functools import lru_cache

import numpy as np
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.chart._chart import ChartBase
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ecolca.report import styles as st

# ---- the page -----------------------------------------------------------------------------
PAGE_W_PT, PAGE_H_PT = 841.9, 595.3       # A4 landscape
MARGIN_LR_IN, MARGIN_TB_IN, HF_IN = 0.4, 0.6, 0.3
PRINT_W_PT = PAGE_W_PT - 2 * 72 * MARGIN_LR_IN - 14    # a little kept back for rounding
PRINT_H_PT = PAGE_H_PT - 2 * 72 * MARGIN_TB_IN - 6
MIN_SCALE = 0.8                                         # 11 pt text prints at ≥ 8.8 pt
BUDGET_CHARS = PRINT_W_PT / st.PT_PER_CHAR / MIN_SCALE  # widest sheet that keeps MIN_SCALE
CHART_MAX_H_CM = (PRINT_H_PT - 60) / 28.35              # a chart plus a heading fits a page

MIN_WIDTH = 6.0
KEEP_HEAD_ROWS = 3      # a heading never ends a page: it keeps at least this many rows with it
GROW_MAX = 64.0         # chars: room left on a page widens a wrapped text column up to this
PARAGRAPH_MIN = 100.0   # chars: the narrowest a sheet with paragraphs gets
MIN_TEXT_WIDTH = 14.0   # a text column narrower than its longest word breaks words, down to this
HEADER_WANT_PX = 80.0   # a header's text fits in ~2 lines of a column of this width or wider
NUM_SLACK = 1.15        # numbers get room for a font up to 15 % wider than Calibri: never ###


_ALIGN = {
    "wrap": st.WRAP_TOP,
    "top": Alignment(vertical="top"),
    "top_left": Alignment(vertical="top", horizontal="left"),
    "pair": Alignment(horizontal="left", vertical="top", wrap_text=True),
    "header": st.HEADER_ALIGN,
}


class Book:
    """What the sheets of one workbook share: the cell styles (each look registered once with
    openpyxl, which writes styles.xml) and the cell text written as XML by the sheets
    themselves (openpyxl's per-cell objects cost more than the whole calculation on a large
    park)."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self._scratch: Worksheet | None = None
        self._ids: dict[tuple, int] = {}
        self.strings: dict[str, int] = {}  # the shared strings of every sheet: text -> index

    def style(self, font: Font | None, fill: PatternFill | None, border: bool, align: str,
              fmt: str | None, quote: bool) -> int:
        key = (id(font), id(fill), border, align, fmt, quote)
        sid = self._ids.get(key)
        if sid is None:
            if self._scratch is None:
                # a worksheet of the workbook's styles that is not one of its sheets
                self._scratch = Worksheet(self.wb, "_styles")
            c = self._scratch.cell(row=1, column=1)
            c.font = font or st.BODY_FONT
            if fill is not None:
                c.fill = fill
            if border:
                c.border = st.BORDER
            if align in _ALIGN:
                c.alignment = _ALIGN[align]
            if fmt:
                c.number_format = fmt
            c.quotePrefix = quote
            sid = self._ids[key] = c.style_id
            c._style = None
        return sid

    def string(self, text: str) -> int:
        """The index of ``text`` in the workbook's shared strings (added when new)."""
        i = self.strings.get(text)
        if i is None:
            i = self.strings[text] = len(self.strings)
        return i

    def write_shared_strings(self, write, chunk: int = 1 << 16) -> None:
        """Write ``xl/sharedStrings.xml`` (every text cell of the report, each once) as UTF-8
        through ``write``, in pieces of about ``chunk`` characters."""
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               f'count="{len(self.strings)}" uniqueCount="{len(self.strings)}">']
        add = out.append
        size = 0
        for v in self.strings:  # dicts keep insertion order: the index order
            sp = ' xml:space="preserve"' if (v != v.strip() or "\n" in v) else ""
            x = f"<si><t{sp}>{escape(v)}</t></si>"
            add(x)
            size += len(x)
            if size >= chunk:
                write("".join(out).encode("utf-8"))
                out.clear()
                size = 0
        add("</sst>")
        write("".join(out).encode("utf-8"))

    def shared_strings_xml(self) -> bytes:
        """``xl/sharedStrings.xml`` as one piece (see :meth:`write_shared_strings`)."""
        parts: list[bytes] = []
        self.write_shared_strings(parts.append)
        return b"".join(parts)

    def close(self) -> None:
        self._scratch = None


# one cell's XML in a row's chunk: <c r=".." s=".."/> or <c r=".." ...>…</c>
_CELL = re.compile(r"<c [^>]*/>|<c [^>]*>.*?</c>")
_LETTERS = [""] + [get_column_letter(c) for c in range(1, 200)]


def _cell_xml(col: int, row: int, v: Any, sid: int, book: Book) -> str:
    ref = f"{_LETTERS[col] if col < len(_LETTERS) else get_column_letter(col)}{row}"
    if v is None:
        return f'<c r="{ref}" s="{sid}"/>'
    if type(v) is str:  # a shared string: the text is written once per workbook
        return f'<c r="{ref}" s="{sid}" t="s"><v>{book.string(v)}</v></c>'
    return f'<c r="{ref}" s="{sid}"><v>{v!r}</v></c>'


def _widest_auto(xs: list[float]) -> int:
    """The length of the longest of ``xs`` as shown in its :func:`st.auto_format` format: per
    format, the largest and the smallest value are the widest."""
    a = np.asarray(xs, dtype=float)
    m = np.abs(a)
    classes = (m == 0, (m >= 1000), (m >= 1) & (m < 1000), (m >= 1e-2) & (m < 1))
    longest = 0
    for sel, fmt in zip(classes, ("0", "#,##0", "#,##0.00", "0.0000")):
        if sel.any():
            v = a[sel]
            hi, lo = float(v.max()), float(v.min())
            longest = max(longest, len(st.formatted(hi, fmt)), len(st.formatted(lo, fmt)))
    small = m[(m > 0) & (m < 1e-2)]
    if small.size:  # the smallest magnitude has the most decimals, a minus adds one
        fmt = st.small_format(float(small.min()))
        longest = max(longest, len(st.formatted(-float(small.min()), fmt)))
    return longest


@lru_cache(maxsize=65536)
def _text_dims(text: str, size: float, bold: bool) -> tuple[float, float]:
    """(width of the longest line, width of the longest word) in column characters."""
    lines = text.split("\n")
    w = max(st.text_px(line, size, bold) for line in lines)
    word = max((st.text_px(x, size, bold) for line in lines for x in line.split(" ")),
               default=0.0)
    return st.width_chars(w), st.width_chars(word)


@lru_cache(maxsize=65536)
def _wrap_lines(text: str, width: float, size: float, bold: bool) -> int:
    return st.wrap_lines(text, width, size, bold)


class Sheet:
    """One worksheet being written: ``row`` is the next free row. Cells are kept here and
    written as XML by :meth:`write_xml`; the openpyxl worksheet ``ws`` carries the rest
    (column widths, merges, print settings, charts)."""

    def __init__(self, ws: Worksheet, title: str, max_text: float = 45,
                 book: Book | None = None):
        self.ws = ws
        ws.title = title
        self.book = book or Book(ws.parent)
        self.cells: dict[int, dict[int, str]] = {}  # row -> column -> the cell's XML
        self.heights: dict[int, float] = {}
        self.row = 1
        self.max_text = max_text
        self.col_cap: dict[int, float] = {}      # per-column text width cap (chars)
        self.fixed: dict[int, float] = {}        # per-column width set by the content
        self._num: dict[int, float] = {}         # chars numbers need
        self._text: dict[int, float] = {}        # chars the longest text line wants
        self._word: dict[int, float] = {}        # chars of the longest word
        self._hdr_word: dict[int, float] = {}    # chars of the longest header word
        self._wrapped: dict[int, list[tuple[int, int, str, float, bool]]] = {}
        # table text cells: column -> (text, size, bold) -> rows (heights set in finish)
        self._tcells: dict[int, dict[tuple[str, float, bool], list[int]]] = {}
        self._spans: list[tuple[int, int, int, str, float, bool]] = []
        self.tables: list[tuple[int, int, int]] = []
        self._repeat: list[bool] = []
        self._blocks: list[tuple[int, int, bool]] = []   # start, end, break before
        self.max_col = 1
        self._xml_cols = 1  # the last column with a cell (the worksheet's dimension)
        self._styles: dict = {}
        self.scale = 1.0
        self._headings: set[int] = set()  # rows of section headings (kept with what follows)
        # True: print at full size on as many pages across as the columns need (a wide data
        # sheet), instead of one page wide
        self.print_across = False
        # True: the sheet prints on exactly one A4 portrait page (the report's "At a glance")
        self.one_page = False

    # ---- measuring ----------------------------------------------------------------------
    def _measure(self, row: int, col: int, shown: str | None, how: str | None,
                 f: Font | None = None, span: int = 0) -> None:
        if shown is None:
            return
        self.max_col = max(self.max_col, col)
        size = float(f.sz or st.BODY_SIZE) if f is not None else st.BODY_SIZE
        bold = bool(f.b) if f is not None else False
        if how == "num":  # Calibri's figures are all as wide; separators are narrower
            w = st.width_chars(len(shown) * st.DIGIT_PX * size / st.BODY_SIZE * NUM_SLACK)
            if w > self._num.get(col, 0.0):
                self._num[col] = w
            return
        if span:
            self._spans.append((row, col, span, shown, size, bold))
            return
        w, word = _text_dims(shown, size, bold)
        if w > self._text.get(col, 0.0):
            self._text[col] = w
        if word > self._word.get(col, 0.0):
            self._word[col] = word
        self._wrapped.setdefault(row, []).append((col, 1, shown, size, bold))

    def put(self, row: int, col: int, value: Any, kind: str = "auto", *,
            font: Font | None = None, fill: PatternFill | None = None, border: bool = False,
            align: str | None = None, measure: bool = True) -> tuple[Any, str | None]:
        """Write one cell (text never a formula: see :func:`ecolca.report.styles.encode`).
        Returns (stored value, number format)."""
        v, fmt, shown = st.encode(value, kind)
        if v is None:
            return None, None
        text = fmt is None
        if align is None:
            align = "wrap" if text else ("top_left" if kind in ("text", "wrap") else "top")
        quote = text and v.startswith(st.FORMULA_LEAD)
        sid = self.book.style(font, fill, border, align, fmt, quote)
        line = self.cells.setdefault(row, {})
        for c0 in [c for c, x in line.items() if type(x) is tuple and c <= col < c + x[1]]:
            for j, x in enumerate(_CELL.findall(line.pop(c0)[0])):  # a table row: back to cells
                line[c0 + j] = x
        line[col] = _cell_xml(col, row, v, sid, self.book)
        if col > self._xml_cols:
            self._xml_cols = col
        if measure:
            self._measure(row, col, shown, "text" if text else "num", font)
        return v, fmt

    # ---- content ------------------------------------------------------------------------
    def title(self, text: str, subtitle: str | None = None) -> None:
        self.put(self.row, 1, text, "text", font=st.TITLE_FONT, measure=False, align="top")
        self.heights[self.row] = 22.0
        self.row += 1
        if subtitle:
            self.paragraph(subtitle, font=st.NOTE_FONT)
        self.row += 1

    def section(self, text: str) -> None:
        self._headings.add(self.paragraph(text, font=st.SECTION_FONT))

    def paragraph(self, text: str, *, font: Font | None = None, col: int = 1,
                  span: int = 0) -> int:
        """Text wrapped across columns ``col``…``span`` (0: the whole width of the sheet); its
        height is set once the column widths are known. Returns its row."""
        r = self.row
        f = font or st.BODY_FONT
        shown, _ = self.put(r, col, text, "text", font=f, align="wrap", measure=False)
        self._spans.append((r, col, span, shown or "", float(f.sz or st.BODY_SIZE), bool(f.b)))
        self.row += 1
        return r

    def pairs(self, items: Iterable[tuple[str, Any]], kind: str = "auto") -> None:
        """Label/value lines: the label bold in column A, the value in column B."""
        for label, value in items:
            self.put(self.row, 1, label, "text", font=st.BOLD_FONT)
            self.put(self.row, 2, value, "int" if isinstance(value, int)
                     and not isinstance(value, bool) else kind, align="pair")
            self.row += 1

    def skip(self, n: int = 1) -> None:
        self.row += n

    def table(self, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]], *,
              total_rows: set[int] | None = None, subheads: set[int] | None = None,
              col: int = 1, repeat: bool = True,
              caps: dict[str, float] | None = None) -> tuple[int, int, int]:
        """A header row (bold, filled, wrapped) and data rows. ``columns``: (header, kind).
        ``total_rows``: indexes of rows shown bold on a fill; ``subheads``: indexes of rows
        whose first value is a heading across the table. ``repeat``: this is the sheet's main
        table, whose header may repeat on printed pages. Returns (header row, first data row,
        last data row). ``caps``: text width caps (chars) by header."""
        hdr = self.row
        for j, (name, _) in enumerate(columns):
            c = col + j
            if caps and name in caps:
                self.col_cap[c] = caps[name]
            self.put(hdr, c, name, "text", font=st.HEADER_FONT, fill=st.HEADER_FILL,
                     border=True, align="header", measure=False)
            # a header may wrap, but into few lines: it wants its longest word, and up to
            # HEADER_WANT characters of its text
            words = [st.text_px(w, st.BODY_SIZE, True) for w in name.split()]
            want = max(max(words, default=0.0),
                       min(st.text_px(name, st.BODY_SIZE, True), HEADER_WANT_PX))
            self._hdr_word[c] = max(self._hdr_word.get(c, 0.0), st.width_chars(want))
            self._wrapped.setdefault(hdr, []).append((c, 1, name, st.BODY_SIZE, True))
            self.max_col = max(self.max_col, c)
        r = hdr + 1
        width = len(columns)
        book, cells, measure = self.book, self.cells, self._measure
        looks: dict[tuple, int] = {}
        kinds = [k for _, k in columns]
        letters = [get_column_letter(c) for c in range(col, col + width)]
        auto = [k == "auto" for k in kinds]
        pre = [f'<c r="{x}' for x in letters]  # a cell's XML up to its row number
        # total row? -> what follows the row number: of a number by format, of an empty cell
        # by column, of a text by column and text (with the list of its rows)
        auto_tail: dict[bool, dict[str, str]] = {False: {}, True: {}}
        empty_tail: dict[bool, list[str | None]] = {False: [None] * width,
                                                     True: [None] * width}
        text_tail: dict[bool, list[dict[str, tuple[str, list[int]]]]] = {
            False: [{} for _ in range(width)], True: [{} for _ in range(width)]}
        nums: list[list[float]] = [[] for _ in range(width)]  # the fast path's numbers
        num_add = [x.append for x in nums]
        num = self._num
        # a number's width in column characters, as _measure computes it (figures, slack, pad)
        digit_w = st.DIGIT_PX * NUM_SLACK / st.PX_PER_CHAR
        pad_w = st.CELL_PAD_PX / st.PX_PER_CHAR
        block = None
        for i, values in enumerate(rows):
            if subheads and i in subheads:
                if block is not None:
                    self._blocks.append((block, r - 1, False))
                block = r
                self.put(r, col, values[0], "text", font=st.SUBHEAD_FONT, fill=st.SUBHEAD_FILL,
                         border=True, measure=False, align="wrap")
                self._spans.append((r, col, col + width - 1, str(values[0]), st.BODY_SIZE,
                                    True))
                r += 1
                continue
            total = bool(total_rows and i in total_rows)
            font = st.BOLD_FONT if total else None
            fill = st.TOTAL_FILL if total else None
            # the row's cells, one per column in order: kept as one chunk (its XML, its width)
            # under the first column (see write_xml); a cell written into it later splits it
            # (see put)
            parts: list[str] = []
            add = parts.append
            line = cells.get(r)
            if line is None:
                line = cells[r] = {}
            elif any(col <= c < col + width for c in line):
                for c in [c for c in line if col <= c < col + width]:
                    del line[c]
            n = len(values)
            if n != width:
                values = list(values[:width]) + [None] * (width - n)
            ftail = auto_tail[total]
            ttail = text_tail[total]
            etail = empty_tail[total]
            rs = str(r)
            for j, x in enumerate(values):
                if type(x) is float and auto[j] and x - x == 0:  # finite: the fast path
                    a = x if x >= 0 else -x  # st.auto_format, inline
                    if a >= 1000:
                        fmt = "#,##0"
                    elif a >= 1:
                        fmt = "#,##0.00"
                    elif a >= 1e-2:
                        fmt = "0.0000"
                    elif a == 0:
                        fmt = "0"
                    else:
                        fmt = st.small_format(a)
                    tail = ftail.get(fmt)
                    if tail is None:
                        sid = book.style(font, fill, True, "top", fmt, False)
                        tail = ftail[fmt] = f'" s="{sid}"><v>'
                    add(f'{pre[j]}{rs}{tail}{x!r}</v></c>')
                    num_add[j](x)  # the widest number is measured once, after the loop
                    continue
                if x is None:  # an empty cell still carries the table's border
                    tail = etail[j]
                    if tail is None:
                        text_col = kinds[j] in ("text", "wrap")
                        key = (None, total, False, text_col)
                        sid = looks.get(key)
                        if sid is None:
                            sid = looks[key] = book.style(font, fill, True, "wrap", None, False)
                        tail = etail[j] = f'" s="{sid}"/>'
                    add(f'{pre[j]}{rs}{tail}')
                    continue
                if type(x) is str:  # text: written and measured once per table, column, look
                    ent = ttail[j].get(x)
                    if ent is None:
                        ent = ttail[j][x] = self._table_text(col + j, x, total, font, fill,
                                                             looks)
                    add(f'{pre[j]}{rs}{ent[0]}')
                    ent[1].append(r)  # its rows: the row height is worked out once per text
                    continue
                c = col + j
                kind = kinds[j]
                v, fmt, shown = st.encode(x, kind)
                text = fmt is None
                quote = text and v is not None and v.startswith(st.FORMULA_LEAD)
                key = (fmt, total, quote, kind in ("text", "wrap"))
                sid = looks.get(key)
                if sid is None:
                    align = "wrap" if text else ("top_left" if kind in ("text", "wrap")
                                                 else "top")
                    sid = looks[key] = book.style(font, fill, True, align, fmt, quote)
                # an empty cell still carries the table's border
                add(_cell_xml(c, r, v, sid, book))
                if v is not None:
                    measure(r, c, shown, "text" if text else "num", font)
            line[col] = ("".join(parts), width)  # one string per row: a cell's object costs more
            r += 1
        if block is not None:  # a block per subheading: heading and rows on one page
            self._blocks.append((block, r - 1, False))
        for j, xs in enumerate(nums):
            if not xs:
                continue
            c = col + j
            w = _widest_auto(xs) * digit_w + pad_w
            if w > num.get(c, 0.0):
                num[c] = w
        if col + width - 1 > self._xml_cols:
            self._xml_cols = col + width - 1
        first, last = hdr + 1, r - 1
        # a table's header (and the heading right above it) never ends a page: it keeps its
        # first rows with it, whatever font the reader's program draws
        head = hdr - 1 if hdr - 1 in self._headings else hdr
        self._blocks.append((head, min(last, hdr + KEEP_HEAD_ROWS), False))
        self.tables.append((hdr, first, last))
        self._repeat.append(repeat)
        self.row = r + 1
        return hdr, first, last

    def _table_text(self, c: int, x: str, total: bool, font, fill,
                    looks: dict) -> tuple[str, list[int]]:
        """A table's text cell, the first time it appears in column ``c``: (the end of its XML
        after the reference, the list of its rows in that column); measured here, once."""
        v = st.clean_text(x)
        quote = v.startswith(st.FORMULA_LEAD)
        key = (None, total, quote, True)
        sid = looks.get(key)
        if sid is None:
            sid = looks[key] = self.book.style(font, fill, True, "wrap", None, quote)
        size = st.BODY_SIZE
        w, word = _text_dims(v, size, total)
        if w > self._text.get(c, 0.0):
            self._text[c] = w
        if word > self._word.get(c, 0.0):
            self._word[c] = word
        rows = self._tcells.setdefault(c, {}).setdefault((v, size, total), [])
        return f'" s="{sid}" t="s"><v>{self.book.string(v)}</v></c>', rows

    def keep_together(self, start: int, end: int | None = None,
                      break_before: bool = False) -> None:
        """Rows ``start``…``end`` (default: up to the cursor) print on one page when they fit
        on one; ``break_before`` always starts them on a new page."""
        end = self.row - 1 if end is None else end
        if end >= start:
            self._blocks.append((start, end, break_before))

    def chart(self, chart: ChartBase, *, width_cm: float, height_cm: float,
              col: int = 1, new_page: bool = True) -> int:
        """Place ``chart`` at the cursor, on a new page (``new_page``), never taller than a
        page; the rows it covers are reserved. Returns the first row after it."""
        height_cm = min(height_cm, CHART_MAX_H_CM)
        chart.width, chart.height = width_cm, height_cm
        n = math.ceil(height_cm * 28.35 / st.LINE_PT) + 1
        start = self.row
        for r in range(start, start + n):
            self.heights[r] = st.LINE_PT
        self.ws.add_chart(chart, f"{get_column_letter(col)}{start}")
        self.row = start + n
        self._blocks.append((start, start + n - 1, new_page))
        return self.row

    # ---- finishing ----------------------------------------------------------------------
    def _widths(self) -> dict[int, float]:
        want: dict[int, float] = {}
        least: dict[int, float] = {}
        self.max_col = max([self.max_col, *self.fixed])
        for c in range(1, self.max_col + 1):
            if c in self.fixed:
                want[c] = least[c] = self.fixed[c]
                continue
            cap = self.col_cap.get(c, self.max_text)
            num = self._num.get(c, 0.0)
            hdr = self._hdr_word.get(c, 0.0)
            text = min(cap, self._text.get(c, 0.0))
            word = min(cap, MIN_TEXT_WIDTH, self._word.get(c, 0.0))
            want[c] = max(MIN_WIDTH, num, hdr, text)
            least[c] = max(MIN_WIDTH, num, hdr, word)
        total = sum(want.values())
        if total < BUDGET_CHARS:  # room left: wrapped text columns take it, fewer lines
            full = {c: max(want[c], min(self._text.get(c, 0.0),
                                        max(GROW_MAX, self.col_cap.get(c, self.max_text))))
                    for c in want if c not in self.fixed}
            room = sum(full[c] - want[c] for c in full)
            if room > 0:
                give = min(room, BUDGET_CHARS - total)
                for c in full:
                    want[c] += (full[c] - want[c]) * give / room
            total = sum(want.values())
        if total > BUDGET_CHARS:  # wrap text columns more, in proportion to what they can give
            room = sum(want[c] - least[c] for c in want)
            cut = min(room, total - BUDGET_CHARS)
            if room > 0:
                for c in want:
                    want[c] -= (want[c] - least[c]) * cut / room
        return {c: round(w, 1) for c, w in want.items()}

    def finish(self) -> None:
        ws = self.ws
        widths = self._widths()
        if self._spans and sum(widths.values()) < PARAGRAPH_MIN:
            # a sheet of a few narrow columns still gives its paragraphs a readable width
            c = max(widths, key=lambda k: (self._text.get(k, 0.0), -k))
            widths[c] += PARAGRAPH_MIN - sum(widths.values())
        for c, w in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = w
        total_w = sum(widths.values())
        self.scale = min(1.0, PRINT_W_PT / (total_w * st.PT_PER_CHAR)) \
            if total_w and not self.print_across else 1.0
        width = lambda c: widths.get(c, MIN_WIDTH)  # noqa: E731

        heights: dict[int, float] = {}
        line_h = st.line_pt(st.BODY_SIZE)
        for c, texts in self._tcells.items():
            w = width(c)
            for (text, size, bold), rows in texts.items():
                # most texts fit on one line, the row's default height: measured once per text
                if _text_dims(text, size, bold)[0] <= w and size <= st.BODY_SIZE:
                    continue
                h = _wrap_lines(text, w, size, bold) * st.line_pt(size)
                if h <= line_h:
                    continue
                for r in rows:
                    if h > heights.get(r, 0.0):
                        heights[r] = h
        for r, cells in self._wrapped.items():
            h = 0.0
            for c, _, text, size, bold in cells:
                w = width(c)
                # most cells fit on one line: measured once, wrapped only when they do not
                lines = 1 if _text_dims(text, size, bold)[0] <= w else \
                    _wrap_lines(text, w, size, bold)
                h = max(h, lines * st.line_pt(size))
            heights[r] = max(heights.get(r, 0.0), h)
        merged = self.ws.merged_cells
        for r, c1, c2, text, size, bold in self._spans:
            c2 = c2 or max(self.max_col, c1)
            if c2 > c1:
                merged.add(CellRange(min_col=c1, min_row=r, max_col=c2, max_row=r))
            w = sum(width(c) for c in range(c1, c2 + 1))
            h = _wrap_lines(text, w, size, bold) * st.line_pt(size)
            heights[r] = max(heights.get(r, 0.0), h)
        for r, h in heights.items():
            if h > st.LINE_PT + 0.5:  # one line of 11 pt fits the default row height
                self.heights[r] = max(self.heights.get(r, 0.0), round(h + 3, 1))

        repeat = len(self.tables) == 1 and self._repeat[0]
        ps = ws.page_setup
        ps.orientation = "portrait" if self.one_page else "landscape"
        ps.paperSize = ws.PAPERSIZE_A4
        if self.one_page:  # one page wide and one page tall, no manual break
            ps.fitToWidth = ps.fitToHeight = 1
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            repeat = False
            self._blocks = []
        elif self.print_across:
            ps.scale = 100
            ws.sheet_properties.pageSetUpPr.fitToPage = False
        else:
            ps.fitToWidth = 1
            ps.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        m = ws.page_margins
        m.left = m.right = MARGIN_LR_IN
        m.top = m.bottom = MARGIN_TB_IN
        m.header = m.footer = HF_IN
        ws.oddFooter.center.text = "&A – page &P of &N"
        ws.oddFooter.center.font = f"{st.FONT_NAME},Regular"
        ws.oddFooter.center.size = 11  # scaled with the sheet, like the cells
        title_h = 0.0
        if repeat:
            hdr = self.tables[0][0]
            ws.print_title_rows = f"{hdr}:{hdr}"
            ws.freeze_panes = f"A{hdr + 1}"
            title_h = self.heights.get(hdr, st.LINE_PT)
        self._page_breaks(title_h)

    def _page_breaks(self, title_h: float) -> None:
        """Manual breaks before blocks that would cross the bottom of a page, estimated from
        the row heights at the sheet's print scale, and where a page is estimated full: the
        printed pages end where this estimate ends them, not where a program's own breaks fall
        (with a font wider than Calibri the sheet prints smaller, a page holds more, and a
        break of the program's own could leave a header at the bottom of a page)."""
        if not self._blocks:
            return
        ws = self.ws
        page = PRINT_H_PT / self.scale
        starts: dict[int, tuple[int, bool]] = {}
        for s, e, bb in sorted(self._blocks):  # blocks starting on one row: the longest
            e0, bb0 = starts.get(s, (e, bb))
            starts[s] = (max(e, e0), bb or bb0)
        last = max(max(self.cells, default=1), max(e for _, e, _ in self._blocks))
        get, line = self.heights.get, st.LINE_PT
        hs = [0.0] + [get(r, line) for r in range(1, last + 1)]   # hs[r]: row r's height
        acc = list(itertools.accumulate(hs))                      # acc[r]: rows 1…r
        fill = 0.0
        for r in range(1, last + 1):
            if r in starts:
                e, bb = starts[r]
                bh = acc[e] - acc[r - 1]
                if bh > page - title_h:  # a block longer than a page: keep its head together
                    bh = acc[min(e, r + KEEP_HEAD_ROWS)] - acc[r - 1]
                if fill > title_h and (bb or fill + bh > page):
                    ws.row_breaks.append(Break(id=r - 1))
                    fill = title_h
            h = hs[r]
            if fill + h > page:
                if r > 1 and fill > title_h:
                    ws.row_breaks.append(Break(id=r - 1))
                fill = title_h
            fill += h

    # ---- the cells as XML ---------------------------------------------------------------
    def dimension(self) -> str:
        """The reference of the cells' bounding box (the worksheet's ``<dimension>``)."""
        last = max(max(self.cells, default=1), max(self.heights, default=1))
        return f"A1:{get_column_letter(self._xml_cols)}{last}"

    def write_xml(self, write, chunk: int = 1 << 16) -> None:
        """Write this sheet's ``<sheetData>`` element (its rows and cells) as UTF-8 through
        ``write`` in pieces of about ``chunk`` characters, and free the cells as they go: the
        whole sheet is never one string in memory."""
        rows = sorted(set(self.cells) | set(self.heights))
        cells, heights = self.cells, self.heights
        out: list[str] = ["<sheetData>"]
        add = out.append
        size = 0
        for r in rows:
            h = heights.get(r)
            head = f'<row r="{r}" ht="{h:g}" customHeight="1">' if h else f'<row r="{r}">'
            line = cells.pop(r, None)
            if not line:
                body = ""
            elif len(line) == 1:  # most rows: one table row's chunk
                for x in line.values():
                    body = x[0] if type(x) is tuple else x
            else:
                body = "".join(x[0] if type(x) is tuple else x
                               for _, x in sorted(line.items()))
            add(head)
            add(body)
            add("</row>")
            size += len(body) + 40
            if size >= chunk:
                write("".join(out).encode("utf-8"))
                out.clear()
                size = 0
        add("</sheetData>")
        write("".join(out).encode("utf-8"))

    def sheet_xml(self) -> tuple[str, str]:
        """(``<sheetData>`` element, dimension reference) as strings (for tests; the report
        streams :meth:`write_xml`)."""
        dim = self.dimension()
        parts: list[bytes] = []
        self.write_xml(parts.append)
        return b"".join(parts).decode("utf-8"), dim
