"""Independent SQL for the figures as of a date: the definitions of gnapp.store.as_of written
again another way (docs/register-history.md), for tests to check the code against — never the
code under test. Each helper takes a ``sqlite_utils.Database`` and ISO dates."""

PRESENT = """SELECT id, village_id FROM households
    WHERE ifnull(present_from, '') <= :d AND ifnull(present_until, '9999-12-31') > :d"""
SIZE = """(SELECT count(*) FROM (
        SELECT household_id FROM members WHERE ifnull(present_from, '') <= {d}
        UNION ALL
        SELECT household_id FROM former_members
        WHERE ifnull(present_from, '') <= {d} AND present_until > {d}) x
    WHERE x.household_id = {h})"""
STATUS = """(SELECT s.status FROM household_status s WHERE s.household_id = {h}
    AND ifnull(s.decision_date, s.year || '-12-31') <= {d}
    ORDER BY ifnull(s.decision_date, s.year || '-12-31') DESC, s.year DESC LIMIT 1)"""
# The status in force before day {d} (the list an event of that day counts on).
STATUS_BEFORE = STATUS.replace("<= {d}", "< {d}")
EVENTS_DOWN = ("moved_away", "split_off", "merged_into", "ended", "died", "left")


# The members of every household on :d with the answers the reports use (members since gone
# as they were when they left).
MEMBERS_THEN = """SELECT household_id, birth_date, sex, has_health_insurance, schooling,
           vocational_certificate FROM members
    WHERE ifnull(present_from, '') <= :d
    UNION ALL
    SELECT household_id, json_extract(member, '$.birth_date'), json_extract(member, '$.sex'),
           json_extract(member, '$.has_health_insurance'), json_extract(member, '$.schooling'),
           json_extract(member, '$.vocational_certificate')
    FROM former_members WHERE ifnull(present_from, '') <= :d AND present_until > :d"""


def months_old(on: str) -> str:
    """SQL: completed months of age of a member row on ``on`` (an SQL date expression); a
    year-only birth date is 1 January."""
    born = "(CASE WHEN length(birth_date) = 4 THEN birth_date || '-01-01' ELSE birth_date END)"

    def part(date: str, at: int, length: int) -> str:
        return f"CAST(substr({date}, {at}, {length}) AS INTEGER)"

    return (
        f"(({part(on, 1, 4)} - {part(born, 1, 4)}) * 12 + {part(on, 6, 2)} - {part(born, 6, 2)}"
        f" - ({part(on, 9, 2)} < {part(born, 9, 2)}))"
    )


def working_age(standard_file: dict, on: str) -> str:
    """SQL: a member row is of working age on the ISO day ``on``, read from a standard file's
    ``working_age`` as written (from min_age; under the retirement age of ``on``'s year, and
    not already retired at the end of the year before)."""
    rule = standard_file["working_age"]

    def retirement(sex: str, year: int) -> int:
        steps = sorted(rule["retirement_age"][sex], key=lambda step: step["year"])
        step = ([s for s in steps if s["year"] <= year] or steps[:1])[-1]
        return step["years"] * 12 + step["months"]

    year = int(on[:4])

    def limit(in_year: int) -> str:
        male, female = retirement("male", in_year), retirement("female", in_year)
        return f"(CASE sex WHEN 'male' THEN {male} ELSE {female} END)"

    return (
        f"({months_old(repr(on))} >= {rule['min_age'] * 12} "
        f"AND {months_old(repr(on))} < {limit(year)} "
        f"AND {months_old(repr(f'{year - 1}-12-31'))} < {limit(year - 1)})"
    )


def year_end_day(db, year):
    """The day the end of ``year`` is counted on: a recognised year's decision, else 31/12."""
    found = db.execute(
        "SELECT decision_date FROM official_totals WHERE year = ? AND kind = 'recognition'",
        [year],
    ).fetchone()
    return found[0] if found else f"{year}-12-31"


def point_day(db, year, current, period):
    """The day a list point is of: a half-year's 30/6, a recognised year's decision, 31/12."""
    return f"{period.last}-06-30" if current else year_end_day(db, year)


def statuses(db, day):
    """household id -> status in force on ``day``, of the households present then."""
    sql = f"SELECT id, {STATUS.format(h='h.id', d=':d')} FROM ({PRESENT}) h"
    return dict(db.execute(sql, {"d": day}))


