"""Exchanges chart: the four parts of Δ_e of the largest exchanges, for the first method."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.charts import style_bar_chart, value_axis_format
from ecolca.report.layout import Sheet

NAME = "Exchanges chart"
ORDER = 41
MAX_TEXT = 40
MAX_BARS = 20
COLORS = ["4472C4", "2F8F5B", "ED7D31", "A5A5A5"]


def _parts(res, m):
    # a group of exchanges shown by its Δ_e only (ecolca.park.confidential) has no parts to chart
    return [p for p in res.exchange_parts(m) if p.avoided_fate == p.avoided_fate]


def _method(ctx: cm.Context):
    return next((m for m in ctx.results.methods if ctx.covered(m)
                 and _parts(ctx.results, m)), None)


def applies(ctx: cm.Context) -> bool:
    return _method(ctx) is not None


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    m = _method(ctx)
    parts = _parts(res, m)
    unit = res.impact(m).unit
    shown = sorted(parts, key=lambda p: -abs(p.total))[:MAX_BARS]
    order = {id(p): i for i, p in enumerate(parts)}
    shown.sort(key=lambda p: order[id(p)])
    label = cm.short_labels(res.methods)[res.methods.index(m)]
    scale = ctx.method_scale(m)
    values = [st.denoise([p.avoided_fate, p.avoided_supply, p.transport, p.processing, p.total],
                         scale) for p in shown]
    # chart data: the values divided by the scale its headers name (the axis shows them)
    sc = scaled.scale([x for v in values for x in v], unit)
    u = sc.unit
    sh.title(f"Parts of Δ_e per exchange: {label} [{u}/year]",
             (f"The {len(shown)} exchanges with the largest |Δ_e| of {len(parts)}. "
              if len(shown) < len(parts) else "")
             + "Negative parts lower the impact. All methods: Exchanges sheet.")
    chart = BarChart()
    sh.chart(chart, width_cm=26, height_cm=max(8.5, 3.5 + 0.7 * len(shown)), new_page=False)
    start = sh.row
    sh.section("Chart data")
    hdr, first, last = sh.table(
        [("Exchange id", "text"), ("Exchange", "wrap"), (f"Avoided fate [{u}/year]", "auto"),
         (f"Avoided supply [{u}/year]", "auto"), (f"Transport [{u}/year]", "auto"),
         (f"Processing [{u}/year]", "auto"), (f"Δ_e [{u}/year]", "auto"), ("Unit", "text")],
        [[p.exchange_id, p.label, *scaled.chart_cells(v, sc), u]
         for p, v in zip(shown, values)], repeat=False, caps={"Exchange": 60})
    sh.keep_together(start)
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    for j in range(3, 7):
        chart.add_data(Reference(sh.ws, min_col=j, min_row=first, max_row=last),
                       titles_from_data=False)
    for s, name in zip(chart.series, ["Avoided fate", "Avoided supply", "Transport",
                                      "Processing"]):
        s.tx = SeriesLabel(v=name)
    # the bars named by the exchanges' labels (column 2), not their ids
    chart.set_categories(Reference(sh.ws, min_col=2, min_row=first, max_row=last))
    style_bar_chart(chart, COLORS)
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.title = f"{u}/year"
    # stacked: the axis spans the sums of the negative and of the positive parts
    value_axis_format(chart, [sum(x for x in v[:4] if x and x < 0) / sc.factor for v in values]
                      + [sum(x for x in v[:4] if x and x > 0) / sc.factor for v in values])
    chart.legend.position = "b"
