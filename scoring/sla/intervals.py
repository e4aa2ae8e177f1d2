"""The half-hour view: service level and offered calls by weekday × half-hour, the agents that
load needed by Erlang C and by Erlang A, and the half-hours in which a vendor fell short (the
evidence for a monthly review). Everything is read from the rollups."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from scoring.exports import add_sheet, provenance_rows, summary_workbook, workbook_bytes
from scoring.sla import queries
from scoring.sla.erlang import StaffingInput, required_agents, required_agents_abandoning
from scoring.sla.sources import literal
from scoring.sla.store import SlaStore

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")  # ISO weekday 1 … 7
SLOT_S = 1800
ALL_QUEUES = None


@dataclass(frozen=True)
class Scope:
    """Whose half-hours: one vendor, one month (None: all months), one queue (None: all)."""

    vendor: str
    month: dt.date | None = None
    queue: str | None = ALL_QUEUES

    def where(self) -> str:
        """SQL filter over the rollups."""
        parts = [f"vendor = {literal(self.vendor)}"]
        if self.month is not None:
            parts.append(f"date_trunc('month', day) = DATE {literal(self.month.isoformat())}")
        if self.queue is not None:
            parts.append(f"queue = {literal(self.queue)}")
        return " AND ".join(parts)


@dataclass(frozen=True)
class StaffingRule:
    """The targets the agents are sized for, and the callers' patience (None: unknown)."""

    target_level: float = 0.80
    answer_s: float = 20
    max_occupancy: float = 0.85
    shrinkage: float = 0.30
    patience_s: float | None = None


def slot_label(slot: int) -> str:
    """The half-hour as text: 09:00–09:30."""
    start = slot * 30
    end = start + 30
    return f"{start // 60:02d}:{start % 60:02d}–{end // 60 % 24:02d}:{end % 60:02d}"


def interval_label(day: dt.date, slot: int) -> str:
    """A half-hour of one day as text: 2025-03-21（周五）18:30–19:00."""
    return f"{day:%Y-%m-%d}（{WEEKDAYS[day.weekday()]}）{slot_label(slot)}"


def queues(store: SlaStore, vendor: str) -> list[str]:
    """The vendor's queues in its call records ("" is calls without a queue)."""
    frame = store.query("SELECT DISTINCT queue FROM call_slots WHERE vendor = ? ORDER BY queue",
                        [vendor])
    return frame["queue"].tolist()


def months(store: SlaStore, vendor: str) -> list[dt.date]:
    """The months in which the vendor has call records, newest first."""
    frame = store.query("SELECT DISTINCT CAST(date_trunc('month', day) AS DATE) AS month "
                        "FROM call_slots WHERE vendor = ? ORDER BY month DESC", [vendor])
    return [pd.Timestamp(month).date() for month in frame["month"]]


@dataclass(frozen=True)
class Patience:
    """Callers' mean patience estimated from the calls, and how many hung up (its evidence)."""
    seconds: float
    abandoned: int

    def rough(self) -> bool:
        """Too few callers hung up for the estimate to be more than a hint."""
        return self.abandoned < FEW_ABANDONED


FEW_ABANDONED = 30  # below this many abandoned calls, the estimate's error is large (±20 % and more)


def patience_estimate(store: SlaStore, scope: Scope) -> Patience | None:
    """Callers' mean patience in seconds: all the time callers spent waiting (answered or not)
    ÷ the calls abandoned, the estimate of an exponential patience from censored waits.
    None when nobody hung up (patience cannot be told apart from endless)."""
    row = store.query(f"SELECT sum(wait_all_s) AS waited, sum(offered) - sum(answered) AS gave_up "
                      f"FROM call_slots WHERE {scope.where()}").iloc[0]
    if pd.isna(row["gave_up"]) or row["gave_up"] == 0:
        return None
    return Patience(float(row["waited"]) / float(row["gave_up"]), int(row["gave_up"]))


def weekly_pattern(store: SlaStore, scope: Scope, threshold_s: float,
                   rule: StaffingRule) -> pd.DataFrame:
    """Per weekday × half-hour: mean offered calls per such day, service level, AHT, and the
    agents that load needed by Erlang C and by Erlang A (the latter when patience is known)."""
    kpis = queries.slot_kpis(store, threshold_s, "isodow(day) AS weekday, slot", scope.where())
    days = store.query(f"SELECT isodow(day) AS weekday, count(DISTINCT day) AS days "
                       f"FROM call_slots WHERE {scope.where()} GROUP BY ALL")
    frame = kpis.merge(days, on="weekday")
    frame["offered_mean"] = frame["offered"] / frame["days"]
    vendor_aht = _weighted_aht(frame)
    frame["aht_s"] = frame["aht_s"].fillna(vendor_aht)
    needs = [_needs(calls, aht, rule) for calls, aht in zip(frame["offered_mean"], frame["aht_s"])]
    frame["agents_c"] = [need[0] for need in needs]
    frame["agents_a"] = [need[1] for need in needs]
    frame["abandon_a"] = [need[2] for need in needs]
    frame["weekday_name"] = frame["weekday"].map(lambda day: WEEKDAYS[day - 1])
    frame["slot_name"] = frame["slot"].map(slot_label)
    return frame


