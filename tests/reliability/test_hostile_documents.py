"""A document whose name, titles and text are Markdown, HTML and images shows as text on every
page: no link, no image, no markup, and no request to another host from a viewer's browser."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from scoring.services import create_services
from settings import PROJECT_ROOT
from tests.browser.server import open_page, running_app, wait_for_rerun

HOSTILE = PROJECT_ROOT / "tests" / "data" / "hostile" / "markup_titles.txt"
SHORT_NAME = "[恶意](//evil.example/name)"
TITLE = "<script>document.title='x'</script>![i](http://host.example/t.png)"
MARKUP_HEADING = "2.2 坐席`复训`与*强调*要求"  # shown as typed, not as code or emphasis
PAGES = ["首页", "智能问答", "条款浏览", "文档管理", "问答质量", "范围自检", "外包要素", "SLA看板"]


@pytest.fixture(scope="module")
def hostile_url(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("hostile-data")
    services = create_services({"data_dir": data_dir})
    services.knowledge.change(lambda library: library.add(HOSTILE.read_bytes(), HOSTILE.name,
                                                          SHORT_NAME, TITLE))
    with running_app(data_dir, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


def live_markup(page: Page) -> list[str]:
    """Links behind other words, images and elements that the hostile text would create if it
    were not escaped (a URL written out may show as a link to itself, as in any viewer)."""
    links = page.locator("a").evaluate_all(
        "links => links.map(a => [a.getAttribute('href') || '', a.innerText])")
    found = [f"a {href} {text!r}" for href, text in links
             if ".example" in href and text.strip() != href]
    found += [f"img {image}" for image in page.locator("img").evaluate_all(
        "images => images.map(i => i.getAttribute('src') || '')") if "host.example" in image]
    found += ["<b>"] * page.locator("main b").count() + ["<script>"] * page.evaluate(
        "document.title === 'x' ? 1 : 0")
    return found


def test_no_page_renders_the_hostile_document_as_markup(page: Page, hostile_url: str):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(hostile_url)
    wait_for_rerun(page)
    for name in PAGES:  # each page's own run drawn before it is read (its title first)
        open_page(page, name, "客服中心外包管理助手" if name == "首页" else None)
        for expander in page.get_by_test_id("stExpander").all()[:6]:
            if expander.is_visible():  # those in another tab are not
                expander.locator("summary").click()
        if name == "条款浏览":
            page.get_by_test_id("stSelectbox").click()
            page.get_by_role("option").filter(has_text="恶意").click()
            wait_for_rerun(page)
            expect(page.get_by_test_id("stRadio")).to_contain_text(MARKUP_HEADING)
        if name == "智能问答":
            page.get_by_test_id("stChatInputTextArea").fill("坐席多久参加一次业务复训?")
            page.keyboard.press("Enter")
            wait_for_rerun(page)
            source = page.get_by_test_id("stExpander").filter(has_text="出处").first
            expect(source).to_be_visible()
            source.locator("summary").click()
            expect(source.get_by_text("业务复训", exact=False).first).to_be_visible()
        assert not live_markup(page), name
        assert page.get_by_test_id("stException").count() == 0, name
    assert not [url for url in requests if "host.example" in url or "evil.example" in url]


def test_the_hostile_text_is_still_there_to_read(page: Page, hostile_url: str):
    page.goto(hostile_url)
    wait_for_rerun(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="首页").click()
    wait_for_rerun(page)
    assert page.get_by_text(SHORT_NAME, exact=False).count() >= 1
