"""Shared looks of the report: one named font (Calibri) everywhere, its character widths, number
formats, and :func:`put`, the only function that writes a value into a cell.

Every :class:`~openpyxl.styles.Font` of the report names ``FONT_NAME``: a font without a name
is drawn in whatever the reader's default is (LibreOffice: DejaVu Serif, far wider than the
Calibri the column widths are computed for). Widths come from Calibri's own advance widths
(:mod:`._metrics`); LibreOffice without Calibri draws it in the metric-compatible Carlito.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from functools import lru_cache
from itertools import repeat
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from ecolca.report import _metrics

FONT_NAME = "Calibri"
BODY_SIZE = 11.0


def font(size: float = BODY_SIZE, *, bold: bool = False, italic: bool = False,
         color: str | None = None) -> Font:
    """A report font: always named, so no reader draws it in a fallback."""
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, color=color)


BODY_FONT = font()
BOLD_FONT = font(bold=True)
HEADER_FONT = font(bold=True, color="FFFFFF")
TITLE_FONT = font(14, bold=True, color="2F5D50")
SECTION_FONT = font(12, bold=True, color="2F5D50")
SUBHEAD_FONT = font(bold=True, color="2F5D50")
NOTE_FONT = font(italic=True, color="555555")
WARN_FONT = font(bold=True, color="9C0006")
ALERT_FONT = font(bold=True, color="B03A2E")

HEADER_FILL = PatternFill("solid", fgColor="2F5D50")
TOTAL_FILL = PatternFill("solid", fgColor="E2EFDA")
SUBHEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_TOP_RIGHT = Alignment(wrap_text=True, vertical="top", horizontal="right")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")

# ---- measuring text in Calibri ------------------------------------------------------------
PX_PER_CHAR = 7.0          # Excel's column width unit: the digit width of Calibri 11 at 96 dpi
PT_PER_CHAR = PX_PER_CHAR * 0.75
CELL_PAD_PX = 7.0          # left + right inner margin of a cell, and rounding
DIGIT_PX = 1038 / 2048 * BODY_SIZE * 96 / 72   # every figure of Calibri 11 is this wide
LINE_PT = 15.0             # height of one line of Calibri 11 (Excel's default row height)
WRAP_PAD_PX = 5.0          # what a wrapped cell keeps free of text, both sides together


@lru_cache(maxsize=65536)
def text_px(text: str, size: float = BODY_SIZE, bold: bool = False) -> float:
    """Width of ``text`` on one line, in pixels at 96 dpi."""
    table = _metrics.BOLD if bold else _metrics.REGULAR
    units = sum(map(table.get, text, repeat(_metrics.DEFAULT)))  # whole units: exact sums
    return units / _metrics.UNITS_PER_EM * size * 96 / 72


def width_chars(px: float) -> float:
    """The column width (Excel characters) that shows ``px`` pixels of text."""
    return (px + CELL_PAD_PX) / PX_PER_CHAR


def wrap_lines(text: str, col_chars: float, size: float = BODY_SIZE,
               bold: bool = False) -> int:
    """How many lines ``text`` takes when wrapped in a column ``col_chars`` wide (greedy, at
    spaces; a word longer than the line breaks inside, as spreadsheets do)."""
    avail = max(8.0, col_chars * PX_PER_CHAR - WRAP_PAD_PX)
    space = text_px(" ", size, bold)
    n = 0
    for para in str(text).split("\n"):
        lines, cur = 1, 0.0
        for word in para.split(" "):
            w = text_px(word, size, bold)
            if cur and cur + space + w <= avail:
                cur += space + w
                continue
            if cur:
                lines += 1
            if w > avail:
                lines += int(w // avail)
                w = w % avail
            cur = w
        n += lines
    return n


def line_pt(size: float = BODY_SIZE) -> float:
    return LINE_PT * size / BODY_SIZE


# ---- values -------------------------------------------------------------------------------
FORMULA_LEAD = ("=", "+", "-", "@")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_MAX_TEXT = 32767
# a value below this share of its row's scale is rounding noise (e.g. 3.7E-11 left of two
# cancelling terms of 1E+06) and is shown as 0
NOISE_RTOL = 1e-9
_INF = float("inf")


def finite(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def denoise(values: list[Any], scale: float | None = None,
            rtol: float = NOISE_RTOL) -> list[Any]:
    """``values`` with every number below ``rtol`` × ``scale`` set to 0.0; ``scale`` defaults to
    the largest magnitude among them. Text, None and non-finite values pass unchanged."""
    s = 0.0
    if scale is not None:
        sc = finite(scale)
        s = abs(sc) if sc is not None else 0.0
    for v in values:
        if type(v) is float or (isinstance(v, (int, float)) and not isinstance(v, bool)):
            a = abs(v)
            if s < a < _INF:
                s = a
    if s == 0:
        return list(values)
    lim = rtol * s
    return [0.0 if (type(v) is float or isinstance(v, (int, float)) and not isinstance(v, bool))
            and 0 < abs(v) < lim else v for v in values]


def denoise_columns(columns: list[list[float]], scale: float,
                    rtol: float = NOISE_RTOL) -> list[list[float]]:
    """:func:`denoise` of every row of a table given as columns of floats (NaN for none), all
    rows at once: each row's scale is the largest of ``scale`` and its own values."""
    import numpy as np

    if not columns or not len(columns[0]):
        return [list(c) for c in columns]
    a = np.array(columns, dtype=float)
    finite_abs = np.where(np.isfinite(a), np.abs(a), 0.0)
    row_scale = np.maximum(finite_abs.max(axis=0), abs(finite(scale) or 0.0))
    a = np.where((finite_abs > 0) & (finite_abs < rtol * row_scale), 0.0, a)
    return [[None if v != v else v for v in col] for col in a.tolist()]


