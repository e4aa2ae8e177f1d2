"""Altair charts of the SLA board (built from plain DataFrames; no streamlit here)."""
from __future__ import annotations

import altair as alt
import pandas as pd

from scoring.chart_locale import chinese
from scoring.sla.indicators import INDICATORS_BY_KEY, label
from scoring.sla.intervals import WEEKDAYS, slot_label

MISS_COLOR, TARGET_DASH, REFERENCE_COLOR = "#c62828", [6, 4], "#757575"
# One colour per vendor, the same in every chart (Streamlit's own palette starts with two blues);
# no red, which marks misses.
VENDOR_PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#eeca3b", "#72b7b2",
                  "#ff9da6", "#bab0ac", "#1b9e77"]
SCORE_SCALE = alt.Scale(domain=[0, 50, 80, 100], range=["#c62828", "#ef6c00", "#fdd835", "#2e7d32"])


def _axis_format(key: str, precise: bool = False) -> str:
    unit = INDICATORS_BY_KEY[key].unit
    if unit == "rate":
        return ".2%" if precise else ".0%"
    return {"seconds": ".1f", "score": ".1f", "count": ",.0f"}[unit] if precise else ",.0f"


MONTH_AXIS = alt.Axis(format="%Y-%m", formatType="time", labelAngle=0)
TIME_FORMATS = {"month": "%Y-%m", "day": "%Y-%m-%d"}
HALF_HOURS = [slot_label(slot) for slot in range(48)]  # every half-hour on the axis, calls or not


def vendor_color(vendors: list[str]) -> alt.Color:
    """The vendor encoding: the n-th vendor of `vendors` gets the n-th colour, in every chart
    (callers pass the board's palette order, in which a vendor keeps its place)."""
    domain = list(vendors)
    colors = [VENDOR_PALETTE[number % len(VENDOR_PALETTE)] for number in range(len(domain))]
    return alt.Color("vendor:N", title="外包商", scale=alt.Scale(domain=domain, range=colors))


