"""The results view: tables, Δ colours, combos driving tables and charts, stale banner, empty
state, chart export, the uncertainty tab, and a 300-exchange park drawn without stalling."""

from __future__ import annotations


import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QRect, Qt  # noqa: E402

# a Qt warning fails the test (issue #9); the offscreen platform's notices are not ecolca's
pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore(r"^This plugin does not support")]

from ecolca.app.results_view import (  # noqa: E402
    EMPTY_TEXT,
    PART_COLORS,
    STALE_TEXT,
    TOP_EXCHANGES,
    ResultsView,
    format_number,
)
from ecolca.report import KEY_LABELS  # noqa: E402
from ecolca.lca.results import (  # noqa: E402
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
SAVING = "#1a7f37"
BURDEN = "#b42318"
KEY_SCALE = {"physical": 1.0, "50/50": 2.0, "economic": 3.0, "receiver": 4.0, "supplier": 5.0}


def make_results(*, uncertainty: bool = True, n_exchanges: int = 2) -> Results:
    """Results built by hand (no Brightway), like tests/test_report.py."""
    ex = [
        ExchangeParts("ex1", "Power plant: FGD gypsum → Plasterboard works: natural gypsum",
                      GWP, "kg CO2-Eq", -1.2e6, -2.5e6, 3.0e5, 1.0e5, 12.0, 150.5),
        ExchangeParts("ex2", "Power plant: surplus heat → Fish farm: natural gas heat",
                      GWP, "kg CO2-Eq", 0.0, -7.0e6, 0.0, 0.0, 0.0, None),
        ExchangeParts("ex1", "Power plant: FGD gypsum → Plasterboard works: natural gypsum",
                      HTOX, "CTUh", -1.0e-3, -2.0e-3, 5.0e-4, 1.0e-4, 12.0, 40.0),
        ExchangeParts("ex2", "Power plant: surplus heat → Fish farm: natural gas heat",
                      HTOX, "CTUh", 0.0, 3.0e-4, 0.0, 0.0, 0.0, None),
    ]
    for i in range(n_exchanges - 2):  # a generated park: many small exchanges
        for m, unit, s in ((GWP, "kg CO2-Eq", 1e3), (HTOX, "CTUh", 1e-7)):
            ex.append(ExchangeParts(f"gen{i:03d}", f"Site {i} → Site {i + 1}: residue {i}", m,
                                    unit, -s * (i % 7 + 1), -s * (i % 5), s * 0.3, s * 0.1,
                                    5.0 + i, 50.0))
    d = {m: sum(p.total for p in ex if p.method == m) for m in (GWP, HTOX)}
    impacts = [MethodResult(GWP, "kg CO2-Eq", 9.0e8, 9.0e8 + d[GWP]),
               MethodResult(HTOX, "CTUh", 0.05, 0.05 + d[HTOX])]
    sites = []
    for key, k in KEY_SCALE.items():
        for m, unit, scale in ((GWP, "kg CO2-Eq", 1e6), (HTOX, "CTUh", 1e-3)):
            sites += [SiteResult("power", "Power plant", m, unit, key, 800 * scale,
                                 (800 - k) * scale),
                      SiteResult("board", "Plasterboard works", m, unit, key, 90 * scale,
                                 (90 - 2 * k) * scale),
                      SiteResult("fish", "Fish farm", m, unit, key, 10 * scale,
                                 (10 + k) * scale)]
    unc = [UncertaintyResult(GWP, "kg CO2-Eq", 1000, 7,
                             {"mean": 9e8, "median": 9e8, "p2.5": 8e8, "p97.5": 1e9},
                             {"mean": 8.9e8, "median": 8.9e8, "p2.5": 7.9e8, "p97.5": 9.9e8},
                             {"mean": -1e7, "median": -1e7, "p2.5": -2e7, "p97.5": -1e6},
                             0.97)] if uncertainty else []
    return Results(
        scenario_name="Kalundborg test", reference_year=2023, currency="EUR",
        attribution_key="physical",
        functional_unit=[ProductRow("Power plant", "electricity", 1.5e6, "MWh")],
        impacts=impacts, exchanges=ex, sites=sites,
        economics=[SiteEconomics("power", "Power plant", 4.8e7, 4.6e7),
                   SiteEconomics("board", "Plasterboard works", 4.25e6, 0.5e6),
                   SiteEconomics("fish", "Fish farm", 0.0, 0.25e6, ["natural gas heat"])],
        inventory=[InventoryTotal("Carbon dioxide, fossil (air)", "kg", 8.8e8, 8.7e8),
                   InventoryTotal("Sulfur dioxide (air)", "kg", 1.2e6, 1.3e6)],
        uncertainty=unc,
    )


@pytest.fixture
def view(qtbot) -> ResultsView:
    w = ResultsView()
    qtbot.addWidget(w)
    w.resize(1100, 700)
    w.show()
    qtbot.waitExposed(w)
    return w


def cell(table, row: int, col: int) -> str:
    return table.item(row, col).text()


def colour(table, row: int, col: int) -> str:
    return table.item(row, col).foreground().color().name()


def column(table, col: int) -> list[str]:
    return [cell(table, r, col) for r in range(table.rowCount())]


def part_widths(w: ResultsView) -> dict[str, list[float]]:
    ax = w.chart_figure("Exchanges").axes[0]
    return {c.get_label(): [p.get_width() for p in c] for c in ax.containers}


# ---- formatting ---------------------------------------------------------------------------
@pytest.mark.parametrize("value, shown", [
    (0.0, "0"), (3_674_014_346.3, "3,674,000,000"), (-112_762_524.3, "-112,800,000"),
    (12.345, "12.35"), (0.3548, "0.3548"), (5e-4, "0.0005"), (2.3e13, "23,000,000,000,000"),
    (None, "–"), (float("nan"), "–"),
])
def test_format_number(value, shown):
    """A number alone (an input, a distance): 4 significant figures, grouped, never
    E-notation; results go in a row's scale (:func:`row_scale`)."""
    assert format_number(value) == shown


def test_a_row_of_results_shares_one_scale():
    """The number policy (ecolca.core.numbers): L, S and Δ in one scale, its unit scaled,
    3 significant figures, so Δ = S − L can be checked on the screen."""
    from ecolca.app.results_view.common import format_delta, row_scale

    sc = row_scale([5_093_672_010.0, 4_806_354_947.0, -287_317_063.0], "kg CO2-Eq")
    assert sc.unit == "Mt CO2-Eq"
    assert [format_number(5_093_672_010.0, scale=sc), format_number(4_806_354_947.0, scale=sc),
            format_delta(-287_317_063.0, scale=sc)] == ["5.094", "4.806", "-0.287"]
    assert format_delta(12.0, scale=row_scale([12.0], "kg")) == "+12.0"


@pytest.mark.parametrize("value, shown", [
    (0.0, "0"), (3_786_776_889, "3.79 G"), (-112_762_524, "-113 M"), (245_858, "246 k"),
    (999_700, "1.00 M"), (999.99, "1.00 k"), (12.345, "12.3"), (0.0825, "0.0825"),
    (-2.3e-5, "-0.0000230"), (None, "–"), (float("inf"), "–"),
])
def test_format_eng_keeps_three_significant_digits(value, shown):
    """The Uncertainty tab's statistics without a row scale: short enough for eight columns
    on a laptop; below 0.01 the decimals of 3 figures, never E-notation (a prefix m or µ
    would read as a unit)."""
    from ecolca.app.results_view import format_eng

    assert format_eng(value) == shown
    if isinstance(value, float) and value > 0 and value != float("inf"):
        assert format_eng(value, signed=True) == "+" + shown


# ---- Summary ------------------------------------------------------------------------------
def test_summary_table_shows_numbers_with_sign_colours(view):
    view.set_results(make_results())
    t = view.summary_table
    assert t.rowCount() == 2
    assert cell(t, 0, 0) == method_label(GWP)
    # one scale per row, its unit in the Unit column; the exact value in the tooltip
    assert cell(t, 0, 1) == "kt CO2-Eq"
    assert cell(t, 0, 2) == "900.0"
    assert cell(t, 0, 3) == "889.7"  # 9e8 − 1.03e7
    assert cell(t, 0, 4) == "-10.3"
    assert t.item(0, 4).toolTip() == repr(-1.03e7)
    assert cell(t, 0, 5) == "-1.14 %"
    assert colour(t, 0, 4) == SAVING and colour(t, 0, 5) == SAVING
    assert cell(t, 1, 4) == "-0.00210"  # small CTUh values: decimals, never E-notation
    assert cell(t, 1, 2) == "0.05000" and cell(t, 1, 1) == "CTUh"
    assert t.item(0, 2).textAlignment() & Qt.AlignRight
    assert t.item(0, 4).data(Qt.UserRole) == pytest.approx(-1.03e7)


def test_positive_delta_is_red(view):
    res = make_results()
    res.impacts[0].symbiotic = res.impacts[0].linear + 5e6
    view.set_results(res)
    assert cell(view.summary_table, 0, 4) == "+5.00"  # kt, beside 900.00 and 905.00
    assert colour(view.summary_table, 0, 4) == BURDEN
    ax = view.chart_figure("Summary").axes[0]
    assert ax.patches[0].get_facecolor()[:3] != ax.patches[1].get_facecolor()[:3]


def test_summary_chart_relative_to_linear(view):
    res = make_results()
    view.set_results(res)
    ax = view.chart_figure("Summary").axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx([m.relative for m in res.impacts])
    assert any(list(line.get_xdata()) == [100, 100] for line in ax.lines)  # reference line
    assert "%" in ax.get_xlabel()
    assert ax.get_title()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert all(len(line) <= 32 for lab in labels for line in lab.split("\n"))


def test_a_chart_can_be_drawn_off_the_gui_thread(view, qtbot, monkeypatch):
    """Issue #23: laying out and rasterising a chart froze the window 0.2–1 s per chart. The
    threaded draw is off by default (canvas.THREADED, see its comment); switched on, it draws on
    its own thread, and an explicit draw still draws at once on the GUI thread."""
    import threading

    from ecolca.app.results_view.canvas import _Canvas

    monkeypatch.setattr(_Canvas, "THREADED", True)
    view.set_results(make_results())
    canvas = view.summary_chart.canvas
    drawing = getattr(canvas, "is_drawing", lambda: False)
    qtbot.waitUntil(lambda: not drawing())
    threads = []
    canvas.mpl_connect("draw_event", lambda _e: threads.append(threading.current_thread()))
    view.summary_chart.redraw()
    qtbot.waitUntil(lambda: bool(threads) and not drawing(), timeout=20_000)
    assert threads[0] is not threading.main_thread()
    canvas.draw()  # an explicit draw (export, tests) still draws at once, here
    assert threads[-1] is threading.main_thread()
    qtbot.waitUntil(lambda: not drawing())


# ---- Exchanges ----------------------------------------------------------------------------
def test_exchange_table_and_chart_follow_the_method(view):
    view.set_results(make_results())
    t = view.ex_table
    assert view.current_exchange_method() == GWP
    # issue #9 (Medium 4): exchanges read "residue → receiving site", not their ids
    assert column(t, 0) == ["FGD gypsum → Plasterboard works", "surplus heat → Fish farm"]
    assert "ex1" in t.item(0, 0).toolTip() and t.item(0, 0).data(Qt.UserRole) == "ex1"
    # one unit for the table (its headers), Δ_e and the largest part to 3 figures
    assert cell(t, 0, 2) == "-1.20"  # avoided fate
    assert cell(t, 0, 4) == "+0.30"  # transport adds impact: red
    assert colour(t, 0, 4) == BURDEN and colour(t, 0, 2) == SAVING
    assert cell(t, 0, 6) == "-3.30"  # Δ_e
    assert t.item(0, 6).toolTip() == repr(-3.3e6)
    assert cell(t, 0, 8) == "150.5"
    assert cell(t, 1, 8) == "–"  # no break-even distance
    assert cell(t, 0, 9) == "pays off"
    assert "kt CO2-Eq/year" in t.horizontalHeaderItem(6).text()
    w = part_widths(view)
    assert w["Avoided fate"] == pytest.approx([-1.2e6, 0.0])
    assert w["Avoided supply"] == pytest.approx([-2.5e6, -7.0e6])
    assert w["Transport"] == pytest.approx([3.0e5, 0.0])
    assert w["Processing"] == pytest.approx([1.0e5, 0.0])
    ax = view.chart_figure("Exchanges").axes[0]
    assert "[kg CO2-Eq/year]" in ax.get_xlabel()
    net = ax.collections[0].get_offsets()[:, 0]
    assert list(net) == pytest.approx([-3.3e6, -7.0e6])

    view.ex_method.setCurrentIndex(1)  # HTOX
    assert view.current_exchange_method() == HTOX
    w = part_widths(view)
    assert w["Avoided fate"] == pytest.approx([-1.0e-3, 0.0])
    assert w["Avoided supply"] == pytest.approx([-2.0e-3, 3.0e-4])
    assert "[CTUh/year]" in view.chart_figure("Exchanges").axes[0].get_xlabel()
    assert cell(t, 1, 6) == "+0.000300" and colour(t, 1, 6) == BURDEN
    assert cell(t, 1, 9) == "does not pay off"


def test_exchange_parts_have_four_distinct_colours(view):
    view.set_results(make_results())
    ax = view.chart_figure("Exchanges").axes[0]
    faces = {c.get_label(): c.patches[0].get_facecolor() for c in ax.containers}
    assert len({tuple(f) for f in faces.values()}) == 4
    assert len(set(PART_COLORS.values())) == 4


def double_click(qtbot, table, row: int, col: int) -> None:
    """A real double-click on the table's viewport, at the centre of the cell's rectangle."""
    index = table.model().index(row, col)
    table.scrollTo(index)
    pos = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=pos)
    qtbot.mouseDClick(table.viewport(), Qt.LeftButton, pos=pos)


