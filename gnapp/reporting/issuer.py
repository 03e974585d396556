"""The commune as the issuer of its documents and lists: the two header lines of an official
document (Nghị định 30/2020), its place name and how the body text names it."""

from __future__ import annotations

from dataclasses import dataclass, replace

import sqlite_utils

from gnapp.store.errors import DatabaseError
from gnapp.store.register import get_commune, get_setting

KIND_WORDS = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu", "thi_tran": "Thị trấn"}
# Provinces that are centrally-run cities: the header reads "UBND THÀNH PHỐ HÀ NỘI"
CENTRAL_CITIES = frozenset({"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"})
NO_RECEIVER = "…………………………"


@dataclass(frozen=True)
class Issuer:
    parent_body: str  # "UBND TỈNH QUẢNG NGÃI"
    office: str  # "ỦY BAN NHÂN DÂN XÃ SƠN MINH"
    place: str  # "Sơn Minh"
    name: str  # "UBND xã Sơn Minh"
    commune: str  # "xã Sơn Minh"
    kind_word: str  # "Xã"
    receiver: str  # the "Kính gửi" line: the receiving office, or dots to fill in by hand


# Settings that replace a derived header line when the commune writes it otherwise.
HEADER_SETTINGS = {
    "parent_body": "document.parent_body",
    "office": "document.office",
    "place": "document.place",
}


def issuer(db: sqlite_utils.Database, *, with_settings: bool = True) -> Issuer:
    """The commune's issuer lines. The parent body is the province, or the district when the
    commune reports to a district People's Committee; the two header lines and the place name
    may be written otherwise in the settings (``with_settings`` False: the derived ones)."""
    derived = _derived_issuer(db)
    if not with_settings:
        return derived
    written = {
        field: text
        for field, key in HEADER_SETTINGS.items()
        if (text := " ".join(str(get_setting(db, key, "") or "").split()))
    }
    return replace(derived, **written)


def _derived_issuer(db: sqlite_utils.Database) -> Issuer:
    commune = get_commune(db)
    if commune is None:
        raise DatabaseError(
            "Chưa khai báo thông tin xã (tên, loại, tỉnh): hãy nhập thông tin xã trước."
        )
    word = KIND_WORDS[commune["kind"]]
    name = commune["name"]
    place = name[len(word) :].strip() if name.casefold().startswith(word.casefold()) else name
    province = commune["province"]
    parent = f"UBND {'THÀNH PHỐ' if province in CENTRAL_CITIES else 'TỈNH'} {province.upper()}"
    receiver = (commune["receiving_office_name"] or "").strip()
    if commune["receiving_office_kind"] == "district" and receiver.casefold().startswith(
        ("ubnd ", "ủy ban nhân dân ")
    ):
        district = receiver.split(" ", 1)[1].upper().removeprefix("BAN NHÂN DÂN ")
        parent = f"UBND {district}"
    return Issuer(
        parent_body=parent,
        office=f"ỦY BAN NHÂN DÂN {word.upper()} {place.upper()}",
        place=place,
        name=f"UBND {word.lower()} {place}",
        commune=f"{word.lower()} {place}",
        kind_word=word,
        receiver=receiver or NO_RECEIVER,
    )