def auto_format(v: float) -> str:
    """A number format chosen by magnitude, for inputs and raw data (results go through
    :mod:`ecolca.report.scaled`): grouped digits for large values, a few decimals for ordinary
    ones, and for small ones the decimals that show 3 significant figures; never E-notation
    (docs/report.md, "Numbers")."""
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1000:
        return "#,##0"
    if a >= 1:
        return "#,##0.00"
    if a >= 1e-2:
        return "0.0000"
    return small_format(a)


@lru_cache(maxsize=64)
def _small_format(decimals: int) -> str:
    return "0." + "0" * decimals


def small_format(a: float) -> str:
    """The format of a magnitude below 0.01: the decimals of 3 significant figures (at most
    30, a spreadsheet's limit)."""
    return _small_format(min(30, 2 - math.floor(math.log10(a))))


def money_format(f: float) -> str:
    """Grouped units from 1,000, else cents; below a cent, 3 significant figures (a cost per
    avoided kg of 0.0004 is not 0.00)."""
    a = abs(f)
    return "#,##0" if a >= 1000 else "#,##0.00" if a >= 0.01 or a == 0 else small_format(a)


class Shown:
    """A number with the format it is shown in, chosen by the caller (a result scaled by the
    number policy, :mod:`ecolca.report.scaled`): ``value`` is stored, ``fmt`` is the cell's
    number format and ``text`` what the cell shows (to measure it)."""

    __slots__ = ("value", "fmt", "text")

    def __init__(self, value: float, fmt: str, text: str):
        self.value, self.fmt, self.text = value, fmt, text

    def __repr__(self) -> str:
        return f"Shown({self.value!r}, {self.fmt!r}, {self.text!r})"


_GROUPED = re.compile(r"^#,##0(?:\.(0+))?(,*)$")


def formatted(v: float, fmt: str) -> str:
    """Roughly the text a spreadsheet shows for ``v`` in format ``fmt`` (to measure it)."""
    g = _GROUPED.match(fmt)
    if g:  # "#,##0.000,,,": grouped, 3 decimals, shown in billions (each trailing , is /1000)
        d, k = len(g.group(1) or ""), len(g.group(2))
        s = f"{v / 1000.0 ** k:,.{d}f}"
        if float(s.replace(",", "")) == 0:
            s = s.lstrip("-")
    elif fmt.startswith("0.") and set(fmt[2:]) == {"0"}:
        s = f"{v:.{len(fmt) - 2}f}"
    elif fmt == "0.00E+00":
        s = f"{v:.2E}"
    elif fmt == "#,##0":
        s = f"{v:,.0f}"
    elif fmt == "0":
        s = f"{v:.0f}"
    elif fmt == "0.0%":
        s = f"{100 * v:.1f}%"
    elif fmt == "0.0":
        s = f"{v:.1f}"
    elif fmt == "0.0000":
        s = f"{v:.4f}"
    elif fmt == "0.0E+0":
        s = f"{v:.1E}".replace("E+0", "E+").replace("E-0", "E-")
    else:
        s = f"{v:,.2f}"
    return s


