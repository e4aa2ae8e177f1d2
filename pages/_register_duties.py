"""外包台账 › 职责日历: the duties the loaded rules state (accepted into the calendar of a vendor
or project, or dismissed), and the calendar: due, overdue, done with evidence."""
from __future__ import annotations

from datetime import date

import streamlit as st

from escaping import plain
from pages._register_projects import empty_uploader, uploader_key
from pages._resources import services
from pages._session import actor, attempt, locked, may
from scoring.register.duties import CandidateDuty, period_label
from scoring.register.model import first_due
from scoring.register.store import RegisterStore
from scoring.vendor_dossier import duty_table

SHOWN = 20


def show(register: RegisterStore) -> None:
    notice = st.empty()  # the slot is there without a notice too: what follows keeps its place
    if text := st.session_state.pop("register_duty_notice", None):
        notice.success(text)
    vendors = {vendor.id: vendor.name for vendor in register.vendors()}
    calendar(register, vendors)
    st.subheader("从已加载文档中找到的候选职责")
    st.caption("含有周期或时限的规定（每季度、每年至少一次、次月十日前、二十四小时内、保存不少于三年……），"
               "逐字引用原文。接受后进入某家外包商（或其项目）的日历；不采纳的不再提示；文档更新后只提示新的。")
    candidates = services().candidate_duties()
    if not candidates:
        st.info("没有待处理的候选职责。")
        return
    if not vendors and may("register.duty_accept"):
        st.info("先在“外包商”中登记外包商，才能把职责放进它的日历。")
    for candidate in candidates[:SHOWN]:
        with st.container(border=True):
            timing = "；".join(part for part in (period_label(candidate.period, candidate.kind), candidate.deadline) if part)
            st.markdown(f"**{plain(candidate.doc)} {plain(candidate.clause)}** · {plain(timing)}")
            st.markdown(f"> {plain(candidate.quote)}")
            if vendors and may("register.duty_accept"):
                accept_form(register, candidate, vendors)
    if len(candidates) > SHOWN:
        st.caption(f"另有 {len(candidates) - SHOWN} 条候选职责，处理完上面的后显示。")


def accept_form(register: RegisterStore, candidate: CandidateDuty, vendors: dict) -> None:
    key = f"register_candidate_{candidate.key}"
    cells = st.columns([2, 2, 1.5, 1.5])
    vendor_id = cells[0].selectbox("外包商", list(vendors), format_func=vendors.get, key=f"{key}_vendor")
    projects = {p.id: p.name for p in register.projects(vendor_id)}
    project_id = cells[1].selectbox("项目", [None, *projects], key=f"{key}_project",
                                    format_func=lambda i: "（整个外包商）" if i is None else projects[i])
    owner = cells[2].text_input("负责人", actor().name, key=f"{key}_owner")
    due = cells[3].date_input("下次到期", first_due(candidate.deadline, date.today()), key=f"{key}_due",
                              format="YYYY-MM-DD")
    evidence = st.text_input("需要的证据", key=f"{key}_evidence", placeholder="例如：季度检查报告")
    left, right, _ = st.columns([1, 1, 4])
    if left.button("接受", key=f"{key}_accept", type="primary"):
        accept(register, candidate, vendor_id, project_id, owner, due, evidence)
        st.rerun()
    if may("register.duty_dismiss") and right.button("不采纳", key=f"{key}_dismiss"):
        dismiss(register, candidate)
        st.rerun()


def accept(register: RegisterStore, candidate: CandidateDuty, vendor_id: int, project_id, owner: str,
           due: date, evidence: str) -> None:
    target = f"{candidate.doc} {candidate.clause}"
    if attempt("register.duty_accept", target, lambda: register.accept(
            candidate, vendor_id, project_id, owner, due, evidence),
            summary=lambda _: f"{candidate.quote[:80]};负责人 {owner};下次到期 {due}") is not None:
        st.session_state["register_duty_notice"] = f"已接受职责（{plain(target)}），下次到期 {due}。"


def dismiss(register: RegisterStore, candidate: CandidateDuty) -> None:
    target = f"{candidate.doc} {candidate.clause}"
    if attempt("register.duty_dismiss", target, lambda: register.dismiss(
            candidate.key, actor().name) or True, summary=lambda _: candidate.quote[:80]) is not None:
        st.session_state["register_duty_notice"] = f"已不采纳（{plain(target)}），以后不再提示。"


