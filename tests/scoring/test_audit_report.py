"""The audit log's exports: every entry, what it was filtered by, the chain's state, and text
that tries to be a formula stays text."""
import io

from openpyxl import load_workbook

from audit.trail import AuditTrail
from scoring.audit_report import entry_table, to_csv, to_excel

FORMULA = "=HYPERLINK(\"http://evil.example\",\"点我\")"


def test_the_excel_export_holds_the_entries_the_filters_and_the_verification(data_dir):
    trail = AuditTrail(data_dir)
    trail.record("wang@bank.cn", "王芳", "统一认证", "sla.import", "导入SLA数据", FORMULA,
                 after="已导入 120 条")
    trail.record("li@bank.cn", "<b>李明</b>", "统一认证", "sla.import", "导入SLA数据", "x.csv",
                 outcome="refused")
    entries = trail.entries()
    workbook = load_workbook(io.BytesIO(to_excel(entries, trail.verify(), "结果 拒绝")))
    summary = {row[0]: row[1] for row in workbook["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["筛选条件"] == "结果 拒绝" and summary["记录条数"] == 2
    assert "哈希链校验通过" in summary["哈希链校验"]
    sheet = workbook["记录"]
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == ["序号", "时间", "操作人", "账号", "方式", "操作", "对象", "结果"]
    target = sheet.cell(row=3, column=header.index("对象") + 1)  # oldest last: 王芳's import
    assert target.value == FORMULA and target.data_type == "s"  # text, never a formula
    assert [sheet.cell(row=r, column=header.index("结果") + 1).value for r in (2, 3)] == ["拒绝", "完成"]


def test_the_csv_export_defuses_formulas_and_an_empty_log_has_its_columns(data_dir):
    trail = AuditTrail(data_dir)
    assert list(entry_table([]).columns)[:3] == ["序号", "时间", "操作人"]
    trail.record("wang@bank.cn", "王芳", "统一认证", "scope.save", "保存范围自检", FORMULA)
    text = to_csv(trail.entries()).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
