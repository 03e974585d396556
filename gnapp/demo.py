"""A realistic demo commune, generated from a seed: same seed, same database.

The commune, its villages and households are fictional but shaped like a real
commune of the central coast: Vietnamese names, an ethnic-minority share
concentrated in some villages, a believable age structure, citizen IDs consistent
with sex and birth year, yearly statuses 2022–2025 moving as the lists do, and
the 2025 periodic review whose Phiếu B answers the classification engine turns
into that year's statuses. Targets and budgets follow the seed documents' shape.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from gnapp import __version__
from gnapp.core.classify import classify
from gnapp.core.movements import movement
from gnapp.core.record import age_at
from gnapp.core.standards import load_standard
from gnapp.core.vietnamese import make_citizen_id
from gnapp.data import resource_file
from gnapp.i18n import tr
from gnapp.paths import user_cache_dir
from gnapp.review import workflow
from gnapp.review.progress import household_states
from gnapp.store import activities, changelog, events, programme, register, users
from gnapp.store.as_of import households_present
from gnapp.store.database import CommuneDatabase, open_database
from gnapp.store.errors import DatabaseError
from gnapp.store.figures import commune_counts
from gnapp.store.migrations import LATEST_VERSION
from gnapp.store.overview import status_counts

HISTORY_YEARS = (2022, 2023, 2024)
REVIEW_YEAR = 2025
REVIEW_REFERENCE_DATE = date(2025, 11, 1)
DEFAULT_HOUSEHOLDS = 2500
DEFAULT_SEED = 2025
FIXED_CLOCK = "2025-12-31T09:00:00Z"
SURVEYED_ON = "2025-10-15"  # the 2025 review's Phiếu B
EVENTS_YEARS = (2022, 2023, 2024, 2025)
EVENTS_UNTIL = date.fromisoformat(FIXED_CLOCK[:10])  # the demo's today: no event still to come
# The demo's accounts, one per role, all with DEMO_PASSWORD (the login shows them for the demo)
DEMO_USERS = (
    ("quantri", "Lê Văn Quản", ("clerk", "admin")),
    ("lanhdao", "Phạm Thị Lành", ("approver",)),
    ("canbo", "Nguyễn Thị Cán", ("clerk",)),
)
DEMO_PASSWORD = "demo1234"
PROVINCE_CODE = "051"  # Quảng Ngãi: where most members' births were registered
OTHER_PROVINCE_CODES = ("049", "052", "048", "079", "062")
DECISIONS = {
    2022: ("215/QĐ-UBND", "2022-12-20"),
    2023: ("198/QĐ-UBND", "2023-12-18"),
    2024: ("226/QĐ-UBND", "2024-12-19"),
    2025: ("231/QĐ-UBND", "2025-12-17"),
}
# Chance of next year's status given this year's, for Kinh and ethnic-minority households:
# rough shapes of the seed reports (poverty falling by about a point a year).
TRANSITIONS = {
    False: {
        "poor": {"poor": 0.70, "near_poor": 0.18, None: 0.12},
        "near_poor": {"poor": 0.04, "near_poor": 0.68, None: 0.28},
        None: {"poor": 0.004, "near_poor": 0.012, None: 0.984},
    },
    True: {
        "poor": {"poor": 0.80, "near_poor": 0.14, None: 0.06},
        "near_poor": {"poor": 0.08, "near_poor": 0.72, None: 0.20},
        None: {"poor": 0.03, "near_poor": 0.05, None: 0.92},
    },
}
START = {False: {"poor": 0.055, "near_poor": 0.065}, True: {"poor": 0.38, "near_poor": 0.20}}
HOUSEHOLD_TABLES = [table for table, household in changelog.LOGGED_TABLES.items() if household]


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    households: int
    members: int
    villages: int
    statuses: dict[int, dict[str, int]] = field(default_factory=dict)


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pools = json.loads(resource_file("demo", "names.json").read_text(encoding="utf-8"))

    def weighted(self, key: str) -> str:
        names, weights = zip(*self.pools[key], strict=True)
        return self.rng.choices(names, weights)[0]

    def person(self, sex: str, family: str) -> str:
        middle = self.weighted("middle_male" if sex == "male" else "middle_female")
        given = self.rng.choice(self.pools["given_male" if sex == "male" else "given_female"])
        return f"{family} {middle} {given}"

    def family(self, minority: bool) -> str:
        return self.weighted("family_names_minority" if minority else "family_names_kinh")

    def sample(self, key: str, k: int) -> list[str]:
        names, weights = zip(*self.pools[key], strict=True)
        chosen: list[str] = []
        while len(chosen) < k:
            name = self.rng.choices(names, weights)[0]
            if name not in chosen:
                chosen.append(name)
        return chosen


# Households drawn, then written together: one household at a time, the bulk write's
# statements and log runs cost more than its rows (9.4 of 37 s of CPU at 20,000 households).
HOUSEHOLDS_WRITTEN_TOGETHER = 500


@dataclass(frozen=True)
class _Drawn:
    """A household drawn and not yet written."""

    fields: dict[str, Any]
    surveyed: list[dict[str, Any]]  # its members with their Phiếu B answers
    members: list[dict[str, Any]]
    history: dict[int, str | None]  # the status of each year before the review
    applied: bool  # applied to be reviewed
    income: dict[str, int] | None  # the income answer, for a household to review


class _Generator:
    def __init__(self, cdb: CommuneDatabase, households: int, seed: int) -> None:
        self.cdb = cdb
        self.seed = seed
        self.rng = random.Random(seed)
        # the budget's payments draw apart, so the rest of the commune stays as it was
        self.payments_rng = random.Random(f"{seed}:payments")
        self.names = _Names(self.rng)
        self.household_count = households
        self.used_ids: set[str] = set()
        self.standard = load_standard("2022-2025")
        # (household id, income answer, applied) of the households to survey in the review
        self.surveys: list[tuple[int, dict[str, Any], bool]] = []
        self.events = _RegisterEvents(self)

    # --- people ------------------------------------------------------------------------------

    def birth_date(self, age: int) -> str:
        """A birth date giving ``age`` completed years on the review's reference date."""
        latest = REVIEW_REFERENCE_DATE.replace(year=REVIEW_REFERENCE_DATE.year - age)
        return (latest - timedelta(days=self.rng.randrange(365))).isoformat()

    def citizen_id(self, sex: str, birth_year: int) -> str | None:
        if self.rng.random() < 0.03:
            return None  # not yet recorded in the commune's list
        province = (
            PROVINCE_CODE if self.rng.random() < 0.93 else self.rng.choice(OTHER_PROVINCE_CODES)
        )
        while True:
            number = make_citizen_id(province, sex, birth_year, self.rng.randrange(1_000_000))
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def person(self, relation: str, sex: str, age: int, family: str, ethnicity: str) -> dict:
        born = self.birth_date(age)
        return {
            "full_name": self.names.person(sex, family),
            "sex": sex,
            "birth_date": born,
            "citizen_id": self.citizen_id(sex, int(born[:4])),
            "relation": relation,
            "ethnicity": ethnicity,
        }

    def roster(self, minority: bool) -> list[dict]:
        rng = self.rng
        ethnicity = self.names.weighted("ethnic_minorities") if minority else "Kinh"
        size = rng.choices(range(1, 10), [8, 17, 20, 24, 15, 8, 4, 2, 2])[0]
        head_sex = "male" if rng.random() < 0.74 else "female"
        head_age = min(90, max(20, int(rng.gauss(50, 14))))
        if size == 1:
            head_age = max(head_age, rng.randint(55, 88))
        family = self.names.family(minority)
        members = [self.person("head", head_sex, head_age, family, ethnicity)]
        if size >= 2 and head_age < 78 and rng.random() < 0.85:
            spouse_sex = "female" if head_sex == "male" else "male"
            spouse_age = max(18, head_age + rng.randint(-6, 3) * (1 if head_sex == "male" else -1))
            members.append(
                self.person(
                    "spouse", spouse_sex, spouse_age, self.names.family(minority), ethnicity
                )
            )
        if len(members) < size and head_age < 62 and rng.random() < 0.25:
            parent_sex = rng.choice(("male", "female"))
            members.append(
                self.person(
                    "parent",
                    parent_sex,
                    min(98, head_age + rng.randint(20, 32)),
                    self.names.family(minority),
                    ethnicity,
                )
            )
        while len(members) < size:
            if head_age >= 55 and rng.random() < 0.45:
                relation, age = "grandchild", rng.randint(0, max(0, head_age - 40))
            else:
                relation, age = "child", rng.randint(max(0, head_age - 42), max(0, head_age - 19))
            members.append(
                self.person(relation, rng.choice(("male", "female")), age, family, ethnicity)
            )
        return members

    # --- Phiếu B answers, shaped by how hard-up the household is (0 well off .. 1 very poor) ---

    def chance(self, base: float, slope: float, hardship: float) -> bool:
        return self.rng.random() < base + slope * hardship

    def survey_member(self, member: dict, hardship: float) -> dict:
        age = age_at(member["birth_date"], REVIEW_REFERENCE_DATE)
        answers = {
            "has_health_insurance": not self.chance(0.04, 0.22, hardship) if age >= 6 else True,
            "severe_disability": self.chance(0.015, 0.05, hardship),
        }
        answers["can_work"] = 15 <= age < 75 and not answers["severe_disability"]
        if age < 16:
            answers["malnourished"] = self.chance(0.03, 0.25, hardship)
        if 3 <= age < 16:
            answers["schooling"] = (
                "not_attending"
                if self.chance(0.01, 0.12, hardship)
                else "attending_behind"
                if self.chance(0.02, 0.10, hardship)
                else "attending"
            )
        elif 16 <= age <= 22:
            answers["schooling"] = (
                "attending" if self.chance(0.55, -0.40, hardship) else ("not_attending")
            )
        elif age > 22:
            answers["schooling"] = "not_attending"
        if age >= 11:
            levels = ["none", "primary", "lower_secondary", "upper_secondary", "university"]
            ceiling = 1 + (age >= 15) + (age >= 18) + (age >= 22)
            reached = min(ceiling, max(0, round(self.rng.gauss(3.0 - 2.2 * hardship, 1.0))))
            answers["education"] = levels[reached]
        if age >= 18:
            answers["vocational_certificate"] = (
                "elementary" if self.chance(0.18, -0.12, hardship) else "none"
            )
        if age >= 15:
            if answers.get("schooling") == "attending" or not answers["can_work"] or age >= 62:
                answers["employment"] = "not_in_labour_force"
            else:
                answers["employment"] = self.rng.choices(
                    [
                        "stable",
                        "wage_without_contract",
                        "unstable",
                        "unemployed",
                        "not_in_labour_force",
                    ],
                    [
                        0.62 - 0.45 * hardship,
                        0.12 + 0.10 * hardship,
                        0.12 + 0.25 * hardship,
                        0.03 + 0.07 * hardship,
                        0.07,
                    ],
                )[0]
        member_flags = {
            "revolution_merit": age >= 65 and self.chance(0.03, 0.0, hardship),
            "social_assistance": (age >= 80 or answers["severe_disability"])
            and self.chance(0.5, 0.3, hardship),
        }
        return {**answers, **member_flags}

    def survey_household(self, size: int, urban: bool, hardship: float) -> dict:
        rng = self.rng
        per_person = max(3.0, rng.gauss(22 - 14 * hardship, 6))
        devices = [
            d
            for d, p in (("tv", 0.85), ("smartphone", 0.75), ("radio", 0.15), ("computer", 0.2))
            if rng.random() < p * (1 - 0.55 * hardship)
        ]
        safe_water = ["piped", "drilled_well", "protected_dug_well", "rainwater"]
        unsafe_water = ["unprotected_dug_well", "unprotected_spring", "surface_water"]
        return {
            "floor_area_m2": round(per_person * size, 1),
            "walls_durable": not self.chance(0.04, 0.55, hardship),
            "frame_durable": not self.chance(0.03, 0.45, hardship),
            "roof_durable": not self.chance(0.05, 0.60, hardship),
            "water_source": rng.choice(unsafe_water)
            if self.chance(0.03, 0.30, hardship)
            else ("piped" if urban else rng.choice(safe_water)),
            "latrine": rng.choice(["simple_pit", "none", "over_water"])
            if self.chance(0.06, 0.55, hardship)
            else rng.choice(["septic", "semi_septic", "pour_flush"]),
            "uses_telecom": not self.chance(0.01, 0.15, hardship),
            "information_devices": devices,
            "waste_handled_hygienically": not self.chance(0.10 - 0.08 * urban, 0.45, hardship),
        }

    # --- the commune -------------------------------------------------------------------------

    def villages(self) -> list[tuple[int, bool, bool]]:
        """Create the villages; return (id, urban, mostly ethnic minority) for each."""
        pools = self.names.pools
        count = max(3, round(self.household_count / 260))
        urban = max(1, round(count * 0.2))
        minority = max(1, round(count * 0.2))
        created = []
        rural_names = list(pools["rural_villages"])
        minority_names = list(pools["minority_villages"])
        self.rng.shuffle(rural_names)
        self.rng.shuffle(minority_names)
        for index in range(count):
            if index < urban:
                name, is_urban, is_minority = f"Tổ dân phố {index + 1}", True, False
            elif index < urban + minority:
                name = self._next_name(minority_names, index - urban, "Làng")
                is_urban, is_minority = False, True
            else:
                name = self._next_name(rural_names, index - urban - minority, "Thôn")
                is_urban, is_minority = False, False
            village_id = register.add_village(
                self.cdb, f"T{index + 1:02d}", name, "urban" if is_urban else "rural"
            )
            created.append((village_id, is_urban, is_minority))
        return created

    @staticmethod
    def _next_name(pool: Sequence[str], index: int, prefix: str) -> str:
        base = pool[index % len(pool)]
        round_number = index // len(pool)
        name = base if base.startswith(("Làng", "Nước")) else f"{prefix} {base}"
        if prefix == "Làng" and not base.startswith(("Làng", "Nước")):
            name = f"Làng {base}"
        return f"{name} {round_number + 1}" if round_number else name

    def history(self, minority: bool) -> dict[int, str | None]:
        start = START[minority]
        roll = self.rng.random()
        status = (
            "poor"
            if roll < start["poor"]
            else ("near_poor" if roll < start["poor"] + start["near_poor"] else None)
        )
        statuses = {HISTORY_YEARS[0]: status}
        for year in HISTORY_YEARS[1:]:
            status = self.next_status(minority, status)
            statuses[year] = status
        return statuses

    def next_status(self, minority: bool, status: str | None) -> str | None:
        options = TRANSITIONS[minority][status]
        return self.rng.choices(list(options), list(options.values()))[0]

    def run(self, progress: Callable[[int, int], None] | None) -> None:
        rng = self.rng
        register.save_commune(
            self.cdb,
            code="21555",
            name="Xã Sơn Minh",
            kind="xa",
            province="Quảng Ngãi",
            region="bac_trung_bo_duyen_hai_mien_trung",
            receiving_office_name="Sở Nông nghiệp và Môi trường tỉnh Quảng Ngãi",
            receiving_office_kind="province",
        )
        register.set_setting(self.cdb, "demo", True)
        for username, full_name, roles in DEMO_USERS:
            salt = hashlib.sha256(f"{self.seed}:{username}".encode()).digest()[:16]
            users.add_user(self.cdb, username, full_name, roles, DEMO_PASSWORD, salt=salt)
        villages = self.villages()
        weights = [1.0 if not minority else 0.8 for _, _, minority in villages]
        round_id = workflow.open_round(
            self.cdb,
            REVIEW_YEAR,
            standard_id=self.standard.id,
            reference_date=REVIEW_REFERENCE_DATE.isoformat(),
        )
        drawn: list[_Drawn] = []
        for number in range(1, self.household_count + 1):
            village_id, urban, minority_village = rng.choices(villages, weights)[0]
            minority = rng.random() < (0.85 if minority_village else 0.03)
            drawn.append(self.household(number, village_id, urban, minority))
            if len(drawn) == HOUSEHOLDS_WRITTEN_TOGETHER or number == self.household_count:
                self.write_households(drawn, round_id)
                drawn = []
                if progress:
                    progress(number, self.household_count)
        self.events.record(until=SURVEYED_ON)
        workflow.build_list(self.cdb, round_id)  # last year's poor and near-poor households
        present = set(households_present(self.cdb.db, REVIEW_REFERENCE_DATE))
        for household_id, income, applied in self.surveys:
            if household_id not in present:
                continue  # left the commune before the review (even one that had applied)
            record = register.household_record(self.cdb.db, household_id, income)
            if applied:
                record["form_a"] = {
                    "eligible_for_form_b": True,
                    "reason": "Hộ có đơn đề nghị rà soát",
                }
            member_ids = [m["id"] for m in register.members_of(self.cdb.db, household_id)]
            workflow.save_survey(
                self.cdb,
                round_id,
                household_id,
                record,
                member_ids,
                complete=True,
                reviewer="Tổ rà soát",
                surveyed_on=SURVEYED_ON,
            )
        decided = DECISIONS[REVIEW_YEAR][1]
        self.events.record(until=decided)  # while the round is open
        self.meetings_and_posting(round_id)
        approver = users.get_user(self.cdb.db, "lanhdao")
        if household_states(self.cdb.db, round_id):  # a tiny commune may have nobody to review
            workflow.recognise(self.cdb, round_id, *DECISIONS[REVIEW_YEAR], approver=approver)
        self.events.record(until=EVENTS_UNTIL.isoformat())  # after the decision
        self.targets_and_budgets()

    def household(self, number: int, village_id: int, urban: bool, minority: bool) -> _Drawn:
        """Draw a household: its members and their answers, its dwelling, its history."""
        rng = self.rng
        members = self.roster(minority)
        history = self.history(minority)
        listed_2024 = history[2024]
        applied = listed_2024 is None and rng.random() < (0.05 if minority else 0.012)
        reviewed = listed_2024 is not None or applied
        if reviewed:
            target = (
                self.next_status(minority, listed_2024)
                if listed_2024
                else rng.choice(["poor", "near_poor", None])
            )
            hardship = {"poor": 0.95, "near_poor": 0.45, None: 0.15}[target]
        else:
            target = None
            last_listed = next((s for s in reversed(list(history.values())) if s), None)
            hardship = {"poor": 0.4, "near_poor": 0.3, None: 0.08}[last_listed]
        agricultural = rng.random() < (0.35 if urban else 0.8)
        surveyed, dwelling = self.answers(members, urban, hardship, target if reviewed else None)
        groups = {
            "ethnic_minority": minority,
            "local_ethnic_minority": minority,
            "without_working_capacity": not any(m["can_work"] for m in surveyed),
            "revolution_merit": any(m["revolution_merit"] for m in surveyed),
            "social_assistance": any(m["social_assistance"] for m in surveyed),
        }
        poorish = reviewed and target is not None
        fields = {
            "code": f"HGD-{number:05d}",
            "village_id": village_id,
            "address": None,
            "agricultural": agricultural,
            **dwelling,
            **groups,
            "causes_of_poverty": self.names.sample("causes_weights", rng.randint(1, 2))
            if poorish
            else [],
            "support_needs": self.names.sample("support_weights", rng.randint(1, 2))
            if poorish
            else [],
        }
        # the review year's status comes from the round's recognition
        income = self.review_income(urban, target, applied, agricultural) if reviewed else None
        return _Drawn(fields, surveyed, members, history, applied, income)

    def write_households(self, drawn: list[_Drawn], round_id: int) -> None:
        """Write drawn households together (``register.add_households``, as an import does),
        then their statuses, applications and planned events, household by household."""
        ids = register.add_households(self.cdb, ((d.fields, d.surveyed) for d in drawn))
        for household_id, household in zip(ids, drawn, strict=True):
            if household.income is not None:
                self.surveys.append((household_id, household.income, household.applied))
            listed = any(household.history.values())
            departure = self.events.plan_household(
                household_id, household.members, listed, household.applied
            )
            self.write_statuses(household_id, household.history, departure)
            if household.applied:
                self.application(round_id, household_id, household.members[0]["full_name"])

    def answers(
        self, members: list[dict], urban: bool, hardship: float, target: str | None
    ) -> tuple[list[dict], dict]:
        """Phiếu B answers; for a household heading to a list, redrawn (a few times at most)
        until its deprivations fit that list (3 or more for poor, fewer for near-poor)."""
        for _ in range(12):
            surveyed = [{**m, **self.survey_member(m, hardship)} for m in members]
            dwelling = self.survey_household(len(members), urban, hardship)
            if target is None:
                break
            draft = {
                "household_code": "draft",
                "area": "urban" if urban else "rural",
                **dwelling,
                "members": [{k: v for k, v in m.items() if v is not None} for m in surveyed],
            }
            # the generator's own answers, made to the schema (save_survey checks them in full)
            count = classify(
                draft, self.standard, REVIEW_REFERENCE_DATE, stored=True
            ).deprivation_count
            if (count >= 3) == (target == "poor"):
                break
        return surveyed, dwelling

    def review_income(
        self, urban: bool, target: str | None, applied: bool, agricultural: bool
    ) -> dict[str, int]:
        """Draw the income answer of a household to review; its Phiếu B is read from the
        register once the list is built (after the year's events)."""
        area = "urban" if urban else "rural"
        score_line = int(self.standard.score_method.b1_lines.for_area(area))
        if target is None and applied and agricultural and self.rng.random() < 0.6:
            # An application to be recognised as of average living standard: income measured.
            line = self.standard.income_lines.for_area(area)
            income = {"monthly_per_capita": self.rng.randrange(line + 1, line * 3 // 2, 1000)}
        elif target is None:
            income = {"b1_score": self.rng.randint(score_line + 1, score_line + 90)}
        else:
            income = {"b1_score": self.rng.randint(score_line - 55, score_line)}
        return income

    def application(self, round_id: int, household_id: int, head: str) -> None:
        """The household's application to be reviewed, which puts it on the 2025 review list."""
        workflow.add_application(
            self.cdb,
            round_id,
            household_id,
            kind="review",
            received_on="2025-09-20",
            applicant={"full_name": head},
            reason="Hộ gặp khó khăn, đề nghị được rà soát",
            channel="trực tiếp",
        )

    def meetings_and_posting(self, round_id: int) -> None:
        """Every village's meeting agreeing its households (no draw of the generator is used, so
        the commune stays the same), then the posting before the decision."""
        waiting: dict[int, list[int]] = {}
        for state in household_states(self.cdb.db, round_id):
            waiting.setdefault(state.village_id, []).append(state.household_id)
        for number, (village_id, households) in enumerate(sorted(waiting.items())):
            attending = 25 + (len(households) + number * 7) % 30
            officials = 5  # the commune's steering committee and the reviewers
            workflow.record_meeting(
                self.cdb,
                round_id,
                village_id,
                held_on=f"2025-11-{4 + number % 5:02d}",
                attendee_count=attending,
                votes={h: attending - (h % 4) for h in households},
                place="Nhà văn hóa thôn",
                chair="Trưởng thôn",
                secretary="Tổ rà soát",
                attendees={
                    "steering_committee": 2,
                    "reviewers": officials - 2,
                    "household_representatives": attending - officials,
                },
                represented_households=min(len(households), attending - officials),
            )
        if not waiting:  # a tiny commune with no household to review
            return
        workflow.open_posting(
            self.cdb, round_id, "2025-11-12", places="Nhà văn hóa các thôn; trụ sở UBND xã"
        )

    def write_statuses(
        self, household_id: int, statuses: dict[int, str | None], departure: str | None
    ) -> None:
        """The yearly statuses, up to the last decision before the household left the commune."""
        years = [y for y in sorted(statuses) if not departure or DECISIONS[y][1] < departure]
        for index, year in enumerate(years):
            status = statuses[year]
            previous = statuses[years[index - 1]] if index else None
            if status is None and previous is None:
                continue
            earlier = [statuses[y] for y in years[: max(0, index - 1)]]
            number, decided = DECISIONS[year]
            register.set_status(
                self.cdb,
                household_id,
                year,
                status or "not_poor",
                movement=movement(previous, status, earlier) if index else None,
                standard_id="2022-2025",
                decision_number=number,
                decision_date=decided,
            )

    def targets_and_budgets(self) -> None:
        total = commune_counts(self.cdb.db).households
        by_year = status_counts(self.cdb.db)
        for year in (2023, 2024, 2025, 2026):
            counts = by_year.get(min(year - 1, REVIEW_YEAR), {})
            poor_cut = max(1, round(counts.get("poor", 0) * 0.15))
            near_cut = max(1, round(counts.get("near_poor", 0) * 0.12))
            number = f"{40 + year % 100}/QĐ-UBND"
            decided = f"{year}-02-15"
            planned = {
                "poor_reduction": poor_cut,
                "poverty_rate": max(0, round((counts.get("poor", 0) - poor_cut) / total * 100, 2)),
                "near_poor_reduction": near_cut,
                "near_poverty_rate": max(
                    0, round((counts.get("near_poor", 0) - near_cut) / total * 100, 2)
                ),
                "health_insurance_share": 100,
                "school_attendance_share": 100,
                "clean_water_share": 98,
                "hygienic_latrine_share": 20,
                "information_access_share": 80,
                "workers_job_connected": 10,
                "workers_trained_share": 50,
                "staff_trained_share": 100,
            }
            for code, value in planned.items():
                programme.set_target(
                    self.cdb, year, code, value, decision_number=number, decision_date=decided
                )
        scale = max(1, round(self.household_count / 2500))
        plans = {
            "DA2": 450,
            "DA3.1": 620,
            "DA3.2": 90,
            "DA4.1": 180,
            "DA4.3": 60,
            "DA6.1": 40,
            "DA6.2": 35,
            "DA7.1": 45,
            "DA7.2": 25,
        }
        unspent: dict[tuple[str, str], int] = {}  # carried over into the next year
        for year in (2022, 2023, 2024, 2025):
            for project, millions in plans.items():
                for source, share in (("central", 0.8), ("province", 0.15), ("commune", 0.05)):
                    allocated = (
                        round(millions * share * scale * self.rng.uniform(0.8, 1.2)) * 1_000_000
                    )
                    rate = (
                        self.rng.uniform(0.55, 1.0) if year < 2025 else self.rng.uniform(0.4, 0.9)
                    )
                    disbursed = round(allocated * rate / 1_000_000) * 1_000_000
                    carried = unspent.get((project, source), 0)
                    line = programme.set_budget(
                        self.cdb,
                        year,
                        "2021-2025",
                        project,
                        source,
                        allocated,
                        capital="recurrent",
                        carried_over=carried,
                    )
                    self.disburse(line, year, disbursed)
                    unspent[(project, source)] = allocated + carried - disbursed
            # Dự án 1: a road or a school of the poor district, investment capital
            invested = 900_000_000 * scale
            line = programme.set_budget(
                self.cdb, year, "2021-2025", "DA1", "central", invested, capital="investment"
            )
            self.disburse(line, year, invested * (7 if year < 2025 else 5) // 10)
        self.activities_and_policies(scale)
        self.job_connections(scale)

    def disburse(self, budget_id: int, year: int, total: int) -> None:
        """Pay ``total`` (whole millions) on a budget line in up to three payments, as communes
        pay: a little by 30 June, more in the third quarter, the most in the last."""
        rng = self.payments_rng
        millions = total // 1_000_000
        early = round(millions * rng.uniform(0.15, 0.4))
        middle = round(millions * rng.uniform(0.2, 0.35))
        windows = ((date(year, 3, 1), 121), (date(year, 7, 1), 92), (date(year, 10, 1), 92))
        for (start, days), amount in zip(
            windows, (early, middle, millions - early - middle), strict=True
        ):
            if amount > 0:
                day = start + timedelta(days=rng.randrange(days))
                programme.add_disbursement(self.cdb, budget_id, day.isoformat(), amount * 1_000_000)

    def trainee(self, household_id: int, year: int) -> int | None:
        """The household's first member of working age (18 to 45) in ``year``, if any."""
        oldest, youngest = str(year - 45), str(year - 18)
        return next(
            (
                member["id"]
                for member in register.members_of(self.cdb.db, household_id)
                if oldest <= (member["birth_date"] or "")[:4] <= youngest
            ),
            None,
        )

    def activities_and_policies(self, scale: int) -> None:
        """Models, trainings and their beneficiaries among the year's poor and near-poor
        households (the lists of the year before), and the general policies they received."""
        plans = (
            ("DA3.1", "model", "Mô hình nuôi bò sinh sản", "1 con bò giống", 12, 15_000_000),
            ("DA2", "model", "Mô hình nuôi dê sinh sản", "5 con dê giống", 8, 10_000_000),
            ("DA4.1", "training", "Lớp đào tạo nghề may công nghiệp", "Học nghề 3 tháng", 20, 0),
            ("DA6.1", "communication", "Trang bị cụm loa truyền thanh thôn", None, 0, 0),
        )
        for year in (2023, 2024, 2025):
            listed = register.households_on_lists(self.cdb.db, year - 1)
            if not listed:
                continue
            for project, kind, name, support, reached, amount in plans:
                village = self.rng.choice(listed)[1]
                chosen = self.rng.sample(listed, min(len(listed), reached * scale))
                activity = activities.add_activity(
                    self.cdb,
                    year=year,
                    programme_id="2021-2025",
                    project_code=project,
                    name=f"{name} năm {year}",
                    kind=kind,
                    funding_source="central",
                    budget=amount * len(chosen) or None,
                    started_on=f"{year}-{self.rng.randint(3, 9):02d}-01",
                    village_id=village if kind != "training" else None,
                )
                for household_id, _, _ in sorted(chosen):
                    member = self.trainee(household_id, year) if kind == "training" else None
                    activities.add_beneficiary(
                        self.cdb,
                        activity,
                        household_id,
                        member_id=member,
                        support=support,
                        amount=amount or None,
                    )
            for household_id, _, status in listed:
                # dates spread over the year by household, so a half-year counts about half
                month = f"{year}-{1 + household_id % 12:02d}-10"
                grant = partial(activities.add_policy_benefit, self.cdb, year)
                grant("health_insurance", household_id, granted_on=f"{year}-01-15")
                if status == "poor":
                    grant("electricity", household_id, granted_on=month)
                if self.rng.random() < 0.25:
                    loan = self.rng.randint(6, 20) * 5_000_000
                    grant("credit", household_id, amount=loan, granted_on=month)
                if self.rng.random() < 0.15:
                    grant("tuition", household_id, granted_on=f"{year}-09-15")
                if self.rng.random() < 0.03:
                    grant("legal_aid", household_id, granted_on=month)

    def job_connections(self, scale: int) -> None:
        """Workers of poor and near-poor households connected to jobs (Tiểu dự án 3 of Dự án
        4) each year: every seventh listed household with a member of working age."""
        for year in (2023, 2024, 2025):
            listed = sorted(register.households_on_lists(self.cdb.db, year - 1))
            workers = [
                (household_id, member)
                for household_id, _, _ in listed[::7]
                if (member := self.trainee(household_id, year)) is not None
            ][: 6 * scale]
            if not workers:
                continue
            activity = activities.add_activity(
                self.cdb,
                year=year,
                programme_id="2021-2025",
                project_code="DA4.3",
                name=f"Phiên giao dịch việc làm, kết nối việc làm năm {year}",
                kind="other",
                funding_source="central",
                started_on=f"{year}-05-20",
            )
            for household_id, member in workers:
                activities.add_beneficiary(
                    self.cdb,
                    activity,
                    household_id,
                    member_id=member,
                    support="Kết nối việc làm thành công",
                )


MOVED_AWAY_REASONS = (
    "Cả hộ vào Bình Dương làm công nhân, chuyển hộ khẩu",
    "Chuyển đến sinh sống tại Thành phố Hồ Chí Minh",
    "Chuyển về quê vợ ở huyện khác",
    "Đi làm ăn xa, chuyển hộ khẩu theo nơi ở mới",
)
LEFT_REASONS = (
    "Đi làm công nhân, chuyển khẩu vào Bình Dương",
    "Đi học, chuyển khẩu theo nơi ở mới",
)
MARRIED_AWAY = {
    "female": "Kết hôn, chuyển về nhà chồng ở xã khác",
    "male": "Kết hôn, chuyển về nhà vợ ở tỉnh khác",
}
MOVED_IN_REASONS = (
    "Từ xã Tịnh Hà chuyển đến",
    "Từ huyện Bình Sơn chuyển về quê",
    "Từ tỉnh Gia Lai chuyển về quê",
    "Từ thành phố Quảng Ngãi chuyển đến làm ăn",
)
EVENTS_MIN_HOUSEHOLDS = 50  # a smaller (test) commune keeps its households as generated
# Chances per year (of a household, or of a member by age): rough shapes of a rural commune.
# households moving away: more of those ever on a list (they leave to find work)
MOVED_AWAY_CHANCE = {False: 0.003, True: 0.015}
MOVED_IN_PER_YEAR = 2.0 / 1000  # households moving in, per household of the commune
SPLIT_CHANCE = 0.02
MERGE_CHANCE = 0.03  # an old person living alone goes to live with a household of the village
BIRTH_CHANCE = 0.07
MARRIAGE_IN_CHANCE = 0.04
LEAVE_CHANCE = 0.04
MOVE_WITHIN_CHANCE = 0.01  # a young adult marries into another household of the village


def _death_chance(age: int) -> float:
    return 0.09 if age >= 80 else 0.03 if age >= 65 else 0.006 if age >= 45 else 0.001


@dataclass(frozen=True)
class _Planned:
    day: str
    kind: str
    household_id: int
    member_index: int | None = None


class _RegisterEvents:
    """Years of register events (births, deaths, marriages, members leaving and moving between
    households, households moving in and away, splits, merges, households ending), recorded
    through ``gnapp.store.events`` in date order. They draw from their own Random, so the
    commune's households, statuses and review answers are the draws they were without them."""

    def __init__(self, generator: _Generator) -> None:
        self.cdb = generator.cdb
        self.rng = random.Random(f"{generator.seed}:events")
        self.people = _Generator.__new__(_Generator)  # its people, drawn from the events' Random
        self.people.rng = self.rng
        self.people.names = _Names(self.rng)
        self.people.used_ids = generator.used_ids
        self.household_count = generator.household_count
        self.next_number = generator.household_count
        self.planned: list[_Planned] = []
        self.member_ids: dict[int, list[int]] = {}  # household id: its first members' ids
        self.departing: set[int] = set()  # households whose plan ends with leaving the commune
        self.recorded_until = ""

    def day_in(self, year: int, after: str = "") -> str:
        """A day of ``year`` (after ``after`` when given, not after the demo's today)."""
        start = date(year, 1, 1)
        if after:
            start = max(start, date.fromisoformat(after) + timedelta(days=1))
        end = min(date(year, 12, 31), EVENTS_UNTIL)
        return (start + timedelta(days=self.rng.randrange((end - start).days + 1))).isoformat()

    def plan_household(
        self, household_id: int, members: list[dict], listed: bool, applied: bool
    ) -> str | None:
        """Plan the household's events over the years; return the day it leaves the commune
        (moves away, merges, ends), if it does."""
        if self.household_count < EVENTS_MIN_HOUSEHOLDS:
            return None
        rng = self.rng
        self.member_ids[household_id] = [
            m["id"] for m in register.members_of(self.cdb.db, household_id)
        ]
        plans: list[_Planned] = []
        gone: set[int] = set()  # members who die, leave or move in the plan
        size = len(members)
        departure = None
        for year in EVENTS_YEARS:
            ages = [age_at(m["birth_date"], date(year, 7, 1)) for m in members]
            for index, member in enumerate(members):
                if index in gone:
                    continue
                head = member["relation"] == "head"
                alone = size == 1 and not applied  # a household that applied is still there
                if rng.random() < _death_chance(ages[index]) and (not head or alone):
                    day = self.day_in(year)
                    plans.append(_Planned(day, "died", household_id, index))
                    gone.add(index)
                    size -= 1
                    if size == 0:
                        plans.append(_Planned(day, "ended", household_id))
                        departure = day
                elif not head and 19 <= ages[index] <= 32 and size > 1:
                    roll = rng.random()
                    if roll < LEAVE_CHANCE:
                        kind = "left"
                    elif roll < LEAVE_CHANCE + MOVE_WITHIN_CHANCE:
                        kind = "moved_within"
                    elif roll < LEAVE_CHANCE + MOVE_WITHIN_CHANCE + SPLIT_CHANCE and size > 2:
                        kind = "split"
                    else:
                        continue
                    plans.append(_Planned(self.day_in(year), kind, household_id, index))
                    gone.add(index)
                    size -= 1
            if departure:
                break
            mothers = [
                a
                for m, a in zip(members, ages, strict=True)
                if m["sex"] == "female" and 20 <= a <= 40
            ]
            if mothers and size < 9 and rng.random() < BIRTH_CHANCE:
                plans.append(_Planned(self.day_in(year), "born", household_id))
                size += 1
            grooms = [
                a
                for m, a in zip(members, ages, strict=True)
                if m["sex"] == "male" and m["relation"] == "child" and 22 <= a <= 32
            ]
            if grooms and size < 9 and rng.random() < MARRIAGE_IN_CHANCE:
                plans.append(_Planned(self.day_in(year), "married_in", household_id))
                size += 1
            if size == 1 and ages[0] >= 75 and rng.random() < MERGE_CHANCE and not applied:
                departure = self.day_in(year)
                plans.append(_Planned(departure, "merged_into", household_id))
            elif not applied and rng.random() < MOVED_AWAY_CHANCE[listed]:
                departure = self.day_in(year)
                plans.append(_Planned(departure, "moved_away", household_id))
            if departure:
                break
        if departure:  # nothing after the household left
            plans = [p for p in plans if p.day <= departure]
            self.departing.add(household_id)
        self.planned.extend(plans)
        return departure

    def plan_moves_in(self) -> None:
        """Households coming from elsewhere (created when their day comes)."""
        if self.household_count < EVENTS_MIN_HOUSEHOLDS:
            return
        for year in EVENTS_YEARS:
            expected = self.household_count * MOVED_IN_PER_YEAR
            count = int(expected) + (self.rng.random() < expected % 1)
            self.planned.extend(_Planned(self.day_in(year), "moved_in", 0) for _ in range(count))

    def record(self, until: str) -> None:
        """Record the planned events dated up to ``until`` (and after those already recorded),
        oldest first."""
        if not self.recorded_until:
            self.plan_moves_in()
            self.planned.sort(key=lambda p: p.day)
        due = [p for p in self.planned if self.recorded_until < p.day <= until]
        for planned in due:
            self.record_one(planned)
        self.recorded_until = until

    def member(self, planned: _Planned) -> dict[str, Any] | None:
        """The planned event's member, if still in its household (a member moved by a split
        or a move is no longer there)."""
        assert planned.member_index is not None
        member_id = self.member_ids[planned.household_id][planned.member_index]
        rows = [m for m in register.members_of(self.cdb.db, planned.household_id)]
        return next((m for m in rows if m["id"] == member_id), None)

    def record_one(self, planned: _Planned) -> None:
        cdb, rng, day = self.cdb, self.rng, planned.day
        household_id = planned.household_id
        kind = planned.kind
        if kind == "moved_in":
            self.move_in(day)
        elif kind == "moved_away":
            events.record_moved_away(cdb, household_id, day, rng.choice(MOVED_AWAY_REASONS))
        elif kind == "ended":
            events.record_ended(cdb, household_id, day, "Chủ hộ sống một mình đã qua đời")
        elif kind == "merged_into":
            self.merge(household_id, day)
        elif kind == "born":
            self.birth(household_id, day)
        elif kind == "married_in":
            self.marriage(household_id, day)
        elif (member := self.member(planned)) is None:
            return
        elif kind == "died":
            events.record_death(cdb, member["id"], day)
        elif kind == "left":
            married = rng.random() < 0.6
            reason = MARRIED_AWAY[member["sex"]] if married else rng.choice(LEFT_REASONS)
            events.record_left(cdb, member["id"], day, reason)
        elif kind == "moved_within":
            self.move_within(member, day)
        elif kind == "split":
            self.split(household_id, member, day)

    def new_code(self) -> str:
        self.next_number += 1
        return f"HGD-{self.next_number:05d}"

    def household_to_join(self, household_id: int, day: str) -> int | None:
        """Another household of the household's village present on ``day`` with room (fewer
        than 8 members) and no plan to leave, drawn at random; None if there is none."""
        village = register.stored_household(self.cdb.db, household_id)["village_id"]
        present = households_present(self.cdb.db, day, village)
        others = [h for h in present if h != household_id and h not in self.departing]
        for _ in range(min(10, len(others))):
            chosen = self.rng.choice(others)
            if len(register.members_of(self.cdb.db, chosen)) < 8:
                return chosen
        return None

    def move_in(self, day: str) -> None:
        villages = [v["id"] for v in register.villages(self.cdb.db)]
        village_id = self.rng.choice(villages)
        village = next(v for v in register.villages(self.cdb.db) if v["id"] == village_id)
        urban = village["area"] == "urban"
        members = self.people.roster(minority=False)
        surveyed, dwelling = self.people.answers(members, urban, 0.2, None)
        fields = {"code": self.new_code(), "village_id": village_id, "agricultural": not urban,
                  **dwelling}  # fmt: skip
        household_id = register.add_household(self.cdb, fields, surveyed)
        events.record_moved_in(self.cdb, household_id, day, self.rng.choice(MOVED_IN_REASONS))

    def merge(self, household_id: int, day: str) -> None:
        into = self.household_to_join(household_id, day)
        if into is None:
            events.record_ended(self.cdb, household_id, day, "Người sống một mình về ở với con")
            return
        events.merge_households(self.cdb, household_id, into, day, "Về ở với gia đình con")

    def newcomer(self, household_id: int, relation: str, sex: str, born: date) -> dict[str, Any]:
        """A person born on ``born`` joining the household, with the Phiếu B answers of its
        members."""
        head = register.members_of(self.cdb.db, household_id)[0]
        ethnicity = head["ethnicity"] or "Kinh"
        if relation in ("child", "grandchild"):
            family = head["full_name"].split()[0]
        else:
            family = self.people.names.family(ethnicity != "Kinh")
        person = {
            "full_name": self.people.names.person(sex, family),
            "sex": sex,
            "birth_date": born.isoformat(),
            "citizen_id": self.people.citizen_id(sex, born.year),
            "relation": relation,
            "ethnicity": ethnicity,
        }
        return {**person, **self.people.survey_member(person, 0.3)}

    def birth(self, household_id: int, day: str) -> None:
        members = register.members_of(self.cdb.db, household_id)
        in_law = any(m["relation"] == "child_in_law" for m in members)
        sex = self.rng.choice(("male", "female"))
        child = self.newcomer(
            household_id, "grandchild" if in_law else "child", sex, date.fromisoformat(day)
        )
        events.record_birth(self.cdb, household_id, day, child)

    def marriage(self, household_id: int, day: str) -> None:
        age = self.rng.randint(19, 28)
        born = date.fromisoformat(day) - timedelta(days=age * 365 + self.rng.randrange(365))
        bride = self.newcomer(household_id, "child_in_law", "female", born)
        events.record_joined(
            self.cdb, household_id, day, "marriage", member=bride, reason="Kết hôn, về làm dâu"
        )

    def move_within(self, member: dict[str, Any], day: str) -> None:
        into = self.household_to_join(member["household_id"], day)
        if into is None:
            return
        events.record_joined(
            self.cdb,
            into,
            day,
            "from_household",
            member={"relation": "child_in_law"},
            from_member_id=member["id"],
            reason="Kết hôn",
        )

    def split(self, household_id: int, member: dict[str, Any], day: str) -> None:
        events.split_household(self.cdb, household_id, [member["id"]], day, code=self.new_code(),
                               reason="Con lập gia đình, ra ở riêng")  # fmt: skip


def create_demo(
    path: str | Path,
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Build a demo commune database at ``path`` (which must not exist)."""
    path = Path(path)
    cdb = open_database(path, create=True, actor="dữ liệu mẫu", clock=lambda: FIXED_CLOCK)
    # The commune is written in one transaction: with the usual 64 MiB of page cache, the
    # 20,000-household demo's pages spilled to the WAL and were read back (1.5 s of 35).
    cdb.use_page_cache(DEMO_CACHE_KIB)
    try:
        # every row added to a household's tables logged as a run of one row, not a JSON copy
        with (
            cdb.transaction() as db,
            cdb.without_savepoints(),
            changelog.inserts_logged_as_runs(db, HOUSEHOLD_TABLES),
        ):
            _Generator(cdb, households, seed).run(progress)
        cdb.pack()
        counts = commune_counts(cdb.db)
        return DemoSummary(
            path=path,
            households=counts.households,
            members=counts.members,
            villages=counts.villages,
            statuses=status_counts(cdb.db),
        )
    finally:
        cdb.close()


DEMO_CACHE_KIB = 256 * 1024  # taken only as pages are written: 12 MB for the default demo
BUNDLED_DEMO = "xa-son-minh.gnapp"
# The installer ships the demo compressed: 11.6 MB of SQLite become about 1.8 MB (xz).
BUNDLED_DEMO_XZ = f"{BUNDLED_DEMO}.xz"


def _generator_fingerprint() -> str:
    """Changes whenever the generator or its name pools change, so a stale cache is not reused."""
    try:
        digest = hashlib.sha256(Path(__file__).read_bytes())
    except OSError:  # a frozen build without sources: its version says enough
        digest = hashlib.sha256(__version__.encode())
    digest.update(resource_file("demo", "names.json").read_bytes())
    return digest.hexdigest()[:12]


def _demo_source(progress: Callable[[int, int], None] | None) -> Path | Traversable:
    """The demo commune to copy: the bundled (compressed) file if the build shipped one, else a
    cached generation (made once per GNApp version, schema and seed, written whole or not at
    all)."""
    bundled = resource_file("demo", BUNDLED_DEMO_XZ)
    if bundled.is_file():
        return bundled
    cache = user_cache_dir() / (
        f"demo-{__version__}-v{LATEST_VERSION}-{_generator_fingerprint()}-"
        f"{DEFAULT_HOUSEHOLDS}-{DEFAULT_SEED}.gnapp"
    )
    if not cache.is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache.parent) as scratch:
            made = Path(scratch) / BUNDLED_DEMO
            create_demo(made, DEFAULT_HOUSEHOLDS, DEFAULT_SEED, progress)
            os.replace(made, cache)
    return cache


def fresh_demo_copy(target: str | Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write a fresh copy of the demo commune to ``target`` (a new file) and return its path.

    The source is ``resources/demo/xa-son-minh.gnapp.xz`` when the installer bundled one;
    otherwise the demo is generated once (``progress`` reports it) and kept in the user's
    cache folder, so later starts copy it at once.
    """
    target = Path(target)
    if target.exists():
        raise DatabaseError(tr("Tệp đã tồn tại, không ghi đè: {path}", path=target))
    source = _demo_source(progress)
    content = source.read_bytes()
    target.write_bytes(lzma.decompress(content) if source.name == BUNDLED_DEMO_XZ else content)
    return target
