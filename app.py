"""The app frame: page config, navigation over the pages, and the one error boundary."""
import logging
import uuid

import streamlit as st

from errors import UserError
from pages._frame import mark_framed
from pages._locale import install_chinese_chrome
from pages._session import (
    actor,
    identity_sidebar,
    may,
    sign_in_screen,
    sso_configured,
)

log = logging.getLogger("csc")

st.set_page_config(page_title="客服中心外包管理助手", page_icon="🏦", layout="wide")

install_chinese_chrome()
mark_framed()
try:
    person = actor()
except UserError as error:  # the file of people and roles cannot be read: nobody may act
    st.error(str(error))
    st.stop()
pages = {
    "概览": [st.Page("pages/home.py", title="首页", icon=":material/home:", default=True),
           st.Page("pages/assistant.py", title="智能问答", icon=":material/forum:")],
    "知识库": [st.Page("pages/browse.py", title="条款浏览", icon=":material/menu_book:"),
            st.Page("pages/library.py", title="文档管理", icon=":material/library_books:"),
            st.Page("pages/quality.py", title="问答质量", icon=":material/query_stats:")],
    "外包管理": [st.Page("pages/scope.py", title="范围自检", icon=":material/fact_check:"),
             st.Page("pages/elements.py", title="外包要素", icon=":material/account_tree:"),
             st.Page("pages/sla.py", title="SLA看板", icon=":material/monitoring:"),
             st.Page("pages/register.py", title="外包台账", icon=":material/assignment:"),
             st.Page("pages/vendor.py", title="外包商档案", icon=":material/business:")],
}
if person is None:  # the bank's SSO is configured and nobody has signed in yet
    # the pages are declared (hidden, none is run) before the sign-in screen stops the run: in a
    # run without st.navigation, Streamlit serves every script in pages/ as a page, to anyone
    st.navigation(pages, position="hidden")
    sign_in_screen()
administration = [page for page, allowed in (  # only for those whose roles allow them
    (st.Page("pages/people.py", title="用户与角色", icon=":material/group:"),
     sso_configured() and may("roles.grant")),  # without SSO there is nobody to give roles to
    (st.Page("pages/audit.py", title="审计日志", icon=":material/policy:"), may("audit.view")),
) if allowed]
navigation = st.navigation({**pages, **({"系统": administration} if administration else {})})
try:
    identity_sidebar(person)
    navigation.run()
except UserError as error:  # a setting, a model or a file the user can fix: say what to do
    st.error(str(error))
except Exception:  # anything else: a short message here, the traceback in the server's log
    error_id = uuid.uuid4().hex[:8]
    log.exception("unexpected error %s on page %s", error_id, navigation.title)
    st.error(f"出错了，操作没有完成(错误编号 {error_id})。请稍后重试；如果再次出现，"
             "请把错误编号告诉管理员，管理员可在服务日志中按编号查到详情。")
