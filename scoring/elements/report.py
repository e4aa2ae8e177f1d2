"""The element plan as tables, a comparison of two plans, and Excel/CSV/Markdown exports."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from openpyxl.styles import PatternFill

from escaping import exported
from scoring.elements.model import (
    BANK,
    CONTRACTOR,
    PARTY_LABELS,
    Plan,
    Responsibility,
    ServiceItem,
    sla_template,
)
from scoring.elements.service_catalogue import prohibited, target_text
from scoring.exports import add_sheet, csv_bytes, markdown_table, summary_workbook, workbook_bytes
from scoring.scope.checker import ScopeVerdict
from scoring.sla.indicators import INDICATORS_BY_KEY, label
from scoring.sla.targets import DIRECTIONS

CHECK = "✓"
MATRIX_COLUMNS = ["资源", "外包要素", "发包方提供", "发包方管理", "承包方提供", "承包方管理", "范围自检", "依据"]
SERVICE_CATALOGUE_COLUMNS = ["服务项目", "外包要素", "服务内容", "指标", "目标", "范围自检", "保留理由"]
# the 服务目录 sheet of the workbook: the target as a direction and a number in its own format
SERVICE_SHEET_COLUMNS = ["服务项目", "外包要素", "服务内容", "指标", "方向", "目标值", "范围自检",
                         "保留理由"]
NUMBER_FORMATS = {"rate": "0.0%", "seconds": '0" 秒"', "score": '0" 分"', "count": "0"}
PROHIBITED_FILL = "f8d7da"


@dataclass(frozen=True)
class ElementReport:
    """One draft as a manager files it: the plan, the edited 服务目录 and its scope flags."""

    title: str
    made_on: date
    standard: str  # e.g. "GB/T 32314-2015 商业银行客户服务中心服务外包管理规范"
    plan: Plan
    items: tuple[ServiceItem, ...]
    verdicts: Mapping[str, ScopeVerdict] = field(default_factory=dict)
    threshold_s: float = 20
    coverage: tuple[str, ...] = ()  # what the loaded copy of the standard lacks
    overrides: Mapping[str, str] = field(default_factory=dict)  # 不得外包 items kept, and why

    def file_name(self, suffix: str) -> str:
        return f"外包要素方案_{self.made_on:%Y%m%d}.{suffix}"

    @property
    def prohibited(self) -> list[ScopeVerdict]:
        return prohibited(self.verdicts)


def parties(names: frozenset[str]) -> str:
    """"发包方", "承包方", "双方" or "—"."""
    if names == {BANK, CONTRACTOR}:
        return "双方"
    return PARTY_LABELS[next(iter(names))] if names else "—"


def matrix_table(plan: Plan, verdicts: Mapping[str, ScopeVerdict] | None = None) -> pd.DataFrame:
    """Resource × party × provide/manage, ✓ where the party holds the role."""
    verdicts = verdicts or {}
    rows = [[row.resource.name, row.resource.element,
             *(CHECK if row.has(party, role) else "" for party in (BANK, CONTRACTOR)
               for role in ("provide", "manage")),
             verdicts[row.resource.name].label if row.resource.name in verdicts else "",
             "\n".join(dict.fromkeys(c.reference for c in row.resource.citations))]
            for row in plan.responsibilities]
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def requirement_table(plan: Plan) -> pd.DataFrame:
    rows = [["、".join(item.elements), item.text, item.citation.reference, item.citation.quote,
             "条款编号系按前后条款推断" if item.inferred else ""] for item in plan.requirements]
    return pd.DataFrame(rows, columns=["要素", "要求", "依据条款", "条款原文", "说明"])


def risk_table(plan: Plan) -> pd.DataFrame:
    rows = [["、".join(item.elements), item.risk, item.control] for item in plan.risks]
    return pd.DataFrame(rows, columns=["要素", "风险", "控制措施(写入合同)"])


def indicator_table(plan: Plan, threshold_s: float) -> pd.DataFrame:
    """The suggested SLA indicators, named as on the SLA page, with the template's target."""
    rows = [[label(key, threshold_s), "、".join(names), INDICATORS_BY_KEY[key].describe(threshold_s),
             target_text(ServiceItem("", "", indicator=key, target=sla_template()[key].target))]
            for key, names in plan.indicators]
    return pd.DataFrame(rows, columns=["指标", "要素", "定义", "合同模板目标"])


def service_catalogue_table(items: tuple[ServiceItem, ...] | list[ServiceItem], threshold_s: float,
                            verdicts: Mapping[str, ScopeVerdict] | None = None,
                            overrides: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The 服务目录 as text, e.g. the target "≥ 80%" (pages, Markdown and CSV)."""
    verdicts, overrides = verdicts or {}, overrides or {}
    rows = [[item.name, item.element, item.description,
             label(item.indicator, threshold_s) if item.indicator else "", target_text(item),
             verdicts[item.name].label if item.name in verdicts else "",
             overrides.get(item.name, "")] for item in items]
    return pd.DataFrame(rows, columns=SERVICE_CATALOGUE_COLUMNS)


def service_sheet(report: ElementReport) -> tuple[pd.DataFrame, list[str]]:
    """The 服务目录 as data for the workbook: the target a number in its indicator's unit (a rate
    as a fraction, formatted as a percentage), with each row's number format."""
    rows, formats = [], []
    for item in report.items:
        indicator = INDICATORS_BY_KEY.get(item.indicator)
        direction = DIRECTIONS[sla_template()[item.indicator].direction] if indicator else ""
        verdict = report.verdicts.get(item.name)
        rows.append([item.name, item.element, item.description,
                     label(item.indicator, report.threshold_s) if indicator else "", direction,
                     item.target if indicator else None, verdict.label if verdict else "",
                     report.overrides.get(item.name, "")])
        formats.append(NUMBER_FORMATS[indicator.unit] if indicator else "General")
    return pd.DataFrame(rows, columns=SERVICE_SHEET_COLUMNS), formats


