"""A one-page summary first (issue #20, point 2): per category the result in one sentence to 3
significant figures in a unit a manager reads, the uncertainty in words (the deterministic Δ
outside the Monte Carlo interval with the parameters named), the calibration and the data gaps
that can flip a sign; the report's first sheet prints on one A4 page with no E-notation; the app
shows it in a tab and ``ecolca run`` starts with those sentences."""

from __future__ import annotations

import copy
import dataclasses
import re
import shutil
import subprocess

import openpyxl
import pytest

from ecolca import lca
from ecolca.core import examples
from ecolca.core.numbers import format_result
from ecolca.lca.results import Coverage, MethodResult, method_label
from ecolca.report import onepage, write_report

from conftest import PROJECT, run_cli
from test_headline import _without_distributions, nodist_project  # noqa: F401

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
OUTSIDE = "outside the Monte Carlo 95 % interval"
ASH_RATIO = ("the substitution ratio r of coal fly ash → clinker (the part fly ash can replace) "
             "= 1 is the top of its range 0.7–1")
N = 100
# E-notation in any form: 2.87E+08, 4.87e10, 1E-05
E_NOTATION = re.compile(r"\d[eE][+-]?\d")

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
PDFINFO = shutil.which("pdfinfo")
PDFTOTEXT = shutil.which("pdftotext")


def _carlito() -> bool:
    """The font that draws the report's Calibri with Calibri's widths (the widths the sheet's
    row heights are computed for); without it LibreOffice falls back to a wider font."""
    fc = shutil.which("fc-list")
    return bool(fc) and "carlito" in subprocess.run(
        [fc, ":", "family"], capture_output=True, text=True).stdout.lower()


@pytest.fixture(scope="module")
def kalundborg(_bw_project_built):
    sc = examples.load("kalundborg")
    return lca.compare(sc, project=PROJECT, iterations=N), sc


@pytest.fixture(scope="module")
def page(kalundborg):
    res, sc = kalundborg
    return onepage.build(res, sc)


def _text(page) -> str:
    return "\n".join(page.text_lines())


# ---- the builder ---------------------------------------------------------------------------------
def test_a_result_sentence_per_default_method(kalundborg, page):
    res, _ = kalundborg
    assert [m.method for m in page.methods] == res.methods == [tuple(m) for m in
                                                               examples.load("kalundborg").methods]
    for m, r in zip(page.methods, res.impacts):
        if not r.covered:
            continue
        # "MJ, net calorific value" reads "MJ (net calorific value)", and scales to PJ
        unit = r.unit.replace(", ", " (", 1) + ")" if ", " in r.unit else r.unit
        amount = format_result(abs(r.delta), unit)  # 3 significant figures, scaled unit
        word = "less" if r.delta < 0 else "more"
        assert m.sentence.startswith("The symbiotic park ") and f" {amount} {word} than the " \
            "linear one" in m.sentence, m.sentence
    gwp = next(m for m in page.methods if m.method == GWP)
    assert gwp.sentence == "The symbiotic park emits 287 kt CO2-Eq less than the linear one."
    # a manager's unit, never the kilograms of the engine
    assert "kg CO2" not in gwp.sentence
    adp = next(m for m in page.methods if "abiotic depletion potential (ADP): fossil fuels" in
               m.method[-1])
    assert " PJ (net calorific value) less than" in adp.sentence, adp.sentence


def test_no_e_notation_anywhere(page):
    text = _text(page)
    assert not E_NOTATION.search(text), E_NOTATION.search(text)
    assert "E+" not in text and "e+" not in text


def test_deterministic_delta_outside_the_interval_in_words_with_the_parameters(kalundborg, page):
    res, _ = kalundborg
    gwp = next(m for m in page.methods if m.method == GWP)
    assert OUTSIDE in gwp.uncertainty and ASH_RATIO in gwp.uncertainty
    u = res.uncertainty_of(GWP)
    assert gwp.uncertainty.startswith("In kt CO2-Eq: Deterministic Δ −287 lies outside")
    assert u.outside == "below" and "(below it)" in gwp.uncertainty
    assert "Δ < 0 in every draw" in gwp.uncertainty and u.probability_delta_negative == 1
    # the same figures under another method: said once, pointed to
    ef = next(m for m in page.methods if m.method[0] == "EF v3.1" and m.method[1:] == GWP[1:])
    assert ef.sentence == gwp.sentence and method_label(GWP) in ef.uncertainty


def test_not_covered_is_said_and_has_no_number(kalundborg, page):
    res, _ = kalundborg
    not_covered = [m for m in page.methods if not m.covered]
    assert not_covered  # Kalundborg's freshwater eutrophication: ecolca-open has no data
    for m in not_covered:
        assert m.sentence.startswith("Not covered by ecolca-open") and "not zero" in m.sentence
        assert not re.search(r"\d", m.sentence) and m.uncertainty == "" and m.gaps == []


