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
    """(cdb, ids of the households that left, households in the commune before): one moved
    away, one merged, one ended, among those the demo's own events left in the commune."""
    cdb = demo_db
    present = "SELECT id FROM households WHERE present_until IS NULL ORDER BY id"
    ids = [row[0] for row in cdb.db.execute(f"{present} LIMIT 4")]
    before = len(cdb.db.execute(present).fetchall())
    events.record_moved_away(cdb, ids[0], "2026-03-10", "Chuyển vào Bình Dương")
    events.merge_households(cdb, ids[1], ids[3], "2026-03-11")
    events.record_ended(cdb, ids[2], "2026-03-13", "Không còn ai")
    return cdb, ids[:3], before


def test_the_demo_counts_the_households_its_events_left_in_the_commune(demo_db):
    db = demo_db.db
    gone = db.execute("SELECT count(*) FROM households WHERE present_until IS NOT NULL")
    assert gone.fetchone()[0] > 0  # the demo's years of events took some away
    assert _counted(db) == _independent(db)
    present = db.execute(
        """SELECT count(*), sum((SELECT count(*) FROM members m WHERE m.household_id = h.id))
           FROM households h WHERE h.present_until IS NULL"""
    )
    commune = commune_counts(db)
    assert (commune.households, commune.members) == present.fetchone()


def test_households_that_left_are_not_counted_now(departed):
    cdb, _, present_before = departed
    db = cdb.db
    assert _counted(db) == _independent(db)
    commune = commune_counts(db)
    present = db.execute(
        """SELECT count(*), sum((SELECT count(*) FROM members m WHERE m.household_id = h.id))
           FROM households h WHERE h.present_until IS NULL"""
    ).fetchone()
    assert (commune.households, commune.members) == present
    assert commune.households == present_before - 3


def test_the_household_list_hides_them_unless_asked(departed):
    cdb, gone, _ = departed
    db = cdb.db
    shown = matching_ids(db, HouseholdQuery())
    everyone = matching_ids(db, HouseholdQuery(include_departed=True))
    left = {r[0] for r in db.execute("SELECT id FROM households WHERE present_until IS NOT NULL")}
    assert set(everyone) - set(shown) == left and set(gone) <= left
    assert len(everyone) == db.execute("SELECT count(*) FROM households").fetchone()[0]
    code = register.household_code(db, gone[0])
    for sort in ("code", "status", "groups"):
        assert matching_ids(db, HouseholdQuery(year=YEAR, search=code, sort=sort)) == []
        found = HouseholdSearch(db).find(
            HouseholdQuery(year=YEAR, search=code, sort=sort, include_departed=True)
        )
        assert gone[0] in found
