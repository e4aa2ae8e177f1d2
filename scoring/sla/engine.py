"""A vendor file to KPIs without storing anything (the `kpis` command and the benchmark)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from scoring.sla.calls import CALLS
from scoring.sla.errors import SlaInputError
from scoring.sla.indicators import KPI_KEYS
from scoring.sla.kpis import GROUPINGS, kpi_records, kpi_sql, plain_record
from scoring.sla.sources import CALLS as CALL_SHAPE
from scoring.sla.sources import SCAN_ERRORS, SHAPE_LABELS, Source, open_source
from scoring.sla.validation import check_rows

MEMORY_LIMIT = "3GB"  # DuckDB spills to disk beyond this; the whole process stays under 4 GB


@dataclass
class FileKpis:
    """KPI records of a file, or the count and messages of its bad rows."""
    records: list[dict[str, Any]]
    rejected: int = 0
    messages: list[str] = field(default_factory=list)


def scratch_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a memory cap and no progress bar (stdout carries the JSON)."""
    connection = duckdb.connect(config={"memory_limit": MEMORY_LIMIT})
    connection.execute("SET enable_progress_bar = false")
    return connection


def file_kpis(path: Path, by: str, threshold_s: float, skip_invalid: bool = False) -> FileKpis:
    """KPIs of a call-record file; a file with bad rows gives messages and no KPIs unless skipped."""
    try:
        return _file_kpis(path, by, threshold_s, skip_invalid, repair=False)
    except SCAN_ERRORS:  # a row DuckDB cannot read, past the rows it sampled: read row by row
        return _file_kpis(path, by, threshold_s, skip_invalid, repair=True)


def _file_kpis(path: Path, by: str, threshold_s: float, skip_invalid: bool,
               repair: bool) -> FileKpis:
    with scratch_connection() as connection, \
            open_source(connection, path, path.name, repair=repair) as source:
        if source.shape != CALL_SHAPE:
            raise SlaInputError(f"「{path.name}」是{SHAPE_LABELS[source.shape]},kpis 需要话单文件。")
        audited = _audited_kpis(connection, source, by, threshold_s)
        if audited is not None:
            return FileKpis(audited)
        checked = check_rows(connection, source, CALLS)
        if len(checked.rejected) and not skip_invalid:
            return FileKpis([], len(checked.rejected), checked.messages())
        records = kpi_records(connection, checked.valid_sql, by, threshold_s)
        return FileKpis(records, len(checked.rejected), checked.messages())


def _audited_kpis(connection: duckdb.DuckDBPyConnection, source: Source, by: str,
                  threshold_s: float) -> list[dict[str, Any]] | None:
    """KPIs per group with rows breaking a rule kept apart, then a scan for duplicate call_ids.

    Returns the KPI records when the file is clean, None when rows must be looked at one by one.
    (Two plain scans cost less than one with grouping sets and a distinct count.)
    """
    if by not in GROUPINGS:
        raise ValueError(f"--by 只能是 {' | '.join(GROUPINGS)}")
    if source.unreadable:
        return None
    parsed = CALLS.parse(source, False)
    cursor = connection.execute(kpi_sql(f"SELECT *, {CALLS.broken()} AS _bad FROM ({parsed})",
                                        by, threshold_s, extra=("_bad",)))
    names = [column[0] for column in cursor.description]
    groups = [dict(zip(names, row)) for row in cursor.fetchall()]
    if any(group["_bad"] for group in groups):
        return None
    keyed = sum(group["offered"] for group in groups)  # every row has its key (no _bad rows)
    distinct = connection.execute(  # DISTINCT then count runs in parallel; count(DISTINCT) not
        f"SELECT count(*) FROM (SELECT DISTINCT hash({', '.join(CALLS.key)}) FROM ({parsed}))"
    ).fetchall()[0][0]
    if keyed != distinct:  # a duplicate (or, once in a blue moon, two keys of one hash)
        return None
    keys = ["vendor", *(["period"] if GROUPINGS[by] else []), *KPI_KEYS]
    return [plain_record({key: group[key] for key in keys}, by) for group in groups]