def test_calibration_and_gaps_in_words(kalundborg, page):
    res, _ = kalundborg
    assert page.calibration.startswith("Calibration: partly calibrated")
    gwp = next(m for m in page.methods if m.method == GWP)
    share = res.assumed_share(GWP)
    assert f"{round(100 * share, 1)} % of Δ rests on amounts not sourced" in gwp.gaps_text
    assert "2 of the 23 background processes" in gwp.gaps_text
    water = next(m for m in page.methods if m.method[1] == "water use")
    assert "the avoided side of 3 exchanges has no data" in water.gaps_text
    assert any(g.startswith("Costs: not computed") for g in page.gaps)
    assert any("validation warnings" in g for g in page.gaps)


def test_not_sampled_when_nothing_was_sampled(nodist_project):  # noqa: F811
    sc = _without_distributions(examples.load("gypsum-ash"))
    res = lca.compare(sc, project=nodist_project, iterations=200)
    assert res.monte_carlo_note()
    page = onepage.build(res, sc)
    covered = [m for m in page.methods if m.covered]
    assert covered and all(m.uncertainty == onepage.NOT_SAMPLED + "." for m in covered)
    assert "interval" not in _text(page) and "P(Δ" not in _text(page)


def test_zero_only_when_true():
    m = ("m", "c", "i")
    assert sentence(MethodResult(m, "kg", 5.0, 5.0)).startswith("No change")
    assert "below numerical precision" in sentence(
        MethodResult(m, "kg", 5.0, 5.0 + 1e-12, below_precision=True))
    # a small Δ beside large L and S is not rounded to "no change"
    small = sentence(MethodResult(m, "kg CO2-Eq", 4.87e10, 4.87e10 - 3.1e3))
    assert small == "The symbiotic park causes 3.10 t CO2-Eq less than the linear one (less " \
        "than 0.0001 %)."
    assert sentence(MethodResult(m, "kg", 200.0, 80.0)) == \
        "The symbiotic park causes 120 kg less than the linear one (−60.0 %)."
    gone = sentence(MethodResult(m, "kg", 0.0, 0.0, coverage=Coverage("not covered", 3, 0,
                                                                     ["ecolca-open"])))
    assert gone.startswith("Not covered by ecolca-open")


def sentence(r):
    return onepage.result_sentence(r)


# ---- the report ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def book(kalundborg, tmp_path_factory):
    res, sc = kalundborg
    path = write_report(res, sc, tmp_path_factory.mktemp("glance") / "k.xlsx")
    return path, openpyxl.load_workbook(path)


def test_report_opens_on_at_a_glance(book, page):
    _, wb = book
    assert wb.sheetnames[0] == "At a glance" and wb.active.title == "At a glance"
    ws = wb["At a glance"]
    texts = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(isinstance(t, str) for t in texts)  # words: no number format to go wrong
    joined = "\n".join(texts)
    assert not E_NOTATION.search(joined)
    for m in page.methods:
        assert m.label in texts and m.sentence in texts


def test_report_sheet_prints_on_one_portrait_page(book):
    _, wb = book
    ws = wb["At a glance"]
    ps = ws.page_setup
    assert ps.orientation == "portrait" and int(ps.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ps.fitToWidth) == 1 and int(ps.fitToHeight) == 1
    assert not ws.row_breaks.brk and not ws.print_title_rows
    assert ws.page_margins.left <= 0.5 and ws.page_margins.top <= 0.7


@pytest.mark.skipif(not (LIBREOFFICE and PDFINFO and PDFTOTEXT and _carlito()),
                    reason="LibreOffice, poppler-utils or the Carlito font not installed "
                           "(.ci/install-report-tools)")