def test_double_click_emits_exchange_and_site_ids(view, qtbot):
    view.set_results(make_results())
    view.show_tab("Exchanges")
    with qtbot.waitSignal(view.exchangeActivated, timeout=1000) as sig:
        double_click(qtbot, view.ex_table, 1, 3)
    assert sig.args == ["ex2"]
    view.show_tab("Sites")
    with qtbot.waitSignal(view.siteActivated, timeout=1000) as sig:
        double_click(qtbot, view.site_table, 1, 2)
    assert sig.args == ["board"]


def test_many_exchanges_show_top_25_and_others(view):
    res = make_results(n_exchanges=300)
    view.set_results(res)
    view.show_tab("Exchanges")
    view.chart_figure("Exchanges").canvas.draw()  # speed is measured in benchmarks/, not here
    assert view.ex_table.rowCount() == 300  # the table lists every exchange
    ax = view.chart_figure("Exchanges").axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == TOP_EXCHANGES + 1
    assert labels[-1] == f"others ({300 - TOP_EXCHANGES} exchanges)"
    assert "top 25 of 300" in ax.get_title()
    assert view.ex_note.isVisible() and "others" in view.ex_note.text()
    assert view.ex_chart.canvas.minimumHeight() >= 24 * (TOP_EXCHANGES + 1)  # labels not squeezed
    parts = res.exchange_parts(GWP)
    shown = {p.exchange_id for p in sorted(parts, key=lambda p: abs(p.total),
                                           reverse=True)[:TOP_EXCHANGES]}
    rest = [p for p in parts if p.exchange_id not in shown]
    assert part_widths(view)["Avoided supply"][-1] == pytest.approx(
        sum(p.avoided_supply for p in rest))
    # net markers of all bars add up to the system Δ
    assert ax.collections[0].get_offsets()[:, 0].sum() == pytest.approx(res.impact(GWP).delta)


