from __future__ import annotations

import functools
import random
import sqlite3
import time
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.core.vietnamese import (
    _fold_word,
    century_sex_digit,
    citizen_id_problems,
    fold,
    format_date,
    format_date_long,
    format_decimal,
    format_money,
    format_number,
    format_percent,
    format_timestamp,
    local_time,
    make_citizen_id,
    name_sort_key,
    nfc,
    parse_number,
    province_codes,
    text_sort_key,
)
from gnapp.data import read_form_json

# Every Vietnamese letter in upper and lower case, with every tone.
VIETNAMESE_LETTERS = unicodedata.normalize(
    "NFC",
    "".join(
        base + tone
        for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
        for tone in ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
    )
    + "bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVXfjwzFJWZ",
)
vietnamese_text = st.text(alphabet=VIETNAMESE_LETTERS + " 0123456789-", max_size=30)

# Hand-checked dictionary order: digits first; a ă â, d đ, e ê, o ô ơ, u ư are distinct letters;
# f j w z where Latin has them; tones (none, huyền, hỏi, ngã, sắc, nặng) only break ties.
DICTIONARY_ORDER = [
    "12 Lê Lợi",
    "3 Tháng 2",
    "a",
    "An",
    "anh",
    "Ánh",
    "Ăn",
    "ÂN",
    "Ba",
    "bà",
    "Bả",
    "Bã",
    "Bá",
    "Bạ",
    "Bác",
    "Bắc",
    "Bấc",
    "Cường",
    "Dung",
    "Dũng",
    "Dương",
    "ĐÀO",
    "Đông",
    "Em",
    "Êm",
    "Fatima",
    "Giang",
    "Hoa",
    "Hòa",
    "Hoàng",
    "Hô",
    "Hồng",
    "Hơn",
    "Hợp",
    "Ít",
    "John",
    "Khánh",
    "Lan",
    "Long",
    "Lộc",
    "Lợi",
    "Tú",
    "Tuấn",
    "Tư",
    "Từ",
    "Tưởng",
    "Vy",
    "William",
    "Xuân",
    "Yến",
    "Zoe",
]

NAME_ORDER = [
    "Nguyễn Văn An",
    "Trần An",
    "Nguyễn Anh",
    "Phạm Thị Ánh",
    "Bùi Văn Bình",
    "Đỗ Bình",
    "Nguyễn Thị Bình",
    "Hoa",
    "Lê Thị Hoa",
    "Trần Văn Hòa",
    "Lò Văn Hùng",
]


def shuffled(items: list[str]) -> list[str]:
    result = list(reversed(items))
    random.Random(7).shuffle(result)
    return result


# --- numbers, money, dates ---------------------------------------------------------------


def test_format_number_and_decimal_unchanged() -> None:
    assert format_number(1_500_000) == "1.500.000"
    assert format_number(2.885, 2) == "2,89"
    assert format_decimal(6.5) == "6,5"
    assert format_decimal(8.0) == "8"


@pytest.mark.parametrize(
    ("dong", "text"),
    [(1_500_000, "1.500.000 đồng"), (0, "0 đồng"), (950, "950 đồng"), (-20_000, "-20.000 đồng")],
)
def test_format_money(dong: int, text: str) -> None:
    assert format_money(dong) == text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(2.88, 2, "2,88%"), (2.885, 2, "2,89%"), (100, 0, "100%"), (12.5, 1, "12,5%")],
)
def test_format_percent(value: float, decimals: int, text: str) -> None:
    assert format_percent(value, decimals) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2025, 3, 15), "ngày 15 tháng 3 năm 2025"),
        (date(2025, 9, 9), "ngày 09 tháng 9 năm 2025"),
        (date(2025, 12, 20), "ngày 20 tháng 12 năm 2025"),
    ],
)
def test_format_date_long_follows_decree_30(day: date, text: str) -> None:
    assert format_date_long(day) == text


