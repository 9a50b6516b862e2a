"""The results charts are laid out without matplotlib's constrained layout (issue #23 target 2:
it took 0.68 s of the Exchanges chart's 1.57 s draw at 1,000 sites), and nothing is cut or
overlaps for that. Structure only, never a timing (speed: benchmarks/live_edit.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from test_app_results import make_results  # noqa: E402

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
@pytest.mark.parametrize("width", [1100, 560])
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
    for t in texts:  # inside the figure
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
