"""Altair charts of the SLA board (built from plain DataFrames; no streamlit here)."""
from __future__ import annotations

import altair as alt
import pandas as pd

from scoring.chart_locale import chinese
from scoring.sla.indicators import INDICATORS_BY_KEY, label

MISS_COLOR, TARGET_DASH, REFERENCE_COLOR = "#c62828", [6, 4], "#757575"
SCORE_SCALE = alt.Scale(domain=[0, 50, 80, 100], range=["#c62828", "#ef6c00", "#fdd835", "#2e7d32"])


def _axis_format(key: str, precise: bool = False) -> str:
    unit = INDICATORS_BY_KEY[key].unit
    if unit == "rate":
        return ".2%" if precise else ".0%"
    return {"seconds": ".1f", "score": ".1f", "count": ",.0f"}[unit] if precise else ",.0f"


MONTH_AXIS = alt.Axis(format="%Y-%m", formatType="time", labelAngle=0)


def trend(frame: pd.DataFrame, key: str, threshold_s: float, grain: str) -> alt.LayerChart:
    """An indicator per vendor over time, its target (dashed) and misses (red crosses).

    frame: vendor, period, value, target, met (from board.trend_frame).
    """
    indicator = INDICATORS_BY_KEY[key]
    name = label(key, threshold_s)
    time_title = "月份" if grain == "month" else "日期"
    x = (alt.X("yearmonth(period):T", title=time_title,
               axis=alt.Axis(format="%Y-%m", tickCount="month", labelAngle=0))
         if grain == "month" else alt.X("period:T", title=time_title, axis=alt.Axis(format="%m-%d")))
    y = alt.Y("value:Q", title=f"{name}({indicator.display_unit})",
              axis=alt.Axis(format=_axis_format(key)), scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("vendor:N", title="外包商"), alt.Tooltip("period:T", title=time_title),
               alt.Tooltip("value:Q", title=name, format=_axis_format(key, precise=True)),
               alt.Tooltip("target:Q", title="合同目标", format=_axis_format(key, precise=True))]
    base = alt.Chart(frame)
    layers = [base.mark_line(point=grain == "month").encode(
        x=x, y=y, color=alt.Color("vendor:N", title="外包商"), tooltip=tooltip)]
    targets = frame.dropna(subset=["target"]).drop_duplicates(["vendor", "target"])
    rule = alt.Chart(targets).mark_rule(strokeDash=TARGET_DASH, size=1.5)
    target_tip = alt.Tooltip("target:Q", title="合同目标", format=_axis_format(key, precise=True))
    if targets["target"].nunique() == 1:  # one target for all: one neutral line
        layers.append(rule.encode(y="target:Q", color=alt.value("#37474f"), tooltip=[target_tip]))
    elif len(targets):  # vendor-specific targets: a line in each vendor's colour
        layers.append(rule.encode(y="target:Q", color=alt.Color("vendor:N", title="外包商"),
                                  tooltip=[alt.Tooltip("vendor:N", title="外包商"), target_tip]))
    misses = frame[frame["met"].eq(False)]
    if len(misses):
        layers.append(alt.Chart(misses).mark_point(shape="cross", size=140, filled=True,
                                                   color=MISS_COLOR).encode(x=x, y=y, tooltip=tooltip))
    for reference in indicator.references:
        rule = pd.DataFrame({"value": [reference.value], "label": [reference.label]})
        layers.append(alt.Chart(rule).mark_rule(color=REFERENCE_COLOR, strokeDash=[2, 2]).encode(
            y="value:Q", tooltip=alt.Tooltip("label:N", title="行业参考")))
        layers.append(alt.Chart(rule).mark_text(align="left", dx=4, dy=-6, fontSize=10,
                                                color=REFERENCE_COLOR).encode(
            x=alt.value(0), y="value:Q", text="label:N"))
    return chinese(alt.layer(*layers).properties(
        title=alt.TitleParams(name, subtitle=[indicator.describe(threshold_s),
                                              "虚线:合同目标;红色叉:未达标;灰色点线:行业参考"]),
        height=320), f"{name}趋势:各外包商按期间,附合同目标")


