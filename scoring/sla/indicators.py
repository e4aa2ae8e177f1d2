"""The SLA indicators as data: key, Chinese label, definition, SQL over call records, references."""
from __future__ import annotations

import math
from dataclasses import dataclass

WAIT_S = "(epoch_ms(coalesce(answered_at, ended_at)) - epoch_ms(arrived_at)) / 1000.0"
ANSWERED = "answered_at IS NOT NULL"  # the aggregates read a column wait_s = WAIT_S (kpi_sql adds it)


@dataclass(frozen=True)
class Reference:
    """An industry figure drawn as a reference line (source named, definitions may differ)."""

    value: float
    label: str


@dataclass(frozen=True)
class Indicator:
    """One SLA indicator: its definition for people and its SQL for DuckDB."""
    key: str
    label: str
    unit: str  # count | rate | seconds | score
    definition: str  # may name {n}, the service-level threshold in seconds
    sql: str  # an aggregate over call records; may name {n}
    weight_by: str | None = None  # how daily reports roll up to a month
    references: tuple[Reference, ...] = ()

    def describe(self, threshold_s: float) -> str:
        """The definition with the threshold filled in."""
        return self.definition.format(n=_number(threshold_s))

    def aggregate(self, threshold_s: float) -> str:
        """The SQL aggregate with the threshold filled in."""
        return self.sql.format(n=float(threshold_s), wait="wait_s", answered=ANSWERED)

    def format(self, value: float | None) -> str:
        """A value as shown to the user ("—" for no data)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "—"
        if self.unit == "rate":
            return f"{value * 100:.2f}%"
        if self.unit == "seconds":
            return f"{value:.1f} 秒"
        if self.unit == "score":
            return f"{value:.1f} 分"
        return f"{int(value):,}"

    @property
    def display_scale(self) -> float:
        """Factor from stored value to the unit shown (rates are stored as fractions)."""
        return 100.0 if self.unit == "rate" else 1.0

    @property
    def display_unit(self) -> str:
        """The unit shown next to a value (%, 秒, 分, 次)."""
        return {"rate": "%", "seconds": "秒", "score": "分", "count": "次"}[self.unit]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("offered", "呼入人工量", "count", "请求人工服务的呼叫数(话单行数,含放弃)", "count(*)"),
    Indicator("answered", "人工接通量", "count", "有应答时间 answered_at 的呼叫数", "count(answered_at)"),
    Indicator("abandoned", "放弃量", "count", "呼入人工量 − 人工接通量", "count(*) - count(answered_at)"),
    Indicator("service_level", "{n}秒服务水平", "rate",
              "等待 ≤ {n} 秒即被接通的呼叫 ÷ 呼入人工量(放弃的呼叫计入分母);"
              "等待 = 应答时间 − 到达时间",
              "count(*) FILTER (WHERE {answered} AND {wait} <= {n}) / count(*)", "offered"),
    Indicator("answer_rate", "人工接通率", "rate", "人工接通量 ÷ 呼入人工量",
              "count(answered_at) / count(*)", "offered",
              (Reference(0.9288, "银行业 2023 年人工电话接通率 92.88%(中国银行业协会)"),)),
    Indicator("abandon_rate", "放弃率", "rate", "放弃量 ÷ 呼入人工量",
              "(count(*) - count(answered_at)) / count(*)", "offered",
              (Reference(0.05, "行业放弃率 5%–8% 的下限"), Reference(0.08, "行业放弃率 5%–8% 的上限"))),
    Indicator("asa_s", "平均应答速度 ASA", "seconds",
              "已接通呼叫的平均等待秒数(应答时间 − 到达时间)",
              "avg({wait}) FILTER (WHERE {answered})", "answered"),
    Indicator("aht_s", "平均处理时长 AHT", "seconds",
              "已接通呼叫的 通话 + 保持 + 话后处理 秒数的平均(保持、话后处理为空按 0 计)",
              "avg(talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0)) FILTER (WHERE {answered})",
              "answered"),
    Indicator("fcr_rate", "一次解决率 FCR", "rate",
              "有“一次解决”标记(0/1)的呼叫中标记为 1 的比例;未标记的不计",
              "avg(resolved_first_contact)", None,
              (Reference(0.70, "行业一次解决率约 70%(平均)"), Reference(0.80, "一次解决率 80% 以上为领先水平"))),
    Indicator("csat_rate", "满意率 CSAT", "rate",
              "有满意度评分(1–5)的呼叫中评分 ≥ 4 的比例;未评价的不计",
              "avg((csat >= 4)::DOUBLE)", None,
              (Reference(0.99, "银行业满意度多年在 99% 以上(协会口径,与本定义不同,仅供参考)"),)),
    Indicator("qa_avg", "质检平均分", "score", "有质检得分(0–100)的呼叫的平均分;未质检的不计",
              "avg(qa_score)"),
    Indicator("complaint_rate", "投诉率", "rate",
              "投诉标记为 1 的呼叫数 ÷ 人工接通量;整组都没有投诉标记时为空",
              "CASE WHEN count(complaint) = 0 OR count(answered_at) = 0 THEN NULL "
              "ELSE sum(complaint) / count(answered_at) END", "answered"),
)

INDICATORS_BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
KPI_KEYS = tuple(indicator.key for indicator in INDICATORS)
COUNT_KEYS = ("offered", "answered", "abandoned")
RATE_KEYS = tuple(indicator.key for indicator in INDICATORS if indicator.unit == "rate")


def label(key: str, threshold_s: float) -> str:
    """An indicator's Chinese label with the threshold filled in."""
    return INDICATORS_BY_KEY[key].label.format(n=_number(threshold_s))


def _ratio(numerator: str, denominator: str) -> str:
    return f"sum({numerator}) / nullif(sum({denominator}), 0)"


# Every indicator over the rollups (scoring/sla/rollups.py), equal to its SQL over the calls.
ROLLUP_SQL = {
    "offered": "CAST(sum(offered) AS BIGINT)",
    "answered": "CAST(sum(answered) AS BIGINT)",
    "abandoned": "CAST(sum(offered) - sum(answered) AS BIGINT)",
    "service_level": _ratio("within", "offered"),
    "answer_rate": _ratio("answered", "offered"),
    "abandon_rate": "(sum(offered) - sum(answered)) / nullif(sum(offered), 0)",
    "asa_s": _ratio("wait_answered_s", "answered"),
    "aht_s": _ratio("handle_s", "handled"),
    "fcr_rate": _ratio("fcr_sum", "fcr_n"),
    "csat_rate": _ratio("csat_good", "csat_n"),
    "qa_avg": _ratio("qa_sum", "qa_n"),
    "complaint_rate": "CASE WHEN sum(complaint_n) = 0 OR sum(answered) = 0 THEN NULL "
                      "ELSE sum(complaints) / sum(answered) END",
}
