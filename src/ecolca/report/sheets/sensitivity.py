"""Sensitivity: which inputs move Δ. A tornado chart for the first covered method (the change of Δ
with each parameter at the low and the high end of its range), then one table per method with
every parameter, its range and basis, Δ at both ends and, after a Monte Carlo run, its share of
the variance of Δ (docs/engine.md, "Sensitivity")."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.charts import style_bar_chart, value_axis_format
from ecolca.report.layout import Sheet
from ecolca.lca.results import method_label

NAME = "Sensitivity"
ORDER = 45
MAX_TEXT = 50
MAX_BARS = 12
MAX_ROWS = 40


def _fmt(x: float, unit: str = "") -> str:
    """Δ in running text, to the number policy (``−3.37 Mt CO2-Eq``)."""
    return scaled.text(x, unit)


def _shown(ctx: cm.Context):
    # the few rows shown are built; the others are only counted (Sensitivity.n_moving)
    return [s for s in ctx.results.sensitivity if ctx.covered(s.method)
            and s.moving_rows(MAX_ROWS)]


def applies(ctx: cm.Context) -> bool:
    return bool(_shown(ctx))


def write(sh: Sheet, ctx: cm.Context) -> None:
    shown = _shown(ctx)
    first_s = shown[0]
    labels = dict(zip(ctx.results.methods, cm.short_labels(ctx.results.methods)))
    label = labels.get(first_s.method, method_label(first_s.method))
    bars = first_s.moving_rows(MAX_ROWS)[:MAX_BARS]
    n_moving = first_s.n_moving()
    sh.title(f"Sensitivity of Δ: {label}",
             "One at a time: each parameter moved to the 2.5 and 97.5 % quantiles of its "
             "distribution, or ±10 % where it has none, the others at their values. Bars: change "
             f"of Δ from {_fmt(first_s.delta, first_s.unit)} at each end"
             + (f"; the {len(bars)} largest swings of {n_moving}" if len(bars) < n_moving else "")
             + ". All methods: tables below.")
    chart = BarChart()
    sh.chart(chart, width_cm=26, height_cm=max(8.0, 3.5 + 0.7 * len(bars)), new_page=False)
    start = sh.row
    sh.section("Chart data")
    scale = max(abs(first_s.delta), max(r.swing for r in bars), 1e-300)
    # chart data holds the changes divided by the scale its headers name (the axis shows them)
    changes = [st.denoise([r.delta_low - first_s.delta, r.delta_high - first_s.delta], scale)
               for r in bars]
    chart_scale = scaled.scale([x for pair in changes for x in pair], first_s.unit)
    hdr, first, last = sh.table(
        [("Parameter", "wrap"), (f"Low end: change of Δ [{chart_scale.unit}/year]", "auto"),
         (f"High end: change of Δ [{chart_scale.unit}/year]", "auto")],
        [[ctx.parameter_name(r.item, r.field), *scaled.chart_cells(pair, chart_scale)]
         for r, pair in zip(bars, changes)],
        repeat=False, caps={"Parameter": 60})
    sh.keep_together(start)
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.overlap = 100
    for j in (2, 3):
        chart.add_data(Reference(sh.ws, min_col=j, min_row=first, max_row=last),
                       titles_from_data=False)
    for s, name in zip(chart.series, ["Low end of the range", "High end of the range"]):
        s.tx = SeriesLabel(v=name)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
    style_bar_chart(chart, ["4472C4", "ED7D31"])
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.title = f"change of Δ [{chart_scale.unit}/year]"
    value_axis_format(chart, [x / chart_scale.factor for pair in changes for x in pair
                              if x is not None])
    chart.legend.position = "b"

    for s in shown:
        shares = {g.parameter: g.s1 for g in s.global_shares}
        rows = s.moving_rows(MAX_ROWS)
        n_moving = s.n_moving()
        still = s.n_parameters - n_moving
        block = _block(ctx, s)
        sh.section(f"{labels.get(s.method, method_label(s.method))} [{block.unit}/year]: "
                   f"Δ = {_fmt(s.delta, s.unit)}"
                   + (f"; the {len(rows)} largest swings of {n_moving}" if len(rows) < n_moving else ""))
        sc_ = max(abs(s.delta), 1e-300)
        sh.table(
            [("Parameter", "wrap"), ("Value", "auto"), ("Low", "auto"), ("High", "auto"),
             ("Range", "wrap"), ("Δ at low [unit/year]", "auto"), ("Δ at high [unit/year]", "auto"),
             ("Share of Var(Δ), S1 [%]", "pct")],
            [[ctx.parameter_name(r.item, r.field), r.value, r.low, r.high, r.basis,
              *scaled.row([r.delta_low, r.delta_high], within=block, noise_scale=sc_)[0],
              100 * max(shares[r.parameter], 0.0) if r.parameter in shares else "—"] for r in rows],
            caps={"Parameter": 50, "Range": 30})
        if still:
            sh.paragraph(f"{still} more parameter(s) do not move Δ (e.g. site amounts that no "
                         "exchange touches: they count in L and S alike).")
        if s.global_note:
            sh.paragraph(f"Share of the variance of Δ: {s.global_note}.")


def _block(ctx: cm.Context, s):
    """The unit a method's Δ values are shown in: its Impacts row's."""
    try:
        imp = ctx.memo.impact(s.method)
        values = [imp.linear, imp.symbiotic, imp.delta]
    except KeyError:
        values = [s.delta]
    return scaled.scale(values, s.unit)
