"""One vendor in one place, as 外包台账 ties the features together: its projects with the element
draft and scope check they were decided on, its SLA attainment and deductions by month, its
duties, its contract dates and its share of the bank's calls; exported for filing or an examiner.

The features do not know each other; the caller (the composition root or a page) hands over
what each of them holds, and this module puts it side by side."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from escaping import exported
from scoring.exports import add_sheet, markdown_table, summary_workbook, workbook_bytes
from scoring.register.duties import period_label
from scoring.register.model import Duty, Project, Stage, Vendor
from scoring.sla.queries import CALLS_SOURCE


@dataclass(frozen=True)
class ProjectFile:
    project: Project
    stage: str  # the stage's name
    draft: str  # the linked element draft's label ("" when none or gone)
    assessment: str  # the linked scope self-check's label
    findings: tuple[tuple[str, str], ...]  # (function, verdict label) of the linked scope check


@dataclass(frozen=True)
class VendorDossier:
    vendor: Vendor
    projects: tuple[ProjectFile, ...]
    attainment: pd.DataFrame  # 月份, 达成得分, 扣款(月服务费%), 未达标项 (the vendor's names together)
    duties: tuple[Duty, ...]
    call_share: float | None  # of all calls in the SLA data; None without call records
    share_threshold: float
    today: date

    @property
    def concentrated(self) -> bool:
        return self.call_share is not None and self.call_share >= self.share_threshold

    def project_table(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "项目": item.project.name, "阶段": item.stage, "外包要素": "、".join(item.project.elements),
            "合同起始": _day(item.project.term_start), "合同终止": _day(item.project.term_end),
            "最晚通知日": _day(item.project.notice_by()), "计费方式": item.project.fee_basis,
            "扣款上限(%)": item.project.deduction_cap_pct, "要素草稿": item.draft or "—",
            "范围自检": item.assessment or "—",
            "不得外包的职能": "、".join(f for f, label in item.findings if label == "不得外包") or "无",
        } for item in self.projects], columns=["项目", "阶段", "外包要素", "合同起始", "合同终止",
                                               "最晚通知日", "计费方式", "扣款上限(%)", "要素草稿",
                                               "范围自检", "不得外包的职能"])

    def duty_table(self) -> pd.DataFrame:
        return duty_table(self.duties, self.today)


def duty_table(duties: Sequence[Duty], today: date,
               project_names: Mapping[int, str] | None = None) -> pd.DataFrame:
    rows = [{"状态": duty.state(today), "下次到期": _day(duty.next_due), "负责人": duty.owner,
             "依据": f"{duty.doc} {duty.clause}", "原文": duty.quote,
             "周期": period_label(duty.period), "时限": duty.deadline or "", "需要的证据": duty.evidence_required,
             "已完成次数": len(duty.done)} for duty in duties]
    table = pd.DataFrame(rows, columns=["状态", "下次到期", "负责人", "依据", "原文", "周期", "时限",
                                        "需要的证据", "已完成次数"])
    if project_names is not None:
        table.insert(1, "项目", [project_names.get(duty.project_id or 0, "（外包商）") for duty in duties])
    return table


def build_dossier(vendor: Vendor, projects: Sequence[Project], stages: Sequence[Stage],
                  draft_label: Callable[[int], str], assessment_findings: Callable[
                      [int], tuple[str, tuple[tuple[str, str], ...]]],
                  summary: pd.DataFrame, monthly: pd.DataFrame, duties: Sequence[Duty],
                  share_threshold: float, today: date) -> VendorDossier:
    """The dossier from what each feature holds: the register's projects and duties, the label of
    a linked element draft and the findings of a linked scope check (by id; "" when gone), the
    SLA board's monthly summary and indicators (all vendors)."""
    names = set(vendor.names)
    stage_names = {stage.id: stage.name for stage in stages}
    files = []
    for project in projects:
        label, findings = assessment_findings(project.assessment_id) if project.assessment_id \
            else ("", ())
        files.append(ProjectFile(project, stage_names.get(project.stage, project.stage),
                                 draft_label(project.draft_id) if project.draft_id else "",
                                 label, findings))
    mine = summary[summary["vendor"].isin(names)] if len(summary) else summary
    attainment = pd.DataFrame({
        "月份": pd.to_datetime(mine["period"]).dt.strftime("%Y-%m") if len(mine) else [],
        "外包商(数据中的名称)": mine["vendor"] if len(mine) else [],
        "达成得分": mine["score"] if len(mine) else [],
        "扣款(月服务费%)": mine["deduction_pct"] if len(mine) else [],
        "未达标项": mine["missed"] if len(mine) else []}).sort_values("月份", ascending=False)
    calls = monthly[monthly["source"] == CALLS_SOURCE] if len(monthly) else monthly
    total = float(calls["offered"].sum()) if len(calls) else 0.0
    share = float(calls[calls["vendor"].isin(names)]["offered"].sum()) / total if total else None
    return VendorDossier(vendor, tuple(files), attainment.reset_index(drop=True), tuple(duties),
                         share, share_threshold, today)


def to_excel(dossier: VendorDossier) -> bytes:
    vendor = dossier.vendor
    workbook = summary_workbook(f"外包商档案:{vendor.name}", [
        ["统一社会信用代码", vendor.credit_code or "未填写"], ["状态", vendor.status],
        ["联系人", vendor.contacts], ["数据中的名称", "、".join(vendor.names)],
        ["话务占比", _share(dossier)], ["导出日期", dossier.today.isoformat()]])
    add_sheet(workbook, "项目", dossier.project_table())
    add_sheet(workbook, "SLA达成", dossier.attainment, {"达成得分": "0.0", "扣款(月服务费%)": "0.0"})
    add_sheet(workbook, "职责", dossier.duty_table())
    findings = pd.DataFrame([{"项目": item.project.name, "职能": function, "判定": label}
                             for item in dossier.projects for function, label in item.findings],
                            columns=["项目", "职能", "判定"])
    add_sheet(workbook, "范围判定", findings)
    return workbook_bytes(workbook)


def to_markdown(dossier: VendorDossier) -> str:
    vendor = dossier.vendor
    lines = [f"# 外包商档案:{exported(vendor.name)}", "",
             f"- 统一社会信用代码:{exported(vendor.credit_code or '未填写')}",
             f"- 状态:{exported(vendor.status)}", f"- 联系人:{exported(vendor.contacts) or '—'}",
             f"- 数据中的名称:{exported('、'.join(vendor.names))}", f"- 话务占比:{_share(dossier)}",
             f"- 导出日期:{dossier.today.isoformat()}", "", "## 项目", ""]
    lines += markdown_table(dossier.project_table()) if dossier.projects else ["(尚未登记项目)"]
    lines += ["", "## SLA 达成与扣款(按月)", ""]
    lines += markdown_table(dossier.attainment) if len(dossier.attainment) else ["(SLA 数据中没有该外包商)"]
    lines += ["", "## 职责", ""]
    lines += markdown_table(dossier.duty_table()) if dossier.duties else ["(尚未接受任何职责)"]
    return "\n".join(lines) + "\n"


def _share(dossier: VendorDossier) -> str:
    if dossier.call_share is None:
        return "无话单数据"
    note = f"(达到集中度提示线 {dossier.share_threshold:.0%})" if dossier.concentrated else ""
    return f"{dossier.call_share:.1%}{note}"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""
