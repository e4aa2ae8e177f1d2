"""条款浏览: a reader picks a document, narrows the clause list and reads one clause."""
from streamlit.testing.v1 import AppTest

from tests.ui.rendered import shown


def browse(app_test) -> AppTest:
    return app_test().switch_page("pages/browse.py").run()


def clause_list(at: AppTest) -> list[str]:
    """The clause list as shown, without the indentation of the heading tree."""
    return [shown(label).strip() for label in at.radio(key="browse_clause").options]


def choose(at: AppTest, number: str) -> AppTest:
    """Click the clause with this number in the clause list."""
    return at.radio(key="browse_clause").set_value(number).run()


def filter_clauses(at: AppTest, words: str) -> AppTest:
    return at.text_input(key="browse_filter").input(words).run()


def test_browse_lists_every_clause_of_the_document(app_test):
    at = browse(app_test)

    assert not at.exception
    assert at.selectbox(key="browse_doc").value == "gbt-32314-2015"
    assert len(clause_list(at)) == 28


def test_choosing_a_clause_shows_its_text(app_test):
    at = choose(browse(app_test), "5.1.2")

    assert shown(at.subheader[0].value) == "5.1.2 范围管理"
    assert "内部审计" in at.markdown[0].value


def test_filter_narrows_the_list(app_test):
    at = filter_clauses(browse(app_test), "消防")

    assert clause_list(at) == ["4.3 运营场所外包"]
    assert shown(at.subheader[0].value) == "4.3 运营场所外包"


def test_filter_without_match_says_so(app_test):
    at = filter_clauses(browse(app_test), "不存在的字词")

    assert not at.exception
    assert at.info[0].value == "没有符合筛选条件的条款。"
    assert not at.radio


def test_flagged_clause_shows_its_flag(app_test):
    at = choose(browse(app_test), "4.2")

    assert "4.2 人员外包  ⚑" in clause_list(at)
    assert "编号为推断" in at.markdown[0].value


def test_a_chosen_clause_stays_chosen_when_the_filter_changes(app_test):
    at = filter_clauses(choose(browse(app_test), "4.4"), "系统")

    assert at.radio(key="browse_clause").value == "4.4"
    assert shown(at.subheader[0].value) == "4.4 系统外包"
