"""问答质量: run the evaluation sets, see the figures and their history, and turn the answers users
disliked into cases of the bank's own set."""
import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from errors import UserError
from escaping import plain
from pages._confirm import confirm_button
from pages._resources import current_documents, percent_column, services, text_table
from pages._session import attempt, locked, may, perform, require_sign_in, show_refusal
from scoring.assistant.quality import BANK_SET, SHIPPED_SETS, run_table
from scoring.exports import table_workbook

require_sign_in()

UNCOVERED = ""  # the choice "no loaded document answers it"
RATES = ("recall@1", "recall@3", "范围外拒答率", "未涉及识别率")  # history columns shown as percent
FIGURES = (("recall_at_1", "recall@1", "首个引用就是应引用的条款的比例"),
           ("recall_at_3", "recall@3", "前三个引用中有应引用的条款的比例"),
           ("off_topic_refusal", "范围外拒答率", "与主题无关的问题被婉拒的比例"),
           ("uncovered_recognition", "未涉及识别率", "文档没有回答的问题被如实说“未涉及”的比例"),
           ("latency_p95_ms", "延迟 p95", "95% 的回答在这个时间内给出"))

st.title("问答质量")
st.caption("用评估集检查智能问答：引用是否正确、范围外与文档未涉及的问题是否如实说明、回答多快。"
           "用户点了 👎（没用）的回答可加入本行评估集；改动文档或设置后再评估一次，与以前的结果比较。")
quality, state = services().quality, st.session_state
show_refusal()
def clause_label(short_name: str, clause: str, title: str) -> str:
    number = clause if clause.startswith(("第", "段", "前言", "引言")) else f"第{clause}条"
    return f"{short_name} {number} {title}".strip()


clauses = {clause.clause: clause_label(document.info.short_name, clause.clause, clause.title)
           for document in current_documents() for clause in document.clauses}


def show_report(report: dict) -> None:
    """The figures of one run, and the questions it missed."""
    shown = [(label, report[key], note) for key, label, note in FIGURES
             if report.get(key) is not None and not (key == "off_topic_refusal" and not report["off_topic"])]
    for column, (label, value, note) in zip(st.columns(len(shown)), shown):
        column.metric(label, f"{value:.0f} 毫秒" if label == "延迟 p95" else f"{value:.1%}", help=note)
    if report["misses"]:
        st.caption(f"未答对的问题（{len(report['misses'])} 个）：")
        misses = pd.DataFrame([{
            "问题": miss["q"], "应引用": "、".join(miss["expected"]) or "（文档未涉及）",
            "实际引用": "、".join(miss["cited"]) or "—",
            "助手判为未涉及": "是" if not miss["covered"] else "否"} for miss in report["misses"]])
        st.table(text_table(misses), hide_index=True)
        st.download_button("下载未答对的问题（Excel）",
                           lambda: table_workbook("问答质量:未答对的问题", "未答对的问题", misses,
                                                  "问答质量", counted="题数"),
                           f"问答质量_未答对的问题_{dt.date.today():%Y%m%d}.xlsx",
                           key="quality_misses_download", on_click="ignore")


tabs = st.tabs(["运行评估", "用户不满意的回答", "本行评估集"])
with tabs[0]:
    sizes = {name: len(quality.rows(name)) for name in [*SHIPPED_SETS, BANK_SET]}
    name = st.selectbox("评估集", list(sizes), key="quality_set",
                        format_func=lambda n: f"{n}（{sizes[n]} 题）")
    if not locked("quality.evaluate") and st.button("运行评估", key="quality_run", type="primary",
                                                    disabled=not sizes[name]):
        try:
            with st.spinner("正在逐题提问…"):
                state["quality_last"] = perform(
                    "quality.evaluate", name, lambda: quality.run(name, services().ask),
                    summary=lambda run: "；".join(f"{label} {run.report[key]:.3g}" for key, label, _
                                                  in FIGURES if run.report.get(key) is not None))
        except UserError as error:
            st.error(plain(str(error)))
    if last := state.get("quality_last"):
        st.subheader(f"{last.set_name}（{last.ran_at.replace('T', ' ')}）")
        show_report(last.report)
    runs = quality.runs()
    if runs:
        st.subheader("历次评估")
        history = pd.DataFrame(run_table(runs))
        st.dataframe(history, hide_index=True, column_config={
            column: percent_column() for column in RATES})
        st.download_button("下载历次评估（Excel）",
                           lambda: table_workbook("问答质量:历次评估", "历次评估", history,
                                                  "问答质量", counted="评估次数",
                                                  number_formats=dict.fromkeys(RATES, "0.0%")),
                           f"问答质量_历次评估_{dt.date.today():%Y%m%d}.xlsx",
                           key="quality_runs_download", on_click="ignore")

with tabs[1]:  # other people's questions: for those who keep the evaluation set only
    disliked = [] if locked("quality.case_add") else services().conversations.disliked()
    if not disliked and may("quality.case_add"):
        st.info("还没有用户点“没用”的回答。")
    known = {case.question for case in quality.cases()}
    for item in disliked[:30]:
        turn, key = item.turn, f"quality_case_{item.conversation_id}_{item.position}"
        with st.container(border=True):
            st.markdown(f"**{plain(turn.question)}**")
            cited = turn.answer.citations[0].label if turn.answer.citations else "（未引用条款）"
            st.caption(plain(f"当时引用：{cited}" + (f" · 原因：{turn.reason}" if turn.reason else "")))
            if turn.question in known:
                st.caption("已在本行评估集中。")
                continue
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            options = [UNCOVERED, *clauses]
            first = turn.answer.citations[0].clause if turn.answer.citations else UNCOVERED
            expected = left.selectbox("回答应当首先引用的条款", options, key=key,
                                      index=options.index(first) if first in options else 0,
                                      format_func=lambda c: clauses.get(c, "文档未涉及（应答“未涉及”）"))
            if right.button("加入本行评估集", key=f"{key}_add"):
                try:
                    perform("quality.case_add", turn.question, partial(
                        quality.add_case, turn.question, [expected] if expected else None,
                        turn.reason), before="", summary=lambda _, e=expected: f"应引用 {e or '文档未涉及'}")
                    st.rerun()
                except UserError as error:
                    st.error(plain(str(error)))

with tabs[2]:
    cases = quality.cases()
    if not cases:
        st.info("本行评估集还是空的：在“用户不满意的回答”中把回答加入进来。")
    else:
        st.table(text_table(pd.DataFrame([{
            "编号": case.id, "问题": case.question,
            "应引用": "文档未涉及" if case.uncovered else clauses.get(case.clauses[0], case.clauses[0]),
            "备注": case.note, "加入时间": case.created_at.replace("T", " ")} for case in cases])),
            hide_index=True)
        if may("quality.case_delete"):
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            questions = {case.id: case.question for case in cases}
            chosen = left.selectbox("删除一道题", list(questions), key="quality_delete_pick",
                                    format_func=questions.get)
            with right:
                confirm_button("quality_delete", "删除", lambda i: f"确定从本行评估集删除「{questions.get(i, i)}」？",
                               lambda i: attempt("quality.case_delete", questions.get(i, str(i)),
                                                 lambda: quality.delete_case(i)), chosen,
                               confirm_label="确认删除")
