"""The check as a manager files it: verdict tables, assessment charts, and Excel/Markdown exports."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import altair as alt
import pandas as pd
from openpyxl.styles import PatternFill

from escaping import exported
from scoring.chart_locale import chinese
from scoring.exports import add_sheet, markdown_table, summary_workbook, workbook_bytes
from scoring.scope.checker import ScopeVerdict
from scoring.scope.functions import VERDICT_LABELS
from scoring.scope.governance import AssessmentResult, Comparison, SectionScore

VERDICT_COLORS = {"prohibited": "#f8d7da", "caution": "#fff3cd", "allowed": "#d4edda",
                  "review": "#dde3ea"}
ANSWER_COLORS = {"符合": "#2e7d32", "部分符合": "#f9a825", "不符合": "#c62828", "不适用": "#9e9e9e",
                 "未作答": "#cfd8dc"}
VERDICT_COLUMNS = ["职能", "判定", "类别", "理由", "依据条款", "外包要素", "相近条目"]
GAP_COLUMNS = ["优先级", "条款", "检查项", "自评结果", "依据说明", "建议措施"]


@dataclass(frozen=True)
class ScopeReport:
    """Everything one check produced, dated."""

    title: str
    made_on: date
    standard: str  # e.g. "GB/T 32314-2015 商业银行客户服务中心服务外包管理规范"
    verdicts: list[ScopeVerdict] = field(default_factory=list)
    result: AssessmentResult | None = None
    coverage: list[str] = field(default_factory=list)  # what the loaded copy of the standard lacks

    def file_name(self, suffix: str) -> str:
        return f"范围自检报告_{self.made_on:%Y%m%d}.{suffix}"


def verdict_counts(verdicts: list[ScopeVerdict]) -> dict[str, int]:
    """How many functions got each verdict, in the order of VERDICT_LABELS."""
    return {verdict: sum(item.verdict == verdict for item in verdicts) for verdict in VERDICT_LABELS}


def verdict_table(verdicts: list[ScopeVerdict]) -> pd.DataFrame:
    """One row per function; the verdict column holds the Chinese label."""
    rows = [[item.function, item.label, item.category, item.reason,
             "\n".join(str(citation) for citation in item.citations), item.element,
             ";".join(f"{n.entry.name}({n.similarity:.2f})" for n in item.nearest)]
            for item in verdicts]
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


def item_table(result: AssessmentResult) -> pd.DataFrame:
    rows = [[f"{r.item.number}", r.item.section_heading, r.item.question, r.item.citation.reference,
             r.item.weight, r.answer.label if r.answer else "未作答", r.answer.note if r.answer else ""]
            for r in result.items]
    return pd.DataFrame(rows, columns=["序号", "章节", "检查项", "条款", "权重", "自评结果", "依据说明"])


def section_table(result: AssessmentResult) -> pd.DataFrame:
    """Score per section and overall: a number, or empty with the reason beside it."""
    rows = [[section.heading, section.score, _no_score(section), len(section.items),
             sum(r.answer is None for r in section.items)] for section in result.sections]
    rows.append(["总体", result.score, "" if result.score is not None else "不适用",
                 len(result.items), len(result.unanswered)])
    return pd.DataFrame(rows, columns=["章节", "得分", "说明", "检查项", "未作答"])


def gap_table(result: AssessmentResult) -> pd.DataFrame:
    """Every item not met, with its clause and the suggested action, heaviest first."""
    rows = [[f"权重 {r.item.weight:g}", r.item.citation.reference, r.item.question, r.answer.label,
             r.answer.note, r.item.action] for r in result.gaps]
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def comparison_table(comparison: Comparison) -> pd.DataFrame:
    """Scores per section, earlier against later, with the change."""
    rows = [[heading, before, after, _delta(before, after)]
            for heading, before, after in comparison.sections]
    before, after = comparison.earlier.score, comparison.later.score
    rows.append(["总体", before, after, _delta(before, after)])
    return pd.DataFrame(rows, columns=["章节", "以前", "本次", "变化"])


def changes_table(comparison: Comparison) -> pd.DataFrame:
    """The items whose answer changed between the two assessments."""
    rows = [[item.number, item.question, before.label if before else "未作答",
             after.label if after else "未作答"] for item, before, after in comparison.changes]
    return pd.DataFrame(rows, columns=["序号", "检查项", "以前", "本次"])


def section_chart(result: AssessmentResult) -> alt.Chart:
    """Score per section (0–100); sections with nothing applicable are left out."""
    data = pd.DataFrame([{"章节": s.heading, "得分": s.score} for s in result.sections
                         if s.score is not None])
    return chinese(alt.Chart(data).mark_bar().encode(
        x=alt.X("得分:Q", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("章节:N", sort=None, title=None), tooltip=["章节", "得分"]).properties(height=180),
        "治理自评各章节的得分")


def item_chart(result: AssessmentResult, section: str) -> alt.Chart:
    """One section's items: the weight each carries, coloured by the answer."""
    chosen = next(s for s in result.sections if s.section == section)
    data = pd.DataFrame([{"检查项": f"{r.item.number}. {r.item.question[:24]}…",
                          "权重": r.item.weight,
                          "自评结果": r.answer.label if r.answer else "未作答"}
                         for r in chosen.items])
    colors = alt.Scale(domain=list(ANSWER_COLORS), range=list(ANSWER_COLORS.values()))
    return chinese(alt.Chart(data).mark_bar().encode(
        x="权重:Q", y=alt.Y("检查项:N", sort=None, title=None),
        color=alt.Color("自评结果:N", scale=colors), tooltip=["检查项", "权重", "自评结果"]),
        f"{chosen.heading}各检查项的权重与自评结果")


