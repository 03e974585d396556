"""Report figures: each equals a direct query of the demo commune, for each report kind; the
seeds' rounding and wording; the movement identity; the report kinds' data."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.core.standards import load_standard
from gnapp.core.vietnamese import format_money, format_number
from gnapp.data import form_file
from gnapp.reporting.figures import (
    FIGURE_SETS,
    SENTENCE_KEYS,
    SENTENCE_PREFIXES,
    Count,
    FiguresError,
    Period,
    default_period,
    parse_period,
    percent,
    report_figures,
    report_kind,
    report_kinds,
    report_tables,
    require_consistent,
    sentences,
)
from gnapp.store import programme, register
from tests.as_of_sql import (
    MEMBERS_THEN,
    expected_lists,
    expected_other,
    expected_status_moves,
    paid_in,
    point_day,
    present_counts,
    statuses,
    working_age,
)

# kind, period, the list at the start, the list at the end, whether the end is "now"
CASES = [
    ("annual", "2025", 2024, 2025, False),
    ("annual", "2024", 2023, 2024, False),
    ("six_month", "2025-H1", 2024, 2025, True),
    ("six_month", "2026-H1", 2025, 2026, True),
    ("ad_hoc", "2023", 2022, 2023, False),
    ("mid_term", "2021-2023", 2022, 2023, False),
    ("end_of_period", "2021-2025", 2022, 2025, False),
]
IDS = [f"{kind}-{period}" for kind, period, *_ in CASES]
MOVES = {
    "poor": ("poor_to_near_poor", "escaped_poverty", "near_poor_to_poor", "fell_back_poverty",
             "newly_poor"),
    "near_poor": ("near_poor_to_poor", "escaped_near_poverty", "poor_to_near_poor",
                  "fell_back_near_poverty", "newly_near_poor"),
}  # fmt: skip
COLUMNS = ("to_other_list", "escaped", "from_other_list", "fell_back", "newly")


def scalar(db, sql, *params):
    return db.execute(sql, params).fetchone()[0]


def rounded(part, whole, decimals=2):
    if not whole:
        return None
    exact = Decimal(part) * 100 / Decimal(str(whole))
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@pytest.fixture
def figures_of(demo_db):
    return lambda kind, period: report_figures(demo_db.db, kind, period)


@pytest.mark.parametrize(("kind", "period", "start", "end", "current"), CASES, ids=IDS)
def test_commune_and_lists_match_the_database(demo_db, kind, period, start, end, current):
    db = demo_db.db
    figures = report_figures(db, kind, period)
    households, members, _ = present_counts(db, point_day(db, end, current, figures.period))
    assert (figures.commune.households, figures.commune.members) == (households, members)
    assert figures.commune.villages == scalar(db, "SELECT count(*) FROM villages")
    assert figures.commune.urban_villages == scalar(
        db, "SELECT count(*) FROM villages WHERE area = 'urban'"
    )
    for snapshot, year, now in ((figures.start, start, False), (figures.end, end, current)):
        assert (snapshot.year, snapshot.current) == (year, now)
        day = point_day(db, year, now, figures.period)
        assert snapshot.on == day
        lists = expected_lists(db, day)
        for unit in (*snapshot.villages, snapshot.commune):
            households, _, minority = present_counts(db, day, unit.village_id)
            assert unit.households == households
            for status in ("poor", "near_poor"):
                h, m, e = lists.get((unit.village_id, status), (0, 0, 0))
                got = getattr(unit, status)
                assert (got.households, got.members, got.ethnic_minority) == (h, m, e)
                assert got.rate == (rounded(h, households) or 0.0)
                assert got.ethnic_minority_rate == (rounded(e, minority) or 0.0)


@pytest.mark.parametrize(("kind", "period", "start", "end", "current"), CASES, ids=IDS)
def test_movements_match_the_database(demo_db, kind, period, start, end, current):
    db = demo_db.db
    figures = report_figures(db, kind, period)
    assert figures.movement_years == tuple(range(start + 1, end + 1))
    assert figures.problems == ()
    days = [point_day(db, start, False, figures.period)] + [
        point_day(db, year, current and year == end, figures.period)
        for year in figures.movement_years
    ]
    spans = list(pairwise(days))
    for unit in (*figures.movements, figures.commune_movements):
        for status, movements in MOVES.items():
            got = getattr(unit, status)
            for column, movement in zip(COLUMNS, movements, strict=True):
                found = [
                    expected_status_moves(db, a, b, movement, unit.village_id) for a, b in spans
                ]
                expected = Count(sum(h for h, _ in found), sum(m for _, m in found))
                assert getattr(got, column) == expected, (status, column)
            for column, down in (("other_down", True), ("other_up", False)):
                found = [expected_other(db, a, b, status, unit.village_id, down) for a, b in spans]
                expected = Count(sum(h for h, _ in found), sum(m for _, m in found))
                assert getattr(got, column) == expected, (status, column)
            # the identity of tables 2 and 3: 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8
            assert got.end == got.start - got.decreases + got.increases
            assert got.reduction == got.start.households - got.end.households


@pytest.mark.parametrize(("kind", "period", "start", "end", "current"), CASES, ids=IDS)
def test_targets_match_the_database(demo_db, kind, period, start, end, current):
    db = demo_db.db
    figures = report_figures(db, kind, period)
    days = {start: point_day(db, start, False, figures.period)} | {
        year: point_day(db, year, current and year == end, figures.period)
        for year in figures.movement_years
    }
    lists = {year: expected_lists(db, day) for year, day in days.items()}
    total = present_counts(db, days[end])[0]
    by_code = {t.code: t for t in figures.targets if t.years == (end,)}
    assert set(by_code) == {
        r[0] for r in db.execute("SELECT code FROM targets WHERE year = ?", [end])
    }
    for status, code, rate_code in (
        ("poor", "poor_reduction", "poverty_rate"),
        ("near_poor", "near_poor_reduction", "near_poverty_rate"),
    ):
        # a reduction target per year, against that year's reduction, never summed
        per_year = [t for t in figures.targets if t.code == code]
        assert [t.years for t in per_year] == [
            (y,) for (y,) in db.execute(
                "SELECT year FROM targets WHERE code = ? AND year BETWEEN ? AND ? ORDER BY year",
                [code, start + 1, end],
            )
        ]  # fmt: skip
        for got in per_year:
            (year,) = got.years
            reduction = lists[year - 1][(None, status)][0] - lists[year][(None, status)][0]
            target = scalar(db, "SELECT value FROM targets WHERE code = ? AND year = ?", code, year)
            assert (got.target, got.achieved) == (target, reduction)
            assert got.share_of_target == rounded(reduction, target, 1)
            # a year's target is judged at the year's end, never at 30/6
            assert got.reached == (None if current else reduction >= target)
        rate = rounded(lists[end][(None, status)][0], total)
        rate_target = scalar(
            db, "SELECT value FROM targets WHERE code = ? AND year = ?", rate_code, end
        )
        assert by_code[rate_code].achieved == rate
        assert by_code[rate_code].reached == (None if current else rate <= rate_target)
    # nothing in the register says which staff were trained: the row is left to fill by hand
    assert by_code["staff_trained_share"].achieved is None
    assert by_code["staff_trained_share"].reached is None
    # measured from the job-connection activities (DA4.2, DA4.3) the period counts
    assert by_code["workers_job_connected"].achieved == dict(figures.outputs.measured).get(
        "workers_job_connected"
    )


@pytest.mark.parametrize(("kind", "period", "start", "end", "current"), CASES, ids=IDS)
def test_services_match_the_database(demo_db, kind, period, start, end, current):
    db = demo_db.db
    figures = report_figures(db, kind, period)
    day = point_day(db, end, current, figures.period)
    listed = [h for h, s in statuses(db, day).items() if s in ("poor", "near_poor")]
    db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen (id INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM chosen")
    db.conn.executemany("INSERT INTO chosen VALUES (?)", [(h,) for h in listed])
    params = {i.id: i.params for i in load_standard("2022-2025").indicators}
    on = figures.period.end_date.isoformat()
    age = (
        "(CAST(substr(:on, 1, 4) AS INTEGER) - CAST(substr(birth_date, 1, 4) AS INTEGER) "
        "- (substr(:on, 6, 5) < substr(birth_date, 6, 5)))"
    )
    child = params["child_schooling"]
    behind = ", ".join(f"'{v}'" for v in child["deprived_schooling"])
    safe = ", ".join(f"'{v}'" for v in params["water_source"]["safe_sources"])
    hygienic = ", ".join(f"'{v}'" for v in params["latrine"]["hygienic_types"])
    devices = ", ".join(f"'{v}'" for v in params["information_devices"]["devices"])
    household = "FROM households WHERE id IN (SELECT id FROM chosen)"
    # the listed households' members on the point's day (members since gone as they were)
    members = f"FROM ({MEMBERS_THEN}) WHERE household_id IN (SELECT id FROM chosen)"
    children = f"{members} AND {age} >= {child['from_age']} AND {age} < {child['under_age']}"
    standard_file = json.loads(form_file("standards", "2022-2025.json").read_text("utf-8"))
    workers = f"{members} AND {working_age(standard_file, on)}"
    trained = "'employer_certified', 'elementary', 'intermediate', 'college'"
    queries = {
        "health_insurance_share": (
            f"SELECT sum(has_health_insurance) {members}",
            f"SELECT count(has_health_insurance) {members}",
        ),
        "school_attendance_share": (
            f"SELECT count(*) {children} AND schooling NOT IN ({behind})",
            f"SELECT count(schooling) {children}",
        ),
        "clean_water_share": (
            f"SELECT count(*) {household} AND water_source IN ({safe})",
            f"SELECT count(water_source) {household}",
        ),
        "hygienic_latrine_share": (
            f"SELECT count(*) {household} AND latrine IN ({hygienic})",
            f"SELECT count(latrine) {household}",
        ),
        "information_access_share": (
            f"SELECT count(*) {household} AND uses_telecom = 1 AND EXISTS (SELECT 1 FROM "
            f"json_each(information_devices) WHERE value IN ({devices}))",
            f"SELECT count(uses_telecom) {household}",
        ),
        # the members of working age on the period's last day (Bộ luật Lao động 2019's schedule
        # as the standard file writes it) with a vocational certificate or employer training
        "workers_trained_share": (
            f"SELECT count(*) {workers} AND vocational_certificate IN ({trained})",
            f"SELECT count(vocational_certificate) {workers}",
        ),
    }
    got = {s.code: s for s in figures.services}
    assert set(got) == set(queries)
    for code, (count_sql, base_sql) in queries.items():
        count = db.execute(count_sql, {"on": on, "d": day}).fetchone()[0] or 0
        base = db.execute(base_sql, {"on": on, "d": day}).fetchone()[0]
        assert (got[code].count, got[code].base) == (count, base), code
        assert got[code].share == rounded(count, base)
        assert 0 < count <= base
        target = next(t for t in figures.targets if t.code == code)
        assert target.achieved == got[code].share


@pytest.mark.parametrize(("kind", "period", "start", "end", "current"), CASES, ids=IDS)
def test_groups_and_budget_match_the_database(demo_db, kind, period, start, end, current):
    db = demo_db.db
    figures = report_figures(db, kind, period)
    lists = expected_lists(db, point_day(db, end, current, figures.period))
    for group in figures.groups:
        h, m, e = lists.get((None, group.status), (0, 0, 0))
        assert group.total == Count(h, m)
        assert dict(group.groups)["ethnic_minority"].households == e
    first = figures.period.first if figures.period.shape == "span" else end
    budget = figures.budget
    assert (budget.first, budget.last) == (first, figures.period.last)
    allocated = scalar(
        db,
        "SELECT coalesce(sum(allocated), 0) FROM budgets WHERE year BETWEEN ? AND ?",
        budget.first,
        budget.last,
    )
    days = (f"{budget.first}-01-01", figures.period.end_date.isoformat())
    disbursed, undated = paid_in(db, *days)
    assert (budget.total.allocated, budget.total.disbursed) == (allocated, disbursed)
    assert budget.total.undated == undated
    assert budget.total.rate == rounded(disbursed, allocated)
    assert sum(line.allocated for line in budget.lines) == allocated
    for project in budget.projects:
        like = f"{project.code}%" if "." not in project.code else project.code
        assert (project.disbursed, project.undated) == paid_in(db, *days, like)
    names = [p.name for p in budget.projects]
    assert "Dự án 2 - Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo" in names or not names


def test_figures_are_json(figures_of):
    data = figures_of("annual", "2025").to_dict()
    again = json.loads(json.dumps(data, ensure_ascii=False))
    assert again["period"]["code"] == "2025"
    assert again["end"]["commune"]["poor"]["households"] > 0
    assert again["targets"][0]["code"] == "poverty_rate"


# --- rounding and wording as in the seeds ---------------------------------------------------


def test_rates_round_half_up_as_by_hand():
    assert percent(2885, 100_000) == 2.89  # 2,885 -> 2,89 (float division would give 2,88)
    assert percent(651, 280, 1) == 232.5
    assert percent(999, 500, 1) == 199.8
    assert percent(1810, 62847) == 2.88
    assert percent(1, 0) is None


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_percent_is_the_exact_ratio_rounded(part, whole):
    got = Decimal(str(percent(part, whole)))
    exact = Decimal(part) * 100 / Decimal(whole)
    assert abs(got - exact) <= Decimal("0.005")


def test_sentences_in_the_seeds_style(figures_of):
    """Seed 004: "còn 1.810 hộ nghèo, tỷ lệ 2,88% (giảm 651 hộ, đạt 232,5% so với chỉ tiêu …)"."""
    figures = figures_of("annual", "2025")
    poor_end = replace(figures.end.commune.poor, households=1810, rate=percent(1810, 62847))
    near_end = replace(figures.end.commune.near_poor, households=2498, rate=3.98)
    moved = replace(
        figures.commune_movements,
        poor=replace(figures.commune_movements.poor, start=Count(2461, 0), end=Count(1810, 0)),
        near_poor=replace(
            figures.commune_movements.near_poor, start=Count(3497, 0), end=Count(2498, 0)
        ),
    )
    targets = tuple(
        replace(
            t, target=280, achieved=651, share_of_target=percent(651, 280, 1), giver="tỉnh giao"
        )
        if t.code == "poor_reduction"
        else replace(
            t, target=500, achieved=999, share_of_target=percent(999, 500, 1), giver="tỉnh giao"
        )
        if t.code == "near_poor_reduction"
        else t
        for t in figures.targets
    )
    seeded = replace(
        figures,
        end=replace(
            figures.end,
            commune=replace(figures.end.commune, poor=poor_end, near_poor=near_end),
            official=None,
        ),
        commune_movements=moved,
        targets=targets,
    )
    text = sentences(seeded)["end_lists"]
    assert text == (
        "Đến cuối năm 2025, toàn xã còn 1.810 hộ nghèo, tỷ lệ 2,88% (giảm 651 hộ, đạt 232,5% so "
        "với chỉ tiêu tỉnh giao); hộ cận nghèo còn 2.498 hộ, tỷ lệ 3,98% (giảm 999 hộ, đạt 199,8% "
        "so với chỉ tiêu tỉnh giao)."
    )


def test_sentences_hold_the_computed_figures(figures_of):
    figures = figures_of("annual", "2025")
    written = sentences(figures)
    assert set(SENTENCE_KEYS) <= set(written)
    assert all(key in SENTENCE_KEYS or key.startswith(SENTENCE_PREFIXES) for key in written)
    end, start = figures.end.commune, figures.start.commune
    assert f"còn {end.poor.households} hộ nghèo, tỷ lệ " in written["end_lists"]
    assert written["start_lists"].startswith(
        f"Tính đến cuối năm 2024, toàn xã có {start.poor.households} hộ nghèo"
    )
    assert written["commune"].startswith("Xã Sơn Minh có ")
    missing = written["target.staff_trained_share"]
    assert missing.endswith("thực hiện …………………….") and "chỉ tiêu huyện giao 100%" in missing
    assert "Dự án 2 - Đa dạng hóa sinh kế" in written["budget.2021-2025.DA2"]
    half = sentences(figures_of("six_month", "2025-H1"))["end_lists"]
    assert half.startswith("Đến ngày 30/06/2025, toàn xã còn ")
    span = sentences(figures_of("end_of_period", "2021-2025"))["movements_poor"]
    assert span.startswith("Trong giai đoạn 2021 - 2025 (từ cuối năm 2022 đến cuối năm 2025)")


def test_members_leaving_a_household_still_listed_are_said_as_persons(figures_of):
    """A member who left a poor household that stays poor is a decrease of persons, not of
    households: the sentence says "1 người chuyển đi, …", never "0 hộ … với 1 người"."""
    from gnapp.reporting.figures.compute import Count

    figures = figures_of("annual", "2025")
    poor = figures.commune_movements.poor
    moved = replace(
        figures,
        commune_movements=replace(
            figures.commune_movements,
            poor=replace(poor, other_down=Count(0, 1), other_up=Count(2, 7)),
        ),
    )
    written = sentences(moved)["movements_poor"]
    assert "1 người chuyển đi, tách hộ, …" in written and "0 hộ chuyển đi" not in written
    assert "2 hộ chuyển đến, tách hộ, … với 7 người" in written


def test_a_reduction_below_zero_is_an_increase(demo_db):
    poor = [
        r[0]
        for r in demo_db.db.execute(
            "SELECT household_id FROM household_status WHERE year = 2025 AND status = 'near_poor' "
            "LIMIT 3"
        )
    ]
    for household in poor:
        register.set_status(
            demo_db,
            household,
            2026,
            "poor",
            movement="near_poor_to_poor",
            decision_date="2026-05-10",
        )
    figures = report_figures(demo_db.db, "six_month", "2026-H1")
    assert figures.commune_movements.poor.reduction == -3
    assert figures.problems == ()
    text = sentences(figures)["end_lists"]
    assert "(tăng 3 hộ; chỉ tiêu năm tỉnh giao giảm " in text and ", tiến độ đến 30/6)" in text
    assert "giảm 3 hộ" not in text.split(";")[0]
    assert "không đạt" not in " ".join(sentences(figures).values())


def test_the_half_year_counts_the_decisions_dated_in_it(demo_db):
    """A decision of 17/12 is not a result of the first six months; one of 10/05 is."""
    db = demo_db.db
    near_poor = [
        r[0]
        for r in db.execute(
            "SELECT household_id FROM household_status WHERE year = 2025 AND status = 'near_poor' "
            "LIMIT 2"
        )
    ]
    register.set_status(
        demo_db, near_poor[0], 2026, "poor", movement="near_poor_to_poor",
        decision_date="2026-05-10",
    )  # fmt: skip
    register.set_status(
        demo_db, near_poor[1], 2026, "poor", movement="near_poor_to_poor",
        decision_date="2026-12-17",
    )  # fmt: skip
    half = report_figures(db, "six_month", "2026-H1").commune_movements.poor
    assert half.from_other_list.households == 1
    assert half.end.households == half.start.households + 1


# --- the movement identity ------------------------------------------------------------------


def test_a_tampered_movement_is_reported_with_year_and_village(demo_db):
    db = demo_db.db
    row, village = db.execute(
        "SELECT s.id, v.name FROM household_status s JOIN households h ON h.id = s.household_id "
        "JOIN villages v ON v.id = h.village_id "
        "WHERE s.year = 2024 AND s.movement = 'escaped_poverty' LIMIT 1"
    ).fetchone()
    with demo_db.transaction() as tx:
        tx.execute("UPDATE household_status SET movement = NULL WHERE id = ?", [row])
    figures = report_figures(db, "end_of_period", "2021-2025")
    assert len(figures.problems) == 1
    problem = figures.problems[0]
    assert problem.startswith(f"Năm 2024, {village}: số hộ nghèo cuối kỳ là ")
    assert "1 − 2 − 3 − 4 + 5 + 6 + 7 + 8" in problem
    with pytest.raises(FiguresError, match=f"Năm 2024, {village}"):
        require_consistent(figures)
    require_consistent(report_figures(db, "annual", "2025"))  # 2025 itself still adds up


def test_a_list_change_without_a_movement_breaks_the_current_state(demo_db):
    db = demo_db.db
    household, village = db.execute(
        "SELECT s.household_id, v.name FROM household_status s "
        "JOIN households h ON h.id = s.household_id JOIN villages v ON v.id = h.village_id "
        "WHERE s.year = 2025 AND s.status = 'poor' LIMIT 1"
    ).fetchone()
    register.set_status(demo_db, household, 2026, "not_poor", decision_date="2026-03-01")
    problems = report_figures(db, "six_month", "2026-H1").problems
    assert len(problems) == 1
    assert problems[0].startswith(f"Năm 2026 (đến 30/6), {village}: số hộ nghèo cuối kỳ là ")


# --- periods and kinds ---------------------------------------------------------------------


def test_parse_period():
    assert parse_period("2025") == Period("year", 2025, 2025)
    assert parse_period("2025-h1") == Period("half_year", 2025, 2025)
    assert parse_period("2021 - 2025") == Period("span", 2021, 2025)
    assert parse_period("2021-2025").label == "giai đoạn 2021 - 2025"
    assert parse_period("2025-H1").label == "6 tháng đầu năm 2025"
    for bad in ("25", "2025-H2", "2025-2021", "năm 2025"):
        with pytest.raises(FiguresError):
            parse_period(bad)


def test_periods_the_data_cannot_serve(demo_db):
    with pytest.raises(FiguresError, match="cuối năm 2021"):
        report_figures(demo_db.db, "annual", "2022")
    with pytest.raises(FiguresError, match="năm 2026 được công nhận"):
        report_figures(demo_db.db, "annual", "2026")
    with pytest.raises(FiguresError, match="Báo cáo năm không lập"):
        report_figures(demo_db.db, "annual", "2021-2025")
    with pytest.raises(FiguresError, match="Loại báo cáo không có"):
        report_figures(demo_db.db, "quarterly", "2025")


def test_report_kinds_are_complete_data():
    kinds = report_kinds()
    assert set(kinds) == {"six_month", "annual", "ad_hoc", "mid_term", "end_of_period"}
    tables = report_tables()
    for kind in kinds.values():
        assert set(kind.figure_sets) <= set(FIGURE_SETS)
        assert set(kind.tables) <= set(tables)
        assert [s.number for s in kind.outline] == ["I", "II", "III", "IV"]
        assert kind.status in ("confirmed", "secondary", "unknown") and kind.source
    assert kinds["ad_hoc"].choose_figure_sets
    assert "award_proposals" in kinds["end_of_period"].annexes
    lessons = [p.title for p in kinds["end_of_period"].outline[2].parts]
    assert "Bài học kinh nghiệm" in lessons


def test_outlines_name_sentences_the_figures_write(figures_of):
    written = sentences(figures_of("end_of_period", "2021-2025"))

    def keys(sections):
        for section in sections:
            yield from section.sentences
            yield from keys(section.parts)

    for kind in report_kinds().values():
        for key in keys(kind.outline):
            prefix = key[:-1] if key.endswith("*") else None
            assert key in written or any(k.startswith(prefix) for k in written if prefix), key


def test_default_periods():
    assert default_period(report_kind("annual"), 2025) == Period("year", 2025, 2025)
    assert default_period(report_kind("six_month"), 2026) == Period("half_year", 2026, 2026)
    assert default_period(report_kind("mid_term"), 2023) == Period("span", 2021, 2023)
    assert default_period(report_kind("end_of_period"), 2025) == Period("span", 2021, 2025)


# --- a period's evaluation -------------------------------------------------------------------


def test_a_period_is_evaluated_by_its_average_yearly_reduction(figures_of):
    """The programme's goals (forms/programmes/2021-2025.json): the poverty rate down 1 - 1,5%
    a year, the ethnic-minority households' rate down more than 3% a year."""
    figures = figures_of("end_of_period", "2021-2025")
    years = figures.end.year - figures.start.year
    goals = {g.code: g for g in figures.goals}
    assert set(goals) == {"poverty_rate", "ethnic_minority_poverty_rate"}
    for code, start, end in (
        ("poverty_rate", figures.start.commune.poor.rate, figures.end.commune.poor.rate),
        (
            "ethnic_minority_poverty_rate",
            figures.start.commune.poor.ethnic_minority_rate,
            figures.end.commune.poor.ethnic_minority_rate,
        ),
    ):
        goal = goals[code]
        average = float(
            ((Decimal(str(start)) - Decimal(str(end))) / years).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        )
        assert (goal.start_rate, goal.end_rate, goal.average_reduction) == (start, end, average)
    assert goals["poverty_rate"].reached == (goals["poverty_rate"].average_reduction >= 1.0)
    em = goals["ethnic_minority_poverty_rate"]
    assert em.exclusive and em.reached == (em.average_reduction > 3.0)
    written = sentences(figures)
    assert written["goal.poverty_rate"].startswith(
        f"Bình quân mỗi năm từ cuối năm {figures.start.year} đến cuối năm 2025, tỷ lệ hộ nghèo"
    )
    assert "mục tiêu của Chương trình: giảm 1 - 1,5%/năm" in written["goal.poverty_rate"]
    unknown = replace(figures, goals=(replace(em, goal=None, goal_text=None, reached=None),))
    assert sentences(unknown)["goal.ethnic_minority_poverty_rate"].endswith(
        "mục tiêu của Chương trình 2021-2025: ……………………."
    )
    assert figures_of("annual", "2025").goals == ()


