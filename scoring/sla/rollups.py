"""Rollups kept at import, so that the board never rescans the calls.

Per vendor × queue × day × half-hour the sums every indicator is exactly computed from (counts,
sums of waits and handle times, marks), the calls answered within each service-level threshold
in use, and per vendor × day a histogram of answered calls by whole second of wait (the wait
curve). They are rewritten, in the same transaction as the calls, for every vendor-day an import
or a removal touches. A threshold not rolled up yet is computed once and kept.
"""
from __future__ import annotations

import duckdb

from scoring.sla.indicators import WAIT_S

VERSION = "1"  # bump when the rollups' definition changes: stores rebuild them once
SLOT = "CAST(hour(arrived_at) * 2 + minute(arrived_at) // 30 AS SMALLINT)"
NO_QUEUE = ""  # calls without a queue are rolled up under the empty name
HISTOGRAM_MAX_S = 120  # the wait curve's last second; longer waits share one bucket
ANSWERED = "answered_at IS NOT NULL"

# column of call_slots: (type, aggregate over calls with wait_s = the call's wait)
MEASURES = {
    "offered": ("BIGINT", "count(*)"),
    "answered": ("BIGINT", "count(answered_at)"),
    "wait_answered_s": ("DOUBLE", f"coalesce(sum(wait_s) FILTER (WHERE {ANSWERED}), 0)"),
    "wait_all_s": ("DOUBLE", "coalesce(sum(wait_s), 0)"),  # abandoned calls' time to hang up too
    "handle_s": ("DOUBLE", "coalesce(sum(talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0)) "
                           f"FILTER (WHERE {ANSWERED}), 0)"),
    "handled": ("BIGINT", f"count(talk_s) FILTER (WHERE {ANSWERED})"),
    "fcr_sum": ("BIGINT", "coalesce(sum(resolved_first_contact), 0)"),
    "fcr_n": ("BIGINT", "count(resolved_first_contact)"),
    "csat_good": ("BIGINT", "count(*) FILTER (WHERE csat >= 4)"),
    "csat_n": ("BIGINT", "count(csat)"),
    "qa_sum": ("DOUBLE", "coalesce(sum(qa_score), 0)"),
    "qa_n": ("BIGINT", "count(qa_score)"),
    "complaints": ("BIGINT", "coalesce(sum(complaint), 0)"),
    "complaint_n": ("BIGINT", "count(complaint)"),
}
KEYS = "vendor VARCHAR NOT NULL, queue VARCHAR NOT NULL, day DATE NOT NULL, slot SMALLINT NOT NULL"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS call_slots ({KEYS},
    {", ".join(f"{name} {kind} NOT NULL" for name, (kind, _) in MEASURES.items())});
