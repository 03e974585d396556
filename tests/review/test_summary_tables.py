"""The review's summary tables on the demo commune: figures against independent SQL and
classify, the movement identity, the refusal of an inconsistent history, the files."""

from __future__ import annotations

from collections import Counter
from datetime import date

import openpyxl
import pypdfium2
import pytest

from gnapp.cli import main
from gnapp.core.classify import classify
from gnapp.core.standards import load_standard
from gnapp.review.tables import (
    TOTAL_LABEL,
    SummaryTablesError,
    check_identities,
    export_summary_tables,
    summary_tables,
)
from gnapp.review.workflow import open_round
from gnapp.store.answers import decode_answers
from tests.as_of_sql import (
    PRESENT,
    SIZE,
    expected_lists,
    expected_status_moves,
    present_counts,
    year_end_day,
)

YEAR = 2025
MOVEMENT_TABLES = ("poor_movements", "near_poor_movements")


def _round_id(cdb) -> int:
    return cdb.db.execute("SELECT id FROM review_rounds WHERE year = ?", [YEAR]).fetchone()[0]


def _villages(cdb) -> dict[str, int]:
    return {name: vid for vid, name in cdb.db.execute("SELECT id, name FROM villages")}


def _rows(table) -> list[dict]:
    """The table's rows as dicts (group rows of summed tables left out)."""
    found = []
    for item in table.body:
        items = getattr(item, "items", None)
        found += [dict(row.values) for row in items] if items else [dict(item.values)]
    return found


@pytest.fixture
def made(demo_db):
    return summary_tables(demo_db.db, _round_id(demo_db))


def test_movement_identity_holds_on_every_row_and_the_total(made):
    for table_id in MOVEMENT_TABLES:
        rows = _rows(made.table(table_id))
        units = {(r["_unit"], r["_row"]) for r in rows}
        assert (TOTAL_LABEL, "households") in units and (TOTAL_LABEL, "members") in units
        for r in rows:
            down = r["to_other_list"] + r["escaped"] + r["other_down"]
            up = r["from_other_list"] + r["fell_back"] + r["newly"] + r["other_up"]
            assert r["end"] == r["start"] - down + up, (table_id, r)
        # the total row adds up the villages' rows
        villages = [r for r in rows if not r["_unit"].startswith(("I.", "II.", TOTAL_LABEL))]
        total = next(r for r in rows if r["_unit"] == TOTAL_LABEL and r["_row"] == "households")
        assert total["end"] == sum(r["end"] for r in villages if r["_row"] == "households")
    check_identities(made.tables)  # does not raise


def test_lists_and_movements_equal_independent_sql_counts(demo_db, made):
    """The year as recognised: its list over the households present on the decision day and
    their members then; the start, the list at the end of the year before."""
    db = demo_db.db
    ids = _villages(demo_db)
    day, start = year_end_day(db, YEAR), year_end_day(db, YEAR - 1)
    assert day == "2025-12-17"  # the recognition's decision (frozen official totals)
    per_list = f"""SELECT h.village_id, s.status, {{what}} FROM household_status s
                   JOIN households h ON h.id = s.household_id
                   WHERE s.year = :y AND h.id IN (SELECT id FROM ({PRESENT}))
                   GROUP BY h.village_id, s.status"""

    def counted(sql):
        return Counter({tuple(row[:-1]): row[-1] for row in db.execute(sql, {"y": YEAR, "d": day})})

    households = counted(per_list.format(what="count(*)"))
    persons = counted(per_list.format(what=f"sum({SIZE.format(h='h.id', d=':d')})"))
    before = {key: found[0] for key, found in expected_lists(db, start).items()}
    all_households = {vid: present_counts(db, day, vid)[0] for vid in ids.values()}
    assert sum(all_households.values()) < db["households"].count  # some have left since
    results = {r["name"]: r for r in _rows(made.table("results_by_village"))}
    assert set(results) == set(ids)
    for name, vid in ids.items():
        r = results[name]
        assert r["households"] == all_households[vid]
        for status in ("poor", "near_poor", "average"):
            assert r[f"{status}_h"] == households[(vid, status)], (name, status)
            assert r[f"{status}_p"] == persons[(vid, status)], (name, status)
    poor = {(r["_unit"], r["_row"]): r for r in _rows(made.table("poor_movements"))}
    for name, vid in ids.items():
        r = poor[(name, "households")]
        assert r["start"] == before.get((vid, "poor"), 0)
        assert r["end"] == households[(vid, "poor")]

        def moved(movement, vid=vid):
            return expected_status_moves(db, start, day, movement, vid)[0]

        assert r["escaped"] == moved("escaped_poverty")
        assert r["to_other_list"] == moved("poor_to_near_poor")
        assert r["newly"] == moved("newly_poor")
        assert r["from_other_list"] == moved("near_poor_to_poor")
    assert sum(households[(vid, "poor")] for vid in ids.values()) > 0


