"""The command line's language: Vietnamese unless ``GNAPP_LANG`` or ``--language`` says
otherwise, through the GUI's catalogue, for every command's output, its ``--help`` and its usage
errors; the commune's own words (names, villages, decision numbers) stay as they are, and so
does JSON."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils

from gnapp import i18n
from gnapp.cli import build_parser, main
from gnapp.i18n_extract import has_vietnamese_letters

SUMMARY = ["--standard", "2022-2025", "--standard", "2027-2030", "--summary"]
SUMMARY += ["--b1-lines", "140,175"]


@pytest.fixture
def commune(small_demo_file, tmp_path, monkeypatch):
    for variable in ("GNAPP_NEW_PASSPHRASE", "GNAPP_PASSPHRASE", "GNAPP_PASSWORD"):
        monkeypatch.setenv(variable, "mat-khau-dai-du-12")
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def _commune_words(path) -> list[str]:
    """What the commune wrote (names, villages, decisions, activities, reasons…): every text
    stored in its database with a Vietnamese letter, and its settings (longest first)."""
    from gnapp.store.settings import current_settings

    words: set[str] = set()
    with sqlite3.connect(path) as connection:
        tables = connection.execute(  # a virtual table's rows are its own tables'
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
        )
        for (table,) in tables.fetchall():
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                words |= {cell for cell in row if isinstance(cell, str) and _commune_word(cell)}
    with sqlite_utils.Database(path) as db:
        for value in current_settings(db).values():
            words |= set(value) if isinstance(value, list) else {str(value)}
    return sorted((word for word in words if word), key=len, reverse=True)


def _commune_word(text: str) -> bool:
    """A stored text that is the commune's words, not a one-word code or unit ("hộ")."""
    return has_vietnamese_letters(text) and (" " in text.strip() or len(text) >= 6)


def _commands(path, tmp_path) -> list[list[str]]:
    """The main commands of every group, in an order where each finds what it needs."""
    db = ["--db", str(path)]
    office = tmp_path / "so.gnoffice"
    office_identity = ["--name", "UBND tỉnh Quảng Ngãi", "--parent", "UBND TỈNH QUẢNG NGÃI",
                       "--office", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "--place", "Quảng Ngãi",
                       "--area", "tỉnh Quảng Ngãi", "--province", "Quảng Ngãi",
                       "--admin", "qt", "--admin-name", "Lê An"]  # fmt: skip
    return [
        ["household", "list", *db, "--search", "nguyen van"],
        ["household", "events", "HGD-00001", *db],
        ["village", "list", *db],
        ["commune", "show", *db],
        ["targets", "list", *db, "--year", "2025"],
        ["activity", "list", *db, "--year", "2025"],
        ["activity", "policies", *db, "--year", "2025"],
        ["activity", "disbursements", *db, "--year", "2025"],
        ["export", "register", *db, "--out", str(tmp_path / "so-ho.xlsx")],
        ["user", "list", *db],
        ["settings", "list", *db],
        ["backup", "make", *db],
        ["backup", "list", *db],
        ["standards"],
        ["db", "check", str(path)],
        ["review", "rounds", *db],
        ["review", "list", *db, "--round", "1"],
        ["review", "progress", *db, "--round", "1"],
        ["classify", *db, *SUMMARY],
        ["key", "create", *db],
        ["key", "export", *db, "--out", str(tmp_path / "khoa")],
        ["office", "create", str(office), *office_identity],
        ["office", "board", "--db", str(office)],
    ]


def _vietnamese_lines(text: str, words: list[str]) -> list[str]:
    for word in words:
        text = text.replace(word, "")
    return [line for line in text.splitlines() if has_vietnamese_letters(line)]


def test_gnapp_lang_en_prints_the_main_commands_in_english(commune, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    words = _commune_words(commune)
    for command in _commands(commune, tmp_path):
        assert main(command) == 0, command
        out = capsys.readouterr().out
        assert out.strip(), command
        assert _vietnamese_lines(out, words) == [], command
    assert i18n.current_language() == "vi"  # the command's language ends with it


def test_vietnamese_by_default_and_the_option_wins_over_the_variable(
    commune, tmp_path, capsys, monkeypatch
):
    monkeypatch.delenv("GNAPP_LANG", raising=False)
    for command in _commands(commune, tmp_path):
        assert main(command) == 0, command
        assert _vietnamese_lines(capsys.readouterr().out, []), command
    monkeypatch.setenv("GNAPP_LANG", "en")
    assert main(["--language", "vi", "db", "check", str(commune)]) == 0
    assert "Kết quả: ĐẠT" in capsys.readouterr().out


def test_json_stays_data_and_an_unknown_language_is_a_usage_error(commune, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    assert main(["classify", "--db", str(commune), *SUMMARY, "--json"]) == 0
    assert "theo chuẩn" in capsys.readouterr().out  # each household's reason, as documents say
    monkeypatch.setenv("GNAPP_LANG", "fr")
    with pytest.raises(SystemExit) as usage:
        main(["db", "check", str(commune)])
    assert usage.value.code == 2 and "GNAPP_LANG=fr" in capsys.readouterr().err


def test_errors_follow_the_language(commune, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    broken = tmp_path / "hong.gnapp"
    broken.write_bytes(b"not a database" * 100)
    assert main(["review", "rounds", "--db", str(broken)]) == 3
    assert capsys.readouterr().err.startswith("Error: ")


def test_the_installed_command_reads_the_variable(commune):
    """``GNAPP_LANG=en gnapp db check`` as a user types it, in a process of its own."""
    env = {"GNAPP_LANG": "en", "PATH": "", "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-m", "gnapp", "db", "check", str(commune)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Result: PASSED" in run.stdout and not has_vietnamese_letters(run.stdout)


# The signer's titles a document may carry: values the user types, written as documents write them.
DOCUMENT_VALUES = ("PHÓ CHỦ TỊCH", "CHỦ TỊCH")


def _parsers(parser: argparse.ArgumentParser, command: str = "gnapp"):
    """(the command as typed, its parser) of ``gnapp`` and every command and subcommand."""
    yield command, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield from _parsers(subparser, f"{command} {name}")


def test_every_help_is_english_when_the_language_is(monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    i18n.set_language("en")
    try:
        helps = {command: parser.format_help() for command, parser in _parsers(build_parser())}
    finally:
        i18n.set_language("vi")
    assert len(helps) > 100
    for command, text in helps.items():
        assert _vietnamese_lines(text, list(DOCUMENT_VALUES)) == [], command
        assert text.startswith("usage: ") and "options:" in text, command


def test_help_and_usage_errors_follow_the_language_wherever_the_option_stands(capsys, monkeypatch):
    monkeypatch.delenv("GNAPP_LANG", raising=False)
    with pytest.raises(SystemExit) as shown:
        main(["household", "list", "--help", "--language", "en"])
    out = capsys.readouterr().out
    assert shown.value.code == 0 and "--search TEXT" in out and not has_vietnamese_letters(out)
    with pytest.raises(SystemExit) as usage:
        main(["household", "list", "--language=en"])
    err = capsys.readouterr().err
    assert usage.value.code == 2
    assert "error: the following arguments are required: --db" in err
    assert not has_vietnamese_letters(err)
    with pytest.raises(SystemExit):
        main(["household", "list"])  # Vietnamese by default, and the language ended with it
    assert "sai cú pháp lệnh: thiếu --db" in capsys.readouterr().err
    assert i18n.current_language() == "vi"
