"""Call records: how each column is parsed, the row rules, and the columns stored."""
from __future__ import annotations

from scoring.sla.sources import Source
from scoring.sla.validation import (
    RecordKind,
    RowRule,
    all_dates_plausible,
    all_given,
    all_read,
    all_within,
    bounds,
    cell,
    flag,
    missing,
    never_before,
    never_longer,
    not_finite,
    number,
    outside_dates,
    timestamp,
    unreadable,
)

TEXTS = ("call_id", "vendor", "queue")
TIMES = ("arrived_at", "answered_at", "ended_at")
DURATIONS = {"talk_s": "通话时长", "hold_s": "保持时长", "acw_s": "话后处理时长"}
FLAGS = ("resolved_first_contact", "complaint")
MAX_DURATION_S = int(bounds()["max_duration_s"])


def parse(source: Source, numbered: bool) -> str:
    """SQL: the call records typed, each column also as given (`<column>_text`, NULL when empty)."""
    types = {name: source.types.get(name, "VARCHAR") for name in source.wanted()}
    given = [f"{cell(name, types[name], trimmed=name in TEXTS)} AS {name}_text"
             for name in source.wanted()]
    columns = [f"{name}_text AS {name}" for name in TEXTS]
    columns += [f"{timestamp(name + '_text', types[name])} AS {name}" for name in TIMES]
    columns += [f"{number(name + '_text', types[name])} AS {name}"
                for name in (*DURATIONS, "csat", "qa_score")]
    columns += [f"{flag(name + '_text', types[name])} AS {name}" for name in FLAGS]
    row = "_row, " if numbered else ""
    return (f"SELECT {row}{', '.join(columns)}, * EXCLUDE ({row}"
            f"{', '.join(name for name in source.wanted())}) "
            f"FROM (SELECT *, {', '.join(given)} FROM ({source.relation(numbered)}))")


def _time_rules(name: str, label: str, required: bool) -> list[RowRule]:
    rules = [RowRule(f"{name}_bad", name, unreadable(name),
                     f"{label}({name})「{{value}}」无法识别为时间(应如 2024-03-01 08:00:05)",
                     all_read(name))]
    if required:
        rules.insert(0, RowRule(f"{name}_missing", name, missing(name),
                                f"缺少{label}({name})", all_given(name)))
    return rules


def _duration_rules(name: str, label: str) -> list[RowRule]:
    in_range = all_within(name, 0, MAX_DURATION_S)
    return [RowRule(f"{name}_bad", name, unreadable(name), f"{label}({name})「{{value}}」不是数字(秒)",
                    all_read(name)),
            RowRule(f"{name}_not_finite", name, not_finite(name),
                    f"{label}({name})「{{value}}」不是有限的数", in_range),
            RowRule(f"{name}_negative", name, f"{name} < 0", f"{label}({name})为负数「{{value}}」",
                    in_range),
            RowRule(f"{name}_too_long", name, f"{name} > {MAX_DURATION_S} AND NOT {not_finite(name)}",
                    f"{label}({name})「{{value}}」秒超过 {MAX_DURATION_S // 3600} 小时,时长可能有误",
                    in_range)]


RULES: tuple[RowRule, ...] = (
    RowRule("call_id_missing", "call_id", "call_id IS NULL", "缺少呼叫编号(call_id)",
            all_given("call_id")),
    RowRule("vendor_missing", "vendor", "vendor IS NULL", "缺少外包商(vendor)", all_given("vendor")),
    *_time_rules("arrived_at", "到达时间", True),
    # the other times are at most a day after arrival (the wait and duration rules)
    RowRule("arrived_at_implausible", "arrived_at", outside_dates("arrived_at"),
            f"到达时间(arrived_at)「{{value}}」不在合理范围内(应在 {bounds()['earliest']} 与今天之间),"
            "时间可能有误", all_dates_plausible("arrived_at")),
    *_time_rules("answered_at", "应答时间", False),
    *_time_rules("ended_at", "结束时间", True),
    RowRule("answered_before_arrival", "answered_at", "answered_at < arrived_at",
            "应答时间「{value}」早于到达时间", never_before("answered_at", "arrived_at")),
    RowRule("ended_too_early", "ended_at", "ended_at < answered_at OR ended_at < arrived_at",
            "结束时间「{value}」早于应答或到达时间",
            f"{never_before('ended_at', 'answered_at')} AND {never_before('ended_at', 'arrived_at')}"),
    RowRule("wait_too_long", "arrived_at",
            f"coalesce(answered_at, ended_at) > arrived_at + INTERVAL {MAX_DURATION_S} SECOND",
            f"等待超过 {MAX_DURATION_S // 3600} 小时(到达时间「{{value}}」),时间可能有误",
            never_longer("coalesce(answered_at, ended_at)", "arrived_at", MAX_DURATION_S)),
    *(rule for name, label in DURATIONS.items() for rule in _duration_rules(name, label)),
    RowRule("talk_missing", "talk_s", f"answered_at IS NOT NULL AND {missing('talk_s')}",
            "已接通的呼叫缺少通话时长(talk_s)",
            "count(talk_s) FILTER (WHERE answered_at IS NOT NULL) = count(answered_at)"),
    RowRule("talk_when_abandoned", "talk_s", f"talk_s > 0 AND {missing('answered_at')}",
            "未接通的呼叫(应答时间为空)不应有通话时长「{value}」",
            "max(talk_s) FILTER (WHERE answered_at IS NULL) <= 0"),
    RowRule("fcr_bad", "resolved_first_contact", unreadable("resolved_first_contact"),
            "一次解决标记(resolved_first_contact)「{value}」应为 0 或 1",
            all_read("resolved_first_contact")),
    RowRule("complaint_bad", "complaint", unreadable("complaint"),
            "投诉标记(complaint)「{value}」应为 0 或 1", all_read("complaint")),
    RowRule("csat_bad", "csat", f"csat NOT IN (1, 2, 3, 4, 5) OR ({unreadable('csat')})",
            "满意度评分(csat)「{value}」应为 1–5 的整数",
            f"{all_read('csat')} AND {all_within('csat', 1, 5)} AND NOT bool_or(csat <> floor(csat))"),
    RowRule("qa_bad", "qa_score", f"qa_score < 0 OR qa_score > 100 OR {not_finite('qa_score')} "
            f"OR ({unreadable('qa_score')})", "质检得分(qa_score)「{value}」应为 0–100 的数",
            f"{all_read('qa_score')} AND {all_within('qa_score', 0, 100)}"),
)

CALLS = RecordKind(
    # a call is its vendor's call_id on the day it arrived: many call systems number calls
    # afresh every day, so the same call_id on another day is another call
    name="calls", parse=parse, rules=RULES, key=("vendor", "CAST(arrived_at AS DATE)", "call_id"),
    duplicate_message="呼叫编号(call_id)「{value}」与第 {first} 行重复(同一外包商、同一天)",
    stored=("vendor", "call_id", "queue", *TIMES, *DURATIONS,
            "CAST(resolved_first_contact AS TINYINT) AS resolved_first_contact",
            "CAST(csat AS TINYINT) AS csat", "qa_score", "CAST(complaint AS TINYINT) AS complaint"),
    shown=lambda source: {f"{name}_text": header for name, header in source.columns.items()},
    typed={**dict.fromkeys(TIMES, "TIMESTAMP"),
           **dict.fromkeys((*DURATIONS, "csat", "qa_score"), "DOUBLE")})
