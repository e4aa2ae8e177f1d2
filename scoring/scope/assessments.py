"""Saved self-assessments: an SQLite file in the data directory; every save is all or nothing."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scoring.records import SavedRecordStore, owner_note
from scoring.scope.governance import Answer, AssessmentError, ChecklistItem, validate

DB_FILE = "assessments.sqlite3"
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
    owner_name: str = ""

    @property
    def label(self) -> str:
        """How a list shows it: title, who made it and when it was last saved."""
        return f"{self.title}({owner_note(self.owner_name)}保存于 {self.updated_at.replace('T', ' ')[:16]})"


class AssessmentStore(SavedRecordStore[SavedAssessment]):
    """Self-assessments in ``data_dir/assessments.sqlite3``."""

    db_file = DB_FILE
    schema = SCHEMA
    table = "assessment"
    noun = "自评"
    error = AssessmentError

    def __init__(self, data_dir: Path, checklist: list[ChecklistItem]):
        super().__init__(data_dir)
        self.checklist = checklist

    def save(self, title: str, answers: Mapping[str, Answer], functions: Sequence[str] = (),
             assessment_id: int | None = None, now: datetime | None = None) -> int:
        """Create (no id) or replace (id) an assessment in one transaction; returns its id."""
        title = self._title(title)
        validate(self.checklist, answers)

        def replace_answers(db: sqlite3.Connection, saved_id: int) -> None:
            db.execute("DELETE FROM answer WHERE assessment_id = ?", (saved_id,))
            db.executemany(
                "INSERT INTO answer (assessment_id, item_id, answer, note) VALUES (?, ?, ?, ?)",
                [(saved_id, item_id, answer.answer, answer.note.strip())
                 for item_id, answer in answers.items()])

        head = {"title": title, "functions": json.dumps(list(functions), ensure_ascii=False)}
        return self._write(assessment_id, head, replace_answers, now)

    def _read(self, db: sqlite3.Connection, assessment_id: int) -> SavedAssessment:
        row = db.execute("SELECT id, title, functions, created_at, updated_at FROM assessment"
                         " WHERE id = ?", (assessment_id,)).fetchone()
        if row is None:
            raise self._missing(assessment_id)
        answers = {item_id: Answer(answer, note) for item_id, answer, note in db.execute(
            "SELECT item_id, answer, note FROM answer WHERE assessment_id = ?", (assessment_id,))}
        return SavedAssessment(row[0], row[1], json.loads(row[2]), answers, row[3], row[4],
                               self.owner_name_of(db, assessment_id))
