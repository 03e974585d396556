"""Matching a village written by a person ("thôn Nước Nẻ", "NUOC NE") to the commune's villages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from gnapp.core.vietnamese import fold
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
