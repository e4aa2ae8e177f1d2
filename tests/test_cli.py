"""The command lines, run as a user runs them."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS_FILE = ROOT / "knowledge" / "corpus" / "000_9215376e8002a05a.txt"


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CSC_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_parse_prints_clauses_as_json_and_writes_nothing(data_dir):
    result = run("ingest", "parse", str(CORPUS_FILE), "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    clauses = json.loads(result.stdout)
    assert len(clauses) == 28
    assert {"doc", "clause", "title", "path", "text", "flags"} <= set(clauses[0])
    assert clauses[0]["doc"] == "000_9215376e8002a05a" and clauses[0]["flags"] == ["truncated"]
    assert list(data_dir.iterdir()) == []


def test_parse_refuses_a_bad_file_with_a_message(data_dir):
    result = run("ingest", "parse", str(ROOT / "tests" / "data" / "binary_renamed.txt"),
                 data_dir=data_dir)
    assert result.returncode == 2 and "不是文本文件" in result.stderr


def test_search_json(built_data_dir):
    result = run("knowledge", "search", "什么是服务目录", "--k", "3", "--json",
                 data_dir=built_data_dir)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and hits[0]["clause"] == "2.4"
    assert {"doc", "clause", "title", "score", "ranks"} <= set(hits[0])


def test_build_adds_a_file_then_is_up_to_date(data_dir):
    document = ROOT / "tests" / "data" / "regulation_sample.txt"
    first = run("ingest", "build", str(document), data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert "已加入文档 regulation_sample" in first.stdout and "索引已建立" in first.stdout
    second = run("ingest", "build", data_dir=data_dir)
    assert "索引已是最新" in second.stdout


def test_build_refuses_a_bad_file_and_keeps_the_index(built_data_dir, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("ingest", "build", str(empty), data_dir=built_data_dir)
    assert result.returncode == 2 and "是空的" in result.stderr
    assert run("knowledge", "search", "SLA", "--json", data_dir=built_data_dir).returncode == 0


@pytest.mark.parametrize("command", [
    ("scoring.elements", "matrix", "火星基地", "--json"),
    ("ingest", "parse", "missing.txt", "--json"),
    ("scoring.assistant", "ask", "", "--json"),
    ("scoring.assistant", "ask", "--json"),
    ("scoring.assistant", "evaluate", "missing.jsonl"),
    ("scoring.scope", "classify", "", "--json"),
    ("scoring.sla", "kpis", "missing.csv", "--by", "vendor", "--json"),
    ("scoring.sla", "kpis", "missing.csv", "--by", "week"),
    ("scoring.sla", "import"),
    ("ingest",),
])
def test_every_command_refuses_bad_input_the_same_way(command, built_data_dir):
    result = run(*command, data_dir=built_data_dir)
    assert result.returncode == 2 and result.stdout == ""
    message = result.stderr.splitlines()[-1]
    assert message.startswith("错误:") and re.search("[\u4e00-\u9fff]", message[3:]), result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_element_is_refused_not_taken_for_another_one(built_data_dir):
    result = run("scoring.elements", "matrix", "火星基地", "--json", data_dir=built_data_dir)
    assert "未知的外包要素「火星基地」" in result.stderr
    custom = run("scoring.elements", "matrix", "--other", "火星基地", "--json",
                 data_dir=built_data_dir)
    assert custom.returncode == 0 and json.loads(custom.stdout)["others"] == ["火星基地"]


def test_a_missing_local_model_is_a_message_not_a_traceback(data_dir):
    env = {**os.environ, "CSC_DATA_DIR": str(data_dir),
           "CSC_EMBEDDING_BACKEND": "sentence-transformers",
           "CSC_EMBEDDING_MODEL_PATH": str(data_dir / "no-such-model")}
    result = subprocess.run([sys.executable, "-m", "ingest", "build"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("错误:找不到本地向量模型目录")


def test_a_mistyped_setting_is_a_message_naming_the_variable(data_dir):
    env = {**os.environ, "CSC_DATA_DIR": str(data_dir), "CSC_RETRIEVAL_K": "zero"}
    result = subprocess.run([sys.executable, "-m", "knowledge", "search", "SLA"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("错误:环境变量 CSC_RETRIEVAL_K") and "正整数" in result.stderr
