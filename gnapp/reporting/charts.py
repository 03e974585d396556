"""Bar and line charts for official PDFs, drawn with reportlab.graphics from a ``Chart`` spec.

Values are labelled the Vietnamese way ("2,88"); the chart's title is left to the caller, who
writes it as a caption in the document's own style.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from gnapp.core.vietnamese import format_decimal, format_number
from gnapp.reporting.document import Chart

# Dark enough to tell apart when printed in grey.
PALETTE = (
    colors.HexColor("#1f4e79"),
    colors.HexColor("#c55a11"),
    colors.HexColor("#548235"),
    colors.HexColor("#7f6000"),
    colors.HexColor("#7030a0"),
    colors.HexColor("#404040"),
)
FONT_SIZE = 9
_LEGEND_HEIGHT = 16
_UNIT_HEIGHT = 14


def series_color(index: int) -> colors.Color:
    return PALETTE[index % len(PALETTE)]


def chart_drawing(
    chart: Chart, width: float, height: float, font_name: str = "Times-Roman"
) -> Drawing:
    """The chart as a Drawing of the given size (points), labelled in ``font_name``."""
    drawing = Drawing(width, height, initialFontName=font_name)  # else Helvetica is embedded
    legend = len(chart.series) > 1
    bottom = 28 + (_LEGEND_HEIGHT if legend else 0)
    top = height - (_UNIT_HEIGHT if chart.unit else 4) - 10
    plot = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    plot.x, plot.y = 40, bottom
    plot.width, plot.height = width - 50, top - bottom
    plot.data = [tuple(s.values) for s in chart.series]

    def label(value: float) -> str:
        return format_number(value, chart.decimals)

    def tick(value: float) -> str:
        return format_decimal(value, chart.decimals)

    low = min(min(s.values) for s in chart.series)
    high = max(max(s.values) for s in chart.series)
    plot.valueAxis.valueMin = min(0, low)
    if high == low == 0:
        plot.valueAxis.valueMax = 1
    plot.valueAxis.labelTextFormat = tick
    plot.valueAxis.labels.fontName = font_name
    plot.valueAxis.labels.fontSize = FONT_SIZE
    plot.categoryAxis.categoryNames = list(chart.categories)
    plot.categoryAxis.labels.fontName = font_name
    plot.categoryAxis.labels.fontSize = FONT_SIZE
    if chart.kind == "bar":
        plot.barLabelFormat = label
        plot.barLabels.fontName = font_name
        plot.barLabels.fontSize = FONT_SIZE - 1
        plot.barLabels.nudge = 6
        plot.groupSpacing = 10
        for i in range(len(chart.series)):
            plot.bars[i].fillColor = series_color(i)
            plot.bars[i].strokeColor = None
    else:
        plot.lineLabelFormat = label
        plot.lineLabels.fontName = font_name
        plot.lineLabels.fontSize = FONT_SIZE - 1
        plot.lineLabels.dy = 7
        plot.joinedLines = 1
        for i in range(len(chart.series)):
            plot.lines[i].strokeColor = series_color(i)
            plot.lines[i].strokeWidth = 1.5
            plot.lines[i].symbol = makeMarker("FilledCircle", size=4)
            plot.lines[i].symbol.fillColor = series_color(i)
    drawing.add(plot)
    if chart.unit:
        drawing.add(
            String(
                plot.x - 30,
                height - _UNIT_HEIGHT,
                chart.unit,
                fontName=font_name,
                fontSize=FONT_SIZE,
            )
        )
    if legend:
        key = Legend()
        key.fontName, key.fontSize = font_name, FONT_SIZE
        key.alignment = "right"
        key.columnMaximum = 1
        key.deltax = max(60, width / (len(chart.series) + 1))
        key.x, key.y = plot.x, 10
        key.dxTextSpace = 4
        key.colorNamePairs = [(series_color(i), s.name) for i, s in enumerate(chart.series)]
        drawing.add(key)
    return drawing
