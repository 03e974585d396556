"""The register under two standards side by side (gnapp.reporting.transition)."""

from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook

from gnapp.core.classify import classify
from gnapp.core.record import RecordError
from gnapp.core.standards import load_standard
from gnapp.progress import Cancelled, Progress
from gnapp.reporting.transition import (
    CLASS_ORDER,
    compare_standards,
    export_transition,
    rule_marks,
)
from gnapp.store import events, register
from gnapp.store.as_of import households_present
from gnapp.store.register import iter_household_records
from gnapp.store.review import latest_incomes

ON = date(2026, 12, 7)
LINES = {"rural": 140, "urban": 175}


@pytest.fixture(scope="module")
def standards():
    return load_standard("2022-2025"), load_standard("2027-2030")


def expected_classes(db, standards, lines=None):
    """Every household's class under each standard, classified one by one with validation."""
    classes = {}
    present = set(households_present(db, ON))
    for household_id, record in iter_household_records(db, latest_incomes(db)):
        if household_id not in present:
            continue
        old, new = standards
        classes[record["household_code"]] = (
            classify(record, old, ON).class_code,
            classify(record, new, ON, score_lines=lines).class_code,
        )
    return classes


def test_every_household_under_both_standards(demo_db, standards):
    db = demo_db.db
    transition = compare_standards(db, *standards, ON, score_lines=LINES)
    expected = expected_classes(db, standards, LINES)
    got = {h.code: (h.before.class_code, h.after.class_code) for h in transition.households}
    assert got == expected
    assert transition.problems == 0
    commune = transition.commune
    assert commune.households == len(expected)
    assert dict(commune.before) == dict(+Counter(old for old, _ in expected.values()))
    assert dict(commune.after) == dict(+Counter(new for _, new in expected.values()))
    changed = {
        code for code, (old, new) in expected.items() if None not in (old, new) and old != new
    }
    assert {h.code for h in transition.households if h.changed} == changed
    assert commune.changed == len(changed) == sum(transition.changes.values())
    assert sum(v.households for v in transition.villages) == commune.households
    for village in transition.villages:
        assert sum(village.before.values()) == village.households


def test_a_change_says_which_indicators_and_lines(demo_db, standards):
    transition = compare_standards(demo_db.db, *standards, ON, score_lines=LINES)
    changed = [h for h in transition.households if h.changed]
    assert changed, "the demo has households whose class differs under 2027–2030"
    for household in changed:
        assert f"theo chuẩn {standards[0].id}" in household.why
        gained = set(household.after.deprived) - set(household.before.deprived)
        for name in gained:
            assert name in household.why
        assert "do người dùng cung cấp" in household.why or household.after.income_basis != "score"


def test_without_b1_lines_the_new_standard_cannot_use_scores(demo_db, standards):
    transition = compare_standards(demo_db.db, *standards, ON)
    scored = [
        h
        for h in transition.households
        if h.before.income_basis == "score" and h.after.income_basis is None
    ]
    assert scored and all(h.undetermined_after and not h.changed for h in scored)
    assert all("chưa có ngưỡng điểm B1" in h.why for h in scored)
    # the supposed lines are used only for the standard that has none of its own
    supposed = compare_standards(demo_db.db, *standards, ON, score_lines={"rural": 1, "urban": 1})
    assert [h.before for h in supposed.households] == [h.before for h in transition.households]


def test_unconfirmed_rules_are_listed(standards):
    marks = rule_marks(standards[1])
    labels = {mark.label for mark in marks}
    assert "ngưỡng điểm B1" in labels and "ngưỡng hộ có mức sống trung bình" in labels
    assert all(mark.status in ("secondary", "unknown") for mark in marks)
    assert "chưa rõ" in next(m.text for m in marks if m.label == "ngưỡng điểm B1")


def test_households_that_left_are_not_compared(demo_db, standards):
    db = demo_db.db
    first = households_present(db, ON)[0]
    events.record_moved_away(demo_db, first, "2026-03-01", "Chuyển vào Nam")
    transition = compare_standards(db, *standards, ON)
    assert first not in {h.household_id for h in transition.households}
    earlier = compare_standards(db, *standards, date(2026, 2, 1))
    assert first in {h.household_id for h in earlier.households}


def test_a_record_that_cannot_be_classified_is_listed_with_its_problem(demo_db, standards):
    db = demo_db.db
    household_id = households_present(db, ON)[0]
    member = register.members_of(db, household_id)[0]
    db.execute("UPDATE members SET birth_date = '1990-02-31' WHERE id = ?", [member["id"]])
    with pytest.raises(RecordError, match="không phải ngày hợp lệ"):
        classify(register.household_record(db, household_id), standards[0], ON, stored=True)
    transition = compare_standards(db, *standards, ON)
    broken = next(h for h in transition.households if h.household_id == household_id)
    assert broken.before is None and "Chưa phân loại được" in broken.why
    assert transition.problems == 1


def test_a_stored_record_out_of_shape_still_gets_the_full_check(standards):
    """Should a record said to be stored not follow the schema, the full check names the
    problem instead of a KeyError."""
    record = {
        "household_code": "H1",
        "village": "Thôn 1",
        "area": "rural",
        "members": [{"full_name": "A", "birth_date": "1980", "relation": "head"}],
    }
    with pytest.raises(RecordError):
        classify(record, standards[0], ON, stored=True)


def test_cancelled_midway(demo_db, standards):
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        compare_standards(demo_db.db, *standards, ON, progress)


def test_export_has_the_villages_and_the_changes(demo_db, standards, tmp_path):
    transition = compare_standards(demo_db.db, *standards, ON, score_lines=LINES)
    path = export_transition(demo_db.db, transition, tmp_path / "so-sanh.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Tổng hợp theo thôn", "Hộ đổi loại", "Tất cả các hộ"]
    text = "\n".join(
        str(cell) for row in book["Tổng hợp theo thôn"].iter_rows(values_only=True) for cell in row
    )
    assert "Ngưỡng điểm B1 giả định" in text and "chưa rõ" in text
    codes = {
        row[1]
        for row in book["Hộ đổi loại"].iter_rows(values_only=True)
        if isinstance(row[1], str) and row[1].startswith("HGD-")
    }
    assert codes == {h.code for h in transition.households if h.changed}
    assert len(CLASS_ORDER) == 5


def test_the_gui_s_reasons_speak_its_language_and_the_workbook_stays_vietnamese(
    english, demo_db, standards, tmp_path
):
    from gnapp.i18n import tr
    from gnapp.i18n_extract import has_vietnamese_letters

    written = compare_standards(demo_db.db, *standards, ON, score_lines=LINES)
    shown = compare_standards(demo_db.db, *standards, ON, score_lines=LINES, translate=tr)
    assert [h.why for h in shown.households] == [h.why for h in written.households]
    assert [h.shown_why for h in written.households] == [h.why for h in written.households]
    assert [h.shown_why for h in shown.households if has_vietnamese_letters(h.shown_why)] == []
    assert any("Under standard 2027-2030" in h.shown_why for h in shown.households)
    marks = [m.text_in(tr) for m in shown.marks]
    assert any(m.startswith("Standard 2027-2030 — B1 score line: unknown") for m in marks)
    assert [mark for mark in marks if has_vietnamese_letters(mark)] == []
    path = export_transition(demo_db.db, shown, tmp_path / "so-sanh.xlsx")
    rows = load_workbook(path)["Hộ đổi loại"].iter_rows(values_only=True)
    text = "\n".join(str(cell) for row in rows for cell in row if cell)
    assert "theo chuẩn 2022-2025" in text and "deprivations" not in text
