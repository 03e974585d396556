"""The command line's English for what the store and the reports write: their refusals
("Error: …"), the change history of ``household show``, the report kinds of ``report list``,
the notes of ``report build``, the check of a database or a backup, and the progress of backups
and restores; Vietnamese, as before, without a language asked for."""

from __future__ import annotations

import sqlite3

import pytest

from gnapp.cli import main
from gnapp.core.official import document_kinds, resolve_bases
from gnapp.i18n_extract import has_vietnamese_letters
from gnapp.preferences import backup_root
from gnapp.store.backups import default_backup_folder, list_backups, make_backup, restore_backup
from tests.cli.test_cli_language import _commune_words, _vietnamese_lines


def _document_words() -> list[str]:
    """What a document writes whatever the language: the signer's titles and the legal acts'
    names ("Nghị định số 07/2021/NĐ-CP"), which the notes before a document is written quote."""
    titles = ["PHÓ CHỦ TỊCH", "CHỦ TỊCH"]
    acts = {
        act.short for kind in document_kinds().values() for act in resolve_bases(kind.bases, {})
    }
    return sorted({*titles, *acts}, key=len, reverse=True)


def _gnapp(command: str, *more: str) -> int:
    """Run ``gnapp`` with the words of ``command`` then ``more``."""
    return main([*command.split(), *more])


def _refused(command: list[str], capsys, status: int = 1) -> str:
    assert main(command) == status, command
    err = capsys.readouterr().err
    assert any(line.startswith("Error: ") for line in err.splitlines()), err
    return err


# Commands the store or the reports refuse (OUT: a folder), and a part of each English refusal.
REFUSALS = [
    ("member death HGD-00001 1 --date 2099-01-01", "has not come yet"),
    ("household undo-event 999", "There is no event no. 999."),
    ("household merge HGD-00001 --into HGD-00001 --date 2025-06-01", "into itself"),
    ("activity delete-disbursement 9999", "There is no disbursement no. 9999."),
    (
        "activity disburse --year 2025 --project DA1 --source central --date 2025-03-01 "
        "--amount 100",
        "record the allocated budget first",
    ),
    ("report files 999 --out OUT", "Saved report no. 999 not found."),
    ("report build --kind annual --period 20x --out OUT", "Invalid reporting period “20x”"),
    ("report build --kind annual --period 2031 --out OUT", "at the end of 2030 to compare 2031"),
    (
        "report build --kind annual --period 2025-H1 --out OUT",
        "Annual report is not made for the period “2025-H1” (the first half of 2025).",
    ),
    (
        "report build --kind annual --period 2025 --out OUT --figure-sets commune",
        "Annual report holds every figure set",
    ),
    ("report build --kind plan --period 2026-H1 --out OUT", "A plan is made for one year"),
    (
        "settings set backup_keep_daily 999 --admin quantri",
        "Days of daily backups kept: must be a whole number from 1 to 60.",
    ),
    ("settings set document.signer_title ông --admin quantri", "Signer's title: must be one of"),
]


@pytest.mark.parametrize(("command", "expected"), REFUSALS, ids=[c for c, _ in REFUSALS])
def test_the_store_s_and_the_reports_refusals_in_english(
    commune, tmp_path, capsys, monkeypatch, command, expected
):
    monkeypatch.setenv("GNAPP_LANG", "en")
    monkeypatch.setenv("GNAPP_ADMIN_PASSWORD", "demo1234")
    words = _commune_words(commune)
    filled = [str(tmp_path / "out") if part == "OUT" else part for part in command.split()]
    err = _refused([*filled, "--db", str(commune)], capsys)
    assert expected in err
    assert _vietnamese_lines(err, [*words, *_document_words()]) == []


