"""The audit trail on real SQLite files: a hash chain that holds under many writers at once and
names the first entry edited or removed by hand; damaged files reported and left untouched."""
from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path

import pytest

from audit.trail import AUDIT_FILE, GENESIS, MAX_TEXT_CHARS, AuditError, AuditTrail, Entry
from settings import PROJECT_ROOT
from storage import ReadOnlyDataDir
from tests.conftest import read_only_mount

WRITER = """
import sys, time
from pathlib import Path
from audit.trail import AuditTrail
trail, name, start = AuditTrail(Path(sys.argv[1])), sys.argv[2], float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))
for number in range(20):
    trail.record(name, name, "命令行", "test.write", "测试写入", f"{name}-{number}")
"""


def add(trail: AuditTrail, count: int, **fields: object) -> list[Entry]:
    return [trail.record("zhang@bank", "张三", "统一认证", "sla.import", "导入SLA数据",
                         f"calls-{number}.csv", **fields) for number in range(count)]


def tamper(path: Path, *statements: str) -> None:
    """Change the file by hand, as someone with the file and the sqlite3 tool could."""
    with closing(sqlite3.connect(path)) as db, db:
        for statement in statements:
            db.execute(statement)


def test_entries_are_chained_from_genesis_by_the_documented_hash(data_dir):
    first, second = add(AuditTrail(data_dir), 2, before="旧", after="新")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    sealed = [first.seq, first.at, first.actor, first.actor_name, first.via, first.action,
              first.label, first.target, first.outcome, first.before, first.after, GENESIS]
    canonical = json.dumps(sealed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert first.hash == hashlib.sha256(canonical).hexdigest()
    assert datetime.fromisoformat(first.at) and len(first.at) == len("2026-12-03T16:05:09")
    verification = AuditTrail(data_dir).verify()
    assert verification.intact and verification.count == 2 and verification.broken_seq is None
    assert verification.message == "审计日志完整:共 2 条记录,哈希链校验通过。"


def test_nothing_is_created_before_the_first_record(data_dir):
    trail = AuditTrail(data_dir)
    trail.ensure_writable()
    assert trail.entries() == [] and trail.actors() == [] and trail.actions() == []
    assert (trail.verify().intact, trail.verify().count) == (True, 0)
    assert list(data_dir.iterdir()) == []
    (data_dir / AUDIT_FILE).touch()  # an empty file is an empty trail
    assert trail.verify().count == 0 and add(trail, 1)[0].seq == 1


def test_only_known_outcomes_and_no_method_that_edits(data_dir):
    with pytest.raises(ValueError):
        AuditTrail(data_dir).record("a", "a", "命令行", "x", "x", outcome="ok")
    public = {name for name in vars(AuditTrail) if not name.startswith("_")}
    assert public == {"record", "ensure_writable", "entries", "actors", "actions", "verify"}


def test_eight_threads_appending_at_once_keep_one_chain(data_dir):
    trail, start = AuditTrail(data_dir), threading.Barrier(8)

    def write(thread: int) -> None:
        start.wait()
        for number in range(25):
            trail.record(f"user-{thread}", f"用户{thread}", "统一认证", "test.write", "测试写入",
                         f"{thread}-{number}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(8)))
    verification = trail.verify()
    assert verification.intact and verification.count == 200
    assert sorted(entry.seq for entry in trail.entries()) == list(range(1, 201))
    for thread in range(8):  # each writer's entries in the order it wrote them
        mine = [entry.target for entry in reversed(trail.entries(actor=f"user-{thread}"))]
        assert mine == [f"{thread}-{number}" for number in range(25)]


def test_three_processes_appending_at_once_keep_one_chain(data_dir):
    start = time.time() + 1.5  # all started before any writes
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir), f"process-{number}",
                                 str(start)], cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
               for number in range(3)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
        writer.stderr.close()
    trail = AuditTrail(data_dir)
    assert trail.verify().intact and trail.verify().count == 60
    assert sorted(entry.seq for entry in trail.entries()) == list(range(1, 61))
    assert [actor for actor, _ in trail.actors()] == ["process-0", "process-1", "process-2"]


