import pytest

from gnapp.core.movements import (
    MOVEMENT_LABELS,
    escaped_poverty_summary,
    movement,
    movement_words,
)


@pytest.mark.parametrize(
    ("previous", "current", "earlier", "expected"),
    [
        ("poor", "poor", [], "remained_poor"),
        ("poor", "near_poor", [], "poor_to_near_poor"),
        ("poor", "not_poor", [], "escaped_poverty"),
        ("poor", "average", [], "escaped_poverty"),
        ("poor", None, [], "escaped_poverty"),
        ("near_poor", "near_poor", [], "remained_near_poor"),
        ("near_poor", "poor", [], "near_poor_to_poor"),
        ("near_poor", None, [], "escaped_near_poverty"),
        (None, "poor", [], "newly_poor"),
        ("not_poor", "poor", [None, "not_poor"], "newly_poor"),
        (None, "poor", ["poor", None], "fell_back_poverty"),
        ("average", "poor", ["near_poor"], "newly_poor"),
        (None, "near_poor", [], "newly_near_poor"),
        (None, "near_poor", ["near_poor"], "fell_back_near_poverty"),
        (None, "near_poor", ["poor"], "newly_near_poor"),
        (None, None, ["poor"], None),
        ("average", "not_poor", [], None),
    ],
)
def test_movement(previous, current, earlier, expected):
    assert movement(previous, current, earlier) == expected


def test_every_movement_has_a_vietnamese_label():
    statuses = ["poor", "near_poor", "average", "not_poor", None]
    produced = {
        movement(a, b, history)
        for a in statuses
        for b in statuses
        for history in ([], ["poor"], ["near_poor"])
    } - {None}
    assert produced == set(MOVEMENT_LABELS)


def test_the_screens_and_the_documents_share_one_vocabulary():
    assert movement_words() == MOVEMENT_LABELS


def test_escaping_poverty_is_told_with_its_two_parts():
    counts = {"poor_to_near_poor": 33, "escaped_poverty": 14, "newly_poor": 2}
    assert escaped_poverty_summary(counts) == (
        "thoát nghèo 47 hộ, trong đó 33 hộ thành hộ cận nghèo, 14 hộ vượt chuẩn cận nghèo"
    )
