"""The shape of an answer: lists quoted whole, both sides of a comparison, the figure first (in
Arabic or Chinese numerals), each quote shown once."""
import re
import shutil
from pathlib import Path

import pytest

from scoring.services import create_services

DATA = Path(__file__).resolve().parents[1] / "data"


def lead(answer) -> str:
    return answer.answer.split("\n\n")[0]


@pytest.mark.parametrize("question, clause, items", [
    ("我们行要建立哪些外包管理制度?", "5.2.3", ["质量管理", "风险管理", "保密管理", "供方关系管理"]),
    ("外包要遵循什么原则", "3", ["保护客户合法权益", "合规性审查", "客户满意", "成本可算"]),
])
def test_a_clause_that_enumerates_is_quoted_with_all_its_items(built_services, question, clause,
                                                               items):
    answer = built_services.ask(question)
    assert answer.citations[0].clause == clause
    assert all(item in lead(answer) for item in items)
    assert answer.citations[0].quote in answer.citations[0].text  # one exact piece of the clause


@pytest.mark.parametrize("question, sides", [
    ("人员外包和管理外包有什么区别?", ["4.2", "4.5"]),
    ("发包方和承包方有什么不同", ["2.2", "2.3"]),
    ("What is the difference between system outsourcing and management outsourcing?", ["4.4", "4.5"]),
])
def test_a_comparison_cites_both_sides(built_services, question, sides):
    answer = built_services.ask(question)
    assert [citation.clause for citation in answer.citations][:2] == sides
    assert answer.answer.count("关于「") == 2


@pytest.mark.parametrize("question", ["外包场地有什么要求?", "哪些业务不能外包?", "什么是服务目录",
                                      "我们行要建立哪些外包管理制度?", "外包需要哪些制度,组织架构怎么设?"])
def test_each_quote_is_shown_once(built_services, question):
    answer = built_services.ask(question)
    for quote in {q for citation in answer.citations for q in citation.quotes}:
        assert answer.answer.count(f"「{quote}」") == 1, quote
    assert not re.search(r"\d\.\d{2}\)", answer.answer)  # no scores


@pytest.fixture(scope="module")
def with_bank_rules(built_data_dir, tmp_path_factory):
    """The shipped standard and a bank's rules whose figures are written in Chinese numerals."""
    data_dir = tmp_path_factory.mktemp("rules") / "data"
    shutil.copytree(built_data_dir, data_dir)
    services = create_services({"data_dir": data_dir})
    path = DATA / "rules_chinese_numerals.txt"
    services.knowledge.change(lambda library: library.add(
        path.read_bytes(), path.name, "外包细则", "某银行客户服务中心外包管理细则"))
    return services


@pytest.mark.parametrize("question, figure", [
    ("岗前培训不少于多少学时?", "不少于八十学时"),
    ("外包坐席的年流失率最高能到多少?", "不得高于百分之四十"),
    ("重大投诉要在多长时间内报告?", "二十四小时内"),
    ("通话录音要保存多久?", "不少于三年"),
])
def test_figures_in_chinese_numerals_are_found_and_lead_the_answer(with_bank_rules, question, figure):
    answer = with_bank_rules.ask(question)
    assert answer.covered and answer.citations[0].doc == "外包细则"
    assert lead(answer).startswith(f"{figure}。依据 外包细则")
