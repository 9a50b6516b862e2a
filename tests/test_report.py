"""The Excel report: structure, numbers as numbers, charts, formula-safe text, atomic writes.
Layout and print rules: test_report_layout.py; the printed PDF: test_report_pdf.py."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from ecolca.report import writer as report_mod
from ecolca.core.errors import ReportError
from ecolca.core.model import (
    ActivityRef,
    Exchange,
    ExchangeEconomics,
    Flow,
    Processing,
    Scenario,
    Site,
    Transport,
    Uncertainty,
)
from ecolca.report import scaled, styles, write_report
from ecolca.lca.results import (
    ExchangeParts,
    InventoryTotal,
    MethodResult,
    ProductRow,
    Results,
    SiteEconomics,
    SiteResult,
    UncertaintyResult,
    method_label,
)

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
HTOX = ("EF v3.1", "human toxicity: carcinogenic", "comparative toxic unit for human (CTUh)")
DB = "ecolca-open"


@pytest.fixture
def scenario() -> Scenario:
    power = Site(
        id="power", name="=Power plant", sector="energy", location="Kalundborg", position=(1.0, 2.0),
        flows=[
            Flow(id="elec", kind="product", name="electricity", amount=1.5e6, unit="MWh"),
            Flow(id="gyp-out", kind="residue", name="-FGD gypsum", amount=200_000, unit="t",
                 fate=ActivityRef(DB, "landfill-inert"), price=15.0,
                 uncertainty=Uncertainty(type="lognormal", gsd=1.1)),
            Flow(id="heat-out", kind="residue", name="surplus heat", amount=800_000, unit="MWh",
                 fate=None),
            Flow(id="coal", kind="supply", name="coal", amount=500_000, unit="t",
                 activity=ActivityRef(DB, "coal"), price=90.0),
        ])
    board = Site(
        id="board", name="Plasterboard works", sector="construction", location="Kalundborg",
        confidential=True,
        flows=[
            Flow(id="boards", kind="product", name="plasterboard", amount=14e6, unit="m2"),
            Flow(id="gyp-in", kind="supply", name="natural gypsum", amount=170_000, unit="t",
                 activity=ActivityRef(DB, "gypsum-mined"), price=25.0),
        ])
    fish = Site(
        id="fish", name="@Fish farm", sector="aquaculture",
        flows=[
            Flow(id="trout", kind="product", name="trout", amount=200, unit="t"),
            Flow(id="gas", kind="supply", name="+natural gas heat", amount=30_000, unit="MWh",
                 activity=ActivityRef(DB, "heat-gas"), price=None),
        ])
    return Scenario(
        name="Kalundborg test", id="scn-test", description="A test park. " * 20,
        reference_year=2023, currency="EUR", attribution_key="physical",
        monte_carlo_iterations=1000, monte_carlo_seed=7,
        sites=[power, board, fish],
        exchanges=[
            Exchange(id="ex1", from_site="power", from_flow="gyp-out", to_site="board",
                     to_flow="gyp-in", amount=150_000, substitution_ratio=1.0,
                     transport=[Transport(mode=ActivityRef(DB, "lorry"), distance_km=12.0)],
                     processing=[Processing(activity=ActivityRef(DB, "electricity"),
                                            amount_per_unit=0.01, unit="MWh", name="drying")],
                     economics=ExchangeEconomics(price=-2.0, transport_cost=1.5),
                     description="=SUM(A1:A9) typed by a user", source="Jacobsen 2006"),
            Exchange(id="ex2", from_site="power", from_flow="heat-out", to_site="fish",
                     to_flow="gas", amount=25_000, substitution_ratio=1.1,
                     economics=ExchangeEconomics(price=10.0)),
        ],
        sources=["Jacobsen (2006) J. Ind. Ecol. 10(1-2)"],
        assumptions=["-heat losses neglected", "gypsum quality equal"],
    )


@pytest.fixture
def results() -> Results:
    ex = [
        ExchangeParts("ex1", "=Power plant: -FGD gypsum → Plasterboard works: natural gypsum",
                      GWP, "kg CO2-Eq", -1.2e6, -2.5e6, 3.0e5, 1.0e5, 12.0, 150.5),
        ExchangeParts("ex2", "=Power plant: surplus heat → @Fish farm: +natural gas heat",
                      GWP, "kg CO2-Eq", 0.0, -7.0e6, 0.0, 0.0, 0.0, None),
        ExchangeParts("ex1", "=Power plant: -FGD gypsum → Plasterboard works: natural gypsum",
                      HTOX, "CTUh", -1.0e-3, -2.0e-3, 5.0e-4, 1.0e-4, 12.0, 40.0),
        ExchangeParts("ex2", "=Power plant: surplus heat → @Fish farm: +natural gas heat",
                      HTOX, "CTUh", 0.0, -3.0e-4, 0.0, 0.0, 0.0, None),
    ]
    d_gwp = sum(p.total for p in ex if p.method == GWP)
    d_htox = sum(p.total for p in ex if p.method == HTOX)
    impacts = [MethodResult(GWP, "kg CO2-Eq", 9.0e8, 9.0e8 + d_gwp),
               MethodResult(HTOX, "CTUh", 0.05, 0.05 + d_htox)]
    sites = []
    for key in ("physical", "50/50", "economic", "receiver", "supplier"):
        for m, unit, scale in ((GWP, "kg CO2-Eq", 1e6), (HTOX, "CTUh", 1e-3)):
            sites += [SiteResult("power", "=Power plant", m, unit, key, 800 * scale,
                                 790 * scale),
                      SiteResult("board", "Plasterboard works", m, unit, key, 90 * scale,
                                 85 * scale),
                      SiteResult("fish", "@Fish farm", m, unit, key, 10 * scale, 8 * scale)]
    return Results(
        scenario_name="Kalundborg test", reference_year=2023, currency="EUR",
        attribution_key="physical",
        functional_unit=[ProductRow("=Power plant", "electricity", 1.5e6, "MWh"),
                         ProductRow("Plasterboard works", "plasterboard", 14e6, "m2"),
                         ProductRow("@Fish farm", "trout", 200, "t")],
        impacts=impacts, exchanges=ex, sites=sites,
        economics=[SiteEconomics("power", "=Power plant", 4.8e7, 4.6e7),
                   SiteEconomics("board", "Plasterboard works", 4.25e6, 0.5e6),
                   SiteEconomics("fish", "@Fish farm", 0.0, 0.25e6, ["+natural gas heat"])],
        inventory=[InventoryTotal("Carbon dioxide, fossil (air)", "kg", 8.8e8, 8.7e8),
                   InventoryTotal("Sulfur dioxide (air)", "kg", 1.2e6, 1.1e6)],
        uncertainty=[UncertaintyResult(GWP, "kg CO2-Eq", 1000, 7,
                                       {"mean": 9e8, "median": 9e8, "p2.5": 8e8, "p97.5": 1e9},
                                       {"mean": 8.9e8, "median": 8.9e8, "p2.5": 7.9e8,
                                        "p97.5": 9.9e8},
                                       {"mean": -1e7, "median": -1e7, "p2.5": -2e7,
                                        "p97.5": -1e6}, 0.97)],
        metadata={"brightway_project": "ecolca-test",
                  "databases": {"ecolca-open": "1.0", "biosphere3": "3.10"},
                  "methods": [list(GWP), list(HTOX)], "ecolca_version": "0.1.0",
                  "bw2data_version": "4.8", "bw2calc_version": "2.1",
                  "date": "2024-05-01T10:00:00", "attribution_key": "physical",
                  "monte_carlo": {"iterations": 1000, "seed": 7}},
    )


@pytest.fixture
def book(results, scenario, tmp_path):
    path = write_report(results, scenario, tmp_path / "report.xlsx")
    return openpyxl.load_workbook(path)


def _find(ws, text, start=1):
    """The first cell (at or below row ``start``) whose value equals ``text``."""
    for row in ws.iter_rows(min_row=start):
        for c in row:
            if c.value == text:
                return c
    raise AssertionError(f"{text!r} not found on {ws.title}")


def _header_map(ws, first_header, start=1):
    hdr = _find(ws, first_header, start)
    cols = {}
    for c in ws[hdr.row]:
        if c.value is not None:
            cols[c.value] = c.column
    return hdr.row, cols


def test_returns_path_and_sheet_order(results, scenario, tmp_path):
    out = write_report(results, scenario, tmp_path / "r.xlsx")
    assert out == tmp_path / "r.xlsx" and out.is_file()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["At a glance", "Summary", "Scenario", "Impacts", "Exchanges", "Exchanges chart",
                             "Sites", "Sites, all keys", "Disclosure", "Per product", "Economics", "Inventory",
                             "Monte Carlo", "Input sites", "Input flows", "Input exchanges",
                             "Exchange terms", "Methods & data"]
    # SHEET_NAMES lists every sheet a report can have, in the workbook's order
    assert [n for n in report_mod.SHEET_NAMES if n in wb.sheetnames] == wb.sheetnames
    assert {"Flow notes", "Full inventory", "Δ histograms"} <= set(report_mod.SHEET_NAMES)


def test_no_uncertainty_sheet_without_monte_carlo(results, scenario, tmp_path):
    results.uncertainty = []
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))
    assert "Monte Carlo" not in wb.sheetnames and "Δ histograms" not in wb.sheetnames
    assert wb.sheetnames[-1] == "Methods & data"


def test_impact_numbers_are_numeric(book, results):
    ws = book["Impacts"]
    hdr, cols = _header_map(ws, "Method")
    lin = cols["Linear (L) [unit/year]"]
    delta = cols["Δ = S − L [unit/year]"]
    for i, r in enumerate(results.impacts):
        row = hdr + 1 + i
        assert isinstance(ws.cell(row, lin).value, (int, float))
        assert ws.cell(row, lin).value == pytest.approx(r.linear)
        assert ws.cell(row, delta).value == pytest.approx(r.delta)
        # the cell holds the value in the method's unit; the Unit column names the scale it is
        # shown in (docs/report.md, "Numbers")
        assert ws.cell(row, cols["Unit"]).value == scaled.scale(
            [r.linear, r.symbiotic, r.delta], r.unit).unit
        assert ws.cell(row, cols["Category"]).value == r.method[1]


def test_every_sheet_has_numbers_not_numeric_strings(book):
    import re

    number = re.compile(r"^-?\d[\d,]*(\.\d+)?(E[+-]?\d+)?$", re.I)
    for ws in book.worksheets:
        if ws.title == "Methods & data":
            continue  # version strings such as "3.10" are text on purpose
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert not number.match(c.value.strip()), (ws.title, c.coordinate, c.value)


def test_small_values_keep_three_figures_without_e_notation(book):
    ws = book["Impacts"]
    hdr, cols = _header_map(ws, "Method")
    c = ws.cell(hdr + 2, cols["Δ = S − L [unit/year]"])  # CTUh, about -2.7e-3
    assert isinstance(c.value, float)
    assert "E" not in c.number_format
    shown = styles.formatted(c.value, c.number_format)
    assert shown.lstrip("-0.") and len(shown.lstrip("-0.")) >= 3, shown  # 3 figures, not 0


def test_none_values_are_empty_cells(book, results):
    ws = book["Exchanges"]
    hdr, cols = _header_map(ws, "Exchange id")
    be = cols["Break-even distance [km]"]
    ex_col = cols["Exchange id"]
    rows = [r for r in range(hdr + 1, ws.max_row + 1) if ws.cell(r, ex_col).value == "ex2"]
    assert rows and all(ws.cell(r, be).value is None for r in rows)
    # delta_pct None when linear is 0
    results.impacts[1].linear = 0.0
    results.impacts[1].symbiotic = 0.0


def test_delta_pct_none_is_empty(results, scenario, tmp_path):
    results.impacts[1] = MethodResult(HTOX, "CTUh", 0.0, 0.0)
    ws = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))["Impacts"]
    hdr, cols = _header_map(ws, "Method")
    assert ws.cell(hdr + 2, cols["Δ [%]"]).value is None
    assert ws.cell(hdr + 2, cols["Linear (L) [unit/year]"]).value == 0


def test_charts_exist(book):
    summary = book["Summary"]
    assert len(summary._charts) == 1
    assert len(book["Exchanges chart"]._charts) == 1


def test_charts_are_native_bar_charts(results, scenario):
    wb = report_mod.build_workbook(results, scenario)
    chart = wb["Summary"]._charts[0]
    assert chart.tagname == "barChart"
    assert len(chart.series) == 2  # linear = 100 and symbiotic
    stacked = wb["Exchanges chart"]._charts[0]
    assert stacked.grouping == "stacked" and len(stacked.series) == 4


def test_summary_states_definitions_and_headline(book, results):
    ws = book["Summary"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Linear (L): every site buys all") for t in texts)
    assert any(t.startswith("Symbiotic (S):") and "residues replace supplies" in t for t in texts)
    assert any("2023" in t for t in texts)
    hdr, cols = _header_map(ws, "Method")
    rel = ws.cell(hdr + 1, cols["S relative to L = 100 [%]"]).value
    assert rel == pytest.approx(results.impacts[0].relative)
    # chart data: linear = 100 series
    hdr2, cols2 = _header_map(ws, "Method (short)")
    assert ws.cell(hdr2 + 1, cols2["Linear = 100 [%]"]).value == 100
    # total delta cost: not computed while a site lacks a price (the fixture's fish farm)
    c = _find(ws, "Total Δcost [EUR/year]")
    assert ws.cell(c.row, 2).value == "not computed: 1 price(s) missing (see Economics)"


def test_summary_total_cost_with_all_prices(results, scenario, tmp_path):
    results.economics[2].missing_prices = []
    ws = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))["Summary"]
    c = _find(ws, "Total Δcost [EUR/year]")
    assert ws.cell(c.row, 3).value == pytest.approx(results.total_cost_delta)
    c = _find(ws, f"Cost per avoided unit, {method_label(GWP)} [EUR/kg CO2-Eq]")
    assert ws.cell(c.row, 3).value == pytest.approx(results.cost_per_avoided(GWP))


def test_freeze_panes_and_print_titles_belong_to_the_sheets_one_table(book):
    """A frozen pane and a repeated print header only on a sheet with one table, and then on
    that table's header; a sheet with several tables freezes and repeats nothing."""
    single = 0
    for ws in book.worksheets:
        headers = [r for r in range(1, ws.max_row + 1)
                   if ws.cell(r, 1).fill.fgColor.rgb.endswith("2F5D50")]
        if len(headers) == 1 and not ws._charts:
            single += 1
            assert ws.freeze_panes == f"A{headers[0] + 1}", ws.title
            assert ws.print_title_rows.replace("$", "") == f"{headers[0]}:{headers[0]}", \
                ws.title
        else:  # several tables, or a chart: nothing repeated, nothing frozen
            assert ws.freeze_panes is None, ws.title
            assert not ws.print_title_rows, ws.title
    assert single >= 10
    ws = book["Impacts"]
    hdr, _ = _header_map(ws, "Method")
    assert ws.freeze_panes == f"A{hdr + 1}"


