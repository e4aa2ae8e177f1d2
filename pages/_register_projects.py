"""外包台账 › 项目与阶段: outsourcing projects tied to the element draft and scope check they
were decided on, and each stage of their lifecycle with its clause and evidence."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from escaping import plain
from pages._resources import services
from pages._session import actor, attempt, locked, may, owned
from scoring.register.model import Project
from scoring.register.store import RegisterStore

ELEMENTS = ("人员", "运营场所", "系统", "管理", "其他")


def show(register: RegisterStore) -> None:
    vendors = {vendor.id: vendor.name for vendor in register.vendors()}
    if not vendors:
        st.info("先在“外包商”中登记外包商，再登记它承接的项目。")
        return
    notice = st.empty()  # the slot is there without a notice too: what follows keeps its place
    if text := st.session_state.pop("register_project_notice", None):
        notice.success(text)
    stages = services().lifecycle()
    stage_names = {stage.id: stage.name for stage, _ in stages}
    projects = {project.id: project for project in register.projects()}
    if projects:
        st.dataframe(pd.DataFrame([{
            "项目": p.name, "外包商": vendors.get(p.vendor_id, ""), "阶段": stage_names.get(p.stage, p.stage),
            "外包要素": "、".join(p.elements), "合同起始": p.term_start, "合同终止": p.term_end,
            "最晚通知日": p.notice_by(), "扣款上限(%)": p.deduction_cap_pct,
        } for p in projects.values()]), hide_index=True, key="register_projects")
    if "register_project_pick_next" in st.session_state:
        st.session_state["register_project_pick"] = st.session_state.pop("register_project_pick_next")
    # the most recently changed project first: its stages are what a manager comes back to
    chosen = st.selectbox("项目", [*projects, None], key="register_project_pick",
                          format_func=lambda i: "（新项目）" if i is None else
                          f"{projects[i].name}（{vendors.get(projects[i].vendor_id, '')}）")
    if may("register.project"):
        project_form(register, vendors, projects.get(chosen), list(stage_names), stage_names)
    else:
        locked("register.project")
    if chosen is not None:
        lifecycle(register, projects[chosen], stages)


def project_form(register: RegisterStore, vendors: dict, current: Project | None,
                 stage_ids: list[str], stage_names: dict) -> None:
    key = f"register_project_{current.id if current else 'new'}"
    drafts = {d.id: d for d in owned(services().drafts).saved()}
    assessments = {a.id: a.label for a in owned(services().assessments).saved()}
    with st.expander("修改项目" if current else "登记新项目", expanded=current is None):
        columns = st.columns(2)
        vendor_id = columns[0].selectbox("外包商", list(vendors), format_func=vendors.get, key=f"{key}_vendor",
                                         index=list(vendors).index(current.vendor_id) if current else 0)
        name = columns[1].text_input("项目名称", current.name if current else "", key=f"{key}_name")
        draft_id = columns[0].selectbox(
            "依据的外包要素草稿", [None, *drafts], key=f"{key}_draft",
            index=[None, *drafts].index(current.draft_id) if current and current.draft_id in drafts else 0,
            format_func=lambda i: "（不关联）" if i is None else drafts[i].label)
        assessment_id = columns[1].selectbox(
            "依据的范围自检", [None, *assessments], key=f"{key}_assessment",
            index=[None, *assessments].index(current.assessment_id)
            if current and current.assessment_id in assessments else 0,
            format_func=lambda i: "（不关联）" if i is None else assessments[i])
        default = current.elements if current else (drafts[draft_id].combination.elements if draft_id else ())
        elements = st.multiselect("外包要素", ELEMENTS, [e for e in default if e in ELEMENTS],
                                  key=f"{key}_elements_{draft_id}",
                                  help="选了要素草稿时默认取草稿中的要素")
        cells = st.columns(4)
        start = cells[0].date_input("合同起始", current.term_start if current else None,
                                    key=f"{key}_start", format="YYYY-MM-DD")
        end = cells[1].date_input("合同终止", current.term_end if current else None,
                                  key=f"{key}_end", format="YYYY-MM-DD")
        notice = cells[2].number_input("提前通知天数", 0, 3650, current.notice_days if current else 90,
                                       key=f"{key}_notice")
        cap = cells[3].number_input("扣款上限(月服务费 %)", 0.0, 100.0,
                                    current.deduction_cap_pct if current and current.deduction_cap_pct
                                    is not None else 10.0, key=f"{key}_cap", format="%.1f")
        fee = st.text_input("计费方式", current.fee_basis if current else "", key=f"{key}_fee",
                            placeholder="例如：按坐席人月计费，另按话务量阶梯计价")
        stage = st.selectbox("阶段", stage_ids, format_func=stage_names.get, key=f"{key}_stage",
                             index=stage_ids.index(current.stage) if current else 0)
        project = Project(current.id if current else 0, vendor_id, name, tuple(elements), draft_id,
                          assessment_id, start, end, int(notice), fee, float(cap), stage)
        if st.button("保存项目", type="primary", key=f"{key}_save"):
            save(register, project, stage_names[stage])
            st.rerun()
        st.caption("SLA 目标即 SLA看板 中该外包商的合同目标（在 SLA看板 › 合同目标 中设置）。")


def save(register: RegisterStore, project: Project, stage_name: str) -> None:
    saved = attempt("register.project", project.name, lambda: register.save_project(project),
                    summary=lambda _: f"阶段 {stage_name};要素 {'、'.join(project.elements)};"
                                      f"合同 {project.term_start}–{project.term_end}")
    if saved is not None:
        st.session_state["register_project_notice"] = f"已保存项目「{plain(project.name.strip())}」。"
        st.session_state["register_project_pick_next"] = saved  # chosen in the list on the next run


def lifecycle(register: RegisterStore, project: Project, stages) -> None:
    """Each stage: what the standard (or the bank's rules) says, what it should hold, what it holds."""
    st.subheader(f"{plain(project.name)} 的阶段记录")
    steps = register.steps(project.id)
    for stage, citations in stages:
        step = steps.get(stage.id)
        mark = "（当前阶段）" if stage.id == project.stage else ""
        with st.expander(f"{stage.name}{mark}" + (f" · 已记录 {len(step.evidence)} 个证据" if step else ""),
                         expanded=stage.id == project.stage):
            for citation in citations:
                st.markdown(f"> {plain(citation.quote)}  \n> —— {plain(citation.reference)}")
            if not citations:
                st.caption("已加载的文档没有关于这一阶段的规定（所附标准文本在 5.3.3 之后缺失）。")
            st.caption("应留存：" + "、".join(stage.evidence))
            if step and step.note:
                st.markdown(f"**记录**：{plain(step.note)}（{plain(step.recorded_by)}，{step.recorded_at[:16].replace('T', ' ')}）")
            for item in step.evidence if step else ():
                st.download_button(plain(f"{item.file_name}（{item.size:,} 字节，{item.added_by}）"),
                                   lambda item=item: register.evidence_bytes(item), item.file_name,
                                   key=f"register_evidence_{item.id}", on_click="ignore")
            if may("register.step"):
                step_form(register, project, stage.id, step.note if step else "", stage.name)


def step_form(register: RegisterStore, project: Project, stage: str, note: str,
              stage_name: str) -> None:
    key = f"register_step_{project.id}_{stage}"
    text = st.text_area("记录（结论、评审意见等）", note, key=f"{key}_note", height=80)
    upload = st.file_uploader("附上证据文件", key=uploader_key(f"{key}_file"),
                              max_upload_size=services().settings.max_upload_mb)
    if st.button("保存记录", key=f"{key}_save"):
        save_step(register, project, stage, stage_name, text, upload)
        st.rerun()


def save_step(register: RegisterStore, project: Project, stage: str, stage_name: str, note: str,
              upload) -> None:
    person = actor()
    target = f"{project.name} · {stage_name}"
    if attempt("register.step", target, lambda: register.record_step(
            project.id, stage, note, person.name) or True, summary=lambda _: note[:200]) is None:
        return
    if upload is not None and attempt("register.evidence", f"{target} · {upload.name}", lambda: register.add_evidence(
            upload.getvalue(), upload.name, person.name, project.id, stage),
            summary=lambda item: f"SHA-256 {item.sha256}") is None:
        return
    st.session_state["register_project_notice"] = f"已保存「{plain(project.name)}」的阶段记录。"
    empty_uploader(f"register_step_{project.id}_{stage}_file")


def uploader_key(key: str) -> str:
    """The key of an uploader that is emptied once its file is kept: the browser holds on to the
    file of an uploader whose state is only removed, so each emptying gives it a new key."""
    emptied = st.session_state.get(f"{key}_emptied", 0)
    return f"{key}_{emptied}" if emptied else key


def empty_uploader(key: str) -> None:
    st.session_state[f"{key}_emptied"] = st.session_state.get(f"{key}_emptied", 0) + 1