def test_a_periods_reduction_targets_stay_per_year(figures_of):
    figures = figures_of("end_of_period", "2021-2025")
    reductions = [t for t in figures.targets if t.code == "poor_reduction"]
    assert len(reductions) == len(figures.movement_years) > 1
    written = sentences(figures)
    for target in reductions:
        (year,) = target.years
        assert written[f"target.poor_reduction.{year}"].startswith(
            f"Số hộ nghèo giảm năm {year}: chỉ tiêu "
        )
    assert "so với chỉ tiêu" not in written["end_lists"]  # no target summed over the years


def test_a_half_year_counts_the_payments_made_in_it_and_says_the_undated_apart(demo_db):
    db = demo_db.db
    allocated = scalar(db, "SELECT coalesce(sum(allocated), 0) FROM budgets WHERE year = 2025")
    assert allocated > 0 and scalar(db, "SELECT count(*) FROM budgets WHERE year = 2026") == 0
    half, _ = paid_in(db, "2025-01-01", "2025-06-30")
    year, _ = paid_in(db, "2025-01-01", "2025-12-31")
    assert 0 < half < year
    written = sentences(report_figures(db, "six_month", "2025-H1"))["budget"]
    assert written == (
        f"Kinh phí thực hiện Chương trình năm 2025: phân bổ {format_money(allocated)}; 6 tháng "
        f"đầu năm (từ ngày 01/01/2025 đến ngày 30/06/2025) giải ngân {format_money(half)}, đạt "
        f"{format_number(rounded(half, allocated), 2)}% kế hoạch vốn năm."
    )
    # an amount entered without its day: said apart, counted in the year, never in the half
    line = programme.budgets(db, 2025)[0]
    programme.set_budget(
        demo_db,
        2025,
        line["programme_id"],
        line["project_code"],
        line["funding_source"],
        line["allocated"],
        7_000_000,
        capital=line["capital"],
        carried_over=line["carried_over"] + 7_000_000,
    )
    figures = report_figures(db, "six_month", "2025-H1")
    assert (figures.budget.total.disbursed, figures.budget.total.undated) == (half, 7_000_000)
    written = sentences(figures)
    assert written["budget"].endswith(
        f"giải ngân {format_money(half)}, đạt {format_number(rounded(half, allocated), 2)}% kế "
        "hoạch vốn năm (ngoài ra 7.000.000 đồng chưa ghi ngày giải ngân, không tính vào 6 "
        "tháng)."
    )
    assert "7.000.000 đồng chưa ghi ngày giải ngân" in written["capital"]
    annual = report_figures(db, "annual", "2025").budget.total
    assert (annual.disbursed, annual.undated) == (year + 7_000_000, 0)
    without = sentences(report_figures(db, "six_month", "2026-H1"))["budget"]
    assert without == "Kinh phí thực hiện Chương trình năm 2026: chưa được phân bổ kinh phí."
