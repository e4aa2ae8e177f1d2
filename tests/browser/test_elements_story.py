"""A manager picks elements, changes a target in the draft 服务目录， and exports the workbook."""
import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.server import open_grid_cell, open_page, wait_for_rerun


def test_manager_picks_elements_edits_the_catalogue_and_exports(page: Page, app_url: str,
                                                                tmp_path: Path):
    page.goto(app_url)
    open_page(page, "外包要素")

    page.get_by_test_id("stMultiSelect").filter(has_text="外包哪些要素").click()
    page.get_by_role("option", name="系统", exact=True).click()
    page.keyboard.press("Escape")
    wait_for_rerun(page)
    expect(page.get_by_text("4.4 系统外包：谁提供、谁管理")).to_be_visible()

    page.get_by_role("tab", name="服务目录").click()
    editor = page.get_by_role("tabpanel", name="服务目录").get_by_test_id("stDataFrame").first
    expect(editor).to_be_visible()
    wait_for_rerun(page)
    # 人工热线接听's first cell, four cells right: 目标值
    cell = open_grid_cell(page, editor, x=60, moves_right=4)
    cell.fill("90")
    cell.press("Enter")
    expect(page.get_by_text("相对默认草稿修改或新增 1 项，删除 0 项")).to_be_visible()

    page.get_by_role("tab", name="保存与导出").click()
    with page.expect_download() as excel:
        page.get_by_role("button", name="下载 Excel").click()
    assert excel.value.suggested_filename.startswith("外包要素方案_")
    path = tmp_path / excel.value.suggested_filename
    excel.value.save_as(path)
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    rows = list(workbook["服务目录"].iter_rows(values_only=True))
    assert rows[1][:2] == ("人工热线接听", "人员") and rows[1][4:6] == ("≥", 0.9)  # a number
    assert {"客服系统运行维护", "录音管理"} <= {row[0] for row in rows}
    summary = {row[0]: row[1] for row in workbook["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["外包要素"] == "人员+系统"

    with page.expect_download() as markdown:
        page.get_by_role("button", name="下载 Markdown").click()
    text = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert "| 人工热线接听 | 人员 |" in text and "≥ 90%" in text