def test_format_date() -> None:
    assert format_date(date(2026, 1, 5)) == "05/01/2026"
    assert format_date(date(2025, 12, 20)) == "20/12/2025"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.500.000", Decimal(1_500_000)),
        ("2,88", Decimal("2.88")),
        ("1.234,5", Decimal("1234.5")),
        ("1500000", Decimal(1_500_000)),
        ("-3", Decimal(-3)),
        ("1.500", Decimal(1500)),
        ("1,5", Decimal("1.5")),
        (" 0 ", Decimal(0)),
    ],
)
def test_parse_number(text: str, value: Decimal) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1.5", "1,500.00", "1.5000", "1500.000", ",5", "5,", "1 500", "--3", "2,8,8"],
)
def test_parse_number_rejects_with_vietnamese_message(text: str) -> None:
    with pytest.raises(ValueError, match="Không đọc được số") as error:
        parse_number(text)
    assert f"“{text}”" in str(error.value)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_parse_number_reads_format_number(value: Decimal) -> None:
    assert parse_number(format_number(value, 2)) == value


# --- normalisation and folding -----------------------------------------------------------


def test_nfc_normalises_strips_and_collapses() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Văn\t\nAn")
    assert nfc(f"  {decomposed} ") == unicodedata.normalize("NFC", "Nguyễn Văn An")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nguyễn Văn Được", "nguyen van duoc"),
        ("  ĐẶNG   thị\tHỒNG ", "dang thi hong"),
        ("Hoà", "hoa"),
        ("Hòa", "hoa"),
        (unicodedata.normalize("NFD", "Phường Ỷ La"), "phuong y la"),
    ],
)
def test_fold(text: str, key: str) -> None:
    assert fold(text) == key


@given(st.text())
def test_fold_is_idempotent_and_bare(text: str) -> None:
    key = fold(text)
    assert fold(key) == key
    assert "đ" not in key
    assert not any(unicodedata.category(ch).startswith("M") for ch in key)


@given(st.text())
def test_fold_ignores_normalisation_form(text: str) -> None:
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_an_ascii_texts_fold_is_its_words_folded_one_by_one(text: str) -> None:
    """fold takes a shorter way for ASCII text (codes, IDs): the same key as word by word."""
    assert fold(text) == " ".join(filter(None, map(_fold_word, text.split())))


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_an_ascii_text_is_stored_as_nfc_stores_any_text(text: str) -> None:
    """nfc takes a shorter way for ASCII text (dates, IDs), which is NFC as it is."""
    assert nfc(text) == " ".join(unicodedata.normalize("NFC", text).split())


@given(vietnamese_text)
def test_fold_ignores_case(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower())


# --- sort keys ---------------------------------------------------------------------------


def test_text_sort_key_gives_dictionary_order() -> None:
    assert sorted(shuffled(DICTIONARY_ORDER), key=text_sort_key) == DICTIONARY_ORDER


def test_text_sort_key_orders_the_same_in_sqlite() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("create table t (word text, key text)")
    db.executemany(
        "insert into t values (?, ?)", [(w, text_sort_key(w)) for w in shuffled(DICTIONARY_ORDER)]
    )
    assert [w for (w,) in db.execute("select word from t order by key")] == DICTIONARY_ORDER


def test_text_sort_key_tones_compare_after_all_letters() -> None:
    assert text_sort_key("bà") < text_sort_key("bác") < text_sort_key("bạc")
    assert text_sort_key("ba bà") < text_sort_key("bà ba")


@pytest.mark.parametrize(
    ("a", "b"),
    [("Hòa", "Hoà"), ("Thủy", "Thuỷ"), ("NGUYỄN", "nguyễn"), ("Hòa  Bình", " hoà bình")],
)
def test_text_sort_key_equal(a: str, b: str) -> None:
    assert text_sort_key(a) == text_sort_key(b)


@given(vietnamese_text)
def test_text_sort_key_ignores_case_and_normalisation_form(text: str) -> None:
    key = text_sort_key(text)
    assert text_sort_key(text.upper()) == key
    assert text_sort_key(unicodedata.normalize("NFD", text.lower())) == key