def _weighted_aht(frame: pd.DataFrame) -> float:
    answered = frame["answered"].sum()
    if not answered:
        return 180.0
    return float((frame["aht_s"].fillna(0) * frame["answered"]).sum() / answered)


@lru_cache(maxsize=20_000)
def _staffing(calls: float, aht_s: float, rule: StaffingRule):
    request = StaffingInput(calls=calls, interval_s=SLOT_S, aht_s=aht_s,
                            target_level=rule.target_level, target_answer_s=rule.answer_s,
                            max_occupancy=rule.max_occupancy, shrinkage=rule.shrinkage,
                            patience_s=rule.patience_s)
    abandoning = required_agents_abandoning(request) if rule.patience_s else None
    return required_agents(request), abandoning


def _needs(calls: float, aht_s: float, rule: StaffingRule) -> tuple[int, int | None, float | None]:
    """Agents by Erlang C, by Erlang A, and the share that would hang up under Erlang A."""
    erlang_c, erlang_a = _staffing(round(float(calls), 2), round(float(aht_s), 1), rule)
    if erlang_a is None:
        return erlang_c.agents, None, None
    return erlang_c.agents, erlang_a.agents, erlang_a.abandon_probability


def shortfalls(store: SlaStore, scope: Scope, threshold_s: float,
               target_level: float) -> pd.DataFrame:
    """The half-hours (date and time) whose service level was below the target, the worst
    first: most calls short of the target (calls that had to be answered in time to meet it)."""
    frame = queries.slot_kpis(store, threshold_s, "day, slot", scope.where())
    within = (frame["service_level"] * frame["offered"]).round()
    frame["short_calls"] = [max(0, math.ceil(round(target_level * offered - answered, 9)))
                            for offered, answered in zip(frame["offered"], within)]
    frame = frame[frame["service_level"] < target_level - 1e-12]
    frame = frame.sort_values(["short_calls", "service_level", "day", "slot"],
                              ascending=[False, True, True, True], ignore_index=True)
    frame["weekday_name"] = pd.to_datetime(frame["day"]).dt.day_of_week.map(lambda d: WEEKDAYS[d])
    frame["slot_name"] = frame["slot"].map(slot_label)
    return frame


def worst_interval(shortfall: pd.DataFrame, rule: StaffingRule) -> dict | None:
    """The worst half-hour and the agents its load needed under Erlang C and Erlang A."""
    if shortfall.empty:
        return None
    row = shortfall.iloc[0]
    aht = float(row["aht_s"]) if not pd.isna(row["aht_s"]) else 180.0
    erlang_c, erlang_a = _staffing(float(row["offered"]), round(aht, 1), rule)
    return {"day": pd.Timestamp(row["day"]).date(), "slot": int(row["slot"]),
            "offered": int(row["offered"]), "service_level": float(row["service_level"]),
            "aht_s": aht, "erlang_c": erlang_c, "erlang_a": erlang_a}


def shortfall_table(shortfall: pd.DataFrame, threshold_s: float) -> pd.DataFrame:
    """The shortfalls under Chinese headers; numbers stay numbers (rates as fractions)."""
    return pd.DataFrame({
        "日期": pd.to_datetime(shortfall["day"]).dt.strftime("%Y-%m-%d"),
        "星期": shortfall["weekday_name"], "时段": shortfall["slot_name"],
        "呼入人工量": shortfall["offered"].astype(int),
        f"{threshold_s:g}秒服务水平": shortfall["service_level"],
        "人工接通率": shortfall["answer_rate"],
        "距目标差(通)": shortfall["short_calls"].astype(int),
        "AHT(秒)": shortfall["aht_s"].round(1)})


def shortfall_workbook(table: pd.DataFrame, scope: Scope, target_level: float,
                       threshold_s: float, source: str) -> bytes:
    """The shortfalls as an Excel file for the monthly review."""
    month = scope.month.strftime("%Y-%m") if scope.month else "全部月份"
    workbook = summary_workbook("未达标时段(按半小时)", [
        ["外包商", scope.vendor], ["月份", month], ["队列", scope.queue or "全部"],
        ["服务水平目标", f"{target_level:.0%} 在 {threshold_s:g} 秒内接通"],
        ["未达标时段数", len(table)], *provenance_rows(source)])
    rate_column = f"{threshold_s:g}秒服务水平"
    add_sheet(workbook, "未达标时段", table,
              {rate_column: "0.0%", "人工接通率": "0.0%", "AHT(秒)": "0.0"})
    return workbook_bytes(workbook)
