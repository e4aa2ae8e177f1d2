"""首页: what is loaded, how many clauses, and what the loaded copy lacks."""
import streamlit as st

from escaping import plain
from ingest.clauses import FLAG_LABELS, STYLE_LABELS
from pages._resources import current_documents, knowledge_base

st.title("商业银行客户服务中心服务外包管理助手")
st.caption("依据 GB/T 32314-2015《商业银行客户服务中心服务外包管理规范》及行内加载的文档。"
           "所有计算在本机完成,不向外部发送任何数据。")

base = knowledge_base()
index = base.snapshot()
documents = current_documents()
clause_total = sum(len(document.clauses) for document in documents)

columns = st.columns(3)
columns[0].metric("已加载文档", len(documents))
columns[1].metric("条款总数", clause_total, help="按条款编号切分后的条目数(含章节标题)")
columns[2].metric("检索片段", index.manifest["chunks"] if index else 0)
if index is None:
    st.warning("知识库索引尚未建立:请运行 `python -m ingest build`(`make run` 会自动完成)。")
else:
    st.caption(f"索引版本 {index.build_id} · 向量模型 {plain(index.model_id)} · "
               f"建立于 {index.manifest['built_at']}")

st.subheader("已加载的文档")
for document in documents:
    with st.container(border=True):
        st.markdown(f"**{plain(document.info.short_name)}** {plain(document.info.title)}")
        flagged = sum(1 for clause in document.clauses if clause.flags)
        st.caption(f"{len(document.clauses)} 条 · {STYLE_LABELS[document.style]} · "
                   f"有标记的条款 {flagged} 条 · 来源:{plain(document.info.source or document.info.file)}")
        if document.gaps:
            st.markdown("**这份文本的缺漏**")
            for note in document.gaps:
                st.markdown(f"- {plain(note)}")
        else:
            st.markdown("未发现缺漏。")

with st.expander("条款标记的含义"):
    for flag, label in FLAG_LABELS.items():
        st.markdown(f"- `{flag}`:{label}")