def test_libreoffice_prints_the_first_sheet_on_one_page(kalundborg, tmp_path):
    res, sc = kalundborg
    xlsx = write_report(res, sc, tmp_path / "glance.xlsx", only={"At a glance"})
    r = subprocess.run([LIBREOFFICE, "--headless", "--norestore",
                        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                       capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "glance.pdf"
    assert pdf.is_file(), r.stdout + r.stderr
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert not E_NOTATION.search(text), E_NOTATION.search(text)
    flat = " ".join(text.split())
    assert "The symbiotic park emits 287 kt CO2-Eq less than the linear one." in flat
    assert OUTSIDE in flat and " ".join(ASH_RATIO.split()) in flat
    assert "At a glance – page 1 of 1" in flat
    # readable: a word's box is the font size × 1.22 (Carlito's ascent + descent); Kalundborg's
    # ten categories print at about 8.2 pt
    bbox = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    boxes = [float(b) - float(a) for a, b in re.findall(
        r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Uncertainty:<', bbox)]
    assert boxes and min(boxes) / 1.221 >= 7.5, boxes


# ---- the app -------------------------------------------------------------------------------------
def test_app_tab_shows_the_sentences_and_follows_live_edits(kalundborg, page, qtbot):
    pytest.importorskip("pytestqt")
    from ecolca.app.results_view import ResultsView

    res, _ = kalundborg
    view = ResultsView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.set_results(res)
    assert view.tab_names()[:2] == ["Summary", "At a glance"]
    view.show_tab("At a glance")
    flat = " ".join(view.glance_text().split())
    for m in page.methods:
        assert m.sentence in flat
    assert OUTSIDE in flat and ASH_RATIO in flat
    assert not E_NOTATION.search(flat)
    # a live edit that closes every exchange: the tab says so at once
    live = copy.copy(res)
    live.impacts = [dataclasses.replace(r, symbiotic=r.linear) for r in res.impacts]
    live.uncertainty = []
    view.set_results(live, only_visible=True)
    flat = " ".join(view.glance_text().split())
    assert "No change: the symbiotic and the linear park score the same (Δ = 0)." in flat
    assert "287 kt" not in flat


# ---- the CLI -------------------------------------------------------------------------------------
def test_cli_text_starts_with_the_result_sentences(kalundborg, page, bw_project):
    r = run_cli("run", "kalundborg")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "In words:"
    assert lines[1:1 + len(page.methods)] == ["  " + x for x in page.result_lines()]
    assert lines[1] == f"  {method_label(GWP)}: The symbiotic park emits 287 kt CO2-Eq less " \
        "than the linear one."


# ---- gaps that can flip the sign, on a made-up park ----------------------------------------
def _results(**kw):
    from ecolca.lca.results import Results

    m = ("m", "climate change", "GWP100")
    base = dict(scenario_name="Made-up park", reference_year=2024, currency="EUR",
                attribution_key="physical", functional_unit=[],
                impacts=[MethodResult(m, "kg CO2-Eq", 2.0e6, 1.9e6)], exchanges=[], sites=[],
                economics=[], inventory=[])
    base.update(kw)
    return Results(**base), m


def test_a_parameter_whose_range_turns_the_sign_is_named():
    from ecolca.lca.results import Sensitivity, SensitivityRow

    res, m = _results()
    row = SensitivityRow("exchange 'slag-to-cement': substitution_ratio",
                         "exchange 'slag-to-cement'", "substitution_ratio", 0.8,
                         0.1, 1.0, "triangular, 2.5–97.5 %", 4.0e4, -1.3e5)
    still = SensitivityRow("site 'a': amount", "site 'a'", "amount", 1.0, 0.9, 1.1, "±10 %",
                           -0.9e5, -1.1e5)
    res.sensitivity = [Sensitivity(m, "kg CO2-Eq", -1.0e5, rows=[row, still])]
    g = onepage.build(res).methods[0]
    assert g.sentence == \
        "The symbiotic park emits 100 t CO2-Eq less than the linear one (−5.00 %)."
    assert "one at a time, exchange 'slag-to-cement', substitution ratio at the low end of its " \
        "range (0.100) turns Δ positive" in g.gaps_text
    assert "site 'a'" not in g.gaps_text  # its range keeps the sign


def test_a_parameter_is_named_by_its_exchanges_label_not_its_id():
    from ecolca.core import examples
    from ecolca.lca.results import Sensitivity, SensitivityRow

    sc = examples.load("gypsum-ash")
    e = sc.exchanges[0]
    res, m = _results()
    row = SensitivityRow(f"exchange '{e.id}': substitution_ratio", f"exchange '{e.id}'",
                         "substitution_ratio", 0.8, 0.1, 1.0, "triangular", 4.0e4, -1.3e5)
    res.sensitivity = [Sensitivity(m, "kg CO2-Eq", -1.0e5, rows=[row])]
    text = onepage.build(res, sc).methods[0].gaps_text
    assert f"'{e.id}'" not in text
    assert f"exchange {sc.exchange_label(e)}, substitution ratio at the low end" in text


def test_a_sign_the_draws_do_not_agree_on_is_said():
    from ecolca.lca.results import UncertaintyResult

    res, m = _results()
    stats = {"mean": -1.0e4, "median": -1.2e4, "p2.5": -9.0e4, "p97.5": 6.0e4}
    res.uncertainty = [UncertaintyResult(m, "kg CO2-Eq", 500, 42, stats, stats, stats, 0.62,
                                         deterministic=-1.0e5, outside=None)]
    res.metadata["monte_carlo"] = {"iterations": 500, "seed": 42, "sampled": True}
    g = onepage.build(res).methods[0]
    assert "The sign is uncertain: Δ < 0 in 62.0 % of the draws, Δ > 0 in 38.0 %." in \
        g.uncertainty
    # one scale and decimals for the row: the median −12.0 keeps its 3 significant figures
    assert g.uncertainty.startswith(
        "In t CO2-Eq: Deterministic Δ −100.0 lies inside the Monte Carlo 95 % interval −90.0 … "
        "60.0; Monte Carlo median −12.0")
    assert not E_NOTATION.search(g.uncertainty)