CREATE TABLE IF NOT EXISTS call_slots_within ({KEYS}, threshold_s DOUBLE NOT NULL,
    answered_within BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS call_wait_seconds (vendor VARCHAR NOT NULL, day DATE NOT NULL,
    second SMALLINT NOT NULL, answered BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS rollup_thresholds (threshold_s DOUBLE PRIMARY KEY);
"""
TABLES = ("call_slots", "call_slots_within", "call_wait_seconds")
GROUP_KEYS = (f"vendor, coalesce(queue, '{NO_QUEUE}') AS queue, CAST(arrived_at AS DATE) AS day, "
              f"{SLOT} AS slot")


def _calls(touched: str | None) -> str:
    """The calls of the touched vendor-days (all calls when None), with their wait."""
    scope = "" if touched is None else (
        f" SEMI JOIN {touched} AS touched ON touched.vendor = calls.vendor "
        "AND touched.day = CAST(calls.arrived_at AS DATE)")
    return f"(SELECT *, {WAIT_S} AS wait_s FROM calls{scope})"


def within_sql(threshold_s: float, touched: str | None = None) -> str:
    """Answered-within counts per slot for one threshold (the rows call_slots_within holds)."""
    return (f"SELECT {GROUP_KEYS}, {float(threshold_s)} AS threshold_s, "
            f"count(*) FILTER (WHERE {ANSWERED} AND wait_s <= {float(threshold_s)}) "
            f"AS answered_within FROM {_calls(touched)} GROUP BY ALL")


def refresh(cursor: duckdb.DuckDBPyConnection, touched: str | None) -> None:
    """Rewrite the rollups of the vendor-days in the relation `touched` (vendor, day), or of
    everything when None. Runs inside the caller's transaction."""
    if touched is None:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")
    else:
        cursor.execute(f"CREATE OR REPLACE TEMP TABLE rollup_touched AS "
                       f"SELECT DISTINCT vendor, day FROM ({touched})")
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table} USING rollup_touched AS touched "
                           f"WHERE {table}.vendor = touched.vendor AND {table}.day = touched.day")
        touched = "rollup_touched"
    measures = ", ".join(f"{aggregate} AS {name}" for name, (_, aggregate) in MEASURES.items())
    cursor.execute(f"INSERT INTO call_slots BY NAME SELECT {GROUP_KEYS}, {measures} "
                   f"FROM {_calls(touched)} GROUP BY ALL")
    for (threshold_s,) in cursor.execute("SELECT threshold_s FROM rollup_thresholds").fetchall():
        cursor.execute(f"INSERT INTO call_slots_within BY NAME {within_sql(threshold_s, touched)}")
    cursor.execute(
        f"INSERT INTO call_wait_seconds BY NAME SELECT vendor, CAST(arrived_at AS DATE) AS day, "
        f"CAST(least(ceil(wait_s), {HISTOGRAM_MAX_S + 1}) AS SMALLINT) AS second, "
        f"count(*) AS answered FROM {_calls(touched)} WHERE {ANSWERED} GROUP BY ALL")
    if touched is not None:
        cursor.execute("DROP TABLE rollup_touched")
    cursor.execute(f"INSERT OR REPLACE INTO meta VALUES ('rollups', '{VERSION}')")


def current(cursor: duckdb.DuckDBPyConnection) -> bool:
    """True when the stored rollups are of this version (a store from before rollups is not)."""
    row = cursor.execute("SELECT value FROM meta WHERE key = 'rollups'").fetchall()
    if row:
        return row[0][0] == VERSION
    return cursor.execute("SELECT count(*) FROM calls").fetchall()[0][0] == 0


def has_threshold(cursor: duckdb.DuckDBPyConnection, threshold_s: float) -> bool:
    """True when the answered-within counts of this threshold are kept."""
    return bool(cursor.execute("SELECT count(*) FROM rollup_thresholds WHERE threshold_s = ?",
                               [float(threshold_s)]).fetchall()[0][0])


def add_threshold(cursor: duckdb.DuckDBPyConnection, threshold_s: float) -> None:
    """Compute and keep the answered-within counts of a new threshold (in a transaction)."""
    cursor.execute("INSERT OR IGNORE INTO rollup_thresholds VALUES (?)", [float(threshold_s)])
    cursor.execute("DELETE FROM call_slots_within WHERE threshold_s = ?", [float(threshold_s)])
    cursor.execute(f"INSERT INTO call_slots_within BY NAME {within_sql(threshold_s)}")


def slots(threshold_s: float, kept: bool, where: str = "true") -> str:
    """The slots with a `within` column for the threshold: from the kept counts, or (a threshold
    not kept, in a store that cannot be written) computed from the calls."""
    within = ("(SELECT * EXCLUDE (threshold_s) FROM call_slots_within "
              f"WHERE threshold_s = {float(threshold_s)})" if kept
              else f"(SELECT * EXCLUDE (threshold_s) FROM ({within_sql(threshold_s)}))")
    return (f"(SELECT s.*, coalesce(w.answered_within, 0) AS within FROM call_slots s "
            f"LEFT JOIN {within} w USING (vendor, queue, day, slot) WHERE {where})")
