"""The Uncertainty tab's histogram (issue #20, seen in the tutorial's screenshots): the "95 %
interval" legend entry shows a swatch one can see, and the P(Δ < 0) box lies inside the axes."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("pytestqt")

from test_app_results import make_results, view  # noqa: E402,F401  (the fixture)


def _visible_against_white(rgba, linewidth: float = 1.0) -> bool:
    """A colour drawn over white differs from it by at least 12 % in some channel."""
    r, g, b, a = rgba
    return linewidth > 0 and max(a * (1 - c) for c in (r, g, b)) >= 0.12


def _chart(view, size):  # noqa: F811
    rng = random.Random(3)
    res = make_results()
    u = res.uncertainty[0]
    u.delta_samples = [rng.gauss(-1e7, 5e6) for _ in range(500)]
    u.probability_delta_negative = sum(d < 0 for d in u.delta_samples) / 500
    view.resize(*size)
    view.set_results(res)
    view.show_tab("Uncertainty")
    fig = view.chart_figure("Uncertainty")
    fig.canvas.draw()
    return fig


@pytest.mark.parametrize("size", [(1100, 700), (1280, 420)])
def test_the_95_interval_has_a_visible_swatch(view, size):  # noqa: F811
    fig = _chart(view, size)
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    handles = {t.get_text(): h for lg in legends
               for t, h in zip(lg.get_texts(), lg.legend_handles)}
    assert "95 % interval" in handles, list(handles)
    patch = handles["95 % interval"]
    assert _visible_against_white(patch.get_facecolor()) or \
        _visible_against_white(patch.get_edgecolor(), patch.get_linewidth()), \
        (patch.get_facecolor(), patch.get_edgecolor(), patch.get_linewidth())


@pytest.mark.parametrize("size", [(1100, 700), (760, 330)])  # 760×330: the tutorial's tab
def test_the_probability_box_lies_inside_the_axes(view, size):  # noqa: F811
    fig = _chart(view, size)
    ax = fig.axes[0]
    box = next(t for t in ax.texts if t.get_text().startswith("P(Δ < 0)"))
    renderer = fig.canvas.get_renderer()
    outer, inner = ax.get_window_extent(renderer), box.get_bbox_patch().get_window_extent(renderer)
    assert outer.x0 < inner.x0 and inner.x1 < outer.x1 and outer.y0 < inner.y0 \
        and inner.y1 < outer.y1, (outer.bounds, inner.bounds)
