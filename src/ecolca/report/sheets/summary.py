"""Summary: the headline per method, the two configurations, costs, a native bar chart."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference

from ecolca.core.labels import item_name
from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.charts import style_bar_chart
from ecolca.report.layout import Sheet
from ecolca.lca.results import method_label

NAME = "Summary"
NUMBERS_NOTE = scaled.NOTE
ORDER = 10
MAX_TEXT = 40


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    cur = res.currency
    sh.col_cap[1] = 46
    sh.title(f"ecolca report: {res.scenario_name}",
             f"Scenario: {res.scenario_name} · reference year {res.reference_year} · "
             f"functional unit: the annual output of all sites in {res.reference_year} (listed "
             "on Methods & data) · all impacts per year for the whole park · Δ = S − L "
             "(negative: the symbiosis lowers the impact) · " + NUMBERS_NOTE)
    sh.row -= 1
    sh.paragraph(cm.LINEAR_DEFINITION)
    sh.paragraph(cm.SYMBIOTIC_DEFINITION)
    # computed from the amounts' bases (core.model.calibration_of), never a stored default
    level = res.calibration_note or res.calibration or "not computed"
    share = res.assumed_share(res.methods[0]) if res.methods else None
    text = f"Calibration: {level}."
    if share is not None and res.assumed_exchanges:
        text += (f" {share * 100:.0f} % of the exchanges' contributions to Δ "
                 f"({method_label(res.methods[0])}, Σ|Δₑ|) rest on amounts not sourced "
                 f"({'; '.join(ctx.exchange_labels.get(i, i) for i in res.assumed_exchanges)}).")
    sh.paragraph(text, font=st.WARN_FONT if res.calibration != "calibrated" else st.NOTE_FONT)
    sh.skip()

    start = sh.row
    cols = [("Method", "wrap"), ("Unit", "text"), ("Linear (L) [unit/year]", "auto"),
            ("Symbiotic (S) [unit/year]", "auto"), ("Δ = S − L [unit/year]", "auto"),
            ("Δ [%]", "pct"), ("S relative to L = 100 [%]", "pct"), ("Coverage", "wrap")]
    rows = []
    for r in res.impacts:
        if not r.covered:  # no data is not a zero: no number at all
            rows.append([method_label(r.method), r.unit, "not covered", None, None,
                         None, None, cm.coverage_short(r)])
            continue
        pct = "n/m" if r.pct_note else r.delta_pct
        rel = "n/m" if r.pct_note else r.relative
        values, sc = scaled.row([r.linear, r.symbiotic, r.delta], r.unit)
        rows.append([method_label(r.method), sc.unit, *values, pct, rel,
                     cm.coverage_short(r)])
    sh.table(cols, rows, repeat=False)
    if res.impacts and res.impacts[0].pct_note:
        sh.paragraph("Δ % " + res.impacts[0].pct_note + ".", font=st.NOTE_FONT)
    for r in res.impacts:  # below numerical precision; exchanges with one side without data
        if r.covered and r.delta_note:
            sh.paragraph(f"{method_label(r.method)}: Δ {ctx.delta_note(r)}.", font=st.WARN_FONT)
    for r in res.impacts:
        if r.covered and r.symbiotic < 0 <= r.linear:
            sh.paragraph(f"{method_label(r.method)}: S < 0 because the avoided supplies and fates "
                         "credited exceed the burden the sites declare.", font=st.NOTE_FONT)
    if any(r.coverage is not None and r.coverage.status != "covered" for r in res.impacts):
        sh.paragraph("Coverage: of the background processes in the scenario's supply chain that "
                     "exchange any elementary flow, the share with at least one flow the method "
                     "characterises (the processes without one are named on the Impacts sheet). "
                     "'not covered' means the background has no data for the category: the "
                     "result is unknown, not zero.", font=st.NOTE_FONT)
    sh.keep_together(start)
    sh.skip()

    start = sh.row
    sh.section("Costs and uncertainty")
    reason = cm.cost_reason(res)
    items: list[tuple[str, object]] = [
        (f"Total Δcost [{cur}/year]", reason or cm.cost_total(res, "delta"))]
    first = res.methods[0] if res.methods else None
    if first is not None:
        imp = res.impact(first)
        value = cm.cost_per_avoided(res, first)
        if value is None:
            value = "none: no impact avoided in this category"
        items.append((f"Cost per avoided unit, {method_label(first)} [{cur}/{imp.unit}]",
                       reason or value))
    n, seed = cm.monte_carlo_run(res)
    if res.monte_carlo_note():  # asked for, nothing to sample: no interval
        items.append(("Monte Carlo", res.monte_carlo_note() + "."))
    elif n and res.uncertainty:
        items.append(("Monte Carlo", f"{cm.monte_carlo_text(res)}: the deterministic Δ beside "
                      "the median and the 95 % interval of the draws below (all statistics on "
                      "the Monte Carlo sheet)"))
    else:
        items.append(("Monte Carlo", "not run"))
    for label, value in items:
        sh.put(sh.row, 1, label, "text", font=st.BOLD_FONT)
        if isinstance(value, str):
            sh.paragraph(value, col=2)
        else:
            sh.put(sh.row, 3, value, "money")
            sh.row += 1
    sh.paragraph("Negative cost per avoided unit means win-win: the symbiosis saves money and "
                 "impact. Details on the Economics sheet.", font=st.NOTE_FONT)
    sh.keep_together(start)
    sh.skip()
    _headline(sh, res)
    _warnings(sh, res, ctx.exchange_labels)

    charted = [(lab, r) for lab, r in zip(cm.short_labels(res.methods), res.impacts)
               if r.covered and r.relative is not None]
    if not charted:
        if res.impacts:
            sh.paragraph("No chart of S relative to L: " + (
                "Δ % is not meaningful for this scenario (see above)." if
                res.impacts[0].pct_note else "no category has a linear result."),
                font=st.NOTE_FONT)
        return
    left_out = [method_label(r.method) for r in res.impacts if not r.covered]
    # the chart on a page of its own, its data on the rows after it (the chart is an object:
    # its data references are set once the table is written)
    chart = BarChart()
    sh.chart(chart, width_cm=24, height_cm=max(7.5, 3.0 + 1.0 * len(charted)))
    start = sh.row
    sh.section("Chart data: symbiotic relative to linear = 100 %")
    if left_out:
        sh.paragraph("Left out of the chart, not covered by the background: "
                     + "; ".join(left_out) + ".", font=st.NOTE_FONT)
    hdr, first_row, last_row = sh.table(
        [("Method (short)", "text"), ("Linear = 100 [%]", "pct"),
         ("Symbiotic [% of linear]", "pct")],
        [[lab, 100.0, r.relative] for lab, r in charted], repeat=False)
    sh.keep_together(start)
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = "Symbiotic relative to linear (linear = 100 %)"
    chart.x_axis.title = None
    chart.y_axis.title = "% of linear"
    chart.add_data(Reference(sh.ws, min_col=2, max_col=3, min_row=hdr, max_row=last_row),
                   titles_from_data=True)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=first_row, max_row=last_row))
    style_bar_chart(chart, ["BFBFBF", "2F8F5B"])
    chart.x_axis.scaling.orientation = "maxMin"  # first method at the top
    chart.y_axis.scaling.min = 0
    chart.legend.position = "b"


def _headline(sh: Sheet, res) -> None:
    """Per method, the deterministic Δ beside the Monte Carlo median and 95 % interval of Δ;
    in words where the deterministic Δ lies outside the interval, with the parameters that put
    it there (issue #20.1)."""
    shown = [u for u in res.uncertainty if res.impact(u.method).covered]
    if not shown or res.monte_carlo_note():
        return
    start = sh.row
    sh.section("Δ: deterministic and Monte Carlo")
    rows = []
    for u in shown:
        d = u.delta
        where = "—" if u.deterministic is None else \
            "inside" if u.outside is None else f"outside ({u.outside})"
        values, sc = scaled.row([u.deterministic, d["median"], d["p2.5"], d["p97.5"]], u.unit)
        rows.append([method_label(u.method), sc.unit, *values, u.probability_delta_negative,
                     where])
    sh.table([("Method", "wrap"), ("Unit", "text"), ("Δ deterministic [unit/year]", "auto"),
              ("Monte Carlo median Δ", "auto"), ("2.5 %", "auto"), ("97.5 %", "auto"),
              ("P(Δ < 0)", "prob"), ("Deterministic Δ vs the 95 % interval", "wrap")],
             rows, repeat=False)
    for u in shown:
        if u.outside:
            sh.paragraph(f"{method_label(u.method)}: {u.headline()}", font=st.WARN_FONT)
    sh.keep_together(start)
    sh.skip()


# warnings listed on the Summary; the rest are counted
MAX_WARNINGS = 50


def _warnings(sh: Sheet, res, labels: dict[str, str]) -> None:
    """The scenario's validation warnings (what ``ecolca validate`` prints): the run went on
    despite them, and a reader of the report should see them. In a park or public report
    ``res`` is masked (confidential.mask): a warning keeps only its field unless its text was
    cleared."""
    warnings = getattr(res, "warnings", None) or []
    if not warnings:
        return
    start = sh.row
    sh.section(f"Warnings ({len(warnings)})")
    sh.paragraph("The scenario passed validation with these warnings (`ecolca validate` lists "
                 "them too): check each before using the results.", font=st.WARN_FONT)
    shown = warnings[:MAX_WARNINGS]
    sh.table([("Item", "wrap"), ("Field", "text"), ("Warning", "wrap")],
             [[item_name(w["item"], labels), w["field"], w["message"]] for w in shown],
             repeat=False)  # an exchange by its label (labels), not its id
    if len(warnings) > len(shown):
        sh.paragraph(f"… and {len(warnings) - len(shown):,} more warning(s) not listed.",
                     font=st.NOTE_FONT)
    sh.keep_together(start)
    sh.skip()
