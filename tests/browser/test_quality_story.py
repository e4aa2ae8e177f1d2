"""A manager dislikes an answer; the knowledge-base administrator turns it into a case of the
bank's evaluation set, runs that set from the page, and the manager's conversation is still there."""
import re

from playwright.sync_api import Page, expect

from tests.browser.server import open_page, wait_for_rerun


def test_a_disliked_answer_becomes_an_evaluation_case_that_is_run(page: Page, app_url: str):
    page.goto(app_url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="智能问答").click()
    page.get_by_test_id("stChatInputTextArea").fill("外包的办公地方消防有啥要求？")
    page.get_by_test_id("stChatInputTextArea").press("Enter")
    wait_for_rerun(page)
    expect(page).to_have_url(re.compile(r"[?&]c=\d+"))
    conversation = page.url
    page.get_by_role("radio", name="没用").last.click()
    wait_for_rerun(page)
    page.get_by_label("哪里不对？", exact=False).last.fill("应直接说按标准配备消防设施")
    page.get_by_role("button", name="提交原因").last.click()
    wait_for_rerun(page)

    open_page(page, "问答质量")
    page.get_by_role("tab", name="用户不满意的回答").click()
    panel = page.get_by_role("tabpanel", name="用户不满意的回答")
    expect(panel).to_contain_text("外包的办公地方消防有啥要求？")
    expect(panel).to_contain_text("应直接说按标准配备消防设施")
    panel.get_by_test_id("stSelectbox").first.click()
    page.keyboard.type("运营场所外包")  # the list is long: typing narrows it
    page.get_by_role("option", name=re.compile(r"第4\.3条 运营场所外包")).click()
    wait_for_rerun(page)
    panel.get_by_role("button", name="加入本行评估集").first.click()
    wait_for_rerun(page)
    expect(panel.get_by_text("已在本行评估集中。").first).to_be_visible()

    page.get_by_role("tab", name="运行评估").click()
    runner = page.get_by_role("tabpanel", name="运行评估")
    runner.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=re.compile("本行评估集")).click()
    wait_for_rerun(page)
    runner.get_by_role("button", name="运行评估").click()
    wait_for_rerun(page)
    expect(runner.get_by_test_id("stMetric").filter(has_text="recall@1")).to_be_visible()
    expect(runner.get_by_text("历次评估", exact=True)).to_be_visible()  # the heading

    page.goto(conversation)  # back to the conversation by its address, as after a refresh
    expect(page.get_by_text("外包的办公地方消防有啥要求？")).to_be_visible()