def test_header_style_and_widths(book):
    ws = book["Impacts"]
    hdr, cols = _header_map(ws, "Method")
    cell = ws.cell(hdr, 1)
    assert cell.font.bold and cell.fill.fgColor.rgb.endswith("2F5D50")
    for ws in book.worksheets:
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                assert 2 <= dim.width <= 140, (ws.title, letter, dim.width)


def test_print_settings(book):
    for ws in book.worksheets:
        if ws.title == "At a glance":  # one portrait page: tests/test_onepage.py
            continue
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # one page wide, as many pages tall as needed: long tables flow, never shrink
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0


def test_formula_like_user_text_stays_text(book):
    c = _find(book["Input sites"], "=Power plant")
    assert c.data_type == "s" and c.value.startswith("=")
    c = _find(book["Input flows"], "-FGD gypsum")
    assert c.data_type == "s"
    c = _find(book["Input sites"], "@Fish farm")
    assert c.data_type == "s"
    c = _find(book["Exchange terms"], "=SUM(A1:A9) typed by a user")
    assert c.data_type == "s"
    c = _find(book["Scenario"], "-heat losses neglected")
    assert c.data_type == "s"
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


def test_formula_like_text_is_quote_prefixed_in_file(results, scenario):
    wb = report_mod.build_workbook(results, scenario)
    for name, text in (("Input sites", "=Power plant"), ("Input flows", "-FGD gypsum"),
                       ("Input flows", "+natural gas heat"), ("Input sites", "@Fish farm"),
                       ("Sites", "=Power plant"), ("Economics", "=Power plant"),
                       ("Exchange terms", "=SUM(A1:A9) typed by a user"),
                       ("Methods & data", "=Power plant"), ("Scenario", "-heat losses neglected")):
        c = _find(wb[name], text)
        assert c.data_type == "s" and c.quotePrefix, (name, text)