def test_the_refusals_stay_vietnamese_by_default(commune, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GNAPP_LANG", raising=False)
    db = ["--db", str(commune)]
    assert main(["household", "undo-event", "999", *db]) == 1
    assert capsys.readouterr().err == "Lỗi: Không có sự kiện số 999.\n"
    out = str(tmp_path / "out")
    assert _gnapp("report build --kind annual --period 2025-H1 --out", out, *db) == 1
    err = capsys.readouterr().err
    assert "Báo cáo năm không lập cho kỳ “2025-H1” (6 tháng đầu năm 2025)." in err


def test_an_undo_refused_by_later_work_names_it_in_english(commune, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    db = ["--db", str(commune)]
    assert main(["member", "death", "HGD-00001", "3", "--date", "2026-01-10", *db]) == 0
    assert _gnapp("household move-away HGD-00001 --date 2026-02-01 --reason xa", *db) == 0
    assert main(["household", "events", "HGD-00001", *db]) == 0
    died = next(line for line in capsys.readouterr().out.splitlines() if "\tdied\t" in line)
    err = _refused(["household", "undo-event", died.split("\t")[0], *db], capsys)
    assert "Cannot undo “died” of household HGD-00001" in err
    assert "has another event recorded afterwards" in err
    assert _vietnamese_lines(err, _commune_words(commune)) == []


def test_household_show_s_history_in_english(commune, capsys, monkeypatch):
    """The history's sentences and the program's words inside them (events, policies) follow
    the language; names and activities are the commune's words."""
    with sqlite3.connect(commune) as connection:
        (code,) = connection.execute(
            "SELECT h.code FROM policy_benefits p JOIN households h ON h.id = p.household_id "
            "LIMIT 1"
        ).fetchone()
    db = ["--db", str(commune)]
    monkeypatch.setenv("GNAPP_LANG", "en")
    assert _gnapp(f"household move-away {code} --date 2026-02-01 --reason đi", *db) == 0
    capsys.readouterr()
    assert main(["household", "show", code, *db]) == 0
    history = capsys.readouterr().out.split("Change history (newest first):")[1]
    assert "Added: event “moved away”" in history and "Added: policy in " in history
    assert _vietnamese_lines(history, _commune_words(commune)) == []
    monkeypatch.delenv("GNAPP_LANG")
    assert main(["household", "show", code, *db]) == 0
    history = capsys.readouterr().out.split("Lịch sử thay đổi")[1]
    assert "Thêm: sự kiện “chuyển đi”" in history and "Thêm: chính sách năm " in history


def test_report_build_s_notes_and_report_list_s_kinds_in_english(
    commune, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("GNAPP_LANG", "en")
    db = ["--db", str(commune)]
    out = str(tmp_path / "out")
    assert _gnapp("report build --kind six_month --period 2025-H1 --out", out, *db) == 0
    built = capsys.readouterr()
    assert "Note: " in built.err and "the signer's name (PHÓ CHỦ TỊCH) is not set" in built.err
    assert _vietnamese_lines(built.err, _document_words()) == []
    assert main(["report", "list", *db]) == 0
    listed = capsys.readouterr().out
    assert "\tSix-month report\t2025-H1\tversion 1\tDraft\t" in listed
    assert not has_vietnamese_letters(listed)
    monkeypatch.delenv("GNAPP_LANG")
    assert main(["report", "list", *db]) == 0
    assert "\tBáo cáo 6 tháng\t2025-H1\tphiên bản 1\t" in capsys.readouterr().out


def test_backups_refused_and_checked_in_english(commune, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    words = _commune_words(commune)
    db = ["--db", str(commune)]
    usb = tmp_path / "usb"
    monkeypatch.setenv("GNAPP_BACKUP_PASSPHRASE", "mat-khau-dai-du-12")
    assert main(["backup", "make", *db, "--to", str(usb)]) == 0
    [sealed] = list(usb.iterdir())
    monkeypatch.setenv("GNAPP_BACKUP_PASSPHRASE", "mat-khau-sai-roi-12")
    err = _refused(["backup", "restore", str(sealed), *db], capsys)
    assert f"Wrong passphrase: the backup {sealed.name} cannot be opened." in err
    folder = default_backup_folder(commune, backup_root())
    before = {backup.path for backup in list_backups(folder)}  # other tests' of the demo
    assert main(["backup", "make", *db]) == 0
    [made] = [backup for backup in list_backups(folder) if backup.path not in before]
    made.path.write_bytes(made.path.read_bytes()[:-100])  # cut short
    err = _refused(["backup", "restore", str(made.path), *db], capsys, status=3)
    assert "is damaged (the file is cut short): this file cannot be used." in err
    assert _vietnamese_lines(err, words) == []
    assert main(["db", "check", str(made.path)]) == 1
    out = capsys.readouterr().out
    assert "Integrity: compressed backup: the file is cut short" in out
    assert _vietnamese_lines(out, words) == []


def test_db_check_names_a_broken_change_log_in_english(commune, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    with sqlite3.connect(commune) as connection:
        connection.execute("UPDATE change_log SET actor = 'ai đó' WHERE id = 7")
    assert main(["db", "check", str(commune)]) == 3
    out = capsys.readouterr().out
    assert "Change log: broken from log row no. 7 (at " in out
    assert "Tell the administrator" in out and "Result: FAILED" in out
    assert _vietnamese_lines(out, [*_commune_words(commune), "ai đó"]) == []


def test_the_progress_of_a_backup_and_a_restore_in_english(commune, tmp_path, english):
    """What a long backup or restore shows as it goes (on a terminal, and in the GUI)."""
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(message)

    made = make_backup(commune, tmp_path / "backups", "manual", progress)
    restore_backup(made, commune, tmp_path / "kept", progress)
    assert {"Backing up the data…", "Compressing the backup…"} <= set(seen)
    assert {"Decompressing the backup…", "Restoring the data…"} <= set(seen)
    assert not any(has_vietnamese_letters(message) for message in seen)
