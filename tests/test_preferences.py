"""The user's preferences file: the database opened last."""

from __future__ import annotations

import pytest

from gnapp import preferences


def test_the_last_database_is_remembered_while_it_exists(tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))
    assert preferences.last_database() is None
    database = tmp_path / "xa.gnapp"
    database.write_bytes(b"")
    preferences.remember_database(database)
    preferences.save_preference("other", 1)
    assert preferences.last_database() == database.resolve()
    assert preferences.load_preferences()["other"] == 1
    database.unlink()
    assert preferences.last_database() is None


def test_a_damaged_preferences_file_counts_as_none(tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path))
    preferences.preferences_file().write_text("{không phải json", encoding="utf-8")
    assert preferences.load_preferences() == {}
    preferences.save_preference("last_database", "x")
    assert preferences.load_preferences() == {"last_database": "x"}


@pytest.mark.parametrize(
    "content",
    ["[" * 100_000, '{"language": NaN}', "{" + '"a":' * 5000 + "1" + "}" * 5000, "\x00\xff"],
)
def test_a_hostile_preferences_file_counts_as_none(tmp_path, monkeypatch, content):
    """json.loads raises RecursionError on deep nesting, which the GUI's start would not catch."""
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path))
    preferences.preferences_file().write_text(content, encoding="utf-8")
    assert preferences.load_preferences() == {}
    assert preferences.preferred_language() == "vi"


def test_the_backup_folder_is_chosen_and_put_back(tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))
    from gnapp.store.backups import default_backup_folder

    assert preferences.backup_root() == tmp_path / "data" / "sao-luu"
    chosen = preferences.set_backup_root(tmp_path / "o-d" / "sao luu xa")
    assert chosen.is_dir() and list(chosen.iterdir()) == []  # the write check leaves nothing
    assert (
        default_backup_folder(tmp_path / "xa-son-minh.gnapp", preferences.backup_root())
        == chosen / "xa-son-minh"
    )
    assert preferences.set_backup_root(None) == tmp_path / "data" / "sao-luu"
    assert preferences.backup_root() == tmp_path / "data" / "sao-luu"


def test_a_folder_that_cannot_be_written_is_refused_and_nothing_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path / "data"))
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    try:
        preferences.set_backup_root(blocker / "inside")
    except preferences.PreferenceError as error:
        assert "Không ghi được vào thư mục sao lưu" in str(error)
        assert str(blocker / "inside") in str(error)
    else:
        raise AssertionError("a folder inside a file was accepted")
    assert preferences.backup_root() == tmp_path / "data" / "sao-luu"


def test_the_language_is_vietnamese_until_another_is_chosen(tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path))
    assert preferences.preferred_language() == "vi"
    preferences.remember_language("en")
    assert preferences.preferred_language() == "en"
    assert preferences.load_preferences()["language"] == "en"
    preferences.save_preference("language", "xx")  # e.g. a language of a later version
    assert preferences.preferred_language() == "vi"


def test_an_unknown_language_is_not_remembered(tmp_path, monkeypatch):
    monkeypatch.setenv("GNAPP_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="không được hỗ trợ"):
        preferences.remember_language("xx")
    assert "language" not in preferences.load_preferences()
