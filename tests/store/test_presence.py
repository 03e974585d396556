"""The register "now" counts only the households still in the commune: one that moved away,
merged into another or ended leaves the figures, the overview and the household list (unless
the list asks for it), counted here apart with plain SQL (gnapp.store.presence)."""

from __future__ import annotations

import pytest

from gnapp.store import events, register
from gnapp.store.figures import commune_counts, village_counts
from gnapp.store.household_query import HouseholdQuery, HouseholdSearch, matching_ids
from gnapp.store.overview import village_figures

YEAR = 2025


def _independent(db):
    """Per village id: (households, members, poor, near-poor) of households with no
    present_until, by their YEAR status; and the commune's households and members."""
    rows = db.execute(
        """SELECT h.village_id, count(*),
                  sum((SELECT count(*) FROM members m WHERE m.household_id = h.id)),
                  sum(s.status = 'poor'), sum(s.status = 'near_poor')
           FROM households h
           LEFT JOIN household_status s ON s.household_id = h.id AND s.year = ?
           WHERE h.present_until IS NULL GROUP BY h.village_id""",
        [YEAR],
    ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def _counted(db):
    figures = {f.village_id: f for f in village_figures(db, YEAR) if f.households}
    counts = {c.village_id: c for c in village_counts(db) if c.households}
    assert figures.keys() == counts.keys() == register.household_counts_by_village(db).keys()
    for village_id, f in figures.items():
        assert (counts[village_id].households, counts[village_id].members) == (
            f.households,
            f.members,
        )
        assert register.household_counts_by_village(db)[village_id] == f.households
    return {v: (f.households, f.members, f.poor, f.near_poor) for v, f in figures.items()}


@pytest.fixture
def departed(demo_db):
    """(cdb, ids of the households that left): one moved away, one merged, one ended."""
    cdb = demo_db
    ids = [row[0] for row in cdb.db.execute("SELECT id FROM households ORDER BY id LIMIT 4")]
    events.record_moved_away(cdb, ids[0], "2026-03-10", "Chuyển vào Bình Dương")
    events.merge_households(cdb, ids[1], ids[3], "2026-03-11")
    events.record_ended(cdb, ids[2], "2026-03-13", "Không còn ai")
    return cdb, ids[:3]


def test_with_no_household_gone_the_figures_are_the_whole_register(demo_db):
    db = demo_db.db
    gone = db.execute("SELECT count(*) FROM households WHERE present_until IS NOT NULL")
    assert gone.fetchone() == (0,)
    assert _counted(db) == _independent(db)
    whole = db.execute("SELECT (SELECT count(*) FROM households), (SELECT count(*) FROM members)")
    commune = commune_counts(db)
    assert (commune.households, commune.members) == whole.fetchone()


def test_households_that_left_are_not_counted_now(departed):
    cdb, _ = departed
    db = cdb.db
    assert _counted(db) == _independent(db)
    commune = commune_counts(db)
    present = db.execute(
        """SELECT count(*), sum((SELECT count(*) FROM members m WHERE m.household_id = h.id))
           FROM households h WHERE h.present_until IS NULL"""
    ).fetchone()
    assert (commune.households, commune.members) == present
    all_households = db.execute("SELECT count(*) FROM households").fetchone()[0]
    assert commune.households == all_households - 3


def test_the_household_list_hides_them_unless_asked(departed):
    cdb, gone = departed
    db = cdb.db
    shown = matching_ids(db, HouseholdQuery())
    everyone = matching_ids(db, HouseholdQuery(include_departed=True))
    assert set(everyone) - set(shown) == set(gone)
    assert len(everyone) == db.execute("SELECT count(*) FROM households").fetchone()[0]
    code = register.household_code(db, gone[0])
    for sort in ("code", "status", "groups"):
        assert matching_ids(db, HouseholdQuery(year=YEAR, search=code, sort=sort)) == []
        found = HouseholdSearch(db).find(
            HouseholdQuery(year=YEAR, search=code, sort=sort, include_departed=True)
        )
        assert gone[0] in found
