"""Questionnaires' answers stored compactly (gnapp.store.answers): both forms read the same,
every writer writes the compact one, an undo puts back the exact earlier text, the migration
rewrites an older file's rows without logging them."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.store import changelog, migrations, register, review
from gnapp.store.answers import COMPACT_PREFIX, answers_json, decode_answers, encode_answers
from gnapp.store.batches import undo_batch
from gnapp.store.database import open_database


def _plain(record):
    """The answers as the store wrote them before the compact form (and as an undo may put a
    row back)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _stored(cdb, round_id, household_id, form="B"):
    return cdb.db.execute(
        "SELECT answers FROM questionnaires WHERE round_id = ? AND household_id = ? AND form = ?",
        [round_id, household_id, form],
    ).fetchone()[0]


RECORD = {
    "household_code": "T01-007",
    "area": "rural",
    "members": [
        {"full_name": "Nguyễn Thị Ánh Tuyết", "relation": "head", "birth_date": "1968"},
        {"full_name": "Hoàng Văn Đức", "relation": "child", "schooling": "attending"},
    ],
    "income": {"b1_score": 118.5, "b1_answers": {"b1_01": "có", "b1_02": None}},
    "form_a": {"eligible_for_form_b": False, "note": "Thu nhập ổn định — đủ ăn"},
}

# JSON values with Vietnamese letters in keys and strings (every tone mark, đ, upper and lower;
# no lone surrogates: SQLite cannot store them in either form)
_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợ"
_VIETNAMESE += 'ùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ "\\/\n\t{}:,z'
_text = st.text(
    alphabet=st.sampled_from(_VIETNAMESE) | st.characters(exclude_categories=["Cs"]), max_size=30
)
_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
)
_values = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_text, inner, max_size=5),
    max_leaves=40,
)
_records = st.dictionaries(_text, _values, max_size=8)


@given(_records)
def test_both_forms_read_as_the_same_record(record):
    compact = encode_answers(record)
    assert compact.startswith(COMPACT_PREFIX) and compact.isascii()
    assert decode_answers(compact) == record
    assert decode_answers(_plain(record)) == record
    # JSON text is kept exactly, and text already compact is left as it is
    assert answers_json(encode_answers(_plain(record))) == _plain(record)
    assert encode_answers(compact) == compact


def test_the_compact_form_is_about_half_the_plain_one():
    record = {**RECORD, "members": RECORD["members"] * 4}
    assert len(encode_answers(record)) < 0.6 * len(_plain(record))


@pytest.mark.parametrize(
    ("damaged", "said"),
    [
        ("z:not base64!", "bị hỏng, không giải nén được"),
        ("z:" + "aGVsbG8=", "bị hỏng, không giải nén được"),  # base64, but not zlib data
        (encode_answers("[1, 2]"), "không phải một hồ sơ hộ"),  # JSON, but no record
        ("[]", "không phải một hồ sơ hộ"),
    ],
)
def test_damaged_answers_are_a_value_error_saying_so(damaged, said):
    with pytest.raises(ValueError, match=said):
        decode_answers(damaged)


def _survey(cdb, households=1):
    """A commune with households on a round's list: (round id, household ids)."""
    register.save_commune(cdb, code="21555", name="Xã Thử", kind="xa", province="Quảng Ngãi")
    village = register.add_village(cdb, "T01", "Thôn An Phú", "rural")
    head = {"full_name": "Nguyễn Văn A", "sex": "male", "birth_date": "1970", "relation": "head"}
    round_id = review.open_round(cdb, 2026, "periodic", "2022-2025", "2026-09-01", "list")
    ids = []
    for n in range(1, households + 1):
        ids.append(register.add_household(cdb, {"code": f"H{n}", "village_id": village}, [head]))
        review.add_entry(
            cdb, round_id, ids[-1], source="added", previous_status=None, added_reason="x"
        )
    return round_id, ids


@pytest.fixture
def surveyed(new_db):
    """A commune with one household on a round's list: (database, round id, household id)."""
    round_id, [household] = _survey(new_db)
    return new_db, round_id, household


def test_a_questionnaire_is_saved_compact_and_read_back_as_it_was(surveyed):
    cdb, round_id, household = surveyed
    review.save_questionnaire(cdb, round_id, household, "B", RECORD, state="complete")
    assert _stored(cdb, round_id, household).startswith(COMPACT_PREFIX)
    assert review.questionnaire(cdb.db, round_id, household, "B")["answers"] == RECORD
    assert review.complete_survey_answers(cdb.db, round_id) == [(RECORD, None)]
    assert review.latest_incomes(cdb.db) == {household: RECORD["income"]}
    later = review.open_round(cdb, 2027, "periodic", "2022-2025", "2027-09-01", "list")
    assert review.earlier_answers(cdb.db, later, household) == RECORD


