"""外包要素: choose what to outsource; who provides and manages what; a draft 服务目录 to export."""
from datetime import date

import pandas as pd
import streamlit as st

from errors import UserError
from escaping import plain
from pages import _elements_ui as ui
from pages._resources import text_table
from pages._session import locked, perform, require_sign_in
from scoring.elements.model import ElementError
from scoring.elements.report import (
    ElementReport,
    indicator_table,
    matrix_table,
    requirement_table,
    risk_table,
    to_csv,
    to_excel,
    to_markdown,
)
from scoring.elements.service_catalogue import (
    ServiceCatalogueError,
    count_edits,
    items_from_editor,
    prohibited,
    unresolved,
)
from scoring.standard import CitationError

require_sign_in()

st.title("外包要素")
st.caption("依据 GB/T 32314-2015 第4章：可以外包一个或多个要素（人员、运营场所、系统、管理、其他），"
           "双方各自负责相应资源的提供与管理，并共同确定服务目录。")

try:
    model = ui.element_model()
    ui.scope_checker()  # items of the 服务目录 are flagged by the scope check's own logic
except CitationError as error:
    st.error(plain(str(error)))
    st.stop()
store = ui.draft_store()
state = st.session_state

saved = ui.RECORDS.saved()
ui.RECORDS.show(saved)

state.setdefault("elements_pick", list(ui.DEFAULT_PICK))
st.multiselect("外包哪些要素", model.names, key="elements_pick", placeholder="选择一个或多个要素")
st.text_area("其他要素（每行一项；填写后自动包含「其他」）", key="elements_others", height=80,
             placeholder="例如：知识库维护")
alerts = st.container()
tabs = st.tabs(["责任矩阵", "要求与风险", "服务目录", "方案比较", "保存与导出"])
with tabs[3]:
    ui.comparison(model)
try:
    plan = ui.chosen_plan(model)
except ElementError as error:
    alerts.error(plain(str(error)))
    st.stop()

threshold = ui.threshold_s()
with tabs[2]:
    st.caption("双方共同确定的服务目录草稿（第4.1条）。可增删行、修改内容；指标与 SLA 看板一致，"
               "目标值默认取 SLA 合同模板，方向：接通率类 ≥，放弃率、投诉率与时长类 ≤。")
    edited = ui.service_catalogue_editor(plan)
    try:
        items, problems = items_from_editor(edited, plan.combination, model, threshold), []
    except ServiceCatalogueError as error:
        items, problems = None, error.problems
        st.error(f"服务目录有 {len(problems)} 处问题，修正后才能保存和导出：")
        st.markdown("\n".join(f"- {plain(text)}" for text in problems))
    else:
        changed, removed = count_edits(items, plan.service_catalogue)
        st.caption(f"服务目录 {len(items)} 项；相对默认草稿修改或新增 {changed} 项，删除 {removed} 项。")
    verdicts = ui.scope_verdicts(plan, edited)
    flagged = [v for v in verdicts.values() if v.verdict != "allowed"]
    if flagged:
        st.markdown("**范围自检**（与「范围自检」页同一判定）")
        st.table(text_table(pd.DataFrame([{"项目": v.function, "判定": v.label, "理由": v.reason}
                                          for v in flagged])), hide_index=True)
    overrides = ui.override_reasons(verdicts)

blocking = unresolved(verdicts, overrides)
if blocking:
    alerts.error(f"有 {len(blocking)} 项不得外包：" + "、".join(plain(v.function) for v in blocking)
                 + "。请从组合或服务目录中删除，或在「服务目录」中写明保留理由，之后才能保存与导出。")
elif kept := prohibited(verdicts):
    alerts.warning(f"有 {len(kept)} 项不得外包的项目按写明的理由保留："
                   + "、".join(plain(v.function) for v in kept) + "。")

with tabs[0]:
    st.caption("每一行是一项资源：✓ 表示该方负责提供或管理。未外包的要素由发包方提供并管理（第4.1条、第4.5条）。")
    st.dataframe(matrix_table(plan, verdicts), hide_index=True, key="elements_matrix", height="content",
                 column_config={"资源": st.column_config.TextColumn(width="large")})
    for summary in plan.summaries:
        with st.expander(f"{plain(summary.heading)}：谁提供、谁管理"):
            st.markdown(plain(summary.summary))
            st.markdown(f"- **承包方提供**:{plain('、'.join(summary.contractor_provides) or '无')}\n"
                        f"- **承包方管理**:{plain('、'.join(summary.contractor_manages) or '无')}\n"
                        f"- **发包方保留**:{plain('、'.join(summary.bank_keeps) or '无')}")

with tabs[1]:
    st.subheader(f"要求清单({len(plan.requirements)} 项)")
    st.table(text_table(requirement_table(plan)), hide_index=True)
    st.subheader(f"风险与控制({len(plan.risks)} 项)")
    st.table(text_table(risk_table(plan)), hide_index=True)
    st.subheader("建议的 SLA 指标")
    st.dataframe(indicator_table(plan, threshold), hide_index=True, key="elements_indicators")

with tabs[4]:
    document = model.standard.document
    st.text_input("草稿名称", key="elements_title", placeholder="例如：2025 年人员与场所外包方案")
    if state.get("elements_draft_id") in saved:
        st.caption(f"保存时更新已打开的草稿「{plain(saved[state['elements_draft_id']].title)}」；"
                   "要另存一份，先点「新建」。")
    if not locked("elements.save") and st.button("保存草稿", key="elements_save", type="primary"):
        try:
            if items is None:
                raise ElementError(f"草稿未保存：服务目录有 {len(problems)} 处问题（见「服务目录」）。")
            if blocking:
                raise ElementError(f"草稿未保存：有 {len(blocking)} 项不得外包的项目既未删除，"
                                   "也未写明保留理由（见「服务目录」）。")
            title = state.get("elements_title", "")
            state["elements_draft_id"] = perform("elements.save", title, lambda: store.save(
                title, plan.combination, items, state.get("elements_draft_id"),
                overrides=overrides), summary=lambda _: f"服务目录 {len(items)} 项")
            ui.RECORDS.notify(f"草稿「{plain(state['elements_title'].strip())}」已保存。")
            st.rerun()
        except UserError as error:
            st.error(plain(str(error)))
    report = ElementReport(
        state.get("elements_title") or "外包要素方案", date.today(),
        f"{document.info.short_name} {document.info.title}", plan, tuple(items or ()),
        verdicts, threshold, tuple(document.gaps), overrides)
    exportable = items is not None and not blocking
    if not exportable:
        st.warning("服务目录有问题，或有不得外包的项目未写明保留理由：处理后才能导出。")
    st.markdown(f"导出包含：责任矩阵 {len(plan.responsibilities)} 行、要求 {len(plan.requirements)} 项、"
                f"风险 {len(plan.risks)} 项、服务目录 {len(report.items)} 项。")
    for label, data, suffix, mime in (
            ("下载 Excel", to_excel, "xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("下载服务目录 CSV", to_csv, "csv", "text/csv"),
            ("下载 Markdown", to_markdown, "md", "text/markdown")):
        st.download_button(label, data(report) if exportable else b"",
                           report.file_name(suffix), mime=mime, key=f"elements_export_{suffix}",
                           on_click="ignore", disabled=not exportable)
