"""智能问答: a chat that answers from the loaded documents, quoting and citing the clauses."""
import time

import streamlit as st

from escaping import plain
from knowledge.answer import Answer, QuestionError
from knowledge.assistant import EXAMPLE_QUESTIONS, transcript_markdown
from pages._resources import current_documents, knowledge_base, services

st.title("智能问答")
st.caption("依据已加载的文档回答，逐字引用条款原文并注明出处；文档未涉及的问题会直接说明。"
           "也可以按条款编号提问，如“5.1.2条说了什么？”。")

base = knowledge_base()
if base.snapshot() is None:
    st.warning("知识库索引尚未建立：请运行 `python -m ingest build`（`make run` 会自动完成）。")
    st.stop()
if base.calibration.notice:
    st.warning(base.calibration.notice)

turns: list[tuple[str, Answer]] = st.session_state.setdefault("chat_turns", [])
documents = {d.info.doc_id: d.info.short_name for d in current_documents()}
chosen = st.session_state.get("chat_docs") or list(documents)

# The question is answered before anything is drawn, so the sidebar already knows of it.
question = st.chat_input("输入问题，例如：外包场地有什么要求？", key="chat_input") \
    or st.session_state.pop("chat_example", None)
problem, new_answer = None, None
if question:
    try:
        new_answer = services().ask(question, [q for q, _ in turns], chosen)
        turns.append((question, new_answer))
    except QuestionError as error:
        problem = str(error)

with st.sidebar:
    st.multiselect("检索范围", list(documents), default=list(documents),
                   format_func=documents.get, key="chat_docs")
    if st.button("清空对话", key="chat_clear", disabled=not turns):
        turns.clear()
        st.rerun()
    st.download_button("下载对话（Markdown）", key="chat_download", disabled=not turns,
                       data=transcript_markdown(turns, time.strftime("%Y-%m-%d %H:%M")),
                       file_name="智能问答记录.md", mime="text/markdown")


def highlighted(text: str, quotes: tuple[str, ...]) -> str:
    """Clause text as literal Markdown, with the quoted sentences highlighted."""
    shown = plain(text)
    for quote in quotes:
        shown = shown.replace(plain(quote), f":orange-background[{plain(quote)}]")
    return shown.replace("\n", "  \n")


def show_answer(answer: Answer, stream: bool = False) -> None:
    for notice in answer.notices:
        st.info(notice)
    lines = plain(answer.answer).split("\n")
    if stream:
        st.write_stream(line + "  \n" for line in lines)
    else:
        st.markdown("  \n".join(lines))
    for citation in answer.citations:
        with st.expander(f"出处：{plain(citation.label)}"):
            st.caption(plain(" › ".join(citation.path) + f" · {citation.doc}"))
            st.markdown(highlighted(citation.text, citation.quotes))
    if answer.related:
        st.caption("可能相关（不作为答案）:" + ";".join(plain(c.label) for c in answer.related))


for asked, answer in turns:
    st.chat_message("user").text(asked)
    with st.chat_message("assistant"):
        show_answer(answer, stream=answer is new_answer)

if problem:
    st.chat_message("user").text(question)
    st.chat_message("assistant").warning(problem)

if not turns:
    st.markdown("**可以这样问：**")
    with st.container(horizontal=True):  # each button as wide as its question; they wrap
        for number, example in enumerate(EXAMPLE_QUESTIONS):
            st.button(example, key=f"chat_example_{number}", on_click=st.session_state.update,
                      kwargs={"chat_example": example})
