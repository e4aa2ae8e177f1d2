"""SLA看板: vendors' service levels against the contract, deductions, trends and staffing."""
import pandas as pd
import streamlit as st

from escaping import plain
from pages import _sla_half_hours
from pages._confirm import confirm_button
from pages._resources import percent_column, services, text_table
from pages._session import locked, may, require_sign_in, show_refusal
from pages._sla_changes import (
    clear_sample,
    import_section,
    reset_targets,
    save_targets,
    scope_name,
    show_outcome,
)
from scoring.sla import board, charts, queries, sample, targets
from scoring.sla.erlang import StaffingInput, required_agents, required_agents_abandoning
from scoring.sla.errors import SlaInputError
from scoring.sla.indicators import COUNT_KEYS, KPI_KEYS, label
from scoring.sla.store import SlaStore

require_sign_in()

N = services().settings.sla_threshold_s
FORMATS = {"seconds": "%.1f 秒", "score": "%.1f 分", "count": "localized"}  # rates: percent_column
DEFAULT = targets.DEFAULT_SCOPE


@st.cache_data(show_spinner="正在计算指标…", max_entries=8)
def board_data(_store: SlaStore, path: str, version: str, threshold: float) -> board.Board:
    """The board's data, recomputed when the store's version or the threshold changes."""
    return board.load_board(_store, threshold)


