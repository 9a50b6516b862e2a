"""Δ histograms: the distribution of Δ over the Monte Carlo draws, a native column chart per
method, when the results carry the draws (``UncertaintyResult.delta_samples``)."""

from __future__ import annotations

import math

import numpy as np
from openpyxl.chart import BarChart, Reference

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.charts import style_bar_chart, text_props
from ecolca.report.layout import Sheet
from ecolca.report.sheets.monte_carlo import samples
from ecolca.lca.results import method_label

NAME = "Δ histograms"
ORDER = 81
MAX_TEXT = 30
CHART_W_CM = 15.0
CHART_H_CM = 6.2


def _shown(ctx: cm.Context):
    return [(u, a) for u in ctx.results.uncertainty if ctx.covered(u.method)
            for a in [samples(u, "delta")] if a is not None]


def applies(ctx: cm.Context) -> bool:
    return bool(_shown(ctx))


def bins(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts and edges: about 2·n^(1/3) bins (Rice), 6 to 10 (two histograms fit a printed
    page); one bin when all draws agree."""
    k = int(min(10, max(6, math.ceil(2 * a.size ** (1 / 3)))))
    lo, hi = float(a.min()), float(a.max())
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1e-300):
        return np.array([a.size]), np.array([lo, hi])
    counts, edges = np.histogram(a, bins=k)
    return counts, edges


def write(sh: Sheet, ctx: cm.Context) -> None:
    shown = _shown(ctx)
    sh.title("Distribution of Δ = S − L over the Monte Carlo draws",
             f"{cm.monte_carlo_text(ctx.results)}. One histogram per method; bars left of 0 are "
             "draws where the symbiosis lowers the impact.")
    sh.fixed[6] = 2.0
    sh.fixed[7] = round(CHART_W_CM * 28.35 / st.PT_PER_CHAR, 1)
    labels = dict(zip(ctx.results.methods, cm.short_labels(ctx.results.methods)))
    for u, a in shown:
        counts, edges = bins(a)
        start = sh.row
        sh.paragraph(f"{method_label(u.method)} [{u.unit}/year]: {a.size:,} draws, "
                     f"P(Δ < 0) = {u.probability_delta_negative:.2f}", font=st.SUBHEAD_FONT)
        scale = max(abs(float(edges[0])), abs(float(edges[-1])))
        # the table is the chart's data: values divided by the scale its headers name, so the
        # axis labels are short and never wrap ("−0.25", not "-2.5E+08")
        sc = scaled.scale([float(e) for e in edges], u.unit)
        sc = sc.fit([float(e) for e in edges[1:] - edges[:-1]] + [scale], digits=2,
                    max_decimals=scaled.MAX_DECIMALS)
        rows = [[*scaled.chart_cells(st.denoise([float(lo), float(hi), (float(lo) + float(hi)) / 2],
                                                scale), sc),
                 int(c), 100.0 * int(c) / a.size]
                for lo, hi, c in zip(edges[:-1], edges[1:], counts)]
        hdr, first, last = sh.table(
            [(f"From [{sc.unit}/year]", "auto"), (f"To [{sc.unit}/year]", "auto"),
             (f"Centre [{sc.unit}/year]", "auto"), ("Draws", "int"), ("Share [%]", "pct")],
            rows, repeat=False)
        need = math.ceil(CHART_H_CM * 28.35 / st.LINE_PT) + 2
        sh.row = max(sh.row, hdr + need)
        sh.keep_together(start)
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "clustered"
        chart.gapWidth = 10
        chart.add_data(Reference(sh.ws, min_col=4, min_row=first, max_row=last),
                       titles_from_data=False)
        chart.set_categories(Reference(sh.ws, min_col=3, min_row=first, max_row=last))
        style_bar_chart(chart, ["2F8F5B"])
        chart.x_axis.tickLblPos = "low"
        chart.title = f"Δ, {labels.get(u.method, method_label(u.method))}"
        chart.x_axis.title = f"Δ = S − L [{sc.unit}/year], bin centre"
        chart.y_axis.title = "draws"
        chart.legend = None
        chart.x_axis.txPr = text_props(10)
        chart.x_axis.tickLblSkip = max(1, math.ceil(len(counts) / 5))  # labels never crowd
        chart.width, chart.height = CHART_W_CM, CHART_H_CM
        sh.ws.add_chart(chart, f"G{hdr}")
