"""Every text the user reads goes through tr() and has its English; Qt's Vietnamese is complete."""

import json
import xml.etree.ElementTree as ElementTree
from importlib.resources import as_file

import pytest

from gnapp import i18n
from gnapp.core.household_checks import read_birth_date
from gnapp.data import resource_file
from gnapp.i18n_extract import (
    PACKAGE,
    UI_FOLDER,
    check_catalogue,
    data_texts,
    fields,
    has_vietnamese_letters,
    looks_user_facing,
    python_files,
    unfinished_qt_messages,
    untranslated_refusals,
    untranslated_texts,
    used_texts,
)
from gnapp.store import users


def _catalogue(language: str) -> dict[str, str]:
    text = resource_file("translations", i18n.catalogue_name(language)).read_text("utf-8")
    return json.loads(text)


def test_gui_texts_go_through_tr():
    left = [
        f"{text.where()}: {text.text!r}"
        for path in sorted(UI_FOLDER.rglob("*.py"))
        for text in untranslated_texts(path)
    ]
    assert left == [], "wrap these in tr() (or tr_noop() for module constants):\n" + "\n".join(left)


@pytest.mark.parametrize(
    ("text", "user_facing"),
    [
        ("Lưu", True),
        ("Xem", True),
        ("Open the file", True),
        ("GNApp", False),
        ("household_status.year", False),
        ("readOnly", False),
        ("color: #b00020;", False),
        ("QLabel#error { color: #b00020; }", False),
        ("SELECT count(*) FROM households", False),
        ("%H:%M", False),
        ("Ctrl+Shift+Q", False),
        ("Alt+F4", False),
        ("Ctrl+ mở tệp", True),
        ("", False),
        ("Nguyễn Thị Phương Thảo", False),
    ],
)
def test_what_counts_as_user_text(text, user_facing):
    assert looks_user_facing(text) is user_facing


def test_the_scanner_finds_texts_outside_tr(tmp_path):
    source = tmp_path / "screen.py"
    source.write_text(
        '"""Một màn hình."""\n'
        "from gnapp.i18n import tr\n"
        "LABEL = 'Đóng'\n"
        "def build(n):\n"
        "    '''Không phải chữ cho người dùng.'''\n"
        "    # Chú thích\n"
        "    title = tr('Lưu')\n"
        "    note = tr('Có {n} hộ', n=f'{n} người')\n"
        "    return f'Có {n} hộ', widget.setObjectName('summary')\n",
        encoding="utf-8",
    )
    found = {(text.line, text.text) for text in untranslated_texts(source)}
    assert found == {(3, "Đóng"), (8, "{…} người"), (9, "Có {…} hộ")}


def test_qt_s_own_catalogue_lookups_are_not_texts_to_wrap(tmp_path):
    source = tmp_path / "check.py"
    source.write_text(
        "cancel = QCoreApplication.translate('QPlatformTheme', 'Cancel')\n"
        "button = QPushButton('Cancel')\n",
        encoding="utf-8",
    )
    assert [(t.line, t.text) for t in untranslated_texts(source)] == [(2, "Cancel")]


@pytest.mark.parametrize("language", sorted(set(i18n.LANGUAGES) - {i18n.SOURCE_LANGUAGE}))
def test_every_tr_text_has_its_translation_and_nothing_stale(language):
    check = check_catalogue(_catalogue(language), used_texts())
    assert check.missing == [], "add them: python tools/i18n_extract.py --add"
    assert check.stale == [], "remove them from the catalogue: no code uses them"
    assert check.mismatched_fields == [], "the {fields} must be those of the Vietnamese"
    assert check.empty == []


@pytest.mark.parametrize("language", sorted(set(i18n.LANGUAGES) - {i18n.SOURCE_LANGUAGE}))
def test_every_data_text_has_its_translation_without_vietnamese_letters(language):
    """The words of forms/ the GUI shows (programmes, standards, procedures, …) read wholly in
    the language: an example of a Vietnamese document's wording is code's, never data's."""
    catalogue = _catalogue(language)
    texts = data_texts()
    assert len(texts) > 120
    assert sorted(texts - catalogue.keys()) == []
    assert [text for text in sorted(texts) if has_vietnamese_letters(catalogue[text])] == []


@pytest.mark.parametrize(
    ("text", "vietnamese"),
    [("Dự án 1", True), ("Đ", True), ("Project 1 – “central” …", False), ("45,5%", False)],
)
def test_vietnamese_letters_are_seen(text, vietnamese):
    assert has_vietnamese_letters(text) is vietnamese


