"""The app frame: page config and navigation over the pages that exist."""
import streamlit as st

from errors import UserError

st.set_page_config(page_title="客服中心外包管理助手", page_icon="🏦", layout="wide")

navigation = st.navigation({
    "概览": [st.Page("pages/home.py", title="首页", icon=":material/home:", default=True),
           st.Page("pages/assistant.py", title="智能问答", icon=":material/forum:")],
    "知识库": [st.Page("pages/browse.py", title="条款浏览", icon=":material/menu_book:"),
            st.Page("pages/library.py", title="文档管理", icon=":material/library_books:")],
    "外包管理": [st.Page("pages/scope.py", title="范围自检", icon=":material/fact_check:"),
             st.Page("pages/elements.py", title="外包要素", icon=":material/account_tree:"),
             st.Page("pages/sla.py", title="SLA看板", icon=":material/monitoring:")],
})
try:
    navigation.run()
except UserError as error:  # a setting, a model or a document the user can fix: say what to do
    st.error(str(error))
