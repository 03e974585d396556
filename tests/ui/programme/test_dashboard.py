"""The dashboard in the GUI: the targets' table and the charts."""

from __future__ import annotations

from datetime import date

import pytest

from gnapp.reporting.figures import report_figures
from gnapp.ui.common.qt import Qt
from gnapp.ui.programme.dashboard import BarChart, DashboardView, target_rows

TODAY = date(2026, 11, 22)


def computed(qtbot, view):
    """Wait for the figures, computed in the background."""
    qtbot.waitUntil(lambda: view.work is None, timeout=20_000)


def test_view_shows_targets_and_draws(qtbot, demo_db, qtmodeltester):
    view = DashboardView(demo_db, year=2025, today=TODAY)
    qtbot.addWidget(view)
    assert view.explanation.text() == "Đang tính…" and view.model.rowCount() == 0
    assert view.by_year.empty_text == "Đang tính…"
    with qtbot.waitSignal(view.computed, timeout=20_000):
        pass
    qtmodeltester.check(view.model)
    rows = [
        tuple(view.model.data(view.model.index(r, c)) for c in range(5))
        for r in range(view.model.rowCount())
    ]
    assert rows == [row.cells for row in target_rows(view.figures)]
    assert rows[0][0] == "Tỷ lệ hộ nghèo cuối năm"
    assert rows[-1][2] == "chưa có số liệu trong phần mềm"
    # 2025 is over: each target met or not, as the annual report judges it
    assert {row[4] for row in rows} == {"Đạt", "Không đạt", ""}
    assert "Năm 2025 đã qua" in view.explanation.text()
    assert view.model.headerData(2, Qt.Orientation.Horizontal) == "Kết quả cả năm"
    report = report_figures(demo_db.db, "annual", "2025")
    judged = {target.code: target.reached for target in report.targets}
    for target in view.figures.targets:
        if target.code in judged and not target.label.startswith(target.code):
            assert target.reached == judged[target.code], target.code
    assert view.by_year.categories == ["2022", "2023", "2024", "2025"]
    view.resize(1200, 800)
    assert not view.grab().isNull()
    view.year.setValue(2030)
    computed(qtbot, view)
    assert view.model.rowCount() == 0 and view.problem.text()


@pytest.mark.parametrize("categories", [[], ["2024", "2025"]])
def test_chart_paints_with_and_without_data(qtbot, categories):
    chart = BarChart("Tỷ lệ")
    qtbot.addWidget(chart)
    chart.set_data(categories, [2.88] * len(categories), [1.5] * len(categories))
    chart.resize(500, 320)
    image = chart.grab().toImage()
    below_legend = range(80, 320, 4)
    colours = {image.pixelColor(x, y).name() for x in range(0, 500, 4) for y in below_legend}
    assert ("#c0392b" in colours) == bool(categories)


def test_a_year_under_way_shows_whether_each_target_is_on_course(qtbot, demo_db):
    view = DashboardView(demo_db, year=2025, today=date(2025, 9, 30))
    qtbot.addWidget(view)
    computed(qtbot, view)
    words = {view.model.data(view.model.index(r, 4)) for r in range(view.model.rowCount())}
    assert words <= {"Đúng tiến độ", "Chậm tiến độ", ""} and words - {""}
    assert all(target.reached is None for target in view.figures.targets)
    assert "(75%)" in view.explanation.text()
    assert view.model.headerData(2, Qt.Orientation.Horizontal) == "Đạt đến nay"


def test_values_are_written_only_where_they_fit_and_every_group_has_a_tooltip(qtbot):
    chart = BarChart("Tỷ lệ")
    qtbot.addWidget(chart)
    chart.resize(660, 320)
    chart.set_data(["2022", "2023", "2024", "2025"], [11.95, 9.64, 7.85, 7.17],
                   [8.83, 9.36, 8.52, 7.05])  # fmt: skip
    assert chart.values_fit()
    villages = [f"Thôn Số {n} Ở Rất Xa Trung Tâm Xã" for n in range(77)]
    chart.set_data(villages, [2.5] * 77, [27.72] * 77)
    assert not chart.values_fit()  # bars a few pixels wide: the values go to the tooltips
    _, _, left, right = chart._plot()
    group = (right - left) / 77
    assert chart.tooltip_at(left + group * 10.5) == (
        "Thôn Số 10 Ở Rất Xa Trung Tâm Xã\nTỷ lệ hộ nghèo: 2,50%\nTỷ lệ hộ cận nghèo: 27,72%"
    )
    assert chart.tooltip_at(left - 5) == "" and chart.tooltip_at(right + 1) == ""
    assert not chart.grab().isNull()


def test_a_long_category_name_is_cut_to_two_lines_of_its_width(qtbot):
    from gnapp.ui.common.qt import QFontMetrics
    from gnapp.ui.programme.dashboard import _two_lines

    chart = BarChart("Tỷ lệ")
    qtbot.addWidget(chart)
    metrics = QFontMetrics(chart.font())
    width = metrics.horizontalAdvance("Thôn Long") + 2
    lines = _two_lines(metrics, "Thôn Long Thạnh Thượng Hạ", width).split("\n")
    assert lines[0] == "Thôn Long" and lines[1].endswith("…") and len(lines) == 2
    assert all(metrics.horizontalAdvance(line) <= width for line in lines)
    assert _two_lines(metrics, "Làng Xi", 500) == "Làng Xi"