# ---- Sites --------------------------------------------------------------------------------
def test_site_key_and_method_switch_table_and_chart(view):
    res = make_results()
    view.set_results(res)
    assert view.current_site_key() == "physical"
    assert [view.site_key.itemText(i) for i in range(view.site_key.count())] == \
        list(KEY_LABELS.values())
    t = view.site_table
    assert column(t, 0) == ["Power plant", "Plasterboard works", "Fish farm"]
    assert "[kt CO2-Eq/year]" in t.horizontalHeaderItem(3).text()  # the table's one unit
    assert cell(t, 0, 3) == "-1.00"
    assert cell(t, 2, 3) == "+1.00" and colour(t, 2, 3) == BURDEN

    view.site_key.setCurrentIndex(view.site_key.findData("supplier"))
    assert view.current_site_key() == "supplier"
    assert cell(t, 0, 3) == "-5.00"
    ax = view.chart_figure("Sites").axes[0]
    sym = next(c for c in ax.containers if c.get_label() == "Symbiotic (S)")
    assert [p.get_width() for p in sym] == pytest.approx([795e6, 80e6, 15e6])
    assert KEY_LABELS["supplier"] in " ".join(ax.get_title().split())  # wrapped to fit

    view.site_method.setCurrentIndex(1)  # HTOX
    assert cell(t, 0, 3) == "-0.00500"  # CTUh: decimals, never E-notation
    assert "CTUh/year" in t.horizontalHeaderItem(1).text()
    assert "[CTUh/year]" in view.chart_figure("Sites").axes[0].get_xlabel()


