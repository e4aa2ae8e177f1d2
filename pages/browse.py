"""条款浏览: the heading tree of each document, clause text and flags (read only)."""
import streamlit as st

from escaping import plain
from ingest.clauses import FLAG_LABELS
from pages._resources import FLAG_BADGE_COLORS, current_documents
from pages._session import require_sign_in

require_sign_in()

st.title("条款浏览")
documents = current_documents()
if not documents:
    st.info("知识库中还没有文档。")
    st.stop()

names = {document.info.doc_id: f"{document.info.short_name} {document.info.title}"
         for document in documents}
doc_id = st.selectbox("文档", list(names), format_func=names.get, key="browse_doc")
document = next(item for item in documents if item.info.doc_id == doc_id)

query = st.text_input("筛选条款（编号、标题或正文中的字词）", key="browse_filter").strip()
clauses = [clause for clause in document.clauses
           if not query or query in clause.heading or query in clause.text]
st.caption(f"共 {len(document.clauses)} 条，显示 {len(clauses)} 条。")
if not clauses:
    st.info("没有符合筛选条件的条款。")
    st.stop()

by_id = {clause.clause: clause for clause in clauses}
tree, detail = st.columns([2, 3])
with tree:
    choice = st.radio(  # options are clause ids: a selection survives a new filter
        "目录", list(by_id), key="browse_clause", label_visibility="collapsed",
        format_func=lambda clause_id: "\u3000" * (by_id[clause_id].level - 1)
        + plain(by_id[clause_id].heading) + ("  ⚑" if by_id[clause_id].flags else ""))
with detail:
    clause = by_id[choice]
    st.subheader(plain(clause.heading))
    st.caption(plain(" › ".join(clause.path)) + f" · 原文第 {clause.position} 行")
    if clause.english:
        st.caption(f"英文术语：{plain(clause.english)}")
    for flag in clause.flags:
        st.badge(FLAG_LABELS.get(flag, flag), color=FLAG_BADGE_COLORS.get(flag, "gray"))
    if clause.text:
        st.markdown(plain(clause.text).replace("\n", "  \n"))
    elif "empty" in clause.flags:
        st.warning("已加载的文本中，本条只有标题，没有正文。")
    else:
        st.caption("本条为章节标题，正文见下级条款。")
