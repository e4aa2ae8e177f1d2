"""A manager asks the assistant, sees the cited clause and opens its source; dislikes an answer
with a reason and finds the conversation again after refreshing the browser."""
import re

from playwright.sync_api import Page, expect

from tests.browser.server import open_page, wait_for_rerun


def test_manager_asks_and_opens_the_cited_source(page: Page, app_url: str):
    page.goto(app_url)
    open_page(page, "智能问答")

    page.get_by_test_id("stChatInputTextArea").fill("外包场地有什么要求？")
    page.get_by_test_id("stChatInputTextArea").press("Enter")
    wait_for_rerun(page)

    source = page.get_by_test_id("stExpander").filter(has_text="第4.3条 运营场所外包").first
    expect(source).to_be_visible()
    source.get_by_text("出处：GB/T 32314-2015 第4.3条 运营场所外包").click()
    expect(source.get_by_text("不间断供电", exact=False).first).to_be_visible()


def test_manager_dislikes_an_answer_with_a_reason_and_finds_the_conversation_after_a_refresh(
        page: Page, app_url: str):
    page.goto(app_url)
    open_page(page, "智能问答")
    page.get_by_test_id("stChatInputTextArea").fill("可以把投诉处理外包吗？")
    page.get_by_test_id("stChatInputTextArea").press("Enter")
    wait_for_rerun(page)
    expect(page.get_by_text("可以，但需满足条件。", exact=False).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]c=\d+"))  # the conversation is kept

    page.get_by_role("radio", name="没用").click()  # 👎 (its label read out in Chinese)
    wait_for_rerun(page)
    page.get_by_label("哪里不对？", exact=False).fill("应说明投诉处理结论由行方作出")
    page.get_by_role("button", name="提交原因").click()
    wait_for_rerun(page)

    page.reload()  # the browser is refreshed: the conversation is still there
    expect(page.get_by_role("heading", name="智能问答")).to_be_visible()
    expect(page.get_by_text("可以把投诉处理外包吗？")).to_be_visible()
    expect(page.get_by_text("可以，但需满足条件。", exact=False).first).to_be_visible()