def test_deprivations_equal_classify_on_the_stored_answers(demo_db, made):
    round_row = demo_db.db.execute(
        "SELECT standard_id, reference_date FROM review_rounds WHERE id = ?", [made.round_id]
    ).fetchone()
    standard = load_standard(round_row[0])
    on = date.fromisoformat(round_row[1])
    expected: dict[tuple[str, int], Counter] = {}
    rows = demo_db.db.execute(
        """SELECT s.status, h.village_id, q.answers FROM household_status s
           JOIN households h ON h.id = s.household_id
           JOIN questionnaires q ON q.household_id = h.id AND q.round_id = ?
                AND q.form = 'B' AND q.state = 'complete'
           WHERE s.year = ? AND s.status IN ('poor', 'near_poor')""",
        [made.round_id, YEAR],
    )
    for status, vid, answers in rows:
        result = classify(decode_answers(answers), standard, on)
        counter = expected.setdefault((status, vid), Counter())
        counter["households"] += 1
        for indicator in result.indicators:
            if indicator.deprived:
                counter[indicator.id] += 1
                counter["deprivations"] += 1
    ids = _villages(demo_db)
    indicator_ids = [i.id for i in standard.indicators]
    for status in ("poor", "near_poor"):
        table = made.table(f"{status}_deprivation_counts")
        assert [c.key for c in table.columns[3:]] == indicator_ids  # the standard's order
        got = {r["name"]: r for r in _rows(table)}
        for name, vid in ids.items():
            want = expected.get((status, vid), Counter())
            for key in ("households", "deprivations", *indicator_ids):
                assert got[name][key] == want[key], (status, name, key)
        rates = {r["name"]: r for r in _rows(made.table(f"{status}_deprivation_rates"))}
        total = sum((c for (s, _), c in expected.items() if s == status), Counter())
        for indicator in indicator_ids:
            share = round(total[indicator] * 100 / total["households"], 2)
            assert rates[TOTAL_LABEL][indicator] == pytest.approx(share)


def test_groups_ethnicity_causes_and_children_add_up(demo_db, made):
    groups = {r["name"]: r for r in _rows(made.table("groups"))}
    poor = demo_db.db.execute(
        "SELECT count(*) FROM household_status WHERE year = ? AND status = 'poor'", [YEAR]
    ).fetchone()[0]
    assert groups["Hộ nghèo"]["total_h"] == poor
    minority = demo_db.db.execute(
        """SELECT count(*) FROM household_status s JOIN households h ON h.id = s.household_id
           WHERE s.year = ? AND s.status = 'poor'
             AND (h.ethnic_minority = 1 OR h.local_ethnic_minority = 1)""",
        [YEAR],
    ).fetchone()[0]
    assert groups["Hộ nghèo"]["ethnic_minority_h"] == minority
    ethnicity = made.table("ethnicity")
    assert [c.group for c in ethnicity.columns[1:3]] == ["Kinh", "Kinh"]
    assert ethnicity.columns[-1].group == "Khác, chưa ghi"
    by_ethnicity = sum(
        value
        for r in _rows(ethnicity)
        for key, value in r.items()
        if key.endswith("_poor") and not key.endswith("near_poor")
    )
    assert by_ethnicity == poor
    causes = {r["name"]: r for r in _rows(made.table("causes"))}
    assert causes["Tổng số hộ"]["poor_h"] == poor
    children = _rows(made.table("children"))
    on = made.reference_date
    sixteenth_birthday = on.replace(year=on.year - 16).isoformat()  # born after: under 16
    under_16 = demo_db.db.execute(
        """SELECT count(*) FROM household_status s JOIN members m ON m.household_id = s.household_id
           WHERE s.year = ? AND s.status = 'poor' AND m.birth_date > ?""",
        [YEAR, sixteenth_birthday],
    ).fetchone()[0]
    assert under_16 > 0
    assert sum(r["poor_total"] for r in children) == under_16


