"""Saved element drafts: an SQLite file in the data directory; every save is all or nothing."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scoring.elements.model import Combination, ElementError, ServiceItem

DB_FILE = "element_drafts.sqlite3"
MAX_TITLE_CHARS = 100
SCHEMA = """
CREATE TABLE IF NOT EXISTS draft (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    elements TEXT NOT NULL,
    others TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS service_item (
    draft_id INTEGER NOT NULL REFERENCES draft(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    element TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    indicator TEXT NOT NULL DEFAULT '',
    target REAL,
    PRIMARY KEY (draft_id, position)
);
"""


@dataclass(frozen=True)
class SavedDraft:
    id: int
    title: str
    combination: Combination
    items: tuple[ServiceItem, ...]
    created_at: str
    updated_at: str

    @property
    def label(self) -> str:
        """How a list shows it: title, elements and when it was last saved."""
        return (f"{self.title}({self.combination.label},"
                f"保存于 {self.updated_at.replace('T', ' ')[:16]})")


class DraftStore:
    """Element drafts in ``data_dir/element_drafts.sqlite3``."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / DB_FILE

    def saved(self) -> list[SavedDraft]:
        """Every saved draft, most recently saved first."""
        if not self.path.exists():
            return []
        with self._connection() as db:
            ids = [row[0] for row in db.execute(
                "SELECT id FROM draft ORDER BY updated_at DESC, id DESC")]
            return [self._read(db, draft_id) for draft_id in ids]

    def load(self, draft_id: int) -> SavedDraft:
        if not self.path.exists():
            raise ElementError(f"没有编号为 {draft_id} 的草稿。")
        with self._connection() as db:
            return self._read(db, draft_id)

    def save(self, title: str, combination: Combination, items: Sequence[ServiceItem],
             draft_id: int | None = None, now: datetime | None = None) -> int:
        """Create (no id) or replace (id) a draft in one transaction; returns its id."""
        title = " ".join(title.split())
        if not title:
            raise ElementError("草稿未保存:请填写草稿名称。")
        if len(title) > MAX_TITLE_CHARS:
            raise ElementError(f"草稿未保存:名称超过 {MAX_TITLE_CHARS} 字。")
        if not items:
            raise ElementError("草稿未保存:服务目录为空。")
        stamp = (now or datetime.now()).isoformat(timespec="seconds")
        elements = json.dumps(list(combination.elements), ensure_ascii=False)
        others = json.dumps(list(combination.others), ensure_ascii=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db, db:  # the inner `with db` commits, or rolls back on error
            if draft_id is None:
                draft_id = db.execute(
                    "INSERT INTO draft (title, elements, others, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)", (title, elements, others, stamp, stamp)).lastrowid
            else:
                cursor = db.execute("UPDATE draft SET title = ?, elements = ?, others = ?,"
                                    " updated_at = ? WHERE id = ?",
                                    (title, elements, others, stamp, draft_id))
                if cursor.rowcount == 0:
                    raise ElementError(f"草稿未保存:没有编号为 {draft_id} 的草稿。")
                db.execute("DELETE FROM service_item WHERE draft_id = ?", (draft_id,))
            db.executemany(
                "INSERT INTO service_item (draft_id, position, name, element, description,"
                " indicator, target) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(draft_id, position, item.name, item.element, item.description, item.indicator,
                  item.target) for position, item in enumerate(items)])
        return draft_id

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("PRAGMA foreign_keys = ON")
            db.executescript(SCHEMA)
            yield db

    def _read(self, db: sqlite3.Connection, draft_id: int) -> SavedDraft:
        row = db.execute("SELECT id, title, elements, others, created_at, updated_at FROM draft"
                         " WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise ElementError(f"没有编号为 {draft_id} 的草稿。")
        items = tuple(ServiceItem(*item) for item in db.execute(
            "SELECT name, element, description, indicator, target FROM service_item"
            " WHERE draft_id = ? ORDER BY position", (draft_id,)))
        combination = Combination(tuple(json.loads(row[2])), tuple(json.loads(row[3])))
        return SavedDraft(row[0], row[1], combination, items, row[4], row[5])
