"""智能问答: a manager asks, reads the answer with its citation, follows up, rates it, starts a
new conversation, and finds the old one again after a refresh."""
import pytest
from streamlit.testing.v1 import AppTest

from scoring.assistant.conversations import ConversationStore
from tests.ui.rendered import shown


@pytest.fixture
def assistant(app_test, fresh_built_data_dir):
    """The page on a copy of the built data (asking keeps the conversation there)."""
    def open_page(address: dict | None = None) -> AppTest:
        at = app_test(fresh_built_data_dir).switch_page("pages/assistant.py")
        for name, value in (address or {}).items():
            at.query_params[name] = value
        return at.run()
    open_page.data_dir = fresh_built_data_dir
    return open_page


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input(key="chat_input").set_value(question).run()


def conversation(at: AppTest) -> str:
    """The kept conversation the page's address names."""
    value = at.query_params["c"]
    return value[0] if isinstance(value, list) else value


def sources(at: AppTest) -> list[str]:
    return [shown(expander.label) for expander in at.expander]


def test_empty_chat_offers_example_questions_that_can_be_asked(assistant):
    at = assistant()
    assert not at.exception
    at = at.button(key="chat_example_2").click().run()  # 什么是服务目录?
    assert any("第2.4条 服务目录" in label for label in sources(at))
    assert any("服务目录是指" in markdown.value for markdown in at.markdown)


def test_question_is_answered_with_a_cited_clause(assistant):
    at = ask(assistant(), "能不能把内审交给外包公司？")
    assert not at.exception
    assert sources(at)[0].startswith("出处：GB/T 32314-2015 第5.1.2条 范围管理")
    assert any("不可以" in markdown.value for markdown in at.markdown)


def test_off_topic_question_is_declined(assistant):
    at = ask(assistant(), "明天北京天气怎么样?")
    assert sources(at) == []
    assert any("超出了本助手的范围" in markdown.value for markdown in at.markdown)


def test_follow_up_uses_the_conversation(assistant):
    at = ask(ask(assistant(), "外包坐席人员有什么要求？"), "那场地呢?")
    assert sources(at)[0].startswith("出处：GB/T 32314-2015 第4.2条")
    assert any("第4.3条 运营场所外包" in label for label in sources(at)[1:])


def test_html_in_a_question_is_shown_as_text(assistant):
    question = "<script>alert('x')</script><b>外包场地</b>有什么要求？"
    at = ask(assistant(), question)
    assert question in [text.value for text in at.text]
    assert not any("<script>" in markdown.value and "\\<" not in markdown.value
                   for markdown in at.markdown)


def test_too_long_and_empty_questions_get_a_clear_message(assistant):
    at = ask(assistant(), "外包" * 5000)
    assert "问题太长(10000 字)" in at.warning[0].value


def test_clear_chat(assistant):
    at = ask(assistant(), "外包场地有什么要求？")
    assert sources(at)
    at = at.button(key="chat_history_new").click().run()
    assert sources(at) == [] and at.button(key="chat_example_0")
    assert "c" not in at.query_params


def test_a_refresh_reopens_the_conversation(assistant):
    at = ask(ask(assistant(), "外包坐席人员有什么要求？"), "那场地呢?")
    again = assistant({"c": conversation(at)})  # a new session at the same address, as after a refresh
    assert [text.value for text in again.text] == ["外包坐席人员有什么要求？", "那场地呢?"]
    assert any("第4.3条 运营场所外包" in label for label in sources(again))
    follow = ask(again, "那系统呢?")  # and the conversation goes on where it was
    assert any("第4.4条 系统外包" in label for label in sources(follow))
    kept = ConversationStore(assistant.data_dir).saved()
    assert len(kept) == 1 and len(kept[0].turns) == 3


def test_a_deleted_or_unknown_conversation_in_the_address_starts_a_new_one(assistant):
    at = assistant({"c": "999"})
    assert not at.exception and "已开始新的对话" in at.warning[0].value
    assert sources(at) == []


def test_dislike_with_a_reason_is_kept_with_the_answer(assistant):
    at = ask(assistant(), "外包场地有什么要求？")
    assert len(at.get("feedback")) == 1  # 👍/👎 under the answer
    key = f"chat_fb_{conversation(at)}_0"
    at.session_state[key] = 0  # 👎
    at = at.run()
    at.text_input(key=f"{key}_why").input("没有提到消防设施的要求")
    at = at.button(key=f"{key}_send").click().run()
    [disliked] = ConversationStore(assistant.data_dir).disliked()
    assert disliked.turn.reason == "没有提到消防设施的要求"
    assert disliked.turn.question == "外包场地有什么要求？"
    assert disliked.turn.answer.citations[0].clause == "4.3"


def test_old_conversations_can_be_reopened_and_deleted(assistant):
    at = ask(assistant(), "外包场地有什么要求？")
    at = ask(at.button(key="chat_history_new").click().run(), "什么是服务目录")
    store = ConversationStore(assistant.data_dir)
    first = next(c for c in store.saved() if c.title.startswith("外包场地"))
    at.selectbox(key="chat_history_pick").set_value(first.id)
    at = at.button(key="chat_history_open").click().run()
    assert [text.value for text in at.text] == ["外包场地有什么要求？"]
    at = at.button(key="chat_history_delete").click().run()
    at = at.button(key="chat_history_delete_yes").click().run()
    assert [c.title for c in store.saved()] == ["什么是服务目录"]


def test_deleting_the_open_conversation_starts_a_new_one(assistant):
    at = ask(assistant(), "外包场地有什么要求？")
    store = ConversationStore(assistant.data_dir)
    [kept] = store.saved()
    at.selectbox(key="chat_history_pick").set_value(kept.id)
    at = at.button(key="chat_history_delete").click().run()
    at = at.button(key="chat_history_delete_yes").click().run()
    assert sources(at) == [] and "c" not in at.query_params
    at = ask(at, "什么是服务目录")  # the next question starts a new kept conversation
    assert not at.warning and [c.title for c in store.saved()] == ["什么是服务目录"]


def test_a_reason_given_is_shown_again_after_a_refresh(assistant):
    at = ask(assistant(), "外包场地有什么要求？")
    key = f"chat_fb_{conversation(at)}_0"
    at.session_state[key] = 0
    at = at.run()
    at.text_input(key=f"{key}_why").input("没有提到消防设施")
    at = at.button(key=f"{key}_send").click().run()
    again = assistant({"c": conversation(at)})
    assert again.text_input(key=f"{key}_why").value == "没有提到消防设施"
