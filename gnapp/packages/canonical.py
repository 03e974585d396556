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

MAX_DEPTH = 16


class FormatError(ValueError):
    """Bytes that are not the expected canonical JSON (a Vietnamese message)."""


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of ``value``."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise FormatError(f"khóa “{key}” xuất hiện hai lần")
        found[key] = value
    return found


def _refuse_constant(name: str) -> None:
    raise FormatError(f"giá trị {name} không được phép")


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        raise FormatError("lồng nhau quá sâu")
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def parse_json(data: bytes, what: str, *, canonical: bool = False) -> dict[str, Any]:
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
        raise FormatError(f"{what}: {error}") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise FormatError(f"{what} không phải JSON hợp lệ ({error.__class__.__name__}).") from None
    if not isinstance(value, dict):
        raise FormatError(f"{what} phải là một đối tượng JSON.")
    try:
        _depth(value)
    except FormatError as error:
        raise FormatError(f"{what}: {error}") from None
    if canonical and _canonical_or_none(value) != data:
        raise FormatError(
            f"{what} không ở dạng chuẩn (khóa xếp theo thứ tự, UTF-8, không có khoảng trắng)."
        )
    return value


def _canonical_or_none(value: Any) -> bytes | None:
    try:
        return canonical_json(value)
    except UnicodeEncodeError:  # a lone surrogate written as an escape
        return None


def _refuse_float(text: str) -> None:
    raise FormatError(f"số thực {text} không được phép (chỉ số nguyên)")


def b64encode(raw: bytes) -> str:
    """Standard base64 with padding (RFC 4648 §4)."""
    return base64.b64encode(raw).decode("ascii")


def b64decode(text: Any, what: str, length: int | None = None) -> bytes:
    """Strict standard base64 of ``length`` bytes (any length when None)."""
    if not isinstance(text, str):
        raise FormatError(f"{what} phải là chuỗi base64.")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise FormatError(f"{what} không phải base64 hợp lệ.") from None
    if b64encode(raw) != text or (length is not None and len(raw) != length):
        raise FormatError(f"{what} không đúng độ dài hoặc không ở dạng chuẩn.")
    return raw


# --- reading fields -------------------------------------------------------------------------


def field(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    """``obj[key]`` of the given JSON type (bool is never taken for int)."""
    if key not in obj:
        raise FormatError(f"{what}: thiếu trường “{key}”.")
    value = obj[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise FormatError(f"{what}: trường “{key}” sai kiểu.")
    if not isinstance(value, kinds):
        raise FormatError(f"{what}: trường “{key}” sai kiểu.")
    return value


def exact_keys(obj: Any, keys: set[str], what: str, optional: frozenset[str] = frozenset()) -> None:
    """Refuse an object with missing or unknown fields."""
    if not isinstance(obj, dict):
        raise FormatError(f"{what} phải là một đối tượng.")
    missing = keys - set(obj)
    unknown = set(obj) - keys - optional
    if missing:
        raise FormatError(f"{what}: thiếu trường {', '.join(sorted(missing))}.")
    if unknown:
        raise FormatError(f"{what}: có trường không biết {', '.join(sorted(unknown))}.")