def trend(frame: pd.DataFrame, key: str, threshold_s: float, grain: str,
          vendors: list[str]) -> alt.LayerChart:
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
    tooltip = [alt.Tooltip("vendor:N", title="外包商"),
               alt.Tooltip("period:T", title=time_title, format=TIME_FORMATS[grain]),
               alt.Tooltip("value:Q", title=name, format=_axis_format(key, precise=True)),
               alt.Tooltip("target:Q", title="合同目标", format=_axis_format(key, precise=True))]
    base = alt.Chart(frame)
    layers = [base.mark_line(point=grain == "month").encode(
        x=x, y=y, color=vendor_color(vendors), tooltip=tooltip)]
    targets = frame.dropna(subset=["target"]).drop_duplicates(["vendor", "target"])
    rule = alt.Chart(targets).mark_rule(strokeDash=TARGET_DASH, size=1.5)
    target_tip = alt.Tooltip("target:Q", title="合同目标", format=_axis_format(key, precise=True))
    if targets["target"].nunique() == 1:  # one target for all: one neutral line
        layers.append(rule.encode(y="target:Q", color=alt.value("#37474f"), tooltip=[target_tip]))
    elif len(targets):  # vendor-specific targets: a line in each vendor's colour
        layers.append(rule.encode(y="target:Q", color=vendor_color(vendors),
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
    legend = "虚线:合同目标;红色叉:未达标" + (";灰色点线:行业参考" if indicator.references else "")
    return chinese(alt.layer(*layers).properties(
        title=alt.TitleParams(name, subtitle=[indicator.describe(threshold_s), legend]),
        height=320), f"{name}趋势:各外包商按期间,附合同目标")


def attainment_heatmap(summary: pd.DataFrame) -> alt.LayerChart:
    """Vendor × month, coloured by the attainment score."""
    base = alt.Chart(summary.dropna(subset=["score"])).encode(
        x=alt.X("yearmonth(period):O", title="月份", axis=MONTH_AXIS),
        y=alt.Y("vendor:N", title="外包商"))
    tooltip = [alt.Tooltip("vendor:N", title="外包商"),
               alt.Tooltip("yearmonth(period):O", title="月份", format="%Y-%m"),
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


def wait_distribution(curve: pd.DataFrame, threshold_s: float, target: float | None,
                      vendors: list[str]) -> alt.LayerChart:
    """Share of offered calls answered within each second, per vendor."""
    lines = alt.Chart(curve).mark_line().encode(
        x=alt.X("second:Q", title="等待秒数"),
        y=alt.Y("share:Q", title="已接通占呼入人工量", axis=alt.Axis(format=".0%")),
        color=vendor_color(vendors),
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
    return chinese(chart.properties(width=200, height=200).facet(  # 3 panels a row, any number
        facet=alt.Facet("vendor:N", title=None), columns=3).properties(
        title=alt.TitleParams("时段分布:日均呼入人工与人工接通",
                              subtitle="两线之间的差距即该时段的放弃量")),
        "各外包商每个时段的日均呼入人工与人工接通")


def interval_heatmap(pattern: pd.DataFrame, measure: str, threshold_s: float,
                     target: float | None = None) -> alt.LayerChart:
    """Weekday × half-hour, coloured by the service level (red below the target, green above)
    or by the mean offered calls. pattern: from intervals.weekly_pattern."""
    level = label("service_level", threshold_s)
    if measure == "service_level":
        middle = target if target is not None else 0.8
        # below the target: reds (darker further below); at or above it: greens
        color = alt.Color("service_level:Q", title=level, legend=alt.Legend(format=".0%"),
                          scale=alt.Scale(domain=[0, middle - 0.0001, middle, 1],
                                          range=[MISS_COLOR, "#f8c4c4", "#c8e6c9", "#2e7d32"]))
        title, subtitle = f"{level}(星期 × 半小时)", (f"红色:低于合同目标 {middle:.0%}(越深越差);"
                                                    "绿色:达到目标;空白为无呼入")
    else:
        color = alt.Color("offered_mean:Q", title="日均呼入", scale=alt.Scale(scheme="blues"),
                          legend=alt.Legend(format=",.1~f"))  # 30, 2.5: no run of zeros
        title, subtitle = "日均呼入人工量(星期 × 半小时)", "该星期几的每个半小时平均呼入的呼叫数"
    tooltip = [alt.Tooltip("weekday_name:N", title="星期"), alt.Tooltip("slot_name:N", title="时段"),
               alt.Tooltip("offered_mean:Q", title="日均呼入", format=".1f"),
               alt.Tooltip("service_level:Q", title=level, format=".1%"),
               alt.Tooltip("aht_s:Q", title="AHT(秒)", format=".0f"),
               alt.Tooltip("agents_c:Q", title="所需座席 Erlang C"),
               alt.Tooltip("agents_a:Q", title="所需座席 Erlang A")]
    chart = alt.Chart(pattern).mark_rect().encode(
        x=alt.X("slot_name:O", title="时段(半小时)", scale=alt.Scale(domain=HALF_HOURS),
                axis=alt.Axis(labelAngle=-90, labelExpr="substring(datum.value, 0, 5)")),
        y=alt.Y("weekday_name:O", title=None, sort=list(WEEKDAYS)),
        color=color, tooltip=tooltip)
    return chinese(chart.properties(title=alt.TitleParams(title, subtitle=subtitle),
                                    height=alt.Step(26)), title)


def staffing_by_slot(pattern: pd.DataFrame, weekday_name: str) -> alt.Chart:
    """Agents each half-hour of one weekday needed, by Erlang C and by Erlang A."""
    rows = pattern[pattern["weekday_name"] == weekday_name]
    frame = rows.melt(id_vars=["slot", "slot_name", "offered_mean"],
                      value_vars=["agents_c", "agents_a"], var_name="model", value_name="agents")
    frame = frame.dropna(subset=["agents"])
    frame["model"] = frame["model"].map({"agents_c": "Erlang C", "agents_a": "Erlang A"})
    chart = alt.Chart(frame).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("slot_name:O", title="时段(半小时)", scale=alt.Scale(domain=HALF_HOURS),
                axis=alt.Axis(labelAngle=-90, labelExpr="substring(datum.value, 0, 5)")),
        y=alt.Y("agents:Q", title="所需在线座席", axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("model:N", title="模型", scale=alt.Scale(
            domain=["Erlang C", "Erlang A"], range=["#37474f", "#ef6c00"])),
        # Erlang A dashed over a solid Erlang C: where both need as many agents, both show
        strokeDash=alt.StrokeDash("model:N", legend=None, scale=alt.Scale(
            domain=["Erlang C", "Erlang A"], range=[[1, 0], [6, 4]])),
        tooltip=[alt.Tooltip("slot_name:N", title="时段"), alt.Tooltip("model:N", title="模型"),
                 alt.Tooltip("agents:Q", title="所需座席"),
                 alt.Tooltip("offered_mean:Q", title="日均呼入", format=".1f")])
    title = f"{weekday_name}各半小时所需在线座席"
    return chinese(chart.properties(title=alt.TitleParams(
        title, subtitle="Erlang C 假设来电者一直等待;Erlang A 计入等待中挂断的来电者,所需座席通常更少"),
        height=260), title)