def to_markdown(report: ScopeReport) -> str:
    """The whole check as a Markdown document."""
    lines = [f"# {exported(report.title)}", "", f"- 日期:{report.made_on:%Y-%m-%d}",
             f"- 依据:{exported(report.standard)}", ""]
    lines += ["## 一、职能判定", ""]
    if report.verdicts:
        counts = verdict_counts(report.verdicts)
        lines += ["、".join(f"{VERDICT_LABELS[v]} {n} 项" for v, n in counts.items()), ""]
        lines += markdown_table(verdict_table(report.verdicts))
    else:
        lines.append("未检查职能。")
    lines += ["", "## 二、治理自评", ""]
    result = report.result
    if result is None:
        lines.append("未进行治理自评。")
    else:
        if not result.complete:
            lines += [f"**自评未完成:尚有 {len(result.unanswered)} 项未作答,得分只计已作答的项目。**", ""]
        lines += markdown_table(section_table(result)) + [""] + markdown_table(item_table(result))
        lines += ["", "## 三、差距清单", ""]
        gaps = gap_table(result)
        lines += markdown_table(gaps) if len(gaps) else ["没有未满足的检查项。"]
    if report.coverage:
        lines += ["", "## 说明:依据文本的缺漏", ""] + [f"- {exported(note)}"
                                                  for note in report.coverage]
    return "\n".join(lines) + "\n"


def to_excel(report: ScopeReport) -> bytes:
    """The whole check as an .xlsx workbook: summary, verdicts, assessment, gaps."""
    rows = [["日期", f"{report.made_on:%Y-%m-%d}"], ["依据", report.standard]]
    rows += [[VERDICT_LABELS[verdict], count]
             for verdict, count in verdict_counts(report.verdicts).items()]
    if report.result is not None:
        rows += [["治理自评总分", report.result.score],
                 ["已作答", f"{len(report.result.items) - len(report.result.unanswered)}"
                            f"/{len(report.result.items)}"]]
    rows += [["文本缺漏", note] for note in report.coverage]
    workbook = summary_workbook(report.title, rows)
    sheet = add_sheet(workbook, "职能判定", verdict_table(report.verdicts))
    for row, item in enumerate(report.verdicts, start=2):
        sheet.cell(row, 2).fill = PatternFill("solid", fgColor=VERDICT_COLORS[item.verdict][1:])
    if report.result is not None:
        add_sheet(workbook, "章节得分", section_table(report.result))
        add_sheet(workbook, "治理自评", item_table(report.result))
        add_sheet(workbook, "差距清单", gap_table(report.result))
    return workbook_bytes(workbook)


def _no_score(section: SectionScore) -> str:
    """Why a section has no score: nothing answered yet, or nothing applicable."""
    if section.score is not None:
        return ""
    return "未作答" if any(r.answer is None for r in section.items) else "不适用"


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 1)
