"""figures.json and households.json: strict reading; whatever a field is replaced with, the
data is refused with a Vietnamese message or still rebuilds into figures."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnapp.packages.data import (
    DataError,
    figures_from_data,
    read_household_data,
    read_report_data,
    report_data,
)
from gnapp.reporting.figures import percent, report_figures
from gnapp.store.lists import list_villages
from gnapp.store.register import get_commune

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**13), 10**13) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def valid_data(tmp_path_factory, small_demo_file):
    from gnapp.store.database import open_database

    with open_database(small_demo_file) as cdb:
        figures = report_figures(cdb.db, "annual", "2025")
        codes = {v.id: v.code for v in list_villages(cdb.db)}
        return report_data(figures, get_commune(cdb.db), codes)


def _paths(value, prefix=()):
    """Every path to a value inside nested dicts and lists."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            yield from _paths(item, (*prefix, index))


def _encode(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_valid_data_reads_back(valid_data):
    assert read_report_data(_encode(valid_data)) == valid_data


@settings(max_examples=150, deadline=None)
@given(choice=st.integers(min_value=0), replacement=json_values)
def test_any_field_replaced_is_refused_or_still_adds_up(valid_data, choice, replacement):
    paths = [p for p in _paths(valid_data) if p]
    path = paths[choice % len(paths)]
    data = copy.deepcopy(valid_data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = replacement
    try:
        read = read_report_data(_encode(data))
    except DataError as error:
        assert str(error)
        return
    figures_from_data(read)  # what passes the checks can be used


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["villages"][0]["values"].update({"end.poor.households": 10**6}), "đầu kỳ"),
        (lambda d: d["villages"][0]["values"].pop("members"), "thiếu trường members"),
        (lambda d: d["villages"].append(dict(d["villages"][0])), "trùng"),
        (lambda d: d.update(format_version=6), "phiên bản"),
        (lambda d: d["report"].update(kind="weekly"), "Loại báo cáo không có"),
        (
            lambda d: d["budget"]["lines"].append(
                {
                    "programme": "../../x",
                    "project": "DA1",
                    "source": "x",
                    "allocated": 1,
                    "disbursed": 0,
                    "undated": 0,
                }
            ),
            "chương trình",
        ),
        (lambda d: d["villages"][0]["values"].update(households=-1), "giới hạn"),
        (lambda d: d["villages"][0]["values"].update(households=True), "sai kiểu"),
        (lambda d: d["points"].update(movement_years=[2020]), "không khớp"),
    ],
)
def test_data_that_does_not_add_up_is_refused(valid_data, change, message):
    data = copy.deepcopy(valid_data)
    change(data)
    with pytest.raises(DataError, match=message):
        read_report_data(_encode(data))


@pytest.mark.parametrize(
    "content",
    [b"[]", b'{"format": "gnapp-household-lists"}', b"\xff", b'{"a": 1, "a": 2}'],
)
def test_household_lists_are_read_strictly(content):
    with pytest.raises(DataError):
        read_household_data(content)


START_CODES = ("households", "members", "ethnic_minority_households")


def _start_as_end(data):
    """Version 3's start households, members and ethnic-minority households made the end's
    (what a file without them meant)."""
    for village in data["villages"]:
        values = village["values"]
        values |= {f"start.{code}": values[code] for code in START_CODES}


WORKERS = tuple(f"service.workers_trained_share.{part}" for part in ("count", "base", "unknown"))


def _workers_unknown(data):
    """Version 5's workers trained made 0 (what a file without them meant: not measured)."""
    data["commune_values"] |= dict.fromkeys(WORKERS, 0)


def _without_workers(data, version):
    old = copy.deepcopy(data)
    old["format_version"] = version
    old["indicators"] = [i for i in old["indicators"] if i["code"] not in WORKERS]
    old["commune_values"] = {k: v for k, v in old["commune_values"].items() if k not in WORKERS}
    return old


def _without_start(data, version):
    old = _without_workers(data, version)
    starts = {f"start.{code}" for code in START_CODES}
    old["indicators"] = [i for i in old["indicators"] if i["code"] not in starts]
    for village in old["villages"]:
        village["values"] = {k: v for k, v in village["values"].items() if k not in starts}
    for line in old["budget"]["lines"]:
        del line["undated"]  # version 4's
    return old


def test_a_version_2_file_reads_as_version_5_with_the_start_households_the_ends(valid_data):
    """Before version 3, figures.json had no households at the start point: a file of then
    reads as one of now whose start households, members and ethnic-minority households are
    the end's."""
    now = copy.deepcopy(valid_data)
    _start_as_end(now)
    _workers_unknown(now)
    old = _without_start(now, 2)
    assert len(old["indicators"]) == len(now["indicators"]) - 6
    assert read_report_data(_encode(old)) == now


