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
from scoring.sla.validation import check_rows, prove

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
    """KPIs per group, with aggregates that prove no row breaks a rule and no two rows share a
    key computed in the same read of the file (validation.prove).

    Returns the KPI records when the file is clean, None when rows must be looked at one by one
    (a proof failing does not name the row; the numbered scan does).
    """
    if by not in GROUPINGS:  # before any read of the file
        raise ValueError(f"--by 只能是 {' | '.join(GROUPINGS)}")
    proof = prove(connection, source, CALLS,
                  lambda parsed, proofs: kpi_sql(parsed, by, threshold_s, proofs=proofs))
    if proof is None:
        return None
    keys = ["vendor", *(["period"] if GROUPINGS[by] else []), *KPI_KEYS]
    return [plain_record({key: group[key] for key in keys}, by) for group in proof[0]]