def test_many_sites_show_top_25_and_the_rest_summed(view):
    """Issue #23: a chart of 1,000 sites (34 px a site) took seconds to lay out."""
    from ecolca.app.results_view.common import TOP_SITES

    res = make_results()
    for i in range(60):  # small sites of a generated park
        res.sites.append(SiteResult(f"s{i}", f"Small site {i}", GWP, "kg CO2-Eq", "physical",
                                    1e3 * (i + 1), 1e3 * (i + 1) - 10.0 * (i % 7)))
    view.set_results(res)
    view.show_tab("Sites")
    sites = res.site_results(GWP, "physical")
    assert view.site_table.rowCount() == len(sites) == 63  # the table lists every site
    ax = view.chart_figure("Sites").axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == TOP_SITES + 1
    assert labels[-1] == f"other sites ({63 - TOP_SITES})"
    lin = next(c for c in ax.containers if c.get_label() == "Linear (L)")
    sym = next(c for c in ax.containers if c.get_label() == "Symbiotic (S)")
    assert sum(p.get_width() for p in lin) == pytest.approx(sum(s.linear for s in sites))
    assert sum(p.get_width() for p in sym) == pytest.approx(sum(s.symbiotic for s in sites))
    assert "top 25 of 63 sites" in " ".join(ax.get_title().split())


