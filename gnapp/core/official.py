"""What an official document declares as data (forms/documents/): who issues each kind of
document and so how it is signed, its number's symbol, and the legal acts its "Căn cứ …" lines
cite (forms/documents/legal-acts.json, each act once)."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from gnapp.core.vietnamese import format_date_long
from gnapp.data import read_form_json
from gnapp.i18n import tr, tr_in

# Placeholders in a document's bases: the act of the round's standard, procedure or programme.
BASIS_SLOTS = ("standard", "procedure", "programme")
UNKNOWN_DATE = "ngày … tháng … năm ……"
# The catalogue's context of the names of the kinds of document (``i18n.tr_in``).
DOCUMENT_KIND = "văn bản"


class OfficialDataError(ValueError):
    """A document number, basis or document kind that cannot be used (Vietnamese message)."""


@dataclass(frozen=True)
class LegalAct:
    id: str
    kind: str  # "Nghị định"
    number: str  # "07/2021/NĐ-CP"; "" for a law cited by its name
    date: date | None  # None: not confirmed, printed as a line to fill by hand
    issuer: str  # "Chính phủ"
    title: str  # "quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025"
    confirmed: bool

    @property
    def short(self) -> str:
        """ "Nghị định số 07/2021/NĐ-CP", "Luật Tổ chức chính quyền địa phương"."""
        if self.kind == "Luật":
            return f"Luật {self.title}"
        return f"{self.kind} số {self.number}"

    def citation(self) -> str:
        """The act as a "Căn cứ" line names it: number, date, issuer and title ("Nghị định số
        07/2021/NĐ-CP ngày 27 tháng 01 năm 2021 của Chính phủ quy định chuẩn nghèo …")."""
        dated = format_date_long(self.date) if self.date else UNKNOWN_DATE
        if self.kind == "Luật":
            return f"{self.short} {dated}"
        return f"{self.short} {dated} của {self.issuer} {self.title}"


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document: its issuer ("committee" or "chairman"), number symbol and bases
    (act ids or BASIS_SLOTS)."""

    code: str
    name: str
    issuer: str
    symbol: str
    bases: tuple[str, ...]

    @property
    def label(self) -> str:
        """The kind's name in the interface's language ("Báo cáo": a report, not the area of
        reports)."""
        return tr_in(DOCUMENT_KIND, self.name)


@functools.cache
def _acts_file() -> dict[str, Any]:
    found: dict[str, Any] = read_form_json("documents", "legal-acts.json")
    return found


@functools.cache
def _issuers_file() -> dict[str, Any]:
    found: dict[str, Any] = read_form_json("documents", "issuers.json")
    return found


@functools.cache
def legal_acts() -> dict[str, LegalAct]:
    """Every act the documents may cite, by id."""
    return {
        key: LegalAct(
            key,
            raw["kind"],
            raw["number"],
            date.fromisoformat(raw["date"]) if raw["date"] else None,
            raw["issuer"],
            raw["title"],
            bool(raw["confirmed"]),
        )
        for key, raw in _acts_file()["acts"].items()
    }


def slot_act(slot: str, code: str) -> str | None:
    """The act id of a standard, procedure or programme code ("2022-2025" → "nd-07-2021")."""
    act: str | None = _acts_file()[f"{slot}s"].get(code)
    return act


@functools.cache
def document_kinds() -> dict[str, DocumentKind]:
    raw = _issuers_file()
    kinds = {}
    for code, item in raw["documents"].items():
        if item["issuer"] not in raw["issuers"]:
            raise OfficialDataError(
                tr("forms/documents/issuers.json: {code}: không rõ ai ban hành.", code=code)
            )
        kinds[code] = DocumentKind(
            code, item["name"], item["issuer"], item["symbol"], tuple(item["bases"])
        )
    return kinds


def document_kind(code: str) -> DocumentKind:
    try:
        return document_kinds()[code]
    except KeyError:
        raise OfficialDataError(
            tr("Chưa khai báo loại văn bản “{code}” trong forms/documents/issuers.json.", code=code)
        ) from None


def signer_titles() -> tuple[str, ...]:
    """The titles a signer may hold ("CHỦ TỊCH", "PHÓ CHỦ TỊCH")."""
    return tuple(_issuers_file()["signer_titles"])


def signer_title(title: str) -> str:
    """The signer's title as a signing block prints it: in capitals, as Nghị định 30/2020 asks
    ("Phó chủ tịch" typed gives "PHÓ CHỦ TỊCH")."""
    return " ".join(unicodedata.normalize("NFC", title).split()).upper()


def signing_marks(kind: str, title: str) -> tuple[str, ...]:
    """The lines above the signer's title for a document of ``kind``: "TM. ỦY BAN NHÂN DÂN"
    when the committee issues it, then "KT. CHỦ TỊCH" when a deputy signs for the chair
    (the title however it was typed: "Phó chủ tịch" is a deputy too)."""
    raw = _issuers_file()
    issued_by = raw["issuers"][document_kind(kind).issuer]
    titles = {signer_title(known): entry for known, entry in raw["signer_titles"].items()}
    deputy = titles.get(signer_title(title), {}).get("for", "")
    return tuple(line for line in (issued_by["on_behalf"], deputy) if line)


def check_bases(ids: Iterable[str]) -> list[str]:
    """``ids`` as a list of known act ids or BASIS_SLOTS; OfficialDataError naming the unknown."""
    chosen = [" ".join(str(i).split()) for i in ids if str(i).strip()]
    known = legal_acts()
    unknown = [i for i in chosen if i not in known and i not in BASIS_SLOTS]
    if unknown:
        raise OfficialDataError(
            tr(
                "không có văn bản: {unknown} (có: {known})",
                unknown=", ".join(unknown),
                known=", ".join([*known, *BASIS_SLOTS]),
            )
        )
    return chosen


def resolve_bases(bases: Iterable[str], slots: Mapping[str, str | None]) -> list[LegalAct]:
    """The acts of a list of bases, a slot replaced by the act of ``slots[slot]`` (a standard,
    procedure or programme code); a slot whose code has no act in forms/ is left out."""
    acts = legal_acts()
    found = []
    for key in bases:
        if key in BASIS_SLOTS:
            code = slots.get(key)
            act_id = slot_act(key, code) if code else None
            if act_id is None:
                continue
            key = act_id
        found.append(acts[key])
    return found


def full_number(number: str | int | None, symbol: str) -> str | None:
    """The document's number and symbol from what the clerk typed: "45" gives "45/BC-UBND",
    "45/BC-UBND" stays as it is (a symbol typed is kept: a chairman's decision may be numbered
    "…/QĐ-CT"); empty gives None (a blank to fill by hand)."""
    text = "".join(str(number or "").split())
    if not text:
        return None
    bare, slash, typed = text.partition("/")
    if not bare or (slash and not typed):
        raise OfficialDataError(
            tr(
                "Số văn bản “{text}”: gõ số (ví dụ “45”) hoặc số và ký hiệu (“45/{symbol}”).",
                text=text,
                symbol=symbol,
            )
        )
    return f"{bare}/{typed.upper()}" if typed else f"{bare}/{symbol}"
