"""问答质量: an administrator runs an evaluation set, turns a disliked answer into a case of the
bank's set, and runs that set."""
import pytest
from streamlit.testing.v1 import AppTest

from scoring.assistant.conversations import ConversationStore
from scoring.assistant.quality import QualityStore
from scoring.services import create_services


@pytest.fixture
def quality_page(app_test, fresh_built_data_dir):
    def open_page() -> AppTest:
        return app_test(fresh_built_data_dir).switch_page("pages/quality.py").run()
    open_page.data_dir = fresh_built_data_dir
    return open_page


def test_running_a_shipped_set_shows_its_figures_and_keeps_them(quality_page):
    at = quality_page()
    assert not at.exception
    assert at.selectbox(key="quality_set").options[-1].startswith("本行评估集（0 题）")
    at.selectbox(key="quality_set").set_value("另写集")
    at = at.button(key="quality_run").click().run()
    figures = {metric.label: metric.value for metric in at.tabs[0].metric}
    assert float(figures["recall@1"].rstrip("%")) >= 90
    history = at.tabs[0].dataframe[0].value
    assert list(history["评估集"]) == ["另写集"]
    assert [button.proto.label for button in at.tabs[0].get("download_button")] == \
        ["下载未答对的问题（Excel）", "下载历次评估（Excel）"]  # escaped (toolbar CSV is off)
    misses = at.tabs[0].table[0].value
    assert set(misses["助手判为未涉及"]) <= {"是", "否"}  # never a blank cell


def test_a_disliked_answer_becomes_a_case_and_the_bank_set_is_run(quality_page):
    services = create_services({"data_dir": quality_page.data_dir})
    answer = services.ask("外包的办公地方要满足什么?")
    conversation, position = ConversationStore(quality_page.data_dir).add_turn(
        None, "外包的办公地方要满足什么?", answer)
    ConversationStore(quality_page.data_dir).rate(conversation, position, False, "想看消防要求")
    at = quality_page()
    key = f"quality_case_{conversation}_{position}"
    assert "想看消防要求" in " ".join(caption.value for caption in at.tabs[1].caption)
    at.selectbox(key=key).set_value("4.3")
    at = at.button(key=f"{key}_add").click().run()
    [case] = QualityStore(quality_page.data_dir).cases()
    assert (case.question, case.clauses, case.note) == ("外包的办公地方要满足什么?", ("4.3",), "想看消防要求")
    assert "已在本行评估集中" in " ".join(caption.value for caption in at.tabs[1].caption)
    at.selectbox(key="quality_set").set_value("本行评估集")
    at = at.button(key="quality_run").click().run()
    assert {metric.label for metric in at.tabs[0].metric} >= {"recall@1", "recall@3"}
