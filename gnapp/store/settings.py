"""The commune's settings a user may change, with their Vietnamese labels, defaults and checks.

Settings live in the ``settings`` table as JSON values (``register.get_setting``); this module
lists the ones an administrator edits (the settings dialog and ``gnapp settings``) so both check
them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from gnapp.core.official import OfficialDataError, check_bases, document_kinds, signer_titles
from gnapp.i18n import tr, tr_noop
from gnapp.store.database import CommuneDatabase
from gnapp.store.errors import DatabaseError
from gnapp.store.register import get_setting, set_setting


class SettingError(DatabaseError):
    """A setting value that cannot be kept (Vietnamese message)."""


def _lines(value: Any) -> list[str]:
    items = value.splitlines() if isinstance(value, str) else list(value)
    return [" ".join(str(item).split()) for item in items if str(item).strip()]


def _text(value: Any) -> str:
    return " ".join(str(value).split())


def _count(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SettingError(
                tr("phải là một số nguyên từ {low} đến {high}", low=low, high=high)
            ) from None
        if not low <= number <= high:
            raise SettingError(tr("phải là một số nguyên từ {low} đến {high}", low=low, high=high))
        return number

    return check


def _title(value: Any) -> str:
    if value not in signer_titles():
        # the titles are the documents' words, so they are shown as the document writes them
        raise SettingError(tr("phải là một trong: {titles}", titles=", ".join(signer_titles())))
    return value


def _bases(value: Any) -> list[str]:
    ids = value.replace(",", "\n").splitlines() if isinstance(value, str) else list(value)
    try:
        return check_bases(ids)
    except OfficialDataError as error:
        raise SettingError(str(error)) from None


BASES_PREFIX = "document.bases."


def bases_key(kind: str) -> str:
    """The setting holding the legal bases of a kind of document ("document.bases.decision")."""
    return f"{BASES_PREFIX}{kind}"


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: Any
    clean: Callable[[Any], Any]  # the value as kept, or SettingError saying what is expected


SETTINGS: Mapping[str, Setting] = {
    s.key: s
    for s in (
        Setting(
            "document.parent_body",
            tr_noop("Cơ quan cấp trên (dòng đầu)"),
            "",
            _text,
        ),
        Setting(
            "document.office",
            tr_noop("Cơ quan ban hành (dòng thứ hai)"),
            "",
            _text,
        ),
        Setting(
            "document.place",
            tr_noop("Địa danh trước ngày tháng"),
            "",
            _text,
        ),
        Setting("document.signer_name", tr_noop("Họ tên người ký văn bản"), "", _text),
        Setting("document.signer_title", tr_noop("Chức danh người ký"), "PHÓ CHỦ TỊCH", _title),
        Setting(
            "document.recipients",
            tr_noop("Nơi nhận (mỗi dòng một nơi)"),
            ["Như trên", "Lưu: VT, VHXH"],
            _lines,
        ),
        *(
            Setting(bases_key(code), tr_noop("Căn cứ pháp lý"), list(kind.bases), _bases)
            for code, kind in document_kinds().items()
        ),
        Setting(
            "backup_keep_daily", tr_noop("Số ngày giữ bản sao lưu hằng ngày"), 7, _count(1, 60)
        ),
        Setting(
            "backup_keep_monthly",
            tr_noop("Số tháng giữ bản sao lưu hằng tháng"),
            12,
            _count(1, 120),
        ),
    )
}


def current_settings(db: sqlite_utils.Database) -> dict[str, Any]:
    """Every known setting's value (its default when never set)."""
    return {key: get_setting(db, key, setting.default) for key, setting in SETTINGS.items()}


def save_settings(cdb: CommuneDatabase, values: Mapping[str, Any]) -> None:
    """Check every value, then keep them all in one transaction (or none, listing each
    problem with the setting's label)."""
    unknown = [key for key in values if key not in SETTINGS]
    if unknown:
        raise SettingError(
            tr(
                "Không có cài đặt: {unknown} (có: {known}).",
                unknown=", ".join(unknown),
                known=", ".join(SETTINGS),
            )
        )
    cleaned, problems = {}, []
    for key, value in values.items():
        try:
            cleaned[key] = SETTINGS[key].clean(value)
        except SettingError as error:
            problems.append(f"{tr(SETTINGS[key].label)}: {error}.")
    if problems:
        raise SettingError("\n".join(problems))
    with cdb.transaction():
        for key, value in cleaned.items():
            set_setting(cdb, key, value)
