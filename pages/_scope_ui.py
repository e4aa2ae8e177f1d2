"""Cached resources and widget groups of the 范围自检 page (no domain logic)."""
from __future__ import annotations

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from escaping import plain
from pages._records import SavedRecordControls
from pages._resources import knowledge_base, services, text_table
from pages._session import owned
from scoring.scope.assessments import AssessmentStore, SavedAssessment
from scoring.scope.checker import ScopeChecker, ScopeVerdict
from scoring.scope.function_list import FunctionListError, prepare, read_upload, split_lines
from scoring.scope.functions import VERDICT_LABELS
from scoring.scope.governance import ANSWER_LABELS, Answer, ChecklistItem
from scoring.scope.report import VERDICT_COLORS, verdict_table

BADGE_COLORS = {"prohibited": "red", "caution": "orange", "allowed": "green", "review": "gray"}


def scope_checker() -> ScopeChecker:
    return services().scope_checker


def checklist() -> list[ChecklistItem]:
    return services().checklist


def assessment_store() -> AssessmentStore:
    return owned(services().assessments)


def run_check(picked: list[str], typed: str, upload) -> None:
    """Classify the chosen, typed and uploaded functions; results or a message go to the session."""
    st.session_state.pop("scope_error", None)
    try:
        functions = picked + split_lines(typed)
        if upload is not None:
            functions += read_upload(upload.getvalue(), upload.name,
                                     knowledge_base().max_upload_bytes)
        prepared = prepare(functions, knowledge_base().settings.scope_max_functions)
    except FunctionListError as error:
        st.session_state["scope_error"] = str(error)
        st.session_state["scope_verdicts"], st.session_state["scope_notes"] = [], []
        return
    bar = st.progress(0.0, text="正在判定…")
    verdicts = scope_checker().classify_many(
        prepared.functions, lambda done, total: bar.progress(done / total,
                                                             text=f"正在判定 {done}/{total}"))
    bar.empty()
    st.session_state["scope_verdicts"] = verdicts
    st.session_state["scope_notes"] = prepared.notes


def styled_verdicts(verdicts: list[ScopeVerdict]) -> Styler:
    """The verdict table with the verdict cells coloured."""
    colors = {VERDICT_LABELS[key]: f"background-color: {color}"
              for key, color in VERDICT_COLORS.items()}
    table: pd.DataFrame = text_table(verdict_table(verdicts))
    return table.style.map(lambda value: colors.get(value, ""), subset=["判定"])


def verdict_detail(verdict: ScopeVerdict) -> None:
    st.badge(verdict.label, color=BADGE_COLORS[verdict.verdict])
    st.markdown(f"**{plain(verdict.category)}**:{plain(verdict.reason)}")
    for citation in verdict.citations:
        st.markdown(f"> {plain(citation.quote)}  \n> —— {plain(citation.reference)}")
    if verdict.element:
        st.caption(f"外包要素：{plain(verdict.element)}")
    if verdict.nearest:
        st.caption("目录中最接近的职能：" + ";".join(
            f"{n.entry.name}({VERDICT_LABELS[n.entry.verdict]}，相似度 {n.similarity:.2f})"
            for n in verdict.nearest))


def answers_in_session() -> dict[str, Answer]:
    """The answers the widgets hold now; unanswered items are left out."""
    state = st.session_state
    return {item.id: Answer(state[f"answer_{item.id}"], state.get(f"note_{item.id}", ""))
            for item in checklist() if state.get(f"answer_{item.id}")}


def load_into_session(title: str = "", answers: dict[str, Answer] | None = None,
                      assessment_id: int | None = None, functions: list[str] | None = None) -> None:
    """Fill the assessment widgets (a callback, so it runs before they are drawn)."""
    answers = answers or {}
    st.session_state["assessment_id"] = assessment_id
    st.session_state["assessment_title"] = title
    for item in checklist():
        answer = answers.get(item.id)
        st.session_state[f"answer_{item.id}"] = answer.answer if answer else None
        st.session_state[f"note_{item.id}"] = answer.note if answer else ""
    if functions:
        st.session_state["scope_text"] = "\n".join(functions)


def fill_from(saved: SavedAssessment) -> None:
    load_into_session(saved.title, saved.answers, saved.id, saved.functions)


RECORDS = SavedRecordControls("自评", "assessment", assessment_store, fill_from,
                              new=load_into_session, new_label="新建自评",
                              forget=("assessment_compare",), delete_action="scope.delete")


def checklist_widgets() -> None:
    """One radio and one evidence note per checklist item, grouped by section."""
    section = None
    for item in checklist():
        if item.section != section:
            section = item.section
            st.markdown(f"#### {plain(item.section_heading)}")
        st.radio(f"{item.number}. {item.question}", list(ANSWER_LABELS),
                 format_func=ANSWER_LABELS.get, index=None, horizontal=True,
                 key=f"answer_{item.id}")
        st.caption(f"{plain(item.citation.reference)}：「{plain(item.citation.quote)}」 · 权重 {item.weight:g}")
        st.text_input("依据说明", key=f"note_{item.id}", label_visibility="collapsed",
                      placeholder="依据说明：证据或文件名；选择“不适用”时写明理由")
