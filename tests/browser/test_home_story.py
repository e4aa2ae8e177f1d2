"""A reader opens the app, sees what is loaded, goes to 条款浏览 and reads a clause."""
from playwright.sync_api import Page, expect

from tests.browser.server import open_page, wait_for_rerun


def test_reader_opens_the_app_and_reads_a_clause(page: Page, app_url: str):
    page.goto(app_url)
    expect(page).to_have_title("客服中心外包管理助手")
    expect(page.get_by_role("heading", name="客服中心外包管理助手")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="条款总数")).to_contain_text("28")

    open_page(page, "条款浏览")

    page.get_by_test_id("stRadio").get_by_text("5.1.2 范围管理").click()
    expect(page.get_by_role("heading", name="5.1.2 范围管理")).to_be_visible()
    wait_for_rerun(page)  # until then the text of the clause shown before (1 范围) may linger
    expect(page.get_by_text("内部审计")).to_be_visible()
