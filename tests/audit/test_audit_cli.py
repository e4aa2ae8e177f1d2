"""`python -m audit`, run as an auditor runs it, on a data dir given by CSC_DATA_DIR."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import fields
from datetime import datetime
from pathlib import Path

import pytest

from audit.trail import AuditTrail, Entry
from settings import PROJECT_ROOT


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audit", *args], cwd=PROJECT_ROOT,
                          env={**os.environ, "CSC_DATA_DIR": str(data_dir)}, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def trail(data_dir: Path) -> AuditTrail:
    """Three entries over three days, by two people, one refused."""
    trail = AuditTrail(data_dir)
    trail.record("zhang@bank", "张三", "统一认证", "sla.import", "导入SLA数据", "calls.csv",
                 after="导入 7 行\n第二行\x1b[31m", now=datetime(2026, 12, 1, 9, 0, 0))
    trail.record("li@bank", "李四", "统一认证", "documents.remove", "删除文档", "外包管理办法",
                 outcome="refused", after="没有权限", now=datetime(2026, 12, 2, 10, 0, 0))
    trail.record("zhang@bank", "张三", "统一认证", "documents.remove", "删除文档", "旧制度",
                 before="版本 2", now=datetime(2026, 12, 3, 16, 5, 9))
    return trail


def test_list_json_newest_first_with_every_field(trail, data_dir):
    result = run("list", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    assert [entry["seq"] for entry in entries] == [3, 2, 1]
    assert all(list(entry) == [field.name for field in fields(Entry)] for entry in entries)
    assert entries[0] == trail.entries()[0].as_json()


@pytest.mark.parametrize(("options", "seqs"), [
    (["--actor", "zhang@bank"], [3, 1]),
    (["--action", "documents.remove", "--outcome", "refused"], [2]),
    (["--since", "2026-12-02", "--until", "2026-12-02"], [2]),
    (["--since", "2026-12-02"], [3, 2]),
    (["--limit", "1"], [3]),
])
def test_list_filters(trail, data_dir, options, seqs):
    result = run("list", "--json", *options, data_dir=data_dir)
    assert [entry["seq"] for entry in json.loads(result.stdout)] == seqs


def test_list_prints_one_readable_line_per_entry(trail, data_dir):
    result = run("list", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith("#3 2026-12-03 16:05:09 张三")
    assert "删除文档" in lines[1] and "「外包管理办法」" in lines[1] and "拒绝" in lines[1]
    assert "导入 7 行 第二行" in lines[2] and "\x1b" not in result.stdout


def test_an_empty_data_dir_lists_nothing_verifies_and_stays_empty(data_dir):
    assert run("list", "--json", data_dir=data_dir).stdout.strip() == "[]"
    assert "没有符合条件的记录" in run("list", data_dir=data_dir).stdout
    verified = run("verify", data_dir=data_dir)
    assert verified.returncode == 0 and "共 0 条记录" in verified.stdout
    assert list(data_dir.iterdir()) == []


def test_verify_passes_then_names_the_entry_edited_by_hand(trail, data_dir):
    intact = run("verify", data_dir=data_dir)
    assert intact.returncode == 0 and intact.stdout.strip() == "审计日志完整:共 3 条记录,哈希链校验通过。"
    with closing(sqlite3.connect(trail.path)) as db, db:
        db.execute("DROP TRIGGER entry_never_updated")
        db.execute("UPDATE entry SET after = '有权限' WHERE seq = 2")
    broken = run("verify", data_dir=data_dir)
    assert broken.returncode == 1 and "序号 2" in broken.stdout and "被修改过" in broken.stdout


@pytest.mark.parametrize("options", [["--since", "2026-13-01"], ["--until", "昨天"],
                                     ["--outcome", "ok"], ["--limit", "0"]])
def test_bad_options_are_refused_in_chinese(data_dir, options):
    result = run("list", *options, data_dir=data_dir)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("错误:") and "Traceback" not in result.stderr


def test_a_damaged_file_is_reported_and_kept(data_dir):
    path = AuditTrail(data_dir).path
    path.write_bytes(b"\x00garbage" * 512)
    for command in ("list", "verify"):
        result = run(command, data_dir=data_dir)
        assert result.returncode == 2 and "已损坏" in result.stderr and str(path) in result.stderr
    assert path.read_bytes() == b"\x00garbage" * 512