@st.cache_data(show_spinner=False, max_entries=16)
def waits(_store: SlaStore, path: str, version: str, month) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wait curve and hourly profile for one month (None: all months)."""
    return queries.wait_curve(_store, month), queries.hourly_profile(_store, month)


def kpi_config() -> dict:
    """Column formats with each indicator's definition as the header's help; the period wide
    enough for a whole date."""
    return {"期间": st.column_config.TextColumn("期间", width=96),
            **{title: percent_column(title, help=definition) if unit == "rate" else
               st.column_config.NumberColumn(title, help=definition, format=FORMATS[unit])
               for title, unit, definition in board.kpi_columns(N)}}


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
        st.warning("**示例数据**：当前显示的是自动生成的示例话单（3 家虚构外包商、90 天，其中一家逐月下滑），"
                   "不是真实数据。导入真实话单或报表后，示例数据自动清除。", icon="⚠️")
        if may("sla.clear_sample"):
            confirm_button("sla_clear_sample", "清除示例数据",
                           lambda _: "确定清除示例数据？清除后看板为空，直到导入真实数据。",
                           lambda _: clear_sample(store))

with st.expander("导入话单或外包商报表", expanded=not store.counts()["imports"]):
    import_section(store)
show_outcome()  # outside the section, which folds once something is imported
show_refusal()

data = board_data(store, str(store.path), store.version(), N)
if data.empty:
    st.info("还没有数据：请在上方导入话单或外包商报表。")
    st.stop()

tabs = st.tabs(["达标与扣款", "指标趋势", "等待与时段", "半小时分析", "合同目标", "人力测算"])
with tabs[0]:
    months, coverage = board.month_options(data), board.month_coverage(data)
    month = st.selectbox("月份", months, index=board.default_month(months, coverage), key="sla_month",
                         format_func=lambda m: board.month_label(m, coverage))
    if month in coverage and not coverage[month].complete:
        st.warning(f"{month:%Y-%m} 的数据不完整（{coverage[month].describe()}）：达成得分与扣款按已有的天数计算，"
                   "仅供参考；月度考核请在整月数据导入后进行。")
    rows = data.summary[data.summary["period"] == month]
    for column, (vendor, score, change, note) in zip(st.columns(len(rows)), board.score_cells(rows)):
        steady = change == board.STEADY
        column.metric(plain(vendor), score, change, help=note, delta_color="off" if steady else "normal",
                      delta_arrow="off" if steady else "auto")
    st.altair_chart(charts.scorecard(rows, month.strftime("%Y-%m")), width="stretch")
    st.altair_chart(charts.attainment_heatmap(data.summary), width="stretch")
    st.dataframe(board.summary_table(rows), hide_index=True, column_config={
        "达成得分": st.column_config.NumberColumn(format="%.1f 分"),
        "较上月": st.column_config.NumberColumn(format="%+.1f 分"),
        "扣款(月服务费%)": st.column_config.NumberColumn(format="%.1f%%")})
    vendor = st.selectbox("外包商明细", sorted(rows["vendor"]), key="sla_detail_vendor")
    details = data.details[(data.details["vendor"] == vendor) & (data.details["period"] == month)]
    st.table(text_table(board.detail_table(details, N)), hide_index=True)

with tabs[1]:
    key = st.selectbox("指标", [k for k in KPI_KEYS if k not in COUNT_KEYS],
                       format_func=lambda k: label(k, N), key="sla_indicator")
    grain = st.radio("粒度", ["month", "day"], format_func={"month": "按月", "day": "按日"}.get,
                     horizontal=True, key="sla_grain")
    kpis = data.monthly if grain == "month" else data.daily
    st.altair_chart(charts.trend(board.trend_frame(kpis, data.contracts, key), key, N, grain,
                                 data.palette_order), width="stretch")
    if (kpis["source"] == queries.REPORTS_SOURCE).any():
        st.caption("来源为“报表”的数字取自外包商报送，服务水平按其报送口径，未必是 N 秒定义。")
    table = board.kpi_table(kpis, N, grain)
    st.dataframe(table, column_config=kpi_config(), hide_index=True)
    source = store.source_label()
    st.download_button("下载指标明细（Excel）",  # built when clicked, not on every rerun
                       lambda: board.kpi_workbook(table, N, grain, source),
                       f"SLA指标明细_{'按月' if grain == 'month' else '按日'}.xlsx",
                       key="sla_kpi_download")

with tabs[2]:
    scope_month = st.selectbox("统计范围", [None, *data.months], key="sla_wait_month",
                               format_func=lambda m: "全部月份" if m is None else m.strftime("%Y-%m"))
    curve, profile = waits(store, str(store.path), store.version(), scope_month)
    if curve.empty:
        st.info("等待分布与时段分布需要话单数据（报表没有逐通记录）。")
    else:
        level = next((t.target for t in data.contracts[DEFAULT].active()
                      if t.indicator == "service_level"), None)
        st.altair_chart(charts.wait_distribution(curve, N, level, data.palette_order), width="stretch")
        st.altair_chart(charts.hourly_profile(profile))

with tabs[3]:
    _sla_half_hours.show(store, data, N)

with tabs[4]:
    scope = st.selectbox("适用范围", [DEFAULT, *data.vendors], key="sla_scope",
                         format_func=scope_name)
    contract = targets.contract_for(data.contracts, scope)
    suffix = "default" if scope == DEFAULT else scope
    st.caption("目标值按显示单位填写（比率填百分数，如 80 表示 80%）。权重决定达成得分；未达标扣款按月服务费"
               "百分比计，合计不超过扣款上限。"
               + ("" if scope in data.contracts else "该外包商尚未单独设置，以下为默认目标。"))
    edited = st.data_editor(
        targets.editor_frame(contract, N), key=f"sla_targets_{suffix}",
        disabled=["指标", "单位"] if may("sla.targets") else True,
        hide_index=True, placeholder="",
        column_config={"方向": st.column_config.SelectboxColumn(options=["≥", "≤"])})
    cap = st.number_input("每月扣款上限（月服务费 %）", 0.0, 100.0, float(contract.cap_pct),
                          format="%.1f", key=f"sla_cap_{suffix}", disabled=not may("sla.targets"))
    if not locked("sla.targets"):
        left, right = st.columns(2)
        if left.button("保存目标", key="sla_save_targets", type="primary"):
            save_targets(store, edited, cap, scope, contract)
            st.rerun()
        if scope in data.contracts:
            with right:
                confirm_button("sla_reset_targets", "恢复默认", lambda s: "确定删除「" + (
                    "默认目标" if s == DEFAULT else s) + "」单独设置的目标，恢复为出厂默认？",
                    reset_targets, scope)
    if problem := st.session_state.pop("sla_targets_problem", None):
        st.error(plain(problem))
    if not targets.unchanged(edited, cap, contract, scope):
        st.info("有未保存的修改：点“保存目标”后生效。")
    elif st.session_state.get("sla_targets_saved") == scope:
        st.success("目标已保存，达成得分与扣款已按新目标重新计算。")
    for note in contract.notes(N):
        st.warning(plain(note))

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