def test_tabs_not_shown_are_rendered_when_first_shown(view):
    """Issue #23: every tab was rendered when results arrived (13.5–16 s on 1,000 sites)."""
    view.set_results(make_results())
    assert view.current_tab() == "Summary"
    assert view.site_table.model().rowCount() == 0  # not made yet
    assert not view.site_chart.figure.axes
    view.show_tab("Sites")
    assert view.site_table.model().rowCount() == 3
    assert view.site_chart.figure.axes
    assert view.ex_table.model().rowCount() == 0
    assert view.ex_table.rowCount() == 2  # read before shown: filled first


def test_sites_tab_warns_never_to_sum_across_keys(view):
    view.set_results(make_results())
    view.show_tab("Sites")
    assert view.keys_note.isVisible()
    assert "never be summed" in view.keys_note.text()


# ---- Economics, Inventory -----------------------------------------------------------------
def test_economics_table_has_total_and_currency(view):
    res = make_results()
    missing = res.economics[2].missing_prices
    res.economics[2].missing_prices = []
    view.set_results(res)
    t = view.econ_table
    assert t.rowCount() == 4
    assert "EUR/year" in t.horizontalHeaderItem(1).text()
    assert cell(t, 3, 0).startswith("Total")
    assert cell(t, 3, 1) == "52,250,000"
    assert cell(t, 3, 3) == "-5,500,000" and colour(t, 3, 3) == SAVING
    assert t.item(3, 0).font().bold()
    c = view.cpa_table
    assert cell(c, 0, 5) == "EUR/kg CO2-Eq"
    assert c.item(0, 4).data(Qt.UserRole) == pytest.approx(res.cost_per_avoided(GWP))
    assert cell(c, 0, 4) == "-0.534"
    # a missing price makes the site's costs, the totals and the cost per avoided unit "not
    # computed" (#8 point 3), as in the CLI, the JSON and the report
    res.economics[2].missing_prices = missing
    view.set_results(res)
    assert cell(t, 2, 4) == "natural gas heat"
    assert "missing price" in cell(t, 3, 4)
    assert [cell(t, 2, j) for j in (1, 2, 3)] == ["not computed"] * 3
    assert [cell(t, 3, j) for j in (1, 2, 3)] == ["not computed"] * 3
    assert cell(t, 0, 1) != "not computed"
    assert cell(c, 0, 3) == "not computed" and cell(c, 0, 4) == "not computed"
    assert res.cost_per_avoided(GWP) is None


