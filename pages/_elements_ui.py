"""Session state and widget groups of the 外包要素 page (no domain logic)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from escaping import plain
from pages._records import SavedRecordControls
from pages._resources import services
from pages._scope_ui import scope_checker
from pages._session import owned
from scoring.elements.drafts import DraftStore, SavedDraft
from scoring.elements.model import ElementError, ElementModel, Plan
from scoring.elements.report import comparison_table, plan_counts, requirement_changes
from scoring.elements.service_catalogue import (
    check_scope,
    editor_frame,
    indicator_options,
    prohibited,
    rebase,
)
from scoring.scope.checker import ScopeVerdict
from scoring.scope.function_list import split_lines

DEFAULT_PICK = ["人员"]
COMPARE_DEFAULTS = {"A": ["人员"], "B": ["人员", "运营场所", "系统"]}


def element_model() -> ElementModel:
    """The element definitions, quoted from the documents loaded now."""
    return services().element_model


def draft_store() -> DraftStore:
    return owned(services().drafts)


def threshold_s() -> float:
    return services().settings.sla_threshold_s


def chosen_plan(model: ElementModel) -> Plan:
    """The plan of the elements and 其他 entries chosen now; raises ElementError."""
    state = st.session_state
    return model.plan(model.combine(state["elements_pick"], split_lines(state["elements_others"])))


def scope_verdicts(plan: Plan, edited: pd.DataFrame) -> dict[str, ScopeVerdict]:
    """The scope check on every 其他 entry and every named row of the edited 服务目录."""
    names = [str(name).strip() for name in edited["服务项目"] if isinstance(name, str)]
    return check_scope(scope_checker(), [*plan.combination.others, *names])


def service_catalogue_editor(plan: Plan) -> pd.DataFrame:
    """The 服务目录 table editor; rebuilt (keeping edits) when the combination changes."""
    state = st.session_state
    if state.get("elements_basis") != plan.combination:
        state["elements_frame"] = rebase(state.get("elements_edited"), state.get("elements_basis"),
                                         plan, threshold_s())
        state["elements_basis"] = plan.combination
        state["elements_version"] = state.get("elements_version", 0) + 1
    edited = st.data_editor(
        state["elements_frame"], key=f"elements_editor_{state['elements_version']}",
        num_rows="dynamic", hide_index=True, width="stretch", placeholder="", column_config={
            "服务项目": st.column_config.TextColumn(required=True, width="medium"),
            "外包要素": st.column_config.SelectboxColumn(options=plan.combination.elements,
                                                     required=True),
            "服务内容": st.column_config.TextColumn(width="medium"),
            "指标": st.column_config.SelectboxColumn(options=list(indicator_options(threshold_s())),
                                                   width="medium"),
            "目标值": st.column_config.NumberColumn(
                help="按指标的单位填写：比率填百分数（80 表示 80%），时长填秒，质检填分")})
    state["elements_edited"] = edited
    return edited


def override_reasons(verdicts: dict[str, ScopeVerdict]) -> dict[str, str]:
    """For each 不得外包 item of the draft, the reason it is kept (empty until one is written)."""
    kept = prohibited(verdicts)
    if kept:
        st.markdown("**不得外包的项目**：删除它们，或写明保留的理由（例如经外包风险管理委员会审批）；"
                    "理由随草稿保存并写入导出文件。")
    return {verdict.function: st.text_input(f"保留「{plain(verdict.function)}」的理由",
                                            key=f"elements_override_{verdict.function}")
            for verdict in kept}


def fill_from(draft: SavedDraft) -> None:
    """Put a saved draft into the widgets (from a callback, so before they are drawn)."""
    state = st.session_state
    state["elements_pick"] = list(draft.combination.elements)
    state["elements_others"] = "\n".join(draft.combination.others)
    state["elements_frame"] = state["elements_edited"] = editor_frame(draft.items, threshold_s())
    state["elements_basis"] = draft.combination
    state["elements_version"] = state.get("elements_version", 0) + 1
    state["elements_title"] = draft.title
    for name in [key for key in state if str(key).startswith("elements_override_")]:
        del state[name]
    for name, reason in draft.overrides.items():
        state[f"elements_override_{name}"] = reason


def new_draft() -> None:
    """Start again from the default choice and the default 服务目录."""
    state = st.session_state
    state.update(elements_pick=list(DEFAULT_PICK), elements_others="", elements_title="",
                 elements_draft_id=None, elements_basis=None, elements_edited=None)
    for name in [key for key in state if str(key).startswith("elements_override_")]:
        del state[name]


RECORDS = SavedRecordControls("草稿", "elements_draft", draft_store, fill_from, new=new_draft,
                              delete_action="elements.delete")


def comparison(model: ElementModel) -> None:
    """Two combinations side by side: counts, who provides and manages what, new requirements."""
    plans: list[Plan | None] = []
    for column, (side, default) in zip(st.columns(2), COMPARE_DEFAULTS.items()):
        with column:
            st.session_state.setdefault(f"elements_compare_{side}", list(default))
            choices = st.multiselect(f"组合 {side}", model.names, key=f"elements_compare_{side}",
                                     accept_new_options=True,
                                     placeholder="选择要素，或输入其他要素后回车")
            try:
                plan = model.plan(model.combine_choices(choices))
            except ElementError as error:
                st.error(plain(str(error)))
                plans.append(None)
                continue
            plans.append(plan)
            st.caption(f"组合 {side}:{plain(plan.combination.label)}")
            for metric, (name, count) in zip(st.columns(4), plan_counts(plan).items()):
                metric.metric(name, count)
    if None in plans:
        return
    table = comparison_table(*plans)
    st.markdown(f"**谁提供、谁管理**(有变化的资源 {int((table['变化'] != '').sum())} 项)")
    st.dataframe(table.style.apply(lambda row: ["background-color: #fff3cd" if row["变化"] else ""]
                                   * len(row), axis=1), hide_index=True, key="elements_compare_table",
                 height="content")
    changes = requirement_changes(*plans)
    if len(changes):
        st.markdown("**只在一个组合中出现的要求**")
        st.dataframe(changes, hide_index=True, key="elements_compare_requirements")
    else:
        st.caption("两个组合的要求清单相同。")
