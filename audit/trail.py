"""The audit trail: who did what to which object, when, how they came and how it ended.

Rows of ``data_dir/audit.sqlite3``, appended only: triggers refuse UPDATE and DELETE, no method
edits or removes, and each entry's hash seals its fields and the hash before it, so ``verify``
names the first entry edited, removed or re-linked by hand (cutting off the newest leaves no gap:
backups keep the length). A damaged file is reported and left where it is, as evidence.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, astuple, dataclass, fields, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from errors import UserError
from storage import ReadOnlyDataDir, require_writable

AUDIT_FILE = "audit.sqlite3"
OUTCOMES = {"done": "完成", "refused": "拒绝", "failed": "失败", "cancelled": "已取消"}
GENESIS = "0" * 64
MAX_TEXT_CHARS = 2000
LOCK_TIMEOUT_S = 30
SQLITE_HEADER = b"SQLite format 3\x00"
SEARCHED_COLUMNS = ("target", "before", "after", "label", "actor_name")


class AuditError(UserError):
    """The audit file cannot be used (damaged, not an audit trail, held too long): nothing
    was written, and the file is left as it is."""


@dataclass(frozen=True)
class Entry:
    """One audited action, as stored; ``hash`` seals the fields before it and ``prev_hash``."""

    seq: int
    at: str
    actor: str
    actor_name: str
    via: str
    action: str
    label: str
    target: str
    outcome: str
    before: str
    after: str
    prev_hash: str
    hash: str

    def as_row(self) -> dict[str, object]:
        """The entry for a table shown to people (Chinese column names)."""
        return {"序号": self.seq, "时间": self.at.replace("T", " "), "操作人": self.actor_name,
                "账号": self.actor, "方式": self.via, "操作": self.label, "对象": self.target,
                "结果": OUTCOMES.get(self.outcome, self.outcome), "变更前": self.before,
                "变更后": self.after}

    def as_json(self) -> dict[str, object]:
        return asdict(self)

    def sealed_hash(self) -> str:
        """The hash the fields and ``prev_hash`` call for (equal to ``hash`` unless edited)."""
        canonical = json.dumps(astuple(self)[:-1], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


COLUMNS = tuple(field.name for field in fields(Entry))
SCHEMA = (  # the columns in COLUMNS' order (checked on opening): rows read and written whole
    "CREATE TABLE IF NOT EXISTS entry (seq INTEGER PRIMARY KEY, "
    + ", ".join(f"{name} TEXT NOT NULL" for name in COLUMNS[1:]) + ")",
    *(f"CREATE TRIGGER IF NOT EXISTS entry_never_{change}d BEFORE {change.upper()} ON entry"
      f" BEGIN SELECT RAISE(ABORT, '审计日志只能追加,不能{word}。'); END"
      for change, word in (("update", "修改"), ("delete", "删除"))),
)


@dataclass(frozen=True)
class Verification:
    """The result of walking the hash chain: intact, or the first entry that breaks it."""

    intact: bool
    count: int
    broken_seq: int | None
    reason: str

    @property
    def message(self) -> str:
        if self.intact:
            return f"审计日志完整:共 {self.count} 条记录,哈希链校验通过。"
        return (f"审计日志校验未通过:序号 {self.broken_seq} 处断开,{self.reason}。"
                f"该条及其后的记录不可信;请保留原文件,与备份核对,并报告安全管理员。")


def _text(value: object) -> str:
    """A text field as stored: without NUL, at most MAX_TEXT_CHARS (a cut ends with "…")."""
    text = str(value).replace("\x00", "")
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS - 1] + "…"


class AuditTrail:
    """The trail in ``data_dir/audit.sqlite3``; nothing is created until the first record."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / AUDIT_FILE

    def record(self, actor: str, actor_name: str, via: str, action: str, label: str,
               target: str = "", outcome: str = "done", before: str = "", after: str = "",
               now: datetime | None = None) -> Entry:
        """Append one entry, chained to the last; safe with many threads and processes at once
        (the last hash is read and the entry added under one write lock)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {sorted(OUTCOMES)}, not {outcome!r}")
        at = (now or datetime.now()).isoformat(timespec="seconds")
        texts = [_text(value) for value in (actor, actor_name, via, action, label, target,
                                            outcome, before, after)]
        with self._writing() as db:
            last = db.execute("SELECT seq, hash FROM entry ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
            unsealed = Entry(seq, at, *texts, prev_hash=prev_hash, hash="")
            entry = replace(unsealed, hash=unsealed.sealed_hash())
            db.execute(f"INSERT INTO entry VALUES ({', '.join('?' * len(COLUMNS))})",
                       astuple(entry))
        return entry

    def ensure_writable(self) -> None:
        """Raise now (ReadOnlyDataDir, AuditError) if a record could not be written: call it
        before a change, so that no change happens unaudited. Creates nothing."""
        require_writable(self.path.parent)
        if self.path.exists():
            if not os.access(self.path, os.W_OK):
                raise self._read_only()
            with self._writing():
                pass  # the file is an audit trail, and its write lock can be had

    def entries(self, since: date | None = None, until: date | None = None,
                actor: str | None = None, action: str | None = None, outcome: str | None = None,
                text: str | None = None, limit: int | None = None) -> list[Entry]:
        """Entries newest first; ``since``/``until`` are days, both included; ``text`` is looked
        for (ASCII in any case) in the object, the change, the action's label, the actor's name."""
        wanted = {"at >= ?": since and since.isoformat(),
                  "at < ?": until and (until + timedelta(days=1)).isoformat(),
                  "actor = ?": actor, "action = ?": action, "outcome = ?": outcome}
        conditions = ["1", *(condition for condition, value in wanted.items() if value is not None)]
        values = [value for value in wanted.values() if value is not None]
        if text:
            conditions.append("(" + " OR ".join(f"instr(lower({column}), lower(?)) > 0"
                                                for column in SEARCHED_COLUMNS) + ")")
            values.extend([text] * len(SEARCHED_COLUMNS))
        values.append(-1 if limit is None else limit)  # SQLite: a negative LIMIT is no limit
        query = f"SELECT * FROM entry WHERE {' AND '.join(conditions)} ORDER BY seq DESC LIMIT ?"
        return [Entry(*row) for row in self._rows(query, values)]

    def actors(self) -> list[tuple[str, str]]:
        """Every (actor, actor_name) that appears, for a filter."""
        return self._rows("SELECT DISTINCT actor, actor_name FROM entry ORDER BY actor, actor_name")

    def actions(self) -> list[tuple[str, str]]:
        """Every (action, label) that appears, for a filter."""
        return self._rows("SELECT DISTINCT action, label FROM entry ORDER BY action, label")

    def verify(self) -> Verification:
        """Walk the chain oldest first; the first entry out of sequence, not linked to the one
        before or not matching its own hash is where it breaks. No file counts as intact."""
        rows = self._rows("SELECT * FROM entry ORDER BY seq")
        last_seq, last_hash = 0, GENESIS
        for entry in (Entry(*row) for row in rows):
            if entry.seq > last_seq + 1:
                reason = f"第 {entry.seq} 条之前缺少记录(被删除过)"
            elif entry.seq != last_seq + 1 or entry.prev_hash != last_hash:
                reason = f"第 {entry.seq} 条记录与前一条不相连"
            elif entry.sealed_hash() != entry.hash:
                reason = f"第 {entry.seq} 条记录的内容与其哈希不符(被修改过)"
            else:
                last_seq, last_hash = entry.seq, entry.hash
                continue
            return Verification(False, len(rows), entry.seq, reason)
        return Verification(True, len(rows), None, "")

    def _rows(self, query: str, values: Sequence[object] = ()) -> list[tuple]:
        """The rows a query of ``entry`` finds; none when there is no file or it is empty."""
        if not self.path.exists():
            return []
        self._check_header()
        with self._reported(), closing(sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_S)) as db:
            return db.execute(query, values).fetchall() if self._has_entries(db) else []

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one write transaction (BEGIN IMMEDIATE: one writer at a time,
        the others wait up to LOCK_TIMEOUT_S), committed at the end or rolled back on error."""
        require_writable(self.path.parent)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._check_header()
        connection = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_S, isolation_level=None)
        with self._reported(), closing(connection) as db, db:  # `with db`: commit or roll back
            db.execute("BEGIN IMMEDIATE")
            self._has_entries(db)
            for statement in SCHEMA:
                db.execute(statement)
            yield db

    def _has_entries(self, db: sqlite3.Connection) -> bool:
        """Whether the file holds the ``entry`` table; refused if it holds anything else."""
        if not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return False  # an empty file: nothing recorded yet
        columns = tuple(row[1] for row in db.execute("PRAGMA table_info(entry)"))
        if columns != COLUMNS:
            raise self._damaged("不是审计日志的表结构")
        return True

    def _check_header(self) -> None:
        """Refuse a file that is not SQLite's (SQLite would take a 1-byte file for an empty
        database and write over it). Read before SQLite opens the file, never while it has it
        open: closing another handle of the file would drop SQLite's locks in this process."""
        if self.path.exists():
            with self.path.open("rb") as file:
                if file.read(len(SQLITE_HEADER)) not in (b"", SQLITE_HEADER):
                    raise self._damaged("不是 SQLite 数据库文件")

    @contextmanager
    def _reported(self) -> Iterator[None]:
        """SQLite's refusals said in Chinese: a damaged file (left alone), a read-only one."""
        try:
            yield
        except sqlite3.OperationalError as error:
            if "locked" in str(error):  # another writer held the file for LOCK_TIMEOUT_S
                raise AuditError(f"审计日志 {self.path} 正被占用,{LOCK_TIMEOUT_S} 秒内没能打开。"
                                 "没有改动任何内容;请稍后再试。") from None
            if "readonly" not in str(error):
                raise
            raise self._read_only() from None
        except sqlite3.DatabaseError as error:
            if type(error) is not sqlite3.DatabaseError:  # a refused statement, not a bad file
                raise
            raise self._damaged(str(error)) from None

    def _read_only(self) -> ReadOnlyDataDir:
        return ReadOnlyDataDir(f"审计日志 {self.path} 是只读的,操作无法记录,因此不能保存任何更改。"
                               "请让管理员恢复该文件的写权限后再试。")

    def _damaged(self, why: str) -> AuditError:
        return AuditError(f"审计日志文件 {self.path} 已损坏,无法读取({why})。没有改动任何内容,"
                          "该文件也原样留在原处(它是证据);请从备份恢复该文件后再试。")
