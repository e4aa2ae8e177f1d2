"""外包台账 in ``data_dir/register.sqlite3`` and its evidence files in ``data_dir/evidence/``
(named by their SHA-256, written whole before the row that names them). Every change is one
transaction; a damaged file is refused, never replaced."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.register.model import (
    VENDOR_STATUSES,
    Duty,
    Evidence,
    Project,
    RegisterError,
    StepRecord,
    Vendor,
    advance,
    check_credit_code,
)
from storage import SqliteFile, atomic_write, require_writable

if TYPE_CHECKING:
    from scoring.register.duties import CandidateDuty

REGISTER_FILE = "register.sqlite3"
EVIDENCE_DIR = "evidence"
MAX_TEXT = 2000
SCHEMA = """
CREATE TABLE IF NOT EXISTS vendor (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    credit_code TEXT NOT NULL DEFAULT '',
    contacts TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS vendor_credit_code ON vendor(credit_code) WHERE credit_code != '';
CREATE TABLE IF NOT EXISTS alias (
    name TEXT PRIMARY KEY,
    vendor_id INTEGER NOT NULL REFERENCES vendor(id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS project (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    vendor_id INTEGER NOT NULL REFERENCES vendor(id),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    elements TEXT NOT NULL DEFAULT '[]',
    draft_id INTEGER,
    assessment_id INTEGER,
    term_start TEXT,
    term_end TEXT,
    notice_days INTEGER NOT NULL DEFAULT 90,
    fee_basis TEXT NOT NULL DEFAULT '',
    deduction_cap_pct REAL,
    stage TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (vendor_id, name)
);
CREATE TABLE IF NOT EXISTS step (
    project_id INTEGER NOT NULL REFERENCES project(id),
    stage TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (project_id, stage)
);
CREATE TABLE IF NOT EXISTS evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER,
    stage TEXT NOT NULL DEFAULT '',
    duty_id INTEGER,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duty (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    vendor_id INTEGER NOT NULL REFERENCES vendor(id),
    project_id INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL, clause TEXT NOT NULL, quote TEXT NOT NULL,
    period TEXT, deadline TEXT,
    owner TEXT NOT NULL DEFAULT '',
    next_due TEXT,
    evidence_required TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (key, vendor_id, project_id)
);
CREATE TABLE IF NOT EXISTS duty_done (
    duty_id INTEGER NOT NULL REFERENCES duty(id),
    done_on TEXT NOT NULL,
    done_by TEXT NOT NULL,
    evidence_id INTEGER,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS dismissed (
    key TEXT PRIMARY KEY,
    dismissed_by TEXT NOT NULL,
    dismissed_at TEXT NOT NULL
);
"""


class RegisterStore:
    def __init__(self, data_dir: Path, max_evidence_bytes: int = 50 * 1024 * 1024):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / REGISTER_FILE
        self.max_evidence_bytes = max_evidence_bytes
        self.database = SqliteFile(self.path, SCHEMA, lambda error: RegisterError(
            f"外包台账文件 {self.path} 已损坏或无法读取({error}),没有改动任何内容。请让管理员从备份恢复该文件。"),
            foreign_keys=True)

    # vendors

    def vendors(self) -> list[Vendor]:
        with self.database.reading() as db:
            if db is None:
                return []
            aliases: dict[int, list[str]] = {}
            for name, vendor_id in db.execute("SELECT name, vendor_id FROM alias ORDER BY name"):
                aliases.setdefault(vendor_id, []).append(name)
            return [Vendor(row[0], row[1], row[2], row[3], row[4], tuple(aliases.get(row[0], ())))
                    for row in db.execute("SELECT id, name, credit_code, contacts, status FROM vendor "
                                          "ORDER BY name")]

    def vendor(self, vendor_id: int) -> Vendor:
        found = next((vendor for vendor in self.vendors() if vendor.id == vendor_id), None)
        if found is None:
            raise RegisterError(f"没有编号为 {vendor_id} 的外包商。")
        return found

    def vendor_named(self, name: str) -> Vendor | None:
        """The vendor a name in call records or reports stands for (its name or an alias)."""
        return next((vendor for vendor in self.vendors() if name.strip() in vendor.names), None)

    def save_vendor(self, name: str, credit_code: str = "", contacts: str = "",
                    status: str = VENDOR_STATUSES[0], vendor_id: int | None = None) -> int:
        name = " ".join(name.split())
        if not name:
            raise RegisterError("外包商未保存:请填写名称。")
        if status not in VENDOR_STATUSES:
            raise RegisterError(f"外包商状态应为 {'、'.join(VENDOR_STATUSES)} 之一。")
        code, values = check_credit_code(credit_code), (_text(contacts), status, _now())
        with self.database.writing() as db:
            self._free_name(db, name, vendor_id)
            try:
                if vendor_id is None:
                    return db.execute("INSERT INTO vendor (name, credit_code, contacts, status, "
                                      "updated_at) VALUES (?, ?, ?, ?, ?)",
                                      (name[:100], code, *values)).lastrowid
                if db.execute("UPDATE vendor SET name = ?, credit_code = ?, contacts = ?, status = ?,"
                              " updated_at = ? WHERE id = ?",
                              (name[:100], code, *values, vendor_id)).rowcount == 0:
                    raise RegisterError(f"没有编号为 {vendor_id} 的外包商。")
                return vendor_id
            except sqlite3.IntegrityError:
                raise RegisterError(f"统一社会信用代码 {code} 已登记在另一家外包商名下。") from None

    def map_alias(self, alias: str, vendor_id: int) -> None:
        """Let a name of the call records stand for a registered vendor."""
        alias = " ".join(alias.split())
        if not alias:
            raise RegisterError("别名为空。")
        with self.database.writing() as db:
            self._free_name(db, alias, vendor_id)
            db.execute("INSERT INTO alias (name, vendor_id) VALUES (?, ?) ON CONFLICT(name) DO "
                       "UPDATE SET vendor_id = excluded.vendor_id", (alias, vendor_id))

    def unmapped(self, names: Sequence[str]) -> list[str]:
        """The names (from SLA data) that no registered vendor carries."""
        known = {name for vendor in self.vendors() for name in vendor.names}
        return sorted({name for name in names if name not in known})

    # projects

    def projects(self, vendor_id: int | None = None) -> list[Project]:
        with self.database.reading() as db:
            if db is None:
                return []
            where, args = ("WHERE vendor_id = ?", (vendor_id,)) if vendor_id is not None else ("", ())
            return [_project(row) for row in db.execute(
                f"SELECT * FROM project {where} ORDER BY updated_at DESC, id DESC", args)]

    def project(self, project_id: int) -> Project:
        found = next((p for p in self.projects() if p.id == project_id), None)
        if found is None:
            raise RegisterError(f"没有编号为 {project_id} 的外包项目。")
        return found

    def save_project(self, project: Project) -> int:
        """Create (id 0) or update a project; returns its id."""
        name = " ".join(project.name.split())
        if not name:
            raise RegisterError("项目未保存:请填写项目名称。")
        if project.term_start and project.term_end and project.term_end < project.term_start:
            raise RegisterError("项目未保存:合同终止日早于起始日。")
        if not 0 <= project.notice_days <= 3650:
            raise RegisterError("项目未保存:提前通知天数应在 0–3650 之间。")
        if project.deduction_cap_pct is not None and not 0 <= project.deduction_cap_pct <= 100:
            raise RegisterError("项目未保存:扣款上限应在 0–100% 之间。")
        values = (project.vendor_id, name[:100], json.dumps(list(project.elements), ensure_ascii=False),
                  project.draft_id, project.assessment_id, _day(project.term_start),
                  _day(project.term_end), project.notice_days, _text(project.fee_basis),
                  project.deduction_cap_pct, project.stage, _now())
        columns = ("vendor_id, name, elements, draft_id, assessment_id, term_start, term_end, "
                   "notice_days, fee_basis, deduction_cap_pct, stage, updated_at")
        with self.database.writing() as db:
            if db.execute("SELECT 1 FROM vendor WHERE id = ?", (project.vendor_id,)).fetchone() is None:
                raise RegisterError("项目未保存:所选外包商不存在(可能已被删除)。")
            try:
                if not project.id:
                    return db.execute(f"INSERT INTO project ({columns}) VALUES ({', '.join('?' * 12)})",
                                      values).lastrowid
                sets = ", ".join(f"{column.strip()} = ?" for column in columns.split(","))
                if db.execute(f"UPDATE project SET {sets} WHERE id = ?",
                              (*values, project.id)).rowcount == 0:
                    raise RegisterError(f"没有编号为 {project.id} 的外包项目。")
                return project.id
            except sqlite3.IntegrityError:
                raise RegisterError(f"该外包商已有名为「{name}」的项目。") from None

    # lifecycle steps and evidence

    def record_step(self, project_id: int, stage: str, note: str, by: str) -> None:
        with self.database.writing() as db:
            db.execute("INSERT INTO step (project_id, stage, note, recorded_by, recorded_at) VALUES "
                       "(?, ?, ?, ?, ?) ON CONFLICT(project_id, stage) DO UPDATE SET note = "
                       "excluded.note, recorded_by = excluded.recorded_by, recorded_at = "
                       "excluded.recorded_at", (project_id, stage, _text(note), by, _now()))

    def steps(self, project_id: int) -> dict[str, StepRecord]:
        """What was recorded at each stage of a project: the note and the evidence files."""
        evidence = self.evidence(project_id=project_id)
        with self.database.reading() as db:
            rows = db.execute("SELECT stage, note, recorded_by, recorded_at FROM step WHERE "
                              "project_id = ?", (project_id,)).fetchall() if db else []
        notes = {row[0]: tuple(row[1:]) for row in rows}
        stages = [*notes, *(item.stage for item in evidence if item.stage not in notes)]
        return {stage: StepRecord(project_id, stage, *notes.get(stage, ("", "", "")), tuple(
            item for item in evidence if item.stage == stage)) for stage in dict.fromkeys(stages)}

    def add_evidence(self, data: bytes, file_name: str, by: str, project_id: int | None = None,
                     stage: str = "", duty_id: int | None = None) -> Evidence:
        """Keep a file as evidence of a lifecycle step or of a duty done."""
        if not data:
            raise RegisterError(f"证据文件「{file_name}」是空的。")
        if len(data) > self.max_evidence_bytes:
            raise RegisterError(f"证据文件「{file_name}」超过 {self.max_evidence_bytes // 2**20} MB。")
        digest = hashlib.sha256(data).hexdigest()
        require_writable(self.data_dir)
        target = self.data_dir / EVIDENCE_DIR / digest
        if not target.exists():
            atomic_write(target, data)
        name = Path(file_name.replace("\\", "/")).name[:200] or "证据"
        with self.database.writing() as db:
            evidence_id = db.execute(
                "INSERT INTO evidence (project_id, stage, duty_id, file_name, sha256, size, added_by,"
                " added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (project_id, stage, duty_id, name, digest, len(data), by, _now())).lastrowid
        return self.evidence_item(evidence_id)

    def evidence(self, project_id: int | None = None, duty_id: int | None = None) -> list[Evidence]:
        with self.database.reading() as db:
            if db is None:
                return []
            column, value = ("project_id", project_id) if project_id is not None else ("duty_id", duty_id)
            return [Evidence(*row) for row in db.execute(
                f"SELECT * FROM evidence WHERE {column} = ? ORDER BY id", (value,))]

    def evidence_item(self, evidence_id: int) -> Evidence:
        with self.database.reading() as db:
            row = db and db.execute("SELECT * FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
        if not row:
            raise RegisterError(f"没有编号为 {evidence_id} 的证据。")
        return Evidence(*row)

    def evidence_bytes(self, evidence: Evidence) -> bytes:
        """The file's bytes, checked against the hash recorded when it was added."""
        path = self.data_dir / EVIDENCE_DIR / evidence.sha256
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise RegisterError(f"证据文件「{evidence.file_name}」已不在数据目录中。") from None
        if hashlib.sha256(data).hexdigest() != evidence.sha256:
            raise RegisterError(f"证据文件「{evidence.file_name}」与登记时的哈希不符(文件被改动过)。")
        return data

    # duties

    def decided(self) -> set[str]:
        """The keys of candidate duties already accepted or dismissed."""
        with self.database.reading() as db:
            if db is None:
                return set()
            return {row[0] for row in db.execute("SELECT key FROM duty UNION SELECT key FROM dismissed")}

    def dismiss(self, key: str, by: str) -> None:
        with self.database.writing() as db:
            db.execute("INSERT OR REPLACE INTO dismissed (key, dismissed_by, dismissed_at) VALUES "
                       "(?, ?, ?)", (key, by, _now()))

    def accept(self, candidate: CandidateDuty, vendor_id: int, project_id: int | None, owner: str,
               next_due: date, evidence_required: str = "") -> int:
        """Put a candidate duty into the calendar of a vendor (or one of its projects)."""
        with self.database.writing() as db:
            try:
                return db.execute(
                    "INSERT INTO duty (key, vendor_id, project_id, doc, clause, quote, period, "
                    "deadline, owner, next_due, evidence_required, created_at) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (candidate.key, vendor_id, project_id or 0, candidate.doc, candidate.clause,
                     candidate.quote, candidate.period, candidate.deadline, _text(owner),
                     next_due.isoformat(), _text(evidence_required), _now())).lastrowid
            except sqlite3.IntegrityError:
                raise RegisterError("这项职责已在该外包商(项目)的日历中。") from None

    def edit_duty(self, duty_id: int, owner: str, next_due: date | None, evidence_required: str) -> None:
        with self.database.writing() as db:
            if db.execute("UPDATE duty SET owner = ?, next_due = ?, evidence_required = ? WHERE id = ?",
                          (_text(owner), _day(next_due), _text(evidence_required), duty_id)
                          ).rowcount == 0:
                raise RegisterError(f"没有编号为 {duty_id} 的职责。")

    def mark_done(self, duty_id: int, done_on: date, by: str, evidence_id: int | None = None,
                  note: str = "") -> Duty:
        """Record a duty done; a recurring one falls due again one period after it was due."""
        duty = self.duty(duty_id)
        if duty.next_due is None:
            raise RegisterError("这项职责已经完成,不再到期。")
        following = advance(duty.next_due, duty.period) if duty.period else None
        with self.database.writing() as db:
            db.execute("INSERT INTO duty_done (duty_id, done_on, done_by, evidence_id, note) VALUES "
                       "(?, ?, ?, ?, ?)", (duty_id, done_on.isoformat(), by, evidence_id, _text(note)))
            db.execute("UPDATE duty SET next_due = ? WHERE id = ?", (_day(following), duty_id))
        return self.duty(duty_id)

    def duties(self, vendor_id: int | None = None, project_id: int | None = None) -> list[Duty]:
        with self.database.reading() as db:
            if db is None:
                return []
            where, args = "", ()
            if project_id is not None:
                where, args = "WHERE project_id = ?", (project_id,)
            elif vendor_id is not None:
                where, args = "WHERE vendor_id = ?", (vendor_id,)
            rows = db.execute(f"SELECT * FROM duty {where} ORDER BY next_due IS NULL, next_due, id",
                              args).fetchall()
            done: dict[int, list] = {}
            for duty_id, *row in db.execute("SELECT duty_id, done_on, done_by, evidence_id "
                                            "FROM duty_done ORDER BY done_on"):
                done.setdefault(duty_id, []).append(tuple(row))
        return [_duty(row, done.get(row["id"], [])) for row in rows]

    def duty(self, duty_id: int) -> Duty:
        found = next((duty for duty in self.duties() if duty.id == duty_id), None)
        if found is None:
            raise RegisterError(f"没有编号为 {duty_id} 的职责。")
        return found

    def due_by(self, day: date) -> list[Duty]:
        """Open duties due on or before ``day`` (the overdue ones included)."""
        return [duty for duty in self.duties() if duty.next_due and duty.next_due <= day]

    # the file

    def _free_name(self, db: sqlite3.Connection, name: str, vendor_id: int | None) -> None:
        """A vendor's name or alias may stand for one vendor only."""
        holder = db.execute("SELECT id FROM vendor WHERE name = ? UNION SELECT vendor_id FROM alias "
                            "WHERE name = ?", (name, name)).fetchone()
        if holder and holder[0] != vendor_id:
            raise RegisterError(f"「{name}」已是另一家外包商的名称或别名。")


def _project(row: sqlite3.Row) -> Project:
    return Project(row["id"], row["vendor_id"], row["name"], tuple(json.loads(row["elements"])),
                   row["draft_id"], row["assessment_id"], _date(row["term_start"]),
                   _date(row["term_end"]), row["notice_days"], row["fee_basis"],
                   row["deduction_cap_pct"], row["stage"])


def _duty(row: sqlite3.Row, done: list) -> Duty:
    return Duty(row["id"], row["key"], row["vendor_id"], row["project_id"] or None, row["doc"],
                row["clause"], row["quote"], row["period"], row["deadline"], row["owner"],
                _date(row["next_due"]), row["evidence_required"], tuple(done))


def _text(value: str) -> str:
    return (value or "").replace("\x00", "").strip()[:MAX_TEXT]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
