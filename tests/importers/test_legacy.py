import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.data import read_form_json
from gnapp.importers import legacy

WORDS = ["Nguyễn Văn Được", "Hoàng Thị Ngọc Ánh", "Trường", "Lê Thị Hồng", "Phạm Quỳnh Hương"]


@pytest.mark.parametrize(
    ("typed", "encoding", "unicode"),
    [
        ("NguyÔn V¨n §øc", legacy.TCVN3, "Nguyễn Văn Đức"),
        ("Hµ Néi", legacy.TCVN3, "Hà Nội"),
        ("nguyÔn v¨n", legacy.TCVN3_CAPITALS, "NGUYỄN VĂN"),
        ("Nguyeãn Vaên Ñöùc", legacy.VNI, "Nguyễn Văn Đức"),
        ("Leâ Thò Hoàng", legacy.VNI, "Lê Thị Hồng"),
        ("Phöôøng", legacy.VNI, "Phường"),
        ("Vieät Nam", legacy.VNI, "Việt Nam"),
    ],
)
def test_known_words(typed, encoding, unicode):
    assert legacy.to_unicode(typed, encoding) == unicode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NguyÔn V¨n", legacy.TCVN3),
        ("Ph¹m ThÞ Hoa", legacy.TCVN3),
        ("Nguyeãn Vaên", legacy.VNI),
        ("Traàn", legacy.VNI),
        ("Hoàng Hà", legacy.UNICODE),
        ("Lê Thị Hoà", legacy.UNICODE),
        ("Tuân", legacy.UNICODE),
        ("Nguyen Van A", legacy.UNICODE),
    ],
)
def test_detect(text, expected):
    assert legacy.detect(text) == expected


def test_column_votes_convert_ambiguous_cells():
    assert legacy.detect_column(["NguyÔn V¨n", "Vò", "Hµ"]) == legacy.TCVN3
    assert legacy.detect_column(["Hoàng", "Lê Thị Hoà", "Nguyễn"]) == legacy.UNICODE


@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTime", legacy.TCVN3),
        (".VnTimeH", legacy.TCVN3_CAPITALS),
        (".VnArial", legacy.TCVN3),
        ("VNI-Times", legacy.VNI),
        ("Times New Roman", None),
        (None, None),
    ],
)
def test_font_encoding(font, expected):
    assert legacy.font_encoding(font) == expected


def test_unicode_cells_are_left_alone_whatever_the_column_says():
    assert legacy.to_unicode("Nguyễn Văn", legacy.TCVN3) == "Nguyễn Văn"


vietnamese_lower = st.text(
    alphabet=st.sampled_from(
        sorted({ch for ch in read_form_json("reference", "tcvn3.json")["characters"].values()
                if ch.islower()} | set("abcdeghiklmnopqrstuvxy "))
    ),
    max_size=30,
)  # fmt: skip


@given(vietnamese_lower)
def test_tcvn3_round_trip(text):
    assert legacy.to_unicode(legacy.from_unicode(text, legacy.TCVN3), legacy.TCVN3) == text


@given(st.sampled_from(WORDS), st.sampled_from(WORDS))
def test_vni_round_trip(first, second):
    text = f"{first} {second}"
    assert legacy.to_unicode(legacy.from_unicode(text, legacy.VNI), legacy.VNI) == text


def test_vni_table_covers_every_vietnamese_letter():
    letters = set(read_form_json("reference", "tcvn3.json")["characters"].values())
    values = set(read_form_json("reference", "vni.json")["sequences"].values())
    assert letters <= values
    assert all(unicodedata.is_normalized("NFC", letter) for letter in values)


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv is not installed")
def test_tcvn3_lowercase_agrees_with_iconv():
    probe = subprocess.run(["iconv", "-l"], capture_output=True, text=True)
    if "TCVN5712-1" not in probe.stdout:
        pytest.skip("iconv has no TCVN5712-1")
    table = read_form_json("reference", "tcvn3.json")["characters"]
    for key, letter in table.items():
        byte = key.encode("latin-1")
        out = subprocess.run(
            ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=byte, capture_output=True
        )
        assert unicodedata.normalize("NFC", out.stdout.decode()) == letter, key
