"""Vendors' periodic reports (long or wide): period and value parsing, the row rules, storage."""
from __future__ import annotations

from scoring.sla.indicators import COUNT_KEYS, RATE_KEYS
from scoring.sla.sources import REPORT_WIDE, Source, alias_map, literal, vocabulary
from scoring.sla.validation import RecordKind, RowRule, not_finite, outside_dates, text

_MONTH = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$|^(\d{4})(\d{2})$"


def _indicator_sql(column: str) -> str:
    """SQL: an indicator name (Chinese or English) as our key, else NULL."""
    normalized = (f"regexp_replace(regexp_replace(lower({column}), '[((【\\[][^))】\\]]*[))】\\]]', "
                  f"'', 'g'), '[\\s_%-]', '', 'g')")
    cases = " ".join(f"WHEN {literal(alias)} THEN {literal(key)}"
                     for alias, key in alias_map(vocabulary()["indicators"]).items())
    return f"CASE {normalized} {cases} END"


def _period_sql() -> tuple[str, str]:
    """SQL: the period's kind ('month' or 'day') and its first day."""
    formats = ", ".join(literal(item) for item in vocabulary()["formats"]["day"])
    parts = f"regexp_extract(period_text, '{_MONTH}', ['y', 'm', 'y2', 'm2'])"
    month = (f"try_strptime(coalesce(nullif({parts}.y, ''), {parts}.y2) || '-' || "
             f"coalesce(nullif({parts}.m, ''), {parts}.m2) || '-01', '%Y-%m-%d')::DATE")
    day = (f"coalesce(TRY_CAST(period_text AS DATE), "
           f"try_strptime(period_text, [{formats}])::DATE)")
    kind = (f"CASE WHEN regexp_matches(period_text, '{_MONTH}') THEN "
            f"CASE WHEN {month} IS NOT NULL THEN 'month' END "
            f"WHEN {day} IS NOT NULL THEN 'day' END")
    start = f"CASE WHEN regexp_matches(period_text, '{_MONTH}') THEN {month} ELSE {day} END"
    return kind, start


def _long_rows(source: Source, numbered: bool) -> str:
    """SQL: one row per (vendor, period, indicator, value) as text, from either form."""
    row = "_row, " if numbered else ""
    relation = source.relation(numbered)
    if source.shape != REPORT_WIDE:
        return (f"SELECT {row}{text('vendor')} AS vendor_text, {text('period')} AS period_text, "
                f"{text('indicator')} AS indicator_text, {text('value')} AS value_text "
                f"FROM ({relation})")
    keys = [key for key in source.columns if key not in ("vendor", "period")]
    return " UNION ALL ".join(
        f"SELECT {row}{text('vendor')} AS vendor_text, {text('period')} AS period_text, "
        f"{literal(source.columns[key])} AS indicator_text, {text(key)} AS value_text "
        f"FROM ({relation}) WHERE {text(key)} IS NOT NULL" for key in keys)


def parse(source: Source, numbered: bool) -> str:
    """SQL: report rows typed (vendor, period_kind, period, indicator, value) plus their texts."""
    kind, start = _period_sql()
    rates = ", ".join(literal(key) for key in RATE_KEYS)
    number = "TRY_CAST(replace(rtrim(value_text, '%'), ',', '') AS DOUBLE)"
    percent = "value_text LIKE '%\\%' ESCAPE '\\'"
    return f"""
        SELECT *, CASE WHEN indicator IN ({rates}) AND ({percent} OR value_number > 1)
                       THEN value_number / 100 ELSE value_number END AS value
        FROM (SELECT *, vendor_text AS vendor, {kind} AS period_kind, {start} AS period,
                     {_indicator_sql('indicator_text')} AS indicator,
                     {number} AS value_number, {percent} AS value_percent
              FROM ({_long_rows(source, numbered)}))"""


RULES: tuple[RowRule, ...] = (
    RowRule("vendor_missing", "vendor", "vendor IS NULL", "缺少外包商"),
    RowRule("period_missing", "period", "period_text IS NULL", "缺少期间"),
    RowRule("period_bad", "period", "period_text IS NOT NULL AND period_kind IS NULL",
            "期间「{value}」无法识别(月报写 2024-03,日报写 2024-03-01)"),
    RowRule("indicator_missing", "indicator", "indicator_text IS NULL", "缺少指标名称"),
    RowRule("indicator_unknown", "indicator", "indicator_text IS NOT NULL AND indicator IS NULL",
            "未知指标「{value}」(可用的指标名见 columns.toml 的 [indicators])"),
    RowRule("value_missing", "value", "value_text IS NULL", "缺少数值"),
    RowRule("value_bad", "value", "value_text IS NOT NULL AND value_number IS NULL",
            "数值「{value}」不是数字"),
    RowRule("value_not_finite", "value", not_finite("value_number"), "数值「{value}」不是有限的数"),
    RowRule("value_negative", "value", "value_number < 0", "数值「{value}」为负数"),
    RowRule("period_implausible", "period", outside_dates("period"),
            "期间「{value}」不在合理范围内,日期可能有误"),
    RowRule("percent_over_100", "value", f"indicator IN ({', '.join(map(literal, RATE_KEYS))}) "
            "AND value > 1", "百分比「{value}」超过 100%"),
    RowRule("percent_not_rate", "value",
            f"value_percent AND indicator NOT IN ({', '.join(map(literal, RATE_KEYS))})",
            "该指标不是百分比,数值「{value}」不应带 %"),
    RowRule("qa_over_100", "value", "indicator = 'qa_avg' AND value > 100",
            "质检得分「{value}」超过 100 分"),
    RowRule("count_not_whole", "value",
            f"indicator IN ({', '.join(map(literal, COUNT_KEYS))}) AND value <> round(value)",
            "数量「{value}」应为整数"),
)

REPORTS = RecordKind(
    name="reports", parse=parse, rules=RULES, key=("vendor", "period_kind", "period", "indicator"),
    duplicate_message="指标「{value}」与第 {first} 行重复(同一外包商、期间、指标)",
    stored=("vendor", "period_kind", "period", "indicator", "value"),
    shown=lambda source: {"vendor_text": source.columns["vendor"], "period_text": source.columns["period"],
                          "indicator_text": source.columns.get("indicator", "指标"),
                          "value_text": source.columns.get("value", "数值")})
