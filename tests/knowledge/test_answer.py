"""Extractive answers on the real index: quotes, citations, refusals, follow-ups, bad questions."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.answer import QuestionError, answer_question
from knowledge.evaluate import evaluate
from knowledge.question_forms import contextual_query, is_permission_question

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base(built_services):
    return built_services.knowledge


def cited(answer) -> list[str]:
    return [citation.clause for citation in answer.citations]


@pytest.mark.parametrize("question, first, also", [
    ("能不能把内审交给外包公司?", "5.1.2", {"1"}),
    ("外包场地有什么要求?", "4.3", set()),
    ("什么是服务目录", "2.4", set()),
    ("who signs the SLA?", "2.5", set()),
    ("外包管理的组织架构怎么设置?", "5.2.1", set()),
])
def test_answers_cite_the_clauses_they_rest_on(base, question, first, also):
    answer = answer_question(base, question)
    assert answer.covered and cited(answer)[0] == first and also <= set(cited(answer))


def test_every_quote_is_an_exact_substring_of_its_clause(base):
    for question in ["外包场地有什么要求?", "外包需要建立哪些管理制度?", "哪些职能不能外包?"]:
        for citation in answer_question(base, question).citations:
            assert citation.quote and citation.quote in citation.text
            assert all(quote in citation.text for quote in citation.quotes)


def test_answer_leads_with_the_point(base):
    assert answer_question(base, "能不能把内审交给外包公司?").answer.startswith("不可以。")
    assert answer_question(base, "什么是服务目录?").answer.startswith(
        "服务目录是指:服务承包方提供或发包方要求的标准服务的列表。")


@pytest.mark.parametrize("question", ["信用卡年费多少?", "帮我写一首关于春天的诗",
                                      "Write a Python function that reverses a string.",
                                      "asdfghjkl", "😀😀😀"])
def test_off_topic_and_nonsense_are_declined(base, question):
    answer = answer_question(base, question)
    assert not answer.covered and answer.citations == []
    assert "超出了本助手的范围" in answer.answer or "未涉及" in answer.answer


def test_a_question_about_the_missing_part_says_so_and_names_the_gap(base):
    answer = answer_question(base, "采购流程有什么要求?")
    assert not answer.covered and answer.answer.startswith("已加载的文档未涉及该问题")
    assert "5.3.3" in answer.answer and "中断" in answer.answer
    assert answer.related and answer.citations == []


@pytest.mark.parametrize("question", ["外包坐席的接通率要达到多少?", "外包合同一般签几年?",
                                      "What percentage of calls must the vendor answer?"])
def test_a_question_asking_for_a_figure_the_documents_do_not_give_is_not_covered(base, question):
    answer = answer_question(base, question)
    assert not answer.covered and answer.citations == [] and answer.related
    assert answer.answer.startswith("已加载的文档未涉及该问题") and "具体数值" in answer.answer


def test_a_figure_the_documents_give_is_answered(base):
    answer = answer_question(base, "外包管理的组织结构分几个层级?")
    assert answer.covered and cited(answer)[0] == "5.2.1" and "三个层级" in answer.answer


def test_an_answer_says_which_words_of_the_question_no_document_contains(base):
    answer = answer_question(base, "外包商服务不达标,违约金一般怎么约定?")
    assert "没有出现「违约金」" in answer.answer and "未必直接回答" in answer.answer
    assert "没有出现" not in answer_question(base, "外包场地有什么要求?").answer


def test_a_colloquial_definition_question_is_answered_from_the_term_entry(base):
    answer = answer_question(base, "服务目录是个什么东西?")
    assert answer.covered and cited(answer)[0] == "2.4"


@pytest.mark.parametrize("question, clauses", [
    ("5.1.2条说了什么?", ["5.1.2"]), ("What does clause 5.2.1 say?", ["5.2.1"]),
    ("2.3是什么", ["2.3"]), ("标准4.5条怎么规定的", ["4.5"]),
])
def test_a_question_naming_a_clause_is_answered_from_that_clause(base, question, clauses):
    answer = answer_question(base, question)
    assert answer.covered and cited(answer) == clauses
    assert all(quote in answer.answer for quote in answer.citations[0].quotes)


def test_a_named_clause_is_quoted_whole_and_in_order(base):
    answer = answer_question(base, "国标第三章讲什么?")
    quote = answer.citations[0].quote  # the introduction and its four items, as one piece
    assert cited(answer) == ["3"] and quote == answer.citations[0].text.strip()
    assert quote.startswith("商业银行客户服务中心开展外包活动时,应遵循以下原则:")
    assert quote.count("——") == 4 and quote.endswith("成本可算,风险可控。")


def test_a_chapter_is_outlined_and_its_closest_clauses_quoted(base):
    answer = answer_question(base, "第五章对组织架构有什么要求")
    assert answer.answer.startswith("5 发包方管理 包括:5.1 战略管理、5.2 组织制度管理、5.3 流程管理。")
    assert cited(answer)[0] == "5.2.1"


def test_a_clause_the_loaded_text_lacks_is_said_to_be_missing(base):
    missing = answer_question(base, "第九章讲什么")
    assert not missing.covered and "已加载的文档中没有「第九章」" in missing.answer
    assert "中断" in missing.answer
    empty = answer_question(base, "第5.3.3条有什么要求")
    assert not empty.covered and "第5.3.3条 采购流程 在已加载的文本中只有标题" in empty.answer


def test_a_follow_up_may_name_another_clause(base):
    answer = answer_question(base, "那5.1.3呢?", history=["5.1.2条说了什么?"])
    assert cited(answer) == ["5.1.3"]


@pytest.mark.parametrize("question, asks", [
    ("能不能把内审交给外包公司?", True), ("内审能外包吗", True), ("系统功能能否外包", True),
    ("是否可以外包场地", True), ("Can we outsource internal audit?", True),
    ("哪些职能不能外包?", False), ("外包场地有什么要求?", False)])
def test_permission_questions_are_told_by_their_words(question, asks):
    assert is_permission_question(question) is asks


def test_which_question_is_not_answered_with_a_no(base):
    answer = answer_question(base, "5.1.2条里哪些职能不能外包?")
    assert cited(answer) == ["5.1.2"] and not answer.answer.startswith("不可以")


def test_a_question_of_two_parts_cites_a_clause_for_each(base):
    answer = answer_question(base, "外包需要哪些制度,组织架构怎么设?")
    assert set(cited(answer)[:2]) == {"5.2.1", "5.2.3"}
    assert "关于「外包需要哪些制度」:依据 GB/T 32314-2015 第5.2.3条" in answer.answer


def test_a_definition_question_naming_two_terms_defines_both_in_order(base):
    answer = answer_question(base, "SLA和服务目录分别是什么?")
    assert cited(answer)[:2] == ["2.5", "2.4"]
    assert answer.answer.startswith("服务级别协议是指:") and "服务目录是指:" in answer.answer.splitlines()[0]
    assert cited(answer_question(base, "发包方和承包方分别指谁?"))[:2] == ["2.2", "2.3"]


def test_follow_up_is_read_in_the_light_of_the_previous_question(base):
    assert contextual_query("那场地呢?", ["外包坐席人员有什么要求?"]) == "场地 有什么要求?"
    answer = answer_question(base, "那场地呢?", history=["外包坐席人员有什么要求?"])
    assert cited(answer)[0] == "4.3"


@pytest.mark.parametrize("question, message", [
    ("", "请输入问题"), ("   \n ", "请输入问题"), ("外" * 10_000, "问题太长(10000 字)")])
def test_bad_questions_get_a_clear_message(base, question, message):
    with pytest.raises(QuestionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        answer_question(base, question)


def test_mixed_language_and_emoji_are_answered(base):
    assert cited(answer_question(base, "外包 site 要求有哪些?🙂"))[0] == "4.3"


@pytest.mark.parametrize("name", ["golden_qa.jsonl", "holdout_qa.jsonl"])
def test_evaluation_meets_the_quality_floors(built_services, name):
    """Our golden set, and a set written apart from the code and not used to tune it."""
    rows = [json.loads(line) for line in
            (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()]
    report = evaluate(built_services.ask, rows)
    assert report["recall_at_1"] >= 0.90 and report["recall_at_3"] >= 0.98
    assert report["quote_exactness"] == 1.0
    assert report["in_scope_acceptance"] >= 0.95 and report["off_topic_refusal"] >= 0.9
    assert report["uncovered"] >= 10 and report["uncovered_recognition"] >= 0.5


def test_the_phrasing_set_holds_its_measured_floor(built_services):
    """The set written from intents the way managers ask (tests/data/phrasing_qa.jsonl): a floor
    at what was measured, so a change that loses phrasings is seen (README gives the figures)."""
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "phrasing_qa.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    report = evaluate(built_services.ask, rows)
    assert report["recall_at_1"] >= 0.95 and report["recall_at_3"] >= 0.98
    assert report["intents_holding_all_but_one"] >= 0.94
    assert report["intents"]["不得外包的职能"]["recall_at_1"] == 1.0


def test_ask_cli_json_and_jsonl(built_data_dir):
    env = {"CSC_DATA_DIR": str(built_data_dir), "PATH": "/usr/bin:/bin"}
    one = subprocess.run([sys.executable, "-m", "scoring.assistant", "ask", "外包场地有什么要求?",
                          "--json"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300)
    record = json.loads(one.stdout)
    assert record["covered"] is True and record["citations"][0]["clause"] == "4.3"
    assert set(record["citations"][0]) == {"doc", "clause", "title", "quote", "score"}
    lines = subprocess.run([sys.executable, "-m", "scoring.assistant", "ask", "--jsonl"], cwd=ROOT,
                           env=env, input='什么是服务目录\n{"q": "信用卡年费多少?"}\n\n',
                           capture_output=True, text=True, timeout=300).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["covered"] for r in records] == [True, False]
    assert all("latency_ms" in r for r in records)
