"""A manager enters the functions of an outsourcing project, sees one flagged, downloads the report."""
import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.server import open_page, wait_for_rerun


def test_manager_checks_functions_and_downloads_the_report(page: Page, app_url: str,
                                                           tmp_path: Path):
    page.goto(app_url)
    open_page(page, "范围自检")

    page.get_by_label("或逐行输入职能描述（每行一项）").fill(
        "人工热线接听\n外呼营销\n对外包项目开展内部审计")
    page.get_by_role("button", name="开始判定").click()
    wait_for_rerun(page)

    flagged = page.get_by_test_id("stAlert").filter(has_text="项职能不得外包")
    expect(flagged).to_contain_text("有 1 项职能不得外包：对外包项目开展内部审计")
    expect(page.get_by_test_id("stMetric").filter(has_text="不得外包")).to_contain_text("1")
    table = page.get_by_role("tabpanel", name="职能判定").get_by_test_id("stTable")
    expect(table).to_contain_text("对外包项目开展内部审计")
    expect(table).to_contain_text("GB/T 32314-2015 第5.1.2条 范围管理")  # reasons shown whole

    page.get_by_role("tab", name="报告导出").click()
    with page.expect_download() as excel:
        page.get_by_role("button", name="下载 Excel 报告").click()
    assert excel.value.suggested_filename.startswith("范围自检报告_")
    path = tmp_path / excel.value.suggested_filename
    excel.value.save_as(path)
    rows = list(load_workbook(io.BytesIO(path.read_bytes()))["职能判定"].iter_rows(values_only=True))
    assert ("对外包项目开展内部审计", "不得外包") in [row[:2] for row in rows]

    with page.expect_download() as markdown:
        page.get_by_role("button", name="下载 Markdown 报告").click()
    text = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert "| 对外包项目开展内部审计 | 不得外包 | 内部审计 |" in text
