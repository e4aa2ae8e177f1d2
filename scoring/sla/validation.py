"""Row rules as data, and checking a whole file against them in DuckDB (one message per bad row).

pandas is imported only where rejected rows become a table: `kpis` on a clean file never loads it.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from scoring.sla.sources import SCAN_ERRORS, Source, literal, quote, vocabulary

TIME_TYPES = ("TIMESTAMP", "DATE")
NUMBER_TYPES = ("DOUBLE", "FLOAT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "DECIMAL",
                "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "BOOLEAN")
ROW, MESSAGES = "行号", "错误说明"


@dataclass(frozen=True)
class RowRule:
    """One check on a row: a SQL condition over parsed columns and the Chinese sentence for it."""

    code: str
    column: str  # the column whose cell the message quotes as {value}
    condition: str  # SQL; NULL counts as "passes"
    message: str
    # SQL aggregate over a group of rows, true only when no row of the group breaks the rule: a
    # cheaper proof than testing each row (min/max/count of columns the KPIs read anyway).
    # Without one, each row is tested. False may also mean "cannot tell": rows are then checked.
    proof: str | None = None

    def group_proof(self) -> str:
        """SQL aggregate: no row of the group breaks this rule (an empty group passes)."""
        return f"coalesce({self.proof or f'NOT bool_or({self.condition})'}, true)"

    def message_sql(self) -> str:
        """SQL: the message, with {value} the quoted cell and {first} the row it duplicates."""
        fields = {"{value}": f"coalesce(CAST({self.column}_text AS VARCHAR), '')",
                  "{first}": "CAST(_first AS VARCHAR)"}
        parts = re.split(r"(\{value\}|\{first\})", self.message)
        return f"concat({', '.join(fields.get(part, literal(part)) for part in parts if part)})"


@dataclass(frozen=True)
class RecordKind:
    """What a file's rows are: how to parse them, their rules, their key and stored columns."""

    name: str
    parse: Callable[[Source, bool], str]  # SQL of parsed rows (typed plus `<column>_text`)
    rules: tuple[RowRule, ...]
    # what makes a record itself: SQL over parsed columns, the last a column whose cell the
    # duplicate message quotes; two rows with an equal key are one record given twice
    key: tuple[str, ...]
    duplicate_message: str  # may name {value} (the last key column's cell) and {first}
    stored: tuple[str, ...]  # SQL expressions over parsed columns, in the stored order
    shown: Callable[[Source], dict[str, str]]  # text column → header shown for rejected rows
    # columns a CSV's reader may type itself on a first, faster read (column → DuckDB type)
    typed: dict[str, str] = field(default_factory=dict)

    def mask(self) -> str:
        """SQL: a bit per broken rule (0 for a good row)."""
        return " | ".join(f"(CASE WHEN coalesce({rule.condition}, false) THEN {1 << bit} ELSE 0 END)"
                          for bit, rule in enumerate(self.rules))

    def proven(self) -> str:
        """SQL aggregate: no row of the group breaks any rule."""
        proofs = dict.fromkeys(rule.group_proof() for rule in self.rules)  # each once
        return " AND ".join(f"({proof})" for proof in proofs)

    def key_hashes(self) -> str:
        """SQL aggregate: the list of 64-bit hashes of the keys of the rows that have every key
        column (numpy sorts them far faster than DuckDB builds a hash table of 10M keys)."""
        return f"list(hash({', '.join(self.key)})) FILTER (WHERE {self.keyed()})"

    def keyed(self) -> str:
        """SQL: the row has every key column (duplicates are checked among these)."""
        return " AND ".join(f"{column} IS NOT NULL" for column in self.key)


@dataclass
class Checked:
    """A checked file: row counts, rejected rows with messages, and SQL of the valid rows."""

    total: int
    rejected: pd.DataFrame
    valid_sql: str

    @property
    def valid(self) -> int:
        """Rows that pass every rule."""
        return self.total - len(self.rejected)

    def messages(self, limit: int = 20) -> list[str]:
        """The first rejected rows as 第 N 行:说明."""
        return [f"第 {row} 行:{text}" for row, text
                in self.rejected[[ROW, MESSAGES]].head(limit).itertuples(index=False)]


def check(connection: duckdb.DuckDBPyConnection, source: Source, kind: RecordKind) -> Checked:
    """Every row checked; a fast proof first (aggregates and the key hashes, one read of the
    file), the numbered error scan only when it fails."""
    proof = prove(connection, source, kind, lambda parsed, proofs: f"SELECT {proofs} FROM ({parsed})")
    if proof is None:
        return check_rows(connection, source, kind)
    (counted,), proven = proof
    return Checked(counted["_rows"], _no_rows(source, kind),
                   f"SELECT {', '.join(kind.stored)} FROM ({kind.parse(proven, False)})")


