"""SLA看板's half-hour view: whose half-hours, the heat maps, the agents by Erlang C and A, and the
half-hours that fell short (the tab is drawn by pages/sla.py)."""
import pandas as pd
import streamlit as st

from escaping import plain
from pages._resources import percent_column
from scoring.sla import charts, intervals
from scoring.sla.board import Board
from scoring.sla.store import SlaStore


@st.cache_data(show_spinner="正在计算时段指标…", max_entries=16)
def half_hours(_store: SlaStore, path: str, version: str, scope: intervals.Scope, threshold: float,
               rule: intervals.StaffingRule) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weekly pattern and shortfalls of one vendor, month and queue."""
    return (intervals.weekly_pattern(_store, scope, threshold, rule),
            intervals.shortfalls(_store, scope, threshold, rule.target_level))


def show(store: SlaStore, data: Board, threshold_s: float) -> None:
    """The tab's content."""
    if not data.call_vendors:
        st.info("半小时分析需要话单数据（报表没有逐通记录）。")
    else:
        left, middle, right = st.columns(3)
        interval_vendor = left.selectbox("外包商", data.call_vendors, key="sla_interval_vendor")
        # a vendor's own queues and months: each vendor keeps its own choice (another vendor's
        # queue would leave the box blank while the charts showed all queues)
        queue = middle.selectbox("队列", [None, *intervals.queues(store, interval_vendor)],
                                 key=f"sla_interval_queue_{interval_vendor}",
                                 format_func=lambda q: "全部队列" if q is None else (q or "（未填队列）"))
        interval_month = right.selectbox("月份", intervals.months(store, interval_vendor),
                                         key=f"sla_interval_month_{interval_vendor}",
                                         format_func=lambda m: m.strftime("%Y-%m"))
        interval_scope = intervals.Scope(interval_vendor, interval_month, queue)
        target = data.service_level_target(interval_vendor)
        estimate = intervals.patience_estimate(store, interval_scope)
        patience = st.number_input(
            "来电者平均耐心（秒）", 0.0, 3600.0, float(round(estimate.seconds if estimate else 0)),
            step=10.0, format="%.0f",
            key=f"sla_patience_{interval_vendor}_{interval_month}_{queue}",
            help="Erlang A 用它估计等待中挂断的来电。默认值由话单估计：全部来电者的等待时间之和 ÷ 放弃量；"
                 "可按经验修改，填 0 表示不计挂断（只用 Erlang C）。")
        rule = intervals.StaffingRule(target_level=target, answer_s=threshold_s, patience_s=patience or None)
        st.caption(f"合同目标：{target:.0%} 的呼叫在 {threshold_s:g} 秒内接通。"
                   + (f"话单估计的平均耐心为 {estimate.seconds:.0f} 秒" + (
                       f"（只有 {estimate.abandoned} 通放弃的呼叫，误差较大，可按经验修改）。"
                       if estimate.rough() else "。") if estimate else "该范围内没有放弃的呼叫。")
                   + "所需座席按每个半小时的日均呼入与 AHT 测算（最高占用率 85%）。")
        pattern, shortfall = half_hours(store, str(store.path), store.version(), interval_scope, threshold_s, rule)
        if pattern.empty:  # a queue the vendor did not serve that month
            st.info(f"{plain(interval_vendor)}在 {interval_month:%Y-%m} 的这个队列没有话单，请换一个月份或队列。")
            return
        st.altair_chart(charts.interval_heatmap(pattern, "service_level", threshold_s, target), width="stretch")
        st.altair_chart(charts.interval_heatmap(pattern, "offered", threshold_s), width="stretch")
        weekday = st.radio("星期", intervals.WEEKDAYS, horizontal=True, key="sla_interval_weekday")
        st.altair_chart(charts.staffing_by_slot(pattern, weekday), width="stretch")
        st.subheader(f"{plain(interval_vendor)}未达标的半小时（{len(shortfall)} 个）")
        worst = intervals.worst_interval(shortfall, rule)
        if worst is None:
            st.success("该范围内每个半小时都达到了服务水平目标。")
        else:
            st.caption("按“距目标差”排序：要达到目标还需在门限内多接通的呼叫数。合同按整月考核，"
                       "整月达标的外包商也可能有个别半小时未达标：这里列出的是排班与现场管理可改进之处。")
            st.markdown(f"**最差时段：{intervals.interval_label(worst['day'], worst['slot'])}**")
            cells = st.columns(4)
            cells[0].metric("呼入人工量", f"{worst['offered']} 通")
            cells[1].metric("服务水平", f"{worst['service_level']:.1%}")
            cells[2].metric("所需座席 Erlang C", worst["erlang_c"].agents,
                            help="假设来电者一直等待")
            cells[3].metric("所需座席 Erlang A", "未计算" if worst["erlang_a"] is None
                            else worst["erlang_a"].agents,
                            help="计入等待中挂断的来电者；平均耐心为 0（不计挂断）时只按 Erlang C 测算")
            table = intervals.shortfall_table(shortfall, threshold_s)
            st.dataframe(table, hide_index=True, column_config={
                f"{threshold_s:g}秒服务水平": percent_column(), "人工接通率": percent_column()})
            source = store.source_label()  # the file itself is built when clicked
            st.download_button("下载未达标时段（Excel，月度考核佐证）",
                               lambda: intervals.shortfall_workbook(
                                   table, interval_scope, target, threshold_s, source),
                               f"未达标时段_{interval_vendor}_{interval_month:%Y-%m}.xlsx",
                               key="sla_shortfall_download")

