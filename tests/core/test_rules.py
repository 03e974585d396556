"""The rule language: three-valued evaluation, spans, missing data, compile-time checks."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gnapp.core.rules import (
    EMPTY,
    Household,
    RuleError,
    Span,
    compile_rule,
    compile_template,
    render_value,
)

BOOL_FIELDS = ("walls_durable", "frame_durable", "roof_durable")


def household(members: list[dict[str, Any]] | None = None, **fields: Any) -> Household:
    """A household for rules; members carry their derived fields under "derived"."""
    members = members or [{"full_name": "Nguyễn Văn An"}]
    raw = [{k: v for k, v in m.items() if k != "derived"} for m in members]
    derived = tuple(
        {name: (value, EMPTY) for name, value in m.get("derived", {}).items()} for m in members
    )
    return Household({"members": raw, **fields}, derived)


def value(expression: Any, home: Household, **compile_options: Any) -> Any:
    compile_options.setdefault("kind", None)
    return compile_rule(expression, **compile_options).evaluate(home)[0]


def field(name: str) -> dict[str, str]:
    return {"field": name}


KLEENE_AND = {
    (True, True): True,
    (True, False): False,
    (True, None): None,
    (False, False): False,
    (False, None): False,
    (None, None): None,
}


@pytest.mark.parametrize(("a", "b"), list(itertools.product((True, False, None), repeat=2)))
def test_all_any_and_not_follow_kleene(a, b):
    home = household(walls_durable=a, frame_durable=b)
    operands = [field("household.walls_durable"), field("household.frame_durable")]
    conjunction = KLEENE_AND.get((a, b), KLEENE_AND.get((b, a)))
    assert value({"all": operands}, home) is conjunction
    negated = [{"not": [operand]} for operand in operands]
    disjunction = value({"any": operands}, home)
    not_both_negated = value({"not": [{"all": negated}]}, home)
    assert disjunction is not_both_negated  # De Morgan holds in Kleene logic
    assert value({"not": [operands[0]]}, home) is (None if a is None else not a)


def test_missing_fields_are_reported_only_while_they_matter():
    home = household(walls_durable=None, frame_durable=False)
    rule = compile_rule(
        {"all": [field("household.walls_durable"), field("household.frame_durable")]}
    )
    assert rule.evaluate(home) == (False, EMPTY)
    either = compile_rule(
        {"any": [field("household.walls_durable"), field("household.frame_durable")]}
    )
    assert either.evaluate(home) == (None, frozenset({("household.walls_durable", None)}))


def test_an_absent_field_is_unknown_like_null():
    assert value(field("household.uses_telecom"), household()) is None


def test_count_true_gives_a_span_and_comparisons_decide_when_they_can():
    home = household(walls_durable=False, frame_durable=False, roof_durable=None)
    count = {"count_true": [{"not": [field(f"household.{name}")]} for name in BOOL_FIELDS]}
    assert value(count, home) == Span(2, 3)
    assert value({">=": [count, 2]}, home) is True
    assert value({">=": [count, 3]}, home) is None
    assert value({"<": [count, 2]}, home) is False
    assert value({"==": [count, 5]}, home) is False
    assert value({"==": [count, 2]}, home) is None
    assert value({"!=": [count, 1]}, home) is True
    assert value({"in": [count, [0, 1]]}, home) is False
    assert value({"in": [count, [1, 3]]}, home) is None
    assert value({"not_in": [count, [4]]}, home) is True


def test_member_operators():
    members = [
        {"full_name": "A", "has_health_insurance": True, "derived": {"age": 40}},
        {"full_name": "B", "has_health_insurance": False, "derived": {"age": 7}},
        {"full_name": "C", "has_health_insurance": None, "derived": {"age": 3}},
        {"full_name": "D", "has_health_insurance": None, "derived": {"age": 70}},
    ]
    home = household(members)
    uninsured = {"not": [field("member.has_health_insurance")]}
    assert value({"member_count": []}, home) == 4
    assert value({"count_members": [uninsured]}, home) == Span(1, 3)
    assert value({"share_of_members": [uninsured]}, home) == Span(Decimal("0.25"), Decimal("0.75"))
    assert value({"any_member": [uninsured]}, home) is True
    adults = {"all": [{">=": [field("member.age"), 18]}, uninsured]}
    rule = compile_rule({"any_member": [adults]})
    assert rule.evaluate(home) == (None, frozenset({("member.has_health_insurance", 3)}))
    assert rule.member_condition is not None
    assert [rule.member_condition.evaluate(home, member=i)[0] for i in range(4)] == [
        False,
        False,
        False,
        None,
    ]


def test_a_share_is_exact():
    members = [{"full_name": str(i), "can_work": i % 2 == 0} for i in range(6)]
    share = {"share_of_members": [{"not": [field("member.can_work")]}]}
    assert value(share, household(members)) == Decimal("0.5")
    assert value({">": [share, 0.5]}, household(members)) is False


def test_division_is_exact_in_decimals_and_unknown_when_a_part_is():
    home = household([{"full_name": str(i)} for i in range(3)], floor_area_m2=24.3)
    per_member = {"/": [field("household.floor_area_m2"), {"member_count": []}]}
    assert value(per_member, home) == Decimal("8.1")
    assert value({"<": [per_member, 8.1]}, home) is False
    assert value(per_member, household()) is None
    assert value({"/": [1, 0]}, household()) is None


def test_in_not_in_and_contains_any():
    home = household(water_source="rainwater", information_devices=["phone"])
    safe = ["piped", "rainwater"]
    assert value({"in": [field("household.water_source"), safe]}, home) is True
    assert value({"not_in": [field("household.water_source"), safe]}, home) is False
    devices = field("household.information_devices")
    assert value({"contains_any": [devices, ["tv", "smartphone"]]}, home) is False
    assert value({"contains_any": [devices, ["phone"]]}, home) is True
    assert value({"in": [field("household.latrine"), ["septic"]]}, home) is None


def test_params_and_variables():
    rule = compile_rule(
        {"<": [{"var": "per_member"}, {"param": "minimum"}]},
        params={"minimum": 8},
        variables={"per_member": compile_rule(1.5, kind=None).kind},
    )
    assert rule.evaluate(household(), {"per_member": (Decimal(6), EMPTY)})[0] is True
    assert rule.evaluate(household(), {"per_member": (None, EMPTY)})[0] is None


# --- compile-time checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "options", "path", "message"),
    [
        ({"xor": [True, False]}, {}, "rule.xor", "toán tử không biết 'xor'"),
        ({"not": [True, False]}, {}, "rule.not", "'not' cần 1 đối số, có 2"),
        ({"all": []}, {}, "rule.all", "'all' cần từ 1 trở lên đối số, có 0"),
        ({"not": True}, {}, "rule.not", "phải đặt trong một danh sách"),
        ({"all": [True], "any": [True]}, {}, "rule", "mỗi biểu thức có đúng một khóa"),
        (field("household.pets"), {}, "rule.field", "trường không biết 'household.pets'"),
        (field("household.members"), {}, "rule.field", "trường không biết"),
        (field("floor_area_m2"), {}, "rule.field", "trường không biết 'floor_area_m2'"),
        (field("member.age"), {}, "rule.field", "chỉ dùng được bên trong any_member"),
        (
            {"any_member": [field("member.dependant")]},
            {"excluded_fields": frozenset({"dependant"})},
            "rule.any_member[0].field",
            "trường không biết 'member.dependant'",
        ),
        ({"param": "minimum"}, {}, "rule.param", "tham số không biết 'minimum'"),
        ({"var": "share"}, {}, "rule.var", "biến không biết 'share'"),
        ({"==": [field("household.uses_telecom"), None]}, {}, "rule.==[1]", "không dùng null"),
        ({"<": [field("household.area"), 3]}, {}, "rule.<[0]", "'<' cần số ở đối số 0"),
        (
            {"==": [field("household.area"), "mountain"]},
            {},
            "rule.==",
            "giá trị mountain không có trong mẫu bản ghi hộ",
        ),
        (
            {"in": [field("household.water_source"), {"param": "safe"}]},
            {"params": {"safe": ["piped", "well"]}},
            "rule.in",
            "giá trị well không có trong mẫu bản ghi hộ",
        ),
        (
            {"in": [field("household.water_source"), ["piped", 3]]},
            {},
            "rule.in[1]",
            "cùng một kiểu",
        ),
        (
            {"any_member": [{"any_member": [True]}]},
            {},
            "rule.any_member[0].any_member[0]",
            "không lồng 'any_member'",
        ),
        ({"count_members": [3]}, {}, "rule.count_members[0]", "cần một điều kiện đúng/sai"),
        ({"member_count": []}, {"kind": "bool"}, "rule", "biểu thức phải cho điều kiện đúng/sai"),
        (field("household.income"), {}, "rule.field", "một nhóm trường"),
    ],
)
def test_bad_rules_are_refused_with_the_offending_piece(expression, options, path, message):
    with pytest.raises(RuleError) as caught:
        compile_rule(expression, where="rule", **options)
    assert caught.value.path == path
    assert message in caught.value.reason


def test_fields_named_by_a_rule_are_collected():
    rule = compile_rule(
        {"any_member": [{"all": [field("member.working_age"), field("member.malnourished")]}]}
    )
    assert rule.fields == {"member.working_age", "member.malnourished"}


# --- templates ------------------------------------------------------------------------------


def test_render_value():
    assert render_value(None) == "chưa rõ"
    assert render_value(True) == "có"
    assert render_value(Decimal("7.5")) == "7,5"
    assert render_value(1_500_000) == "1.500.000"
    assert render_value(Decimal("0.6"), style="percent") == "60%"
    assert render_value(Span(2, 3)) == "2–3"
    assert (
        render_value("surface_water", "household.water_source") == "nước mặt (sông, suối, ao, hồ)"
    )
    assert render_value(["tv", "phone"], "household.information_devices") == (
        "ti vi, điện thoại thường"
    )
    assert render_value([], "household.information_devices") == "không có"


def test_a_template_fills_fields_params_and_variables():
    template = compile_template(
        "Diện tích {household.floor_area_m2} m², bình quân {var.per} m²/người, dưới {param.min} m²"
        " ({var.share:percent})",
        params={"min": 8},
        variables={
            "per": compile_rule(1, kind=None).kind,
            "share": compile_rule(1, kind=None).kind,
        },
    )
    text = template.render(
        household(floor_area_m2=30),
        {"per": (Decimal(6), EMPTY), "share": (Decimal("0.6"), EMPTY)},
    )
    assert text == "Diện tích 30 m², bình quân 6 m²/người, dưới 8 m² (60%)"


def test_an_each_member_template_lists_every_member_given():
    members = [
        {"full_name": "Nguyễn Thị Hoa", "employment": "unemployed", "derived": {"age": 7}},
        {"full_name": "Lê Văn Bình", "employment": "unstable", "derived": {"age": 30}},
    ]
    template = compile_template(
        {"each_member": "{member.full_name}, {member.age} tuổi, {member.employment}"}
    )
    assert template.render(household(members), {}, [0, 1]) == (
        "Nguyễn Thị Hoa, 7 tuổi, thất nghiệp; Lê Văn Bình, 30 tuổi, việc làm không ổn định"
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("{household.pets}", "chỗ điền không biết {household.pets}"),
        ("{member.full_name}", "chỗ điền không biết {member.full_name}"),
        ("{param.min}", "chỗ điền không biết {param.min}"),
        ("{var.x}", "chỗ điền không biết {var.x}"),
        ("{household.floor_area_m2:money}", "kiểu hiển thị không biết 'money'"),
        ("Thiếu ngoặc {household.floor_area_m2", "dấu ngoặc { } không khớp"),
        ("  ", "mẫu câu trống"),
        ({"each": "x"}, "mẫu câu phải là một chuỗi"),
        (42, "mẫu câu phải là một chuỗi"),
    ],
)
def test_bad_templates_are_refused(spec, message):
    with pytest.raises(RuleError, match=message.replace("{", r"\{").replace("}", r"\}")):
        compile_template(spec, where="reason_deprived")


# --- properties -----------------------------------------------------------------------------

LEAVES = [field(f"household.{name}") for name in BOOL_FIELDS]

conditions = st.recursive(
    st.sampled_from(LEAVES) | st.booleans(),
    lambda inner: st.one_of(
        st.builds(lambda items: {"all": items}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda items: {"any": items}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda item: {"not": [item]}, inner),
        st.builds(
            lambda items, limit: {">=": [{"count_true": items}, limit]},
            st.lists(inner, min_size=1, max_size=3),
            st.integers(0, 3),
        ),
    ),
    max_leaves=8,
)


@given(expression=conditions, data=st.tuples(*[st.sampled_from([True, False, None])] * 3))
def test_a_decided_answer_holds_however_the_missing_data_turn_out(expression, data):
    known = dict(zip(BOOL_FIELDS, data, strict=True))
    rule = compile_rule(expression)
    result, missing = rule.evaluate(household(**known))
    unknown = [name for name in BOOL_FIELDS if known[name] is None]
    completions = [
        rule.evaluate(household(**(known | dict(zip(unknown, filled, strict=True)))))[0]
        for filled in itertools.product((True, False), repeat=len(unknown))
    ]
    assert all(outcome in (True, False) for outcome in completions)
    if result is None:
        assert missing and {name for name, _ in missing} <= {f"household.{n}" for n in unknown}
    else:
        assert missing == EMPTY
        assert set(completions) == {result}
