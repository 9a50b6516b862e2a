"""The report's layout and wording rules: named fonts, widths that keep printed text ≥ 8 pt,
charts on their own page, rounding noise as 0, costs 'not computed' without prices, biosphere
flows by name, declared product amounts, Monte Carlo settings as run, its statistics and
histogram, and Methods & data holding each fact once without a machine path."""

from __future__ import annotations

import io
import re
import types
import zipfile

import numpy as np
import openpyxl
import pytest

from ecolca.report import writer as report_mod
from ecolca.core.model import ActivityRef, Flow
from ecolca.report import common, layout, styles
from ecolca.report import write_report
from ecolca.lca.results import ExchangeParts, InventoryTotal, ProductRow
from test_report import GWP, _find, _header_map, book, results, scenario  # noqa: F401

BIO_CODE = "349b29d1-3e58-4c66-98b9-9d1a076efd2e"


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _texts(ws) -> str:
    return " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def test_every_font_in_the_file_is_named(results, scenario):
    data = _save(report_mod.build_workbook(results, scenario))
    styles_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    fonts = re.findall(r"<font>(.*?)</font>|<font (?:[^>]*)>(.*?)</font>", styles_xml, re.S)
    fonts = [a or b for a, b in fonts]
    assert fonts and all(f'<name val="{styles.FONT_NAME}"' in f for f in fonts), fonts


def test_calibri_widths_are_measured_not_counted():
    # "W" is about three times as wide as "i" in Calibri; a character count would not know
    assert styles.text_px("W" * 10) > 2.5 * styles.text_px("i" * 10)
    assert styles.text_px("1234567890") == pytest.approx(10 * 1038 / 2048 * 11 * 96 / 72)
    assert styles.text_px("abc", bold=True) > styles.text_px("abc")
    assert styles.wrap_lines("word " * 40, 20) > 3
    assert styles.wrap_lines("short", 20) == 1


def test_every_sheet_prints_at_8_pt_or_more(book):
    """Fit to one page wide: the scale is the printable width over the sheet's width; with
    11 pt text it must stay ≥ 8/11. (At a glance is fitted to one page: tests/test_onepage.py.)"""
    for ws in book.worksheets:
        if ws.title == "At a glance":
            continue
        total = sum(d.width or 0 for d in ws.column_dimensions.values())
        scale = min(1.0, layout.PRINT_W_PT / (total * styles.PT_PER_CHAR))
        assert 11 * scale >= 8.0, (ws.title, total, scale)
        assert int(ws.page_setup.fitToHeight) == 0


