"""Saved records: titled rows with detail rows in an SQLite file; every change is all or nothing."""
from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from access.gate import LOCAL_USER
from storage import is_writable, require_writable

MAX_TITLE_CHARS = 100
Record = TypeVar("Record")


def owner_note(owner_name: str) -> str:
    """Who made a record, as its label in a list says it (nothing in single-user mode)."""
    return f"{owner_name}," if owner_name and owner_name != LOCAL_USER else ""


class SavedRecordStore(Generic[Record]):
    """Records in ``data_dir/<db_file>``: one row of ``table`` each, detail rows deleted with it.

    A subclass names its file, schema, head table, noun (自评, 草稿) and error class, and reads
    one record in ``_read``; its ``save`` checks its own input and hands the rows to ``_write``.
    Columns added after a file was first made come from ``added_columns`` (ALTER TABLE … ADD
    COLUMN, run once on a file that lacks them).

    Every record has an owner (who made it; records older than sign-in belong to 本机用户).
    ``for_owner`` gives the store as one person uses it: what they save is theirs, and a
    ``private`` kind of record (conversations) is seen, opened and deleted by its owner only.
    """

    db_file: ClassVar[str]
    schema: ClassVar[str]
    added_columns: ClassVar[tuple[tuple[str, str, str], ...]] = ()  # (table, column, definition)
    table: ClassVar[str]
    noun: ClassVar[str]
    error: ClassVar[type[Exception]]
    private: ClassVar[bool] = False

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / self.db_file
        self.owner, self.owner_name = LOCAL_USER, LOCAL_USER

    def for_owner(self, owner: str, owner_name: str) -> SavedRecordStore[Record]:
        """This store as one person uses it."""
        mine = copy.copy(self)
        mine.owner, mine.owner_name = owner, owner_name
        return mine

    def saved(self) -> list[Record]:
        """Every saved record (of the owner, for private records), most recently saved first."""
        if not self.path.exists():
            return []
        mine, args = (" WHERE owner = ?", (self.owner,)) if self.private else ("", ())
        with self._connection() as db:
            ids = [row[0] for row in db.execute(
                f"SELECT id FROM {self.table}{mine} ORDER BY updated_at DESC, id DESC", args)]
            return [self._read(db, record_id) for record_id in ids]

    def load(self, record_id: int) -> Record:
        if not self.path.exists():
            raise self._missing(record_id)
        with self._connection() as db:
            self._check_owner(db, record_id)
            return self._read(db, record_id)

    def delete(self, record_id: int) -> None:
        """Remove a record and (by cascade) its detail rows in one transaction."""
        if not self.path.exists():
            raise self._missing(record_id)
        require_writable(self.path.parent)
        with self._connection() as db, db:  # the inner `with db` commits, or rolls back on error
            self._check_owner(db, record_id)
            if db.execute(f"DELETE FROM {self.table} WHERE id = ?", (record_id,)).rowcount == 0:
                raise self._missing(record_id)

    def owner_name_of(self, db: sqlite3.Connection, record_id: int) -> str:
        row = db.execute(f"SELECT owner_name FROM {self.table} WHERE id = ?", (record_id,)).fetchone()
        return row[0] if row else ""

    def _check_owner(self, db: sqlite3.Connection, record_id: int) -> None:
        """A private record of someone else is as good as missing."""
        if self.private:
            row = db.execute(f"SELECT owner FROM {self.table} WHERE id = ?", (record_id,)).fetchone()
            if row is None or row[0] != self.owner:
                raise self._missing(record_id)

    def _title(self, title: str) -> str:
        """The title with runs of whitespace made single spaces; refused if empty or too long."""
        title = " ".join(title.split())
        if not title:
            raise self.error(f"{self.noun}未保存:请填写{self.noun}名称。")
        if len(title) > MAX_TITLE_CHARS:
            raise self.error(f"{self.noun}未保存:名称超过 {MAX_TITLE_CHARS} 字。")
        return title

    def _write(self, record_id: int | None, head_values: Mapping[str, object],
               write_details: Callable[[sqlite3.Connection, int], None],
               now: datetime | None) -> int:
        """Insert (no id) or update the head row, then let ``write_details`` replace the detail
        rows, all in one transaction; returns the record's id."""
        stamp = (now or datetime.now()).isoformat(timespec="seconds")
        columns, values = list(head_values), list(head_values.values())
        require_writable(self.path.parent)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db, db:  # the inner `with db` commits, or rolls back on error
            if record_id is None:
                record_id = db.execute(
                    f"INSERT INTO {self.table} ({', '.join(columns)}, created_at, updated_at, owner,"
                    f" owner_name) VALUES ({', '.join('?' * (len(columns) + 4))})",
                    (*values, stamp, stamp, self.owner, self.owner_name)).lastrowid
            else:
                self._check_owner(db, record_id)
                assignments = ", ".join(f"{column} = ?" for column in columns)
                cursor = db.execute(
                    f"UPDATE {self.table} SET {assignments}, updated_at = ? WHERE id = ?",
                    (*values, stamp, record_id))
                if cursor.rowcount == 0:
                    raise self.error(f"{self.noun}未保存:没有编号为 {record_id} 的{self.noun}。")
            write_details(db, record_id)
        return record_id

    def _missing(self, record_id: int) -> Exception:
        return self.error(f"没有编号为 {record_id} 的{self.noun}。")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection with the schema made; a file SQLite cannot read is reported, not used."""
        try:
            with closing(sqlite3.connect(self.path, timeout=10)) as db:
                db.execute("PRAGMA foreign_keys = ON")
                if is_writable(self.path.parent):
                    db.executescript(self.schema)
                    self._add_columns(db)
                yield db
        except sqlite3.OperationalError as error:
            if "readonly" in str(error):
                require_writable(self.path.parent)
            raise
        except sqlite3.DatabaseError as error:
            if type(error) is not sqlite3.DatabaseError:  # a refused row, not a damaged file
                raise
            raise self.error(
                f"{self.noun}数据库 {self.path.name} 无法读取(文件可能已损坏:{error})。原文件没有被"
                f"改动;请从备份恢复,或把它改名移开后重新开始(之前保存的{self.noun}将不显示)。") from None

    def _add_columns(self, db: sqlite3.Connection) -> None:
        owner_columns = ((self.table, "owner", f"TEXT NOT NULL DEFAULT '{LOCAL_USER}'"),
                         (self.table, "owner_name", f"TEXT NOT NULL DEFAULT '{LOCAL_USER}'"))
        for table, column, definition in (*self.added_columns, *owner_columns):
            present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    def _read(self, db: sqlite3.Connection, record_id: int) -> Record:
        """One record with its detail rows; raises ``self._missing(record_id)`` if there is none."""
        raise NotImplementedError
