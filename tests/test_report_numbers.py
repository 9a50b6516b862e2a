"""One number policy in the report (issue #20, point 3), the part done so far: every total on the
Contributions sheet is the Impacts sheet's, so the two agree to every digit shown."""

from __future__ import annotations

import openpyxl
import pytest

from ecolca.core import examples
from ecolca import lca
from ecolca.report import write_report
from ecolca.lca.results import method_label

from conftest import PROJECT


@pytest.fixture(scope="module")
def kalundborg_book(_bw_project_built, tmp_path_factory):
    sc = examples.load("kalundborg")
    res = lca.compare(sc, project=PROJECT)
    path = write_report(res, sc, tmp_path_factory.mktemp("k") / "k.xlsx")
    return res, openpyxl.load_workbook(path)


def test_contributions_totals_are_the_impacts_totals(kalundborg_book):
    """Kalundborg's Contributions total L read 5,093,672,266 beside Impacts' 5,093,672,010
    (Brightway's solve holds amounts as float32): the Total row now holds the very numbers of
    the Impacts row, and the rows of each method add up to it (the rest row carries the
    rounding of the solve)."""
    res, wb = kalundborg_book
    impacts = {}
    for r in wb["Impacts"].iter_rows(values_only=True):
        for imp in res.impacts:
            if imp.covered and list(r[:len(imp.method)]) == list(imp.method):
                impacts[imp.method] = r
    rows = [[c for c in r] for r in wb["Contributions"].iter_rows(values_only=True)]
    checked = 0
    for imp in res.impacts:
        if not imp.covered:
            continue
        head = next(i for i, r in enumerate(rows) if isinstance(r[0], str)
                    and r[0].startswith(method_label(imp.method) + " ["))
        end = next(i for i in range(head + 1, len(rows)) if rows[i][1] == "Total")
        total, block = rows[end], rows[head + 1:end]
        n = len(imp.method)
        want_l, want_s, want_d = impacts[imp.method][n + 1:n + 4]
        assert (total[4], total[5], total[6]) == (want_l, want_s, want_d), method_label(imp.method)
        for col, want in ((4, want_l), (5, want_s)):
            got = sum(r[col] or 0.0 for r in block)
            assert got == pytest.approx(want, rel=1e-12, abs=1e-9 * abs(want_l or 1.0))
        checked += 1
    assert checked >= 5


# ---- the number policy on every sheet (issue #20 point 3; docs/report.md, "Numbers") ---------
import re  # noqa: E402

from ecolca.core.numbers import round_sig  # noqa: E402

# sheets of results (3 significant figures, one scale per row) and of raw data (full values)
RESULT_SHEETS = ("Summary", "Impacts", "Contributions", "Exchanges", "Exchanges chart",
                 "Sensitivity", "Sites", "Sites, all keys", "Disclosure", "Per product",
                 "Economics", "Monte Carlo", "Δ histograms", "Methods & data")
RAW_SHEETS = ("Inventory", "Full inventory")
# a number in E-notation in a text ("1.3466e+08", "4.7e-08", "-3.0E+8"); not an id's hex
E_TEXT = re.compile(r"(?<![\w:.-])[-−]?\d+(?:\.\d+)?[eE][+-]?\d+(?![\w-])")
_GROUPED = re.compile(r"^#,##0(?:\.(0+))?(,*)$")


def shown(value: float, fmt: str) -> str:
    """What a spreadsheet shows for ``value`` in ``fmt`` (the formats the report uses), worked
    out here and not by the report's own code."""
    g = _GROUPED.match(fmt)
    if g:
        d, k = len(g.group(1) or ""), len(g.group(2))
        return f"{value / 1000.0 ** k:,.{d}f}"
    if re.fullmatch(r"0\.0+", fmt):
        return f"{value:.{len(fmt) - 2}f}"
    if fmt in ("0", "General"):
        return f"{value:.0f}"
    if fmt == "0.0":
        return f"{value:.1f}"
    raise AssertionError(f"a format the report should not use for results: {fmt!r}")


def _ulp(fmt: str) -> float:
    g = _GROUPED.match(fmt) or re.fullmatch(r"0\.(0+)()", fmt)
    d = len(g.group(1) or "") if g else 0
    return 10.0 ** -d


@pytest.fixture(scope="module")
def kalundborg_mc(_bw_project_built, tmp_path_factory):
    """Kalundborg with Monte Carlo and sensitivity: every sheet of the report is written."""
    sc = examples.load("kalundborg")
    res = lca.compare(sc, project=PROJECT, iterations=120, seed=3)
    path = write_report(res, sc, tmp_path_factory.mktemp("kmc") / "k.xlsx")
    return res, sc, openpyxl.load_workbook(path)


