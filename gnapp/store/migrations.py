"""Ordered schema migrations, versioned with ``PRAGMA user_version``.

Each migration runs in its own transaction together with the version bump and
the rebuild of the change-log triggers, so a database is always at one whole
version. Before migrating an existing database, a copy of it is written next to
it with SQLite's online backup (never a file copy of a live WAL database).
"""

from __future__ import annotations

import sqlite3
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from gnapp.i18n import tr
from gnapp.store import changelog
from gnapp.store.answers import COMPACT_PREFIX, encode_answers
from gnapp.store.errors import DatabaseError


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    # run after the statements, in the same transaction (what SQL alone cannot compute)
    compute: Callable[[sqlite_utils.Database], None] | None = None


def _bool(column: str, *, null: bool = True) -> str:
    check = f'CHECK ("{column}" IN (0, 1))'
    return (
        f'"{column}" INTEGER {check}' if null else f'"{column}" INTEGER NOT NULL DEFAULT 0 {check}'
    )


REGISTER = Migration(
    1,
    "register: commune, settings, villages, households, members, yearly status, change log",
    (
        """CREATE TABLE commune (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('xa', 'phuong', 'dac_khu', 'thi_tran')),
            province TEXT NOT NULL,
            region TEXT,
            receiving_office_name TEXT,
            receiving_office_kind TEXT CHECK (receiving_office_kind IN ('district', 'province'))
        )""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE villages (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            area TEXT NOT NULL CHECK (area IN ('rural', 'urban')),
            name_fold TEXT NOT NULL,
            name_sort_key TEXT NOT NULL
        )""",
        f"""CREATE TABLE households (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            village_id INTEGER NOT NULL REFERENCES villages (id),
            address TEXT,
            {_bool("agricultural", null=False)},
            floor_area_m2 REAL CHECK (floor_area_m2 >= 0),
            {_bool("walls_durable")},
            {_bool("frame_durable")},
            {_bool("roof_durable")},
            water_source TEXT,
            latrine TEXT,
            {_bool("uses_telecom")},
            information_devices TEXT NOT NULL DEFAULT '[]',
            {_bool("waste_handled_hygienically")},
            {_bool("ethnic_minority", null=False)},
            {_bool("local_ethnic_minority", null=False)},
            {_bool("without_working_capacity", null=False)},
            {_bool("revolution_merit", null=False)},
            {_bool("social_assistance", null=False)},
            causes_of_poverty TEXT NOT NULL DEFAULT '[]',
            support_needs TEXT NOT NULL DEFAULT '[]',
            head_name TEXT NOT NULL DEFAULT '',
            head_name_fold TEXT NOT NULL DEFAULT '',
            head_sort_key TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX households_village ON households (village_id)",
        "CREATE INDEX households_head_name_fold ON households (head_name_fold)",
        "CREATE INDEX households_head_sort_key ON households (head_sort_key)",
        f"""CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            full_name TEXT NOT NULL,
            name_fold TEXT NOT NULL,
            name_sort_key TEXT NOT NULL,
            sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
            birth_date TEXT NOT NULL,
            citizen_id TEXT CHECK (citizen_id IS NULL OR length(citizen_id) = 12),
            relation TEXT NOT NULL,
            ethnicity TEXT,
            {_bool("has_health_insurance")},
            {_bool("malnourished")},
            schooling TEXT,
            education TEXT,
            vocational_certificate TEXT,
            employment TEXT,
            {_bool("can_work")},
            {_bool("severe_disability")},
            {_bool("revolution_merit")},
            {_bool("social_assistance")}
        )""",
        "CREATE INDEX members_household ON members (household_id, position)",
        "CREATE INDEX members_citizen_id ON members (citizen_id)",
        "CREATE INDEX members_name_fold ON members (name_fold)",
        """CREATE TABLE household_status (
            id INTEGER PRIMARY KEY,
            household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
            year INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('poor', 'near_poor', 'average', 'not_poor')),
            movement TEXT,
            standard_id TEXT,
            decision_number TEXT,
            decision_date TEXT,
            note TEXT,
            UNIQUE (household_id, year)
        )""",
        "CREATE INDEX household_status_year ON household_status (year, status)",
        """CREATE TABLE change_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id INTEGER NOT NULL,
            household_id INTEGER,
            action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
            old_values TEXT,
            new_values TEXT
        )""",
        "CREATE INDEX change_log_row ON change_log (table_name, row_id)",
        "CREATE INDEX change_log_household ON change_log (household_id)",
    ),
)

PROGRAMME = Migration(
    2,
    "programme: targets and budgets per year",
    (
        """CREATE TABLE targets (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            code TEXT NOT NULL,
            value REAL NOT NULL,
            unit TEXT NOT NULL,
            decision_number TEXT,
            decision_date TEXT,
            note TEXT,
            UNIQUE (year, code)
        )""",
        """CREATE TABLE budgets (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            programme_id TEXT NOT NULL,
            project_code TEXT NOT NULL,
            funding_source TEXT NOT NULL,
            allocated INTEGER NOT NULL CHECK (allocated >= 0),
            disbursed INTEGER NOT NULL DEFAULT 0 CHECK (disbursed >= 0),
            note TEXT,
            UNIQUE (year, project_code, funding_source)
        )""",
    ),
)

REVIEW = Migration(
    3,
    "review: rounds and questionnaires",
    (
        f"""CREATE TABLE review_rounds (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('periodic', 'regular')),
            month INTEGER CHECK (month BETWEEN 1 AND 12),
            standard_id TEXT NOT NULL,
            reference_date TEXT NOT NULL,
            step TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            decision_number TEXT,
            decision_date TEXT,
            {_bool("locked", null=False)},
            note TEXT
        )""",
        """CREATE TABLE questionnaires (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
            household_id INTEGER NOT NULL REFERENCES households (id),
            form TEXT NOT NULL CHECK (form IN ('A', 'B')),
            state TEXT NOT NULL CHECK (state IN ('draft', 'complete')),
            answers TEXT NOT NULL,
            class_code TEXT,
            deprivation_count INTEGER,
            b1_score REAL,
            reviewer TEXT,
            surveyed_on TEXT,
            updated_at TEXT NOT NULL,
            UNIQUE (round_id, household_id, form)
        )""",
        "CREATE INDEX questionnaires_household ON questionnaires (household_id)",
    ),
)

BATCHES = Migration(
    4,
    "batches: group changes (an import, an undo) so they can be undone together",
    (
        """CREATE TABLE batches (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            label TEXT NOT NULL,
            source TEXT,
            actor TEXT NOT NULL,
            started_at TEXT NOT NULL,
            undone_at TEXT,
            undone_by TEXT,
            undo_of INTEGER REFERENCES batches (id)
        )""",
        "ALTER TABLE change_log ADD COLUMN batch_id INTEGER REFERENCES batches (id)",
        "CREATE INDEX change_log_batch ON change_log (batch_id)",
    ),
)

ACTIVITIES_AND_REPORTS = Migration(
    5,
    "activities, beneficiaries, general policies; period and project targets; saved reports",
    (
        # Targets get a wider key: a period target, a yearly one and a project's output target
        # of the same kind can stand side by side.
        """CREATE TABLE targets_new (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            code TEXT NOT NULL,
            value REAL NOT NULL,
            unit TEXT NOT NULL,
            decision_number TEXT,
            decision_date TEXT,
            note TEXT,
            period TEXT,
            project_code TEXT
        )""",
        "INSERT INTO targets_new (id, year, code, value, unit, decision_number, decision_date, "
        "note) SELECT id, year, code, value, unit, decision_number, decision_date, note "
        "FROM targets",
        "DROP TABLE targets",
        "ALTER TABLE targets_new RENAME TO targets",
        "CREATE UNIQUE INDEX targets_key ON targets "
        "(year, ifnull(period, ''), ifnull(project_code, ''), code)",
        """CREATE TABLE activities (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            programme_id TEXT NOT NULL,
            project_code TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            funding_source TEXT,
            budget INTEGER CHECK (budget >= 0),
            started_on TEXT,
            village_id INTEGER REFERENCES villages (id),
            note TEXT
        )""",
        "CREATE INDEX activities_year ON activities (year, project_code)",
        """CREATE TABLE beneficiaries (
            id INTEGER PRIMARY KEY,
            activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
            household_id INTEGER NOT NULL REFERENCES households (id),
            member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
            support TEXT,
            amount INTEGER CHECK (amount >= 0),
            note TEXT,
            UNIQUE (activity_id, household_id, member_id)
        )""",
        "CREATE INDEX beneficiaries_household ON beneficiaries (household_id)",
        """CREATE TABLE policy_benefits (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            policy TEXT NOT NULL,
            household_id INTEGER NOT NULL REFERENCES households (id),
            member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
            amount INTEGER CHECK (amount >= 0),
            note TEXT
        )""",
        "CREATE INDEX policy_benefits_year ON policy_benefits (year, policy)",
        """CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            period TEXT NOT NULL,
            version INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('draft', 'final')),
            number TEXT,
            document_date TEXT,
            figures TEXT NOT NULL,
            narrative TEXT NOT NULL DEFAULT '{}',
            awards TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (kind, period, version)
        )""",
    ),
)

HOUSEHOLD_SEARCH = Migration(
    6,
    "household search: one folded search text per household, covered by the head-order index",
    (
        "ALTER TABLE households ADD COLUMN search_fold TEXT NOT NULL DEFAULT ''",
        """UPDATE households SET search_fold = ' ' || coalesce(
            (SELECT group_concat(word, ' ') FROM (
                SELECT name_fold AS word FROM members m WHERE m.household_id = households.id
                UNION ALL
                SELECT citizen_id FROM members m
                WHERE m.household_id = households.id AND citizen_id IS NOT NULL)) || ' ',
            '') || lower(code)""",
        # The list's default order is by head; scanning this index answers a search without
        # touching the table, so a keystroke stays fast on 100,000 households.
        "CREATE INDEX households_search ON households (head_sort_key, search_fold)",
        "DROP INDEX households_head_sort_key",
    ),
)

USERS = Migration(
    7,
    "users and roles: accounts with a memory-hard password hash",
    (
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            full_name TEXT NOT NULL,
            roles TEXT NOT NULL CHECK (json_valid(roles) AND json_array_length(roles) > 0),
            password_hash TEXT NOT NULL,
            password_changes INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
    ),
)

REPORT_CHOICES = Migration(
    8,
    "report choices: the document header and the figure sets a saved report shows",
    (
        "ALTER TABLE reports ADD COLUMN header TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE reports ADD COLUMN figure_sets TEXT",
    ),
)

PACKAGES = Migration(
    9,
    "report packages: the signing key (encrypted), the receiving office's key, packages sent",
    (
        # "secret" is the key encrypted under the passphrase (docs/package-format.md); the
        # clear key is never stored. One current key; retired keys stay for the record.
        """CREATE TABLE signing_keys (
            id INTEGER PRIMARY KEY,
            public_key TEXT NOT NULL UNIQUE,
            fingerprint TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            retired_at TEXT,
            change_statement TEXT
        )""",
        "CREATE UNIQUE INDEX signing_keys_current ON signing_keys (retired_at IS NULL) "
        "WHERE retired_at IS NULL",
        """CREATE TABLE office_key (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            public_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            set_at TEXT NOT NULL
        )""",
        f"""CREATE TABLE sent_packages (
            id INTEGER PRIMARY KEY,
            sequence INTEGER NOT NULL UNIQUE CHECK (sequence >= 1),
            hash TEXT NOT NULL UNIQUE,
            previous_hash TEXT,
            report_id INTEGER REFERENCES reports (id),
            kind TEXT NOT NULL,
            period TEXT NOT NULL,
            file_name TEXT NOT NULL,
            size INTEGER NOT NULL,
            signer_name TEXT NOT NULL,
            signer_role TEXT NOT NULL,
            key_fingerprint TEXT NOT NULL,
            {_bool("encrypted", null=False)},
            {_bool("households", null=False)},
            created_at TEXT NOT NULL
        )""",
    ),
)

SEARCH_ORDER = Migration(
    10,
    "household search: the head-order index also ordered by id, so no sort is left to do",
    (
        # The list orders by (head_sort_key, id); with id in the index SQLite walks it in that
        # order instead of sorting the ties in a temporary B-tree at every keystroke.
        "DROP INDEX households_search",
        "CREATE INDEX households_search ON households (head_sort_key, id, search_fold)",
    ),
)

SEARCH_SPLIT = Migration(
    11,
    "household search: name words and numbers in two texts; indexes for each order of the list",
    (
        # A name search scans only the distinct words of the names (a third of the old text),
        # a citizen ID or code search only the numbers: each index is read faster.
        "ALTER TABLE households ADD COLUMN search_numbers TEXT NOT NULL DEFAULT ''",
        """UPDATE households SET
            search_fold = gnapp_search_words((SELECT group_concat(name_fold, ' ') FROM (
                SELECT name_fold FROM members m
                WHERE m.household_id = households.id ORDER BY position))),
            search_numbers = gnapp_search_words(coalesce((SELECT group_concat(citizen_id, ' ')
                FROM (SELECT citizen_id FROM members m
                      WHERE m.household_id = households.id AND citizen_id IS NOT NULL
                      ORDER BY position)), '') || ' ' || gnapp_fold(code))""",
        "DROP INDEX households_search",
        # the group flags too (a byte each): a group filter with a search stays in the index
        "CREATE INDEX households_search ON households (head_sort_key, id, search_fold, "
        "ethnic_minority, local_ethnic_minority, revolution_merit, social_assistance, "
        "without_working_capacity)",
        "CREATE INDEX households_search_numbers ON households (head_sort_key, id, search_numbers)",
        # Sorted by village, or filtered to one, a search walks these instead of sorting.
        "DROP INDEX households_village",
        "CREATE INDEX households_village_search ON households "
        "(village_id, head_sort_key, id, search_fold)",
        "CREATE INDEX villages_order ON villages (name_sort_key, id)",
        # Sorted by code: the same, in code order.
        "CREATE INDEX households_code_search ON households (code, id, search_fold)",
    ),
)

COMPUTED_ORDERS = Migration(
    12,
    "household search: the list's orders by members and by groups from indexes",
    (
        "ALTER TABLE households ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0",
        "UPDATE households SET member_count = "
        "(SELECT count(*) FROM members m WHERE m.household_id = households.id)",
        "CREATE INDEX households_members_search ON households "
        "(member_count, head_sort_key, id, search_fold)",
        # The expression is household_query's ORDER BY for the groups sort, word for word (a
        # test checks SQLite walks this index): households in more groups first.
        "CREATE INDEX households_groups_search ON households ((-((without_working_capacity = 1)"
        " * 1 + (social_assistance = 1) * 2 + (revolution_merit = 1) * 4 + ((ethnic_minority = 1"
        " OR local_ethnic_minority = 1)) * 8)), head_sort_key, id, search_fold)",
    ),
)

REVIEW_WORKFLOW = Migration(
    13,
    "review workflow: the review list, applications, village meetings and votes, posting, "
    "complaints and corrections",
    (
        "ALTER TABLE review_rounds ADD COLUMN procedure_id TEXT NOT NULL DEFAULT 'qd-24-2021'",
        "ALTER TABLE review_rounds ADD COLUMN team TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE review_rounds ADD COLUMN deadlines TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE review_rounds ADD COLUMN posting_days INTEGER",
        "ALTER TABLE review_rounds ADD COLUMN opinion TEXT",
        # the register's member id of each member of the answers (None: a new member)
        "ALTER TABLE questionnaires ADD COLUMN member_ids TEXT",
        """CREATE TABLE review_entries (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
            household_id INTEGER NOT NULL REFERENCES households (id),
            source TEXT NOT NULL CHECK (source IN ('listed', 'applied', 'added')),
            previous_status TEXT,
            added_reason TEXT,
            removed_reason TEXT,
            UNIQUE (round_id, household_id)
        )""",
        "CREATE INDEX review_entries_household ON review_entries (household_id)",
        """CREATE TABLE review_applications (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
            household_id INTEGER NOT NULL REFERENCES households (id),
            kind TEXT NOT NULL CHECK (kind IN ('review', 'escape')),
            received_on TEXT NOT NULL,
            channel TEXT,
            applicant TEXT NOT NULL,
            reason TEXT
        )""",
        "CREATE INDEX review_applications_round ON review_applications (round_id)",
        """CREATE TABLE village_meetings (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
            village_id INTEGER NOT NULL REFERENCES villages (id),
            held_on TEXT NOT NULL,
            place TEXT,
            chair TEXT,
            secretary TEXT,
            attendees TEXT NOT NULL DEFAULT '{}',
            attendee_count INTEGER NOT NULL CHECK (attendee_count > 0),
            represented_households INTEGER,
            note TEXT
        )""",
        "CREATE INDEX village_meetings_round ON village_meetings (round_id, village_id)",
        """CREATE TABLE meeting_votes (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES village_meetings (id) ON DELETE CASCADE,
            household_id INTEGER NOT NULL REFERENCES households (id),
            agreed INTEGER NOT NULL CHECK (agreed >= 0),
            attendees INTEGER NOT NULL CHECK (attendees > 0 AND agreed <= attendees),
            outcome TEXT NOT NULL CHECK (outcome IN ('agreed', 'returned')),
            class_code TEXT,
            UNIQUE (meeting_id, household_id)
        )""",
        "CREATE INDEX meeting_votes_household ON meeting_votes (household_id)",
        """CREATE TABLE postings (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
            starts_on TEXT NOT NULL,
            ends_on TEXT NOT NULL,
            places TEXT,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE complaints (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
            household_id INTEGER NOT NULL REFERENCES households (id),
            received_on TEXT NOT NULL,
            complainant TEXT,
            content TEXT NOT NULL,
            recheck_on TEXT,
            recheck_result TEXT,
            recheck_class TEXT
                CHECK (recheck_class IN ('poor', 'near_poor', 'average', 'not_poor')),
            resolved INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1))
        )""",
        "CREATE INDEX complaints_round ON complaints (round_id, household_id)",
        """CREATE TABLE review_corrections (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES review_rounds (id),
            household_id INTEGER NOT NULL REFERENCES households (id),
            old_status TEXT,
            new_status TEXT NOT NULL,
            reason TEXT NOT NULL,
            decision_number TEXT NOT NULL,
            decision_date TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
    ),
)

