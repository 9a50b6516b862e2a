"""The Excel report of a comparison (methodology.md §3 results, §5 what every report states).

``write_report(results, scenario, path)`` renders a :class:`~ecolca.lca.results.Results` and the
:class:`~ecolca.core.model.Scenario` it was computed from into one ``.xlsx`` workbook, one sheet per
module of :mod:`ecolca.report.sheets` (in their ``ORDER``): Summary, Scenario, the inputs
(sites, flows, exchanges, exchange terms), Impacts, Exchanges and their chart, Sites under the
scenario's key and under every key, Economics, Inventory, the Monte Carlo statistics and Δ
histograms (when run), the raw Monte Carlo iterations (on request), and Methods & data.

Rules kept everywhere: numbers are stored as numbers (``None`` and non-finite values as empty
cells; rounding noise as 0), units sit in headers or in a Unit column, user text is never
interpreted as a formula (one function, :func:`ecolca.report.styles.put`, writes every cell),
every font is named and every column measured in it, a printed page's repeated header belongs
to its rows (:mod:`ecolca.report.layout`), and the file is produced in memory and written
atomically, so a failed write leaves no partial file and the previous report intact. Cell text is
written once per workbook as shared strings (``xl/sharedStrings.xml``), and the package is
deflated once, as openpyxl writes it (:class:`_Package`).
"""

from __future__ import annotations

import gc
import io
import os
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from ecolca import __version__
from ecolca.core.errors import ReportError
from ecolca.core.model import Scenario
from ecolca.report.common import (
    KEY_LABELS,
    LINEAR_DEFINITION,
    SYMBIOTIC_DEFINITION,
    Context,
)
from ecolca.report.common import verdict as _verdict  # noqa: F401  (the app shares the wording)
from ecolca.report.layout import Book, Sheet
from ecolca.report.sheets import SHEETS
from ecolca.report.styles import clean_text
from ecolca.lca.results import Results, method_label  # noqa: F401
from ecolca.core.atomic import atomic_write_bytes

__all__ = ["write_report", "render", "build_workbook", "SHEET_NAMES", "KEY_LABELS", "LINEAR_DEFINITION",
           "SYMBIOTIC_DEFINITION"]

# every sheet a report can have, in order; sheets with nothing to show are left out
SHEET_NAMES = tuple(m.NAME for m in SHEETS)


def render(results: Results, scenario: Scenario, audience: str = "internal",
           only: set[str] | None = None, iterations_sheet: bool = False) -> bytes:
    """The report as the bytes of an .xlsx file. ``audience``: "internal" (everything), "park"
    or "public" (confidential sites masked: :mod:`ecolca.park.confidential`). ``only``: the names of
    the sheets to write (default: every sheet that applies). ``iterations_sheet``: add the raw
    Monte Carlo draws, one row per iteration (sheet "Monte Carlo iterations")."""
    from ecolca.park.confidential import mask

    masked = mask(results, scenario, audience)
    results, scenario = masked.results, masked.scenario
    # a large park makes hundreds of thousands of small objects that all live until the end:
    # the cyclic garbage collector would only walk them over and over
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _render(results, scenario, only, iterations_sheet)
    finally:
        if enabled:
            gc.enable()


def _render(results: Results, scenario: Scenario, only: set[str] | None = None,
            iterations_sheet: bool = False) -> bytes:
    wb = Workbook()
    book = Book(wb)
    ctx = Context(results, scenario, iterations_sheet=iterations_sheet)
    sheets: list[Sheet] = []
    for mod in SHEETS:
        if only is not None and mod.NAME not in only:
            continue
        applies = getattr(mod, "applies", None)
        if applies is not None and not applies(ctx):
            continue
        ws = wb.active if not sheets else wb.create_sheet()
        sh = Sheet(ws, mod.NAME, max_text=getattr(mod, "MAX_TEXT", 45), book=book)
        mod.write(sh, ctx)
        sheets.append(sh)
    for sh in sheets:
        sh.finish()
    book.close()
    wb.properties.title = f"ecolca report: {clean_text(results.scenario_name)}"[:255]
    wb.properties.creator = f"ecolca {__version__}"
    buf = io.BytesIO()
    with _Package(buf, [sh.sheet_xml() for sh in sheets], book.shared_strings_xml()) as zf:
        _Writer(wb, zf).save()
    return buf.getvalue()


_SHEET_PART = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.S)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
_SST_PART = "xl/sharedStrings.xml"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = ('<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdSharedStrings"/>')


class _Package(zipfile.ZipFile):
    """The .xlsx package, deflated once as openpyxl writes it: each worksheet part gets the
    cells of its sheet's own XML (``sheets``: (``<sheetData>``, dimension) in workbook order),
    and the shared strings of the cells are added as ``xl/sharedStrings.xml`` (part, content
    type and the workbook's relationship)."""

    def __init__(self, buf: io.BytesIO, sheets: list[tuple[str, str]], strings: bytes):
        super().__init__(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
        self._sheets, self._strings = sheets, strings

    def writestr(self, name, data, *args, **kwargs):
        fn = name.filename if isinstance(name, zipfile.ZipInfo) else name
        m = _SHEET_PART.fullmatch(fn)
        if m:
            cells, dim = self._sheets[int(m.group(1)) - 1]
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            text = _SHEET_DATA.sub(lambda _: cells, text, count=1)
            data = _DIMENSION.sub(lambda _: f'<dimension ref="{dim}"/>', text, count=1)
        elif fn == "xl/_rels/workbook.xml.rels":
            data = _insert_before(data, "</Relationships>", _SST_REL)
        elif fn == "[Content_Types].xml":
            data = _insert_before(data, "</Types>",
                                  f'<Override PartName="/{_SST_PART}" ContentType="{_SST_TYPE}"/>')
            super().writestr(_SST_PART, self._strings, *args, **kwargs)
        if isinstance(data, str):
            data = data.encode("utf-8")
        return super().writestr(name, data, *args, **kwargs)


def _insert_before(data: bytes | str, end: str, what: str) -> str:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    i = text.rindex(end)
    return text[:i] + what + text[i:]


class _Writer(ExcelWriter):
    """openpyxl's writer, with each worksheet serialised in memory (no temporary file) and
    handed to :class:`_Package`, which puts the cells in."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def build_workbook(results: Results, scenario: Scenario, audience: str = "internal") -> Workbook:
    """The report as an openpyxl workbook, read back from the file :func:`render` makes."""
    return openpyxl.load_workbook(io.BytesIO(render(results, scenario, audience)))


def write_report(results: Results, scenario: Scenario, path: str | os.PathLike,
                 audience: str = "internal", only: set[str] | None = None,
                 iterations_sheet: bool = False) -> Path:
    """Write the Excel report to ``path`` and return it.

    The workbook is built in memory and written atomically: on any failure a
    :class:`ReportError` naming the path is raised, no partial file is left, and an existing
    report at ``path`` stays intact. A symbolic link at ``path`` is written through: its target
    gets the new report and the link stays a link. ``audience``, ``only`` and
    ``iterations_sheet``: see :func:`render`.
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
    try:
        data = render(results, scenario, audience, only, iterations_sheet)
    except ReportError:
        raise
    except Exception as exc:  # a bug or odd data: still never a partial file
        raise ReportError(f"cannot build the report {p}: {exc}") from exc
    try:
        atomic_write_bytes(p, data)
    except OSError as exc:
        raise ReportError(f"cannot write the report {p}: {exc.strerror or exc}") from exc
    return p
