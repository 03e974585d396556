"""Movements between two years' statuses: escaped poverty, fell back, newly poor, ...

A household's status is one of poor, near_poor, average, not_poor, or None when
it was on no list that year; average and not_poor are both "off the lists".
"""

from __future__ import annotations

from collections.abc import Iterable

from gnapp.i18n import tr_noop

LISTED = ("poor", "near_poor")

MOVEMENT_LABELS = {
    "remained_poor": tr_noop("tiếp tục nghèo"),
    "poor_to_near_poor": tr_noop("từ nghèo thành cận nghèo"),
    "escaped_poverty": tr_noop("thoát nghèo"),
    "remained_near_poor": tr_noop("tiếp tục cận nghèo"),
    "near_poor_to_poor": tr_noop("từ cận nghèo thành nghèo"),
    "escaped_near_poverty": tr_noop("thoát cận nghèo"),
    "fell_back_poverty": tr_noop("tái nghèo"),
    "newly_poor": tr_noop("nghèo phát sinh"),
    "fell_back_near_poverty": tr_noop("tái cận nghèo"),
    "newly_near_poor": tr_noop("cận nghèo phát sinh"),
}


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