def test_updates_and_deletes_are_refused_while_the_triggers_stand(data_dir):
    trail = AuditTrail(data_dir)
    add(trail, 3)
    for statement in ("UPDATE entry SET after = '改过' WHERE seq = 2", "DELETE FROM entry WHERE seq = 2"):
        with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
            tamper(trail.path, statement)
    assert trail.verify().intact and trail.entries()[1].after == ""


def test_a_row_edited_by_hand_is_named(data_dir):
    trail = AuditTrail(data_dir)
    add(trail, 5)
    tamper(trail.path, "DROP TRIGGER entry_never_updated",
           "UPDATE entry SET after = '金额改为 0' WHERE seq = 3")
    verification = trail.verify()
    assert not verification.intact and verification.broken_seq == 3 and verification.count == 5
    assert verification.reason == "第 3 条记录的内容与其哈希不符(被修改过)"
    assert "序号 3" in verification.message and verification.reason in verification.message


def test_a_row_deleted_by_hand_is_named_by_the_next(data_dir):
    trail = AuditTrail(data_dir)
    add(trail, 5)
    tamper(trail.path, "DROP TRIGGER entry_never_deleted", "DELETE FROM entry WHERE seq = 3")
    verification = trail.verify()
    assert (verification.intact, verification.broken_seq, verification.count) == (False, 4, 4)
    assert verification.reason == "第 4 条之前缺少记录(被删除过)"


def test_a_row_edited_and_resealed_by_hand_breaks_the_link_to_the_next(data_dir):
    trail = AuditTrail(data_dir)
    add(trail, 5)
    edited = trail.entries()[2]  # seq 3
    forged = Entry(**{**edited.as_json(), "after": "伪造"})
    tamper(trail.path, "DROP TRIGGER entry_never_updated",
           f"UPDATE entry SET after = '伪造', hash = '{forged.sealed_hash()}' WHERE seq = 3")
    verification = trail.verify()
    assert verification.broken_seq == 4 and verification.reason == "第 4 条记录与前一条不相连"


@pytest.mark.parametrize("content", [random.Random(7).randbytes(8192), b"not an audit trail\n" * 9,
                                     b"SQLite format 3\x00" + bytes(84) + b"\xff" * 4000, b"x"])
def test_a_damaged_file_is_reported_and_left_as_it_is(data_dir, content):
    trail = AuditTrail(data_dir)
    trail.path.write_bytes(content)
    calls = (trail.entries, trail.verify, trail.actors, trail.actions, trail.ensure_writable,
             lambda: add(trail, 1))
    for call in calls:
        with pytest.raises(AuditError, match="已损坏") as raised:
            call()
        assert str(trail.path) in str(raised.value) and "没有改动" in str(raised.value)
    assert trail.path.read_bytes() == content
    assert list(data_dir.iterdir()) == [trail.path]


def test_another_database_is_not_taken_for_the_trail(data_dir):
    trail = AuditTrail(data_dir)
    tamper(trail.path, "CREATE TABLE calls (id INTEGER)")
    before = trail.path.read_bytes()
    for call in (trail.entries, trail.verify, lambda: add(trail, 1)):
        with pytest.raises(AuditError, match="不是审计日志"):
            call()
    assert trail.path.read_bytes() == before