REGISTER_HISTORY = Migration(
    14,
    "register through time: households and members present from / until a date, the events "
    "that changed the register (undoable), members who left, the official totals of a year",
    (
        # NULL present_from: in the commune since before the register's records begin.
        "ALTER TABLE households ADD COLUMN present_from TEXT",
        "ALTER TABLE households ADD COLUMN present_until TEXT",
        "ALTER TABLE members ADD COLUMN present_from TEXT",
        # Existing households (docs/register-history.md): the register's first load (the first
        # day households were created, or an import) was there before the records begin; a
        # household added later by hand is present from the day it was added, or from the
        # decision of its earliest status if that is earlier (a status proves it was there).
        """UPDATE households SET present_from = (
            SELECT min(date(households.created_at, '+7 hours'),
                       coalesce(min(coalesce(s.decision_date, s.year || '-12-31')), '9999'))
            FROM household_status s WHERE s.household_id = households.id)
        WHERE date(created_at, '+7 hours') > (SELECT date(min(created_at), '+7 hours')
                                               FROM households)
          AND NOT EXISTS (
            SELECT 1 FROM change_log c JOIN batches b ON b.id = c.batch_id
            WHERE c.table_name = 'households' AND c.row_id = households.id
              AND c.action = 'insert' AND b.kind = 'import')""",
        """CREATE TABLE register_events (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('moved_in', 'moved_away', 'split_off',
                'split_from', 'merged_into', 'merged_in', 'ended', 'born', 'died', 'joined',
                'left')),
            household_id INTEGER NOT NULL,
            household_code TEXT NOT NULL,
            member_id INTEGER,
            member_name TEXT,
            other_household_id INTEGER,
            other_household_code TEXT,
            event_date TEXT NOT NULL,
            how TEXT,
            reason TEXT,
            members INTEGER NOT NULL CHECK (members >= 0),
            batch_id INTEGER REFERENCES batches (id),
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            undone_at TEXT,
            undone_by TEXT
        )""",
        "CREATE INDEX register_events_household ON register_events (household_id, event_date)",
        "CREATE INDEX register_events_date ON register_events (event_date)",
        "CREATE INDEX register_events_batch ON register_events (batch_id)",
        # A member's time in a household that ended (died, left, moved to another household),
        # with the member's row as it was.
        """CREATE TABLE former_members (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL,
            household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
            present_from TEXT,
            present_until TEXT NOT NULL,
            departure TEXT NOT NULL CHECK (departure IN ('died', 'left', 'moved')),
            member TEXT NOT NULL
        )""",
        "CREATE INDEX former_members_household ON former_members (household_id)",
        """CREATE TABLE official_totals (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            round_id INTEGER REFERENCES review_rounds (id),
            kind TEXT NOT NULL CHECK (kind IN ('recognition', 'correction')),
            decision_number TEXT NOT NULL,
            decision_date TEXT NOT NULL,
            reason TEXT,
            replaced_by INTEGER REFERENCES official_totals (id),
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE UNIQUE INDEX official_totals_current ON official_totals (year) "
        "WHERE replaced_by IS NULL",
        """CREATE TABLE official_total_rows (
            id INTEGER PRIMARY KEY,
            totals_id INTEGER NOT NULL REFERENCES official_totals (id) ON DELETE CASCADE,
            village_id INTEGER REFERENCES villages (id),
            name TEXT NOT NULL,
            area TEXT,
            households INTEGER NOT NULL,
            members INTEGER NOT NULL,
            poor INTEGER NOT NULL,
            near_poor INTEGER NOT NULL,
            average INTEGER NOT NULL,
            poor_members INTEGER NOT NULL,
            near_poor_members INTEGER NOT NULL
        )""",
        "CREATE INDEX official_total_rows_totals ON official_total_rows (totals_id)",
    ),
)

SIGN_IN_LIMITS = Migration(
    15,
    "sign-in limits: failed sign-ins kept, to delay and lock out password guessing",
    (
        """CREATE TABLE sign_in_failures (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL COLLATE NOCASE,
            failed_at TEXT NOT NULL,
            cleared INTEGER NOT NULL DEFAULT 0 CHECK (cleared IN (0, 1))
        )""",
        "CREATE INDEX sign_in_failures_username ON sign_in_failures (username, cleared)",
    ),
)

BUDGET_CAPITAL = Migration(
    16,
    "budget capital: investment or recurrent capital and funds carried over on each budget line; "
    "the date a general policy was received",
    (
        # A project may get both kinds of capital from one source, so the kind joins the key;
        # lines written before it are left unclassified (NULL), never guessed.
        """CREATE TABLE budgets_new (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            programme_id TEXT NOT NULL,
            project_code TEXT NOT NULL,
            funding_source TEXT NOT NULL,
            capital TEXT CHECK (capital IN ('investment', 'recurrent')),
            allocated INTEGER NOT NULL CHECK (allocated >= 0),
            carried_over INTEGER NOT NULL DEFAULT 0 CHECK (carried_over >= 0),
            disbursed INTEGER NOT NULL DEFAULT 0 CHECK (disbursed >= 0),
            note TEXT
        )""",
        "INSERT INTO budgets_new (id, year, programme_id, project_code, funding_source, "
        "allocated, disbursed, note) SELECT id, year, programme_id, project_code, "
        "funding_source, allocated, disbursed, note FROM budgets",
        "DROP TABLE budgets",
        "ALTER TABLE budgets_new RENAME TO budgets",
        "CREATE UNIQUE INDEX budgets_key ON budgets "
        "(year, project_code, funding_source, ifnull(capital, ''))",
        "ALTER TABLE policy_benefits ADD COLUMN granted_on TEXT",
    ),
)

# The number is free to change while unreleased: nothing else refers to it.
CHAINED_LOG = Migration(
    17,
    "tamper-evident change log: each row chained to the previous one by a SHA-256 hash",
    (
        "ALTER TABLE change_log ADD COLUMN chain_hash TEXT",
        # the log's length and head as each package carried them (docs/change-log.md)
        "ALTER TABLE sent_packages ADD COLUMN log_length INTEGER",
        "ALTER TABLE sent_packages ADD COLUMN log_head TEXT",
    ),
    compute=changelog.compute_chain,
)


PERSON_SEARCH = Migration(
    18,
    "household search by person: each member's name apart in the search text, the head's first",
    (
        # A search must find every typed word in one person's name, and rank a household whose
        # head it finds first: both read from the search text the indexes already hold.
        """UPDATE households SET search_fold = gnapp_person_search((
            SELECT group_concat(name_fold, char(10)) FROM (
                SELECT name_fold FROM members m WHERE m.household_id = households.id
                ORDER BY m.relation = 'head' DESC, m.position)))""",
    ),
)

DATED_DISBURSEMENTS = Migration(
    19,
    "dated disbursements: each payment of a budget line with its day, so a half-year counts "
    "what was paid in it",
    (
        # The amounts entered before stay on their lines as paid on a day not recorded: a
        # whole year counts them, a half-year says them apart (docs/programme.md).
        "ALTER TABLE budgets RENAME COLUMN disbursed TO undated_disbursed",
        """CREATE TABLE disbursements (
            id INTEGER PRIMARY KEY,
            budget_id INTEGER NOT NULL REFERENCES budgets (id),
            disbursed_on TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            document_number TEXT,
            note TEXT
        )""",
        "CREATE INDEX disbursements_budget ON disbursements (budget_id, disbursed_on)",
    ),
)

# person_names: one row per member, its rowid the member's household id in the high bits and
# its own id in the low ones, so a match names its household without reading ``members``.
PERSON_KEY_BITS = 32
_PERSON_KEY = "{row}.household_id * " + str(1 << PERSON_KEY_BITS) + " + {row}.id"
# Words are split at spaces only, as the search splits typed text: every other ASCII character
# is part of a word (non-ASCII ones are for the ascii tokenizer), so "h'hen" stays one word.
_WORD_CHARACTERS = "'" + string.punctuation.replace("'", "''") + "'"
_TOKENIZER = "'" + f"ascii tokenchars {_WORD_CHARACTERS}".replace("'", "''") + "'"


# Since migration 22 the lowest bit tells the head: a search reads from the index alone which
# households' heads hold every typed word (household id = rowid >> PERSON_KEY_BITS still).
_PERSON_KEY_V22 = (
    "{row}.household_id * " + str(1 << PERSON_KEY_BITS) + " + {row}.id * 2"
    " + iif({row}.relation = 'head', 1, 0)"
)


def _person_names_table(options: str = "") -> str:
    """The statement that creates ``person_names`` (``options``: FTS5's, after the schema
    v20's)."""
    return (
        "CREATE VIRTUAL TABLE person_names USING fts5(name, content='', detail=none, "
        f"prefix='1 2 3 4 5 6', tokenize={_TOKENIZER}{options})"
    )


def _person_names_sync(row: str, key: str = _PERSON_KEY) -> str:
    """The statement that adds (``new``) or takes out (``old``) a member's name."""
    values = f"{key.format(row=row)}, {row}.name_fold"
    if row == "new":
        return f"INSERT INTO person_names (rowid, name) VALUES ({values});"
    return f"INSERT INTO person_names (person_names, rowid, name) VALUES ('delete', {values});"


PERSON_NAMES = Migration(
    20,
    "search by person from an index of members' names; the departed households indexed",
    (
        # A search of two name words or more asks which members hold them all: a full-text
        # index of the members' folded names (prefixes up to six letters indexed) answers
        # without a call to Python per household (docs/benchmarks.md).
        _person_names_table(),
        "CREATE TRIGGER person_names_insert AFTER INSERT ON members BEGIN "
        f"{_person_names_sync('new')} END",
        "CREATE TRIGGER person_names_delete AFTER DELETE ON members BEGIN "
        f"{_person_names_sync('old')} END",
        "CREATE TRIGGER person_names_update AFTER UPDATE OF id, household_id, name_fold "
        f"ON members BEGIN {_person_names_sync('old')} "
        f"{_person_names_sync('new')} END",
        f"INSERT INTO person_names (rowid, name) SELECT {_PERSON_KEY.format(row='m')}, "
        "m.name_fold FROM members m",
        # every query of the register asks which households have left (presence.present_now)
        "CREATE INDEX households_departed ON households (id) WHERE present_until IS NOT NULL",
    ),
)


def _log_bulk_inserts(db: sqlite_utils.Database) -> None:
    """Rebuild ``change_log`` so that its action may be a bulk insert's (SQLite cannot change a
    CHECK in place). Every row is copied as it is — id, content and hash — so the chain, the
    length and the head the packages carried stay what they were; the old rows are not
    compacted, since rewriting them would change the hashes an office already holds."""
    changelog.drop_triggers(db)
    db.execute(
        f"""CREATE TABLE change_log_new (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id INTEGER NOT NULL,
            household_id INTEGER,
            action TEXT NOT NULL
                CHECK (action IN ('insert', 'update', 'delete', '{changelog.INSERT_ROWS}')),
            old_values TEXT,
            new_values TEXT,
            batch_id INTEGER REFERENCES batches (id),
            chain_hash TEXT
        )"""
    )
    columns = "id, at, actor, table_name, row_id, household_id, action, old_values, new_values, "
    columns += "batch_id, chain_hash"
    db.execute(f"INSERT INTO change_log_new ({columns}) SELECT {columns} FROM change_log")
    db.execute("DROP TABLE change_log")
    db.execute("ALTER TABLE change_log_new RENAME TO change_log")
    db.execute("CREATE INDEX change_log_row ON change_log (table_name, row_id)")
    db.execute("CREATE INDEX change_log_household ON change_log (household_id)")
    db.execute("CREATE INDEX change_log_batch ON change_log (batch_id)")


# The number is free to change while unreleased: nothing else refers to it.
BULK_INSERTS_LOGGED = Migration(
    21,
    "a bulk insert (an import, the demo) logged as runs of rows, not a JSON copy of each row",
    (),
    compute=_log_bulk_inserts,
)

# The list's ranking of a household whose head the search finds, read from the indexes the
# search walks: where the head's part of the search text ends (gnapp.core.vietnamese's
# PERSON_SEPARATOR), kept beside it by gnapp.store.register. Not a generated column: SQLite
# before 3.41 reads the table row for one, even from an index that holds it.
_SEARCH_HEAD_END = (
    "ALTER TABLE households ADD COLUMN search_head_end INTEGER NOT NULL DEFAULT 0",
    "UPDATE households SET search_head_end = instr(search_fold, ' |')",
)
_GROUPS_RANK = (
    "(-((without_working_capacity = 1) * 1 + (social_assistance = 1) * 2 + (revolution_merit = 1)"
    " * 4 + ((ethnic_minority = 1 OR local_ethnic_minority = 1)) * 8))"
)
_GROUP_FLAGS = (
    "ethnic_minority, local_ethnic_minority, revolution_merit, social_assistance, "
    "without_working_capacity"
)
_SEARCHED = "search_fold, search_head_end, present_until"


def _person_names_rebuilt(create: str) -> tuple[str, ...]:
    """The statements that drop ``person_names`` and its triggers, make the table anew with
    ``create``, its triggers as of schema v22 (the lowest bit of a rowid tells the head) and
    fill it from ``members``."""
    return (
        "DROP TRIGGER person_names_insert",
        "DROP TRIGGER person_names_delete",
        "DROP TRIGGER person_names_update",
        "DROP TABLE person_names",
        create,
        "CREATE TRIGGER person_names_insert AFTER INSERT ON members BEGIN "
        f"{_person_names_sync('new', _PERSON_KEY_V22)} END",
        "CREATE TRIGGER person_names_delete AFTER DELETE ON members BEGIN "
        f"{_person_names_sync('old', _PERSON_KEY_V22)} END",
        "CREATE TRIGGER person_names_update AFTER UPDATE OF id, household_id, name_fold, "
        f"relation ON members BEGIN {_person_names_sync('old', _PERSON_KEY_V22)} "
        f"{_person_names_sync('new', _PERSON_KEY_V22)} END",
        f"INSERT INTO person_names (rowid, name) SELECT {_PERSON_KEY_V22.format(row='m')}, "
        "m.name_fold FROM members m",
    )


SEARCH_RANK_IN_INDEX = Migration(
    22,
    "household search: the head's rank and the presence in the indexes the search walks, "
    "the head told in the index of members' names",
    (
        # A keystroke walks one of these indexes over the whole register: holding where the
        # head's name ends and whether the household has left, the walk computes the rank with
        # one comparison and asks nothing else (docs/benchmarks.md).
        *_SEARCH_HEAD_END,
        "DROP INDEX households_search",
        f"CREATE INDEX households_search ON households (head_sort_key, id, {_SEARCHED}, "
        f"{_GROUP_FLAGS})",
        "DROP INDEX households_search_numbers",
        "CREATE INDEX households_search_numbers ON households "
        "(head_sort_key, id, search_numbers, present_until)",
        "DROP INDEX households_village_search",
        "CREATE INDEX households_village_search ON households "
        f"(village_id, head_sort_key, id, {_SEARCHED})",
        "DROP INDEX households_code_search",
        f"CREATE INDEX households_code_search ON households (code, id, {_SEARCHED})",
        "DROP INDEX households_members_search",
        "CREATE INDEX households_members_search ON households "
        f"(member_count, head_sort_key, id, {_SEARCHED})",
        # the group flags too, so the walk reads no table row
        "DROP INDEX households_groups_search",
        f"CREATE INDEX households_groups_search ON households ({_GROUPS_RANK}, head_sort_key, "
        f"id, {_SEARCHED}, {_GROUP_FLAGS})",
        # the statuses of a year, read for the status order, from the index alone
        "DROP INDEX household_status_year",
        "CREATE INDEX household_status_year ON household_status (year, status, household_id)",
        # the members' names keyed anew: the lowest bit of a name's rowid tells the head
        *_person_names_rebuilt(PERSON_NAMES.statements[0]),
    ),
)

# The status order of the newest year with statuses walks an index that holds each household's
# status in that year (the year the list shows unless the clerk looks back): one place a status,
# "no status" last, as the list orders them (gnapp.store.household_query).
_STATUS_PLACE = (
    "CASE s.status WHEN 'poor' THEN 0 WHEN 'near_poor' THEN 1 WHEN 'average' THEN 2 "
    "WHEN 'not_poor' THEN 3 END"
)
_NO_STATUS_PLACE = 4


def _placed(household: str) -> str:
    """The place of ``household``'s status in the ranked year (no status last)."""
    return (
        f"coalesce((SELECT {_STATUS_PLACE} FROM household_status s WHERE s.household_id = "
        f"{household} AND s.year = (SELECT year FROM status_rank_year)), {_NO_STATUS_PLACE})"
    )


def _place_again(household: str) -> str:
    """The statement that sets one household's ``status_rank`` from its status in the ranked
    year."""
    return f"UPDATE households SET status_rank = {_placed(household)} WHERE id = {household};"


def _newer_year(year: str) -> str:
    """The statements that make ``year`` the ranked year when it is newer: every household
    without a status until its rows say otherwise. The ranked year is joined first, so that a
    year that is not newer walks no index: written as a condition beside the households' own,
    SQLite walked every household with a status at each status written (quadratic: 20,982
    statuses of a new year took 13.4 s, 1.0 s now; schema v24)."""
    return (
        f"UPDATE households SET status_rank = {_NO_STATUS_PLACE} WHERE id IN (SELECT h.id "
        f"FROM status_rank_year y JOIN households h ON h.status_rank < {_NO_STATUS_PLACE} "
        f"WHERE {year} > y.year); "
        f"UPDATE status_rank_year SET year = {year} WHERE {year} > year;"
    )


def _year_emptied(year: str) -> str:
    """The statements that, once the ranked ``year`` has no status left (an import undone),
    rank the newest year that has some: its households, every other one being without a
    status in the emptied year already. The ranked year is joined first, as in
    ``_newer_year``: undoing an import of 20,000 households with their statuses read the
    year's statuses at each one removed (55 s; schema v24)."""
    return (
        "UPDATE status_rank_year SET year = (SELECT coalesce(max(year), 0) FROM "
        f"household_status) WHERE NOT EXISTS (SELECT 1 FROM household_status WHERE year = {year}); "
        f"UPDATE households SET status_rank = {_placed('households.id')} WHERE id IN (SELECT "
        "s.household_id FROM status_rank_year y JOIN household_status s ON s.year = y.year "
        f"WHERE {year} != y.year);"
    )


# The triggers keeping ``status_rank`` as statuses are inserted, updated and deleted.
_STATUS_RANK_TRIGGERS = (
    "CREATE TRIGGER status_rank_insert AFTER INSERT ON household_status "
    "WHEN NEW.year >= (SELECT year FROM status_rank_year) BEGIN "
    f"{_newer_year('NEW.year')} {_place_again('NEW.household_id')} END",
    "CREATE TRIGGER status_rank_update AFTER UPDATE OF household_id, year, status "
    "ON household_status WHEN max(OLD.year, NEW.year) >= (SELECT year FROM status_rank_year) "
    f"BEGIN {_newer_year('NEW.year')} {_place_again('OLD.household_id')} "
    f"{_place_again('NEW.household_id')} {_year_emptied('OLD.year')} END",
    "CREATE TRIGGER status_rank_delete AFTER DELETE ON household_status "
    "WHEN OLD.year = (SELECT year FROM status_rank_year) BEGIN "
    f"{_place_again('OLD.household_id')} {_year_emptied('OLD.year')} END",
)

STATUS_ORDER_IN_INDEX = Migration(
    23,
    "household search: the status of the newest year in an index, for the status order",
    (
        "CREATE TABLE status_rank_year (year INTEGER NOT NULL)",
        "INSERT INTO status_rank_year (year) SELECT coalesce(max(year), 0) FROM household_status",
        "ALTER TABLE households ADD COLUMN status_rank INTEGER NOT NULL DEFAULT "
        f"{_NO_STATUS_PLACE}",
        f"UPDATE households SET status_rank = {_placed('households.id')}",
        "CREATE INDEX households_status_search ON households "
        f"(status_rank, head_sort_key, id, {_SEARCHED})",
        *_STATUS_RANK_TRIGGERS,
    ),
)

STATUS_RANK_YEAR_JOINED = Migration(
    24,
    "household search: a status written or removed reads the statuses of the whole year only "
    "when the year to rank changes",
    (
        "DROP TRIGGER status_rank_insert",
        "DROP TRIGGER status_rank_update",
        "DROP TRIGGER status_rank_delete",
        *_STATUS_RANK_TRIGGERS,
    ),
)

UNREAD_INDEXES_DROPPED = Migration(
    25,
    "members' and heads' folded names: their indexes dropped (no query looks them up: names "
    "are searched through person_names and the households' search keys)",
    ("DROP INDEX members_name_fold", "DROP INDEX households_head_name_fold"),
)

LOG_HASHES_AS_BYTES = Migration(
    26,
    "change log: each row's chain hash stored as its 32 bytes, not 64 hex digits",
    (),
    compute=changelog.hashes_as_bytes,
)

_REWRITE_ROWS = 500


def _compact_answers(db: sqlite_utils.Database) -> None:
    """Rewrite every questionnaire's answers in the compact form (gnapp.store.answers), a few
    hundred rows at a time, exactly: each decodes to the very JSON text it held. Not logged
    (the triggers are dropped here; ``migrate`` rebuilds them after): the same answers in
    another form are no clerk's edit, a copy of each record's old and new text would double
    what the log holds, and a logged change of every questionnaire would stop the undo of
    every earlier batch that wrote one ("changed since", gnapp.store.batches). An undo of an
    earlier change may still write back plain JSON; every reader reads both forms."""
    changelog.drop_triggers(db)
    last = 0
    while rows := db.execute(
        "SELECT id, answers FROM questionnaires WHERE id > ? ORDER BY id LIMIT ?",
        [last, _REWRITE_ROWS],
    ).fetchall():
        last = rows[-1][0]
        db.conn.executemany(
            "UPDATE questionnaires SET answers = ? WHERE id = ?",
            [
                (encode_answers(answers), row_id)
                for row_id, answers in rows
                if not answers.startswith(COMPACT_PREFIX)
            ],
        )


COMPACT_ANSWERS = Migration(
    27,
    "questionnaires' answers stored compactly (zlib, base64 text): half the size",
    (),
    compute=_compact_answers,
)

MEMBERS_SORT_KEY_DROPPED = Migration(
    28,
    "members' name sort key dropped: nothing sorts members by name (the household list sorts "
    "by the head's key, households.head_sort_key)",
    (
        # a column named by a trigger cannot be dropped; ``migrate`` rebuilds the log's triggers
        "DROP TRIGGER log_members_insert",
        "DROP TRIGGER log_members_update",
        "DROP TRIGGER log_members_delete",
        "ALTER TABLE members DROP COLUMN name_sort_key",
    ),
)

PERSON_NAMES_WITHOUT_SIZES = Migration(
    29,
    "the index of members' names keeps no length of each name",
    # Only MATCH reads person_names (gnapp.store.household_query): no rank, bm25() or other
    # reader of a name's length, which FTS5 kept in person_names_docsize (1.1 MB of the
    # 20,000-household demo). A contentless table without those lengths cannot be read
    # without MATCH ("does not support scanning").
    _person_names_rebuilt(_person_names_table(", columnsize=0")),
)

MIGRATIONS: tuple[Migration, ...] = (
    REGISTER,
    PROGRAMME,
    REVIEW,
    BATCHES,
    ACTIVITIES_AND_REPORTS,
    HOUSEHOLD_SEARCH,
    USERS,
    REPORT_CHOICES,
    PACKAGES,
    SEARCH_ORDER,
    SEARCH_SPLIT,
    COMPUTED_ORDERS,
    REVIEW_WORKFLOW,
    REGISTER_HISTORY,
    SIGN_IN_LIMITS,
    BUDGET_CAPITAL,
    CHAINED_LOG,
    PERSON_SEARCH,
    DATED_DISBURSEMENTS,
    PERSON_NAMES,
    BULK_INSERTS_LOGGED,
    SEARCH_RANK_IN_INDEX,
    STATUS_ORDER_IN_INDEX,
    STATUS_RANK_YEAR_JOINED,
    UNREAD_INDEXES_DROPPED,
    LOG_HASHES_AS_BYTES,
    COMPACT_ANSWERS,
    MEMBERS_SORT_KEY_DROPPED,
    PERSON_NAMES_WITHOUT_SIZES,
)
LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def backup_copy(conn: sqlite3.Connection, destination: Path) -> Path:
    """Write a consistent copy of the open database to ``destination``."""
    target = sqlite3.connect(str(destination))
    try:
        conn.backup(target)
    finally:
        target.close()
    return destination


def backup_path(path: Path, from_version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.truoc-nang-cap-v{from_version}-{stamp}{path.suffix}")


def migrate(
    db: sqlite_utils.Database,
    path: Path,
    *,
    target_version: int | None = None,
    schema: Sequence[Migration] | None = None,
    log_changes: bool = True,
) -> Path | None:
    """Bring the database to ``target_version`` (default: the latest); return the backup made.

    ``schema`` is another file kind's migration list (the receiving office's database); the
    change-log triggers are rebuilt after each migration when ``log_changes``."""
    steps = MIGRATIONS if schema is None else tuple(schema)
    latest = steps[-1].version
    target = latest if target_version is None else target_version
    current = schema_version(db.conn)
    if current > latest:
        raise DatabaseError(
            tr(
                "Tệp {name} được tạo bởi phiên bản GNApp mới hơn (lược đồ dữ liệu v{version}; "
                "phiên bản này chỉ đọc được đến v{latest}). Hãy cài phiên bản GNApp mới.",
                name=path.name,
                version=current,
                latest=latest,
            )
        )
    pending = [m for m in steps if current < m.version <= target]
    if not pending:
        return None
    backup = None
    if current > 0:
        backup = backup_copy(db.conn, backup_path(path, current))
    for migration in pending:
        try:
            with db.atomic():
                for statement in migration.statements:
                    db.execute(statement)
                if migration.compute is not None:
                    migration.compute(db)
                if log_changes:
                    changelog.install_triggers(db)
                db.execute(f"PRAGMA user_version = {migration.version}")
        except sqlite3.Error as error:
            raise DatabaseError(
                tr(
                    "Nâng cấp dữ liệu lên v{version} ({name}) thất bại: {error}. Dữ liệu vẫn ở "
                    "v{current}{backup}",
                    version=migration.version,
                    name=migration.name,
                    error=error,
                    current=schema_version(db.conn),
                    backup=tr("; bản sao trước khi nâng cấp: {path}", path=backup)
                    if backup
                    else "",
                )
            ) from error
    return backup
