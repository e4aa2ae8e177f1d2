"""文档管理: load, preview, version and remove documents; rebuild the index."""
import datetime as dt

import pandas as pd
import streamlit as st

from errors import UserError
from escaping import plain
from ingest.clauses import FLAG_LABELS, STYLE_LABELS
from ingest.errors import IngestError
from ingest.jobs import JobRequest
from ingest.versions import KINDS, describe
from pages._confirm import confirm_button
from pages._resources import current_documents, knowledge_base, services
from pages._session import actor, locked, may, require_sign_in
from scoring.exports import table_workbook

require_sign_in()

st.title("文档管理")
st.caption("加载官方全文、配套标准、监管办法或行内制度。先预览解析结果，确认后再加入；"
           "每次变更都在后台重建索引（可以取消），失败或取消时文档与索引保持原样。")

base = knowledge_base()
library = base.library


def flags_text(counts: dict[str, int]) -> str:
    return ";".join(f"{FLAG_LABELS[flag].split('(')[0]} {n}" for flag, n in counts.items()) or "无"


def submit(action: str, target: str, operation: str, arguments: dict, data: bytes | None = None) -> None:
    """Hand one change (or the rebuild) to the background job; the page shows its progress."""
    try:
        job = services().submit_change(actor(), JobRequest(operation, arguments, action, target), data)
    except UserError as error:
        st.error(plain(str(error)))
        return
    st.session_state["library_job_seen"] = job.id
    st.session_state.pop("library_upload", None)
    st.rerun()


def job_panel() -> None:
    """The running job with its progress and 取消; once it has finished (for the person who saw
    it run), its outcome, and the page drawn again with the new documents."""
    job, state = services().jobs.current(), st.session_state
    if job is None:
        return
    if not job.finished:
        state["library_job_seen"] = job.id
        st.progress(job.fraction, text=plain(job.describe()))
        st.caption("可以离开本页：任务在服务器上继续；问答在新索引建好之前照常使用原来的索引。")
        if may(job.request.action) and st.button("取消任务", key="library_job_cancel"):
            services().jobs.cancel()
        return
    if state.get("library_job_seen") != job.id:
        return
    if state.get("library_job_shown") != job.id:  # the first time it is seen finished
        state["library_job_shown"] = job.id
        st.rerun(scope="app")
    (st.success if job.state == "done" else st.warning)(plain(job.describe()))


def rebuild_section() -> None:
    st.subheader("索引")
    if not locked("index.rebuild") and st.button(
            "重建索引", key="library_rebuild",
            help="从已加载的文档重新建立索引；文档库或索引的文件损坏时，也由此恢复"):
        submit("index.rebuild", "全部文档", "rebuild", {})


def show_changes(diff) -> None:
    """The clauses the new version adds, removes and changes, the changed words marked."""
    st.markdown(f"**与当前版本相比：{diff.summary()}**")
    if diff.mostly_removed():
        st.warning("新版本删去了当前版本的大部分条款：请确认这确实是同一文档的新版本，"
                   "而不是另一份文档（另一份文档请选“新文档”）。")
    for change in diff.changes[:60]:
        with st.expander(f"{KINDS[change.kind]}：{plain(change.clause)} {plain(change.title)}".strip()):
            marks = {"same": "{}", "added": ":green-background[{}]", "removed": ":red-background[~~{}~~]"}
            st.markdown("".join(marks[kind].format(plain(text)) for kind, text in change.pieces()
                                if text).replace("\n", "  \n"))
    if len(diff.changes) > 60:
        st.caption(f"另有 {len(diff.changes) - 60} 处变化未列出。")


running = services().jobs.current()
st.fragment(job_panel, run_every=1.0 if running and not running.finished else None)()
for note in base.indexer.notices:
    st.info(plain(note))
base.indexer.notices.clear()

try:
    parsed = {document.info.doc_id: document for document in current_documents()}
    entries = library.entries(include_removed=True)
except UserError as error:  # a damaged library or index: say so, and offer the rebuild
    st.error(plain(str(error)))
    rebuild_section()
    st.stop()
