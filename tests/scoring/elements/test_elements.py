"""Outsourcing elements on the real standard text: who provides and manages what, requirements with
their clauses, the merged checklist, bad choices, comparison and the command line."""
import json

import pytest

from scoring.elements.__main__ import main
from scoring.elements.model import OTHER, ElementError
from scoring.elements.report import comparison_table, parties, requirement_changes
from scoring.sla.indicators import INDICATORS_BY_KEY

STAFF, SITE, SYSTEMS = "客服中心从业人员", "运营场所及设施", "客服中心应用系统"
MANAGEMENT, CORE, DUTIES = "管理理念、管理模式", "核心业务系统", "工作职责"
SLA_PAGE_INDICATORS = {"service_level", "answer_rate", "abandon_rate", "asa_s", "aht_s",
                       "fcr_rate", "csat_rate", "qa_avg", "complaint_rate"}


def plan_of(model, *choices, others=()):
    """The plan of standard elements and 其他 entries named in one list (as the comparison does)."""
    return model.plan(model.combine_choices([*choices, *others]))


def roles(plan, resource: str) -> tuple[str, str]:
    row = next(row for row in plan.responsibilities if row.resource.name.startswith(resource))
    return parties(row.provide), parties(row.manage)


# (chosen elements, resource, who provides, who manages)
MATRIX = [
    (("管理",), STAFF, "发包方", "发包方"),
    (("管理",), SITE, "发包方", "发包方"),
    (("管理",), SYSTEMS, "发包方", "发包方"),
    (("管理",), MANAGEMENT, "承包方", "承包方"),
    (("人员",), STAFF, "承包方", "承包方"),
    (("人员",), DUTIES, "发包方", "发包方"),
    (("人员",), SITE, "发包方", "发包方"),
    (("人员",), MANAGEMENT, "发包方", "发包方"),
    (("运营场所",), SITE, "承包方", "承包方"),
    (("运营场所",), STAFF, "发包方", "发包方"),
    (("系统",), SYSTEMS, "承包方", "承包方"),
    (("系统",), CORE, "发包方", "发包方"),
    (("人员", "运营场所", "系统"), SITE, "承包方", "承包方"),
    (("人员", "运营场所", "系统"), MANAGEMENT, "发包方", "发包方"),
    (("人员", "运营场所", "系统", "管理"), CORE, "发包方", "发包方"),
    (("人员", "运营场所", "系统", "管理"), "系统架构", "发包方", "发包方"),
    (("人员",), "服务目录", "双方", "发包方"),
    (("管理",), "对承包方的监督", "发包方", "发包方"),
    (("系统", "知识库维护"), "知识库维护", "承包方", "承包方"),
]


@pytest.mark.parametrize("choices, resource, provide, manage", MATRIX)
def test_responsibility_matrix(model, choices, resource, provide, manage):
    assert roles(plan_of(model, *choices), resource) == (provide, manage)


# (element, clause, words of the quoted clause text)
REQUIREMENTS = [
    ("人员", "4.2", "恪守职业行为规范"), ("人员", "4.2", "符合业务能力等要求"),
    ("人员", "4.2", "在明确工作职责的基础上"), ("人员", "3", "合规性审查"),
    ("运营场所", "4.3", "灯光照明"), ("运营场所", "4.3", "场所通风"),
    ("运营场所", "4.3", "网络通讯布局"), ("运营场所", "4.3", "不间断供电"),
    ("运营场所", "4.3", "隔音设施"), ("运营场所", "4.3", "休息场所"),
    ("运营场所", "4.3", "消防设施"), ("系统", "4.4", "筹建"), ("系统", "4.4", "维护"),
    ("系统", "4.4", "创新"), ("系统", "5.1.2", "信息科技核心竞争力"),
    ("管理", "4.5", "管理理念及管理模式"), ("管理", "4.5", "其他资源由发包方负责提供并进行管理"),
    ("其他", "4.6", "其他适宜要素"),
]


@pytest.mark.parametrize("element, clause, words", REQUIREMENTS)
def test_requirements_carry_their_clause(model, element, clause, words):
    plan = plan_of(model, element, others=("知识库维护",) if element == OTHER else ())
    assert any(item.citation.clause == clause and words in item.citation.quote
               and element in item.elements for item in plan.requirements)


def test_every_requirement_quotes_its_clause_exactly(model):
    plan = plan_of(model, *model.names, others=("知识库维护",))
    clauses = model.standard.clauses
    for item in plan.requirements:
        assert item.citation.quote in clauses[item.citation.clause].text, item.text
        assert item.citation.reference == \
            f"GB/T 32314-2015 第{item.citation.clause}条 {clauses[item.citation.clause].title}"
        assert item.inferred == (item.citation.clause == "4.2")
    references = {item.citation.reference for item in plan.requirements}
    assert "GB/T 32314-2015 第4.3条 运营场所外包" in references


