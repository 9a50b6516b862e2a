"""The results charts are laid out without matplotlib's constrained layout (issue #23 target 2:
it took 0.68 s of the Exchanges chart's 1.57 s draw at 1,000 sites), and nothing is cut or
overlaps for that. Structure only, never a timing (speed: benchmarks/live_edit.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from test_app_results import make_results  # noqa: E402

from PySide6.QtCore import Qt  # noqa: E402

from ecolca.app.results_view import ResultsView  # noqa: E402

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore(r"^This plugin does not support")]


@pytest.fixture()
def view(qtbot) -> ResultsView:
    w = ResultsView()
    qtbot.addWidget(w)
    w.resize(1100, 700)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.parametrize("tab", ["Summary", "Exchanges", "Sites", "Uncertainty"])
@pytest.mark.parametrize("width", [1100, 800])
def test_charts_have_no_constrained_layout_and_their_texts_fit(view, tab, width):
    from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine

    view.resize(width, 700)
    view.set_results(make_results(n_exchanges=300))
    view.show_tab(tab)
    fig = view.chart_figure(tab)
    assert not isinstance(fig.get_layout_engine(), (ConstrainedLayoutEngine, TightLayoutEngine))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    W, H = fig.bbox.width, fig.bbox.height
    plot = ax.get_window_extent(renderer)
    lo, hi = sorted(ax.get_xlim()) if ax.axison else (1, 0)  # no axis: no tick drawn
    xlabels = [t for x, t in zip(ax.get_xticks(), ax.get_xticklabels())
               if lo <= x <= hi and t.get_text()]  # those drawn
    ylabels = [t for t in ax.get_yticklabels() if t.get_text()] if ax.axison else []
    texts = ylabels + xlabels
    texts += [t for t in (ax.title, ax.xaxis.label) if t.get_text()
              and (ax.axison or t is ax.title)]
    texts += [t for t in ax.texts if t.get_visible() and t.get_in_layout() and t.get_text()]
    for t in texts:  # inside the figure (a value written after its bar too)
        b = t.get_window_extent(renderer)
        assert b.x0 >= -1 and b.x1 <= W + 1 and b.y0 >= -1 and b.y1 <= H + 1, t.get_text()
    for t in ylabels:  # left of the plot, not over it
        assert t.get_window_extent(renderer).x1 <= plot.x0 + 1, t.get_text()
    if ax.title.get_text():  # above the plot
        assert ax.title.get_window_extent(renderer).y0 >= plot.y1 - 1
    below = [t.get_window_extent(renderer) for t in xlabels]
    if ax.xaxis.label.get_text() and ax.axison:
        below.append(ax.xaxis.label.get_window_extent(renderer))
    for leg in fig.legends:  # a legend below the plot is below its x labels too
        lb = leg.get_window_extent(renderer)
        assert lb.y0 >= -1
        for b in below:
            assert lb.y1 <= b.y0 + 1


def _with_exchange(res, exchange_id, **changes):
    import dataclasses

    res = dataclasses.replace(res)
    res.exchanges = [dataclasses.replace(p, **changes) if p.exchange_id == exchange_id
                     and p.method == res.impacts[0].method else p for p in res.exchanges]
    return res


def test_a_live_edit_moves_the_exchanges_bars_in_place(view, qtbot):
    """The same exchanges shown: the bars and markers drawn before are moved (same artists, no
    figure cleared); other exchanges on top: the chart is drawn anew, right."""
    res = make_results(n_exchanges=300)
    view.set_results(res)
    view.show_tab("Exchanges")
    fig = view.chart_figure("Exchanges")
    fig.canvas.draw()
    ax = fig.axes[0]
    rects = [id(r) for c in ax.containers for r in c]
    fate = ax.containers[0]  # "Avoided fate"; ex1 is the second bar (|Δ_e| 3.3 M)
    assert fate.get_label() == "Avoided fate" and fate[1].get_width() == -1.2e6

    view.set_results(_with_exchange(res, "ex1", avoided_fate=-1.3e6), only_visible=True)
    qtbot.wait(50)
    assert fig.axes[0] is ax  # not cleared
    assert [id(r) for c in ax.containers for r in c] == rects
    assert fate[1].get_width() == -1.3e6
    assert ax.collections[0].get_offsets()[1, 0] == pytest.approx(-3.4e6)  # the net marker

    # ex1 grows past the axis: drawn anew, with the new numbers
    view.set_results(_with_exchange(res, "ex1", avoided_fate=-3.0e7), only_visible=True)
    qtbot.wait(50)
    ax2 = fig.axes[0]
    assert ax2 is not ax
    assert ax2.containers[0][0].get_width() == -3.0e7  # now the largest: first


def test_a_live_edit_moves_the_sites_bars_and_deltas_in_place(view, qtbot):
    import dataclasses

    res = make_results()
    view.set_results(res)
    view.show_tab("Sites")
    fig = view.chart_figure("Sites")
    fig.canvas.draw()
    ax = fig.axes[0]
    artists = [id(a) for a in ax.patches] + [id(t) for t in ax.texts]
    # the plasterboard works (second by |Δ|, physical key) emits a little less under S
    res2 = dataclasses.replace(res)
    res2.sites = [dataclasses.replace(s, symbiotic=s.symbiotic - 1e6)
                  if s.site_id == "board" and s.method == res.impacts[0].method
                  and s.key == "physical" else s for s in res.sites]
    view.set_results(res2, only_visible=True)
    qtbot.wait(50)
    assert fig.axes[0] is ax
    assert [id(a) for a in ax.patches] + [id(t) for t in ax.texts] == artists
    sym = next(c for c in ax.containers if c.get_label() == "Symbiotic (S)")
    board = [s for s in res2.site_results(res.impacts[0].method, "physical")
             if s.site_id == "board"][0]
    assert board.symbiotic in [p.get_width() for p in sym]
    assert any(t.get_text().startswith("Δ -3.0 M") for t in ax.texts), \
        [t.get_text() for t in ax.texts]


def test_the_exchanges_table_makes_only_the_rows_it_shows_or_measures(view, monkeypatch):
    """3,000 exchanges: the table's rows are made when the view shows them or the columns are
    measured on them, not all at every render (issue #23: 33,000 cells per live edit)."""
    from ecolca.app.results_view import exchanges_tab
    made = []
    real = exchanges_tab._num_item
    monkeypatch.setattr(exchanges_tab, "_num_item",
                        lambda *a, **kw: made.append(1) or real(*a, **kw))
    res = make_results(n_exchanges=3000)
    view.set_results(res)
    view.show_tab("Exchanges")
    view.ex_table.viewport().repaint()
    t = view.ex_table
    assert t.rowCount() == 3000
    rows = len(made) / 7  # seven numbers a row
    # each column is measured on at most MEASURED_ROWS * 3 / 4 rows (the first, the widest
    # numbers and texts): their union over ten columns, and the rows on screen
    assert rows <= 3000 / 5, rows
    # every row is still there when asked: the last one, and sorting by Δ_e
    last = res.exchange_parts(res.impacts[0].method)[-1]
    assert t.item(2999, 0).data(Qt.UserRole) == last.exchange_id
    t.sortByColumn(6, Qt.AscendingOrder)
    keys = [t.item(i, 6).data(Qt.UserRole) for i in range(3000)]
    assert keys == sorted(keys)
