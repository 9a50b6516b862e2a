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
to its rows (:mod:`ecolca.report.layout`), and the file is written atomically, so a failed
write leaves no partial file and the previous report intact. Cell text is written once per
workbook as shared strings (``xl/sharedStrings.xml``), and the package is deflated once, as it is
written (:class:`_Package`).

Streaming (docs/performance.md, "The report at scale"): each sheet is written, laid out (its
widths and row heights need all of its cells) and then streamed row by row into the package in
the temporary file before the next sheet begins; its cells are freed as they are written. The
memory held is therefore the largest single sheet plus the text of all cells, never the whole
workbook, and openpyxl's per-cell objects are never made (its writer supplies the rest of each
worksheet part: columns, panes, merges, page breaks, print settings, drawings).

The writer lives in :mod:`ecolca.report.writer`; its public names are loaded from there on first
use (PEP 562), so that importing a light module of the package (``ecolca.report.onepage``, which
the CLI's text output and the app use) does not load openpyxl and every sheet (0.85 s).
"""

from __future__ import annotations

from typing import Any

_WRITER_NAMES = {"write_report", "render", "build_workbook", "SHEET_NAMES", "KEY_LABELS",
                 "LINEAR_DEFINITION", "SYMBIOTIC_DEFINITION", "method_label", "Results"}

__all__ = sorted(_WRITER_NAMES)


def __getattr__(name: str) -> Any:
    if name in _WRITER_NAMES:
        from ecolca.report import writer

        return getattr(writer, name)
    raise AttributeError(f"module 'ecolca.report' has no attribute {name!r}")
