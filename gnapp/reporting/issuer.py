"""The commune as the issuer of its documents and lists: the header line of an official
document (Nghị định 30/2020), its place name and how the body text names it. A people's
committee has no parent-body line ("tên cơ quan chủ quản"): the header is "ỦY BAN NHÂN DÂN
XÃ …" alone, unless the settings write one (a body that has one)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import sqlite_utils

from gnapp.core.official import (
    LegalAct,
    document_kind,
    resolve_bases,
    signer_title,
    signing_marks,
)
from gnapp.core.vietnamese import format_date
from gnapp.i18n import tr
from gnapp.reporting.document import Signature
from gnapp.store.errors import DatabaseError
from gnapp.store.register import get_commune, get_setting
from gnapp.store.settings import bases_key, current_settings

KIND_WORDS = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu", "thi_tran": "Thị trấn"}
NO_RECEIVER = "…………………………"


@dataclass(frozen=True)
class Issuer:
    parent_body: str  # empty for a people's committee; a setting for a body that has one
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
    """The commune's issuer lines: no parent body (a people's committee has none); the header
    lines and the place name may be written otherwise in the settings (``with_settings`` False:
    the derived ones)."""
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
            tr("Chưa khai báo thông tin xã (tên, loại, tỉnh): hãy nhập thông tin xã trước.")
        )
    word = KIND_WORDS[commune["kind"]]
    name = commune["name"]
    place = name[len(word) :].strip() if name.casefold().startswith(word.casefold()) else name
    receiver = (commune["receiving_office_name"] or "").strip()
    return Issuer(
        parent_body="",
        office=f"ỦY BAN NHÂN DÂN {word.upper()} {place.upper()}",
        place=place,
        name=f"UBND {word.lower()} {place}",
        commune=f"{word.lower()} {place}",
        kind_word=word,
        receiver=receiver or NO_RECEIVER,
    )


def signature(db: sqlite_utils.Database, kind: str, title: str = "", name: str = "") -> Signature:
    """The signing block of a document of ``kind`` (forms/documents/issuers.json): the lines
    of its issuer and of the signer's title, the title and the name (the settings' signer when
    ``title`` / ``name`` are not given)."""
    kept = current_settings(db)
    title = title or kept["document.signer_title"]
    name = name or kept["document.signer_name"]
    return Signature(signer_title(title), name, signing_marks(kind, title))


def issued_later(act: LegalAct, on: date | None) -> bool:
    """Whether ``act`` was issued after ``on``, the date of the document that would cite it: a
    document cannot be based on an act that did not exist yet (an act whose date is not known
    is kept, its date left to fill in by hand)."""
    return on is not None and act.date is not None and act.date > on


def _bases(
    db: sqlite_utils.Database, kind: str, slots: Mapping[str, str | None] | None
) -> Sequence[LegalAct]:
    return resolve_bases(current_settings(db)[bases_key(kind)], slots or {})


def bases_lines(
    db: sqlite_utils.Database,
    kind: str,
    slots: Mapping[str, str | None] | None = None,
    on: date | None = None,
) -> list[str]:
    """The "Căn cứ …;" lines of a document of ``kind`` dated ``on``: the commune's list
    (setting), the round's standard and procedure (``slots``) in place of their placeholders;
    an act issued after ``on`` is left out (``signing_warnings`` tells the clerk)."""
    acts = _bases(db, kind, slots)
    return [f"Căn cứ {act.citation()};" for act in acts if not issued_later(act, on)]


def signing_warnings(
    db: sqlite_utils.Database,
    kind: str,
    slots: Mapping[str, str | None] | None = None,
    name: str | None = None,
    on: date | None = None,
) -> list[str]:
    """What to tell the clerk before a document of ``kind`` dated ``on`` is written: a signer
    without a name, a legal basis not confirmed (its date left to fill in by hand), a basis
    issued after ``on`` (left out of the document). In the interface's language, but the
    signer's title and the act's name as the document writes them."""
    kept = current_settings(db)
    document = document_kind(kind).label
    found = []
    if not (kept["document.signer_name"] if name is None else name).strip():
        found.append(
            tr(
                "{document}: chưa khai báo họ tên người ký ({title}) — dòng tên để trống để ghi "
                "tay.",
                document=document,
                title=kept["document.signer_title"],
            )
        )
    for act in _bases(db, kind, slots):
        if on is not None and act.date is not None and issued_later(act, on):
            found.append(
                tr(
                    "{document}: căn cứ {act} ban hành ngày {issued}, sau ngày của văn bản "
                    "({on}), nên không được ghi vào văn bản.",
                    document=document,
                    act=act.short,
                    issued=format_date(act.date),
                    on=format_date(on),
                )
            )
        elif not act.confirmed:
            missing = (
                tr("ngày ban hành để trống, ghi tay") if act.date is None else tr("cần đối chiếu")
            )
            found.append(
                tr(
                    "{document}: căn cứ {act} chưa được xác nhận ({missing}).",
                    document=document,
                    act=act.short,
                    missing=missing,
                )
            )
    return found