def attainment_heatmap(summary: pd.DataFrame) -> alt.LayerChart:
    """Vendor × month, coloured by the attainment score."""
    base = alt.Chart(summary.dropna(subset=["score"])).encode(
        x=alt.X("yearmonth(period):O", title="月份", axis=MONTH_AXIS),
        y=alt.Y("vendor:N", title="外包商"))
    tooltip = [alt.Tooltip("vendor:N", title="外包商"),
               alt.Tooltip("yearmonth(period):O", title="月份"),
               alt.Tooltip("score:Q", title="达成得分", format=".1f"),
               alt.Tooltip("deduction_pct:Q", title="扣款(月服务费%)", format=".1f"),
               alt.Tooltip("missed:Q", title="未达标项")]
    cells = base.mark_rect().encode(color=alt.Color("score:Q", title="达成得分", scale=SCORE_SCALE),
                                    tooltip=tooltip)
    text = base.mark_text(fontSize=13).encode(text=alt.Text("score:Q", format=".0f"))
    return chinese((cells + text).properties(
        title=alt.TitleParams("月度达成得分(外包商 × 月份)",
                              subtitle="得分 = 达标指标权重 ÷ 有数据指标权重 × 100"),
        height=alt.Step(40)),  # a discrete axis needs a step: a fixed height squeezes the rows
        "各外包商各月的达成得分")


def scorecard(summary: pd.DataFrame, month_label: str) -> alt.LayerChart:
    """Vendors ranked by this month's score, with their deduction."""
    frame = summary.dropna(subset=["score"]).assign(
        note=lambda rows: rows["deduction_pct"].map(lambda value: f"扣款 {value:.1f}%"))
    base = alt.Chart(frame).encode(
        y=alt.Y("vendor:N", title="外包商", sort="-x"),
        x=alt.X("score:Q", title="达成得分", scale=alt.Scale(domain=[0, 100])))
    bars = base.mark_bar().encode(color=alt.Color("score:Q", scale=SCORE_SCALE, legend=None),
                                  tooltip=[alt.Tooltip("vendor:N", title="外包商"),
                                           alt.Tooltip("score:Q", title="达成得分", format=".1f"),
                                           alt.Tooltip("note:N", title="扣款")])
    text = base.mark_text(align="left", dx=4).encode(text="note:N")
    return chinese((bars + text).properties(
        title=alt.TitleParams(f"外包商排名({month_label})", subtitle="按达成得分从高到低"),
        height=alt.Step(34)), f"{month_label} 各外包商的达成得分与扣款")


def wait_distribution(curve: pd.DataFrame, threshold_s: float, target: float | None) -> alt.LayerChart:
    """Share of offered calls answered within each second, per vendor."""
    lines = alt.Chart(curve).mark_line().encode(
        x=alt.X("second:Q", title="等待秒数"),
        y=alt.Y("share:Q", title="已接通占呼入人工量", axis=alt.Axis(format=".0%")),
        color=alt.Color("vendor:N", title="外包商"),
        tooltip=[alt.Tooltip("vendor:N", title="外包商"), alt.Tooltip("second:Q", title="秒"),
                 alt.Tooltip("share:Q", title="已接通占比", format=".2%")])
    layers = [lines, alt.Chart(pd.DataFrame({"second": [threshold_s]})).mark_rule(
        strokeDash=TARGET_DASH, color=REFERENCE_COLOR).encode(x="second:Q")]
    if target is not None:
        layers.append(alt.Chart(pd.DataFrame({"share": [target]})).mark_rule(
            strokeDash=TARGET_DASH, color=MISS_COLOR).encode(y="share:Q"))
    return chinese(alt.layer(*layers).properties(
        title=alt.TitleParams("等待时间分布(累计)",
                              subtitle=f"每一秒内接通的呼叫 ÷ 呼入人工量(含放弃);竖线为 {threshold_s:g} 秒门限,"
                                       "横线为服务水平目标"),
        height=300), "各外包商在每一秒内接通的呼叫占比")


def hourly_profile(profile: pd.DataFrame) -> alt.FacetChart:
    """Mean offered and answered calls per hour of day, one panel per vendor."""
    frame = profile.melt(id_vars=["vendor", "hour"], value_vars=["offered", "answered"],
                         var_name="series", value_name="calls")
    frame["series"] = frame["series"].map({"offered": "呼入人工", "answered": "人工接通"})
    chart = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("hour:O", title="时段(点)"), y=alt.Y("calls:Q", title="日均呼叫数"),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["呼入人工", "人工接通"], range=["#1565c0", "#2e7d32"])),
        tooltip=[alt.Tooltip("vendor:N", title="外包商"), alt.Tooltip("hour:O", title="时段"),
                 alt.Tooltip("series:N", title="类别"),
                 alt.Tooltip("calls:Q", title="日均", format=".1f")])
    return chinese(chart.properties(width=200, height=200).facet(
        column=alt.Column("vendor:N", title=None)).properties(
        title=alt.TitleParams("时段分布:日均呼入人工与人工接通",
                              subtitle="两线之间的差距即该时段的放弃量")),
        "各外包商每个时段的日均呼入人工与人工接通")
