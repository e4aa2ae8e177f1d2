"""智能问答: a chat that answers from the loaded documents, quoting and citing the clauses."""
import time

import streamlit as st

from errors import UserError
from escaping import plain
from knowledge.answer import Answer, QuestionError
from knowledge.assistant import EXAMPLE_QUESTIONS, transcript_markdown
from pages._records import SavedRecordControls
from pages._resources import current_documents, knowledge_base, services
from pages._session import owned, require_sign_in
from scoring.assistant.conversations import ConversationStore

require_sign_in()

st.title("智能问答")
st.caption("依据已加载的文档回答，逐字引用条款原文并注明出处；文档未涉及的问题会直接说明。"
           "也可以按条款编号提问，如“5.1.2条说了什么？”。")

base = knowledge_base()
if base.snapshot() is None:
    st.warning("知识库索引尚未建立：请运行 `python -m ingest build`（`make run` 会自动完成）。")
    st.stop()
if base.calibration.notice:
    st.warning(base.calibration.notice)

state = st.session_state
# (question, answer, position of the turn in its kept conversation, or None when not kept)
turns: list[tuple[str, Answer, int | None]] = state.setdefault("chat_turns", [])


def open_conversation(conversation) -> None:
    """Show a kept conversation and go on adding to it (its number in the address: a refresh
    of the browser reopens it)."""
    turns[:] = [(turn.question, turn.answer, position)
                for position, turn in enumerate(conversation.turns)]
    state["chat_conversation"] = conversation.id
    st.query_params["c"] = str(conversation.id)
    for position in range(len(conversation.turns)):
        state.pop(f"chat_fb_{conversation.id}_{position}", None)


def new_conversation() -> None:
    turns.clear()
    state["chat_conversation"] = None
    st.query_params.pop("c", None)


def conversations() -> ConversationStore:
    """This person's conversations."""
    return owned(services().conversations)


history = SavedRecordControls("对话", "chat_history", conversations,
                              open_conversation, new_conversation, new_label="新对话",
                              forget=("chat_conversation",))
if state.get("chat_conversation") is None and any(p is not None for _, _, p in turns):
    new_conversation()  # the conversation on the page was deleted: start a new one
if "chat_conversation" not in state:  # a new session: the address may name a kept conversation
    state["chat_conversation"] = None
    wanted = st.query_params.get("c", "")
    if wanted.isdigit():
        try:
            open_conversation(conversations().load(int(wanted)))
        except UserError:
            st.query_params.pop("c", None)
            state["chat_problem"] = "链接中的对话已不存在（可能已被删除），已开始新的对话。"


def keep_turn(question: str, answer: Answer) -> None:
    """Add the answer to the kept conversation; the chat goes on when it cannot be kept."""
    try:
        conversation, position = conversations().add_turn(
            state["chat_conversation"], question, answer)
    except UserError as error:
        turns.append((question, answer, None))
        state["chat_problem"] = f"这条回答未能保存：{error}"
        return
    turns.append((question, answer, position))
    state["chat_conversation"] = conversation
    st.query_params["c"] = str(conversation)


def rated(conversation: int, position: int, key: str) -> None:
    """Keep a 👍/👎 and the optional reason."""
    value = state.get(key)
    try:
        conversations().rate(conversation, position, None if value is None else
                                      value == 1, state.get(f"{key}_why", ""))
    except UserError as error:
        state["chat_problem"] = str(error)
        return
    if value == 1:
        st.toast("已记下：这条回答有用。谢谢！")
    elif value == 0:
        st.toast("已记下原因，谢谢！" if state.get(f"{key}_why", "").strip()
                 else "已记下：这条回答没用。可在下方写明哪里不对。")


documents = {d.info.doc_id: d.info.short_name for d in current_documents()}
chosen = state.get("chat_docs") or list(documents)

# The question is answered before anything is drawn, so the sidebar already knows of it.
question = st.chat_input("输入问题，例如：外包场地有什么要求？", key="chat_input") \
    or state.pop("chat_example", None)
problem, new_answer = None, None
if question:
    try:
        new_answer = services().ask(question, [q for q, _, _ in turns], chosen)
        keep_turn(question, new_answer)
    except QuestionError as error:
        problem = str(error)

with st.sidebar:
    st.multiselect("检索范围", list(documents), default=list(documents),
                   format_func=documents.get, key="chat_docs")
    st.download_button("下载对话（Markdown）", key="chat_download", disabled=not turns,
                       data=transcript_markdown([(q, a) for q, a, _ in turns],
                                                time.strftime("%Y-%m-%d %H:%M")),
                       file_name="智能问答记录.md", mime="text/markdown")

    st.subheader("对话")
    history.show(history.saved(), stacked=True)  # 新对话, and the kept conversations
if message := state.pop("chat_problem", None):
    st.warning(plain(message))


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
        st.caption("可能相关（不作为答案）：" + "；".join(plain(c.label) for c in answer.related))


def show_feedback(conversation: int, position: int, liked: bool | None, reason: str) -> None:
    """👍/👎 under an answer; after 👎, room for the reason (as kept, after a reload)."""
    key = f"chat_fb_{conversation}_{position}"
    st.feedback("thumbs", key=key, default=None if liked is None else int(liked),
                on_change=rated, args=(conversation, position, key))
    if state.get(key) == 0:
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        left.text_input("哪里不对？（可选，例如“应引用第5.1.2条”“没答到点上”）", value=reason,
                        key=f"{key}_why", max_chars=500)
        right.button("提交原因", key=f"{key}_send", on_click=rated, args=(conversation, position, key))


ratings = {}
if state["chat_conversation"] is not None and any(p is not None for _, _, p in turns):
    try:
        kept = conversations().load(state["chat_conversation"])
        ratings = {position: (turn.liked, turn.reason) for position, turn in enumerate(kept.turns)}
    except UserError:
        ratings = {}
for asked, answer, position in turns:
    st.chat_message("user").text(asked)
    with st.chat_message("assistant"):
        show_answer(answer, stream=answer is new_answer)
        if position is not None:
            show_feedback(state["chat_conversation"], position, *ratings.get(position, (None, "")))

if problem:
    st.chat_message("user").text(question)
    st.chat_message("assistant").warning(problem)

if not turns:
    st.markdown("**可以这样问：**")
    with st.container(horizontal=True):  # each button as wide as its question; they wrap
        for number, example in enumerate(EXAMPLE_QUESTIONS):
            st.button(example, key=f"chat_example_{number}", on_click=st.session_state.update,
                      kwargs={"chat_example": example})
