"""Vietnamese text and number conventions: formatting, folding, sort keys, citizen IDs."""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from gnapp.data import read_form_json
from gnapp.i18n import current_language, tr, tr_noop


def format_number(value: int | float | Decimal, decimals: int = 0) -> str:
    """Vietnamese number: dot for thousands, comma for decimals ("1.810", "2,88").

    Rounds half away from zero, as people do by hand (2,885 -> 2,89).
    """
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def format_decimal(value: int | float | Decimal, max_decimals: int = 2) -> str:
    """A measured value with at most max_decimals, trailing zeros dropped ("6,5", "8", "7,33")."""
    text = format_number(value, max_decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def format_money(dong: int | float | Decimal) -> str:
    """An amount in đồng for official text ("1.500.000 đồng")."""
    return f"{format_number(dong)} đồng"


def format_percent(value: int | float | Decimal, decimals: int = 2) -> str:
    """A value that is already a percentage, e.g. 2.88 -> "2,88%"."""
    return f"{format_number(value, decimals)}%"


_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?")


def parse_number(text: str) -> Decimal:
    """Read a number written the Vietnamese way: "1.500.000", "2,88", "1.234,5", "-3".

    A dot only groups thousands ("1.500" is 1500) and a comma starts the decimals ("1,5").
    """
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(
            tr(
                "Không đọc được số “{text}”: dùng dấu chấm ngăn cách hàng nghìn và dấu phẩy "
                "trước phần thập phân, ví dụ 1.500.000 hoặc 2,88",
                text=text,
            )
        )
    return Decimal(cleaned.replace(".", "").replace(",", "."))


def format_date(d: date) -> str:
    """Short date: "05/01/2026"."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def format_date_long(d: date) -> str:
    """Date of an official document: "ngày 05 tháng 01 năm 2026", "ngày 15 tháng 3 năm 2025".

    Nghị định 30/2020/NĐ-CP, Phụ lục I: a day below 10 and the months 1 and 2 take a leading zero.
    """
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def local_time(stamp: str) -> datetime:
    """An app time stamp (stored in UTC, "2026-01-05T01:30:00Z") on the computer's clock: the
    one clock every screen, list and document reads (08:30 on a computer set to Vietnam)."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()


def format_timestamp(stamp: str) -> str:
    """An app time stamp on the computer's clock: "05/01/2026 08:30"."""
    moment = local_time(stamp)
    return f"{format_date(moment.date())} {moment:%H:%M}"


def nfc(text: str) -> str:
    """Text as stored: NFC, stripped, runs of white space collapsed to one space."""
    if text.isascii():  # NFC already (dates, citizen IDs, codes: most of them written once)
        return " ".join(text.split())
    return _nfc_spaced(text)


@functools.lru_cache(maxsize=65536)  # the same words fill whole columns (sexes, relations, names)
def _nfc_spaced(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _caseless_nfd(text: str) -> str:
    """Canonical caseless form NFD(casefold(NFD(text))), white space collapsed."""
    decomposed = unicodedata.normalize("NFD", " ".join(text.split()))
    return unicodedata.normalize("NFD", decomposed.casefold())


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def fold(text: str) -> str:
    """Search key: no diacritics, đ -> d, case-folded ("Nguyễn Văn Được" -> "nguyen van duoc")."""
    if text.isascii():  # codes, citizen IDs, numbers: no mark to take off, lower case is the fold
        return " ".join(text.lower().split())
    return _fold_words(text)


@functools.lru_cache(maxsize=65536)
def _fold_words(text: str) -> str:
    return " ".join(filter(None, map(_fold_word, text.split())))


def file_slug(*parts: str) -> str:
    """A file name's stem in Vietnamese without diacritics: ("Báo cáo năm", "2025") ->
    "bao-cao-nam-2025"."""
    words = fold(" ".join(parts).replace("-", " ").replace("/", " ")).split()
    return "-".join("".join(c for c in word if c.isalnum()) for word in words if word)


def search_words(texts: Iterable[str]) -> str:
    """A search text: each distinct word of ``texts`` once, in the order first met, each after a
    space (" nguyen van duoc thi hoa"), so " " + a typed word finds the start of a word."""
    return "".join(" " + word for word in dict.fromkeys(" ".join(texts).split()))


PERSON_SEPARATOR = " |"


def person_search_text(folded_names: Iterable[str]) -> str:
    """A household's name search text: each person's folded name, the head's first, each
    closed by " |" (" nguyen van an | huynh cong an |"), so a search can ask for every typed
    word in one name and tell the head's name (up to the first " |") from the others'."""
    return "".join(f" {name}{PERSON_SEPARATOR}" for name in folded_names if name)


def name_matches(folded_name: str, words: Sequence[str]) -> bool:
    """Whether every typed (folded) word starts a word of the one name ``folded_name``."""
    name_words = folded_name.split()
    return all(any(part.startswith(word) for part in name_words) for word in words)


# Names are made of few distinct words: caching per word makes keys of a whole register cheap.
@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    bare = "".join(ch for ch in _caseless_nfd(word) if not _is_mark(ch))
    return "".join(bare.replace("đ", "d").split())


# Sort keys are plain strings compared code point by code point (SQLite BINARY). Each character
# of the text gets one primary weight: white space, ASCII punctuation, other symbols, digits, then
# the Vietnamese alphabet with f j w z where Latin has them; other letters weigh themselves (all
# above U+007F, so after z). Tones weigh one per word, in dictionary order (Vietnam Lexicography
# Centre, as in Unicode CLDR): none, huyền, hỏi, ngã, sắc, nặng.
_ALPHABET = (
    "a", "a\u0306", "a\u0302", "b", "c", "d", "đ", "e", "e\u0302", "f", "g", "h", "i", "j", "k",
    "l", "m", "n", "o", "o\u0302", "o\u031b", "p", "q", "r", "s", "t", "u", "u\u031b", "v", "w",
    "x", "y", "z",
)  # fmt: skip
_OTHER_SYMBOL = "other symbol"
_PRIMARY = {
    element: chr(0x21 + rank)
    for rank, element in enumerate(
        (*" ", *string.punctuation, _OTHER_SYMBOL, *string.digits, *_ALPHABET)
    )
}
_LETTER_MARKS = frozenset("\u0306\u0302\u031b")  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_NO_TONE = "0"
_SEPARATOR = "\x01"  # below every weight


def _weights(text: str) -> tuple[str, str]:
    """Primary weights of every character, and the tone weight of every word."""
    words = [_word_weights(word) for word in text.split()]
    return _PRIMARY[" "].join(p for p, _ in words), "".join(t for _, t in words)


@functools.lru_cache(maxsize=65536)
def _word_weights(text: str) -> tuple[str, str]:
    primary: list[str] = []
    tones: list[str] = []
    letter = ""  # the current letter with its letter marks; empty outside words
    for ch in _caseless_nfd(text):
        if ch in _TONES and letter:
            if tones[-1] == _NO_TONE:
                tones[-1] = _TONES[ch]
        elif ch in _LETTER_MARKS and letter + ch in _PRIMARY:
            letter += ch
            primary[-1] = _PRIMARY[letter]
        elif _is_mark(ch) or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        else:
            if ch.isalpha() and not letter:
                tones.append(_NO_TONE)
            letter = ch if ch.isalpha() else ""
            primary.append(_primary_weight(ch))
    return "".join(primary), "".join(tones)


def _primary_weight(ch: str) -> str:
    if ch in _PRIMARY:
        return _PRIMARY[ch]
    if unicodedata.category(ch)[0] in "PS":
        return _PRIMARY[_OTHER_SYMBOL]
    return ch


@functools.lru_cache(maxsize=65536)  # given names and family names repeat across a register
def text_sort_key(text: str) -> str:
    """Key whose plain string order is Vietnamese dictionary order, ignoring case.

    Letters of the whole text compare first; tones only break ties ("ba" < "bà" < "bác").
    "Hòa" and "Hoà" get the same key.
    """
    primary, tones = _weights(text)
    return primary + _SEPARATOR + tones


def name_sort_key(full_name: str) -> str:
    """Key ordering persons by given name (last word), then family and middle names."""
    *family, given = nfc(full_name).split(" ")
    return text_sort_key(given) + _SEPARATOR + text_sort_key(" ".join(family))


# Citizen ID (CCCD): province of birth registration (3 digits), century-and-sex digit, last two
# digits of the birth year, serial (6 digits). Thông tư 07/2016/TT-BCA, Điều 7.
_FIRST_CENTURY = 1900
_CENTURIES = 5
_SEX_NAMES = {"male": tr_noop("nam"), "female": tr_noop("nữ")}
_CITIZEN_ID = re.compile(r"[0-9]{12}")


@functools.cache
def province_codes() -> dict[str, str]:
    """Province codes of citizen IDs (code -> province name); shared, do not modify."""
    data = read_form_json("reference", "province-codes.json")
    return {province["code"]: province["name"] for province in data["provinces"]}


def _check_sex(sex: str) -> None:
    if sex not in _SEX_NAMES:
        raise ValueError(
            tr("Giới tính không hợp lệ: {sex} (phải là 'male' hoặc 'female')", sex=repr(sex))
        )


def _year_problem(birth_year: int) -> str | None:
    last = _FIRST_CENTURY + 100 * _CENTURIES - 1
    if _FIRST_CENTURY <= birth_year <= last:
        return None
    return tr(
        "Năm sinh {year} nằm ngoài khoảng {first}–{last} mà số CCCD ghi được",
        year=birth_year,
        first=_FIRST_CENTURY,
        last=last,
    )


def _province_problem(code: str) -> str | None:
    if code in province_codes():
        return None
    return tr(
        "Mã tỉnh {code} (3 chữ số đầu của số CCCD) không có trong danh mục mã tỉnh", code=code
    )


def century_sex_digit(sex: str, birth_year: int) -> int:
    """The 4th digit of a citizen ID: 0/1 for men/women born 1900–1999, 2/3 for 2000–2099, ..."""
    _check_sex(sex)
    if problem := _year_problem(birth_year):
        raise ValueError(problem)
    century = (birth_year - _FIRST_CENTURY) // 100
    return 2 * century + (sex == "female")


def make_citizen_id(province_code: str, sex: str, birth_year: int, serial: int) -> str:
    """A 12-digit citizen ID from its parts."""
    if problem := _province_problem(province_code):
        raise ValueError(problem)
    if not 0 <= serial <= 999_999:
        raise ValueError(tr("Số thứ tự {serial} của số CCCD phải từ 0 đến 999.999", serial=serial))
    digit = century_sex_digit(sex, birth_year)
    return f"{province_code}{digit}{birth_year % 100:02d}{serial:06d}"


def _or_list(items: list[int]) -> str:
    words = [str(item) for item in items]
    if len(words) == 1:
        return words[0]
    return tr("{first} hoặc {second}", first=", ".join(words[:-1]), second=words[-1])


def _digit_meaning(digit: int) -> str:
    sex = tr(_SEX_NAMES["female" if digit % 2 else "male"])
    start = _FIRST_CENTURY + 100 * (digit // 2)
    return tr("{sex}, sinh {first}–{last}", sex=sex, first=start, last=start + 99)


# a few digits, two sexes, a century of years; ``language``: a message keeps its language
@functools.lru_cache(maxsize=4096)
def _century_sex_problem(
    digit: int, sex: str | None, birth_year: int | None, language: str
) -> str | None:
    expected = [
        d
        for d in range(2 * _CENTURIES)
        if (sex is None or d % 2 == (sex == "female"))
        and (birth_year is None or d // 2 == (birth_year - _FIRST_CENTURY) // 100)
    ]
    if digit in expected:
        return None
    if sex is None:
        facts = tr("sinh năm {year}", year=birth_year)
    elif birth_year is None:
        facts = tr("là {sex}", sex=tr(_SEX_NAMES[sex]))
    else:
        facts = tr("là {sex} sinh năm {year}", sex=tr(_SEX_NAMES[sex]), year=birth_year)
    return tr(
        "Chữ số thứ 4 là {digit} ({meaning}) nhưng người này {facts}: phải là {expected}",
        digit=digit,
        meaning=_digit_meaning(digit),
        facts=facts,
        expected=_or_list(expected),
    )


def citizen_id_problems(
    citizen_id: str, sex: str | None = None, birth_year: int | None = None
) -> list[str]:
    """What is wrong with a citizen ID, in the interface's language; empty when nothing is.

    When the person's sex or birth year is given, the ID must agree with them.
    """
    if not _CITIZEN_ID.fullmatch(citizen_id):
        return [tr("Số CCCD phải gồm đúng 12 chữ số")]
    if sex is not None:
        _check_sex(sex)
    problems = [_province_problem(citizen_id[:3])]
    if birth_year is not None and (year_problem := _year_problem(birth_year)):
        problems.append(year_problem)
    else:
        digit = int(citizen_id[3])
        problems.append(_century_sex_problem(digit, sex, birth_year, current_language()))
        if birth_year is not None and citizen_id[4:6] != f"{birth_year % 100:02d}":
            problems.append(
                tr(
                    "Chữ số thứ 5–6 là {digits} nhưng người này sinh năm {year}: "
                    "phải là {expected}",
                    digits=citizen_id[4:6],
                    year=birth_year,
                    expected=f"{birth_year % 100:02d}",
                )
            )
    return [problem for problem in problems if problem]
