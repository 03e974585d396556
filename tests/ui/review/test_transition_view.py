"""The window comparing two poverty standards over the whole register."""

from datetime import date

from gnapp.core.standards import load_standard
from gnapp.reporting.transition import compare_standards
from gnapp.ui.review import transition_view
from gnapp.ui.review.transition_view import TransitionWindow, _default_pair


def test_defaults_to_the_standard_in_force_and_the_next(monkeypatch):
    standards = [load_standard("2022-2025"), load_standard("2027-2030")]
    assert _default_pair(standards, date(2025, 6, 1)) == (0, 1)
    assert _default_pair(standards, date(2026, 12, 7)) == (0, 1)  # between two standards
    assert _default_pair(standards, date(2028, 1, 1)) == (1, 0)


def test_compares_filters_and_explains(qtbot, demo_db, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(transition_view, "show_message", lambda *args: shown.append(args))
    window = TransitionWindow(None, demo_db)
    qtbot.addWidget(window)
    assert window.before.currentData() == "2022-2025"
    assert window.after.currentData() == "2027-2030"
    window.suppose.setChecked(True)
    with qtbot.waitSignal(window.compared, timeout=60000) as blocker:
        window.run()
    transition = blocker.args[0]
    expected = compare_standards(
        demo_db.db,
        load_standard("2022-2025"),
        load_standard("2027-2030"),
        date.today(),
        score_lines={"rural": 140, "urban": 175},
    )
    assert transition.households == expected.households
    villages = window.village_view.model()
    assert villages.rowCount() == len(expected.villages) + 1
    total_row = villages.rowCount() - 1
    assert villages.index(total_row, 1).data() == str(expected.commune.households)
    changed = [h for h in expected.households if h.changed]
    assert window.households.rowCount() == len(changed) > 0
    assert window.households.index(0, 0).data() == changed[0].code
    assert changed[0].why in window.why.toPlainText()
    assert "ngưỡng điểm B1: chưa rõ" in window.marks.toPlainText()
    window.shown.setCurrentIndex(window.shown.findData("all"))
    assert window.households.rowCount() == len(expected.households)
    village = expected.villages[0].village
    window.village.setCurrentIndex(window.village.findData(village))
    assert window.households.rowCount() == expected.villages[0].households
    target = tmp_path / "so-sanh"
    monkeypatch.setattr(transition_view, "ask_path", lambda *args, **kwargs: target)
    with qtbot.waitSignal(window.exported, timeout=60000) as saved:
        window.export_button.click()
    assert saved.args[0] == target.with_suffix(".xlsx") and saved.args[0].exists()
    assert shown and "Đã ghi" in shown[-1][3]


def test_the_same_standard_twice_is_refused(qtbot, demo_db, monkeypatch):
    shown = []
    monkeypatch.setattr(transition_view, "show_message", lambda *args: shown.append(args))
    window = TransitionWindow(None, demo_db)
    qtbot.addWidget(window)
    window.after.setCurrentIndex(window.before.currentIndex())
    window.run()
    assert shown and "khác nhau" in shown[0][3] and window.transition is None
