"""The Excel report of a comparison (methodology.md §3 results, §5 what every report states).

``write_report(results, scenario, path)`` renders a :class:`~ecolca.results.Results` and the
:class:`~ecolca.model.Scenario` it was computed from into one ``.xlsx`` workbook:

1. Summary       headline per method, the two configurations, costs, a native bar chart
2. Scenario      every input: metadata, sites, flows, exchanges
3. Impacts       all methods, L, S, Δ, Δ %, cost per avoided unit
4. Exchanges     the four parts of Δ_e per exchange and method, Σ Δ_e check, stacked chart
5. Sites         per-site figures under the scenario's key, then under every key (labelled)
6. Economics     per-site annual cost L and S, totals, cost per avoided unit
7. Inventory     key elementary flows
8. Uncertainty   paired Monte Carlo statistics (only when there are any)
9. Methods & data  functional unit, metadata, sources and assumptions

Rules kept everywhere: numbers are stored as numbers (``None`` and non-finite values as empty
cells), units sit in headers or in a Unit column, user text is never interpreted as a formula
(one helper, :func:`_put`, writes every cell), and the file is produced in memory and written
atomically, so a failed write leaves no partial file and the previous report intact.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import math
import os
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ecolca import __version__
from ecolca.errors import ReportError
from ecolca.model import Exchange, Scenario, Uncertainty
from ecolca.results import Results, method_label
from ecolca.scenario_file import atomic_write_bytes

__all__ = ["write_report", "SHEET_NAMES", "KEY_LABELS"]

SHEET_NAMES = (
    "Summary", "Scenario", "Impacts", "Exchanges", "Sites", "Economics", "Inventory",
    "Uncertainty", "Methods & data",
)

LINEAR_DEFINITION = (
    "Linear (L): every site buys all its supplies from the market and sends every residue to "
    "its linear fate."
)
SYMBIOTIC_DEFINITION = (
    "Symbiotic (S): as L, but residues replace supplies through the exchanges: the supplier's "
    "residue sent to its fate falls by q, the receiver's purchased supply falls by r·q, and "
    "transport and processing are added."
)

KEY_LABELS = {
    "physical": "physical (each site's own flows; transport/processing to the payer)",
    "50/50": "50/50 per exchange",
    "economic": "by each partner's economic gain (in proportion when both gain, all to the one "
                "that gains, else 50/50; a missing price counts as 0)",
    "receiver": "all to the receiver (cut-off: residue arrives burden-free)",
    "supplier": "all to the supplier (avoided-burden credit)",
}

# ---- styles -------------------------------------------------------------------------------
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="2F5D50")
_TOTAL_FILL = PatternFill("solid", fgColor="E2EFDA")
_BOLD_FONT = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14, color="2F5D50")
_SECTION_FONT = Font(bold=True, size=12, color="2F5D50")
_NOTE_FONT = Font(italic=True, color="555555")
_WARN_FONT = Font(bold=True, color="9C0006")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")

_MAX_TEXT_WIDTH = 45  # characters; longer text wraps
_MAX_NUM_WIDTH = 18
_MIN_WIDTH = 7
_LINE_HEIGHT = 15.0  # points per text line (Calibri 11)
_FORMULA_LEAD = ("=", "+", "-", "@")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_MAX_TEXT = 32767


# ---- values -------------------------------------------------------------------------------
def _finite(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _auto_format(v: float) -> str:
    """A number format chosen by magnitude: thousands separators for large values, a few
    decimals for ordinary ones, scientific for very small or very large ones (e.g. CTUh)."""
    a = abs(v)
    if a == 0:
        return "0.00"
    if a >= 1e10 or a < 1e-2:
        return "0.00E+00"
    if a >= 1000:
        return "#,##0"
    if a >= 1:
        return "#,##0.00"
    return "0.0000"


def _display_len(v: float, fmt: str) -> int:
    """Roughly how many characters the formatted number takes."""
    if fmt == "0.00E+00":
        s = f"{v:.2E}"
    elif fmt in ("#,##0", "0"):
        s = f"{v:,.0f}" if fmt == "#,##0" else f"{v:.0f}"
    elif fmt == "0.0%":
        s = f"{100 * v:.1f}%"
    elif fmt == "0.0":
        s = f"{v:.1f}"
    elif fmt == "0.0000":
        s = f"{v:.4f}"
    else:
        s = f"{v:,.2f}"
    return len(s)


def _clean_text(value: Any) -> str:
    s = value if isinstance(value, str) else str(value)
    s = _ILLEGAL.sub(" ", s)
    if len(s) > _EXCEL_MAX_TEXT:
        s = s[: _EXCEL_MAX_TEXT - 1] + "…"
    return s


def _put(cell: Cell, value: Any, kind: str = "auto") -> int:
    """Write one cell; the only place the report writes a value. Returns its display width.

    ``kind``: ``auto`` (number, format by magnitude), ``int``, ``pct`` (value already in %),
    ``prob`` (a fraction shown as %), ``money``, ``text`` (always text), ``wrap`` (wrapped text).

    Text is always stored as a string: text beginning with ``=``, ``+``, ``-`` or ``@`` gets
    data type ``s`` and the quote-prefix style, so no spreadsheet reads it as a formula.
    """
    if value is None:
        cell.value = None
        return 0
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, (int, float)):  # numbers stay numbers, whatever the column
        f = _finite(value)
        if f is None:  # nan / inf: an empty cell, never the string "nan"
            cell.value = None
            return 0
        if kind == "int" and float(f).is_integer():
            cell.value = int(f)
            cell.number_format = "0"
            return len(str(int(f)))
        if kind == "pct":
            fmt = "0.0"
        elif kind == "prob":
            fmt = "0.0%"
        elif kind == "money":
            fmt = "#,##0" if abs(f) >= 1000 else "#,##0.00"
        elif isinstance(value, int):  # counts, years, seeds: no decimals
            fmt = "0" if abs(value) < 10000 else "#,##0"
        else:
            fmt = _auto_format(f)
        if kind in ("wrap", "text"):
            cell.alignment = Alignment(horizontal="left", vertical="top")
        cell.value = f if isinstance(value, float) else value
        cell.number_format = fmt
        return _display_len(f, fmt)
    if isinstance(value, (_dt.datetime, _dt.date)):
        value = value.isoformat()
    text = _clean_text(value)
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever it starts with
    if text.startswith(_FORMULA_LEAD):
        cell.quotePrefix = True
    if kind == "wrap" or (kind != "title" and (len(text) > _MAX_TEXT_WIDTH or "\n" in text)):
        cell.alignment = _WRAP_TOP
    return max((len(line) for line in text.split("\n")), default=0)


# ---- a sheet with a write cursor, width tracking and deferred row heights ----------------
class _Sheet:
    def __init__(self, ws: Worksheet, title: str, max_text: int = _MAX_TEXT_WIDTH):
        self.ws = ws
        self.max_text = max_text
        ws.title = title
        self.row = 1
        self.widths: dict[int, float] = {}
        self.wrapped: dict[int, float] = {}  # column -> longest wrapped-text width wanted
        self.max_col = 1
        self.paragraphs: list[tuple[int, int, int, str]] = []  # row, c1, c2, text
        self.headers: list[tuple[int, list[str]]] = []  # header rows to size
        self.table_rows: list[int] = []  # rows whose wrapped cells need height
        self.freeze: str | None = None
        self.repeat_header = True  # repeat the main table header on printed pages
        self._styles: dict = {}  # (style array after writing, total row) -> final style array

    # width bookkeeping
    def _want(self, col: int, width: int, text: bool = False) -> None:
        self.max_col = max(self.max_col, col)
        cap = self.max_text if text else _MAX_NUM_WIDTH
        w = min(width + 2, cap)
        self.widths[col] = max(self.widths.get(col, _MIN_WIDTH), w)

    def put(self, row: int, col: int, value: Any, kind: str = "auto", *, count: bool = True,
            font: Font | None = None, fill: PatternFill | None = None, border: bool = False) -> Cell:
        cell = self.ws.cell(row=row, column=col)
        w = _put(cell, value, kind)
        if count and value is not None:
            self._want(col, w, text=isinstance(value, str) or kind in ("text", "wrap"))
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if border:
            cell.border = _BORDER
        return cell

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.put(self.row, 1, text, "title", count=False, font=_TITLE_FONT)
        self.ws.row_dimensions[self.row].height = 22
        self.row += 1
        if subtitle:
            self.paragraph(subtitle, font=_NOTE_FONT)
        self.row += 1

    def section(self, text: str) -> None:
        self.put(self.row, 1, text, "title", count=False, font=_SECTION_FONT)
        self.ws.row_dimensions[self.row].height = 18
        self.row += 1

    def paragraph(self, text: str, *, span: int | None = None, font: Font | None = None,
                  col: int = 1) -> None:
        """Long text merged across columns ``col``..``span`` (default: the sheet's width) and
        wrapped; its height is set once the column widths are known."""
        self.put(self.row, col, text, "wrap", count=False, font=font)
        self.paragraphs.append((self.row, col, span or 0, text))
        self.row += 1

    def pairs(self, items: Iterable[tuple[str, Any]], kind: str = "auto",
              value_span: int | None = None) -> None:
        """Label/value lines: label bold in column A, value in B (long values merged to the
        right and wrapped)."""
        for label, value in items:
            self.put(self.row, 1, label, "text", font=Font(bold=True)).alignment = Alignment(
                vertical="top")
            if isinstance(value, str) and len(value) > 30:
                self.paragraph(value, span=value_span, col=2)
                continue
            self.put(self.row, 2, value, "int" if isinstance(value, int) else kind,
                     count=not isinstance(value, str) or len(value) <= 30)
            self.row += 1

    def table(self, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]], *,
              freeze: bool = False, total_rows: set[int] | None = None,
              col: int = 1) -> tuple[int, int, int]:
        """A header row (bold, filled, wrapped) and data rows. ``columns``: (header, kind).
        Returns (header row, first data row, last data row)."""
        hdr = self.row
        for j, (name, _) in enumerate(columns):
            self.put(hdr, col + j, name, "text", count=False, font=_HEADER_FONT,
                     fill=_HEADER_FILL, border=True).alignment = _HEADER_ALIGN
            longest_word = max((len(w) for w in name.split()), default=0)
            self._want(col + j, max(min(len(name), 14), longest_word),
                       text=columns[j][1] in ("text", "wrap"))
        self.headers.append((hdr, [c[0] for c in columns], col))
        if freeze and self.freeze is None:
            self.freeze = f"A{hdr + 1}"
        r = hdr + 1
        for i, values in enumerate(rows):
            total = bool(total_rows and i in total_rows)
            for j, (_, kind) in enumerate(columns):
                v = values[j] if j < len(values) else None
                c = self.ws.cell(row=r, column=col + j)
                w = _put(c, v, kind)
                if v is not None:
                    self._want(col + j, w, text=isinstance(v, str) or kind in ("text", "wrap"))
                # openpyxl re-hashes a style object on every assignment; a table has thousands of
                # cells of a few looks, so each look is styled once and its style array reused
                key = (tuple(c._style) if c._style is not None else (), total)
                style = self._styles.get(key)
                if style is None:
                    if total:
                        c.font = _BOLD_FONT
                        c.fill = _TOTAL_FILL
                    c.border = _BORDER
                    if not c.alignment.wrap_text:
                        c.alignment = Alignment(vertical="top", horizontal=c.alignment.horizontal)
                    self._styles[key] = copy.copy(c._style)
                else:
                    c._style = copy.copy(style)
            self.table_rows.append(r)
            r += 1
        first, last = hdr + 1, r - 1
        self.row = r + 1
        return hdr, first, last

    # finishing: widths, heights, merges, print settings
    def finish(self, landscape: bool = True) -> None:
        ws = self.ws
        for c in range(1, self.max_col + 1):
            ws.column_dimensions[get_column_letter(c)].width = self.widths.get(c, _MIN_WIDTH)
        width = lambda c: self.widths.get(c, _MIN_WIDTH)  # noqa: E731
        for hdr, names, col in self.headers:
            lines = max(_lines(n, width(col + j)) for j, n in enumerate(names))
            ws.row_dimensions[hdr].height = max(1, lines) * _LINE_HEIGHT + 4
        for r in self.table_rows:
            lines = 1
            for c in range(1, self.max_col + 1):
                v = ws.cell(row=r, column=c).value
                if isinstance(v, str):
                    lines = max(lines, _lines(v, width(c)))
            if lines > 1:
                ws.row_dimensions[r].height = lines * _LINE_HEIGHT
        for r, c1, c2, text in self.paragraphs:
            c2 = c2 or max(self.max_col, c1)
            if c2 > c1:
                ws.merge_cells(start_row=r, start_column=c1, end_row=r, end_column=c2)
            total = sum(width(c) for c in range(c1, c2 + 1))
            lines = _lines(text, total)
            ws.row_dimensions[r].height = max(1, lines) * _LINE_HEIGHT + 2
        if self.freeze:
            ws.freeze_panes = self.freeze
        ps = ws.page_setup
        ps.orientation = "landscape" if landscape else "portrait"
        ps.paperSize = ws.PAPERSIZE_A4
        ps.fitToWidth = 1
        ps.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.oddFooter.center.text = "&A – page &P of &N"
        if self.freeze and self.repeat_header:
            hdr = int(self.freeze[1:]) - 1
            ws.print_title_rows = f"{hdr}:{hdr}"


def _lines(text: str, width: float) -> int:
    per_line = max(1.0, width - 1)
    n = 0
    for part in str(text).split("\n"):
        n += max(1, math.ceil(len(part) / per_line))
    return n


# ---- helpers for content ------------------------------------------------------------------
def _method_levels(results: Results) -> int:
    return max((len(m) for m in results.methods), default=1)


def _level_headers(n: int) -> list[str]:
    names = ["Method", "Category", "Indicator"]
    return [names[i] if i < len(names) else f"Level {i + 1}" for i in range(n)]


def _short_labels(methods: list[tuple[str, ...]]) -> list[str]:
    short = [": ".join(m[:2]) if len(m) >= 2 else method_label(m) for m in methods]
    if len(set(short)) != len(short):
        short = [method_label(m) for m in methods]
    return [s if len(s) <= 60 else s[:59] + "…" for s in short]


def _uncertainty_text(u: Uncertainty | None) -> str:
    if u is None or u.type in ("", "none"):
        return ""
    parts = [u.type]
    for name, val in (("σg", u.gsd), ("min", u.minimum), ("max", u.maximum), ("sd", u.sd)):
        if val is not None:
            parts.append(f"{name}={val:g}")
    return ", ".join(parts)


def _flatten(key: str, value: Any) -> list[tuple[str, Any]]:
    """Metadata as readable (key, value) rows: dicts become ``parent › child``; lists one row
    per item (key on the first); tuples joined with ``|``."""
    if isinstance(value, dict):
        if not value:
            return [(key, "")]
        out: list[tuple[str, Any]] = []
        for k, v in value.items():
            out += _flatten(f"{key} › {k}" if key else str(k), v)
        return out
    if isinstance(value, (list, set, frozenset)):
        items = list(value)
        if not items:
            return [(key, "")]
        out = []
        for i, v in enumerate(items):
            if isinstance(v, (list, tuple)) and all(_is_scalar(x) for x in v):
                v = tuple(v)  # e.g. a method serialised as a JSON list: one readable line
            for k, vv in _flatten(key if i == 0 else "", v):
                out.append((k, vv))
        return out
    if isinstance(value, tuple):
        return [(key, " | ".join(str(v) for v in value))]
    if isinstance(value, (int, float, str, bool)) or value is None:
        return [(key, value)]
    return [(key, str(value))]


def _is_scalar(x: Any) -> bool:
    return x is None or isinstance(x, (str, int, float, bool))


def _humanize(key: str) -> str:
    return key.replace("_", " ")


# ---- sheets -------------------------------------------------------------------------------
def _summary(sh: _Sheet, results: Results, scenario: Scenario) -> None:
    cur = results.currency
    sh.title(f"ecolca report: {results.scenario_name}",
             f"Scenario: {results.scenario_name} · reference year {results.reference_year} · "
             f"functional unit: the annual output of all sites in {results.reference_year} "
             "(listed below) · all impacts per year for the whole park · Δ = S − L "
             "(negative: the symbiosis lowers the impact)")
    sh.row -= 1
    sh.paragraph(LINEAR_DEFINITION)
    sh.paragraph(SYMBIOTIC_DEFINITION)
    level = {"illustrative": "illustrative: an example, not a basis for decisions",
             "partly calibrated": "partly calibrated: key quantities are sourced, others assumed",
             "calibrated": "calibrated: every exchanged quantity is sourced"}.get(
        results.calibration, results.calibration)
    share = results.assumed_share(results.methods[0]) if results.methods else None
    text = f"Calibration: {level}."
    if share is not None and results.assumed_exchanges:
        text += (f" {share * 100:.0f} % of the exchanges' contributions to Δ "
                 f"({method_label(results.methods[0])}, Σ|Δₑ|) rest on assumed amounts "
                 f"({', '.join(results.assumed_exchanges)}).")
    sh.paragraph(text, font=_WARN_FONT if results.calibration != "calibrated" else _NOTE_FONT)
    sh.row += 1
    cols = [("Method", "wrap"), ("Unit", "text"), ("Linear (L) [unit/year]", "auto"),
            ("Symbiotic (S) [unit/year]", "auto"), ("Δ = S − L [unit/year]", "auto"),
            ("Δ [%]", "pct"), ("S relative to L = 100 [%]", "pct"), ("Coverage", "wrap")]
    rows = []
    for r in results.impacts:
        cov = r.coverage.label() if r.coverage is not None else ""
        if not r.covered:  # no data is not a zero: no number at all
            rows.append([method_label(r.method), r.unit, cov, None, None, None, None, cov])
            continue
        pct = "n/m" if r.pct_note else r.delta_pct
        rel = "n/m" if r.pct_note else r.relative
        rows.append([method_label(r.method), r.unit, r.linear, r.symbiotic, r.delta, pct, rel,
                     cov or "covered"])
    sh.table(cols, rows, freeze=True)
    if results.impacts and results.impacts[0].pct_note:
        sh.paragraph("Δ % " + results.impacts[0].pct_note + ".", font=_NOTE_FONT)
    for r in results.impacts:
        if r.covered and r.symbiotic < 0 <= r.linear:
            sh.paragraph(f"{method_label(r.method)}: S < 0 because the avoided supplies and fates "
                         "credited exceed the burden the sites declare.", font=_NOTE_FONT)
    if any(r.coverage is not None and r.coverage.status != "covered" for r in results.impacts):
        sh.paragraph("Coverage: of the background processes in the scenario's supply chain that "
                     "exchange any elementary flow, the share with at least one flow the method "
                     "characterises. 'not covered' means the background has no data for the "
                     "category: the result is unknown, not zero.", font=_NOTE_FONT)

    sh.section("Costs")
    first = results.methods[0] if results.methods else None
    items: list[tuple[str, Any]] = [
        (f"Total Δcost [{cur}/year]", _safe_total(results, "delta") if results.prices_given
         else "not computed: the scenario gives no prices"),
    ]
    if first is not None:
        imp = results.impact(first)
        items.append((f"Cost per avoided unit, {method_label(first)} [{cur}/{imp.unit}]",
                      _safe(lambda: results.cost_per_avoided(first))))
    for label, value in items:
        sh.put(sh.row, 1, label, "wrap", count=False, font=Font(bold=True))
        sh.paragraphs.append((sh.row, 1, 2, label))
        sh.put(sh.row, 3, value, "money")
        if value is None:
            sh.put(sh.row, 4, ("no prices in the scenario" if not results.prices_given else
                               "no impact avoided in this category") if first else "", "text",
                   count=False, font=_NOTE_FONT)
        sh.row += 1
    sh.paragraph("Negative cost per avoided unit means win-win: the symbiosis saves money and "
                 "impact. Details on the Economics sheet.", font=_NOTE_FONT)
    sh.row += 1

    sh.section("Functional unit (the same in L and S)")
    sh.table([("Site", "text"), ("Product", "text"), ("Amount [per year]", "auto"),
              ("Unit", "text")],
             [[p.site_name, p.product, p.amount, p.unit] for p in results.functional_unit])

    sh.repeat_header = False
    charted = [(lab, r) for lab, r in zip(_short_labels(results.methods), results.impacts)
               if r.covered and r.relative is not None]
    if not charted:
        if results.impacts:
            sh.paragraph("No chart of S relative to L: " + (
                "Δ % is not meaningful for this scenario (see above)." if
                results.impacts[0].pct_note else "no category has a linear result."),
                font=_NOTE_FONT)
        return
    left_out = [method_label(r.method) for r in results.impacts if not r.covered]
    sh.ws.row_breaks.append(Break(id=sh.row - 1))  # chart data and chart on their own page
    sh.section("Chart data: symbiotic relative to linear = 100 %")
    if left_out:
        sh.paragraph("Left out of the chart, not covered by the background: "
                     + "; ".join(left_out) + ".", font=_NOTE_FONT)
    hdr, first_row, last_row = sh.table(
        [("Method (short)", "text"), ("Linear = 100 [%]", "pct"),
         ("Symbiotic [% of linear]", "pct")],
        [[lab, 100.0, r.relative] for lab, r in charted])
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = "Symbiotic relative to linear (linear = 100 %)"
    chart.x_axis.title = None
    chart.y_axis.title = "% of linear"
    data = Reference(sh.ws, min_col=2, max_col=3, min_row=hdr, max_row=last_row)
    cats = Reference(sh.ws, min_col=1, min_row=first_row, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    _style_bar_chart(chart, ["BFBFBF", "2F8F5B"])
    chart.x_axis.scaling.orientation = "maxMin"  # first method at the top
    chart.y_axis.scaling.min = 0
    chart.legend.position = "b"
    n = len(charted)
    chart.width = 24
    chart.height = max(7.5, 2.2 + 1.1 * n)
    sh.ws.add_chart(chart, f"A{sh.row}")
    sh.row += int(chart.height / 0.53) + 2


def _style_bar_chart(chart: BarChart, colors: list[str]) -> None:
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = chart.y_axis.majorGridlines  # keep default gridlines
    chart.x_axis.tickLblPos = "low"  # labels outside the plot, also with negative bars
    for s, color in zip(chart.series, colors):
        s.graphicalProperties.solidFill = color
        s.graphicalProperties.line.solidFill = color


def _safe(fn):
    try:
        v = fn()
    except (TypeError, ValueError, ZeroDivisionError, StopIteration):
        return None
    return _finite(v)


def _safe_total(results: Results, which: str) -> float | None:
    lin = [e.linear_cost for e in results.economics]
    sym = [e.symbiotic_cost for e in results.economics]
    if any(_finite(x) is None for x in lin + sym):
        lin_t = sum(x for x in lin if _finite(x) is not None)
        sym_t = sum(x for x in sym if _finite(x) is not None)
    else:
        lin_t, sym_t = sum(lin), sum(sym)
    return {"linear": lin_t, "symbiotic": sym_t, "delta": sym_t - lin_t}[which]


def _scenario_sheet(sh: _Sheet, results: Results, scenario: Scenario) -> None:
    cur = scenario.currency
    sh.title(f"Scenario inputs: {scenario.name}")
    sh.freeze = "A2"
    sh.section("Scenario")
    sh.pairs([
        ("Name", scenario.name),
        ("Id", scenario.id),
        ("Description", scenario.description),
        ("Reference year", scenario.reference_year),
        ("Currency", scenario.currency),
        ("Background database", scenario.background_database),
        ("Attribution key", scenario.attribution_key),
        ("Monte Carlo iterations", scenario.monte_carlo_iterations),
        ("Monte Carlo seed", scenario.monte_carlo_seed),
        ("Calibration", scenario.calibration),
    ])
    for label, items in (("Assumptions", scenario.assumptions), ("Sources", scenario.sources)):
        if not items:
            sh.pairs([(label, "none stated")])
        for i, text in enumerate(items):
            sh.pairs([(label if i == 0 else "", text)])
    sh.row += 1

    sh.section("Sites")
    sh.table(*_drop_empty(
        [("Site id", "text"), ("Name", "text"), ("Sector", "text"), ("Location", "text"),
         ("Confidential", "text"), ("x", "auto"), ("y", "auto"), ("Description", "wrap")],
        [[s.id, s.name, s.sector, s.location, s.confidential, s.x, s.y, s.description or None]
         for s in scenario.sites], optional={"Description"}))

    sh.section("Flows (per year, as each site operates on its own)")
    rows = []
    for s, f in scenario.iter_flows():
        ref = f.fate if f.kind == "residue" else f.activity
        if f.kind == "residue" and f.fate is None:
            bg = "released untreated (no burden)"
        else:
            bg = f"{ref.database}:{ref.code}" if ref else None
        rows.append([s.name, f.id, f.kind, f.name, f.amount, f.unit, bg,
                     f.conversion_factor, f.price, _uncertainty_text(f.uncertainty),
                     f.comment or None, f.source or None])
    sh.table(*_drop_empty(
        [("Site", "text"), ("Flow id", "text"), ("Kind", "text"), ("Name", "text"),
         ("Amount [per year]", "auto"), ("Unit", "text"),
         ("Background activity / fate (database:code)", "wrap"), ("Conversion factor", "auto"),
         (f"Price [{cur}/unit]", "money"), ("Uncertainty", "text"), ("Comment", "wrap"),
         ("Source", "wrap")], rows,
        optional={"Conversion factor", "Uncertainty", "Comment", "Source"}))
    sh.paragraph("Price: purchase price of a supply, disposal fee of a residue, sales value of a "
                 "product. Optional columns empty for every flow (conversion factor, uncertainty, "
                 "comment, source) are left out.", font=_NOTE_FONT, span=10)
    sh.row += 1

    sh.section("Exchanges (symbiotic links)")
    rows = [_exchange_row(scenario, e) for e in scenario.exchanges]
    sh.table([("Exchange id", "text"), ("From site", "text"), ("Residue", "text"),
              ("To site", "text"), ("Supply", "text"), ("Amount q [per year]", "auto"),
              ("q unit", "text"), ("Substitution ratio r", "auto"), ("r unit", "text"),
              ("Transport legs (mode code, distance)", "wrap"), ("Distance [km]", "auto"),
              ("Processing inputs", "wrap")], [r[:12] for r in rows])
    sh.section("Exchanges: economics and sources")
    sh.table([("Exchange id", "text"), (f"Price [{cur}/q unit]", "money"),
              (f"Transport cost [{cur}/q unit]", "money"),
              (f"Processing cost [{cur}/q unit]", "money"), ("Transport paid by", "text"),
              ("Processing paid by", "text"),
              ("Description", "wrap"), ("Source", "wrap")], [r[:1] + r[12:] for r in rows])
    sh.paragraph("Price: paid by the receiver to the supplier per unit of q (negative: the "
                 "supplier pays a gate fee).", font=_NOTE_FONT, span=10)


def _fmt_amount(x: float) -> str:
    f = _finite(x)
    if f is None:
        return "?"
    if f.is_integer() and abs(f) < 1e15:
        return f"{int(f):,}"
    return f"{f:,.6g}"


def _drop_empty(columns: list[tuple[str, str]], rows: list[list[Any]],
                optional: set[str]) -> tuple[list[tuple[str, str]], list[list[Any]]]:
    """Leave out optional columns that are empty in every row (keeps wide sheets printable)."""
    keep = [j for j, (name, _) in enumerate(columns)
            if name not in optional or any(r[j] not in (None, "") for r in rows)]
    return [columns[j] for j in keep], [[r[j] for j in keep] for r in rows]


def _exchange_row(scenario: Scenario, e: Exchange) -> list[Any]:
    a, b = scenario.site(e.from_site), scenario.site(e.to_site)
    fa = a.flow(e.from_flow) if a else None
    fb = b.flow(e.to_flow) if b else None
    q_unit = fa.unit if fa else ""
    r_unit = f"{fb.unit if fb else '?'}/{q_unit or '?'}"
    legs = "; ".join(
        f"{t.label + ': ' if t.label else ''}{t.mode.code}, {t.distance:g} km" for t in e.transport
    )
    distance = sum(t.distance for t in e.transport) if e.transport else None
    proc = "; ".join(
        f"{p.name or p.activity.code}: {p.amount_per_unit:g} {p.unit}/{q_unit or 'unit'} "
        f"({p.activity.database}:{p.activity.code})" for p in e.processing
    )
    ec = e.economics
    return [e.id, a.name if a else e.from_site, fa.name if fa else e.from_flow,
            b.name if b else e.to_site, fb.name if fb else e.to_flow, e.amount, q_unit,
            e.substitution_ratio, r_unit, legs or "none", distance, proc or "none", ec.price,
            ec.transport_cost, ec.processing_cost, ec.transport_paid_by, ec.processing_paid_by,
            e.description or None,
            e.source or None]


def _impacts(sh: _Sheet, results: Results) -> None:
    cur = results.currency
    n = _method_levels(results)
    sh.title("Impacts per method, whole park, per year",
             "Δ = S − L; negative means the symbiosis lowers the impact. Cost per avoided unit: "
             f"total Δcost [{cur}/year] divided by the avoided impact; negative = win-win; empty "
             "when nothing is avoided.")
    cols = [(h, "text") for h in _level_headers(n)] + [
        ("Unit", "text"), ("Linear (L) [unit/year]", "auto"),
        ("Symbiotic (S) [unit/year]", "auto"), ("Δ = S − L [unit/year]", "auto"),
        ("Δ [%]", "pct"), ("S relative to L = 100 [%]", "pct"),
        (f"Cost per avoided unit [{cur}/unit]", "money"), ("Coverage", "wrap")]
    rows = []
    for r in results.impacts:
        levels = list(r.method) + [None] * (n - len(r.method))
        cov = r.coverage.label() if r.coverage is not None else ""
        if not r.covered:
            rows.append(levels + [r.unit, cov, None, None, None, None, None, cov])
            continue
        rows.append(levels + [r.unit, r.linear, r.symbiotic, r.delta,
                              "n/m" if r.pct_note else r.delta_pct,
                              "n/m" if r.pct_note else r.relative,
                              _safe(lambda m=r.method: results.cost_per_avoided(m)),
                              cov or "covered"])
    sh.table(cols, rows, freeze=True)


def _exchanges(sh: _Sheet, results: Results, scenario: Scenario) -> None:
    sh.title("Exchanges: contributions to Δ per exchange and method",
             "Δ_e = avoided fate + avoided supply + transport + processing; Σ Δ_e equals the "
             "system Δ (Impacts sheet). Break-even distance: the distance at which Δ_e = 0 "
             "(< 0: never pays off; below the declared distance: does not pay off as declared).")
    cols = [("Method", "wrap"), ("Unit", "text"), ("Exchange id", "text"), ("Exchange", "wrap"),
            ("Avoided fate [unit/year]", "auto"), ("Avoided supply [unit/year]", "auto"),
            ("Transport [unit/year]", "auto"), ("Processing [unit/year]", "auto"),
            ("Δ_e [unit/year]", "auto"), ("Distance [km]", "auto"),
            ("Break-even distance [km]", "auto"), ("Verdict", "text"),
            ("System Δ, Impacts sheet [unit/year]", "auto")]
    rows: list[list[Any]] = []
    totals: set[int] = set()
    first_block: tuple[int, int] | None = None
    for m in results.methods:
        parts = results.exchange_parts(m)
        start = len(rows)
        for p in parts:
            rows.append([method_label(m), p.unit, p.exchange_id, p.label, p.avoided_fate,
                         p.avoided_supply, p.transport, p.processing, p.total, p.distance_km,
                         p.break_even_km, _verdict(p), None])
        if first_block is None and parts:
            first_block = (start, len(rows) - 1)
        imp = results.impact(m)
        totals.add(len(rows))
        rows.append([method_label(m), imp.unit, "Σ", "Σ all exchanges",
                     sum(p.avoided_fate for p in parts), sum(p.avoided_supply for p in parts),
                     sum(p.transport for p in parts), sum(p.processing for p in parts),
                     sum(p.total for p in parts), None, None, None, imp.delta])
    hdr, first, last = sh.table(cols, rows, freeze=True, total_rows=totals)
    if first_block is None or first_block[0] != 0:
        return  # the first method has no exchange parts: no chart
    r0, r1 = first + first_block[0], first + first_block[1]
    m0 = results.methods[0]
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = f"Parts of Δ_e per exchange: {_short_labels([m0])[0]} [{results.impact(m0).unit}/year]"
    for j, color in zip(range(5, 9), ["4472C4", "2F8F5B", "ED7D31", "A5A5A5"]):
        ref = Reference(sh.ws, min_col=j, min_row=r0, max_row=r1)
        chart.add_data(ref, titles_from_data=False)
    from openpyxl.chart.series import SeriesLabel
    for s, name in zip(chart.series, ["Avoided fate", "Avoided supply", "Transport",
                                      "Processing"]):
        s.tx = SeriesLabel(v=name)
    chart.set_categories(Reference(sh.ws, min_col=3, min_row=r0, max_row=r1))
    _style_bar_chart(chart, ["4472C4", "2F8F5B", "ED7D31", "A5A5A5"])
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.title = "Exchange id"
    chart.legend.position = "b"
    chart.width = 30
    chart.height = max(8.5, 3.5 + 1.2 * (r1 - r0 + 1))
    sh.ws.add_chart(chart, f"A{sh.row}")


def _verdict(p) -> str:
    if p.total < 0:
        v = "pays off"
    elif p.total == 0:
        v = "neutral"
    else:
        v = "does not pay off"
    be = _finite(p.break_even_km)
    if be is not None and be < 0:
        v += "; never at any distance"
    return v


def _sites(sh: _Sheet, results: Results) -> None:
    key = results.attribution_key
    sh.title(f"Per-site impacts under the attribution key: {KEY_LABELS.get(key, key)}",
             "Per-site figures under different attribution keys must NEVER be summed together: "
             "each key splits the same system Δ differently. The system-level Δ (Impacts sheet) "
             "is the ISO-consistent result; any split between partners is a labelled view.")
    cols = [("Attribution key", "wrap"), ("Method", "wrap"), ("Unit", "text"),
            ("Site id", "text"), ("Site", "text"), ("Linear (L) [unit/year]", "auto"),
            ("Symbiotic (S) [unit/year]", "auto"), ("Δ = S − L [unit/year]", "auto")]
    rows = [[KEY_LABELS.get(s.key, s.key), method_label(s.method), s.unit, s.site_id,
             s.site_name, s.linear, s.symbiotic, s.delta]
            for m in results.methods for s in results.site_results(m, key)]
    sh.table(cols, rows, freeze=True)

    sh.section("Δ under every attribution key, side by side (labelled views; never add figures "
               "across keys)")
    keys = list(KEY_LABELS) + sorted({s.key for s in results.sites} - set(KEY_LABELS))
    by = {(s.method, s.site_id, s.key): s for s in results.sites}
    sites = list(dict.fromkeys((s.site_id, s.site_name) for s in results.sites))
    kcols = [(f"Δ, {KEY_LABELS.get(k, k)} [unit/year]", "auto") for k in keys]
    rows = []
    for m in results.methods:
        for sid, sname in sites:
            first = next((by[(m, sid, k)] for k in keys if (m, sid, k) in by), None)
            if first is None:
                continue
            rows.append([method_label(m), first.unit, sid, sname, first.linear]
                        + [by[(m, sid, k)].delta if (m, sid, k) in by else None for k in keys])
    sh.table([("Method", "wrap"), ("Unit", "text"), ("Site id", "text"), ("Site", "text"),
              ("Linear (L) [unit/year]", "auto")] + kcols, rows)


def _economics(sh: _Sheet, results: Results) -> None:
    cur = results.currency
    sh.title(f"Economics per site [{cur}/year]",
             "L cost = supplies × price + residues × disposal fee. S cost applies the same prices "
             "to the reduced amounts and adds exchange payments (receiver pays supplier), "
             "transport and processing costs. Negative Δ = saving.")
    if not results.prices_given:
        sh.paragraph("The scenario gives no prices, fees or exchange payments: the costs below "
                     "are 0 by construction, not a result.", font=Font(bold=True, color="B03A2E"))
    cols = [("Site id", "text"), ("Site", "text"), (f"Linear cost [{cur}/year]", "money"),
            (f"Symbiotic cost [{cur}/year]", "money"), (f"Δcost = S − L [{cur}/year]", "money"),
            ("Missing prices", "wrap")]
    rows = [[e.site_id, e.site_name, e.linear_cost, e.symbiotic_cost,
             _safe(lambda e=e: e.delta), "; ".join(e.missing_prices) or None]
            for e in results.economics]
    missing = sum(len(e.missing_prices) for e in results.economics)
    rows.append(["Total", "all sites", _safe_total(results, "linear"),
                 _safe_total(results, "symbiotic"), _safe_total(results, "delta"),
                 f"{missing} missing price(s): totals are incomplete" if missing else None])
    sh.table(cols, rows, freeze=True, total_rows={len(rows) - 1})

    sh.section("Cost per unit of avoided impact (negative = win-win)")
    sh.table([("Method", "wrap"), ("Unit", "text"), ("Δ impact [unit/year]", "auto"),
              (f"Δcost [{cur}/year]", "money"), (f"Cost per avoided unit [{cur}/unit]", "money"),
              ("Cost unit", "text")],
             [[method_label(r.method), r.unit, r.delta, _safe_total(results, "delta"),
               _safe(lambda m=r.method: results.cost_per_avoided(m)), f"{cur}/{r.unit}"]
              for r in results.impacts])


def _inventory(sh: _Sheet, results: Results) -> None:
    sh.title("Key elementary flows, whole park, per year",
             "Summed over the whole system (foreground and background), all compartments named.")
    sh.table([("Flow", "wrap"), ("Unit", "text"), ("Linear (L) [unit/year]", "auto"),
              ("Symbiotic (S) [unit/year]", "auto"), ("Δ = S − L [unit/year]", "auto")],
             [[i.label, i.unit, i.linear, i.symbiotic, i.delta] for i in results.inventory],
             freeze=True)


def _uncertainty(sh: _Sheet, results: Results) -> None:
    u0 = results.uncertainty[0]
    sh.title("Uncertainty: paired Monte Carlo",
             f"Each iteration samples the background and the foreground once and evaluates L and "
             f"S on that same sample. Iterations: {u0.iterations}; seed: {u0.seed}.")
    stats = [("mean", "mean"), ("median", "median"), ("p2.5", "2.5 %"), ("p97.5", "97.5 %")]
    cols = [("Method", "wrap"), ("Unit", "text"), ("Iterations", "int"), ("Seed", "int")]
    for part in ("L", "S", "Δ"):
        cols += [(f"{part} {label} [unit/year]", "auto") for _, label in stats]
    cols.append(("P(Δ < 0)", "prob"))
    rows = []
    for u in results.uncertainty:
        row: list[Any] = [method_label(u.method), u.unit, u.iterations, u.seed]
        for d in (u.linear, u.symbiotic, u.delta):
            row += [_stat(d, k) for k, _ in stats]
        row.append(u.probability_delta_negative)
        rows.append(row)
    sh.table(cols, rows, freeze=True)


def _stat(d: dict[str, float], key: str) -> float | None:
    for k in (key, key.replace("p", "p_"), key.replace(".", "_")):
        if k in d:
            return d[k]
    return None


def _methods_data(sh: _Sheet, results: Results, scenario: Scenario) -> None:
    sh.title("Methods and data")
    hdr, _, _ = sh.table([("Item", "text"), ("Value", "wrap")], _method_rows(results, scenario),
                         freeze=True)
    sh.section("Functional unit: the annual output of all sites")
    sh.table([("Site", "text"), ("Product", "text"), ("Amount [per year]", "auto"),
              ("Unit", "text")],
             [[p.site_name, p.product, p.amount, p.unit] for p in results.functional_unit])


def _method_rows(results: Results, scenario: Scenario) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["Functional unit", f"the annual output of all sites in {results.reference_year}: " +
         "; ".join(f"{p.site_name}: {_fmt_amount(p.amount)} {p.unit} {p.product}"
                   for p in results.functional_unit)],
        ["Reference year", results.reference_year],
        ["Linear configuration", LINEAR_DEFINITION],
        ["Symbiotic configuration", SYMBIOTIC_DEFINITION],
        ["Attribution key (per-site figures)", KEY_LABELS.get(results.attribution_key,
                                                              results.attribution_key)],
        ["LCIA methods", "; ".join(method_label(m) for m in results.methods)],
    ]
    meta = dict(results.metadata)
    meta.setdefault("report_written_by", f"ecolca {__version__}")
    meta.setdefault("report_date", _dt.date.today().isoformat())
    if results.uncertainty and "monte_carlo" not in meta:
        u = results.uncertainty[0]
        meta["monte_carlo"] = {"iterations": u.iterations, "seed": u.seed}
    for k, v in meta.items():
        for kk, vv in _flatten(_humanize(str(k)), v):
            rows.append([kk, vv])
    for label, items in (("Scenario source", scenario.sources),
                         ("Scenario assumption", scenario.assumptions)):
        for i, text in enumerate(items):
            rows.append([label if i == 0 else "", text])
    return rows


# ---- entry point --------------------------------------------------------------------------
def build_workbook(results: Results, scenario: Scenario) -> Workbook:
    """The report as an openpyxl workbook (not saved)."""
    wb = Workbook()
    sheets = []

    def new(name: str, **kw: Any) -> _Sheet:
        ws = wb.active if not sheets else wb.create_sheet()
        sh = _Sheet(ws, name, **kw)
        sheets.append(sh)
        return sh

    _summary(new("Summary"), results, scenario)
    _scenario_sheet(new("Scenario", max_text=24), results, scenario)
    _impacts(new("Impacts"), results)
    _exchanges(new("Exchanges", max_text=30), results, scenario)
    _sites(new("Sites"), results)
    _economics(new("Economics"), results)
    _inventory(new("Inventory"), results)
    if results.uncertainty:
        _uncertainty(new("Uncertainty", max_text=30), results)
    _methods_data(new("Methods & data"), results, scenario)
    for sh in sheets:
        sh.finish()
    wb.properties.title = f"ecolca report: {_clean_text(results.scenario_name)}"[:255]
    wb.properties.creator = f"ecolca {__version__}"
    return wb


def write_report(results: Results, scenario: Scenario, path: str | os.PathLike) -> Path:
    """Write the Excel report to ``path`` and return it.

    The workbook is built in memory and written atomically: on any failure a
    :class:`ReportError` naming the path is raised, no partial file is left, and an existing
    report at ``path`` stays intact. A symbolic link at ``path`` is written through: its target
    gets the new report and the link stays a link.
    """
    p = Path(path)
    if p.is_symlink():
        p = Path(os.path.realpath(p))
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise ReportError(f"cannot write the report {p}: folder {folder} does not exist")
    if p.is_dir():
        raise ReportError(f"cannot write the report {p}: it is a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportError(f"cannot write the report {p}: folder {folder} is not writable")
    buf = io.BytesIO()
    try:
        build_workbook(results, scenario).save(buf)
    except ReportError:
        raise
    except Exception as exc:  # a bug or odd data: still never a partial file
        raise ReportError(f"cannot build the report {p}: {exc}") from exc
    try:
        atomic_write_bytes(p, buf.getvalue())
    except OSError as exc:
        raise ReportError(f"cannot write the report {p}: {exc.strerror or exc}") from exc
    return p
