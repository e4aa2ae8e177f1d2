"""The people who have signed in and the roles a 系统管理员 gave them, in an SQLite file of the
data directory. Every change is one transaction; a damaged file is refused, never replaced."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from errors import UserError
from storage import SqliteFile

PEOPLE_FILE = "people.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS person (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    roles TEXT NOT NULL DEFAULT '[]',
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    roles_changed_by TEXT NOT NULL DEFAULT '',
    roles_changed_at TEXT NOT NULL DEFAULT ''
);
-- one row per sign-in at the provider (its identity token's issue time), however many times
-- the browser reloads the app afterwards
CREATE TABLE IF NOT EXISTS sign_in (
    person_id TEXT NOT NULL,
    issued TEXT NOT NULL,
    PRIMARY KEY (person_id, issued)
);
"""


class PeopleError(UserError):
    """The file of people and roles cannot be read or written; the message is in Chinese."""


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    roles: frozenset[str]  # given in the app (roles from groups or settings come on top)
    first_seen: str
    last_seen: str
    roles_changed_by: str = ""
    roles_changed_at: str = ""


class People:
    """``data_dir/people.sqlite3``: who has signed in, and the roles given to them."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / PEOPLE_FILE
        self.database = SqliteFile(self.path, SCHEMA, lambda error: PeopleError(
            f"用户与角色文件 {self.path} 已损坏或无法读取({error}),角色未更改。请让管理员从备份恢复该文件。"))

    def seen(self, person_id: str, name: str, issued: str = "",
             now: datetime | None = None) -> bool:
        """Note that the person opened the app (they are then listed for roles to be given).

        Returns whether this is a new sign-in: True unless the sign-in's identity token
        (`issued`, its issue time) was seen before, as it is when the browser reloads the app
        (a new session, the same sign-in); without one, every session counts.
        """
        stamp = _stamp(now)
        with self.database.writing() as db:
            db.execute("INSERT INTO person (id, name, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen",
                       (person_id, name, stamp, stamp))
            if not issued:
                return True
            return db.execute("INSERT OR IGNORE INTO sign_in (person_id, issued) VALUES (?, ?)",
                              (person_id, issued)).rowcount == 1

    def roles_of(self, person_id: str) -> frozenset[str]:
        person = self.find(person_id)
        return person.roles if person else frozenset()

    def find(self, person_id: str) -> Person | None:
        with self.database.reading() as db:
            row = db and db.execute("SELECT * FROM person WHERE id = ?", (person_id,)).fetchone()
        return _person(row) if row else None

    def everyone(self) -> list[Person]:
        """Everyone known, most recently seen first."""
        with self.database.reading() as db:
            rows = db.execute("SELECT * FROM person ORDER BY last_seen DESC, id").fetchall() if db else []
        return [_person(row) for row in rows]

    def give(self, person_id: str, roles: frozenset[str], by: str,
             now: datetime | None = None) -> None:
        """Set the roles given to a known person."""
        stamp = _stamp(now)
        with self.database.writing() as db:
            row = db.execute("SELECT roles FROM person WHERE id = ?", (person_id,)).fetchone()
            if row is None:
                raise PeopleError(f"找不到用户「{person_id}」:用户需先登录一次，才能为其分配角色。")
            db.execute("UPDATE person SET roles = ?, roles_changed_by = ?, roles_changed_at = ? "
                       "WHERE id = ?", (json.dumps(sorted(roles)), by, stamp, person_id))


def _person(row: sqlite3.Row) -> Person:
    return Person(row["id"], row["name"], frozenset(json.loads(row["roles"])), row["first_seen"],
                  row["last_seen"], row["roles_changed_by"], row["roles_changed_at"])


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now()).isoformat(timespec="seconds")