def present_counts(db, day, village_id=None):
    """(households, members, ethnic-minority households) present on ``day``."""
    where = "" if village_id is None else f"AND village_id = {village_id}"
    return db.execute(
        f"SELECT count(*), coalesce(sum({SIZE.format(h='h.id', d=':d')}), 0), "
        "coalesce(sum(ethnic_minority = 1 OR local_ethnic_minority = 1), 0) FROM households h "
        f"WHERE id IN (SELECT id FROM ({PRESENT})) {where}",
        {"d": day},
    ).fetchone()


def expected_lists(db, day):
    """(village id or None, status) -> (households, members, ethnic-minority households)."""
    village = dict(db.execute("SELECT id, village_id FROM households"))
    size = dict(db.execute(f"SELECT id, {SIZE.format(h='id', d=':d')} FROM households", {"d": day}))
    minority = dict(
        db.execute("SELECT id, ethnic_minority = 1 OR local_ethnic_minority = 1 FROM households")
    )
    found: dict = {}
    for household, status in statuses(db, day).items():
        if status not in ("poor", "near_poor"):
            continue
        for key in ((village[household], status), (None, status)):
            h, m, e = found.get(key, (0, 0, 0))
            found[key] = (h + 1, m + size.get(household, 0), e + minority[household])
    return found


def expected_status_moves(db, after, until, movement, village_id):
    """Households (and their members then) whose status changed by ``movement`` in between."""
    effective = (
        "ifnull((SELECT min(r.decision_date) FROM review_corrections c JOIN review_rounds r "
        "ON r.id = c.round_id WHERE c.household_id = s.household_id AND r.year = s.year), "
        "ifnull(s.decision_date, s.year || '-12-31'))"
    )
    village = "" if village_id is None else f"AND h.village_id = {village_id}"
    return db.execute(
        f"SELECT count(*), coalesce(sum({SIZE.format(h='h.id', d=effective)}), 0) "
        "FROM household_status s JOIN households h ON h.id = s.household_id "
        f"WHERE s.movement = :m AND {effective} > :a AND {effective} <= :b {village} "
        f"AND ifnull(h.present_from, '') <= {effective} "
        f"AND ifnull(h.present_until, '9999-12-31') > {effective}",
        {"m": movement, "a": after, "b": until},
    ).fetchone()


def expected_other(db, after, until, status, village_id, down):
    """The events in between on ``status``'s list (status in force before the event's day)."""
    kinds = EVENTS_DOWN if down else (
        "moved_in", "split_from", "merged_in", "born", "joined")  # fmt: skip
    marks = ", ".join(f"'{k}'" for k in kinds)
    village = "" if village_id is None else f"AND h.village_id = {village_id}"
    households = "'moved_in', 'moved_away', 'split_from', 'merged_into', 'ended'"
    return db.execute(
        f"SELECT coalesce(sum(e.kind IN ({households})), 0), coalesce(sum(e.members), 0) "
        "FROM register_events e JOIN households h ON h.id = e.household_id "
        f"WHERE e.undone_at IS NULL AND e.kind IN ({marks}) AND e.event_date > :a "
        f"AND e.event_date <= :b {village} "
        f"AND {STATUS_BEFORE.format(h='e.household_id', d='e.event_date')} = :s",
        {"a": after, "b": until, "s": status},
    ).fetchone()


# Every amount paid on a budget line: each payment on its day, and the amount entered without a
# day (day NULL), with the line's year and project.
PAYMENTS = """SELECT b.year, b.project_code, d.disbursed_on AS day, d.amount
    FROM disbursements d JOIN budgets b ON b.id = d.budget_id
    UNION ALL
    SELECT year, project_code, NULL, undated_disbursed FROM budgets"""


def paid_in(db, first, last, project_like="%"):
    """(disbursed, undated) of the budget lines of the years of ``first``..``last`` whose
    project is LIKE ``project_like``: paid on those days (and without a day when the days are
    whole years), and paid without a day when they are not."""
    whole = first[5:] == "01-01" and last[5:] == "12-31"
    rows = db.execute(
        f"SELECT day, amount FROM ({PAYMENTS}) WHERE year BETWEEN ? AND ? AND project_code LIKE ?",
        [int(first[:4]), int(last[:4]), project_like],
    ).fetchall()
    dated = sum(amount for day, amount in rows if day is not None and first <= day <= last)
    undated = sum(amount for day, amount in rows if day is None)
    return (dated + undated, 0) if whole else (dated, undated)
