"""Mappings by hand and in files, repeated member lines, the mapping kept with the import."""

import json
from datetime import date

import pytest

from gnapp.importers.apply import apply_plan
from gnapp.importers.mappings import read_mapping_file, with_choices, write_mapping_file
from gnapp.importers.plan import MAPPINGS_SETTING, build_plan, open_source
from gnapp.importers.reading import ImportFileError
from gnapp.store.register import get_setting
from tests.importers import files

TODAY = date(2025, 6, 1)


def test_a_repeated_member_line_is_skipped_and_the_household_imports(commune, tmp_path):
    rows = [files.MEMBERS[0], files.MEMBERS[1], (9, *files.MEMBERS[1][1:]), *files.MEMBERS[2:]]
    path = files.write_xlsx(tmp_path / "lap.xlsx", files.MEMBER_HEADINGS, rows)
    plan = build_plan(commune.db, open_source(commune.db, path), today=TODAY)
    assert plan.repeated_rows == {7: 6}
    (problem,) = [p for p in plan.problems if p.row == 7]
    assert problem.severity == "warning"
    assert "Dòng 7 lặp lại đúng dòng 6 của cùng hộ" in problem.message
    first = plan.households[0]
    assert not first.rejected and [m["full_name"] for m in first.members] == [
        "Nguyễn Văn Được", "Trần Thị Hoa", "Nguyễn Văn An",
    ]  # fmt: skip
    assert not plan.duplicates
    summary = plan.summary()
    assert summary.repeated == 1 and summary.rows == len(rows)
    assert any("1 dòng lặp lại" in note for note in plan.notes)


def test_a_repeated_head_line_without_codes_does_not_split_the_household(commune, tmp_path):
    headings = ["STT", "Thôn", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ"]
    head = ("Thôn Đông", "Lò Văn Một", 1970, "Nam", "Chủ hộ")
    rows = [(1, *head), (2, *head), (3, "Thôn Đông", "Lò Thị Hai", 1972, "Nữ", "Vợ")]
    path = files.write_xlsx(tmp_path / "lap.xlsx", headings, rows)
    plan = build_plan(commune.db, open_source(commune.db, path), today=TODAY)
    assert plan.repeated_rows == {6: 5}
    assert plan.summary().households == 1 and plan.summary().members == 2


def test_households_repeated_across_the_file_keep_the_duplicate_rule(commune, tmp_path):
    headings = ["STT", "Thôn", "Họ và tên chủ hộ", "Năm sinh", "Giới tính"]
    line = ("Thôn Đông", "Lò Văn Một", 1970, "Nam")
    rows = [(1, *line), (2, *line)]
    path = files.write_xlsx(tmp_path / "ho.xlsx", headings, rows)
    plan = build_plan(commune.db, open_source(commune.db, path), today=TODAY)
    assert not plan.repeated_rows
    assert plan.summary().duplicates == 1 and plan.summary().households == 1


def test_choices_by_heading_or_letter(commune, tmp_path):
    headings = ["STT", "Nơi sống", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ"]
    rows = [(1, "Thôn Đông", "Lò Văn Một", 1970, "Nam", "Chủ hộ")]
    source = open_source(commune.db, files.write_xlsx(tmp_path / "a.xlsx", headings, rows))
    assert 1 not in source.mapping
    by_heading = with_choices(source.header, source.mapping, ["Nơi sống=village"])
    by_letter = with_choices(source.header, source.mapping, ["b = Thôn / tổ dân phố"])
    assert by_heading == by_letter == {**source.mapping, 1: "household.village"}
    moved = with_choices(source.header, source.mapping, ["B=full_name"])
    assert moved[1] == "member.full_name" and 2 not in moved
    with pytest.raises(ImportFileError, match="Không có cột “Nơi ở” trong dòng tiêu đề"):
        with_choices(source.header, source.mapping, ["Nơi ở=village"])
    with pytest.raises(ImportFileError, match="Không có trường dữ liệu “làng”"):
        with_choices(source.header, source.mapping, ["B=làng"])
    with pytest.raises(ImportFileError, match="không đúng mẫu"):
        with_choices(source.header, source.mapping, ["village"])


def test_saved_mapping_round_trip(commune, tmp_path):
    headings = ["STT", "Nơi sống", "Họ và tên", "Năm sinh", "Giới tính", "Quan hệ với chủ hộ"]
    source = open_source(commune.db, files.write_xlsx(tmp_path / "a.xlsx", headings, []))
    mapping = with_choices(source.header, source.mapping, ["Nơi sống=village"])
    saved = tmp_path / "ghep.json"
    write_mapping_file(saved, source.header, mapping)
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert {"column": "B", "heading": "Nơi sống", "field": "household.village"} in (
        document["columns"]
    )
    assert read_mapping_file(saved, source.header) == mapping
    # the same headings in another order: found by heading, not by letter
    moved = open_source(
        commune.db, files.write_xlsx(tmp_path / "b.xlsx", list(reversed(headings)), [])
    )
    again = read_mapping_file(saved, moved.header)
    assert again[4] == "household.village" and again[5] == "ignore"


def test_a_file_that_is_not_a_mapping_is_refused(commune, tmp_path):
    source = open_source(commune.db, files.write_xlsx(tmp_path / "a.xlsx", ["Thôn", "Họ tên"], []))
    bad = tmp_path / "x.json"
    bad.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"x\.json không phải tệp cách ghép cột"):
        read_mapping_file(bad, source.header)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"Không đọc được tệp cách ghép cột x\.json"):
        read_mapping_file(bad, source.header)


def test_the_mapping_is_remembered_in_the_import_transaction(commune, tmp_path, monkeypatch):
    import gnapp.importers.apply as apply_module

    path = files.write_xlsx(tmp_path / "a.xlsx", files.MEMBER_HEADINGS, files.MEMBERS[:3])
    plan = build_plan(commune.db, open_source(commune.db, path), today=TODAY)

    def fail(*args):
        raise OSError("tắt máy")

    monkeypatch.setattr(apply_module, "remember_mapping", fail)
    with pytest.raises(OSError):
        apply_plan(commune, plan)
    assert commune.db["households"].count == 0  # the import went with the mapping
    monkeypatch.undo()
    apply_plan(commune, plan)
    assert commune.db["households"].count == 1
    assert plan.header.signature in get_setting(commune.db, MAPPINGS_SETTING)
