"""Native bar charts in the report's font and colours."""

from __future__ import annotations

from openpyxl.chart import BarChart
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Font as DrawingFont, Paragraph, \
    ParagraphProperties

from ecolca.report.styles import FONT_NAME


def text_props(size_pt: float = 10, bold: bool = False) -> RichText:
    """Chart text in the report's font (hundredths of a point)."""
    cp = CharacterProperties(latin=DrawingFont(typeface=FONT_NAME), sz=int(size_pt * 100),
                             b=bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=cp), endParaRPr=cp)])


def style_bar_chart(chart: BarChart, colors: list[str]) -> None:
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # labels outside the plot, also with negative bars
    for s, color in zip(chart.series, colors):
        s.graphicalProperties.solidFill = color
        s.graphicalProperties.line.solidFill = color
    chart.x_axis.txPr = text_props(10)
    chart.y_axis.txPr = text_props(10)
    if chart.legend is not None:
        chart.legend.txPr = text_props(10)


def value_axis_format(chart: BarChart, values) -> None:
    """The value axis's numbers to the figure of its tick step (a fifth of the largest value
    charted), not in the chart data's own format (which may carry more decimals for its
    smallest value): ticks read "−50", "0", "50", never "-50.0000" or E-notation."""
    from ecolca.core.numbers import decimals_for, excel_format

    m = max((abs(v) for v in values if isinstance(v, (int, float)) and v == v), default=0.0)
    # ticks are about a fifth of the span apart: one figure of that step
    chart.y_axis.number_format = excel_format(min(decimals_for(m / 5, 1), 6) if m else 0)