def test_scenario_sheets_list_inputs(book, scenario):
    ws = book["Input exchanges"]
    hdr, cols = _header_map(ws, "Exchange id")
    row = hdr + 1
    assert ws.cell(row, cols["Amount q [per year]"]).value == 150_000
    assert ws.cell(row, cols["q unit"]).value == "t"
    assert ws.cell(row, cols["Substitution ratio r"]).value == 1.0
    assert ws.cell(row, cols["Transport legs (mode code, distance)"]).value == "lorry, 12 km"
    assert ws.cell(row, cols["Distance [km]"]).value == 12.0
    ws = book["Exchange terms"]
    hdr, cols = _header_map(ws, "Price [EUR/q unit]")
    assert ws.cell(hdr + 1, cols["Price [EUR/q unit]"]).value == -2.0
    assert ws.cell(hdr + 1, cols["Exchange id"]).value == "ex1"
    ws = book["Input sites"]
    hdr, cols = _header_map(ws, "Site id")
    assert [ws.cell(hdr + i, cols["Site id"]).value for i in (1, 2, 3)] == [
        "power", "board", "fish"]
    ws = book["Input flows"]
    hdr, cols = _header_map(ws, "Site id")
    fates = [ws.cell(r, cols["Background (name · database:code)"]).value
             for r in range(hdr + 1, hdr + 9)]
    assert "ecolca-open:landfill-inert" in fates and "released untreated (no burden)" in fates
    ws = book["Scenario"]
    texts = {c.value for row in ws.iter_rows() for c in row}
    assert "-heat losses neglected" in texts
    assert "Jacobsen (2006) J. Ind. Ecol. 10(1-2)" in texts


