"""Text typed in the legacy Vietnamese encodings (TCVN3/ABC, VNI-Windows) to Unicode NFC.

Excel shows such text through fonts whose glyphs sit on Windows-1252 codes, so the
cells hold Latin-1 look-alikes ("NguyÔn V¨n", "Nguyeãn Vaên"). The tables are data
(forms/reference/tcvn3.json, vni.json).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

from gnapp.data import read_form_json
from gnapp.i18n import tr

TCVN3 = "tcvn3"
TCVN3_CAPITALS = "tcvn3_capitals"  # typed in a capitals font (.VnTimeH): shown in upper case
VNI = "vni"
UNICODE = "unicode"

# Latin-1 letters that Unicode Vietnamese text itself uses.
_UNICODE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# Mark characters after a vowel that Unicode Vietnamese never writes there ("aâ", "eã", "eá", "uù").
_VNI_AFTER_VOWEL = re.compile(r"[aeoAEO][âÂêÊãÃ]|[aeAE][áÁàÀ]|[aeiouyAEIOUY][ùÙõÕ]")
_VNI_D = re.compile(r"(?<![A-Za-z])[ñÑ]")  # VNI đ starts a word; TCVN3 ủ never does


@functools.cache
def _tcvn3_table() -> dict[int, str]:
    characters = read_form_json("reference", "tcvn3.json")["characters"]
    return {ord(key): value for key, value in characters.items()}


@functools.cache
def _telling() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Characters only TCVN3 uses, only VNI uses, and both use (none is in Unicode text)."""
    tcvn3 = {chr(code) for code in _tcvn3_table()}
    vni = {ch for key in _vni()[1] for ch in key if not ch.isascii()}
    return (
        frozenset(tcvn3 - vni - _UNICODE_LATIN1),
        frozenset(vni - tcvn3 - _UNICODE_LATIN1),
        frozenset((tcvn3 & vni) - _UNICODE_LATIN1),
    )


@functools.cache
def _vni() -> tuple[re.Pattern[str], dict[str, str]]:
    sequences: dict[str, str] = read_form_json("reference", "vni.json")["sequences"]
    keys = sorted(sequences, key=len, reverse=True)
    return re.compile("|".join(re.escape(key) for key in keys)), sequences


_ABOVE_LATIN1 = re.compile("[^\x00-\xff]")


def is_unicode_vietnamese(text: str) -> bool:
    """Text with a character above Latin-1 is already Unicode (legacy text never has one)."""
    return _ABOVE_LATIN1.search(text) is not None


def detect(text: str) -> str:
    """The encoding one piece of text looks typed in (UNICODE when nothing says otherwise)."""
    if is_unicode_vietnamese(text) or text.isascii():
        return UNICODE
    tcvn3_only, vni_only, shared = _telling()
    both = sum(map(shared.__contains__, text)) / 2
    vni_d = len(_VNI_D.findall(text))
    tcvn3 = sum(map(tcvn3_only.__contains__, text)) + both - vni_d / 2
    vni = sum(map(vni_only.__contains__, text)) + both + vni_d / 2
    vni += len(_VNI_AFTER_VOWEL.findall(text))
    if tcvn3 <= 0 and vni <= 0:
        return UNICODE
    return TCVN3 if tcvn3 >= vni else VNI


def detect_column(texts: Iterable[str]) -> str:
    """The encoding of a column: the legacy one most of its telling cells show, else UNICODE."""
    return counted_encoding(Counter(texts))


def counted_encoding(counts: Mapping[str, int]) -> str:
    """detect_column of texts counted: text -> how many cells hold it."""
    votes = {TCVN3: 0, VNI: 0, UNICODE: 0}
    for text, times in counts.items():
        if not text.isascii():
            votes[detect(text)] += times
    legacy = max((TCVN3, VNI), key=votes.__getitem__)
    return legacy if votes[legacy] > votes[UNICODE] else UNICODE


def font_encoding(font_name: str | None) -> str | None:
    """The encoding a font implies: .VnTime -> TCVN3, .VnTimeH -> capitals, VNI-Times -> VNI."""
    if not font_name:
        return None
    name = font_name.strip()
    lowered = name.lower()
    if lowered.startswith("vni"):
        return VNI
    if lowered.startswith((".vn", "vn")):
        return TCVN3_CAPITALS if name.endswith("H") else TCVN3
    return None


def to_unicode(text: str, encoding: str) -> str:
    """Convert text typed in ``encoding``; cells already in Unicode are left as they are."""
    if encoding == UNICODE or is_unicode_vietnamese(text):
        return unicodedata.normalize("NFC", text)
    if encoding in (TCVN3, TCVN3_CAPITALS):
        converted = text.translate(_tcvn3_table())
        if encoding == TCVN3_CAPITALS:
            converted = converted.upper()
    elif encoding == VNI:
        pattern, sequences = _vni()
        converted = pattern.sub(lambda match: sequences[match.group()], text)
    else:
        raise ValueError(tr("Bảng mã không hỗ trợ: {encoding}", encoding=encoding))
    return unicodedata.normalize("NFC", converted)


def from_unicode(text: str, encoding: str) -> str:
    """Unicode to a legacy encoding (lower case only for TCVN3): for building test files."""
    if encoding == TCVN3:
        reverse = {value: chr(key) for key, value in _tcvn3_table().items()}
    elif encoding == VNI:
        _, sequences = _vni()
        reverse = {value: key for key, value in sequences.items()}
    else:
        raise ValueError(tr("Bảng mã không hỗ trợ: {encoding}", encoding=encoding))
    return "".join(reverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
