"""The report as printed: LibreOffice renders it to PDF and pdftotext reads every page back.

Checks what a printed page must never show: ``###`` for a number too wide for its column, a
repeated header that belongs to another table than the rows under it (the Economics header over
site rows, method names under "Attribution key"), and text smaller than 8 pt. Skips when
LibreOffice or pdftotext is not installed (.ci/install-report-tools installs both, and the
Carlito font that draws Calibri with Calibri's widths).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from ecolca.core.model import Flow, Site
from ecolca.report import write_report
from ecolca.lca.results import ProductRow, SiteEconomics, SiteResult
from test_report import GWP, HTOX, results, scenario  # noqa: F401

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(not (LIBREOFFICE and PDFTOTEXT),
                                reason="LibreOffice or pdftotext not installed "
                                       "(.ci/install-report-tools)")
N_EXTRA = 60  # sites added to the fixture: long tables that run over several pages


def _grow(results, scenario) -> None:
    """The test park with 60 more sites, and Monte Carlo draws for the histogram."""
    for i in range(N_EXTRA):
        sid, name = f"site{i:03d}", f"Workshop {i:03d} (metal finishing and coating)"
        scenario.sites.append(Site(id=sid, name=name, sector="metals", location="Kalundborg",
                                   flows=[Flow(id="p", kind="product", name="coated parts",
                                               amount=1000.0 + i, unit="t")]))
        results.functional_unit.append(ProductRow(name, "coated parts", 1000.0 + i, "t"))
        results.economics.append(SiteEconomics(sid, name, 123456789.0 + i, 98765432.1 - i))
        for key in ("physical", "50/50", "economic", "receiver", "supplier"):
            for m, unit, scale in ((GWP, "kg CO2-Eq", 1e6), (HTOX, "CTUh", 1e-3)):
                results.sites.append(SiteResult(sid, name, m, unit, key, 12.5 * scale,
                                                11.25 * scale))
    results.economics[2].missing_prices = []
    rng = np.random.default_rng(5)
    results.uncertainty[0].delta_samples = rng.normal(-1e7, 4e6, 1000)


def _pages(pdf: Path, bbox: bool = False) -> list[str]:
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=120).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _sheet_of(page: str, names: list[str]) -> str:
    """The sheet a page belongs to, from its footer "<sheet> – page n of N" (pdftotext may
    put a chart's last label on the same line)."""
    for line in reversed([ln for ln in page.splitlines() if ln.strip()]):
        for name in sorted(names, key=len, reverse=True):
            if re.search(rf"(^|\s){re.escape(name)} – page \d+ of \d+\s*$", line):
                return name
    raise AssertionError("page without the report's footer:\n" + page[-500:])


@pytest.fixture
def printed(results, scenario, tmp_path):
    _grow(results, scenario)
    xlsx = write_report(results, scenario, tmp_path / "report.xlsx")
    r = subprocess.run([LIBREOFFICE, "--headless", "--norestore",
                        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                       capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "report.pdf"
    assert pdf.is_file(), r.stdout + r.stderr
    return xlsx, pdf


def test_printed_report(printed):
    xlsx, pdf = printed
    wb = openpyxl.load_workbook(xlsx)
    pages = _pages(pdf)
    assert len(pages) >= len(wb.sheetnames)
    names = [_sheet_of(p, wb.sheetnames) for p in pages]
    # (sheet, its n-th page): page numbers in the footer run through the whole document
    sheets = [(name, names[: i + 1].count(name)) for i, name in enumerate(names)]
    assert list(dict.fromkeys(names)) == wb.sheetnames  # every sheet printed, in order

    # 1. no number too wide for its column
    for page, (sheet, n) in zip(pages, sheets):
        assert "###" not in page, f"### on {sheet} page {n}"

    # 2. every page of a sheet that repeats its header starts with that sheet's own header,
    #    and the rows under it belong to that header's table
    header_words, first_words = {}, {}
    for ws in wb.worksheets:
        if ws.print_title_rows:
            row = int(ws.print_title_rows.replace("$", "").split(":")[0])
            # what the table's rows begin with: the first word of their first cell
            first_words[ws.title] = {str(ws.cell(r, 1).value).split()[0]
                                     for r in range(row + 1, ws.max_row + 1)
                                     if str(ws.cell(r, 1).value or "").strip()}
            # pdftotext may drop the thin spaces of "Δ = S − L": compare without spaces
            header_words[ws.title] = "|".join(str(c.value).replace(" ", "") for c in ws[row]
                                              if c.value)
    continued = 0
    for page, (sheet, n) in zip(pages, sheets):
        if sheet not in header_words or n == 1:
            continue
        continued += 1
        top = next(ln for ln in page.splitlines() if ln.strip()).split()
        assert len(top) >= 2 and all(w in header_words[sheet] for w in top), (sheet, n, top)
        # ... and the rows under it are that table's: a line that starts a row (text from the
        # left margin) begins like one of the table's rows
        lines = [ln for ln in page.splitlines() if ln.strip()][:-1]
        while lines and all(w in header_words[sheet] for w in lines[0].split()):
            lines.pop(0)  # the header, over one to three lines
        for ln in lines:
            if not ln[:1].isspace():
                assert ln.split()[0] in first_words[sheet], (sheet, n, ln[:60])
    assert continued >= 3  # the long tables did run over several pages

    # 3. headers of one table never over another's rows
    for page, (sheet, n) in zip(pages, sheets):
        if sheet != "Economics":
            assert "Missing prices" not in page and "Linear cost" not in page, (sheet, n)
        else:  # the cost table carries costs, never impacts
            assert "kg CO2-Eq" not in page and "CTUh" not in page, (sheet, n)

    # 4. no text below 8 pt: a word's box is about 1.2 × its font size (ascent + descent)
    html = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout
    heights = [float(b) - float(a) for a, b in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">', html)]
    assert heights
    small = sorted(h for h in heights if h < 8.8)
    assert not small, f"{len(small)} words below 8 pt, smallest box {small[0]:.1f} pt"


# ---- a wider font than the report measured (issue #20: DejaVu instead of Carlito) -----------
def _with_font(xlsx: Path, out: Path, family: str) -> Path:
    """The workbook with every font renamed (what a reader without Calibri and Carlito gets:
    the same cells in a wider font)."""
    import zipfile

    with zipfile.ZipFile(xlsx) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for item in zi.infolist():
            data = zi.read(item.filename)
            if item.filename.endswith(".xml"):
                data = data.replace(b'"Calibri"', f'"{family}"'.encode()).replace(
                    b"Calibri,", f"{family},".encode())
            zo.writestr(item, data)
    return out


def _chart_words(ws) -> set[str]:
    """The words of a sheet's charts (titles, axis titles, series names): not table headers."""
    words: set[str] = set()

    def add(text) -> None:
        if text:
            words.update(str(text).split())

    for ch in ws._charts:
        for t in (ch.title, ch.x_axis.title, ch.y_axis.title):
            if t is not None and getattr(t, "tx", None) is not None and t.tx.rich is not None:
                for p in t.tx.rich.p:
                    for r in p.r or []:
                        add(r.t)
            elif isinstance(t, str):
                add(t)
        for s in ch.series:
            if s.tx is not None and s.tx.v:
                add(s.tx.v)
    return words


@pytest.mark.skipif(not shutil.which("fc-list") or "DejaVu Sans" not in subprocess.run(
    ["fc-list"], capture_output=True, text=True).stdout, reason="DejaVu Sans not installed")
def test_a_header_is_never_left_at_the_bottom_of_a_page_in_a_wider_font(kalundborg_mc,
                                                                         tmp_path):
    """With DejaVu Sans drawn instead of Calibri (a reader without Carlito), LibreOffice
    printed Kalundborg's Sensitivity table header and one row at the bottom of a page and the
    rest on the next, without its header. The report now ends every page where its own
    estimate does: a table's header (and the heading above it) keeps its first rows with it,
    whatever the font."""
    res, sc, _ = kalundborg_mc
    xlsx = write_report(res, sc, tmp_path / "k.xlsx")
    wide = _with_font(xlsx, tmp_path / "k-dejavu.xlsx", "DejaVu Sans")
    r = subprocess.run([LIBREOFFICE, "--headless", "--norestore",
                        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(wide)],
                       capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "k-dejavu.pdf"
    assert pdf.is_file(), r.stdout + r.stderr
    wb = openpyxl.load_workbook(xlsx)
    header_words: dict[str, set[str]] = {}
    for ws in wb.worksheets:  # the words of every table header (white on the header fill)
        words = {w for row in ws.iter_rows() for c in row
                 if c.value and str(c.fill.fgColor.rgb).endswith("2F5D50")
                 for w in str(c.value).split()}
        header_words[ws.title] = words - _chart_words(ws)
    pages = _pages(pdf)
    checked = 0
    for i, page in enumerate(pages):
        sheet = _sheet_of(page, wb.sheetnames)
        lines = [ln for ln in page.splitlines() if ln.strip()][:-1]  # without the footer
        head = [k for k, ln in enumerate(lines)
                if all(w in header_words[sheet] for w in ln.split())]
        if not head:
            continue
        checked += 1
        after = len(lines) - 1 - max(head)  # lines under the page's last header line
        assert after >= 2 or max(head) == 0, (sheet, i + 1, lines[max(head)][:60],
                                              lines[max(head) + 1:])
    assert checked >= 10


from test_report_numbers import kalundborg_mc  # noqa: E402,F401  (the module's fixture)
