"""Every page, every tab: no English interface words left, in the text a user reads or in the
labels a screen reader reads (the standard's own English terms and SLA, FCR, CSAT… are fine)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.server import open_page, wait_for_rerun

HEADINGS = {"首页": "客服中心外包管理助手"}  # the others are titled as they are named
PAGES = ["首页", "智能问答", "条款浏览", "文档管理", "问答质量", "范围自检", "外包要素", "SLA看板", "外包台账",
         "外包商档案", "审计日志"]
# Streamlit's and Vega's own words, and the English a month or a missing value shows as
ENGLISH = ["Upload", "Browse files", "Add files", "Drag and drop", "per file", "Download as", "Search",
           "Fullscreen", "Show/hide columns", "Add row", "Delete row", "Clear all",
           "Selected values", "Choose an option", "No results", "Send message", "Collapse sidebar",
           "Main menu", "App pages", "Link to heading", "Skip to main content", "Copy Vega-Lite",
           "Show data", "Increment", "Decrement", "Help for", "Remove ", "Print", "Record screen",
           "Made with Streamlit", "Running", "Title text", "Subtitle text", "legend", "X-axis",
           "Y-axis", "Vega visualization", "mark container", "None", "nan", "NaN", "Thumbs",
           "Feedback rating",
           *("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")]
WORD = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(word.strip())}(?![a-z])" for word in ENGLISH))
READ_OUT = """() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
    .flatMap(element => ['aria-label', 'title', 'placeholder']
        .map(name => element.getAttribute(name)).filter(Boolean))"""


def english_on(page: Page) -> list[str]:
    """English interface words in the visible text (icons left out) and the ARIA labels."""
    text = page.evaluate("""() => {
        const copy = document.body.cloneNode(true);
        copy.querySelectorAll('[data-testid="stIconMaterial"], script, style')
            .forEach(icon => icon.remove());
        return copy.innerText;
    }""")
    found = [match.group(0) for match in WORD.finditer(text)]
    found += [label for label in page.evaluate(READ_OUT) if WORD.search(label)]
    return found


def test_no_page_shows_english_interface_words(page: Page, app_url: str):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app_url)
    wait_for_rerun(page)
    for name in PAGES:
        open_page(page, name, HEADINGS.get(name))
        if name == "智能问答":  # an answer, with its sources and 👍/👎
            page.get_by_test_id("stChatInputTextArea").fill("外包场地有什么要求？")
            page.get_by_test_id("stChatInputTextArea").press("Enter")
            wait_for_rerun(page)
        for tab in [None, *page.get_by_role("tab").all()]:
            if tab is not None:
                tab.click()
                wait_for_rerun(page)
            page.wait_for_timeout(300)  # the locale layer translates as elements appear
            assert not english_on(page), (name, tab and tab.inner_text())


def test_a_page_opened_by_its_address_right_after_a_start_is_inside_the_app(
        browser, built_data_dir, tmp_path):
    """A bookmark or a refresh as the first request to a fresh server: Streamlit would run the
    page's script on its own (pages/ as a folder of pages); it is run by app.py instead, with
    the app's menu and Chinese interface words."""
    import shutil

    from tests.browser.server import running_app

    data_dir = tmp_path / "data"
    shutil.copytree(built_data_dir, data_dir)
    with running_app(data_dir, tmp_path / "streamlit.log") as url:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{url}/sla")
        expect(page.get_by_role("heading", name="SLA看板", exact=True)).to_be_visible(timeout=60_000)
        wait_for_rerun(page)
        menu = page.get_by_test_id("stSidebarNav").inner_text()
        assert "外包台账" in menu and "locale" not in menu and "resources" not in menu
        page.wait_for_timeout(300)
        assert not english_on(page)
        page.get_by_role("tab", name="人力测算").click()  # a number out of its range, said in Chinese
        calls = page.get_by_label("每时段呼入量").first
        calls.fill("-5")
        calls.press("Enter")
        expect(page.get_by_text("数值超出允许范围：请输入 0 到 1000000 之间的数")).to_be_visible()
        context.close()
