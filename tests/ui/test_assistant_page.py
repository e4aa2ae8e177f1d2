"""智能问答: a manager asks, reads the answer with its citation, follows up, clears the chat."""
from streamlit.testing.v1 import AppTest

from tests.ui.rendered import shown


def assistant(app_test) -> AppTest:
    return app_test().switch_page("pages/assistant.py").run()


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input(key="chat_input").set_value(question).run()


def sources(at: AppTest) -> list[str]:
    return [shown(expander.label) for expander in at.expander]


def test_empty_chat_offers_example_questions_that_can_be_asked(app_test):
    at = assistant(app_test)
    assert not at.exception
    at = at.button(key="chat_example_2").click().run()  # 什么是服务目录?
    assert any("第2.4条 服务目录" in label for label in sources(at))
    assert any("服务目录是指" in markdown.value for markdown in at.markdown)


def test_question_is_answered_with_a_cited_clause(app_test):
    at = ask(assistant(app_test), "能不能把内审交给外包公司？")
    assert not at.exception
    assert sources(at)[0].startswith("出处：GB/T 32314-2015 第5.1.2条 范围管理")
    assert any("不可以" in markdown.value for markdown in at.markdown)


def test_off_topic_question_is_declined(app_test):
    at = ask(assistant(app_test), "明天北京天气怎么样?")
    assert sources(at) == []
    assert any("超出了本助手的范围" in markdown.value for markdown in at.markdown)


def test_follow_up_uses_the_conversation(app_test):
    at = ask(ask(assistant(app_test), "外包坐席人员有什么要求？"), "那场地呢?")
    assert sources(at)[0].startswith("出处：GB/T 32314-2015 第4.2条")
    assert any("第4.3条 运营场所外包" in label for label in sources(at)[1:])


def test_html_in_a_question_is_shown_as_text(app_test):
    question = "<script>alert('x')</script><b>外包场地</b>有什么要求？"
    at = ask(assistant(app_test), question)
    assert question in [text.value for text in at.text]
    assert not any("<script>" in markdown.value and "\\<" not in markdown.value
                   for markdown in at.markdown)


def test_too_long_and_empty_questions_get_a_clear_message(app_test):
    at = ask(assistant(app_test), "外包" * 5000)
    assert "问题太长(10000 字)" in at.warning[0].value


def test_clear_chat(app_test):
    at = ask(assistant(app_test), "外包场地有什么要求？")
    assert sources(at)
    at = at.button(key="chat_clear").click().run()
    assert sources(at) == [] and at.button(key="chat_example_0")
