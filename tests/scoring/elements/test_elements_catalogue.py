"""The draft 服务目录: edited rows checked back, carried across combinations, flagged by the real
scope check, and exported to Excel, CSV and Markdown that are opened and read."""
import csv
import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from scoring.elements.model import ServiceItem
from scoring.elements.report import ElementReport, to_csv, to_excel, to_markdown
from scoring.elements.service_catalogue import (
    ServiceCatalogueError,
    check_scope,
    count_edits,
    editor_frame,
    items_from_editor,
    prohibited,
    rebase,
    target_text,
)

THRESHOLD = 20


@pytest.fixture(scope="module")
def plan(model):
    return model.plan(model.combine(["人员", "系统"]))


def edited(plan, row: int = 0, **cells) -> pd.DataFrame:
    frame = editor_frame(plan.service_catalogue, THRESHOLD).astype(object)  # any cell may hold text
    for column, value in cells.items():
        frame.loc[row, column] = value
    return frame


def test_the_editor_round_trip_gives_back_the_catalogue(plan, model):
    frame = editor_frame(plan.service_catalogue, THRESHOLD)
    assert frame.iloc[0].tolist() == ["人工热线接听", "人员",
                                      "承包方坐席按行方业务规则与话术受理来电咨询和业务办理",
                                      "20秒服务水平(%)", 80.0]
    assert items_from_editor(frame, plan.combination, model, THRESHOLD) == list(plan.service_catalogue)


def test_an_edited_row_and_an_added_row_are_read_in_sla_units(plan, model):
    frame = edited(plan, 目标值=85)
    frame.loc[len(frame)] = ["夜间值班坐席", "人员", "22:00–8:00 值守", "平均应答速度 ASA(秒)", 20]
    frame.loc[len(frame)] = [None, None, None, None, None]  # added and left empty: ignored
    items = items_from_editor(frame, plan.combination, model, THRESHOLD)
    assert items[0].target == 0.85 and target_text(items[0]) == "≥ 85%"
    assert items[-1] == ServiceItem("夜间值班坐席", "人员", "22:00–8:00 值守", "asa_s", 20.0)
    assert target_text(items[-1]) == "≤ 20秒"


# (cells of the first row, the message)
BAD_EDITS = [
    ({"目标值": None}, "第 1 行「人工热线接听」:选了指标「20秒服务水平(%)」,请填写目标值"),
    ({"目标值": 150}, "目标值 150% 不合理,应在 0–100% 之间"),
    ({"目标值": -5}, "目标值 -5% 不合理"),
    ({"目标值": float("inf")}, "不合理"),
    ({"目标值": 0}, "目标值 ≥ 0% 总能达到,起不到约束作用"),
    ({"指标": "投诉率(%)", "目标值": 100}, "目标值 ≤ 100% 总能达到"),
    ({"目标值": "很高"}, "目标值「很高」不是数字"),
    ({"指标": "平均应答速度 ASA(秒)", "目标值": 0}, "目标值 0秒 不合理,应在 1–3600秒 之间"),
    ({"指标": "平均应答速度 ASA(秒)", "目标值": 86400}, "应在 1–3600秒 之间"),
    ({"指标": "质检平均分(分)", "目标值": 120}, "应在 0–100分 之间"),
    ({"指标": None}, "填了目标值 80,但没有选指标"),
    ({"指标": "坐席利用率(%)"}, "指标「坐席利用率(%)」不是 SLA 看板的指标"),
    ({"服务项目": "  "}, "第 1 行:服务项目为空"),
    ({"服务项目": "在线客服"}, "第 2 行「在线客服」:与第 1 行的服务项目重复"),
    ({"外包要素": "运营场所"}, "外包要素「运营场所」不在所选组合中(可选:人员、系统)"),
    ({"外包要素": None}, "外包要素「(空)」不在所选组合中"),
    ({"服务内容": "很" * 301}, "服务内容超过 300 字"),
]


@pytest.mark.parametrize("cells, message", BAD_EDITS)
def test_bad_edits_are_named_by_row(plan, model, cells, message):
    with pytest.raises(ServiceCatalogueError) as error:
        items_from_editor(edited(plan, **cells), plan.combination, model, THRESHOLD)
    assert any(message in problem for problem in error.value.problems), error.value.problems


def test_every_problem_is_reported_at_once(plan, model):
    frame = edited(plan, 目标值=150)
    frame.loc[1, "目标值"] = None
    with pytest.raises(ServiceCatalogueError, match="服务目录有 2 处问题") as error:
        items_from_editor(frame, plan.combination, model, THRESHOLD)
    assert [problem[:5] for problem in error.value.problems] == ["第 1 行", "第 2 行"]


def test_edits_are_counted_against_the_default_draft(plan, model):
    frame = edited(plan, 目标值=90).drop(index=2)
    frame.loc[len(frame) + 1] = ["夜间值班坐席", "人员", "", None, None]
    items = items_from_editor(frame, plan.combination, model, THRESHOLD)
    assert count_edits(items, plan.service_catalogue) == (2, 1)
    assert count_edits(plan.service_catalogue, plan.service_catalogue) == (0, 0)


def test_an_emptied_catalogue_is_refused(plan, model):
    with pytest.raises(ServiceCatalogueError, match="服务目录为空"):
        items_from_editor(editor_frame([], THRESHOLD), plan.combination, model, THRESHOLD)