def test_the_catalogue_check_sees_each_fault():
    catalogue = {"Lưu": "Save", "Có {n} hộ": "{count} households", "Cũ": "Old", "Đóng": ""}
    check = check_catalogue(catalogue, {"Lưu", "Có {n} hộ", "Mới", "Đóng"})
    assert check.missing == ["Mới"]
    assert check.stale == ["Cũ"]
    assert check.mismatched_fields == ["Có {n} hộ"]
    assert check.empty == ["Đóng"]
    assert not check.clean


def test_fields_keep_their_format():
    assert fields("{time} ngày {date}, {share:.1f}") == {"time", "date", "share:.1f"}


def test_qt_vietnamese_catalogue_is_complete():
    """Qt's own dialogs: every message of qtbase_vi.ts has a finished, non-empty translation."""
    with as_file(resource_file("translations", "qtbase_vi.ts")) as path:
        assert unfinished_qt_messages(path) == []
        assert len(ElementTree.parse(path).getroot().findall(".//message")) > 100


def test_unfinished_qt_messages_are_seen(tmp_path):
    ts_file = tmp_path / "qtbase_xx.ts"
    ts_file.write_text(
        "<TS><context><name>QDialogButtonBox</name>"
        "<message><source>OK</source><translation>Đồng ý</translation></message>"
        '<message><source>Cancel</source><translation type="unfinished">Hủy</translation>'
        "</message>"
        "<message><source>Help</source><translation></translation></message>"
        "<message numerus='yes'><source>%n file(s)</source><translation>"
        "<numerusform></numerusform></translation></message>"
        "</context></TS>",
        encoding="utf-8",
    )
    assert unfinished_qt_messages(ts_file) == [
        ("QDialogButtonBox", "Cancel"),
        ("QDialogButtonBox", "Help"),
        ("QDialogButtonBox", "%n file(s)"),
    ]


def test_core_messages_the_gui_shows_follow_the_language(english):
    with pytest.raises(users.UserError, match="at least 8 characters"):
        users.check_new_password("abc")
    with pytest.raises(users.PermissionDenied) as refused:
        users.require(users.User(2, "canbo", "Cán", ("clerk",), True), "administer")
    assert str(refused.value) == (
        "Account canbo has no permission to manage users, settings and data restores "
        "(role needed: Administrator)."
    )
    with pytest.raises(ValueError, match="Cannot read the date of birth “ngày rằm”"):
        read_birth_date("ngày rằm")
    i18n.set_language("vi")
    with pytest.raises(ValueError, match="Không đọc được ngày sinh"):
        read_birth_date("ngày rằm")


def test_target_names_and_units_follow_the_language(english):
    from gnapp.store.programme import target_kinds
    from gnapp.ui.common.models import target_rows

    rows = [{"code": "poor_reduction", "value": 12, "unit": "hộ", "decision_number": None,
             "decision_date": None},
            {"code": "poverty_rate", "value": 2.5, "unit": "%", "decision_number": None,
             "decision_date": None}]  # fmt: skip
    texts = [row.cells for row in target_rows(rows, target_kinds())]
    assert texts == [
        ("Decrease in poor households over the year", "12 households"),
        ("Poverty rate at year end", "2,5%"),
    ]


def test_the_core_s_refusals_go_through_tr():
    """A refusal raised by the core reads in the interface's language (issue 20, item 10)."""
    left = [
        f"{text.where()}: {text.text!r}"
        for path in python_files(PACKAGE)
        if not path.relative_to(PACKAGE).as_posix().startswith(("ui/", "cli/"))
        for text in untranslated_refusals(path)
    ]
    assert left == [], "raise these through tr() (English in the catalogue):\n" + "\n".join(left)


def test_the_refusal_scanner(tmp_path):
    source = tmp_path / "rule.py"
    source.write_text(
        "def check(n):\n"
        "    if n < 0:\n"
        "        raise ValueError(f'Số âm: {n}')\n"
        "    if n > 9:\n"
        "        raise ValueError(tr('Quá lớn: {n}', n=n))\n"
        "    raise ValueError('no Vietnamese here')\n",
        encoding="utf-8",
    )
    assert [(t.line, t.text) for t in untranslated_refusals(source)] == [(3, "Số âm: {…}")]