def test_text_sort_key_agrees_with_qt_vietnamese_collation() -> None:
    qt_core = pytest.importorskip("PySide6.QtCore")
    collator = qt_core.QCollator(
        qt_core.QLocale(qt_core.QLocale.Language.Vietnamese, qt_core.QLocale.Country.Vietnam)
    )
    collator.setCaseSensitivity(qt_core.Qt.CaseSensitivity.CaseInsensitive)
    by_qt = sorted(shuffled(DICTIONARY_ORDER), key=functools.cmp_to_key(collator.compare))
    assert by_qt == DICTIONARY_ORDER
    assert sorted(shuffled(DICTIONARY_ORDER), key=text_sort_key) == by_qt


def test_name_sort_key_sorts_by_given_name_then_family() -> None:
    assert sorted(shuffled(NAME_ORDER), key=name_sort_key) == NAME_ORDER


@given(
    st.lists(st.text(alphabet=VIETNAMESE_LETTERS, min_size=1, max_size=6), min_size=1, max_size=4),
    st.lists(st.text(alphabet=VIETNAMESE_LETTERS, min_size=1, max_size=6), min_size=1, max_size=4),
)
def test_name_sort_key_compares_given_name_first(a: list[str], b: list[str]) -> None:
    def parts(words: list[str]) -> tuple[str, str]:
        return text_sort_key(words[-1]), text_sort_key(" ".join(words[:-1]))

    key_a, key_b = name_sort_key(" ".join(a)), name_sort_key(" ".join(b))
    assert (key_a < key_b) == (parts(a) < parts(b))
    assert (key_a == key_b) == (parts(a) == parts(b))


# --- citizen IDs -------------------------------------------------------------------------


def test_province_codes_data() -> None:
    data = read_form_json("reference", "province-codes.json")
    assert data["source"].startswith("Thông tư 07/2016/TT-BCA")
    assert (data["status"], data["confirmed"]) == ("secondary", False)
    codes = province_codes()
    assert len(codes) == 63 == len(data["provinces"])
    assert all(len(code) == 3 and code.isdigit() for code in codes)
    assert all(unicodedata.is_normalized("NFC", name) for name in codes.values())
    assert codes["001"] == "Hà Nội"
    assert codes["079"] == "Hồ Chí Minh"
    assert codes["096"] == "Cà Mau"
    assert "003" not in codes


@pytest.mark.parametrize(
    ("sex", "birth_year", "digit"),
    [
        ("male", 1900, 0),
        ("female", 1999, 1),
        ("male", 2000, 2),
        ("female", 2099, 3),
        ("male", 2100, 4),
        ("female", 2150, 5),
        ("male", 2200, 6),
        ("female", 2299, 7),
        ("male", 2300, 8),
        ("female", 2399, 9),
    ],
)
def test_century_sex_digit(sex: str, birth_year: int, digit: int) -> None:
    assert century_sex_digit(sex, birth_year) == digit


@pytest.mark.parametrize(("sex", "birth_year"), [("male", 1899), ("female", 2400), ("nam", 1985)])
def test_century_sex_digit_rejects(sex: str, birth_year: int) -> None:
    with pytest.raises(ValueError):
        century_sex_digit(sex, birth_year)


def test_make_citizen_id() -> None:
    assert make_citizen_id("001", "male", 1985, 123) == "001085000123"
    assert make_citizen_id("096", "female", 2007, 999_999) == "096307999999"


@pytest.mark.parametrize(
    ("province", "serial"), [("003", 1), ("1", 1), ("001", -1), ("001", 1_000_000)]
)
def test_make_citizen_id_rejects(province: str, serial: int) -> None:
    with pytest.raises(ValueError):
        make_citizen_id(province, "male", 1985, serial)


