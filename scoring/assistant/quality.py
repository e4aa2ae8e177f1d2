"""问答质量: the evaluation sets (the shipped ones and the bank's own, grown from disliked answers),
runs of them with their figures, and the history of those runs, in an SQLite file of the data
directory."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from errors import UserError
from knowledge.answer import Answer
from knowledge.evaluate import evaluate
from settings import PROJECT_ROOT
from storage import SqliteFile, is_writable

DB_FILE = "quality.sqlite3"
BANK_SET = "本行评估集"
SHIPPED_SETS = {  # name: (file, what it is)
    "黄金集": (PROJECT_ROOT / "tests" / "data" / "golden_qa.jsonl", "随附:范围内、范围外与文档未涉及的问题"),
    "另写集": (PROJECT_ROOT / "tests" / "data" / "holdout_qa.jsonl", "随附:由未看过代码的人依据标准写成"),
    "问法集": (PROJECT_ROOT / "tests" / "data" / "phrasing_qa.jsonl", "随附:17 个意图、每个 5 种问法"),
}
MAX_QUESTION_CHARS = 500
SCHEMA = """
CREATE TABLE IF NOT EXISTS eval_case (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL CHECK (length(trim(question)) > 0),
    clauses TEXT NOT NULL DEFAULT '[]',
    uncovered INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS eval_run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    set_name TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    report TEXT NOT NULL
);
"""


class QualityError(UserError):
    """A case or a run that cannot be kept; the message is user-facing (Chinese)."""


@dataclass(frozen=True)
class Case:
    id: int
    question: str
    clauses: tuple[str, ...]  # the clause the answer should cite first, then others that may
    uncovered: bool  # no loaded document answers it: the answer should say so
    note: str
    created_at: str

    def row(self) -> dict:
        """The case as a row of an evaluation set."""
        if self.uncovered:
            return {"q": self.question, "uncovered": True}
        return {"q": self.question, "clauses": list(self.clauses)}


@dataclass(frozen=True)
class Run:
    id: int
    set_name: str
    ran_at: str
    report: dict


class QualityStore:
    """The bank's own cases and the runs of every set, in ``data_dir/quality.sqlite3``."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / DB_FILE
        self.database = SqliteFile(self.path, SCHEMA, lambda error: QualityError(
            f"问答质量数据库 {self.path.name} 无法读取(文件可能已损坏:{error})。"
            "原文件没有被改动;请从备份恢复,或把它改名移开。"))

    def add_case(self, question: str, clauses: list[str] | None, note: str = "",
                 now: datetime | None = None) -> int:
        """A new case: the question with the clause it should cite first (None: no document
        answers it). Returns its id."""
        question = " ".join(question.split())
        if not question:
            raise QualityError("评估题未保存:问题为空。")
        if len(question) > MAX_QUESTION_CHARS:
            raise QualityError(f"评估题未保存:问题超过 {MAX_QUESTION_CHARS} 字。")
        if clauses is not None and not clauses:
            raise QualityError("评估题未保存:请选择回答应当引用的条款,或选“文档未涉及”。")
        stamp = (now or datetime.now()).isoformat(timespec="seconds")
        with self.database.writing() as db:
            return db.execute(
                "INSERT INTO eval_case (question, clauses, uncovered, note, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (question, json.dumps(clauses or [], ensure_ascii=False), int(clauses is None),
                 " ".join(note.split())[:MAX_QUESTION_CHARS], stamp)).lastrowid

    def cases(self) -> list[Case]:
        """The bank's cases, oldest first."""
        with self.database.reading() as db:
            if db is None:
                return []
            rows = db.execute("SELECT id, question, clauses, uncovered, note, created_at "
                              "FROM eval_case ORDER BY id").fetchall()
        return [Case(row[0], row[1], tuple(json.loads(row[2])), bool(row[3]), row[4], row[5])
                for row in rows]

    def delete_case(self, case_id: int) -> None:
        with self.database.writing() as db:
            if db.execute("DELETE FROM eval_case WHERE id = ?", (case_id,)).rowcount == 0:
                raise QualityError(f"没有编号为 {case_id} 的评估题。")

    def rows(self, set_name: str) -> list[dict]:
        """The questions of a set as evaluation rows."""
        if set_name == BANK_SET:
            return [case.row() for case in self.cases()]
        if set_name not in SHIPPED_SETS:
            raise QualityError(f"没有名为「{set_name}」的评估集。")
        path = SHIPPED_SETS[set_name][0]
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]

    def run(self, set_name: str, ask: Callable[[str], Answer],
            now: datetime | None = None) -> Run:
        """Evaluate the assistant on a set and keep the figures (when the directory can be
        written; the figures are returned either way)."""
        rows = self.rows(set_name)
        if not rows:
            raise QualityError(f"「{set_name}」还没有题目:先把不满意的回答加入评估集。")
        report = evaluate(ask, rows)
        stamp = (now or datetime.now()).isoformat(timespec="seconds")
        run_id = 0
        if is_writable(self.path.parent):
            with self.database.writing() as db:
                run_id = db.execute("INSERT INTO eval_run (set_name, ran_at, report) VALUES (?, ?, ?)",
                                    (set_name, stamp, json.dumps(report, ensure_ascii=False))).lastrowid
        return Run(run_id, set_name, stamp, report)

    def runs(self) -> list[Run]:
        """Every kept run, newest first."""
        with self.database.reading() as db:
            if db is None:
                return []
            rows = db.execute("SELECT id, set_name, ran_at, report FROM eval_run "
                              "ORDER BY ran_at DESC, id DESC").fetchall()
        return [Run(row[0], row[1], row[2], json.loads(row[3])) for row in rows]


def run_table(runs: list[Run]) -> list[dict]:
    """The history of runs as rows: when, which set, and its main figures (numbers)."""
    return [{"时间": run.ran_at.replace("T", " "), "评估集": run.set_name,
             "题数": run.report["questions"], "recall@1": run.report["recall_at_1"],
             "recall@3": run.report["recall_at_3"],
             "范围外拒答率": run.report["off_topic_refusal"] if run.report["off_topic"] else None,
             "未涉及识别率": run.report["uncovered_recognition"],
             "延迟 p95(毫秒)": round(run.report["latency_p95_ms"], 1)} for run in runs]