def _blocks(ws, hdr, first_col_name="Exchange id"):
    """{subhead text: [rows]} of a table whose methods are subhead rows (merged, one value)."""
    out, cur = {}, None
    r = hdr + 1
    while r <= ws.max_row and any(ws.cell(r, c).value is not None for c in (1, 2)):
        if ws.cell(r, 2).value is None and ws.cell(r, 1).value is not None \
                and ws.cell(r, 1).font.color is not None \
                and ws.cell(r, 1).font.color.rgb.endswith("2F5D50"):
            cur = ws.cell(r, 1).value
            out[cur] = []
        else:
            out[cur].append(r)
        r += 1
    return out


def test_sum_of_exchange_parts_equals_system_delta(book, results):
    ws = book["Exchanges"]
    hdr, cols = _header_map(ws, "Exchange id")
    parts = ["Avoided fate [unit/year]", "Avoided supply [unit/year]", "Transport [unit/year]",
             "Processing [unit/year]"]
    blocks = _blocks(ws, hdr)
    assert list(blocks) == [f"{method_label(m)} [{results.impact(m).unit}/year]"
                            for m in results.methods]
    for m, rows in zip(results.methods, blocks.values()):
        *exch, r = rows
        assert ws.cell(r, cols["Exchange id"]).value == "Σ"
        assert len(exch) == 2
        for name in parts + ["Δ_e [unit/year]"]:
            assert ws.cell(r, cols[name]).value == pytest.approx(
                sum(ws.cell(rr, cols[name]).value for rr in exch))
        s = ws.cell(r, cols["Δ_e [unit/year]"]).value
        assert s == pytest.approx(sum(ws.cell(r, cols[p]).value for p in parts))
        assert ws.cell(r, cols["System Δ, Impacts sheet [unit/year]"]).value == pytest.approx(
            results.impact(m).delta)
        assert s == pytest.approx(results.impact(m).delta)