@pytest.mark.parametrize(
    "citizen_id",
    [
        "",
        "00108500012",
        "0010850001234",
        "00108500012a",
        "001 085 000 123",
        "００１０８５０００１２３",
    ],
)
def test_citizen_id_must_have_12_digits(citizen_id: str) -> None:
    assert citizen_id_problems(citizen_id) == ["Số CCCD phải gồm đúng 12 chữ số"]


def test_citizen_id_without_person_checks_only_the_province() -> None:
    assert citizen_id_problems("001985000123") == []
    assert citizen_id_problems("003085000123") == [
        "Mã tỉnh 003 (3 chữ số đầu của số CCCD) không có trong danh mục mã tỉnh"
    ]


@pytest.mark.parametrize(
    ("sex", "birth_year", "problem"),
    [
        (
            "female",
            1985,
            "Chữ số thứ 4 là 0 (nam, sinh 1900–1999) nhưng người này là nữ sinh năm 1985: "
            "phải là 1",
        ),
        (
            "male",
            2085,
            "Chữ số thứ 4 là 0 (nam, sinh 1900–1999) nhưng người này là nam sinh năm 2085: "
            "phải là 2",
        ),
        (
            "female",
            None,
            "Chữ số thứ 4 là 0 (nam, sinh 1900–1999) nhưng người này là nữ: "
            "phải là 1, 3, 5, 7 hoặc 9",
        ),
        (
            None,
            2085,
            "Chữ số thứ 4 là 0 (nam, sinh 1900–1999) nhưng người này sinh năm 2085: "
            "phải là 2 hoặc 3",
        ),
    ],
)
def test_citizen_id_century_sex_digit_must_match_person(
    sex: str | None, birth_year: int | None, problem: str
) -> None:
    assert citizen_id_problems("001085000123", sex, birth_year) == [problem]


def test_citizen_id_year_digits_must_match_birth_year() -> None:
    assert citizen_id_problems("001084000123", "male", 1985) == [
        "Chữ số thứ 5–6 là 84 nhưng người này sinh năm 1985: phải là 85"
    ]


def test_citizen_id_reports_every_problem() -> None:
    assert citizen_id_problems("003284000123", "female", 1985) == [
        "Mã tỉnh 003 (3 chữ số đầu của số CCCD) không có trong danh mục mã tỉnh",
        "Chữ số thứ 4 là 2 (nam, sinh 2000–2099) nhưng người này là nữ sinh năm 1985: phải là 1",
        "Chữ số thứ 5–6 là 84 nhưng người này sinh năm 1985: phải là 85",
    ]


def test_citizen_id_birth_year_out_of_range() -> None:
    assert citizen_id_problems("001085000123", "male", 1885) == [
        "Năm sinh 1885 nằm ngoài khoảng 1900–2399 mà số CCCD ghi được"
    ]


def test_citizen_id_problems_rejects_unknown_sex() -> None:
    with pytest.raises(ValueError):
        citizen_id_problems("001085000123", "nam", 1985)


@given(
    st.sampled_from(sorted(province_codes())),
    st.sampled_from(["male", "female"]),
    st.integers(1900, 2399),
    st.integers(0, 999_999),
)
def test_made_citizen_ids_have_no_problems(
    province: str, sex: str, birth_year: int, serial: int
) -> None:
    citizen_id = make_citizen_id(province, sex, birth_year, serial)
    assert citizen_id_problems(citizen_id, sex, birth_year) == []
    assert citizen_id_problems(citizen_id) == []


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Asia/Ho_Chi_Minh", "05/01/2026 08:30"), ("UTC", "05/01/2026 01:30"),
     ("Asia/Tokyo", "05/01/2026 10:30")],
)  # fmt: skip
def test_a_stored_time_reads_on_the_computers_clock(monkeypatch, zone, shown):
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert format_timestamp("2026-01-05T01:30:00Z") == shown
        assert local_time("2026-01-04T20:00:00Z").date().isoformat() == (
            "2026-01-05" if zone != "UTC" else "2026-01-04"
        )
    finally:
        monkeypatch.undo()
        time.tzset()