def test_number_columns_leave_room_for_their_numbers(book):
    """No ###: every number, bold in total rows, fits its column with room to spare."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    shown = styles.formatted(float(c.value), c.number_format)
                    need = styles.width_chars(styles.text_px(shown, 11, bool(c.font.b)))
                    width = ws.column_dimensions[c.column_letter].width
                    assert width >= need * 1.1, (ws.title, c.coordinate, shown, width)


def test_rounding_noise_prints_as_zero(results, scenario, tmp_path):
    results.exchanges.append(ExchangeParts("ex3", "noise", GWP, "kg CO2-Eq", 1.0e6, -1.0e6,
                                           3.74e-11, 0.0, 0.0, None))
    results.impacts[0].symbiotic += 3.74e-11
    results.inventory.append(InventoryTotal("Noise (to air)", "kg", 1.2e6, 1.2e6 - 2.58e-26))
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))
    ws = wb["Exchanges"]
    hdr, cols = _header_map(ws, "Exchange id")
    r = _find(ws, "ex3").row
    assert ws.cell(r, cols["Transport [unit/year]"]).value == 0
    assert ws.cell(r, cols["Avoided fate [unit/year]"]).value == 1.0e6
    ws = wb["Inventory"]
    r = _find(ws, "Noise (to air)").row
    assert ws.cell(r, 5).value == 0
    for ws in wb.worksheets:  # nothing anywhere is a tiny leftover of a cancellation
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, float) and c.value != 0:
                    assert abs(c.value) > 1e-20, (ws.title, c.coordinate, c.value)


def test_denoise_is_relative_to_the_row():
    assert styles.denoise([1e6, 3.7e-11, -2e-3]) == [1e6, 0.0, -2e-3]
    assert styles.denoise([1e-12, 2e-12]) == [1e-12, 2e-12]  # small but not noise
    assert styles.denoise([1e-12, None, "n/m"], scale=1e6) == [0.0, None, "n/m"]


def test_biosphere_flows_carry_their_names(results, scenario, tmp_path):
    scenario.sites[0].flows.append(Flow(id="co2", kind="emission", name="CO2 from the boiler",
                                        amount=1e6, unit="kg",
                                        activity=ActivityRef("biosphere3", BIO_CODE)))
    results.metadata["background_names"] = {
        f"biosphere3:{BIO_CODE}": "Carbon dioxide, fossil (air)",
        "ecolca-open:coal": "hard coal, supply"}
    ws = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))[
        "Input flows"]
    texts = _texts(ws)
    assert f"Carbon dioxide, fossil (air) · biosphere3:{BIO_CODE}" in texts
    assert "hard coal, supply · ecolca-open:coal" in texts


def test_biosphere_names_come_from_the_brightway_project(bw_project, results, scenario):
    import bw2data as bd

    node = next(n for n in bd.Database("biosphere3")
                if n["name"] == "Carbon dioxide, fossil" and tuple(n["categories"]) == ("air",))
    scenario.sites[0].flows.append(Flow(id="co2", kind="emission", name="CO2", amount=1.0,
                                        unit="kg", activity=ActivityRef("biosphere3",
                                                                        node["code"])))
    results.metadata["brightway_project"] = bd.projects.current
    ws = report_mod.build_workbook(results, scenario)["Input flows"]
    assert f"Carbon dioxide, fossil (air) · biosphere3:{node['code']}" in _texts(ws)
    # a report of another project's results never looks names up in this one
    results.metadata["brightway_project"] = "some-other-project"
    ws = report_mod.build_workbook(results, scenario)["Input flows"]
    assert f"biosphere3:{node['code']}" in _texts(ws)
    assert "Carbon dioxide, fossil (air)" not in _texts(ws)


def test_functional_unit_carries_declared_amounts(results, scenario, tmp_path):
    results.functional_unit.append(ProductRow("@Fish farm", "fish feed (annual output)", 1,
                                              "item"))
    ws = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))[
        "Methods & data"]
    items = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, ws.max_row + 1)]
    assert ("=Power plant", "1,500,000 MWh electricity") in items
    assert ("Plasterboard works", "14,000,000 m2 plasterboard") in items
    assert ("@Fish farm", "fish feed (annual output): not quantified (declared as 1 item)") \
        in items
    assert not any(v and "1 item fish" in str(v) for _, v in items)


def test_monte_carlo_settings_are_the_ones_run(results, scenario, tmp_path):
    scenario.monte_carlo_iterations, scenario.monte_carlo_seed = 0, 42
    results.metadata["monte_carlo"] = {"iterations": 200, "seed": 1}
    results.uncertainty[0].iterations, results.uncertainty[0].seed = 200, 1
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))
    ws = wb["Scenario"]
    mc = ws.cell(_find(ws, "Monte Carlo (as run)").row, 2).value
    assert mc.startswith("200 paired iterations, seed 1")
    assert "0 iterations with seed 42, was overridden" in mc
    assert "200 paired iterations, seed 1" in _texts(wb["Monte Carlo"])
    assert "200 paired iterations, seed 1" in _texts(wb["Methods & data"])
    assert "iterations 0" not in _texts(wb["Scenario"]).lower()
    # no Monte Carlo run: every sheet says so
    results.uncertainty = []
    results.metadata["monte_carlo"] = "not run"
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r2.xlsx"))
    ws = wb["Scenario"]
    assert ws.cell(_find(ws, "Monte Carlo (as run)").row, 2).value == "not run"


def test_monte_carlo_with_draws_has_sd_cv_percentiles_and_a_histogram(results, scenario,
                                                                       tmp_path):
    rng = np.random.default_rng(3)
    u = results.uncertainty[0]
    lin = rng.normal(9e8, 5e7, 500)
    sym = lin + rng.normal(-1e7, 4e6, 500)
    u.linear_samples, u.symbiotic_samples, u.delta_samples = lin, sym, sym - lin
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))
    ws = wb["Monte Carlo"]
    hdr, cols = _header_map(ws, "Result")
    for h in ("SD [unit/year]", "CV [%]", "5 % [unit/year]", "95 % [unit/year]"):
        assert h in cols, h
    r = next(r for r in range(hdr + 1, ws.max_row + 1)
             if ws.cell(r, cols["Result"]).value == "Δ = S − L")
    d = sym - lin
    assert ws.cell(r, cols["SD [unit/year]"]).value == pytest.approx(d.std(ddof=1))
    assert ws.cell(r, cols["5 % [unit/year]"]).value == pytest.approx(np.percentile(d, 5))
    assert ws.cell(r, cols["95 % [unit/year]"]).value == pytest.approx(np.percentile(d, 95))
    mean = ws.cell(r, cols["Mean [unit/year]"]).value  # as given; the draws fill the rest
    assert mean == pytest.approx(-1e7)
    assert ws.cell(r, cols["CV [%]"]).value == pytest.approx(100 * d.std(ddof=1) / abs(mean))
    # the given statistics stay as given
    assert ws.cell(r, cols["2.5 % [unit/year]"]).value == pytest.approx(-2e7)
    assert "Not computed in this run" not in _texts(ws)
    hist = wb["Δ histograms"]
    assert len(hist._charts) == 1
    # chart data in the scale its headers name, so the axis labels are short (issue #20)
    head = next(c.value for row in hist.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("From ["))
    assert head == "From [kt CO2-Eq/year]"
    hdr, cols = _header_map(hist, head)
    counts, r = [], hdr + 1
    while isinstance(hist.cell(r, cols["Draws"]).value, int):
        counts.append(hist.cell(r, cols["Draws"]).value)
        r += 1
    assert sum(counts) == 500 and 6 <= len(counts) <= 10
    assert hist.cell(hdr + 1, cols[head]).value == pytest.approx(d.min() / 1e6)
    chart = report_mod.build_workbook(results, scenario)["Δ histograms"]._charts[0]
    assert chart.tagname == "barChart" and chart.type == "col" and chart.gapWidth <= 20


def test_methods_sheet_each_fact_once_no_machine_path(results, scenario, tmp_path,
                                                      monkeypatch):
    results.metadata.update({
        "brightway_dir": "/home/someone/.local/share/Brightway3",
        "background_database": "ecolca-open",
        "foreground_database": "ecolca: Kalundborg test [scn-test]",
        "functional_unit": "annual output of all sites in the reference year",
        "linear_definition": "every site buys all its supplies",
        "symbiotic_definition": "as linear, but each exchange lowers",
        "lcia_methods": [" | ".join(GWP)], "notes": ["a note of the run"]})
    results.metadata["databases"]["ecolca: Kalundborg test [scn-test]"] = ""
    results.metadata["databases"]["biosphere3"] = ""
    monkeypatch.setenv("BRIGHTWAY_DIR", "/tmp/somewhere")
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))
    ws = wb["Methods & data"]
    rows = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, ws.max_row + 1)]
    texts = _texts(ws)
    assert "/home/someone" not in texts and "/tmp/somewhere" not in texts
    assert ("Brightway folder", "set by the environment variable BRIGHTWAY_DIR") in rows
    # no label without a value, except the section headings; each value once
    hdr, _ = _header_map(ws, "Item")
    sections = {"Functional unit", "Configurations", "Calculation settings",
                "Software and data", "Notes of the run"}
    body = [(k, v) for k, v in rows[hdr:] if k is not None or v is not None]
    for k, v in body:
        assert v not in (None, "") or k in sections, (k, v)
    values = [v for _, v in body if v not in (None, "")]
    assert len(values) == len(set(values)), [v for v in values if values.count(v) > 1]
    assert texts.count("global warming potential (GWP100)") == 1
    assert texts.count("every site buys all its supplies") == 1
    assert ("Elementary flows: biosphere3", "version not recorded in the Brightway project") \
        in rows
    assert not any(k and "ecolca: Kalundborg test" in str(k) for k, _ in rows)  # foreground


def test_brightway_folder_is_never_a_path():
    assert common.brightway_folder_text({}) == "default (Brightway's own data folder)"
    assert common.brightway_folder_text({"BRIGHTWAY2_DIR": "/x/y"}) == \
        "set by the environment variable BRIGHTWAY2_DIR"
    assert common.brightway_folder_text({"BRIGHTWAY_DIR": "/a", "BRIGHTWAY2_DIR": "/a"}) == \
        "set by the environment variable BRIGHTWAY_DIR"


def test_a_new_sheet_is_one_module(results, scenario, monkeypatch):
    """Every module of ecolca.report.sheets is a sheet; adding one adds a sheet."""
    from ecolca.report import sheets

    assert [m.NAME for m in sheets.SHEETS] == list(report_mod.SHEET_NAMES)
    for m in sheets.SHEETS:
        assert callable(m.write) and isinstance(m.ORDER, int), m.__name__

    def write(sh, ctx):
        sh.title("Extra")
        sh.table([("Site", "text")], [[p.site_name] for p in ctx.results.functional_unit])

    extra = types.SimpleNamespace(NAME="Extra", ORDER=82, write=write)
    monkeypatch.setattr(sheets, "SHEETS", sorted(sheets.SHEETS + [extra],
                                                 key=lambda m: m.ORDER))
    monkeypatch.setattr(report_mod, "SHEETS", sheets.SHEETS)
    wb = report_mod.build_workbook(results, scenario)
    assert wb.sheetnames.index("Extra") == wb.sheetnames.index("Monte Carlo") + 1
    assert _find(wb["Extra"], "=Power plant").quotePrefix


def _anchor_row(chart) -> int:
    from openpyxl.utils.cell import coordinate_from_string

    a = chart.anchor
    return coordinate_from_string(a)[1] if isinstance(a, str) else a._from.row + 1


def test_charts_start_a_page_and_fit_on_it(results, scenario):
    rng = np.random.default_rng(1)
    results.uncertainty[0].delta_samples = rng.normal(-1e7, 3e6, 300)
    wb = report_mod.build_workbook(results, scenario)
    page_cm = layout.PRINT_H_PT / 28.35
    for ws in wb.worksheets:
        for chart in ws._charts:
            assert chart.height <= page_cm and chart.height <= layout.CHART_MAX_H_CM
            row = _anchor_row(chart)
            breaks = {b.id for b in ws.row_breaks.brk}
            # on a page of its own (a break just before it), or in the first screenful of its
            # sheet under the title, or beside its own data (the histograms)
            assert row - 1 in breaks or row <= 6 or ws.title == "Δ histograms", \
                (ws.title, row, breaks)


def test_summary_chart_on_a_new_page(results, scenario):
    ws = report_mod.build_workbook(results, scenario)["Summary"]
    chart = ws._charts[0]
    row = _anchor_row(chart)
    assert row - 1 in {b.id for b in ws.row_breaks.brk}