def calendar(register: RegisterStore, vendors: dict) -> None:
    """Every accepted duty with its state; marking one done (with evidence)."""
    st.subheader("职责日历")
    duties = register.duties()
    if not duties:
        st.caption("还没有接受任何职责：在下面的候选职责中接受。")
        return
    today = date.today()
    projects = {project.id: project.name for project in register.projects()}
    shown = duty_table(duties, today, projects)
    shown.insert(1, "外包商", [vendors.get(duty.vendor_id, "") for duty in duties])
    st.dataframe(shown, hide_index=True, key="register_calendar")
    open_duties = {duty.id: duty for duty in duties if duty.next_due}
    if may("register.duty_edit"):
        edit_form(register, {duty.id: duty for duty in duties}, vendors)
    if not open_duties or locked("register.duty_done"):
        return
    with st.expander("标记完成"):
        chosen = st.selectbox("职责", list(open_duties), key="register_done_pick", format_func=lambda i: (
            f"{vendors.get(open_duties[i].vendor_id, '')} · {open_duties[i].doc} {open_duties[i].clause}"
            f" · 到期 {open_duties[i].next_due}"))
        done_on = st.date_input("完成日期", today, key="register_done_on", format="YYYY-MM-DD")
        upload = st.file_uploader("证据文件", key=uploader_key("register_done_file"),
                                  max_upload_size=services().settings.max_upload_mb)
        note = st.text_input("说明", key="register_done_note")
        if st.button("标记完成", type="primary", key="register_done_save"):
            mark_done(register, open_duties[chosen], done_on, upload, note)
            st.rerun()


def edit_form(register: RegisterStore, duties: dict, vendors: dict) -> None:
    with st.expander("修改职责（负责人、下次到期、需要的证据）"):
        chosen = st.selectbox("职责", list(duties), key="register_edit_pick", format_func=lambda i: (
            f"{vendors.get(duties[i].vendor_id, '')} · {duties[i].doc} {duties[i].clause}"))
        duty, key = duties[chosen], f"register_edit_{chosen}"
        owner = st.text_input("负责人", duty.owner, key=f"{key}_owner")
        due = st.date_input("下次到期", duty.next_due, key=f"{key}_due", format="YYYY-MM-DD")
        ended = st.checkbox("不再到期", duty.next_due is None, key=f"{key}_ended",
                            help="一次性职责已经了结，或这项职责不再适用")  # a set date cannot be emptied
        evidence = st.text_input("需要的证据", duty.evidence_required, key=f"{key}_evidence")
        if st.button("保存修改", key="register_edit_save"):
            edit(register, duty, owner, None if ended else due, evidence)
            st.rerun()


def edit(register: RegisterStore, duty, owner: str, due, evidence: str) -> None:
    target = f"{duty.doc} {duty.clause}"
    if attempt("register.duty_edit", target, lambda: register.edit_duty(duty.id, owner, due, evidence) or True,
               before=f"负责人 {duty.owner};下次到期 {duty.next_due};证据 {duty.evidence_required}",
               summary=lambda _: f"负责人 {owner};下次到期 {due};证据 {evidence}") is not None:
        st.session_state["register_duty_notice"] = f"已修改职责（{plain(target)}）。"


def mark_done(register: RegisterStore, duty, done_on: date, upload, note: str) -> None:
    person, target = actor(), f"{duty.doc} {duty.clause}"
    evidence = None
    if upload is not None:
        evidence = attempt("register.evidence", f"{target} · {upload.name}", lambda: register.add_evidence(
            upload.getvalue(), upload.name, person.name, duty.project_id, duty_id=duty.id),
            summary=lambda item: f"SHA-256 {item.sha256}")
        if evidence is None:
            return
    after = attempt("register.duty_done", target, lambda: register.mark_done(
        duty.id, done_on, person.name, evidence.id if evidence else None, note),
        summary=lambda d: f"完成于 {done_on};下次到期 {d.next_due or '不再到期'}")
    if after is not None:
        st.session_state["register_duty_notice"] = (
            f"已标记完成（{plain(target)}）" + (f"，下次到期 {after.next_due}。" if after.next_due else "。"))
        empty_uploader("register_done_file")
