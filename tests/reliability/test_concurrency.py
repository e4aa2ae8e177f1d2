"""Many users at once: shared resources created once under concurrency, the same answers as one
user gets alone, stores that take turns, and five browsers on a freshly started server."""
from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import Browser, expect

from scoring.services import create_services
from tests.browser.server import running_app

QUESTIONS = ["外包场地有什么要求？", "能不能把内审交给外包公司？", "什么是服务目录?",
             "外包管理的组织架构怎么设置?", "Who signs the SLA?", "外包需要哪些制度?",
             "5.1.2条说了什么", "外包坐席人员有什么要求？", "外包项目怎么立项?", "明天北京天气怎么样?"]


def test_twenty_sessions_get_the_answers_one_session_gets(built_services):
    from knowledge.assistant import ask

    base = built_services.knowledge
    alone = {question: ask(base, question).to_dict() for question in QUESTIONS}
    asked = [question for _ in range(20) for question in random.Random(7).sample(QUESTIONS, 10)]
    with ThreadPoolExecutor(20) as pool:
        together = list(pool.map(lambda question: (question, ask(base, question).to_dict()), asked))
    assert all(answer == alone[question] for question, answer in together)


def test_services_started_by_many_sessions_at_once_are_built_once(fresh_built_data_dir):
    services = create_services({"data_dir": fresh_built_data_dir})  # nothing opened yet

    def first_use(number: int):
        if number % 3 == 0:
            return services.scope_checker.classify("外呼营销").verdict
        if number % 3 == 1:
            return services.knowledge.search("外包场地")[0].chunk.clause
        return len(services.knowledge.library.entries())

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(first_use, range(24)))
    assert set(results) == {"caution", "4.3", 1}
    assert services.scope_checker is services.scope_checker


def test_five_browsers_on_a_freshly_started_server_all_get_answers(
        browser: Browser, fresh_built_data_dir: Path, tmp_path: Path):
    with running_app(fresh_built_data_dir, tmp_path / "streamlit.log") as url:
        pages = [browser.new_context(locale="zh-CN").new_page() for _ in range(5)]
        for page in pages:  # all start loading before any has finished
            page.goto(f"{url}/assistant", wait_until="commit")
        for page in pages:
            expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible()
        for page, question in zip(pages, QUESTIONS):
            page.get_by_test_id("stChatInputTextArea").fill(question)
            page.get_by_test_id("stChatInputTextArea").press("Enter")
        for page in pages:
            expect(page.get_by_test_id("stChatMessage").nth(1)).to_be_visible()
            assert page.get_by_test_id("stException").count() == 0
            assert "出错了" not in page.locator("body").inner_text()
        for page in pages:
            page.context.close()