def clean_text(value: Any) -> str:
    s = value if isinstance(value, str) else str(value)
    if _ILLEGAL.search(s):
        s = _ILLEGAL.sub(" ", s)
    if len(s) > _EXCEL_MAX_TEXT:
        s = s[: _EXCEL_MAX_TEXT - 1] + "…"
    return s


def encode(value: Any, kind: str = "auto") -> tuple[Any, str | None, str | None]:
    """What a cell stores and shows: (stored value: a number, a string or None; number format
    or None for text; the text as displayed, for measuring). Same rules as :func:`put`."""
    if value is None:
        return None, None, None
    t = type(value)
    if t is Shown:
        return value.value, value.fmt, value.text
    if t is str:
        text = clean_text(value)
        return text, None, text
    if t is float and kind == "auto":  # the common case, fast
        if value != value or value in (_INF, -_INF):
            return None, None, None
        fmt = auto_format(value)
        return value, fmt, formatted(value, fmt)
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, numbers.Real):  # numpy's too
        if isinstance(value, numbers.Integral):
            value = int(value)
        f = finite(value)
        if f is None:
            return None, None, None
        if kind == "int" and float(f).is_integer():
            fmt = "0" if abs(f) < 10000 else "#,##0"
            return int(f), fmt, formatted(f, fmt)
        if kind == "pct":
            fmt = "0.0"
        elif kind == "prob":
            fmt = "0.0%"
        elif kind == "money":
            fmt = money_format(f)
        elif kind == "sci":
            fmt = "0.00E+00" if f != 0 else "0"
        elif kind == "sci2":  # two significant figures: chart axis labels
            fmt = "0.0E+0" if f != 0 else "0"
        elif isinstance(value, int):
            fmt = "0" if abs(value) < 10000 else "#,##0"
        else:
            fmt = auto_format(f)
        return (f if isinstance(value, float) else value), fmt, formatted(f, fmt)
    if isinstance(value, (_dt.datetime, _dt.date)):
        value = value.isoformat()
    text = clean_text(value)
    return text, None, text


def put(cell: Cell, value: Any, kind: str = "auto") -> tuple[str | None, str | None]:
    """Write one cell; the only place the report writes a value. Returns what it shows, for
    measuring: (``text`` as displayed or None for an empty cell, ``"num"`` or ``"text"``).

    ``kind``: ``auto`` (number, format by magnitude), ``int``, ``pct`` (value already in %),
    ``prob`` (a fraction shown as %), ``money``, ``sci`` (always scientific), ``text``,
    ``wrap`` (wrapped text).

    Text is always stored as a string: text beginning with ``=``, ``+``, ``-`` or ``@`` gets
    data type ``s`` and the quote-prefix style, so no spreadsheet reads it as a formula.
    """
    if value is None:
        cell.value = None
        return None, None
    if type(value) is Shown:
        cell.value = value.value
        cell.number_format = value.fmt
        return value.text, "num"
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, (int, float)):  # numbers stay numbers, whatever the column
        f = finite(value)
        if f is None:  # nan / inf: an empty cell, never the string "nan"
            cell.value = None
            return None, None
        if kind == "int" and float(f).is_integer():
            cell.value = int(f)
            cell.number_format = "0" if abs(f) < 10000 else "#,##0"
            return formatted(f, cell.number_format), "num"
        if kind == "pct":
            fmt = "0.0"
        elif kind == "prob":
            fmt = "0.0%"
        elif kind == "money":
            fmt = money_format(f)
        elif kind == "sci":
            fmt = "0.00E+00" if f != 0 else "0"
        elif kind == "sci2":  # two significant figures: chart axis labels
            fmt = "0.0E+0" if f != 0 else "0"
        elif isinstance(value, int):  # counts, years, seeds: no decimals
            fmt = "0" if abs(value) < 10000 else "#,##0"
        else:
            fmt = auto_format(f)
        cell.value = f if isinstance(value, float) else value
        cell.number_format = fmt
        return formatted(f, fmt), "num"
    if isinstance(value, (_dt.datetime, _dt.date)):
        value = value.isoformat()
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever it starts with
    if text.startswith(FORMULA_LEAD):
        cell.quotePrefix = True
    return text, "text"
