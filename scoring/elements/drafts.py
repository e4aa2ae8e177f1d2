"""Saved element drafts: an SQLite file in the data directory; every save is all or nothing."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scoring.elements.model import Combination, ElementError, ServiceItem
from scoring.records import SavedRecordStore, owner_note

DB_FILE = "element_drafts.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS draft (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    elements TEXT NOT NULL,
    others TEXT NOT NULL DEFAULT '[]',
    overrides TEXT NOT NULL DEFAULT '{}',
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
    overrides: dict[str, str] = field(default_factory=dict)  # 不得外包 items kept, and why
    owner_name: str = ""

    @property
    def label(self) -> str:
        """How a list shows it: title, elements, who made it and when it was last saved."""
        return (f"{self.title}({self.combination.label},{owner_note(self.owner_name)}"
                f"保存于 {self.updated_at.replace('T', ' ')[:16]})")


class DraftStore(SavedRecordStore[SavedDraft]):
    """Element drafts in ``data_dir/element_drafts.sqlite3``."""

    db_file = DB_FILE
    schema = SCHEMA
    table = "draft"
    noun = "草稿"
    error = ElementError
    added_columns = (("draft", "overrides", "TEXT NOT NULL DEFAULT '{}'"),)

    def save(self, title: str, combination: Combination, items: Sequence[ServiceItem],
             draft_id: int | None = None, now: datetime | None = None,
             overrides: Mapping[str, str] | None = None) -> int:
        """Create (no id) or replace (id) a draft in one transaction; returns its id."""
        title = self._title(title)
        if not items:
            raise ElementError("草稿未保存:服务目录为空。")

        def replace_items(db: sqlite3.Connection, saved_id: int) -> None:
            db.execute("DELETE FROM service_item WHERE draft_id = ?", (saved_id,))
            db.executemany(
                "INSERT INTO service_item (draft_id, position, name, element, description,"
                " indicator, target) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(saved_id, position, item.name, item.element, item.description, item.indicator,
                  item.target) for position, item in enumerate(items)])

        head = {"title": title,
                "elements": json.dumps(list(combination.elements), ensure_ascii=False),
                "others": json.dumps(list(combination.others), ensure_ascii=False),
                "overrides": json.dumps({name: reason.strip() for name, reason in
                                         (overrides or {}).items() if reason.strip()},
                                        ensure_ascii=False)}
        return self._write(draft_id, head, replace_items, now)

    def _read(self, db: sqlite3.Connection, draft_id: int) -> SavedDraft:
        row = db.execute("SELECT id, title, elements, others, created_at, updated_at, overrides"
                         " FROM draft WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise self._missing(draft_id)
        items = tuple(ServiceItem(*item) for item in db.execute(
            "SELECT name, element, description, indicator, target FROM service_item"
            " WHERE draft_id = ? ORDER BY position", (draft_id,)))
        combination = Combination(tuple(json.loads(row[2])), tuple(json.loads(row[3])))
        return SavedDraft(row[0], row[1], combination, items, row[4], row[5], json.loads(row[6]),
                          self.owner_name_of(db, draft_id))