def test_sites_sheet_key_and_warning(book, results):
    ws = book["Sites"]
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "must NEVER be summed together" in texts
    hdr, cols = _header_map(ws, "Attribution key")
    first_table = []
    r = hdr + 1
    while ws.cell(r, 1).value is not None:
        first_table.append(ws.cell(r, 1).value)
        r += 1
    assert len(first_table) == 6  # 3 sites x 2 methods, the scenario's key only
    assert set(first_table) == {"physical"}
    assert r > ws.max_row or all(ws.cell(rr, 1).value is None
                                 for rr in range(r, ws.max_row + 1))  # one table a sheet
    # every key side by side, one Δ column per key, one block per method
    ws = book["Sites, all keys"]
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert report_mod.KEY_LABELS["receiver"] in texts  # the keys are explained
    hdr2, cols2 = _header_map(ws, "Site id")
    key_cols = {h: k for k in report_mod.KEY_LABELS for h in cols2
                if h == f"Δ, key {k} [unit/year]"}
    assert len(key_cols) == 5
    blocks = _blocks(ws, hdr2)
    assert len(blocks) == 2 and all(len(rows) == 3 for rows in blocks.values())
    by = {(x.site_id, method_label(x.method), x.key): x.delta for x in results.sites}
    for head, rows in blocks.items():
        label = head.rsplit(" [", 1)[0]
        for rr in rows:
            for h, k in key_cols.items():
                assert ws.cell(rr, cols2[h]).value == pytest.approx(
                    by[(ws.cell(rr, cols2["Site id"]).value, label, k)])


