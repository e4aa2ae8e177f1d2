"""Kept conversations of 智能问答: each question with its whole answer (citations included) and the
user's 👍/👎 with an optional reason, in an SQLite file of the data directory. A refresh of the
browser reopens the conversation; the disliked answers feed the bank's own evaluation set."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from errors import UserError
from knowledge.answer import Answer
from scoring.records import SavedRecordStore
from storage import require_writable

DB_FILE = "conversations.sqlite3"
TITLE_CHARS = 40
MAX_REASON_CHARS = 500
SCHEMA = """
CREATE TABLE IF NOT EXISTS conversation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turn (
    conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    liked INTEGER CHECK (liked IN (0, 1)),
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (conversation_id, position)
);
"""


class ConversationError(UserError):
    """A conversation that cannot be read or changed; the message is user-facing (Chinese)."""


@dataclass(frozen=True)
class Turn:
    question: str
    answer: Answer
    asked_at: str
    liked: bool | None = None  # 👍 True, 👎 False, not rated None
    reason: str = ""


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    turns: tuple[Turn, ...]
    created_at: str
    updated_at: str

    @property
    def label(self) -> str:
        """How a list shows it: the first question and when it was last added to."""
        return f"{self.title}({len(self.turns)} 问,{self.updated_at.replace('T', ' ')[:16]})"


@dataclass(frozen=True)
class Disliked:
    """A 👎 answer, where it is, and why (as the user said)."""
    conversation_id: int
    position: int
    turn: Turn


class ConversationStore(SavedRecordStore[Conversation]):
    """Conversations in ``data_dir/conversations.sqlite3``."""

    db_file = DB_FILE
    schema = SCHEMA
    table = "conversation"
    noun = "对话"
    error = ConversationError
    private = True  # a person sees, opens and deletes their own conversations only

    def add_turn(self, conversation_id: int | None, question: str, answer: Answer,
                 now: datetime | None = None) -> tuple[int, int]:
        """Append a question and its answer (to a new conversation when no id, titled by the
        question) in one transaction; returns (conversation id, position of the turn)."""
        stamp = (now or datetime.now()).isoformat(timespec="seconds")
        record = json.dumps(answer.to_record(), ensure_ascii=False)
        require_writable(self.path.parent)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db, db:
            if conversation_id is None:
                title = " ".join(question.split())[:TITLE_CHARS] or "对话"
                conversation_id = db.execute(
                    "INSERT INTO conversation (title, created_at, updated_at, owner, owner_name) "
                    "VALUES (?, ?, ?, ?, ?)", (title, stamp, stamp, self.owner, self.owner_name)
                ).lastrowid
            elif self._check_owner(db, conversation_id) or db.execute("UPDATE conversation SET updated_at = ? WHERE id = ?",
                            (stamp, conversation_id)).rowcount == 0:
                raise self._missing(conversation_id)
            position = db.execute("SELECT coalesce(max(position), -1) + 1 FROM turn "
                                  "WHERE conversation_id = ?", (conversation_id,)).fetchone()[0]
            db.execute("INSERT INTO turn (conversation_id, position, question, answer, asked_at) "
                       "VALUES (?, ?, ?, ?, ?)", (conversation_id, position, question, record, stamp))
        return conversation_id, position

    def rate(self, conversation_id: int, position: int, liked: bool | None,
             reason: str = "") -> None:
        """Keep the user's 👍/👎 (None takes it back) and reason for one answer."""
        reason = " ".join(reason.split())
        if len(reason) > MAX_REASON_CHARS:
            raise ConversationError(f"原因太长({len(reason)} 字):请控制在 {MAX_REASON_CHARS} 字以内。")
        require_writable(self.path.parent)
        with self._connection() as db, db:
            try:
                self._check_owner(db, conversation_id)
            except ConversationError:
                raise ConversationError("评价未保存:这条回答已不在保存的对话中(对话可能已被删除)。") from None
            changed = db.execute(
                "UPDATE turn SET liked = ?, reason = ? WHERE conversation_id = ? AND position = ?",
                (None if liked is None else int(liked), reason, conversation_id, position)).rowcount
            if not changed:
                raise ConversationError("评价未保存:这条回答已不在保存的对话中(对话可能已被删除)。")

    def disliked(self) -> list[Disliked]:
        """Every 👎 answer, newest first."""
        if not self.path.exists():
            return []
        with self._connection() as db:
            rows = db.execute("SELECT conversation_id, position, question, answer, asked_at, liked,"
                              " reason FROM turn WHERE liked = 0 ORDER BY asked_at DESC, "
                              "conversation_id DESC, position DESC").fetchall()
        return [Disliked(row[0], row[1], _turn(row[2:])) for row in rows]

    def _read(self, db: sqlite3.Connection, record_id: int) -> Conversation:
        head = db.execute("SELECT id, title, created_at, updated_at FROM conversation WHERE id = ?",
                          (record_id,)).fetchone()
        if head is None:
            raise self._missing(record_id)
        rows = db.execute("SELECT question, answer, asked_at, liked, reason FROM turn "
                          "WHERE conversation_id = ? ORDER BY position", (record_id,)).fetchall()
        return Conversation(head[0], head[1], tuple(_turn(row) for row in rows), head[2], head[3])


def _turn(row: tuple) -> Turn:
    question, answer, asked_at, liked, reason = row
    return Turn(question, Answer.from_record(json.loads(answer)), asked_at,
                None if liked is None else bool(liked), reason)
