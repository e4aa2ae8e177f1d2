"""Saved self-assessments: an SQLite file in the data directory; every save is all or nothing."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scoring.governance import Answer, AssessmentError, ChecklistItem, validate

DB_FILE = "assessments.sqlite3"
MAX_TITLE_CHARS = 100
SCHEMA = """
CREATE TABLE IF NOT EXISTS assessment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    functions TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answer (
    assessment_id INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('met', 'partial', 'not_met', 'na')),
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, item_id)
);
"""


@dataclass(frozen=True)
class SavedAssessment:
    id: int
    title: str
    functions: list[str]
    answers: dict[str, Answer]
    created_at: str
    updated_at: str

    @property
    def label(self) -> str:
        """How a list shows it: title and when it was last saved."""
        return f"{self.title}(保存于 {self.updated_at.replace('T', ' ')[:16]})"


class AssessmentStore:
    """Self-assessments in ``data_dir/assessments.sqlite3``."""

    def __init__(self, data_dir: Path, checklist: list[ChecklistItem]):
        self.path = Path(data_dir) / DB_FILE
        self.checklist = checklist

    def saved(self) -> list[SavedAssessment]:
        """Every saved assessment, most recently saved first."""
        if not self.path.exists():
            return []
        with self._connection() as db:
            ids = [row[0] for row in db.execute(
                "SELECT id FROM assessment ORDER BY updated_at DESC, id DESC")]
            return [self._read(db, assessment_id) for assessment_id in ids]

    def load(self, assessment_id: int) -> SavedAssessment:
        if not self.path.exists():
            raise AssessmentError(f"没有编号为 {assessment_id} 的自评。")
        with self._connection() as db:
            return self._read(db, assessment_id)

    def save(self, title: str, answers: Mapping[str, Answer], functions: Sequence[str] = (),
             assessment_id: int | None = None, now: datetime | None = None) -> int:
        """Create (no id) or replace (id) an assessment in one transaction; returns its id."""
        title = " ".join(title.split())
        if not title:
            raise AssessmentError("自评未保存:请填写自评名称。")
        if len(title) > MAX_TITLE_CHARS:
            raise AssessmentError(f"自评未保存:名称超过 {MAX_TITLE_CHARS} 字。")
        validate(self.checklist, answers)
        stamp = (now or datetime.now()).isoformat(timespec="seconds")
        functions_json = json.dumps(list(functions), ensure_ascii=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db, db:  # the inner `with db` commits, or rolls back on error
            if assessment_id is None:
                cursor = db.execute(
                    "INSERT INTO assessment (title, functions, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?)", (title, functions_json, stamp, stamp))
                assessment_id = cursor.lastrowid
            else:
                cursor = db.execute(
                    "UPDATE assessment SET title = ?, functions = ?, updated_at = ? WHERE id = ?",
                    (title, functions_json, stamp, assessment_id))
                if cursor.rowcount == 0:
                    raise AssessmentError(f"自评未保存:没有编号为 {assessment_id} 的自评。")
                db.execute("DELETE FROM answer WHERE assessment_id = ?", (assessment_id,))
            db.executemany(
                "INSERT INTO answer (assessment_id, item_id, answer, note) VALUES (?, ?, ?, ?)",
                [(assessment_id, item_id, answer.answer, answer.note.strip())
                 for item_id, answer in answers.items()])
        return assessment_id

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("PRAGMA foreign_keys = ON")
            db.executescript(SCHEMA)
            yield db

    def _read(self, db: sqlite3.Connection, assessment_id: int) -> SavedAssessment:
        row = db.execute("SELECT id, title, functions, created_at, updated_at FROM assessment"
                         " WHERE id = ?", (assessment_id,)).fetchone()
        if row is None:
            raise AssessmentError(f"没有编号为 {assessment_id} 的自评。")
        answers = {item_id: Answer(answer, note) for item_id, answer, note in db.execute(
            "SELECT item_id, answer, note FROM answer WHERE assessment_id = ?", (assessment_id,))}
        return SavedAssessment(row[0], row[1], json.loads(row[2]), answers, row[3], row[4])