def test_no_sheet_shows_e_notation(kalundborg_mc):
    """Issue #20: L and S above 1e10 printed as 4.87E+10 beside a Δ of −3,095,202,842; the
    histogram's labels as 3.0E+8. No number format and no text of a result sheet is in
    E-notation (nor any number format of a raw-data sheet)."""
    _, _, wb = kalundborg_mc
    assert {"Monte Carlo", "Δ histograms", "Sensitivity", "Contributions"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    assert "E" not in c.number_format.upper(), (ws.title, c.coordinate,
                                                                c.number_format)
                elif isinstance(c.value, str) and ws.title in RESULT_SHEETS:
                    assert not E_TEXT.search(c.value), (ws.title, c.coordinate, c.value)


def _rows_lsd(ws, first: str, heads=("Linear (L) [unit/year]", "Symbiotic (S) [unit/year]",
                                     "Δ = S − L [unit/year]")):
    """(row number, L, S, Δ cells) of every row of the table headed ``first`` with three
    numbers."""
    hdr = next(c for row in ws.iter_rows() for c in row if c.value == first)
    cols = {c.value: c.column for c in ws[hdr.row] if c.value}
    j = [cols[h] for h in heads]
    for r in range(hdr.row + 1, ws.max_row + 1):
        if ws.cell(r, 1).value == first:  # the next table
            break
        cells = [ws.cell(r, k) for k in j]
        if all(isinstance(c.value, float) for c in cells):
            yield r, cells


def test_a_row_is_one_scale_and_its_delta_can_be_checked(kalundborg_mc):
    """One scale and one number of decimals per row, so Δ = S − L holds on the page to one
    unit of the last digit shown; 3 significant figures of the row (the largest value shows
    3 or 4 figures, not 10)."""
    _, _, wb = kalundborg_mc
    checked = 0
    for sheet, first in (("Impacts", "Method"), ("Summary", "Method"), ("Sites", "Attribution key"),
                         ("Contributions", "Rank")):
        for r, (lin, sym, d) in _rows_lsd(wb[sheet], first):
            assert lin.number_format == sym.number_format == d.number_format, (sheet, r)
            texts = [shown(c.value, c.number_format) for c in (lin, sym, d)]
            values = [float(t.replace(",", "")) for t in texts]
            assert abs(values[1] - values[0] - values[2]) <= _ulp(d.number_format) * 1.001, \
                (sheet, r, texts)
            largest = max(texts, key=lambda t: abs(float(t.replace(",", ""))))
            assert len(re.sub(r"\D", "", largest).lstrip("0")) <= 8, (sheet, r, texts)
            checked += 1
    assert checked >= 40
    # the figures of issue #20: EF fossil energy in PJ, Kalundborg GWP in Mt
    ws = wb["Impacts"]
    units = {ws.cell(r, 4).value for r in range(1, ws.max_row + 1)}
    assert {"PJ, net calorific value", "Mt CO2-Eq"} <= units


def test_contributions_totals_read_as_impacts_to_the_digit(kalundborg_mc):
    """Every Total row of Contributions is shown exactly as its method's Impacts row (the same
    numbers in the same format), and so is the Exchanges sheet's system Δ."""
    res, _, wb = kalundborg_mc
    impacts = {}
    for r, (lin, sym, d) in _rows_lsd(wb["Impacts"], "Method"):
        label = " | ".join(wb["Impacts"].cell(r, k).value for k in (1, 2, 3))
        impacts[label] = [shown(c.value, c.number_format) for c in (lin, sym, d)]
    ws = wb["Contributions"]
    rows = list(ws.iter_rows())
    checked = 0
    for i, row in enumerate(rows):
        head = row[0].value
        if not (isinstance(head, str) and head.split(" [")[0] in impacts):
            continue
        total = next(r for r in rows[i + 1:] if r[1].value == "Total")
        got = [shown(c.value, c.number_format) for c in total[4:7]]
        assert got == impacts[head.split(" [")[0]], head
        checked += 1
    assert checked >= 5
    ws = wb["Exchanges"]
    hdr = next(c for row in ws.iter_rows() for c in row if c.value == "Exchange id")
    cols = {c.value: c.column for c in ws[hdr.row] if c.value}
    block = None
    for r in range(hdr.row + 1, ws.max_row + 1):
        a = ws.cell(r, 1).value
        if isinstance(a, str) and a.split(" [")[0] in impacts:
            block = a.split(" [")[0]
        if a == "Σ":
            c = ws.cell(r, cols["System Δ, Impacts sheet [unit/year]"])
            assert shown(c.value, c.number_format) == impacts[block][2], block


def test_raw_data_sheets_have_no_float32_noise(kalundborg_mc):
    """Brightway's solve holds amounts as float32: the raw-data sheets keep full values to the
    7 significant figures they carry (4,300,000,256 is 4,300,000,000), and there Δ = S − L."""
    _, _, wb = kalundborg_mc
    n = 0
    for name in RAW_SHEETS:
        for r, (lin, sym, d) in _rows_lsd(wb[name], "Flow"):
            for c in (lin, sym):
                assert c.value == round_sig(c.value, 7), (name, c.coordinate, c.value)
                n += 1
            assert d.value == pytest.approx(sym.value - lin.value, rel=1e-9,
                                            abs=1e-9 * abs(lin.value)), (name, r)
    assert n >= 20
    # the result sheets show 3 figures: the direct CO2 of Asnæs reads 4.30 (Mt), never the
    # float32 4,300,000,256
    ws = wb["Contributions"]
    texts = [shown(c.value, c.number_format) for row in ws.iter_rows() for c in row
             if isinstance(c.value, float)]
    assert "4.30" in texts and not any("4,300,000,256" in t for t in texts)


def test_histogram_labels_are_short_and_in_the_scale_of_their_header(kalundborg_mc):
    """The Δ histograms' bin labels wrapped as "-/3.0E+/8": the chart data holds the values in
    the unit its header names (kt CO2-Eq), so the labels are a few characters."""
    _, _, wb = kalundborg_mc
    ws = wb["Δ histograms"]
    heads = [c for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("Centre [")]
    assert heads and any("kt CO2-Eq" in c.value for c in heads)
    for h in heads:
        for r in range(h.row + 1, ws.max_row + 1):
            c = ws.cell(r, h.column)
            if not isinstance(c.value, float):
                break
            assert len(shown(c.value, c.number_format)) <= 8, (c.coordinate, c.value)


def test_sensitivity_never_says_a_negative_share():
    """Issue #20: "1 − ΣS1 = -0.13 is the share of the background's variability": estimated
    indices that sum above 1 are noise, and the rest is then not estimated, never negative."""
    from ecolca.lca.results import GlobalShare
    from ecolca.lca.sensitivity import global_note

    over = [GlobalShare("a", 0.71, 0.05), GlobalShare("b", 0.42, 0.06)]
    text = global_note(over, 200)
    assert "not estimated" in text and "-0.13" not in text and "−0.13" not in text
    assert not re.search(r"[-−]\s?0?\.\d+ is the share", text)
    under = global_note([GlobalShare("a", 0.5, 0.05), GlobalShare("b", 0.37, 0.06)], 200)
    assert "13 %" in under and "unexplained" in under


def test_sensitivity_sheet_never_says_a_negative_share(kalundborg_mc):
    _, _, wb = kalundborg_mc
    texts = [c.value for row in wb["Sensitivity"].iter_rows() for c in row
             if isinstance(c.value, str)]
    assert any("Sobol" in t or "not estimated" in t for t in texts)
    assert not any(re.search(r"1 − ΣS1 = [-−]", t) for t in texts)


def test_methods_and_data_lists_only_the_backgrounds_the_park_uses(kalundborg_mc, tmp_path):
    """Kalundborg's Methods & data listed background uslci, installed in the project but not
    used by any of the park's references."""
    res, sc, _ = kalundborg_mc
    res.metadata["databases"] = {**(res.metadata.get("databases") or {}), "uslci": "1.0",
                                 "biosphere3": None, "ecolca-open": "0.1.0"}
    wb = openpyxl.load_workbook(write_report(res, sc, tmp_path / "m.xlsx"))
    texts = [str(c.value) for row in wb["Methods & data"].iter_rows() for c in row if c.value]
    assert not any("uslci" in t for t in texts)
    assert any(t == "Background database: ecolca-open" for t in texts)


def test_cli_table_is_by_the_number_policy(bw_project):
    """The CLI's table of L, S, Δ per method: one scaled unit per row, 3 significant figures,
    no E-notation (Kalundborg printed 48,731,164,340 beside −3,095,202,842); --json keeps
    full precision."""
    import json

    from conftest import run_cli

    r = run_cli("run", "kalundborg")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("Method") and "Linear" in x)
    table = [x for x in lines[start + 2:] if x and not x.startswith("note:")]
    table = table[:next(i for i, x in enumerate(table) if x.startswith("Cost per year"))]
    gwp = next(x for x in table if x.startswith("IPCC 2021 | climate change"))
    assert "Mt CO2-Eq" in gwp and "5.094" in gwp and "−0.287" in gwp
    fossil = next(x for x in table if "fossil fuels" in x)
    assert "PJ, net calorific value" in fossil and "48.73" in fossil
    for x in table:
        assert not E_TEXT.search(x), x
        for number in re.findall(r"[-−]?[\d,]+\.?\d*", x.split("  ")[-1]):
            assert len(re.sub(r"\D", "", number).lstrip("0")) <= 5, x
    doc = json.loads(run_cli("run", "kalundborg", "--json").stdout)
    lin = doc["impacts"][0]["linear"]
    assert lin == pytest.approx(5_093_672_010, rel=1e-6) and lin != round(lin, -6)
