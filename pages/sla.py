"""SLA看板: vendors' service levels against the contract, deductions, trends and staffing."""
import pandas as pd
import streamlit as st

from errors import UserError
from escaping import plain
from pages import _sla_half_hours
from pages._resources import services, text_table
from scoring.sla import board, charts, queries, sample, targets
from scoring.sla.erlang import StaffingInput, required_agents, required_agents_abandoning
from scoring.sla.errors import SlaInputError
from scoring.sla.indicators import COUNT_KEYS, KPI_KEYS, label
from scoring.sla.store import SlaStore

N = services().settings.sla_threshold_s
FORMATS = {"rate": "percent", "seconds": "%.1f 秒", "score": "%.1f 分", "count": "localized"}
DEFAULT = targets.DEFAULT_SCOPE


@st.cache_data(show_spinner="正在计算指标…", max_entries=8)
def board_data(_store: SlaStore, path: str, version: str, threshold: float) -> board.Board:
    """The board's data, recomputed when the store's version or the threshold changes."""
    return board.load_board(_store, threshold)


@st.cache_data(show_spinner=False, max_entries=16)
def waits(_store: SlaStore, path: str, version: str, month) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wait curve and hourly profile for one month (None: all months)."""
    return queries.wait_curve(_store, month), queries.hourly_profile(_store, month)


def import_upload(store: SlaStore, upload, partial: bool) -> None:
    """Import the uploaded file; keep the outcome for the next run."""
    try:
        result = store.import_file(upload.getvalue(), upload.name, allow_partial=partial)
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
        st.dataframe(rejected, hide_index=True)
    if download:
        st.download_button("下载有错误的行（CSV，含错误说明）", download, "rejected_rows.csv",
                           "text/csv", key="sla_rejected_download")


def kpi_config() -> dict:
    """Column formats with each indicator's definition as the header's help."""
    return {title: st.column_config.NumberColumn(title, help=definition, format=FORMATS[unit])
            for title, unit, definition in board.kpi_columns(N)}


st.title("SLA看板")
st.caption(f"外包商的服务水平对照合同目标：达标、扣款、趋势与人力测算。每个数字旁注明其定义；"
           f"服务水平门限 N = {N} 秒（部署时可调整）。")
store = services().sla_store
try:
    store.ensure_sample(sample.generate)
except SlaInputError as error:
    st.error(plain(str(error)))
    st.stop()

if store.shows_sample():
    with st.container(border=True):
        st.warning("**示例数据**:当前显示的是自动生成的示例话单（3 家虚构外包商、90 天，其中一家逐月下滑）,"
                   "不是真实数据。导入真实话单或报表后，示例数据自动清除。", icon="⚠️")
        if st.button("清除示例数据", key="sla_clear_sample"):
            store.clear_sample()
            st.rerun()

with st.expander("导入话单或外包商报表", expanded=not store.counts()["imports"]):
    st.caption("话单：每通请求人工的呼叫一行(call_id、vendor、queue、arrived_at、answered_at、ended_at、"
               "talk_s、hold_s、acw_s，可选 resolved_first_contact、csat、qa_score、complaint),"
               "中英文列名均可。报表：外包商、期间（月或日）、指标、数值（长表），或每个指标一列（宽表）。"
               "默认有任何错误行则整份不导入；重复导入同一记录不会重复计数。")
    upload = st.file_uploader("CSV(UTF-8 / GBK)、Excel(.xlsx)或 Parquet 文件",
                              max_upload_size=services().settings.sla_max_upload_mb,
                              type=["csv", "txt", "xlsx", "parquet"], key="sla_upload")
    partial = st.checkbox("只导入有效行（有错误的行不导入，可下载查看）", key="sla_partial")
    if st.button("导入", key="sla_import", type="primary", disabled=upload is None):
        import_upload(store, upload, partial)
        st.rerun()
show_outcome()  # outside the section, which folds once something is imported

data = board_data(store, str(store.path), store.version(), N)
if data.empty:
    st.info("还没有数据：请在上方导入话单或外包商报表。")
    st.stop()

tabs = st.tabs(["达标与扣款", "指标趋势", "等待与时段", "半小时分析", "合同目标", "人力测算"])
with tabs[0]:
    month = st.selectbox("月份", board.month_options(data), key="sla_month",
                         format_func=lambda m: m.strftime("%Y-%m"))
    rows = data.summary[data.summary["period"] == month]
    for column, (vendor, score, change, note) in zip(st.columns(len(rows)), board.score_cells(rows)):
        column.metric(plain(vendor), score, change, help=note)
    st.altair_chart(charts.scorecard(rows, month.strftime("%Y-%m")), width="stretch")
    st.altair_chart(charts.attainment_heatmap(data.summary), width="stretch")
    st.dataframe(board.summary_table(rows), hide_index=True)
    vendor = st.selectbox("外包商明细", data.vendors, key="sla_detail_vendor")
    details = data.details[(data.details["vendor"] == vendor) & (data.details["period"] == month)]
    st.table(text_table(board.detail_table(details, N)), hide_index=True)

with tabs[1]:
    key = st.selectbox("指标", [k for k in KPI_KEYS if k not in COUNT_KEYS],
                       format_func=lambda k: label(k, N), key="sla_indicator")
    grain = st.radio("粒度", ["month", "day"], format_func={"month": "按月", "day": "按日"}.get,
                     horizontal=True, key="sla_grain")
    kpis = data.monthly if grain == "month" else data.daily
    st.altair_chart(charts.trend(board.trend_frame(kpis, data.contracts, key), key, N, grain,
                                 data.vendors), width="stretch")
    if (kpis["source"] == queries.REPORTS_SOURCE).any():
        st.caption("来源为“报表”的数字取自外包商报送，服务水平按其报送口径，未必是 N 秒定义。")
    st.dataframe(board.kpi_table(kpis, N, grain), column_config=kpi_config(), hide_index=True)

with tabs[2]:
    scope_month = st.selectbox("统计范围", [None, *data.months], key="sla_wait_month",
                               format_func=lambda m: "全部月份" if m is None else m.strftime("%Y-%m"))
    curve, profile = waits(store, str(store.path), store.version(), scope_month)
    if curve.empty:
        st.info("等待分布与时段分布需要话单数据（报表没有逐通记录）。")
    else:
        level = next((t.target for t in data.contracts[DEFAULT].active()
                      if t.indicator == "service_level"), None)
        st.altair_chart(charts.wait_distribution(curve, N, level, data.vendors), width="stretch")
        st.altair_chart(charts.hourly_profile(profile))

with tabs[3]:
    _sla_half_hours.show(store, data, N)

with tabs[4]:
    scope = st.selectbox("适用范围", [DEFAULT, *data.vendors], key="sla_scope",
                         format_func=lambda s: "默认（未单独设置的外包商）" if s == DEFAULT else s)
    contract = targets.contract_for(data.contracts, scope)
    suffix = "default" if scope == DEFAULT else scope
    st.caption("目标值按显示单位填写（比率填百分数，如 80 表示 80%）。权重决定达成得分；未达标扣款按月服务费"
               "百分比计，合计不超过扣款上限。"
               + ("" if scope in data.contracts else "该外包商尚未单独设置，以下为默认目标。"))
    edited = st.data_editor(
        targets.editor_frame(contract, N), key=f"sla_targets_{suffix}", disabled=["指标", "单位"],
        hide_index=True, placeholder="",
        column_config={"方向": st.column_config.SelectboxColumn(options=["≥", "≤"])})
    cap = st.number_input("每月扣款上限（月服务费 %）", 0.0, 100.0, float(contract.cap_pct),
                          format="%.1f", key=f"sla_cap_{suffix}")
    left, right = st.columns(2)
    if left.button("保存目标", key="sla_save_targets", type="primary"):
        try:
            targets.save_contract(store, targets.contract_from_editor(edited, cap, scope))
            st.session_state["sla_targets_saved"] = scope
            st.rerun()
        except UserError as error:
            st.error(plain(str(error)))
    if right.button("恢复默认", key="sla_reset_targets"):
        targets.delete_contract(store, scope)
        for widget in (f"sla_targets_{suffix}", f"sla_cap_{suffix}"):
            st.session_state.pop(widget, None)
        st.rerun()
    if not targets.unchanged(edited, cap, contract, scope):
        st.info("有未保存的修改：点“保存目标”后生效。")
    elif st.session_state.get("sla_targets_saved") == scope:
        st.success("目标已保存，达成得分与扣款已按新目标重新计算。")

with tabs[5]:
    st.caption("话务量 = 每时段呼入量 × AHT ÷ 时段长度；取同时满足服务水平目标与最高占用率的最少座席；"
               "排班座席 = 在线座席 ÷ （1 − 缩减率），向上取整。Erlang C 假设来电者一直等待，"
               "Erlang A 计入等待中挂断的来电者（按平均耐心）。")
    cells = [*st.columns(4), *st.columns(4)]
    inputs = {
        field: cell.number_input(title, low, high, float(N if default is None else default),
                                 format=number_format,
                                 key=f"sla_erlang_{field}") * factor
        for cell, (field, title, low, high, default, factor, number_format)
        in zip(cells, board.ERLANG_INPUTS)}
    request = StaffingInput(**{**inputs, "patience_s": inputs["patience_s"] or None})
    try:
        erlang_c = required_agents(request)
        erlang_a = required_agents_abandoning(request) if request.patience_s else None
    except SlaInputError as error:
        st.error(plain(str(error)))
    else:
        st.table(text_table(board.staffing_table(erlang_c, erlang_a)), hide_index=True)
    if len(data.peaks):
        st.caption("参考：各外包商数据中最繁忙的半小时（按日平均）与 AHT，可填入上方测算；"
                   "逐个半小时的测算见“半小时分析”。")
        st.dataframe(board.peaks_table(data.peaks), hide_index=True)
