"""审计日志: every change, refusal and sign-in, filtered and exported; the hash chain checked."""
from datetime import date, timedelta

import streamlit as st

from escaping import plain
from pages._resources import services
from pages._session import actor, require_sign_in
from scoring.audit_report import entry_table, to_csv, to_excel

require_sign_in()

SHOWN = 2000

st.title("审计日志")
st.caption("每一次修改（文档、索引、SLA 数据与目标、自评、草稿、评估集、角色）、被拒绝的操作和登录都记录在此："
           "谁、何时、做了什么、改动前后。记录只能追加，不能在应用中修改或删除；"
           "每条记录带有前一条的哈希，任何改动都会使校验失败。")
gate = services().gate
gate.require(actor(), "audit.view", "审计日志")  # refused (and recorded) without the role
trail = services().audit

left, right = st.columns([1, 3], vertical_alignment="center")
if left.button("校验哈希链", key="audit_verify"):
    st.session_state["audit_verification"] = trail.verify()
if verification := st.session_state.get("audit_verification"):
    (right.success if verification.intact else right.error)(plain(verification.message))

columns = st.columns([2, 2, 2, 1])
today = date.today()
period = columns[0].date_input("日期", (today - timedelta(days=30), today), key="audit_period",
                               format="YYYY-MM-DD")
actors = dict(trail.actors())
who = columns[1].selectbox("操作人", [None, *actors], key="audit_actor", placeholder="全部",
                           format_func=lambda a: "全部" if a is None else f"{actors[a]}({a})")
actions = dict(trail.actions())
what = columns[2].selectbox("操作", [None, *actions], key="audit_action",
                            format_func=lambda a: "全部" if a is None else actions[a])
outcomes = {None: "全部", "done": "完成", "refused": "拒绝", "failed": "失败", "cancelled": "已取消"}
outcome = columns[3].selectbox("结果", list(outcomes), key="audit_outcome", format_func=outcomes.get)
text = st.text_input("包含文字（对象、改动前后、操作人）", key="audit_text")

since, until = (tuple(period) + (None, None))[:2] if isinstance(period, tuple | list) else (period, None)
entries = trail.entries(since=since, until=until or since, actor=who, action=what,
                        outcome=outcome, text=text.strip() or None)
filters = "；".join(part for part in (
    f"日期 {since or ''}～{until or since or ''}", who and f"操作人 {actors[who]}",
    what and f"操作 {actions[what]}", outcome and f"结果 {outcomes[outcome]}",
    text.strip() and f"包含“{text.strip()}”") if part)
st.caption(f"{len(entries)} 条记录（{plain(filters)}）" +
           (f"，下表显示最近的 {SHOWN} 条，导出包含全部。" if len(entries) > SHOWN else "。"))
st.dataframe(entry_table(entries[:SHOWN]), hide_index=True, key="audit_table")

if entries:
    left, right = st.columns(2)
    left.download_button("导出 Excel", to_excel(entries, trail.verify(), filters),
                         f"审计日志_{today:%Y%m%d}.xlsx", key="audit_excel", on_click="ignore",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    right.download_button("导出 CSV", to_csv(entries), f"审计日志_{today:%Y%m%d}.csv",
                          mime="text/csv", key="audit_csv", on_click="ignore")