def test_the_checklist_is_merged_without_repeats(model):
    plan = plan_of(model, "人员", "运营场所", "系统", "管理")
    texts = [item.text for item in plan.requirements]
    assert len(texts) == len(set(texts))
    shared = [item for item in plan.requirements if item.citation.clause == "4.1"]
    assert shared and all(item.elements == ("全部要素",) for item in shared)
    assert len(plan.requirements) > len(plan_of(model, "人员").requirements)


def test_risks_indicators_and_catalogue_follow_the_elements(model):
    plan = plan_of(model, "人员", "系统")
    assert {element for risk in plan.risks for element in risk.elements} == {"人员", "系统"}
    assert all(risk.control for risk in plan.risks)
    keys = {key for key, _ in plan.indicators}
    assert keys <= SLA_PAGE_INDICATORS and {"service_level", "answer_rate"} <= keys
    assert {item.element for item in plan.service_catalogue} == {"人员", "系统"}
    hotline = next(item for item in plan.service_catalogue if item.name == "人工热线接听")
    assert (hotline.indicator, hotline.target) == ("service_level", 0.8)  # the SLA template


def test_every_element_suggests_sla_page_indicators(model):
    for element in model.elements:
        assert set(element.indicators) <= SLA_PAGE_INDICATORS
        assert {s.indicator for s in element.services if s.indicator} <= set(INDICATORS_BY_KEY)


def test_other_entries_get_rows_requirements_and_catalogue_items(model):
    plan = plan_of(model, "人员", others=("知识库维护", "客户满意度回访"))
    assert plan.combination.elements == ("人员", OTHER)
    assert plan.combination.label == "人员+其他(知识库维护、客户满意度回访)"
    assert [row.resource.name for row in plan.responsibilities][-2:] == ["知识库维护", "客户满意度回访"]
    assert any("知识库维护、客户满意度回访" in item.text for item in plan.requirements)
    assert [item.name for item in plan.service_catalogue if item.element == OTHER] == \
        ["知识库维护", "客户满意度回访"]


def test_order_of_choice_does_not_matter(model):
    assert model.combine(["系统", "人员"]) == model.combine(["人员", "系统"])


@pytest.mark.parametrize("choices, others, message", [
    ((), (), "还没有选择外包要素"),
    (("其他",), (), "请逐行写出要外包的其他要素"),
    (("其他",), ("  ",), "请逐行写出要外包的其他要素"),
    (("人员",), ("知识库维护", "知识库维护"), "其他要素「知识库维护」与「知识库维护」重复"),
    (("人员",), ("AI质检", "ＡＩ质检"), "与「AI质检」重复"),
    (("人员",), ("人员",), "「人员」是标准列出的要素「人员」,请直接选择"),
    (("人员",), ("运营 场所",), "是标准列出的要素「运营场所」"),
    (("人员",), ("……",), "没有文字"),
    (("人员",), ("很" * 41,), "超过 40 字"),
    (("人员",), tuple(f"要素{n}" for n in range(21)), "其他要素最多 20 项,现有 21 项"),
])
def test_bad_choices_are_refused_with_a_clear_message(model, choices, others, message):
    with pytest.raises(ElementError, match=message):
        model.combine(choices, others)


def test_comparing_personnel_with_personnel_site_and_systems(model):
    first, second = plan_of(model, "人员"), plan_of(model, "人员", "运营场所", "系统")
    table = comparison_table(first, second)
    changed = table[table["变化"] != ""]
    assert [name[:7] for name in changed["资源"]] == [SITE[:7], SYSTEMS[:7]]
    assert changed.iloc[0][["A 提供", "A 管理", "B 提供", "B 管理"]].tolist() == \
        ["发包方", "发包方", "承包方", "承包方"]
    changes = requirement_changes(first, second)
    assert set(changes["组合"]) == {"只在 B"}
    assert "GB/T 32314-2015 第4.3条 运营场所外包" in set(changes["依据条款"])


def test_command_line_prints_matrix_requirements_and_catalogue(capsys, built_data_dir,
                                                               monkeypatch):
    monkeypatch.setenv("CSC_DATA_DIR", str(built_data_dir))
    assert main(["matrix", "人员", "系统", "--other", "外包业务内部审计", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["elements"] == ["人员", "系统", "其他"]
    staff = next(row for row in record["matrix"] if row["resource"].startswith(STAFF))
    assert staff["contractor"] == {"provide": True, "manage": True}
    assert staff["bank"] == {"provide": False, "manage": False}
    assert {"4.2", "4.4", "4.6"} <= {item["clause"] for item in record["requirements"]}
    hotline = next(item for item in record["service_catalogue"] if item["item"] == "人工热线接听")
    assert (hotline["target_text"], hotline["scope"]) == ("≥ 80%", "allowed")
    assert record["prohibited"] == ["外包业务内部审计"]


def test_command_line_refuses_an_empty_choice(capsys):
    assert main(["matrix"]) == 2
    assert "还没有选择外包要素" in capsys.readouterr().err