st.subheader("文档")
documents_table = pd.DataFrame([{
    "简称（引用时显示）": entry.info.short_name, "标题": entry.info.title,
    "条款数": len(parsed[entry.info.doc_id].clauses) if entry.info.doc_id in parsed else None,
    "标记": flags_text(parsed[entry.info.doc_id].flag_counts) if entry.info.doc_id in parsed else "",
    "当前版本": entry.current or "已移除", "加载时间": entry.version(entry.current).loaded_at
    if entry.current else "", "内容哈希": entry.version(entry.current).content_hash[:12]
    if entry.current else "", "来源": "随附" if entry.origin == "corpus" else "用户加载",
} for entry in entries])
st.dataframe(documents_table, hide_index=True, key="library_table")
st.download_button("下载文档清单（Excel）",  # built when clicked, not on every rerun
                   lambda: table_workbook("知识库文档清单", "文档", documents_table, "知识库",
                                          counted="文档数"),
                   f"知识库文档清单_{dt.date.today():%Y%m%d}.xlsx", key="library_table_download",
                   on_click="ignore")

for entry in entries:
    with st.expander(f"{plain(entry.info.short_name)} · 版本与操作"):
        for version in entry.versions:
            mark = "（当前）" if version.version == entry.current else ""
            st.markdown(f"- {version.version}{mark} {plain(version.file)} {version.loaded_at} "
                        f"`{version.content_hash[:12]}`" + describe(version.changes))
        key = entry.info.doc_id
        others = [v.version for v in entry.versions if v.version != entry.current]
        name = entry.info.short_name
        if others and may("documents.restore"):
            chosen = st.selectbox("恢复到版本", others, key=f"library_version_{key}")
            if st.button("恢复此版本", key=f"library_restore_{key}"):
                submit("documents.restore", f"{name} {chosen}", "restore",
                       {"doc_id": key, "version": chosen})
        if not entry.removed and may("documents.remove"):
            confirm_button(f"library_remove_{key}", "移除文档", lambda k, n=name: (
                f"确定移除「{n}」？移除后问答不再引用它；历史版本保留，可以恢复。"),
                lambda k: st.session_state.update(library_removing=k), key, confirm_label="确认移除")
            if st.session_state.get("library_removing") == key:
                st.session_state.pop("library_removing")
                submit("documents.remove", name, "remove", {"doc_id": key})

st.subheader("加载文档")
if locked("documents.add"):
    rebuild_section()
    st.stop()
upload = st.file_uploader(f"上传 .txt / .md / .pdf / .docx(单个文件不超过 {base.settings.max_upload_mb} MB)",
                          max_upload_size=base.settings.max_upload_mb,
                          type=["txt", "md", "pdf", "docx"],
                          key="library_upload")
if upload is not None:
    data = upload.getvalue()
    try:
        preview = library.preview(data, upload.name)
    except IngestError as error:
        st.error(plain(str(error)))
        st.stop()
    if known := library.already_loaded(data):
        st.warning(known)
        st.stop()
    columns = st.columns(3)
    columns[0].metric("条款数", len(preview.clauses))
    columns[1].metric("有标记的条款", sum(1 for c in preview.clauses if c.flags))
    columns[2].metric("去除的网页/页眉页脚行", len(preview.removed))
    st.caption(f"编号体例：{STYLE_LABELS[preview.style]}")
    for note in preview.gaps:
        st.markdown(f"- {plain(note)}")
    st.dataframe(pd.DataFrame([{"条款": "\u3000" * (c.level - 1) + c.clause, "标题": c.title,
                                "标记": "、".join(FLAG_LABELS[f].split("(")[0] for f in c.flags),
                                "正文": c.text[:60]} for c in preview.clauses]),
                 hide_index=True, key="library_preview")
    active = {e.info.doc_id: e.info.short_name for e in entries if not e.removed}
    mode = st.radio("加入方式", ["新文档", "已有文档的新版本"], horizontal=True, key="library_mode")
    if mode == "新文档":
        short_name = st.text_input("简称（引用时显示）", value=upload.name.rsplit(".", 1)[0],
                                   key="library_short_name")
        title = st.text_input("标题", key="library_title")
        request = ("documents.add", upload.name, "add",
                   {"filename": upload.name, "short_name": short_name, "title": title})
    else:
        target = st.selectbox("替换哪个文档", list(active), format_func=active.get, index=None,
                              placeholder="选择要由它替换的文档", key="library_target")
        try:
            if target is not None:
                show_changes(library.compare_version(target, data, upload.name))
        except UserError as error:
            st.error(plain(str(error)))
        request = ("documents.replace", f"{active.get(target, '')} ← {upload.name}", "add_version",
                   {"doc_id": target, "filename": upload.name})
    add, cancel = st.columns(2)
    if add.button("加入知识库", type="primary", key="library_add",
                  disabled=mode != "新文档" and target is None):
        submit(*request, data)
    if cancel.button("取消", key="library_cancel"):
        st.session_state.pop("library_upload", None)
        st.rerun()

rebuild_section()
