"""The report writer: see :mod:`ecolca.report` (the package's docstring describes it)."""

from __future__ import annotations

import gc
import io
import os
import queue
import re
import threading
import zipfile
from pathlib import Path
from typing import BinaryIO

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
from ecolca.core.atomic import atomic_writer

__all__ = ["write_report", "render", "build_workbook", "SHEET_NAMES", "KEY_LABELS", "LINEAR_DEFINITION",
           "SYMBIOTIC_DEFINITION"]

# every sheet a report can have, in order; sheets with nothing to show are left out
SHEET_NAMES = tuple(m.NAME for m in SHEETS)


def render(results: Results, scenario: Scenario, audience: str = "internal",
           only: set[str] | None = None, iterations_sheet: bool = False,
           out: BinaryIO | None = None) -> bytes | None:
    """The report as the bytes of an .xlsx file. ``audience``: "internal" (everything), "park"
    or "public" (confidential sites masked: :mod:`ecolca.park.confidential`). ``only``: the names of
    the sheets to write (default: every sheet that applies). ``iterations_sheet``: add the raw
    Monte Carlo draws, one row per iteration (sheet "Monte Carlo iterations"). ``out``: a
    binary file to stream the package into (then None is returned)."""
    from ecolca.park.confidential import mask

    masked = mask(results, scenario, audience)
    results, scenario = masked.results, masked.scenario
    # a large park makes hundreds of thousands of small objects that all live until the end:
    # the cyclic garbage collector would only walk them over and over
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _render(results, scenario, only, iterations_sheet, out)
    finally:
        if enabled:
            gc.enable()


def _render(results: Results, scenario: Scenario, only: set[str] | None = None,
            iterations_sheet: bool = False, out: BinaryIO | None = None) -> bytes | None:
    """Write the package to ``out`` (a binary file; None: return its bytes). Each sheet is
    written, laid out and streamed into the package before the next one is started, and its
    cells are freed then: the memory held is one sheet's cells and the text of all cells."""
    buf = io.BytesIO() if out is None else out
    wb = Workbook()
    book = Book(wb)
    ctx = Context(results, scenario, iterations_sheet=iterations_sheet)
    with _Package(buf, book) as zf:
        writer = _Writer(wb, zf)
        n = 0
        for mod in SHEETS:
            if only is not None and mod.NAME not in only:
                continue
            applies = getattr(mod, "applies", None)
            if applies is not None and not applies(ctx):
                continue
            ws = wb.active if not n else wb.create_sheet()
            sh = Sheet(ws, mod.NAME, max_text=getattr(mod, "MAX_TEXT", 45), book=book)
            mod.write(sh, ctx)
            sh.finish()
            n += 1
            ws._id = n  # its part's number: the position in the workbook, as openpyxl numbers
            writer.stream_worksheet(ws, sh)
            del sh
        book.close()
        wb.properties.title = f"ecolca report: {clean_text(results.scenario_name)}"[:255]
        wb.properties.creator = f"ecolca {__version__}"
        writer.write_data()
    return buf.getvalue() if out is None else None


_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
_SST_PART = "xl/sharedStrings.xml"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = ('<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdSharedStrings"/>')


class _Package(zipfile.ZipFile):
    """The .xlsx package, deflated once as it is written: worksheet parts are streamed in by
    :meth:`_Writer.stream_worksheet`; the shared strings of all cells are added as
    ``xl/sharedStrings.xml`` (part, content type and the workbook's relationship) when openpyxl
    writes the content types, after every sheet."""

    def __init__(self, buf: BinaryIO, book: Book):
        super().__init__(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
        self._book = book

    def writestr(self, name, data, *args, **kwargs):
        fn = name.filename if isinstance(name, zipfile.ZipInfo) else name
        if fn == "xl/_rels/workbook.xml.rels":
            data = _insert_before(data, "</Relationships>", _SST_REL)
        elif fn == "[Content_Types].xml":
            data = _insert_before(data, "</Types>",
                                  f'<Override PartName="/{_SST_PART}" ContentType="{_SST_TYPE}"/>')
            with self.open(_SST_PART, "w") as part:
                self._book.write_shared_strings(part.write)
        if isinstance(data, str):
            data = data.encode("utf-8")
        return super().writestr(name, data, *args, **kwargs)


def _insert_before(data: bytes | str, end: str, what: str) -> str:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    i = text.rindex(end)
    return text[:i] + what + text[i:]


class _Deflater:
    """``write`` run on a second thread: zlib deflates (and computes the CRC) without holding
    Python's lock, so a sheet's XML is compressed on the other core while its next rows are
    made. A bounded queue keeps a few pieces in flight; an error in ``write`` is raised again in
    the caller when the block ends."""

    def __init__(self, write, depth: int = 8):
        self._write, self._q = write, queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ecolca-report-deflate",
                                        daemon=True)

    def _run(self) -> None:
        while True:
            data = self._q.get()
            if data is None:
                return
            if self._error is None:
                try:
                    self._write(data)
                except BaseException as exc:  # raised again in the caller (__exit__)
                    self._error = exc

    def put(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._q.put(data)

    def __enter__(self):
        self._thread.start()
        return self.put

    def __exit__(self, *exc) -> None:
        self._q.put(None)
        self._thread.join()
        if self._error is not None and exc[0] is None:
            raise self._error


class _Writer(ExcelWriter):
    """openpyxl's writer for everything but the worksheet parts, which
    :meth:`stream_worksheet` writes as each sheet is finished."""

    def stream_worksheet(self, ws, sh: Sheet) -> None:
        """Write ``ws``'s part into the package: openpyxl's XML of the worksheet without cells
        (columns, panes, merges, breaks, print settings, the drawing), with ``sh``'s rows
        streamed in place of its empty ``<sheetData/>``."""
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        text = writer.read().decode("utf-8")
        head, tail = _SHEET_DATA.split(text, 1)
        head = _DIMENSION.sub(lambda _: f'<dimension ref="{sh.dimension()}"/>', head, count=1)
        with self._archive.open(ws.path[1:], "w") as part:
            part.write(head.encode("utf-8"))
            with _Deflater(part.write) as write:
                sh.write_xml(write)
            part.write(tail.encode("utf-8"))

    def write_worksheet(self, ws):
        self.manifest.append(ws)  # its part is in the package already (stream_worksheet)


def build_workbook(results: Results, scenario: Scenario, audience: str = "internal") -> Workbook:
    """The report as an openpyxl workbook, read back from the file :func:`render` makes."""
    return openpyxl.load_workbook(io.BytesIO(render(results, scenario, audience)))


def write_report(results: Results, scenario: Scenario, path: str | os.PathLike,
                 audience: str = "internal", only: set[str] | None = None,
                 iterations_sheet: bool = False) -> Path:
    """Write the Excel report to ``path`` and return it.

    The workbook is streamed into a temporary file in the same folder, sheet by sheet, and
    renamed onto ``path`` when complete (atomic): on any failure a
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
        # streamed into a temporary file beside the report, renamed onto it when complete
        with atomic_writer(p) as out:
            render(results, scenario, audience, only, iterations_sheet, out=out)
    except ReportError:
        raise
    except OSError as exc:
        raise ReportError(f"cannot write the report {p}: {exc.strerror or exc}") from exc
    except Exception as exc:  # a bug or odd data: still never a partial file
        raise ReportError(f"cannot build the report {p}: {exc}") from exc
    return p
