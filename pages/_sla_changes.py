"""The changes of SLA看板 (import, targets), each checked against the roles and audited."""
import streamlit as st

from errors import UserError
from escaping import plain
from pages._resources import services
from pages._session import attempt, locked, perform
from scoring.sla import targets
from scoring.sla.store import SlaStore
from scoring.sla.validation import MESSAGES

DEFAULT = targets.DEFAULT_SCOPE


def import_upload(store: SlaStore, upload, partial: bool) -> None:
    """Import the uploaded file (a callback of 导入); keep the outcome for the next run."""
    try:
        result = perform("sla.import", upload.name, lambda: store.import_file(
            upload.getvalue(), upload.name, allow_partial=partial), summary=lambda r: r.summary(),
            succeeded=lambda r: r.stored)
        outcome = (result.stored, result.summary(), result.rejected.head(200), result.rejected_csv())
    except UserError as error:
        outcome = (False, str(error), None, None)
    st.session_state["sla_outcome"] = outcome


def show_outcome() -> None:
    """The last import's outcome: message, rejected rows, download."""
    if "sla_outcome" not in st.session_state:
        return
    stored, text, rejected, download = st.session_state["sla_outcome"]
    (st.success if stored else st.error)(plain(text))
    if rejected is not None and len(rejected):
        st.caption(f"有错误的行(前 {len(rejected)} 行)，每行一条说明：")
        st.dataframe(rejected, hide_index=True, column_config={  # the message read whole
            MESSAGES: st.column_config.TextColumn(width="large")})
    if download:
        st.download_button("下载有错误的行（CSV，含错误说明）", download, "rejected_rows.csv",
                           "text/csv", key="sla_rejected_download")


def import_section(store: SlaStore) -> None:
    """The uploader and 导入 (a callback: what it does is checked against the roles when it runs)."""
    st.caption("话单：每通请求人工的呼叫一行(call_id、vendor、queue、arrived_at、answered_at、ended_at、"
               "talk_s、hold_s、acw_s，可选 resolved_first_contact、csat、qa_score、complaint),"
               "中英文列名均可。报表：外包商、期间（月或日）、指标、数值（长表），或每个指标一列（宽表）。"
               "默认有任何错误行则整份不导入；重复导入同一记录不会重复计数。")
    if locked("sla.import"):
        return
    upload = st.file_uploader("CSV(UTF-8 / GBK)、Excel(.xlsx)或 Parquet 文件",
                              max_upload_size=services().settings.sla_max_upload_mb,
                              type=["csv", "txt", "xlsx", "parquet"], key="sla_upload")
    partial = st.checkbox("只导入有效行（有错误的行不导入，可下载查看）", key="sla_partial")
    st.button("导入", key="sla_import", type="primary", disabled=upload is None,
              on_click=import_upload, args=(store, upload, partial))


def save_targets(store: SlaStore, edited, cap: float, scope: str, before) -> None:
    try:
        contract = targets.contract_from_editor(edited, cap, scope)
        perform("sla.targets", scope_name(scope), lambda: targets.save_contract(store, contract),
                summary=lambda _: contract.human(threshold()), before=before.human(threshold()))
        st.session_state["sla_targets_saved"] = scope
    except UserError as error:
        st.session_state["sla_targets_problem"] = str(error)


def reset_targets(scope: str) -> None:
    store = services().sla_store
    before = targets.contract_for(targets.load_contracts(store), scope)
    try:
        perform("sla.targets_reset", scope_name(scope), lambda: targets.delete_contract(store, scope),
                before=before.human(threshold()))
    except UserError as error:
        st.session_state["sla_targets_problem"] = str(error)
        return
    suffix = "default" if scope == DEFAULT else scope
    for widget in (f"sla_targets_{suffix}", f"sla_cap_{suffix}"):
        st.session_state.pop(widget, None)


def scope_name(scope: str) -> str:
    return "默认（未单独设置的外包商）" if scope == DEFAULT else scope


def clear_sample(store: SlaStore) -> None:
    attempt("sla.clear_sample", "示例数据", store.clear_sample)


def threshold() -> float:
    return services().settings.sla_threshold_s
