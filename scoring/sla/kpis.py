"""KPIs of call records grouped by vendor (and day, month or hour), as one DuckDB query."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import duckdb

from scoring.sla.indicators import INDICATORS, KPI_KEYS, WAIT_S

GROUPINGS = {
    "vendor": None,
    "vendor,day": "CAST(arrived_at AS DATE)",
    "vendor,month": "CAST(date_trunc('month', arrived_at) AS DATE)",
}


def kpi_sql(relation: str, by: str, threshold_s: float, proofs: str | None = None) -> str:
    """SQL: one row per group with vendor, period (unless by vendor), every indicator, and
    optionally more aggregates (`proofs`, SQL with aliases)."""
    if by not in GROUPINGS:
        raise ValueError(f"--by 只能是 {' | '.join(GROUPINGS)}")
    period = GROUPINGS[by]
    keys = ["vendor", *([f"{period} AS period"] if period else [])]
    measures = ", ".join([*(f"{indicator.aggregate(threshold_s)} AS {indicator.key}"
                            for indicator in INDICATORS), *([proofs] if proofs else [])])
    order = ", ".join(str(position) for position in range(1, len(keys) + 1))  # not the proofs
    return (f"SELECT {', '.join(keys)}, {measures} "
            f"FROM (SELECT *, {WAIT_S} AS wait_s FROM ({relation})) GROUP BY ALL ORDER BY {order}")


def kpi_records(connection: duckdb.DuckDBPyConnection, relation: str, by: str,
                threshold_s: float) -> list[dict[str, Any]]:
    """KPIs as JSON-ready objects: exactly vendor, period (when grouped by time) and the KPI keys."""
    cursor = connection.execute(kpi_sql(relation, by, threshold_s))
    names = [column[0] for column in cursor.description]
    return [plain_record(dict(zip(names, row)), by) for row in cursor.fetchall()]


def plain_record(record: dict[str, Any], by: str) -> dict[str, Any]:
    """A KPI row made JSON-ready: period as text, counts as int, measures rounded."""
    if "period" in record:
        record["period"] = _period_text(record["period"], by)
    for key in KPI_KEYS:
        record[key] = _plain(record[key])
    return record


def _period_text(value: dt.date, by: str) -> str:
    return value.strftime("%Y-%m") if by == "vendor,month" else value.isoformat()


def _plain(value: Any) -> Any:
    """Counts as int, measures rounded to 6 decimals, no data as None (never NaN, never 0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, int):
        return value
    return round(float(value), 6)
