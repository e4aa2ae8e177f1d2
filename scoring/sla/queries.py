"""What the board reads from the store: KPIs from the call rollups and from reports, waits,
hourly profile, peaks. Nothing here scans the calls (see scoring/sla/rollups.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from scoring.sla import rollups
from scoring.sla.indicators import COUNT_KEYS, INDICATORS, KPI_KEYS, ROLLUP_SQL
from scoring.sla.sources import literal
from scoring.sla.store import SlaStore

CALLS_SOURCE, REPORTS_SOURCE = "话单", "报表"
PERIODS = {"day": "day", "month": "CAST(date_trunc('month', day) AS DATE)"}


def _month_filter(month: dt.date | None) -> str:
    if month is None:
        return "true"
    return f"date_trunc('month', day) = DATE {literal(month.isoformat())}"


def slot_kpis(store: SlaStore, threshold_s: float, keys: str, where: str = "true") -> pd.DataFrame:
    """Every indicator from the rollups, grouped by `keys` (SQL expressions with aliases)."""
    kept = store.ensure_rollups(threshold_s)
    measures = ", ".join(f"{ROLLUP_SQL[key]} AS {key}" for key in KPI_KEYS)
    return store.query(f"SELECT {keys}, {measures} FROM {rollups.slots(threshold_s, kept, where)} "
                       "GROUP BY ALL ORDER BY ALL")


def call_kpis(store: SlaStore, grain: str, threshold_s: float) -> pd.DataFrame:
    """KPIs of the stored call records per vendor and day or month."""
    frame = slot_kpis(store, threshold_s, f"vendor, {PERIODS[grain]} AS period")
    frame["source"] = CALLS_SOURCE
    return frame


def report_kpis(store: SlaStore, grain: str) -> pd.DataFrame:
    """Reported values per vendor and day or month, one column per indicator.

    Monthly figures are the vendor's monthly report where there is one, else its daily reports
    rolled up: counts summed, rates and times weighted by the day's offered or answered calls
    when every day reports them, else the plain mean of the days.
    """
    if grain == "day":
        rows = "SELECT vendor, period, indicator, value FROM reports WHERE period_kind = 'day'"
    else:
        weight = " ".join(f"WHEN {literal(indicator.key)} THEN {literal(indicator.weight_by)}"
                          for indicator in INDICATORS if indicator.weight_by)
        counts = ", ".join(literal(key) for key in COUNT_KEYS)
        rows = f"""
            WITH days AS (SELECT vendor, CAST(date_trunc('month', period) AS DATE) AS month,
                                 period AS day, indicator, value,
                                 CASE indicator {weight} END AS weight_by
                          FROM reports WHERE period_kind = 'day'),
            rolled AS (
                SELECT d.vendor, d.month AS period, d.indicator,
                       CASE WHEN d.indicator IN ({counts}) THEN sum(d.value)
                            WHEN count(w.value) = count(*) AND sum(w.value) > 0
                                THEN sum(d.value * w.value) / sum(w.value)
                            ELSE avg(d.value) END AS value
                FROM days d LEFT JOIN days w ON w.vendor = d.vendor AND w.day = d.day
                                            AND w.indicator = d.weight_by
                GROUP BY d.vendor, d.month, d.indicator),
            monthly AS (SELECT vendor, period, indicator, value FROM reports
                        WHERE period_kind = 'month')
            SELECT * FROM monthly
            UNION ALL
            SELECT * FROM rolled r WHERE NOT EXISTS (
                SELECT 1 FROM monthly m WHERE m.vendor = r.vendor AND m.period = r.period
                                          AND m.indicator = r.indicator)"""
    columns = ", ".join(f"max(value) FILTER (WHERE indicator = {literal(key)}) AS {key}"
                        for key in KPI_KEYS)
    frame = store.query(f"SELECT vendor, period, {columns} FROM ({rows}) GROUP BY ALL ORDER BY ALL")
    frame["source"] = REPORTS_SOURCE
    return frame


def board_kpis(store: SlaStore, grain: str, threshold_s: float) -> pd.DataFrame:
    """Call-record KPIs, and reported ones for the vendor-periods without call records."""
    calls = call_kpis(store, grain, threshold_s)
    reports = report_kpis(store, grain)
    if len(calls):
        covered = set(zip(calls["vendor"], pd.to_datetime(calls["period"])))
        keep = [(vendor, period) not in covered for vendor, period
                in zip(reports["vendor"], pd.to_datetime(reports["period"]))]
        reports = reports[keep]
    frames = [frame for frame in (calls, reports) if len(frame)]
    if not frames:
        return calls
    frame = pd.concat(frames, ignore_index=True)
    frame["period"] = pd.to_datetime(frame["period"])
    return frame.sort_values(["vendor", "period"], ignore_index=True)


def wait_curve(store: SlaStore, month: dt.date | None = None,
               max_s: int = rollups.HISTOGRAM_MAX_S) -> pd.DataFrame:
    """Share of offered calls answered within s seconds, for s = 0 … max_s, per vendor."""
    return store.query(f"""
        WITH offered AS (SELECT vendor, sum(offered) AS n FROM call_slots
                         WHERE {_month_filter(month)} GROUP BY vendor),
        waits AS (SELECT vendor, second, sum(answered) AS answered FROM call_wait_seconds
                  WHERE {_month_filter(month)} GROUP BY ALL),
        grid AS (SELECT vendor, n, CAST(range AS BIGINT) AS second FROM offered, range(0, {max_s + 1}))
        SELECT g.vendor, g.second,
               sum(coalesce(w.answered, 0)) OVER (PARTITION BY g.vendor ORDER BY g.second) / g.n
                   AS share
        FROM grid g LEFT JOIN waits w ON w.vendor = g.vendor AND w.second = g.second
        ORDER BY g.vendor, g.second""")


def hourly_profile(store: SlaStore, month: dt.date | None = None) -> pd.DataFrame:
    """Mean offered and answered calls per hour of day, per vendor."""
    return store.query(f"""
        WITH scope AS (SELECT * FROM call_slots WHERE {_month_filter(month)}),
        days AS (SELECT vendor, count(DISTINCT day) AS days FROM scope GROUP BY vendor)
        SELECT s.vendor, slot // 2 AS hour, sum(offered) / any_value(d.days) AS offered,
               sum(answered) / any_value(d.days) AS answered
        FROM scope s JOIN days d USING (vendor) GROUP BY ALL ORDER BY ALL""")


def peak_intervals(store: SlaStore) -> pd.DataFrame:
    """Per vendor: mean calls in its busiest half hour of the day, and its AHT (Erlang inputs)."""
    return store.query("""
        WITH slots AS (SELECT vendor, day, slot, sum(offered) AS calls FROM call_slots GROUP BY ALL),
        means AS (SELECT vendor, slot, avg(calls) AS calls FROM slots GROUP BY ALL),
        aht AS (SELECT vendor, sum(handle_s) / nullif(sum(handled), 0) AS aht_s
                FROM call_slots GROUP BY vendor)
        SELECT m.vendor, arg_max(m.slot, m.calls) AS slot, max(m.calls) AS calls,
               any_value(a.aht_s) AS aht_s
        FROM means m JOIN aht a USING (vendor) GROUP BY m.vendor ORDER BY m.vendor""")


def months(store: SlaStore) -> list[dt.date]:
    """Months with call records, oldest first."""
    frame = store.query("SELECT DISTINCT CAST(date_trunc('month', day) AS DATE) AS month "
                        "FROM call_slots ORDER BY month")
    return [pd.Timestamp(month).date() for month in frame["month"]]


@dataclass(frozen=True)
class Coverage:
    """The days of a month that its daily data (call records, daily reports) covers."""

    first: dt.date
    last: dt.date
    days: int

    @property
    def complete(self) -> bool:
        following = (self.first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return self.first.day == 1 and self.last == following - dt.timedelta(days=1)

    def describe(self) -> str:
        """"3月1日–3月1日，1 天"."""
        return f"{self.first.month}月{self.first.day}日–{self.last.month}月{self.last.day}日，{self.days} 天"


@dataclass(frozen=True)
class LatestMonth:
    month: dt.date
    vendors: int
    sample: bool  # the data is the generated sample
    coverage: Coverage | None  # the days its daily data covers (None: monthly reports only)


def latest_month(store: SlaStore) -> LatestMonth | None:
    """The newest month with call records or reports, how many vendors it has, whether it is
    the sample data and which of its days the data covers; None when nothing is stored."""
    row = store.query(
        "WITH months AS (SELECT DISTINCT vendor, CAST(date_trunc('month', day) AS DATE) AS month "
        "FROM call_slots UNION ALL SELECT vendor, CAST(date_trunc('month', period) AS DATE) FROM reports)"
        " SELECT max(month) AS month, (SELECT count(DISTINCT vendor) FROM months m "
        "WHERE m.month = (SELECT max(month) FROM months)) AS vendors, "
        "(SELECT count(*) > 0 FROM imports WHERE sample) AS sample FROM months")
    month = row["month"].iloc[0]
    if pd.isna(month):
        return None
    month = pd.Timestamp(month).date()
    days = store.query(
        "SELECT min(day) AS first, max(day) AS last, count(*) AS days FROM (SELECT DISTINCT day "
        "FROM call_slots WHERE date_trunc('month', day) = ? UNION SELECT period FROM reports "
        "WHERE period_kind = 'day' AND date_trunc('month', period) = ?)", [month, month]).iloc[0]
    coverage = None if pd.isna(days["first"]) else Coverage(
        pd.Timestamp(days["first"]).date(), pd.Timestamp(days["last"]).date(), int(days["days"]))
    return LatestMonth(month, int(row["vendors"].iloc[0]), bool(row["sample"].iloc[0]), coverage)


def vendor_names(store: SlaStore) -> list[str]:
    """Every vendor name the call records and reports carry, sorted."""
    frame = store.query("SELECT DISTINCT vendor FROM call_slots UNION SELECT DISTINCT vendor "
                        "FROM reports ORDER BY vendor")
    return frame["vendor"].tolist()