def test_a_forged_movement_refuses_and_writes_nothing(demo_db, tmp_path):
    household_id, village = demo_db.db.execute(
        """SELECT h.id, v.name FROM households h JOIN villages v ON v.id = h.village_id
           WHERE h.id NOT IN (SELECT household_id FROM household_status
                              WHERE year IN (?, ?) AND status IN ('poor', 'near_poor'))
           ORDER BY h.id LIMIT 1""",
        [YEAR - 1, YEAR],
    ).fetchone()
    with demo_db.transaction() as db:
        db.execute(
            "DELETE FROM household_status WHERE household_id = ? AND year = ?",
            [household_id, YEAR],
        )
        # a movement onto the poor list that the recognised (frozen) list does not hold
        db.execute(
            """INSERT INTO household_status (household_id, year, status, movement, decision_date)
               SELECT ?, ?, 'average', 'newly_poor', decision_date FROM official_totals
               WHERE year = ?""",
            [household_id, YEAR, YEAR],
        )
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SummaryTablesError) as refused:
        export_summary_tables(demo_db.db, _round_id(demo_db), out)
    message = str(refused.value)
    assert "Biến động hộ nghèo năm 2025" in message
    assert f"”, {village}, dòng số hộ" in message  # the village, not its area's sum
    assert "dòng số hộ" in message and "chưa ghi tệp nào" in message
    assert list(out.iterdir()) == []


def test_xlsx_has_merged_headers_totals_and_prints_on_a4_landscape(demo_db, tmp_path):
    written = export_summary_tables(demo_db.db, _round_id(demo_db), tmp_path, formats="xlsx")
    assert [p.suffix for p in written.files] == [".xlsx"]
    workbook = openpyxl.load_workbook(written.files[0])
    assert len(workbook.sheetnames) == len(written.tables.tables)
    sheet = workbook["Kết quả theo thôn"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "D8:G8" in merged and "A8:A9" in merged  # "Hộ nghèo" over four columns; the label
    assert [sheet.cell(10, c).value for c in range(1, 5)] == [1, 2, 3, 4]
    labels = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    total_row = labels.index(TOTAL_LABEL) + 1
    assert str(sheet.cell(total_row, 2).value).startswith("=SUM(")
    assert "I. Khu vực thành thị" in labels and "II. Khu vực nông thôn" in labels
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    movements = workbook["Biến động hộ nghèo"]
    labels = [movements.cell(r, 1).value for r in range(1, movements.max_row + 1)]
    row = labels.index(TOTAL_LABEL) + 1
    assert movements.cell(row, 1).font.b and movements.cell(row, 2).value == "Hộ"
    assert movements.cell(row + 1, 2).value == "Người"
    total = written.tables.table("poor_movements")
    expected = next(r for r in _rows(total) if r["_unit"] == TOTAL_LABEL)
    assert movements.cell(row, 11).value == expected["end"]


def test_pdf_renders_landscape_annexes_with_vietnamese_text(demo_db, tmp_path):
    written = export_summary_tables(demo_db.db, _round_id(demo_db), tmp_path, formats="pdf")
    pdf = pypdfium2.PdfDocument(written.files[0])
    try:
        assert len(pdf) >= 1 + len(written.tables.tables)
        texts, annexes = [], 0
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            text = page.get_textpage().get_text_range()
            texts.append(text)
            if "(Kèm theo Báo cáo" in text:  # an annex's first page
                assert width > height, index  # annexes on landscape pages
                annexes += 1
        assert annexes == len(written.tables.tables)
        everything = "\n".join(texts)
        assert "BIẾN ĐỘNG HỘ NGHÈO NĂM 2025" in everything
        assert "Khu vực nông thôn" in everything and "Tổng cộng" in everything
        # a period as the acts write it ("giai đoạn 2021 - 2025"), not with an en dash
        assert "giai đoạn 2022 - 2025" in everything and "2022–2025" not in everything
        bitmap = pdf[2].render(scale=1)
        assert bitmap.width > bitmap.height
    finally:
        pdf.close()


def test_cli_writes_the_files_and_refuses_a_round_not_recognised(demo_db, tmp_path, capsys):
    path = demo_db.path
    out = tmp_path / "out"
    out.mkdir()
    assert main(["review", "tables", "--db", str(path), "--round", str(_round_id(demo_db)),
                 "--out", str(out), "--format", "both"]) == 0  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == [
        "bieu-tong-hop-ra-soat-2025.pdf",
        "bieu-tong-hop-ra-soat-2025.xlsx",
    ]
    opened = open_round(demo_db, 2026, "periodic", standard_id="2022-2025")
    capsys.readouterr()
    assert main(["review", "tables", "--db", str(path), "--round", str(opened),
                 "--out", str(out)]) == 1  # fmt: skip
    assert "chưa được công nhận" in capsys.readouterr().err


def test_a_failure_while_writing_leaves_the_folder_as_it_was(demo_db, tmp_path, monkeypatch):
    from gnapp.review import tables

    def broken(*args, **kwargs):
        raise OSError("disk full")

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    monkeypatch.setattr(tables, "write_pdf", broken)
    with pytest.raises(OSError):
        export_summary_tables(demo_db.db, _round_id(demo_db), out)  # xlsx, then the PDF
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
