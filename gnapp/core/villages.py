"""Matching a village written by a person ("thôn Nước Nẻ", "NUOC NE") to the commune's villages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from gnapp.core.vietnamese import fold, nfc
from gnapp.data import read_form_json


@cache
def village_prefixes() -> tuple[str, ...]:
    """The folded words written before a village's name ("thon", "to dan pho", ...), longest
    first."""
    words = read_form_json("import", "values.json")["village_prefixes"]
    return tuple(sorted((fold(word) for word in words), key=len, reverse=True))


def village_bare(name: str) -> str:
    """The folded name without the word "Thôn" / "Tổ dân phố" / ... in front."""
    folded = fold(name)
    for prefix in village_prefixes():
        if folded.startswith(prefix + " "):
            return folded[len(prefix) + 1 :]
    return folded


class VillageMatcher:
    """Matches village names (of a file, or typed) to the commune's villages, ignoring
    diacritics, case and the word "Thôn" / "Tổ dân phố" / ... in front."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.rows = list(rows)
        self.by_fold: dict[str, int] = {}
        bare: dict[str, list[int]] = {}
        for village in self.rows:
            self.by_fold[fold(village["name"])] = village["id"]
            bare.setdefault(village_bare(village["name"]), []).append(village["id"])
        self.by_bare = {key: ids[0] for key, ids in bare.items() if len(ids) == 1}

    def existing(self, name: str) -> int | None:
        """The id of the village ``name`` means, None when it names none (or several)."""
        return self.by_fold.get(fold(name)) or self.by_bare.get(village_bare(name))

    def by_code_or_name(self, written: str) -> int | None:
        """A village by its code (case aside) or, failing that, by its name."""
        for row in self.rows:
            if row["code"].lower() == written.strip().lower():
                return int(row["id"])
        return self.existing(written)


_ORDINAL = re.compile(r"^\s*(?:[ivxlc]+|[0-9]{1,3}|[a-z])\s*[.)/:\-]\s*")
_AFTER_NAME = re.compile(r"\s*[(:].*$")


@cache
def _written_prefixes() -> tuple[tuple[str, ...], ...]:
    """The village words as written, lower case with their diacritics ("tổ dân phố", "thôn"):
    "Tô Văn Hùng" (a name) does not start with "tổ"."""
    words = read_form_json("import", "values.json")["village_prefixes"]
    return tuple(sorted((tuple(nfc(w).lower().split()) for w in words), key=len, reverse=True))


def village_written(text: str) -> str | None:
    """The village a short text names, as written ("I. Thôn Đông" -> "Thôn Đông", "Tổ dân phố
    3 (12 hộ)" -> "Tổ dân phố 3", "Thôn 2, xã Đông Hà" -> "Thôn 2"); None when it does not start
    with a village word ("Thôn", "Tổ dân phố", ..., diacritics compared: "Tô Văn Hùng" is a
    name) followed by a name. Reads the separator rows of a list ("Thôn Đông" alone in a row
    above its households), sheet names and addresses."""
    for part in text.split(","):
        written = _AFTER_NAME.sub("", nfc(part))
        ordinal = _ORDINAL.match(written.lower())
        if ordinal and not village_written_bare(written):
            written = written[ordinal.end() :]
        if village_written_bare(written):
            return written
    return None


def village_written_bare(written: str) -> bool:
    words = written.lower().split()
    for prefix in _written_prefixes():
        size = len(prefix)
        if (
            tuple(words[:size]) == prefix
            and 0 < len(words) - size <= 4
            and fold(words[size]) not in _NOT_A_NAME
        ):
            return True
    return False


# Words after "tổ", "thôn", ... that make it an office or a title, not a village's name.
_NOT_A_NAME = frozenset({"truong", "pho", "chuc", "cong", "dan", "than"})
