"""The dashboard in the GUI: the targets' table and the charts."""

from __future__ import annotations

from datetime import date

import pytest

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
    assert {row[4] for row in rows} <= {"Đúng tiến độ", "Chậm tiến độ", ""}
    assert "(100%)" in view.explanation.text()
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