def test_a_version_4_file_reads_as_version_5_with_the_workers_trained_not_measured(valid_data):
    """Before version 5, figures.json had no workers trained: a file of then reads as one of
    now with no answer for them, so the target has no figure rather than 0%."""
    now = copy.deepcopy(valid_data)
    assert any(now["commune_values"][code] for code in WORKERS)  # the demo's are measured
    _workers_unknown(now)
    old = _without_workers(now, 4)
    assert len(old["indicators"]) == len(now["indicators"]) - 3
    assert read_report_data(_encode(old)) == now
    rebuilt = figures_from_data(read_report_data(_encode(old)))
    workers = next(s for s in rebuilt.services if s.code == "workers_trained_share")
    assert workers.share is None
    assert all(t.achieved is None for t in rebuilt.targets if t.code == "workers_trained_share")


def _version_3(data):
    old = _without_workers(data, 3)
    for line in old["budget"]["lines"]:
        del line["undated"]
    return old


def test_a_version_3_annual_file_reads_with_nothing_undated(valid_data):
    assert any(line["disbursed"] for line in valid_data["budget"]["lines"])
    now = copy.deepcopy(valid_data)
    _workers_unknown(now)
    assert read_report_data(_encode(_version_3(valid_data))) == now


def test_a_version_3_half_year_says_its_disbursement_was_the_years(small_demo_file):
    """Before version 4 a half-year's disbursement was the year's whole: read now, it is
    said as paid on days not recorded, never as the half-year's."""
    from gnapp.store.database import open_database

    with open_database(small_demo_file) as cdb:
        figures = report_figures(cdb.db, "six_month", "2025-H1")
        codes = {v.id: v.code for v in list_villages(cdb.db)}
        now = report_data(figures, get_commune(cdb.db), codes)
    old = _version_3(now)
    year = {(x["project"], x["source"]): x["disbursed"] for x in old["budget"]["lines"]}
    read = read_report_data(_encode(old))
    assert read["format_version"] == 5
    for line in read["budget"]["lines"]:
        assert line["disbursed"] == 0
        assert line["undated"] == year[(line["project"], line["source"])]
    rebuilt = figures_from_data(read).budget.total
    assert rebuilt.disbursed == 0 and rebuilt.undated == sum(year.values()) > 0
    assert figures.budget.total.disbursed > 0  # what the current version carries


def test_the_start_households_travel(valid_data):
    """The start's rates are over the start's households, not the end's."""
    data = copy.deepcopy(valid_data)
    values = data["villages"][0]["values"]
    values["start.households"] = values["households"] * 2
    rebuilt = figures_from_data(read_report_data(_encode(data)))
    start = rebuilt.start.villages[0]
    assert start.households == values["households"] * 2
    poor = values["start.poor.households"]
    assert start.poor.rate == (percent(poor, values["households"] * 2) or 0.0)


def test_a_version_1_file_reads_as_version_5_with_the_other_columns_zero(valid_data):
    """Before the register's events, figures.json had no "other" movement columns (nor the
    start's households): a file of then reads as one of now whose other columns are 0."""
    now = copy.deepcopy(valid_data)
    _start_as_end(now)
    _workers_unknown(now)
    for village in now["villages"]:
        values = village["values"]
        for status in ("poor", "near_poor"):
            for who in ("households", "members"):
                down, up = (f"movement.{status}.{c}.{who}" for c in ("other_down", "other_up"))
                values[f"end.{status}.{who}"] += values[down] - values[up]
                values[down] = values[up] = 0
    for target in now["targets"]:
        target["achieved"] = None  # version 1: computed from the period's counts
    old = _without_start(now, 1)
    for target in old["targets"]:
        del target["achieved"]
    old["indicators"] = [i for i in old["indicators"] if ".other_" not in i["code"]]
    for village in old["villages"]:
        village["values"] = {k: v for k, v in village["values"].items() if ".other_" not in k}
    assert read_report_data(_encode(old)) == now


def test_the_other_columns_travel_and_still_add_up(demo_db):
    from datetime import date

    from gnapp.store import events

    db = demo_db.db
    poor = db.execute(
        "SELECT household_id FROM household_status WHERE year = 2025 AND status = 'poor' LIMIT 1"
    ).fetchone()[0]
    events.record_moved_away(demo_db, poor, date.today().isoformat(), "Đi làm ăn xa")
    figures = report_figures(db, "six_month", f"{date.today().year}-H1", on=date.today())
    codes = {v.id: v.code for v in list_villages(db)}
    data = read_report_data(_encode(report_data(figures, get_commune(db), codes)))
    rebuilt = figures_from_data(data)
    assert rebuilt.commune_movements.poor.other_down == figures.commune_movements.poor.other_down
    assert rebuilt.commune_movements.poor.other_down.households == 1