def test_edits_survive_a_change_of_combination(model, plan):
    frame = edited(plan, 目标值=90)
    wider = model.plan(model.combine(["人员", "系统", "管理"], ["知识库维护"]))
    carried = rebase(frame, plan.combination, wider, THRESHOLD)
    assert carried.loc[0, "目标值"] == 90
    assert set(carried["外包要素"]) == {"人员", "系统", "管理", "其他"}
    narrower = model.plan(model.combine(["人员"]))
    back = rebase(carried, wider.combination, narrower, THRESHOLD)
    assert set(back["外包要素"]) == {"人员"} and back.loc[0, "目标值"] == 90
    fresh = rebase(None, None, narrower, THRESHOLD)
    assert fresh.loc[0, "目标值"] == 80


def test_a_dropped_other_entry_takes_its_row_with_it(model):
    two = model.plan(model.combine(["人员"], ["知识库维护", "客户满意度回访"]))
    one = model.plan(model.combine(["人员"], ["客户满意度回访"]))
    frame = rebase(editor_frame(two.service_catalogue, THRESHOLD), two.combination, one, THRESHOLD)
    assert "知识库维护" not in set(frame["服务项目"]) and "客户满意度回访" in set(frame["服务项目"])


def test_default_catalogue_items_pass_the_scope_check(model, checker):
    everything = model.plan(model.combine(model.names, ["知识库维护"]))
    verdicts = check_scope(checker, [item.name for item in everything.service_catalogue])
    assert prohibited(verdicts) == []
    assert {verdict.matched for verdict in verdicts.values()} >= {"人工热线接听", "录音管理"}


def test_items_the_scope_check_prohibits_are_flagged(model, checker):
    names = ["人工热线接听", "外包业务内部审计", "反欺诈模型调优", "知识库维护"]
    verdicts = check_scope(checker, names)
    assert [v.function for v in prohibited(verdicts)] == ["外包业务内部审计", "反欺诈模型调优"]
    assert verdicts["知识库维护"].verdict == "caution"


@pytest.fixture(scope="module")
def report(model, checker) -> ElementReport:
    plan = model.plan(model.combine(["人员", "运营场所"], ["外包业务内部审计"]))
    items = list(plan.service_catalogue)
    items[0] = ServiceItem("人工热线接听", "人员", "7×24 小时", "service_level", 0.85)
    verdicts = check_scope(checker, [item.name for item in items])
    return ElementReport("人员与场所外包方案", date(2025, 3, 1), "GB/T 32314-2015 商业银行…",
                         plan, tuple(items), verdicts, THRESHOLD, ("5.3.3 只有标题",),
                         {"外包业务内部审计": "经风险管理委员会审批保留(示例)"})


def test_excel_export_opens_with_every_sheet(report):
    workbook = load_workbook(io.BytesIO(to_excel(report)))
    assert workbook.sheetnames == ["概要", "责任矩阵", "要求清单", "风险与控制", "建议指标", "服务目录"]
    summary = {row[0]: row[1] for row in workbook["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["外包要素"] == "人员+运营场所+其他(外包业务内部审计)"
    assert summary["不得外包的项目"] == "外包业务内部审计"
    matrix = list(workbook["责任矩阵"].iter_rows(values_only=True))
    site = next(row for row in matrix if str(row[0]).startswith("运营场所及设施"))
    assert site[2:6] == (None, None, "✓", "✓")  # empty cells come back as None
    sheet = workbook["服务目录"]
    catalogue = list(sheet.iter_rows(values_only=True))
    assert catalogue[0] == ("服务项目", "外包要素", "服务内容", "指标", "方向", "目标值", "范围自检",
                            "保留理由")
    assert catalogue[1] == ("人工热线接听", "人员", "7×24 小时", "20秒服务水平", "≥", 0.85, "可外包",
                            None)
    assert sheet["F2"].number_format == "0.0%" and sheet.freeze_panes == "A2"  # 85.0% as a number
    audit = next(row for row in catalogue if row[0] == "外包业务内部审计")
    assert audit[-2:] == ("不得外包", "经风险管理委员会审批保留(示例)")
    requirements = list(workbook["要求清单"].iter_rows(values_only=True))
    assert ("运营场所", "灯光照明满足业务要求", "GB/T 32314-2015 第4.3条 运营场所外包", "灯光照明",
            None) in requirements


def test_csv_export_is_the_catalogue_readable_by_excel(report):
    data = to_csv(report)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(report.items)
    assert rows[0] == {"服务项目": "人工热线接听", "外包要素": "人员", "服务内容": "7×24 小时",
                       "指标": "20秒服务水平", "目标": "≥ 85%", "范围自检": "可外包", "保留理由": ""}


def test_markdown_export_holds_every_part(report):
    text = to_markdown(report)
    for heading in ("# 人员与场所外包方案", "## 一、责任矩阵", "## 二、要求清单", "## 三、风险与控制",
                    "## 四、建议的 SLA 指标", "## 五、服务目录(草稿)", "## 说明:依据文本的缺漏"):
        assert heading in text
    assert "**范围自检:1 项不得外包:外包业务内部审计。**" in text
    assert "| 人工热线接听 | 人员 | 7×24 小时 | 20秒服务水平 | ≥ 85% | 可外包 |  |" in text
    assert "| 不得外包 | 经风险管理委员会审批保留(示例) |" in text
    assert "- 发包方保留:场所准入与达标检查(门禁授权、现场检查)" in text