def test_inventory_table(view):
    view.set_results(make_results())
    t = view.inv_table
    assert column(t, 0) == ["Carbon dioxide, fossil (air)", "Sulfur dioxide (air)"]
    assert cell(t, 0, 4) == "-10.0" and colour(t, 0, 4) == SAVING  # kt, its Unit
    assert cell(t, 0, 1) == "kt"
    assert cell(t, 1, 4) == "+0.100" and colour(t, 1, 4) == BURDEN
    assert cell(t, 1, 1) == "kt" and cell(t, 1, 2) == "1.200"


# ---- Uncertainty --------------------------------------------------------------------------
def test_uncertainty_tab_only_with_uncertainty(view):
    view.set_results(make_results(uncertainty=False))
    assert "Uncertainty" not in view.tab_names()
    view.set_results(make_results(uncertainty=True))
    assert view.tab_names()[-1] == "Uncertainty"
    t = view.unc_table
    assert t.rowCount() == 3
    assert column(t, 2) == ["Linear (L)", "Symbiotic (S)", "Δ = S − L"]
    # three significant digits in the row's scale, its unit in the row's Unit cell, the exact
    # value in the tooltip
    assert cell(t, 2, 3) == "-10.00" and colour(t, 2, 3) == SAVING
    assert cell(t, 2, 1) == "kt CO2-Eq" and cell(t, 0, 1) == "Mt CO2-Eq"
    assert t.item(2, 3).toolTip() == repr(-1e7)
    assert cell(t, 2, 7) == "97.0 %"
    assert "1,000" in view.unc_info.text() and "seed: 7" in view.unc_info.text()
    view.set_results(make_results(uncertainty=False))
    assert "Uncertainty" not in view.tab_names()


def _parentless_widgets() -> set[int]:
    """The C++ addresses of every live widget without a parent (windows and orphans)."""
    import gc

    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    return {shiboken6.getCppPointer(w)[0] for w in QApplication.topLevelWidgets()
            if w.parentWidget() is None}


@pytest.mark.parametrize("uncertainty", [False, True])
def test_a_deleted_view_leaves_no_widget_behind(qtbot, uncertainty):
    """The Uncertainty page, out of the tabs, was a parentless widget its own combo box's
    connection kept alive after the view was gone; PySide destroyed these at interpreter exit
    and the pytest process segfaulted there (exit 139, after every test had passed)."""
    before = _parentless_widgets()
    w = ResultsView()
    w.set_results(make_results(uncertainty=uncertainty))
    w.set_results(make_results(uncertainty=False))
    w.deleteLater()
    del w
    assert _parentless_widgets() <= before


# ---- stale, empty -------------------------------------------------------------------------
def test_stale_banner_and_greyed_content(view):
    view.set_results(make_results())
    assert not view.banner.isVisible()
    view.set_stale(True)
    assert view.is_stale()
    assert view.banner.isVisible() and view.banner.text() == STALE_TEXT
    assert view.veil.isVisible() and view.veil.geometry() == view.stack.rect()
    assert view.veil.testAttribute(Qt.WA_TransparentForMouseEvents)  # still readable, scrollable
    img = view.grab().toImage()  # content is greyed: a light veil lies over the dark text
    view.set_stale(False)
    assert not view.banner.isVisible()
    assert not view.veil.isVisible()
    img2 = view.grab().toImage()
    assert img != img2
    view.set_stale(True)
    view.set_results(make_results())  # a new run is current again
    assert not view.banner.isVisible() and not view.is_stale()


def test_empty_state(view):
    assert view.stack.currentWidget() is view.empty_label
    assert view.empty_label.isVisible() and view.empty_label.text() == EMPTY_TEXT
    view.set_results(make_results())
    assert view.stack.currentWidget() is view.tabs and not view.empty_label.isVisible()
    view.set_stale(True)
    view.set_results(None)
    assert view.empty_label.isVisible()
    assert not view.banner.isVisible()
    with pytest.raises(ValueError):
        view.export_chart("Summary", "/tmp/never-written.png")