def _scaled_headers(cols: dict) -> dict:
    """Headers by their name in the method's own unit: "Linear cost [million EUR/year]" is
    also found as "Linear cost [EUR/year]"."""
    import re

    out = dict(cols)
    for h, j in cols.items():
        out.setdefault(re.sub(r"\[(thousand|million|billion|trillion) ", "[", h), j)
    return out


def test_economics_total_row(results, scenario, tmp_path):
    results.economics[2].missing_prices = []
    ws = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))["Economics"]
    hdr, cols = _header_map(ws, "Site id")
    cols = _scaled_headers(cols)  # "[million EUR/year]": the table's one scale
    assert "Δcost = S − L [EUR/year]" in cols
    total = _find(ws, "Total")
    assert ws.cell(total.row, cols["Δcost = S − L [EUR/year]"]).value == pytest.approx(
        results.total_cost_delta)


def test_economics_missing_price_is_not_computed(book, results):
    ws = book["Economics"]
    hdr, cols = _header_map(ws, "Site id")
    cols = _scaled_headers(cols)
    fish = _find(ws, "fish")
    assert ws.cell(fish.row, cols["Linear cost [EUR/year]"]).value == "not computed"
    assert ws.cell(fish.row, cols["Missing prices"]).value == "+natural gas heat"
    total = _find(ws, "Total")
    assert ws.cell(total.row, cols["Δcost = S − L [EUR/year]"]).value == "not computed"
    part = _find(ws, "Total of 2")
    complete = [e for e in results.economics if not e.missing_prices]
    assert ws.cell(part.row, cols["Δcost = S − L [EUR/year]"]).value == pytest.approx(
        sum(e.delta for e in complete))