def comparison_table(first: Plan, second: Plan) -> pd.DataFrame:
    """Who provides and manages each resource under two combinations, and whether it changes."""
    a = {row.resource.name: row for row in first.responsibilities}
    b = {row.resource.name: row for row in second.responsibilities}
    rows = []
    for name in dict.fromkeys([*a, *b]):
        left, right = _roles(a.get(name)), _roles(b.get(name))
        element = (a.get(name) or b[name]).resource.element
        rows.append([name, element, *left, *right, "变化" if left != right else ""])
    return pd.DataFrame(rows, columns=["资源", "外包要素", "A 提供", "A 管理", "B 提供", "B 管理", "变化"])


def requirement_changes(first: Plan, second: Plan) -> pd.DataFrame:
    """The requirements only one of the two combinations brings."""
    a = {(r.text, r.citation): r for r in first.requirements}
    b = {(r.text, r.citation): r for r in second.requirements}
    rows = [["只在 A", r.text, r.citation.reference] for key, r in a.items() if key not in b]
    rows += [["只在 B", r.text, r.citation.reference] for key, r in b.items() if key not in a]
    return pd.DataFrame(rows, columns=["组合", "要求", "依据条款"])


def plan_counts(plan: Plan) -> dict[str, int]:
    """The figures shown side by side when comparing."""
    return {"承包方提供": sum(row.has(CONTRACTOR, "provide") for row in plan.responsibilities),
            "要求": len(plan.requirements), "风险": len(plan.risks),
            "服务项目": len(plan.service_catalogue)}


def to_csv(report: ElementReport) -> bytes:
    """The 服务目录 as CSV (UTF-8 with BOM, so Excel opens it with the right characters)."""
    return csv_bytes(service_catalogue_table(report.items, report.threshold_s, report.verdicts,
                                             report.overrides))


def to_markdown(report: ElementReport) -> str:
    """The whole draft as a Markdown document."""
    plan = report.plan
    lines = [f"# {exported(report.title)}", "", f"- 日期:{report.made_on:%Y-%m-%d}",
             f"- 依据:{exported(report.standard)}",
             f"- 外包要素:{exported(plan.combination.label)}", ""]
    if report.prohibited:
        lines += [f"**范围自检:{len(report.prohibited)} 项不得外包:"
                  + "、".join(exported(v.function) for v in report.prohibited) + "。**", ""]
    lines += ["## 一、责任矩阵", ""] + markdown_table(matrix_table(plan, report.verdicts))
    for summary in plan.summaries:
        lines += ["", f"### {exported(summary.heading)}", "", exported(summary.summary), "",
                  f"- 承包方提供:{exported('、'.join(summary.contractor_provides) or '无')}",
                  f"- 承包方管理:{exported('、'.join(summary.contractor_manages) or '无')}",
                  f"- 发包方保留:{exported('、'.join(summary.bank_keeps) or '无')}"]
    lines += ["", "## 二、要求清单", ""] + markdown_table(requirement_table(plan))
    lines += ["", "## 三、风险与控制", ""] + markdown_table(risk_table(plan))
    lines += ["", "## 四、建议的 SLA 指标", ""]
    lines += markdown_table(indicator_table(plan, report.threshold_s))
    lines += ["", "## 五、服务目录(草稿)", ""]
    lines += markdown_table(service_catalogue_table(report.items, report.threshold_s, report.verdicts,
                                                    report.overrides))
    if report.coverage:
        lines += ["", "## 说明:依据文本的缺漏", ""] + [f"- {exported(note)}"
                                                  for note in report.coverage]
    return "\n".join(lines) + "\n"


def to_excel(report: ElementReport) -> bytes:
    """The whole draft as an .xlsx workbook: summary, matrix, requirements, risks, 服务目录."""
    workbook = summary_workbook(report.title, [
        ["日期", f"{report.made_on:%Y-%m-%d}"], ["依据", report.standard],
        ["外包要素", report.plan.combination.label],
        ["不得外包的项目", "、".join(v.function for v in report.prohibited) or "无"],
        *(["文本缺漏", note] for note in report.coverage)])
    add_sheet(workbook, "责任矩阵", matrix_table(report.plan, report.verdicts))
    add_sheet(workbook, "要求清单", requirement_table(report.plan))
    add_sheet(workbook, "风险与控制", risk_table(report.plan))
    add_sheet(workbook, "建议指标", indicator_table(report.plan, report.threshold_s))
    table, formats = service_sheet(report)
    sheet = add_sheet(workbook, "服务目录", table, {"目标值": formats})
    for row, item in enumerate(report.items, start=2):
        verdict = report.verdicts.get(item.name)
        if verdict is not None and verdict.verdict == "prohibited":
            sheet.cell(row, SERVICE_SHEET_COLUMNS.index("范围自检") + 1).fill = \
                PatternFill("solid", fgColor=PROHIBITED_FILL)
    return workbook_bytes(workbook)


def _roles(row: Responsibility | None) -> tuple[str, str]:
    return ("—", "—") if row is None else (parties(row.provide), parties(row.manage))


