"""The command line's language: Vietnamese unless ``GNAPP_LANG`` or ``--language`` says
otherwise, through the GUI's catalogue; the commune's own words (names, villages, decision
numbers) stay as they are, and so does JSON."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from gnapp import i18n
from gnapp.cli import main
from gnapp.i18n_extract import has_vietnamese_letters

SUMMARY = ["--standard", "2022-2025", "--standard", "2027-2030", "--summary"]
SUMMARY += ["--b1-lines", "140,175"]


@pytest.fixture
def commune(small_demo_file, tmp_path):
    path = tmp_path / "xa.gnapp"
    shutil.copy(small_demo_file, path)
    return path


def _commune_words(path) -> list[str]:
    """The names the commune gave: members, villages, decisions (longest first)."""
    with sqlite3.connect(path) as connection:
        words = {row[0] for row in connection.execute("SELECT full_name FROM members")}
        words |= {row[0] for row in connection.execute("SELECT name FROM villages")}
        words |= {
            row[0]
            for row in connection.execute("SELECT decision_number FROM review_rounds")
            if row[0]
        }
    return sorted(words, key=len, reverse=True)


def _commands(path) -> list[list[str]]:
    db = ["--db", str(path)]
    return [
        ["db", "check", str(path)],
        ["review", "rounds", *db],
        ["review", "list", *db, "--round", "1"],
        ["review", "progress", *db, "--round", "1"],
        ["classify", *db, *SUMMARY],
    ]


def _vietnamese_lines(text: str, words: list[str]) -> list[str]:
    for word in words:
        text = text.replace(word, "")
    return [line for line in text.splitlines() if has_vietnamese_letters(line)]


def test_gnapp_lang_en_prints_the_main_commands_in_english(commune, capsys, monkeypatch):
    monkeypatch.setenv("GNAPP_LANG", "en")
    words = _commune_words(commune)
    for command in _commands(commune):
        assert main(command) == 0, command
        out = capsys.readouterr().out
        assert out.strip(), command
        assert _vietnamese_lines(out, words) == [], command
    assert i18n.current_language() == "vi"  # the command's language ends with it


def test_vietnamese_by_default_and_the_option_wins_over_the_variable(commune, capsys, monkeypatch):
    monkeypatch.delenv("GNAPP_LANG", raising=False)
    for command in _commands(commune):
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
