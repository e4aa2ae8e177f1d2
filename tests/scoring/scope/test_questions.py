"""One truth for permission questions: the assistant answers them as 范围自检 judges them."""
import pytest

from scoring.scope.questions import asks_which_are_prohibited, permission_subject


def lead(answer) -> str:
    return answer.answer.split("\n\n")[0]


@pytest.mark.parametrize("template", ["可以把{}外包吗?", "{}能不能外包?"])
def test_the_assistant_agrees_with_the_scope_check_on_every_catalogued_function(
        built_services, checker, template):
    for entry in checker.functions:
        verdict = checker.classify(entry.name)
        answer = built_services.ask(template.format(entry.name))
        assert f"判为“{verdict.label}”" in lead(answer), (entry.name, lead(answer))
        quoted = {citation.clause for citation in verdict.citations}
        assert [c.clause for c in answer.citations] and {c.clause for c in answer.citations} <= quoted
        assert all(c.quote in c.text for c in answer.citations)


@pytest.mark.parametrize("question, subject", [
    ("可以把投诉处理外包吗?", "投诉处理"), ("能不能把内审交给外包公司?", "内审"),
    ("外呼营销能不能外包?", "外呼营销"), ("风控这块能不能让承包商来做?", "风控"),
    ("我们行的贷后催收可以外包吗", "贷后催收"), ("Can we outsource complaint handling?", "complaint handling"),
    ("外包场地有什么要求?", None), ("哪些业务不能外包?", None), ("能不能只外包人员?", None),
])
def test_the_subject_of_a_permission_question(question, subject):
    assert permission_subject(question) == subject


def test_complaint_handling_is_conditional_on_both_pages(built_services, checker):
    answer = built_services.ask("可以把投诉处理外包吗?")
    assert lead(answer).startswith("可以，但需满足条件。")
    assert checker.classify("投诉处理").verdict == "caution"
    assert "相似度" not in answer.answer  # how the catalogue entry was found is no reason


@pytest.mark.parametrize("question", [
    "哪些业务不能外包?", "什么活不能交给外包公司干?", "外包的红线是什么,哪些事碰不得?",
    "有哪些工作必须我们行自己做、不能包出去?", "What can't a bank outsource?",
    "Which functions must never be outsourced?"])
def test_which_functions_may_not_be_outsourced_however_asked(built_services, checker, question):
    assert asks_which_are_prohibited(question)
    answer = built_services.ask(question)
    assert answer.citations[0].clause == "5.1.2"
    prohibited = [entry.name for entry in checker.functions if entry.verdict == "prohibited"]
    assert all(name in answer.answer for name in prohibited[:5])


@pytest.mark.parametrize("question", ["能不能只外包其中一块?", "外包要素都包括哪几块?",
                                      "可不可以把客户回访外包", "外包商不能按时交付怎么办?"])
def test_other_questions_are_not_taken_for_a_list_of_prohibitions(question):
    assert not asks_which_are_prohibited(question)


def test_what_the_checker_cannot_judge_is_left_to_the_documents(built_services):
    answer = built_services.ask("可以把火星基地外包吗?")
    assert "范围自检中判为" not in answer.answer


def test_a_search_limited_to_other_documents_gets_no_verdict_of_the_standard(built_services):
    answer = built_services.ask("可以把投诉处理外包吗?", doc_ids=["no-such-document"])
    assert "范围自检中判为" not in answer.answer
