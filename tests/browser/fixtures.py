"""Fixtures of the real-browser tests (Debian's chromium via Playwright) against `streamlit run` on
localhost; loaded for the whole suite by tests/conftest.py, as stories live in several folders."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, running_app, save_full_page

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()

expect.set_options(timeout=30_000)  # the first page load also loads the embedding model


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} "
                    "(apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_url(browser: Browser, built_data_dir: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on its own copy of the built data (the stories import, save and delete)."""
    data_dir = tmp_path_factory.mktemp("server-data") / "data"
    shutil.copytree(built_data_dir, data_dir)
    with running_app(data_dir, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page; a screenshot of it lands in tests/artifacts/ when the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    call = request.node.stash[REPORTS].get("call")
    if call is not None and call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        save_full_page(page, ARTIFACTS / f"{request.node.name}.png")
    context.close()