def prove(connection: duckdb.DuckDBPyConnection, source: Source, kind: RecordKind,
          query: Callable[[str, str], str]) -> tuple[list[dict[str, Any]], Source] | None:
    """The rows of `query(parsed rows, proof aggregates)` and the Source read, when aggregates
    prove that no row breaks a rule and no two rows share a key; None when they cannot (then
    the numbered scan names the rows). One read of the file: typed by the reader first, as
    text when a cell is not in the typed form.

    The query must select the proof aggregates (`_rows`, `_clean`, `_keys`) in every row it
    returns; the rows returned keep `_rows` (the rows of the group).
    """
    if source.unreadable:
        return None
    proofs = f"count(*) AS _rows, {kind.proven()} AS _clean, {kind.key_hashes()} AS _keys"
    typed = source.typed(kind.typed)
    for candidate in ([typed, source] if typed is not source else [source]):
        try:
            cursor = connection.execute(query(kind.parse(candidate, False), proofs))
            columns = cursor.fetchnumpy()
        except SCAN_ERRORS:  # a cell not in the typed form (the text read takes it)
            if candidate is source:
                raise
            continue
        dates = {name for name, kind_code, *_ in cursor.description if kind_code == "DATE"}
        rows = _python_rows(columns, dates)
        if not all(row.pop("_clean") for row in rows) or \
                not keys_unique(columns["_keys"].tolist(), sum(row["_rows"] for row in rows)):
            return None
        return rows, candidate
    return None


def keys_unique(hash_lists: list[np.ndarray | None], rows: int) -> bool:
    """Every one of `rows` rows has a key hash and no two are equal. Equal hashes of different
    keys (about once in 10^5 files of 10M rows) only send the file to the numbered scan."""
    parts = [np.asarray(part, dtype=np.uint64) for part in hash_lists if part is not None]
    hashes = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)
    if len(hashes) != rows:
        return False
    hashes.sort()
    return not bool((hashes[1:] == hashes[:-1]).any())


def _python_rows(columns: dict[str, np.ndarray], dates: set[str]) -> list[dict[str, Any]]:
    """fetchnumpy's columns as rows of Python values (NULL as None, DATE as datetime.date)."""
    values = {name: (column.astype("datetime64[D]") if name in dates else column).tolist()
              for name, column in columns.items() if name != "_keys"}
    return [dict(zip(values, row)) for row in zip(*values.values())]


def check_rows(connection: duckdb.DuckDBPyConnection, source: Source, kind: RecordKind,
               total: int | None = None) -> Checked:
    """The numbered scan: each bad row with its messages; valid rows are all the others. Rows
    that could not even be read (``source.unreadable``) are rejected rows too."""
    import pandas as pd

    table = f"sla_rejected_{uuid.uuid4().hex}"
    connection.execute(f"CREATE TEMP TABLE {table} AS {_rejected_sql(source, kind)}")
    rejected = connection.execute(f"SELECT * FROM {table} ORDER BY {quote(ROW)}").df()
    valid_sql = (f"SELECT {', '.join(kind.stored)} FROM ({kind.parse(source, True)}) "
                 f"WHERE _row NOT IN (SELECT {quote(ROW)} FROM {table})")
    if total is None:
        total = connection.execute(f"SELECT count(*) FROM ({source.relation()})").fetchall()[0][0]
    if source.unreadable:
        unreadable = pd.DataFrame(source.unreadable, columns=[ROW, MESSAGES])
        rejected = pd.concat([rejected.astype({ROW: "int64"}), unreadable], ignore_index=True) \
            .sort_values(ROW, kind="stable").reset_index(drop=True)
        total += len(source.unreadable)
    return Checked(total, rejected, valid_sql)


def _rejected_sql(source: Source, kind: RecordKind) -> str:
    key = ", ".join(kind.key)
    messages = ", ".join(f"CASE WHEN (_err & {1 << bit}) <> 0 THEN {rule.message_sql()} END"
                         for bit, rule in enumerate(kind.rules))
    duplicate = RowRule("duplicate", kind.key[-1], "true", kind.duplicate_message).message_sql()
    texts = ", ".join(f"CAST({column} AS VARCHAR) AS {quote(header)}"
                      for column, header in kind.shown(source).items())
    return f"""
        WITH marked AS (
            SELECT *, ({kind.mask()}) AS _err,
                   CASE WHEN {kind.keyed()} THEN min(_row) OVER (PARTITION BY {key}) END AS _first
            FROM ({kind.parse(source, True)}))
        SELECT _row AS {quote(ROW)}, concat_ws(';', {messages},
               CASE WHEN _first < _row THEN {duplicate} END) AS {quote(MESSAGES)}, {texts}
        FROM marked WHERE _err <> 0 OR _first < _row"""


def _no_rows(source: Source, kind: RecordKind) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=[ROW, MESSAGES, *kind.shown(source).values()])


def text(column: str) -> str:
    """SQL: the cell as trimmed text, NULL when empty."""
    return f"nullif(trim(CAST({column} AS VARCHAR)), '')"


def cell(column: str, kind: str, trimmed: bool = False) -> str:
    """SQL: the cell as given (NULL when empty), or a typed column's value.

    Text kept as text (vendor, call_id) is trimmed; cells parsed into numbers or times are not,
    as the casts skip edge spaces themselves (trimming every cell costs more than the parse).
    """
    if kind != "VARCHAR":
        return column
    if not trimmed:
        return f"nullif({column}, '')"
    return (f"CASE WHEN starts_with({column}, ' ') OR ends_with({column}, ' ') "
            f"THEN nullif(trim({column}), '') ELSE nullif({column}, '') END")


