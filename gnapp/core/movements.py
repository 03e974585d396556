"""Movements between two years' statuses: escaped poverty, fell back, newly poor, ...

A household's status is one of poor, near_poor, average, not_poor, or None when
it was on no list that year; average and not_poor are both "off the lists".
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from gnapp.core.vietnamese import format_number
from gnapp.data import read_form_json
from gnapp.i18n import tr_noop

LISTED = ("poor", "near_poor")

# The screens' copy of forms/documents/movements.json (the documents' vocabulary), kept as
# literals so the translation layer finds them; tests/core/test_movements.py checks both agree.
MOVEMENT_LABELS = {
    "remained_poor": tr_noop("tiếp tục nghèo"),
    "poor_to_near_poor": tr_noop("thoát nghèo, thành hộ cận nghèo"),
    "escaped_poverty": tr_noop("thoát nghèo, vượt chuẩn cận nghèo"),
    "remained_near_poor": tr_noop("tiếp tục cận nghèo"),
    "near_poor_to_poor": tr_noop("từ cận nghèo thành nghèo"),
    "escaped_near_poverty": tr_noop("thoát cận nghèo"),
    "fell_back_poverty": tr_noop("tái nghèo"),
    "newly_poor": tr_noop("nghèo phát sinh"),
    "fell_back_near_poverty": tr_noop("tái cận nghèo"),
    "newly_near_poor": tr_noop("cận nghèo phát sinh"),
}


@functools.cache
def _vocabulary() -> dict[str, Any]:
    found: dict[str, Any] = read_form_json("documents", "movements.json")
    return found


def movement_words() -> dict[str, str]:
    """Each movement as official documents and tables write it (forms/documents/)."""
    return dict(_vocabulary()["labels"])


def escaped_poverty_detail(counts: Mapping[str, int]) -> str:
    """ "trong đó 33 hộ thành hộ cận nghèo, 14 hộ vượt chuẩn cận nghèo" from the households
    of each movement out of poverty."""
    words = _vocabulary()
    listed = ", ".join(
        f"{format_number(counts.get(code, 0))} hộ {label}"
        for code, label in words["escaped_poverty_parts"].items()
    )
    return str(words["escaped_poverty_detail"]).format(parts=listed)


def escaped_poverty_summary(counts: Mapping[str, int]) -> str:
    """ "thoát nghèo 47 hộ, trong đó 33 hộ thành hộ cận nghèo, 14 hộ vượt chuẩn cận nghèo"."""
    words = _vocabulary()
    total = sum(counts.get(code, 0) for code in words["escaped_poverty_parts"])
    return str(words["escaped_poverty_summary"]).format(
        total=format_number(total), detail=escaped_poverty_detail(counts)
    )


def _listed(status: str | None) -> str | None:
    return status if status in LISTED else None


def movement(
    previous: str | None, current: str | None, earlier: Iterable[str | None] = ()
) -> str | None:
    """The movement from last year's status to this year's (None: off the lists both years).

    ``earlier`` holds the statuses of the years before last year; a household that
    comes back onto a list it was on in any earlier year "fell back" (tái nghèo /
    tái cận nghèo) rather than being new (phát sinh).
    """
    before, now = _listed(previous), _listed(current)
    history = {_listed(status) for status in earlier}
    transitions = {
        ("poor", "poor"): "remained_poor",
        ("poor", "near_poor"): "poor_to_near_poor",
        ("poor", None): "escaped_poverty",
        ("near_poor", "near_poor"): "remained_near_poor",
        ("near_poor", "poor"): "near_poor_to_poor",
        ("near_poor", None): "escaped_near_poverty",
    }
    if before is not None:
        return transitions[(before, now)]
    if now == "poor":
        return "fell_back_poverty" if "poor" in history else "newly_poor"
    if now == "near_poor":
        return "fell_back_near_poverty" if "near_poor" in history else "newly_near_poor"
    return None
