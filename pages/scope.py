"""范围自检: may each function be outsourced, the governance self-assessment, and the report."""
from datetime import date

import streamlit as st

from errors import UserError
from escaping import plain
from pages import _scope_ui as ui
from pages._resources import keep, kept_across_pages, knowledge_base, text_table
from pages._session import locked, perform, require_sign_in
from scoring.scope.functions import VERDICT_LABELS
from scoring.scope.governance import compare, score
from scoring.scope.report import (
    ScopeReport,
    changes_table,
    comparison_table,
    gap_table,
    item_chart,
    section_chart,
    section_table,
    to_excel,
    to_markdown,
    verdict_counts,
)
from scoring.standard import CitationError

require_sign_in()

st.title("范围自检")
st.caption("依据 GB/T 32314-2015 第1条、第3条、第4.1条与第5章：检查拟外包的职能是否落在不得外包的范围内，"
           "自评外包治理，并导出可存档的报告。判定只是辅助，结论须经行内审定。")

try:
    checker = ui.scope_checker()
except CitationError as error:
    st.error(plain(str(error)))
    st.stop()
standard = checker.standard
store = ui.assessment_store()
if checker.calibration.notice:
    st.warning(checker.calibration.notice)

kept_across_pages("scope_catalogue", "scope_text")
functions_tab, assessment_tab, export_tab = st.tabs(["职能判定", "治理自评", "报告导出"])

with functions_tab:
    picked = st.multiselect("从职能目录中选择", [entry.name for entry in checker.functions],
                            key="scope_catalogue", placeholder="选择一项或多项职能")
    typed = st.text_area("或逐行输入职能描述（每行一项）", key="scope_text", height=140,
                         placeholder="例如：\n外呼营销\n对外包项目开展内部审计")
    upload = st.file_uploader("或上传职能清单（CSV 或 Excel，第一行列名为「职能」）",
                              max_upload_size=knowledge_base().settings.max_upload_mb,
                              type=["csv", "xlsx"], key="scope_upload")
    keep("scope_catalogue", "scope_text")
    if st.button("开始判定", key="scope_run", type="primary"):
        ui.run_check(picked, typed, upload)
    if st.session_state.get("scope_error"):
        st.error(st.session_state["scope_error"])
    verdicts = st.session_state.get("scope_verdicts", [])
    for note in st.session_state.get("scope_notes", []):
        st.info(note)
    if verdicts:
        counts = verdict_counts(verdicts)
        for column, (verdict, count) in zip(st.columns(len(counts)), counts.items()):
            column.metric(f":{ui.BADGE_COLORS[verdict]}[{VERDICT_LABELS[verdict]}]", count)
        if counts["prohibited"]:
            st.error(f"有 {counts['prohibited']} 项职能不得外包："
                     + "、".join(plain(item.function) for item in verdicts
                                if item.verdict == "prohibited"))
        st.table(ui.styled_verdicts(verdicts), hide_index=True)  # reasons shown whole
        first_flagged = next((i for i, item in enumerate(verdicts) if item.verdict != "allowed"), 0)
        chosen = st.selectbox("查看一项的理由与条款原文", range(len(verdicts)), key="scope_detail",
                              index=first_flagged,
                              format_func=lambda i: f"{verdicts[i].function}({verdicts[i].label})")
        ui.verdict_detail(verdicts[chosen])
    else:
        st.info("选择、输入或上传职能后，点击「开始判定」。")

