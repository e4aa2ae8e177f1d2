"""The governance checklist and its arithmetic: weights, not-applicable items, gaps, comparison."""
import pytest

from scoring.scope.governance import (
    Answer,
    AssessmentError,
    compare,
    load_checklist,
    score,
    validate,
)
from scoring.standard import Standard


@pytest.fixture(scope="module")
def standard(built_services) -> Standard:
    return built_services.standard


@pytest.fixture(scope="module")
def checklist(standard):
    return load_checklist(standard)


def answers_for(checklist, section: str, *codes: str) -> dict[str, Answer]:
    """Answers for the items of one section, in checklist order ("" leaves an item unanswered)."""
    items = [item for item in checklist if item.section == section]
    return {item.id: Answer(code, "理由" if code == "na" else "")
            for item, code in zip(items, codes) if code}


def test_checklist_is_built_from_clauses_3_4_1_and_5_1_1_to_5_3_2(checklist, standard):
    cited = {item.citation.clause for item in checklist}
    assert cited == {"3", "4.1", "5.1.1", "5.1.2", "5.1.3", "5.2.1", "5.2.2", "5.2.3", "5.3.1",
                     "5.3.2"}
    assert [s for s in dict.fromkeys(item.section_heading for item in checklist)] == [
        "3 基本原则", "4 外包要素", "5.1 战略管理", "5.2 组织制度管理", "5.3 流程管理"]
    for item in checklist:
        assert item.citation.quote in standard.clauses[item.citation.clause].text
        assert item.question.endswith("?") and item.action and item.weight > 0


# Section 3 holds four items weighing 3, 2, 1 and 2.
@pytest.mark.parametrize("codes, expected", [
    (("met", "met", "met", "met"), 100.0),
    (("not_met", "not_met", "not_met", "not_met"), 0.0),
    (("partial", "partial", "partial", "partial"), 50.0),
    (("met", "not_met", "met", "not_met"), 50.0),        # (3 + 1) / 8
    (("met", "partial", "not_met", "na"), 66.7),          # (3 + 1) / 6: 不适用 leaves the denominator
    (("na", "na", "na", "met"), 100.0),
    (("na", "na", "na", "na"), None),                     # nothing applicable: no score
    (("not_met", "", "", ""), 0.0),                       # unanswered items are not counted
    (("", "", "", ""), None),
])
def test_section_score(checklist, codes, expected):
    result = score(checklist, answers_for(checklist, "3", *codes))
    assert result.sections[0].score == expected


def test_overall_score_weighs_items_not_sections(checklist):
    answers = {**answers_for(checklist, "3", "met", "met", "met", "met"),        # 8 of 8
               **answers_for(checklist, "4", "not_met", "not_met", "na", "na")}  # 0 of 2
    result = score(checklist, answers)
    assert [s.score for s in result.sections[:2]] == [100.0, 0.0]
    assert result.score == 80.0 and not result.complete
    assert len(result.unanswered) == len(checklist) - 8


def test_gaps_are_the_items_not_met_heaviest_first(checklist):
    answers = {**answers_for(checklist, "3", "partial", "not_met", "met", "na"),
               **answers_for(checklist, "4", "not_met", "met", "met", "not_met")}
    gaps = score(checklist, answers).gaps
    assert [(g.item.id, g.answer.label) for g in gaps] == [
        ("e4_unsuitable_matters", "不符合"), ("p1_customer_information", "部分符合"),
        ("p2_sales_compliance", "不符合"), ("e1_service_catalogue", "不符合")]
    assert all(g.item.action and g.item.citation.reference.startswith("GB/T 32314-2015 第")
               for g in gaps)


def test_a_complete_assessment(checklist):
    result = score(checklist, {item.id: Answer("met") for item in checklist})
    assert result.complete and result.score == 100.0 and not result.gaps


@pytest.mark.parametrize("answers, message", [
    ({"p1_customer_information": Answer("na")}, "第 1 项选择了不适用:请在依据说明中写明理由"),
    ({"p1_customer_information": Answer("yes")}, "第 1 项的回答「yes」无效"),
    ({"no_such_item": Answer("met")}, "未知的检查项「no_such_item」"),
    ({"p2_sales_compliance": Answer("met", "证" * 1001)}, "第 2 项的依据说明超过 1000 字"),
])
def test_invalid_answers_are_named(checklist, answers, message):
    with pytest.raises(AssessmentError, match=message):
        validate(checklist, answers)


def test_a_half_filled_assessment_is_valid_as_a_draft(checklist):
    validate(checklist, answers_for(checklist, "3", "met", "", "partial"))


def test_compare_shows_score_changes_and_changed_items(checklist):
    earlier = answers_for(checklist, "3", "not_met", "not_met", "met", "met")
    later = answers_for(checklist, "3", "met", "not_met", "met", "")
    comparison = compare(checklist, earlier, later)
    heading, before, after = comparison.sections[0]
    assert (heading, before, after) == ("3 基本原则", 37.5, 66.7)
    assert [(item.id, b.label if b else None, a.label if a else None)
            for item, b, a in comparison.changes] == [
        ("p1_customer_information", "不符合", "符合"), ("p4_cost_risk", "符合", None)]