def unreadable(column: str) -> str:
    """SQL: a cell was given but could not be read (a cell of spaces counts as empty).

    CASE, not AND: only rows that failed to parse reach the trim (AND evaluates both sides).
    """
    return (f"CASE WHEN {column} IS NOT NULL OR {column}_text IS NULL THEN false "
            f"ELSE trim(CAST({column}_text AS VARCHAR)) <> '' END")


def all_read(column: str) -> str:
    """SQL aggregate: every cell given in the column was read (proves no row is `unreadable`)."""
    return f"count({column}) = count({column}_text)"


def all_given(column: str) -> str:
    """SQL aggregate: every row has a value read (proves no row is `missing`)."""
    return f"count({column}) = count(*)"


def all_within(column: str, low: float, high: float) -> str:
    """SQL aggregate: every value lies in [low, high] (NaN sorts above every number, so it fails)."""
    return f"(min({column}) >= {low} AND max({column}) <= {high})"


def never_before(later: str, earlier: str) -> str:
    """SQL aggregate: `later` is nowhere before `earlier` (to the microsecond)."""
    return f"(min({_span(later, earlier)}) >= 0 AND {_finite(later)} AND {_finite(earlier)})"


def never_longer(later: str, earlier: str, seconds: int) -> str:
    """SQL aggregate: `later` is nowhere more than `seconds` after `earlier`."""
    return (f"(max({_span(later, earlier)}) <= {seconds * 1_000_000} AND {_finite(later)} "
            f"AND {_finite(earlier)})")


def _span(later: str, earlier: str) -> str:
    return f"epoch_us({later}) - epoch_us({earlier})"


def _finite(column: str) -> str:
    """SQL aggregate: no ±infinity (epoch_us is NULL for them, so the spans would skip them)."""
    return (f"coalesce(min({column}) > '-infinity'::TIMESTAMP "
            f"AND max({column}) < 'infinity'::TIMESTAMP, true)")


def missing(column: str) -> str:
    """SQL: a cell is empty or only spaces."""
    return (f"CASE WHEN {column} IS NOT NULL THEN false WHEN {column}_text IS NULL THEN true "
            f"ELSE trim(CAST({column}_text AS VARCHAR)) = '' END")


def timestamp(column: str, kind: str) -> str:
    """SQL: a given cell as a TIMESTAMP (ISO 8601 or one of the formats in columns.toml), else NULL."""
    if kind.startswith(TIME_TYPES):
        return f"CAST({column} AS TIMESTAMP)"
    known = vocabulary()["formats"]
    # the strict form too: a cell the typed read takes is never refused by the text read
    formats = ", ".join(literal(item) for item in [known["strict"], *known["timestamp"]])
    return f"coalesce(TRY_CAST({column} AS TIMESTAMP), try_strptime(trim({column}), [{formats}]))"


def bounds() -> dict:
    """What a plausible record looks like (columns.toml [bounds])."""
    return vocabulary()["bounds"]


def outside_dates(column: str) -> str:
    """SQL: a time or date before the earliest plausible day or after today (plus a margin)."""
    limits = bounds()
    return (f"({column} < DATE {literal(limits['earliest'])} OR "
            f"{column} > current_date + INTERVAL {int(limits['days_ahead'])} DAY)")


def all_dates_plausible(column: str) -> str:
    """SQL aggregate: no row is `outside_dates`."""
    limits = bounds()
    return (f"(min({column}) >= DATE {literal(limits['earliest'])} AND "
            f"max({column}) <= current_date + INTERVAL {int(limits['days_ahead'])} DAY)")


def not_finite(column: str) -> str:
    """SQL: a number read as infinite or NaN (inf, NaN, 1e309)."""
    return f"(isinf({column}) OR isnan({column}))"


def number(column: str, kind: str) -> str:
    """SQL: a given cell as a DOUBLE, else NULL."""
    if kind.startswith(NUMBER_TYPES):
        return f"CAST({column} AS DOUBLE)"
    return (f"coalesce(TRY_CAST({column} AS DOUBLE), "
            f"TRY_CAST(replace({column}, ',', '') AS DOUBLE))")


def flag(column: str, kind: str) -> str:
    """SQL: a given cell as 1 or 0 (words in columns.toml), else NULL."""
    if kind.startswith(NUMBER_TYPES):
        return f"CASE WHEN {column} = 1 THEN 1 WHEN {column} = 0 THEN 0 END"
    words = vocabulary()["flags"]
    yes = ", ".join(literal(item) for item in words["yes"])
    no = ", ".join(literal(item) for item in words["no"])
    value = f"lower(trim(CAST({column} AS VARCHAR)))"
    return (f"CASE WHEN {column} = '1' THEN 1 WHEN {column} = '0' THEN 0 "
            f"WHEN {value} IN ({yes}) THEN 1 WHEN {value} IN ({no}) THEN 0 END")