def test_monte_carlo_sheet(book):
    ws = book["Monte Carlo"]
    hdr, cols = _header_map(ws, "Result")
    delta = next(r for r in range(hdr + 1, ws.max_row + 1)
                 if ws.cell(r, cols["Result"]).value == "Δ = S − L")
    assert ws.cell(delta, cols["P(Δ < 0)"]).value == pytest.approx(0.97)
    assert ws.cell(delta, cols["2.5 % [unit/year]"]).value == pytest.approx(-2e7)
    assert ws.cell(delta - 2, cols["Result"]).value == "L"
    unit = scaled.scale([9e8, 8.897e8, -1.03e7], "kg CO2-Eq").unit  # the Impacts row's
    assert ws.cell(delta - 3, 1).value == f"{method_label(GWP)} [{unit}/year]"  # its block
    assert ws.cell(delta - 2, cols["Mean [unit/year]"]).value == pytest.approx(9e8)
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "1,000 paired iterations, seed 7" in texts
    # what the engine does not pass is said, not left out silently
    assert "Not computed in this run: standard deviation" in texts
    assert "histogram of Δ" in texts


def _with_draws(results, n: int):
    """The fixture's Monte Carlo result with n paired draws, its statistics taken from them."""
    import numpy as np

    rng = np.random.default_rng(3)
    u = results.uncertainty[0]
    lin = rng.normal(9e8, 3e7, n)
    sym = lin + rng.normal(-1e7, 4e6, n)
    u.linear_samples, u.symbiotic_samples, u.delta_samples = lin, sym, sym - lin
    u.iterations = n
    for part, a in (("linear", lin), ("symbiotic", sym), ("delta", sym - lin)):
        setattr(u, part, {"mean": float(a.mean()), "median": float(np.median(a)),
                          "p2.5": float(np.percentile(a, 2.5)),
                          "p97.5": float(np.percentile(a, 97.5))})
    results.metadata["monte_carlo"] = {"iterations": n, "seed": 7}
    return u


def _iteration_rows(ws):
    hdr, cols = _header_map(ws, "Iteration")
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=hdr + 1)]
    return cols, [r for r in rows if r[cols["Iteration"] - 1] is not None]


def test_iterations_sheet_only_on_request_with_the_draws(results, scenario, tmp_path):
    u = _with_draws(results, 500)
    plain = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "a.xlsx"))
    assert "Monte Carlo iterations" not in plain.sheetnames
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "b.xlsx",
                                             iterations_sheet=True))
    assert wb.sheetnames.index("Monte Carlo iterations") == \
        wb.sheetnames.index("Monte Carlo") + 2  # after the Δ histograms
    ws = wb["Monte Carlo iterations"]
    cols, rows = _iteration_rows(ws)
    assert [r[0] for r in rows] == list(range(1, 501))
    for part, a in (("L", u.linear_samples), ("S", u.symbiotic_samples),
                    ("Δ", u.delta_samples)):
        got = [r[cols[f"M1 {part}"] - 1] for r in rows]
        assert got == a.tolist()  # the draws themselves, in iteration order
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert f"{method_label(GWP)} [kg CO2-Eq/year]" in texts  # M1 is named with its unit
    # the column's mean is the Monte Carlo sheet's mean of Δ
    mc = wb["Monte Carlo"]
    hdr, mcols = _header_map(mc, "Result")
    delta = next(r for r in range(hdr + 1, mc.max_row + 1)
                 if mc.cell(r, mcols["Result"]).value == "Δ = S − L")
    mean = sum(r[cols["M1 Δ"] - 1] for r in rows) / len(rows)
    assert mean == pytest.approx(mc.cell(delta, mcols["Mean [unit/year]"]).value, rel=1e-12)
    # wide data prints at full size across pages, never shrunk below 8 pt
    assert ws.page_setup.scale == 100 and not ws.sheet_properties.pageSetUpPr.fitToPage


def test_iterations_sheet_without_draws_or_capped(results, scenario, tmp_path, monkeypatch):
    from ecolca.report.sheets import iterations

    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "a.xlsx",
                                             iterations_sheet=True))
    assert "Monte Carlo iterations" not in wb.sheetnames  # the fixture carries no draws
    _with_draws(results, 250)
    monkeypatch.setattr(iterations, "MAX_ROWS", 100)
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "b.xlsx",
                                             iterations_sheet=True))
    ws = wb["Monte Carlo iterations"]
    _, rows = _iteration_rows(ws)
    assert len(rows) == 100
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "250 iterations were run; the first 100 are listed" in texts
    assert "The statistics on the Monte Carlo sheet use all 250" in texts


