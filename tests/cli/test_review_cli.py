"""``gnapp review``: a whole round from the command line, with the core's refusals as messages."""

from __future__ import annotations

import json
import shutil

import pytest

from gnapp.cli import main
from gnapp.store.database import open_database


@pytest.fixture
def db_path(small_demo_file, tmp_path):
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return str(path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_round_from_opening_to_correction(db_path, tmp_path, capsys, monkeypatch, review_steps):
    status, out, _ = run(
        capsys,
        "review",
        "open",
        "--db",
        db_path,
        "--year",
        "2026",
        "--standard",
        "2022-2025",
        "--team",
        "Nguyễn Văn Rà",
    )
    assert status == 0 and "Đã mở đợt 2: Rà soát định kỳ năm 2026" in out
    assert "chuẩn Chuẩn nghèo đa chiều giai đoạn 2022 - 2025" in out
    base = ("--db", db_path, "--round", "2")
    status, out, _ = run(capsys, "review", "build", *base)
    listed = int(out.split()[2])
    assert status == 0 and listed > 0

    status, out, _ = run(capsys, "review", "list", *base, "--json")
    households = json.loads(out)
    assert len(households) == listed and households[0]["questionnaire"] is None

    # every household's questionnaire from a file, as a tablet or another program would write it
    cdb = open_database(db_path)
    try:
        files = {}
        for entry in households:
            household_id = cdb.db.execute(
                "SELECT id FROM households WHERE code = ?", [entry["code"]]
            ).fetchone()[0]
            record, _ = review_steps.survey_record(cdb, household_id)
            path = tmp_path / f"{entry['code']}.json"
            path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            files[entry["code"]] = str(path)
    finally:
        cdb.close()
    for code, path in files.items():
        status, out, err = run(
            capsys,
            "review",
            "survey",
            code,
            *base,
            "--file",
            path,
            "--complete",
            "--surveyed-on",
            "2026-10-02",
        )
        assert status == 0, err
        assert "Phân loại:" in out and f"Đã lưu phiếu B của hộ {code} (hoàn thành)." in out

    status, out, _ = run(capsys, "review", "progress", *base, "--json")
    progress = json.loads(out)
    assert progress["villages"][-1]["complete"] == listed
    assert [s["id"] for s in progress["steps"] if s["current"]] == ["meeting"]

    by_village: dict[str, list[str]] = {}
    for entry in households:
        by_village.setdefault(entry["village"], []).append(entry["code"])
    first_village, first_codes = next(iter(by_village.items()))
    votes = [f"--vote={code}=30" for code in first_codes]
    votes[0] = f"--vote={first_codes[0]}=10/30"
    meeting = ("review", "meeting", *base, "--village", first_village, "--date", "2026-11-02")
    # people who do not add up are refused in words, and nothing is recorded
    status, _, err = run(capsys, *meeting, "--attendees", "30", "--group", "reviewers=0", *votes)
    assert status == 1 and "cộng các thành phần tham dự được 0 người" in err
    status, _, err = run(capsys, *meeting, "--attendees", "40", "--represented", "114", *votes)
    assert status == 1 and "số hộ có đại diện (114) nhiều hơn số người dự họp (40)" in err
    status, out, _ = run(
        capsys,
        "review",
        "meeting",
        *base,
        "--village",
        first_village,
        "--date",
        "2026-11-02",
        "--attendees",
        "40",
        *votes,
    )
    assert status == 0 and f"{first_codes[0]}\t10/30 đồng ý\trà soát lại" in out
    status, _, err = run(capsys, "review", "post", *base, "--start", "2026-11-06")
    assert status == 1 and "chưa được họp dân thống nhất" in err
    status, _, _ = run(
        capsys,
        "review",
        "survey",
        first_codes[0],
        *base,
        "--file",
        files[first_codes[0]],
        "--complete",
    )
    assert status == 0
    for village, codes in by_village.items():
        if village == first_village:
            codes = codes[:1]
        status, _, err = run(
            capsys,
            "review",
            "meeting",
            *base,
            "--village",
            village,
            "--date",
            "2026-11-04",
            "--attendees",
            "35",
            *(f"--vote={code}=30" for code in codes),
        )
        assert status == 0, err

    status, out, _ = run(
        capsys, "review", "post", *base, "--start", "2026-11-06", "--places", "Nhà văn hóa thôn"
    )
    assert out.strip() == "Niêm yết từ 06/11/2026 đến hết 10/11/2026."
    disputed = households[1]["code"]
    status, out, _ = run(
        capsys,
        "review",
        "complaint",
        disputed,
        *base,
        "--date",
        "2026-11-09",
        "--content",
        "Hộ có xe tải",
        "--by",
        "Người dân thôn",
    )
    assert status == 0 and "Đã ghi khiếu nại số 1" in out

    monkeypatch.setenv("GNAPP_USER_PASSWORD", "demo1234")
    recognise = ("review", "recognise", *base, "--number", "31/QĐ-UBND", "--date", "2026-11-20")
    status, _, err = run(capsys, *recognise, "--user", "lanhdao")
    assert status == 1 and "còn khiếu nại chưa phúc tra: " + disputed in err
    status, _, _ = run(
        capsys,
        "review",
        "recheck",
        "1",
        "--db",
        db_path,
        "--date",
        "2026-11-11",
        "--result",
        "Xe của con đã tách hộ",
        "--class",
        "poor",
    )
    assert status == 0
    status, _, err = run(capsys, *recognise, "--user", "canbo")
    assert status == 1 and "không có quyền khóa đợt rà soát" in err
    status, out, _ = run(capsys, *recognise, "--user", "lanhdao")
    assert status == 0 and f"ghi tình trạng của {listed} hộ" in out

    status, _, err = run(capsys, "review", "survey", disputed, *base, "--file", files[disputed])
    assert status == 1 and "đã được công nhận" in err
    status, out, _ = run(
        capsys,
        "review",
        "correct",
        disputed,
        *base,
        "--status",
        "near_poor",
        "--reason",
        "Phúc tra lại",
        "--number",
        "40/QĐ-UBND",
        "--date",
        "2026-12-01",
        "--user",
        "lanhdao",
    )
    assert status == 0
    cdb = open_database(db_path)
    try:
        row = cdb.db.execute(
            "SELECT s.status, s.decision_number FROM household_status s JOIN households h "
            "ON h.id = s.household_id WHERE h.code = ? AND s.year = 2026",
            [disputed],
        ).fetchone()
    finally:
        cdb.close()
    assert row == ("near_poor", "40/QĐ-UBND")
    status, out, _ = run(capsys, "review", "rounds", "--db", db_path)
    assert "Rà soát định kỳ năm 2026" in out and "đã công nhận, QĐ số 31/QĐ-UBND" in out


def test_a_bad_vote_is_said_in_words(db_path, capsys):
    run(capsys, "review", "open", "--db", db_path, "--year", "2026", "--standard", "2022-2025")
    status, _, err = run(
        capsys,
        "review",
        "meeting",
        "--db",
        db_path,
        "--round",
        "2",
        "--village",
        "T01",
        "--date",
        "2026-11-02",
        "--attendees",
        "10",
        "--vote",
        "HGD-00001=nhiều",
    )
    assert status == 1 and "--vote “HGD-00001=nhiều”: cần MÃ_HỘ=SỐ_ĐỒNG_Ý" in err


def test_the_opinion_of_the_level_above_is_recorded_and_marks_its_step(db_path, capsys):
    run(capsys, "review", "open", "--db", db_path, "--year", "2026", "--standard", "2022-2025")
    status, out, _ = run(
        capsys,
        "review",
        "opinion",
        "--db",
        db_path,
        "--round",
        "2",
        "--by",
        "Sở Nông nghiệp và Môi trường",
        "--number",
        "12/SNNMT",
        "--date",
        "2026-11-18",
        "--content",
        "Thống nhất kết quả",
    )
    assert status == 0 and out.strip() == "Đã ghi ý kiến của Sở Nông nghiệp và Môi trường."
    status, out, _ = run(capsys, "review", "progress", "--db", db_path, "--round", "2", "--json")
    steps = {s["id"]: s["done"] for s in json.loads(out)["steps"]}
    assert steps["opinion"] and not steps["list"]
    status, _, err = run(
        capsys,
        "review",
        "opinion",
        "--db",
        db_path,
        "--round",
        "2",
        "--by",
        " ",
        "--date",
        "2026-11-18",
    )
    assert status == 1 and "Cần ghi cơ quan cho ý kiến" in err


def test_the_tablet_form_is_written_for_a_round(db_path, tmp_path, capsys):
    assert (
        run(capsys, "review", "open", "--db", db_path, "--year", "2026", "--standard", "2022-2025")[
            0
        ]
        == 0
    )
    assert run(capsys, "review", "build", "--db", db_path, "--round", "2")[0] == 0
    out_dir = tmp_path / "may-tinh-bang"
    status, out, _ = run(
        capsys, "review", "xlsform", "--db", db_path, "--round", "2", "--out", str(out_dir)
    )
    assert status == 0, out
    assert (out_dir / "phieu-b.xlsx").is_file() and (out_dir / "households.csv").is_file()
    assert "mã biểu mẫu gnapp_" in out and "Danh sách hộ:" in out
    status, out, _ = run(
        capsys, "review", "xlsform", "--db", db_path, "--round", "2", "--out", str(out_dir),
        "--phieu-a",
    )  # fmt: skip
    assert status == 0 and "Phiếu A (nhận dạng nhanh) hỏi đầu tiên" in out
    status, _, err = run(
        capsys, "review", "xlsform", "--db", db_path, "--round", "99", "--out", str(out_dir)
    )
    assert status == 1 and "Traceback" not in err and err.strip()


def test_a_periodic_round_defaults_to_the_next_years_standard_and_says_why(db_path, capsys):
    status, out, _ = run(capsys, "review", "open", "--db", db_path, "--year", "2026")
    assert status == 0
    assert "xác định danh sách hộ nghèo, hộ cận nghèo dùng trong năm 2027" in out
    assert "ngày 01/01/2027" in out and "chuẩn Chuẩn nghèo đa chiều giai đoạn 2027" in out
    status, out, _ = run(
        capsys, "review", "open", "--db", db_path, "--year", "2026", "--month", "3"
    )
    assert status == 0 and "trong tháng 03/2026" in out and "2022 - 2025" in out