# ---- export -------------------------------------------------------------------------------
@pytest.mark.parametrize("tab", ["Summary", "Exchanges", "Sites"])
def test_export_png_and_svg(view, tmp_path, tab):
    view.set_results(make_results())
    png = view.export_chart(tab, tmp_path / f"{tab}.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = view.export_chart(tab, tmp_path / f"{tab}.svg")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and len(text) > 1000


def test_export_rejects_unknown_format_and_tab(view, tmp_path):
    view.set_results(make_results())
    with pytest.raises(ValueError, match="png or .svg"):
        view.export_chart("Summary", tmp_path / "chart.pdf")
    with pytest.raises(ValueError, match="no chart"):
        view.export_chart("Inventory", tmp_path / "chart.png")
    assert not any(tmp_path.iterdir())


def test_every_chart_has_an_export_action(view):
    view.set_results(make_results())
    for tab in ("Summary", "Exchanges", "Sites"):
        canvas = view.chart_figure(tab).canvas
        assert [a.text() for a in canvas.actions()] == ["Export chart…"]
        assert canvas.contextMenuPolicy() == Qt.ActionsContextMenu


def test_uncovered_category_reads_not_covered_and_has_no_chart(view):
    """Issue #7: a category the background cannot see is not a zero."""
    from ecolca.lca.results import Coverage

    res = make_results()
    r = res.impacts[-1]
    r.coverage = Coverage("not covered", 5, 0, ["ecolca-open"])
    r.linear = r.symbiotic = 0.0
    view.set_results(res)
    t = view.summary_table
    row = next(i for i in range(t.rowCount()) if t.item(i, 0).text() == method_label(r.method))
    assert t.item(row, 2).text() == "not covered by ecolca-open"
    assert t.columnSpan(row, 2) == 4
    methods = [view.ex_method.itemData(i) for i in range(view.ex_method.count())]
    assert tuple(r.method) not in [tuple(m) for m in methods]
    assert "not covered" in view.ex_method.toolTip()


# ---- issue #9 (Medium 4, 5, 6) -------------------------------------------------------------
def test_uncertainty_histogram_per_method_with_probability(view, qtbot, tmp_path):
    """The Method column was a few pixels wide and there was no distribution chart."""
    import random

    from ecolca.app.results_view import format_pct

    rng = random.Random(1)
    res = make_results()
    gwp = res.uncertainty[0]
    gwp.delta_samples = [rng.gauss(-1e7, 5e6) for _ in range(1000)]
    gwp.probability_delta_negative = sum(d < 0 for d in gwp.delta_samples) / 1000
    res.uncertainty.append(UncertaintyResult(
        HTOX, "CTUh", 1000, 7, {"mean": 0.05, "median": 0.05, "p2.5": 0.04, "p97.5": 0.06},
        {"mean": 0.05, "median": 0.05, "p2.5": 0.04, "p97.5": 0.06},
        {"mean": 1e-3, "median": 1e-3, "p2.5": -2e-3, "p97.5": 4e-3}, 0.25,
        delta_samples=[rng.uniform(-2e-3, 6e-3) for _ in range(1000)]))
    view.set_results(res)
    view.show_tab("Uncertainty")
    t = view.unc_table
    fm = t.fontMetrics()
    for row in (0, 3):  # the method's name is whole over its three rows
        assert t.rowSpan(row, 0) == 3
        need = fm.boundingRect(QRect(0, 0, t.columnWidth(0) - 6, 10_000), int(Qt.TextWordWrap),
                               t.item(row, 0).text())
        assert need.height() <= sum(t.rowHeight(row + k) for k in range(3))
    # readable, whole within its three rows (above); the narrower statistics of the number
    # policy let the table sit beside the histogram at 1100 px, where the column is 146 px
    assert t.columnWidth(0) >= 140
    combo = view.unc_method
    assert [combo.itemText(i) for i in range(combo.count())] == \
        [method_label(GWP), method_label(HTOX)]

    def chart():
        ax = view.chart_figure("Uncertainty").axes[0]
        return ax, [x.get_text() for x in ax.texts]

    ax, texts = chart()
    assert sum(p.get_height() for p in ax.containers[0]) == 1000
    assert f"P(Δ < 0) = {format_pct(100 * gwp.probability_delta_negative)}" in texts
    assert any(line.get_xdata()[0] == 0 for line in ax.lines)  # Δ = 0 marked
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Down)
    assert view.current_uncertainty_method() == HTOX
    ax, texts = chart()
    assert "P(Δ < 0) = 25.0 %" in texts and "[CTUh/year]" in ax.get_xlabel()
    assert view.export_chart("Uncertainty", tmp_path / "u.png").stat().st_size > 1000
    # results without the draws: the statistics, and a note instead of a histogram
    view.set_results(make_results())
    ax, texts = chart()
    assert any("statistics only" in x for x in texts) and "P(Δ < 0) = 97.0 %" in texts