def test_methods_sheet_renders_metadata_generically(results, scenario, tmp_path):
    results.metadata["some_new_key"] = {"nested": [1, 2], "flag": True, "empty": ""}
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))
    ws = wb["Methods & data"]
    items = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert items["Brightway project"] == "ecolca-test"
    assert items["Elementary flows: biosphere3"] == "version 3.10"
    assert items["Background database: ecolca-open"].startswith("version 1.0")
    assert items["some new key › nested"] == 1
    assert items["some new key › flag"] == "yes"
    assert "some new key › empty" not in items  # no empty rows
    assert items["Reference year"] == 2023
    assert items["LCIA methods"].startswith("IPCC 2021 | climate change")
    assert items["Monte Carlo"] == "1,000 paired iterations, seed 7"


def test_missing_folder_raises_and_leaves_nothing(results, scenario, tmp_path):
    target = tmp_path / "no-such-folder" / "r.xlsx"
    with pytest.raises(ReportError, match="no-such-folder"):
        write_report(results, scenario, target)
    assert not target.exists() and not target.parent.exists()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores file permissions")
def test_read_only_folder_raises_and_leaves_nothing(results, scenario, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ReportError, match="ro"):
            write_report(results, scenario, folder / "r.xlsx")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_failed_write_keeps_existing_report(results, scenario, tmp_path, monkeypatch):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old report")

    def failing_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(ReportError, match="r.xlsx"):
        write_report(results, scenario, target)
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]  # no temporary left behind


def test_failed_build_keeps_existing_report(results, scenario, tmp_path, monkeypatch):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old report")

    def boom(*a, **k):
        raise RuntimeError("bug while building")

    from ecolca.report.sheets import inventory

    monkeypatch.setattr(inventory, "write", boom)
    with pytest.raises(ReportError):
        write_report(results, scenario, target)
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_overwrites_existing_report(results, scenario, tmp_path):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old report")
    write_report(results, scenario, target)
    assert openpyxl.load_workbook(target).sheetnames[0] == "At a glance"


def test_non_finite_values_are_empty(results, scenario, tmp_path):
    results.inventory.append(InventoryTotal("odd flow", "kg", float("nan"), float("inf")))
    ws = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))["Inventory"]
    c = _find(ws, "odd flow")
    assert ws.cell(c.row, 3).value is None and ws.cell(c.row, 4).value is None


def test_path_may_be_a_string(results, scenario, tmp_path):
    out = write_report(results, scenario, str(tmp_path / "r.xlsx"))
    assert isinstance(out, Path) and out.is_file()


def test_no_prices_is_said_not_shown_as_zero(results, scenario, tmp_path):
    results.prices_given = False
    wb = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "np.xlsx"))
    summary = " ".join(str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value)
    assert "not computed: the scenario gives no prices" in summary
    econ = " ".join(str(c.value) for row in wb["Economics"].iter_rows() for c in row if c.value)
    assert "Costs not computed" in econ
    assert not any(isinstance(c.value, (int, float)) for row in wb["Economics"].iter_rows()
                   for c in row)
    assert results.cost_per_avoided(GWP) is None
    ws = wb["Impacts"]
    hdr, cols = _header_map(ws, "Method")
    assert ws.cell(hdr + 1, cols["Cost per avoided unit [EUR/method unit]"]).value == \
        "not computed"


def test_input_flows_show_each_flows_category(results, scenario, tmp_path):
    """Issue #21: the category files a supply on the Disclosure sheet; Input flows shows it
    (docs/glossary.md), so a reader can see why a supply is purchased energy or material."""
    scenario.site("fish").flow("gas").category = "energy"
    ws = openpyxl.load_workbook(write_report(results, scenario, tmp_path / "r.xlsx"))[
        "Input flows"]
    hdr, cols = _header_map(ws, "Site id")
    cats = {ws.cell(r, cols["Flow id"]).value: ws.cell(r, cols["Category"]).value
            for r in range(hdr + 1, ws.max_row + 1) if ws.cell(r, cols["Flow id"]).value}
    assert cats["gas"] == "energy" and cats["coal"] == "material"
