"""Bar and line charts for official PDFs, drawn with reportlab.graphics from a ``Chart`` spec.

Values are labelled the Vietnamese way ("2,88"); the chart's title is left to the caller, who
writes it as a caption in the document's own style.
"""

from __future__ import annotations

import math

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

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
_SLANT = 35  # degrees of category names too long to stand side by side


def series_color(index: int) -> colors.Color:
    return PALETTE[index % len(PALETTE)]


def chart_drawing(
    chart: Chart, width: float, height: float, font_name: str = "Times-Roman"
) -> Drawing:
    """The chart as a Drawing of the given size (points), labelled in ``font_name``."""
    drawing = Drawing(width, height, initialFontName=font_name)  # else Helvetica is embedded
    legend = len(chart.series) > 1
    slot = (width - 50) / len(chart.categories)
    widest = max(stringWidth(c, font_name, FONT_SIZE) for c in chart.categories)
    slanted = widest > slot - 4  # names that would run into each other are set aslant
    names_height = widest * math.sin(math.radians(_SLANT)) + 6 if slanted else 0
    bottom = 28 + (_LEGEND_HEIGHT if legend else 0) + min(names_height, height / 3)
    top = height - (_UNIT_HEIGHT if chart.unit else 4) - 10
    plot = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    plot.x, plot.y = 40, bottom
    plot.width, plot.height = width - 50, top - bottom
    plot.data = [tuple(s.values) for s in chart.series]

    def label(value: float) -> str:
        return format_number(value, chart.decimals)

    if slanted:
        plot.categoryAxis.labels.angle = _SLANT
        plot.categoryAxis.labels.boxAnchor = "ne"
        plot.categoryAxis.labels.dx = 4
        plot.categoryAxis.labels.dy = -2
    values = [v for s in chart.series for v in s.values]
    label_width = max(stringWidth(label(v), font_name, FONT_SIZE - 1) for v in values)

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
        bar_width = (slot - 10) / len(chart.series)
        if label_width > bar_width:  # upright labels side by side would overlap
            plot.height -= label_width  # room above the highest bar for its label
            plot.barLabels.angle = 90
            plot.barLabels.boxAnchor = "w"
            plot.barLabels.nudge = 2
            plot.barLabels.dx = 0
        for i in range(len(chart.series)):
            plot.bars[i].fillColor = series_color(i)
            plot.bars[i].strokeColor = None
    else:
        plot.lineLabelFormat = label
        plot.lineLabels.fontName = font_name
        plot.lineLabels.fontSize = FONT_SIZE - 1
        plot.lineLabels.dy = 7
        for point in range(len(chart.categories)):
            # the highest line's label above its point, the others' below theirs, so that
            # labels of lines close together do not print over each other
            highest = max(range(len(chart.series)), key=lambda r: chart.series[r].values[point])
            for row in range(len(chart.series)):
                plot.lineLabels[(row, point)].dy = 7 if row == highest else -7 - FONT_SIZE
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
