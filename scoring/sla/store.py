"""The SLA database: a DuckDB file in the data directory; every import is one transaction."""
from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import json
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from scoring.exports import csv_bytes
from scoring.sla import rollups
from scoring.sla.calls import CALLS
from scoring.sla.errors import SlaInputError
from scoring.sla.reports import REPORTS
from scoring.sla.sources import SCAN_ERRORS, SHAPE_LABELS, open_source
from scoring.sla.validation import Checked, check
from settings import Settings
from storage import is_writable, require_writable

DATABASE_FILE = "sla.duckdb"
SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS import_ids START 1;
CREATE TABLE IF NOT EXISTS imports (
    import_id BIGINT PRIMARY KEY, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
    shape VARCHAR NOT NULL, rows_read BIGINT NOT NULL, rows_added BIGINT NOT NULL,
    rows_existing BIGINT NOT NULL, rows_rejected BIGINT NOT NULL,
    sample BOOLEAN NOT NULL, imported_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
    vendor VARCHAR NOT NULL, call_id VARCHAR NOT NULL, queue VARCHAR,
    arrived_at TIMESTAMP NOT NULL, answered_at TIMESTAMP, ended_at TIMESTAMP NOT NULL,
    talk_s DOUBLE, hold_s DOUBLE, acw_s DOUBLE, resolved_first_contact TINYINT, csat TINYINT,
    qa_score DOUBLE, complaint TINYINT, import_id BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    vendor VARCHAR NOT NULL, period_kind VARCHAR NOT NULL, period DATE NOT NULL,
    indicator VARCHAR NOT NULL, value DOUBLE NOT NULL, import_id BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS targets (
    scope VARCHAR NOT NULL, indicator VARCHAR NOT NULL, direction VARCHAR NOT NULL,
    target DOUBLE NOT NULL, weight DOUBLE NOT NULL, deduction_pct DOUBLE NOT NULL,
    enabled BOOLEAN NOT NULL, PRIMARY KEY (scope, indicator));
CREATE TABLE IF NOT EXISTS contract_caps (scope VARCHAR PRIMARY KEY, cap_pct DOUBLE NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
""" + rollups.SCHEMA
KINDS = {"calls": CALLS, "report_long": REPORTS, "report_wide": REPORTS}
# a stored record that a new one repeats (SQL over {t}, the table's alias): a call is its vendor's
# call_id on its day of arrival (calls.CALLS.key), a report value its vendor, period and indicator
MATCH = {"calls": ("{t}.vendor", "{t}.call_id", "CAST({t}.arrived_at AS DATE)"),
         "reports": ("{t}.vendor", "{t}.period_kind", "{t}.period", "{t}.indicator")}


@dataclass
class ImportResult:
    """What an import did: rows read, added, already present, rejected (with their messages)."""

    file_name: str
    shape: str
    rows_read: int = 0
    rows_added: int = 0
    rows_existing: int = 0
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    stored: bool = False
    checked: Checked | None = None
    sample_cleared: bool = False  # the sample data made way for this import

    def summary(self) -> str:
        """One Chinese sentence on what the import did."""
        label = SHAPE_LABELS.get(self.shape, self.shape)
        if not self.stored:
            return (f"「{self.file_name}」({label})有 {len(self.rejected)} 行错误,整份文件未导入,"
                    "数据库没有任何改动。")
        read = f"{self.rows_read:,} 行" if self.shape == "calls" else f"{self.rows_read:,} 个指标值"
        text = f"已导入「{self.file_name}」({label}):读取 {read},新增 {self.rows_added:,} 条"
        if self.rows_existing:
            text += f",{self.rows_existing:,} 条已存在(未重复写入)"
        if len(self.rejected):
            text += f",跳过有错误的 {len(self.rejected):,} 行"
        if self.sample_cleared:
            text += ";示例数据已清除"
        return text + "。"

    def messages(self, limit: int = 20) -> list[str]:
        """The first messages on rejected rows (第 N 行:…)."""
        return self.checked.messages(limit) if self.checked else []

    def rejected_csv(self) -> bytes | None:
        """The rejected rows with their messages, as a CSV that Excel opens (UTF-8 with BOM).

        Cells that Excel would run as a formula get a leading apostrophe: the file quotes what
        vendors sent, which must never execute.
        """
        return csv_bytes(self.rejected) if len(self.rejected) else None


def _sha256(file: Path | bytes) -> str:
    """Content hash of an upload or a file on disk (read in blocks: files may be large)."""
    if isinstance(file, bytes):
        return hashlib.sha256(file).hexdigest()
    digest = hashlib.sha256()
    with open(file, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_open_stores: weakref.WeakSet[SlaStore] = weakref.WeakSet()


@atexit.register
def _close_open_stores() -> None:
    """Close every store before the interpreter stops: an idle timer closing DuckDB while the
    process exits would abort it."""
    for store in list(_open_stores):
        store.close()


class SlaStore:
    """One DuckDB file; each operation uses its own cursor (safe across Streamlit sessions).

    DuckDB lets one process at a time open the file. So that the command line can import while
    the app is running, the connection is closed once no operation has used it for
    ``IDLE_CLOSE_S`` seconds, and opening waits up to ``LOCK_WAIT_S`` seconds for the other
    process to let go.
    """

    IDLE_CLOSE_S = 2.0
    LOCK_WAIT_S = 30.0

    def __init__(self, path: Path, max_upload_bytes: int | None = None,
                 threshold_s: float = 20.0):
        self.path = Path(path)
        self.max_upload_bytes = max_upload_bytes
        self.threshold_s = threshold_s  # the service-level threshold rolled up at every import
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._idle_timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        _open_stores.add(self)

    @classmethod
    def for_settings(cls, settings: Settings) -> SlaStore:
        """The store of a data directory, as the settings configure it."""
        return cls(Path(settings.data_dir) / DATABASE_FILE, settings.sla_max_upload_mb * 1024 * 1024,
                   settings.sla_threshold_s)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of the shared connection, opened (and the schema made) when needed."""
        with self._lock:
            if self._idle_timer is not None:
                self._idle_timer.cancel()
                self._idle_timer = None
            if self._connection is None:
                self._connection = self._connect()
            self._users += 1
            cursor = self._connection.cursor()
        cursor.execute("SET enable_progress_bar = false")  # the CLI's stdout is for results
        try:
            yield cursor
        finally:
            cursor.close()
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    self._idle_timer = threading.Timer(self.IDLE_CLOSE_S, self._close_if_idle)
                    self._idle_timer.daemon = True
                    self._idle_timer.start()

    @contextmanager
    def transaction(self, cursor: duckdb.DuckDBPyConnection | None = None
                    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor (a new one, or the one given) inside one transaction: committed at the end,
        rolled back on any error.

        Writers in this process take turns, as writers in other processes do at the file lock:
        DuckDB refuses two transactions changing the same rows ("Conflict on tuple deletion").
        """
        require_writable(self.path.parent)
        with self._writing, nullcontext(cursor) if cursor else self.cursor() as cursor:
            cursor.execute("BEGIN TRANSACTION")
            try:
                yield cursor
            except BaseException:
                try:
                    cursor.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # the failed statement ended the transaction; its own error tells why
                raise
            cursor.execute("COMMIT")

    @property
    def read_only(self) -> bool:
        """The data directory cannot be written: the data can be read, not changed."""
        return not is_writable(self.path.parent)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting while another process holds it; make the schema. In a
        read-only data directory the file is opened read-only (or, absent, an empty store)."""
        if self.read_only:
            connection = duckdb.connect(str(self.path), read_only=True) if self.path.exists() \
                else duckdb.connect()
            if not self.path.exists():
                connection.execute(SCHEMA)
            return connection
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.LOCK_WAIT_S
        while True:
            try:
                connection = duckdb.connect(str(self.path))
                break
            except duckdb.Error as error:
                first_line = str(error).splitlines()[0]
                if "lock" not in str(error).lower():
                    raise SlaInputError(
                        f"SLA 数据库 {self.path.name} 无法打开(文件可能已损坏:{first_line})。"
                        "原文件没有被改动;请从备份恢复,或把它改名移开后重新导入话单与报表。") from None
                if time.monotonic() >= deadline:
                    raise SlaInputError(
                        f"无法打开 SLA 数据库 {self.path}(可能正被另一个程序占用,"
                        f"已等待 {self.LOCK_WAIT_S:.0f} 秒):{first_line}") from None
                time.sleep(0.2)
        connection.execute(SCHEMA)
        return connection

    def _close_if_idle(self) -> None:
        with self._lock:
            if self._users == 0:
                self._close()

    def close(self) -> None:
        """Close the connection now (tests and the command line)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def query(self, sql: str, parameters: list | None = None) -> pd.DataFrame:
        """A query's result as a DataFrame."""
        with self.cursor() as cursor:
            return cursor.execute(sql, parameters or []).df()

    # ---- imports -------------------------------------------------------------------------------

    def import_file(self, file: Path | bytes, file_name: str,
                    allow_partial: bool = False) -> ImportResult:
        """Check a file and store it in one transaction; a file with errors is refused whole
        unless allow_partial, which stores the valid rows and returns the rejected ones."""
        digest = _sha256(file)
        try:
            return self._import(file, file_name, allow_partial, digest, repair=False)
        except SCAN_ERRORS:  # a row DuckDB cannot read, past the rows it sampled: row by row
            return self._import(file, file_name, allow_partial, digest, repair=True)

    def _import(self, file: Path | bytes, file_name: str, allow_partial: bool, digest: str,
                repair: bool) -> ImportResult:
        with self.cursor() as cursor, open_source(cursor, file, file_name, self.max_upload_bytes,
                                                  repair) as source:
            kind = KINDS[source.shape]
            checked = check(cursor, source, kind)
            result = ImportResult(file_name, source.shape, checked.total, rejected=checked.rejected,
                                  checked=checked)
            if len(checked.rejected) and not allow_partial:
                return result
            if checked.valid == 0:
                raise SlaInputError(f"「{file_name}」没有可导入的有效行。")
            with self.transaction(cursor):
                self._store(cursor, kind.name, checked, result, digest)
        result.stored = True
        return result

    def _store(self, cursor: duckdb.DuckDBPyConnection, table: str, checked: Checked,
               result: ImportResult, digest: str) -> None:
        match = " AND ".join(f"{part.format(t='kept')} = {part.format(t='new')}"
                             for part in MATCH[table])
        import_id = cursor.execute("SELECT nextval('import_ids')").fetchall()[0][0]
        result.sample_cleared = self._drop_sample(cursor)
        added = cursor.execute(
            f"INSERT INTO {table} BY NAME SELECT new.*, {import_id} AS import_id "
            f"FROM ({checked.valid_sql}) AS new "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS kept WHERE {match})").fetchall()[0][0]
        result.rows_added = added
        result.rows_existing = checked.valid - added
        if table == "calls":
            self._roll_up(cursor, import_id)
        self._remember_vendors(cursor, table, import_id)
        self._record_import(cursor, import_id, result, digest, sample=False)

    def vendor_order(self) -> list[str]:
        """Vendors in the order they were first stored, so that each keeps its colour in the
        charts as others are added (an unreadable record counts as none)."""
        with self.cursor() as cursor:
            return _vendor_order(cursor)

    def _remember_vendors(self, cursor: duckdb.DuckDBPyConnection, table: str,
                          import_id: int) -> None:
        known = _vendor_order(cursor)
        new = [vendor for (vendor,) in cursor.execute(
            f"SELECT DISTINCT vendor FROM {table} WHERE import_id = ? ORDER BY vendor",
            [import_id]).fetchall() if vendor not in known]
        if new:
            cursor.execute("INSERT OR REPLACE INTO meta VALUES ('vendor_order', ?)",
                           [json.dumps(known + new, ensure_ascii=False)])

    def _record_import(self, cursor: duckdb.DuckDBPyConnection, import_id: int,
                       result: ImportResult, digest: str, sample: bool) -> None:
        cursor.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [import_id, result.file_name, digest, result.shape, result.rows_read,
                        result.rows_added, result.rows_existing, len(result.rejected), sample,
                        dt.datetime.now().replace(microsecond=0)])

    # ---- sample data ---------------------------------------------------------------------------

    def ensure_sample(self, frame_factory) -> bool:
        """Load the sample calls once into an empty store (never again after it was cleared)."""
        if self.read_only:
            return False
        with self.cursor() as cursor:
            state = cursor.execute("SELECT value FROM meta WHERE key = 'sample'").fetchall()
            if state or cursor.execute("SELECT count(*) FROM imports").fetchall()[0][0]:
                return False
        frame = frame_factory()
        with self.transaction() as cursor:
            if cursor.execute("SELECT count(*) FROM meta WHERE key = 'sample'").fetchall()[0][0]:
                return False  # another session loaded it meanwhile
            import_id = cursor.execute("SELECT nextval('import_ids')").fetchall()[0][0]
            cursor.register("sample_frame", frame)
            cursor.execute(f"INSERT INTO calls BY NAME "
                           f"SELECT *, {import_id} AS import_id FROM sample_frame")
            self._roll_up(cursor, import_id)
            self._remember_vendors(cursor, "calls", import_id)
            result = ImportResult("示例数据", "calls", len(frame), len(frame), stored=True)
            self._record_import(cursor, import_id, result, "sample", sample=True)
            cursor.execute("INSERT INTO meta VALUES ('sample', 'loaded')")
        return True

    def clear_sample(self) -> None:
        """Remove the sample data for good."""
        with self.transaction() as cursor:
            self._drop_sample(cursor)

    def _roll_up(self, cursor: duckdb.DuckDBPyConnection, import_id: int) -> None:
        """Rewrite the rollups of the vendor-days an import added calls to."""
        cursor.execute("INSERT OR IGNORE INTO rollup_thresholds VALUES (?)", [float(self.threshold_s)])
        rollups.refresh(cursor, "SELECT vendor, CAST(arrived_at AS DATE) AS day FROM calls "
                                f"WHERE import_id = {int(import_id)}")

    @staticmethod
    def _drop_sample(cursor: duckdb.DuckDBPyConnection) -> bool:
        """Remove the sample data (calls, reports, their rollups); whether there was any."""
        sample = "SELECT import_id FROM imports WHERE sample"
        present = cursor.execute(f"SELECT count(*) FROM ({sample})").fetchall()[0][0] > 0
        cursor.execute(f"CREATE OR REPLACE TEMP TABLE sample_days AS SELECT DISTINCT vendor, "
                       f"CAST(arrived_at AS DATE) AS day FROM calls WHERE import_id IN ({sample})")
        cursor.execute(f"DELETE FROM calls WHERE import_id IN ({sample})")
        rollups.refresh(cursor, "SELECT * FROM sample_days")
        cursor.execute("DROP TABLE sample_days")
        cursor.execute(f"DELETE FROM reports WHERE import_id IN ({sample})")
        cursor.execute("DELETE FROM imports WHERE sample")
        cursor.execute("INSERT OR REPLACE INTO meta VALUES ('sample', 'cleared')")
        return present

    # ---- rollups -------------------------------------------------------------------------------

    def ensure_rollups(self, threshold_s: float) -> bool:
        """Make the rollups current (a store from before them gets them once) and keep the
        threshold's counts. Returns whether they are kept: False in a read-only store, where the
        board computes that threshold from the calls."""
        with self.cursor() as cursor:
            current = rollups.current(cursor)
            kept = rollups.has_threshold(cursor, threshold_s)
        if current and kept:
            return True
        if self.read_only:
            if not current:
                raise SlaInputError(
                    f"SLA 数据库 {self.path.name} 来自旧版本，缺少按时段的汇总；数据目录只读，无法补建。"
                    "请在可写的数据目录中打开一次 SLA看板（会自动补建），再以只读方式使用。")
            return False
        with self.transaction() as cursor:
            if not rollups.current(cursor):
                cursor.execute("INSERT OR IGNORE INTO rollup_thresholds VALUES (?)",
                               [float(self.threshold_s)])
                rollups.refresh(cursor, None)
            if not rollups.has_threshold(cursor, threshold_s):
                rollups.add_threshold(cursor, threshold_s)
        return True

    def shows_sample(self) -> bool:
        """True while the sample data is what the board shows."""
        with self.cursor() as cursor:
            return bool(cursor.execute("SELECT count(*) FROM imports WHERE sample").fetchall()[0][0])

    def source_label(self) -> str:
        """Where the board's data comes from, as exports state it."""
        return "示例数据（自动生成，不是真实数据）" if self.shows_sample() else "导入的话单与外包商报表"

    def counts(self) -> dict[str, int]:
        """Rows stored: calls, reports, imports."""
        with self.cursor() as cursor:
            return {table: cursor.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
                    for table in ("calls", "reports", "imports")}

    def version(self) -> str:
        """Changes whenever data or targets change (a cache key for the page)."""
        with self.cursor() as cursor:
            row = cursor.execute(
                "SELECT (SELECT coalesce(max(import_id), 0) FROM imports), "
                "(SELECT count(*) FROM imports), (SELECT count(*) FROM calls), "
                "(SELECT count(*) FROM reports), (SELECT value FROM meta WHERE key = 'targets')"
            ).fetchall()[0]
        return "/".join(str(part) for part in row)


def _vendor_order(cursor: duckdb.DuckDBPyConnection) -> list[str]:
    row = cursor.execute("SELECT value FROM meta WHERE key = 'vendor_order'").fetchall()
    try:
        order = json.loads(row[0][0]) if row else []
    except json.JSONDecodeError:
        return []
    return [name for name in order if isinstance(name, str)] if isinstance(order, list) else []