def test_long_names_keep_what_tells_two_exchanges_apart(view, qtbot):
    """Exchange charts showed ids; long names cut off the receiving site."""
    long = "Municipal waste collection and sorting cooperative of the Kawasaki Eco-Town"
    res = make_results()
    res.exchanges[:] = [
        ExchangeParts("p1", f"{long}: waste plastics (containers and packaging, industrial) → "
                      "JFE Steel East Japan Works (Keihin): coking coal", GWP, "kg CO2-Eq",
                      -1e6, -2e6, 1e5, 0.0, 10.0, 50.0),
        ExchangeParts("p2", f"{long}: waste plastics (containers and packaging, industrial) → "
                      "Showa Denko Kawasaki plant (gasification): ammonia feed", GWP, "kg CO2-Eq",
                      -5e5, -1e6, 1e5, 0.0, 10.0, 50.0)]
    view.set_results(res, {"p1": "waste plastics (containers and packaging, industrial) → "
                                 "JFE Steel East Japan Works (Keihin)",
                           "p2": "waste plastics (containers and packaging, industrial) → "
                                 "Showa Denko Kawasaki plant (gasification)"})
    view.show_tab("Exchanges")
    canvas = view.ex_chart.canvas
    canvas.draw()
    ax = canvas.figure.axes[0]
    ticks = [x.get_text() for x in ax.get_yticklabels()]
    assert "JFE" in ticks[0] and "Showa" in ticks[1]
    t = view.ex_table
    assert t.item(0, 0).text().endswith("JFE Steel East Japan Works (Keihin)")
    assert "coking coal" in t.item(0, 0).toolTip() and "p1" in t.item(0, 0).toolTip()
    # hovering a bar names the exchange in full
    ratio = canvas.device_pixel_ratio
    x, y = ax.transData.transform((sum(ax.get_xlim()) / 2, 1))
    from PySide6.QtCore import QEvent, QPoint, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    pos = QPoint(int(x / ratio), int((canvas.figure.bbox.height - y) / ratio))
    QApplication.sendEvent(canvas, QMouseEvent(QEvent.MouseMove, QPointF(pos),
                                               QPointF(canvas.mapToGlobal(pos)), Qt.NoButton,
                                               Qt.NoButton, Qt.NoModifier))
    assert "Showa Denko Kawasaki plant (gasification): ammonia feed" in canvas.toolTip()


def test_table_names_are_never_cut(view, qtbot):
    """The Summary's method column read "IPCC 202…": names wrap, numbers stay in view or
    a horizontal scroll bar reaches them."""
    view.resize(820, 600)
    view.set_results(make_results())
    qtbot.wait(10)
    for t in (view.summary_table, view.site_table, view.ex_table, view.inv_table):
        fm = t.fontMetrics()
        for r in range(t.rowCount()):
            text = t.item(r, 0).text()
            width = t.columnWidth(0) - 6
            if t.wordWrap():
                need = fm.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextWordWrap), text)
                assert need.height() <= t.rowHeight(r) and need.width() <= width, text
            else:
                assert fm.horizontalAdvance(text) <= width, text
        if sum(t.columnWidth(c) for c in range(t.columnCount())) > t.viewport().width():
            assert t.horizontalScrollBar().maximum() > 0
