"""A manager asks the assistant, sees the cited clause and opens its source."""
from playwright.sync_api import Page, expect

from tests.browser.server import wait_for_rerun


def test_manager_asks_and_opens_the_cited_source(page: Page, app_url: str):
    page.goto(app_url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="智能问答").click()
    expect(page.get_by_role("heading", name="智能问答")).to_be_visible()

    page.get_by_test_id("stChatInputTextArea").fill("外包场地有什么要求？")
    page.get_by_test_id("stChatInputTextArea").press("Enter")
    wait_for_rerun(page)

    source = page.get_by_test_id("stExpander").filter(has_text="第4.3条 运营场所外包").first
    expect(source).to_be_visible()
    source.get_by_text("出处：GB/T 32314-2015 第4.3条 运营场所外包").click()
    expect(source.get_by_text("不间断供电", exact=False).first).to_be_visible()