@pytest.mark.parametrize("form", ["compact", "plain"])
def test_the_review_list_reads_phieu_a_s_eligibility_from_either_form(surveyed, form):
    cdb, round_id, household = surveyed
    review.save_questionnaire(cdb, round_id, household, "A", RECORD, state="complete")
    if form == "plain":  # a row of a file from before, or one an undo put back
        with cdb.transaction() as db:
            db.execute("UPDATE questionnaires SET answers = ?", [_plain(RECORD)])
    assert _stored(cdb, round_id, household, "A").startswith(COMPACT_PREFIX) == (form == "compact")
    [row] = review.entry_progress(cdb.db, round_id)
    assert (row["a_state"], row["a_eligible"]) == ("complete", 0)
    assert review.questionnaire(cdb.db, round_id, household, "A")["answers"] == RECORD


def test_undoing_an_edit_puts_back_the_exact_earlier_text(surveyed):
    cdb, round_id, household = surveyed
    review.save_questionnaire(cdb, round_id, household, "B", RECORD)
    with cdb.transaction() as db:  # as a file from before the compact form holds it
        db.execute("UPDATE questionnaires SET answers = ?", [_plain(RECORD)])
    for edit in ({**RECORD, "area": "urban"}, {**RECORD, "area": "mountain"}):
        before = _stored(cdb, round_id, household)
        with cdb.batch("edit", "Sửa phiếu") as batch_id:
            review.save_questionnaire(cdb, round_id, household, "B", edit)
        assert _stored(cdb, round_id, household).startswith(COMPACT_PREFIX)
        undo_batch(cdb, batch_id)
        assert _stored(cdb, round_id, household) == before  # plain JSON, then compact
        review.save_questionnaire(cdb, round_id, household, "B", edit)
    assert review.questionnaire(cdb.db, round_id, household, "B")["answers"]["area"] == "mountain"


def test_the_migration_compacts_an_older_files_answers_without_logging_them(
    tmp_path, monkeypatch, members_as_before_v28
):
    path = tmp_path / "cu.gnapp"
    before = migrations.COMPACT_ANSWERS.version - 1
    records = [{**RECORD, "household_code": f"H{n}"} for n in range(1, 4)]
    edited = {**records[0], "x": 1}
    with monkeypatch.context() as old_code:  # the store as it wrote answers before
        old_code.setattr(review, "encode_answers", _plain)
        with open_database(path, create=True, target_version=before, actor="Cán bộ") as old:
            round_id, households = _survey(old, 3)
            for household, record in zip(households, records, strict=True):
                review.save_questionnaire(old, round_id, household, "B", record, state="complete")
            with old.batch("edit", "Sửa phiếu") as edit_batch:
                review.save_questionnaire(
                    old, round_id, households[0], "B", edited, state="complete"
                )
            plain = dict(old.db.execute("SELECT id, answers FROM questionnaires").fetchall())
            log_length = old.db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    assert all(text.startswith("{") for text in plain.values())

    with open_database(path, actor="Cán bộ") as cdb:
        stored = dict(cdb.db.execute("SELECT id, answers FROM questionnaires").fetchall())
        assert all(text.startswith(COMPACT_PREFIX) for text in stored.values())
        assert {row: answers_json(text) for row, text in stored.items()} == plain
        read = [answers for answers, _ in review.complete_survey_answers(cdb.db, round_id)]
        assert sorted(read, key=_plain) == sorted([edited, *records[1:]], key=_plain)
        # not logged: no clerk's edit, the chain holds, and the earlier edit can still be undone
        assert cdb.db.execute("SELECT count(*) FROM change_log").fetchone()[0] == log_length
        assert changelog.verify_chain(cdb.db.conn) is None
        undo_batch(cdb, edit_batch)
        assert review.questionnaire(cdb.db, round_id, households[0], "B")["answers"] == records[0]
        # a questionnaire edited after the migration is logged as always
        review.save_questionnaire(cdb, round_id, households[0], "B", records[1])
        (old_values, new_values) = cdb.db.execute(
            "SELECT old_values, new_values FROM change_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert decode_answers(json.loads(new_values)["answers"]) == records[1]
        assert json.loads(old_values)["answers"] == _plain(records[0])
