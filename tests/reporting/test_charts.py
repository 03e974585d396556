"""PDF charts: a bar or a point per value, scaled to the value, labelled in Vietnamese."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, PolyLine, Rect, String, UserNode

from gnapp.reporting.charts import chart_drawing, series_color
from gnapp.reporting.document import Chart, Series

values = st.lists(
    st.floats(min_value=0.01, max_value=5000, allow_nan=False), min_size=1, max_size=12
)


def shapes(drawing: Drawing) -> list:
    """Every primitive shape the drawing paints (widgets such as axes and labels expanded)."""

    def walk(node):
        if isinstance(node, UserNode):
            yield from walk(node.provideNode())
        elif isinstance(node, Group):
            for child in node.contents:
                yield from walk(child)
        else:
            yield node

    return list(walk(drawing))


def plot_of(drawing: Drawing) -> VerticalBarChart | HorizontalLineChart:
    (plot,) = [n for n in drawing.contents if isinstance(n, VerticalBarChart | HorizontalLineChart)]
    return plot


def bars(drawing: Drawing, index: int) -> list[Rect]:
    """The bars of series ``index``, left to right (legend keys sit below the plot)."""
    baseline = plot_of(drawing).y
    found = [
        s
        for s in shapes(drawing)
        if isinstance(s, Rect) and s.fillColor == series_color(index) and s.y == baseline
    ]
    return sorted(found, key=lambda r: r.x)


def assert_proportional(heights: list[float], expected: list[float]) -> None:
    scale = heights[0] / expected[0]
    assert heights == pytest.approx([v * scale for v in expected], rel=1e-6)


def chart(kind: str, *series: list[float]) -> Chart:
    categories = tuple(f"Thôn {i + 1}" for i in range(len(series[0])))
    return Chart(
        kind=kind,
        title="Tỷ lệ hộ nghèo",
        categories=categories,
        series=tuple(Series(f"Dãy {i + 1}", tuple(v)) for i, v in enumerate(series)),
        unit="%",
    )


@given(values)
def test_a_bar_per_value_with_a_height_in_proportion(numbers):
    drawing = chart_drawing(chart("bar", numbers), 400, 220)
    found = bars(drawing, 0)
    assert len(found) == len(numbers)
    assert_proportional([r.height for r in found], numbers)


@given(values, st.data())
def test_each_series_has_its_own_bars(first, data):
    second = data.draw(st.lists(st.floats(0.01, 5000), min_size=len(first), max_size=len(first)))
    drawing = chart_drawing(chart("bar", first, second), 400, 220)
    left, right = bars(drawing, 0), bars(drawing, 1)
    assert len(left) == len(right) == len(first)
    assert_proportional([r.height for r in left + right], first + second)
    assert all(a.x < b.x for a, b in zip(left, right, strict=True))  # grouped side by side


@given(values)
def test_a_line_has_a_point_per_value_at_its_height(numbers):
    drawing = chart_drawing(chart("line", numbers), 400, 220)
    baseline = plot_of(drawing).y
    (line,) = [s for s in shapes(drawing) if isinstance(s, PolyLine)]
    assert line.strokeColor == series_color(0)
    xs, ys = line.points[0::2], line.points[1::2]
    assert len(ys) == len(numbers)
    assert xs == sorted(xs)
    assert_proportional([y - baseline for y in ys], numbers)


def test_values_are_labelled_the_vietnamese_way():
    drawing = chart_drawing(chart("bar", [2.88, 1810.5], [4.5, 0.25]), 400, 220)
    texts = {s.text for s in shapes(drawing) if isinstance(s, String)}
    assert {"2,88", "1.810,50", "4,50", "0,25", "Thôn 1", "Dãy 1", "Dãy 2", "%"} <= texts


def test_all_zero_values_still_draw():
    drawing = chart_drawing(chart("line", [0, 0, 0]), 300, 200)
    (line,) = [s for s in shapes(drawing) if isinstance(s, PolyLine)]
    assert set(line.points[1::2]) == {plot_of(drawing).y}


def test_labels_use_the_given_font():
    drawing = chart_drawing(chart("bar", [1, 2]), 300, 200, font_name="Times-Bold")
    assert {s.fontName for s in shapes(drawing) if isinstance(s, String)} == {"Times-Bold"}


@pytest.mark.parametrize(
    ("kind", "categories", "series"),
    [
        ("pie", ("a",), (Series("x", (1.0,)),)),
        ("bar", (), (Series("x", ()),)),
        ("bar", ("a", "b"), ()),
        ("line", ("a", "b"), (Series("x", (1.0,)),)),
    ],
)
def test_a_malformed_chart_is_refused(kind, categories, series):
    with pytest.raises(ValueError):
        Chart(kind=kind, title="", categories=categories, series=series)