def test_entries_filter_and_come_newest_first(data_dir):
    trail = AuditTrail(data_dir)
    trail.record("zhang@bank", "张三", "统一认证", "sla.import", "导入SLA数据", "calls.csv",
                 after="导入 7 行", now=datetime(2026, 11, 30, 23, 59, 59))
    trail.record("li@bank", "李四", "统一认证", "documents.remove", "删除文档", "外包管理办法",
                 outcome="refused", after="没有权限", now=datetime(2026, 12, 1, 0, 0, 0))
    trail.record("zhang@bank", "张三", "统一认证", "documents.remove", "删除文档", "旧制度",
                 before="版本 2", now=datetime(2026, 12, 2, 9, 30))
    trail.record("本机用户", "本机用户", "单用户模式", "sign_in.failed", "登录失败", "",
                 outcome="failed", after="Password wrong", now=datetime(2026, 12, 3, 8, 0))

    def seqs(**filters: object) -> list[int]:
        return [entry.seq for entry in trail.entries(**filters)]

    assert seqs() == [4, 3, 2, 1] and seqs(limit=2) == [4, 3]
    assert seqs(since=date(2026, 12, 1)) == [4, 3, 2]
    assert seqs(until=date(2026, 11, 30)) == [1] and seqs(until=date(2026, 12, 2)) == [3, 2, 1]
    assert seqs(since=date(2026, 12, 1), until=date(2026, 12, 1)) == [2]
    assert seqs(actor="zhang@bank") == [3, 1] and seqs(action="documents.remove") == [3, 2]
    assert seqs(outcome="refused") == [2] and seqs(outcome="done", action="documents.remove") == [3]
    assert seqs(text="外包") == [2] and seqs(text="版本") == [3] and seqs(text="权限") == [2]
    assert seqs(text="SLA") == [1] and seqs(text="李四") == [2] and seqs(text="password") == [4]
    assert seqs(text="没有这个词") == [] and seqs(text="%") == []
    assert trail.actors() == [("li@bank", "李四"), ("zhang@bank", "张三"), ("本机用户", "本机用户")]
    assert ("sign_in.failed", "登录失败") in trail.actions() and len(trail.actions()) == 3


def test_an_entry_as_a_row_and_as_json(data_dir):
    entry = AuditTrail(data_dir).record("li@bank", "李四", "统一认证", "documents.remove",
                                        "删除文档", "旧制度", outcome="refused",
                                        now=datetime(2026, 12, 3, 16, 5, 9))
    assert entry.as_row() == {"序号": 1, "时间": "2026-12-03 16:05:09", "操作人": "李四",
                              "账号": "li@bank", "方式": "统一认证", "操作": "删除文档",
                              "对象": "旧制度", "结果": "拒绝", "变更前": "", "变更后": ""}
    assert list(entry.as_json()) == [field.name for field in fields(Entry)]
    assert entry.as_json()["at"] == "2026-12-03T16:05:09"


def test_hostile_text_is_stored_as_text_and_capped(data_dir):
    trail = AuditTrail(data_dir)
    hostile = ["=cmd|' /C calc'!A0", "<script>alert(1)</script>", "'); DROP TABLE entry; --"]
    for text in hostile:
        trail.record("x\x00y", "名\x00字", "统一认证", "test.hostile", "测试", text, after=text)
    long = trail.record("a", "a", "命令行", "test.long", "测试", "长" * 5000, before="x" * 5000,
                        after="\x00" * 3000 + "结果")
    assert len(long.target) == len(long.before) == MAX_TEXT_CHARS
    assert long.target.endswith("长…") and long.after == "结果"
    stored = trail.entries()
    assert stored[0] == long and [entry.target for entry in reversed(stored[1:])] == hostile
    assert stored[1].actor == "xy" and stored[1].actor_name == "名字"
    assert [entry.seq for entry in trail.entries(text="<script>")] == [2]
    assert trail.verify().intact and trail.verify().count == 4


@pytest.fixture
def read_only_data_dir(data_dir: Path, tmp_path: Path):
    """A data dir holding two entries, mounted read-only (skipped where mounting is refused)."""
    add(AuditTrail(data_dir), 2)
    with read_only_mount(data_dir, tmp_path) as mount:
        yield mount


def test_a_read_only_data_dir_is_read_and_refuses_records(read_only_data_dir):
    trail = AuditTrail(read_only_data_dir)
    before = trail.path.read_bytes()
    with pytest.raises(ReadOnlyDataDir, match="只读"):
        trail.ensure_writable()
    with pytest.raises(ReadOnlyDataDir, match="只读"):
        add(trail, 1)
    assert len(trail.entries()) == 2 and trail.verify().intact
    assert trail.path.read_bytes() == before
