"""The exported report: Excel and Markdown files written, opened again and read back."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from scoring.scope.governance import Answer, load_checklist, score
from scoring.scope.report import ScopeReport, section_chart, to_excel, to_markdown, verdict_counts

FUNCTIONS = ["外呼营销", "对外包项目开展内部审计", "今天天气", "人工热线接听"]


@pytest.fixture(scope="module")
def report(checker) -> ScopeReport:
    checklist = load_checklist(checker.standard)
    answers = {item.id: Answer("met", "制度文件") for item in checklist[:20]}
    answers["p2_sales_compliance"] = Answer("not_met", "未审查")
    answers["e3_contractor_rights"] = Answer("partial")
    answers["p3_customer_needs"] = Answer("na", "不涉及")
    return ScopeReport(title="2024 年客服中心外包自检", made_on=date(2024, 6, 30),
                       standard="GB/T 32314-2015 商业银行客户服务中心服务外包管理规范",
                       verdicts=checker.classify_many(FUNCTIONS), result=score(checklist, answers),
                       coverage=checker.standard.document.gaps)


def test_counts_cover_every_verdict(report):
    assert verdict_counts(report.verdicts) == {"prohibited": 1, "caution": 1, "allowed": 1,
                                               "review": 1}


def test_excel_report_opens_with_every_part(report, tmp_path):
    path = tmp_path / report.file_name("xlsx")
    path.write_bytes(to_excel(report))
    workbook = load_workbook(path)
    assert path.name == "范围自检报告_20240630.xlsx"
    assert workbook.sheetnames == ["概要", "职能判定", "章节得分", "治理自评", "差距清单"]
    summary = {row[0]: row[1] for row in workbook["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["日期"] == "2024-06-30" and summary["不得外包"] == 1
    assert summary["已作答"] == "20/24" and isinstance(summary["治理自评总分"], float)
    sheet = workbook["章节得分"]
    assert sheet.freeze_panes == "A2"
    scores = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert scores[-1] and all(isinstance(score, int | float) for score in scores if score is not None)
    verdicts = list(workbook["职能判定"].iter_rows(values_only=True))
    assert verdicts[0][:3] == ("职能", "判定", "类别")
    audit = next(row for row in verdicts if row[0] == "对外包项目开展内部审计")
    assert audit[1] == "不得外包" and "GB/T 32314-2015 第5.1.2条 范围管理:「涉及战略管理" in audit[4]
    fill = workbook["职能判定"].cell(row=verdicts.index(audit) + 1, column=2).fill.fgColor.rgb
    assert fill.lower().endswith("f8d7da")
    gaps = list(workbook["差距清单"].iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in gaps] == ["不符合", "部分符合"]
    assert all(row[1].startswith("GB/T 32314-2015 第") and row[5] for row in gaps)


def test_markdown_report_holds_verdicts_assessment_gaps_and_date(report, tmp_path):
    path = tmp_path / report.file_name("md")
    path.write_text(to_markdown(report), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 2024 年客服中心外包自检\n") and "- 日期:2024-06-30" in text
    assert "不得外包 1 项、可外包但需满足条件 1 项、可外包 1 项、无法判断,需人工判断 1 项" in text
    assert "| 对外包项目开展内部审计 | 不得外包 | 内部审计 |" in text
    assert "自评未完成:尚有 4 项未作答" in text
    assert "## 三、差距清单" in text and "由合规部门审查外包中的销售活动" in text
    assert "5.3.3 采购流程 只有标题,没有正文" in text


def test_an_empty_check_still_exports(checker):
    empty = ScopeReport(title="空白", made_on=date(2024, 1, 2), standard="GB/T 32314-2015")
    assert "未检查职能。" in to_markdown(empty) and "未进行治理自评。" in to_markdown(empty)
    workbook = load_workbook(io.BytesIO(to_excel(empty)))
    assert workbook.sheetnames == ["概要", "职能判定"]


def test_section_chart_has_one_bar_per_scored_section(report):
    spec = section_chart(report.result).to_dict()
    assert [row["章节"] for row in spec["datasets"][next(iter(spec["datasets"]))]] == [
        "3 基本原则", "4 外包要素", "5.1 战略管理", "5.2 组织制度管理", "5.3 流程管理"]
