"""The half-hour view: the weekly pattern, the shortfalls, the callers' patience, the evidence."""
import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from scoring.sla import intervals, sample
from scoring.sla.indicators import WAIT_S
from scoring.sla.store import DATABASE_FILE, SlaStore

VENDOR = sample.vendor_names(2)[-1]  # the slipping one
MONTH = dt.date(2025, 2, 1)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> SlaStore:
    path = tmp_path_factory.mktemp("intervals") / "calls.parquet"
    sample.generate(vendors=2, days=59, calls_per_day=300).to_parquet(path)
    store = SlaStore(path.parent / DATABASE_FILE)
    assert store.import_file(path, path.name).stored
    yield store
    store.close()


def raw(store: SlaStore, sql: str) -> pd.DataFrame:
    """A query over the vendor's February calls, named CALLS, straight from the call records."""
    return store.query(f"WITH CALLS AS (SELECT *, {WAIT_S} AS wait_s, CAST(arrived_at AS DATE) "
                       f"AS day FROM calls WHERE vendor = '{VENDOR}' AND "
                       f"date_trunc('month', arrived_at) = DATE '2025-02-01') {sql}")


def test_the_weekly_pattern_averages_each_weekday_and_half_hour(store):
    pattern = intervals.weekly_pattern(store, intervals.Scope(VENDOR, MONTH), 20,
                                       intervals.StaffingRule(patience_s=150))
    expected = raw(store, ", days AS (SELECT isodow(day) AS weekday, count(DISTINCT day) AS n "
                          "FROM CALLS GROUP BY ALL) SELECT weekday, hour(arrived_at) * 2 + "
                          "minute(arrived_at) // 30 AS slot, count(*) / any_value(n) AS mean "
                          "FROM CALLS JOIN days ON isodow(CALLS.day) = days.weekday "
                          "GROUP BY ALL ORDER BY ALL")
    assert len(pattern) == len(expected)
    assert list(pattern["offered_mean"]) == pytest.approx(list(expected["mean"]))
    assert set(pattern["weekday_name"]) == set(intervals.WEEKDAYS)
    assert (pattern["agents_a"] <= pattern["agents_c"]).all()
    assert pattern.loc[pattern["offered_mean"].idxmax(), "agents_c"] == pattern["agents_c"].max()


def test_without_patience_only_erlang_c_is_sized(store):
    pattern = intervals.weekly_pattern(store, intervals.Scope(VENDOR, MONTH), 20,
                                       intervals.StaffingRule(patience_s=None))
    assert pattern["agents_a"].isna().all() and (pattern["agents_c"] >= 0).all()


def test_patience_is_all_waiting_time_over_the_abandoned_calls(store):
    expected = raw(store, "SELECT sum(wait_s) / (count(*) - count(answered_at)) AS p FROM CALLS")
    estimate = intervals.patience_estimate(store, intervals.Scope(VENDOR, MONTH))
    assert estimate.seconds == pytest.approx(expected["p"][0])
    assert 60 < estimate.seconds < 400  # the sample's callers are patient for about 150 s
    assert estimate.abandoned >= intervals.FEW_ABANDONED and not estimate.rough()
    assert intervals.Patience(2155.0, 1).rough()  # one hang-up is a hint, not an estimate


def test_shortfalls_are_the_half_hours_below_target_worst_first(store):
    shortfall = intervals.shortfalls(store, intervals.Scope(VENDOR, MONTH), 20, 0.80)
    expected = raw(store, "SELECT day, hour(arrived_at) * 2 + minute(arrived_at) // 30 AS slot, "
                          "count(*) AS offered, count(*) FILTER (WHERE answered_at IS NOT NULL "
                          "AND wait_s <= 20) AS within FROM CALLS GROUP BY ALL "
                          "HAVING within < 0.8 * offered")
    assert len(shortfall) == len(expected) > 0
    worst = shortfall.iloc[0]
    assert worst["short_calls"] == shortfall["short_calls"].max()
    row = expected[(pd.to_datetime(expected["day"]) == pd.Timestamp(worst["day"]))
                   & (expected["slot"] == worst["slot"])].iloc[0]
    assert worst["short_calls"] == -(-(0.8 * row["offered"] - row["within"]) // 1)
    rule = intervals.StaffingRule(patience_s=150)
    interval = intervals.worst_interval(shortfall, rule)
    assert interval["erlang_a"].agents <= interval["erlang_c"].agents
    assert interval["offered"] == row["offered"]


def test_a_queue_narrows_the_view(store):
    everything = intervals.shortfalls(store, intervals.Scope(VENDOR, MONTH), 20, 0.8)
    one_queue = intervals.shortfalls(store, intervals.Scope(VENDOR, MONTH, "贷款"), 20, 0.8)
    assert sorted(intervals.queues(store, VENDOR)) == sorted(["借记卡", "信用卡", "理财", "贷款"])
    assert one_queue["offered"].sum() < everything["offered"].sum()


def test_the_evidence_workbook_holds_numbers(store):
    scope = intervals.Scope(VENDOR, MONTH)
    table = intervals.shortfall_table(intervals.shortfalls(store, scope, 20, 0.8), 20)
    workbook = load_workbook(io.BytesIO(intervals.shortfall_workbook(table, scope, 0.8, 20,
                                                                          store.source_label())))
    sheet = workbook["未达标时段"]
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, sheet[2]))
    assert isinstance(first["20秒服务水平"].value, float) and first["20秒服务水平"].number_format == "0.0%"
    assert isinstance(first["呼入人工量"].value, int) and sheet.freeze_panes == "A2"
    assert workbook["概要"]["B2"].value == VENDOR
    summary = {row[0].value: row[1].value for row in workbook["概要"].iter_rows(min_row=2)}
    assert summary["数据来源"] == store.source_label() and summary["导出时间"]


def test_slot_labels():
    assert intervals.slot_label(0) == "00:00–00:30" and intervals.slot_label(47) == "23:30–00:00"
    assert intervals.slot_label(19) == "09:30–10:00"