with assessment_tab:
    saved = ui.RECORDS.saved()
    ui.RECORDS.show(saved)
    st.text_input("自评名称", key="assessment_title", placeholder="例如：2025年客服中心外包自评")
    ui.checklist_widgets()

    items = ui.checklist()
    answers = ui.answers_in_session()
    result = score(items, answers)
    st.progress(len(answers) / len(items), text=f"已作答 {len(answers)}/{len(items)} 项")
    if not locked("scope.save") and st.button("保存自评", key="assessment_save", type="primary"):
        try:
            functions = [item.function for item in verdicts]
            title = st.session_state.get("assessment_title", "")
            st.session_state["assessment_id"] = perform("scope.save", title, lambda: store.save(
                title, answers, functions, st.session_state.get("assessment_id")),
                summary=lambda _: f"已作答 {len(answers)}/{len(items)} 项，职能 {len(functions)} 项")
            st.success("自评已保存" + ("。" if result.complete else "，尚未完成，之后可以打开继续填写。"))
        except UserError as error:
            st.error(plain(str(error)))
    if not result.complete:
        numbers = [str(item.number) for item in result.unanswered]
        pending = "、".join(numbers[:8]) + ("等" if len(numbers) > 8 else "")
        st.warning(f"尚有 {len(result.unanswered)} 项未作答(第 {pending} 项):"
                   "可以先保存草稿，之后打开继续；得分只计已作答的项目。")

    st.subheader("得分")
    rule = "符合计满分、部分符合计一半、不符合计零分，按权重加总；不适用与未作答的项目不计入分母"
    answered = f"{len(items) - len(result.unanswered)}/{len(items)}"
    if result.complete:
        st.metric("总体得分", "—" if result.score is None else f"{result.score:g}", help=rule)
    else:  # a score of a few answers is no headline
        st.metric("已作答", answered, help="全部作答后显示总体得分")
        if result.score is not None:
            st.caption(f"目前得分 {result.score:g}(只计已作答的 {answered} 项，尚不是总体得分)。{rule}。")
    if result.score is not None:
        st.altair_chart(section_chart(result), width="stretch")
    st.dataframe(section_table(result), hide_index=True, key="assessment_sections", placeholder="",
                 column_config={"得分": st.column_config.NumberColumn(format="%.1f")})
    for section in result.sections:
        with st.expander(f"{plain(section.heading)}:" + ("—" if section.score is None
                                                   else f"{section.score:g} 分")):
            st.altair_chart(item_chart(result, section.section), width="stretch")

    st.subheader("差距清单")
    gaps = gap_table(result)
    if len(gaps):
        st.table(text_table(gaps), hide_index=True)
    else:
        st.caption("没有选择“不符合”或“部分符合”的检查项。")

    st.subheader("与以前的自评比较")
    earlier_options = [i for i in saved if i != st.session_state.get("assessment_id")]
    earlier_id = st.selectbox("选择以前的一份自评", earlier_options, index=None,
                              key="assessment_compare", format_func=lambda i: saved[i].label,
                              placeholder="选择一份自评")
    if earlier_id is not None:
        comparison = compare(items, saved[earlier_id].answers, answers)
        st.dataframe(comparison_table(comparison), hide_index=True, key="assessment_diff",
                     placeholder="", column_config={
                         "以前": st.column_config.NumberColumn(format="%.1f"),
                         "本次": st.column_config.NumberColumn(format="%.1f"),
                         "变化": st.column_config.NumberColumn(format="%+.1f")})
        changes = changes_table(comparison)
        if len(changes):
            st.dataframe(changes, hide_index=True, key="assessment_changes")
        else:
            st.caption("两次自评的回答相同。")

with export_tab:
    report = ScopeReport(
        title=st.session_state.get("assessment_title") or "客服中心外包范围自检报告",
        made_on=date.today(), standard=f"{standard.short_name} {standard.document.info.title}",
        verdicts=verdicts, result=result if answers else None, coverage=standard.document.gaps)
    st.markdown(f"报告包含：职能判定 {len(verdicts)} 项；治理自评 {len(answers)}/{len(items)} 项；"
                f"差距 {len(result.gaps)} 项；日期 {report.made_on:%Y-%m-%d}。")
    st.download_button("下载 Excel 报告", to_excel(report), report.file_name("xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="export_excel", on_click="ignore")
    st.download_button("下载 Markdown 报告", to_markdown(report), report.file_name("md"),
                       mime="text/markdown", key="export_markdown", on_click="ignore")
    if standard.document.gaps:
        st.caption("所依据文本的缺漏（相应条款未列入判定与自评）：" + " ".join(
            plain(note) for note in standard.document.gaps))
