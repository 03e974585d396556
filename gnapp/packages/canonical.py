"""Canonical JSON: the one byte form of a signed or hashed JSON object (docs/package-format.md).

Keys sorted by code point, UTF-8, no whitespace between tokens, no escaping beyond what JSON
requires. Signed objects hold only strings, integers, booleans, null, arrays and objects, so no
two programs can disagree on how a number is written. Reading is strict: duplicate keys, NaN,
floats where integers belong and any byte form other than the canonical one are refused.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from gnapp.i18n import Refusal, Sentence, tr_noop

MAX_DEPTH = 16


class FormatError(Refusal, ValueError):
    """Bytes that are not the expected canonical JSON (its message a Sentence: a refused
    package's reason is kept in Vietnamese)."""


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of ``value``."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise FormatError(tr_noop("khóa “{key}” xuất hiện hai lần"), key=key)
        found[key] = value
    return found


def _refuse_constant(name: str) -> None:
    raise FormatError(tr_noop("giá trị {name} không được phép"), name=name)


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        raise FormatError(tr_noop("lồng nhau quá sâu"))
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def parse_json(data: bytes, what: Sentence | str, *, canonical: bool = False) -> dict[str, Any]:
    """An object read strictly from ``data`` (UTF-8 JSON); with ``canonical`` the bytes must be
    exactly the canonical form and hold no floats. ``what`` names the file in messages."""
    try:
        text = data.decode("utf-8")
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_refuse_constant,
            parse_float=(_refuse_float if canonical else float),
        )
    except FormatError as error:
        raise FormatError(tr_noop("{what}: {error}"), what=what, error=error) from None
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise FormatError(
            tr_noop("{what} không phải JSON hợp lệ ({error})."),
            what=what,
            error=error.__class__.__name__,
        ) from None
    if not isinstance(value, dict):
        raise FormatError(tr_noop("{what} phải là một đối tượng JSON."), what=what)
    try:
        _depth(value)
    except FormatError as error:
        raise FormatError(tr_noop("{what}: {error}"), what=what, error=error) from None
    if canonical and _canonical_or_none(value) != data:
        raise FormatError(
            tr_noop(
                "{what} không ở dạng chuẩn (khóa xếp theo thứ tự, UTF-8, không có khoảng trắng)."
            ),
            what=what,
        )
    return value


def _canonical_or_none(value: Any) -> bytes | None:
    try:
        return canonical_json(value)
    except UnicodeEncodeError:  # a lone surrogate written as an escape
        return None


def _refuse_float(text: str) -> None:
    raise FormatError(tr_noop("số thực {text} không được phép (chỉ số nguyên)"), text=text)


def b64encode(raw: bytes) -> str:
    """Standard base64 with padding (RFC 4648 §4)."""
    return base64.b64encode(raw).decode("ascii")


def b64decode(text: Any, what: Sentence | str, length: int | None = None) -> bytes:
    """Strict standard base64 of ``length`` bytes (any length when None)."""
    if not isinstance(text, str):
        raise FormatError(tr_noop("{what} phải là chuỗi base64."), what=what)
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise FormatError(tr_noop("{what} không phải base64 hợp lệ."), what=what) from None
    if b64encode(raw) != text or (length is not None and len(raw) != length):
        raise FormatError(tr_noop("{what} không đúng độ dài hoặc không ở dạng chuẩn."), what=what)
    return raw


# --- reading fields -------------------------------------------------------------------------


def field(
    obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], what: Sentence | str
) -> Any:
    """``obj[key]`` of the given JSON type (bool is never taken for int)."""
    if key not in obj:
        raise FormatError(tr_noop("{what}: thiếu trường “{key}”."), what=what, key=key)
    value = obj[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise FormatError(tr_noop("{what}: trường “{key}” sai kiểu."), what=what, key=key)
    if not isinstance(value, kinds):
        raise FormatError(tr_noop("{what}: trường “{key}” sai kiểu."), what=what, key=key)
    return value


def exact_keys(
    obj: Any, keys: set[str], what: Sentence | str, optional: frozenset[str] = frozenset()
) -> None:
    """Refuse an object with missing or unknown fields."""
    if not isinstance(obj, dict):
        raise FormatError(tr_noop("{what} phải là một đối tượng."), what=what)
    missing = keys - set(obj)
    unknown = set(obj) - keys - optional
    if missing:
        raise FormatError(
            tr_noop("{what}: thiếu trường {names}."), what=what, names=", ".join(sorted(missing))
        )
    if unknown:
        raise FormatError(
            tr_noop("{what}: có trường không biết {names}."),
            what=what,
            names=", ".join(sorted(unknown)),
        )
