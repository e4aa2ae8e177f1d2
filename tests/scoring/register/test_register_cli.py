"""`python -m scoring.register duties`, run as a user runs it, on a copy of the built data dir with
the rule documents of these tests loaded."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DUTIES = ROOT / "tests" / "data" / "duties"
REQUIRED = {"doc", "clause", "quote", "period", "deadline"}


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CSC_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def loaded_data_dir(built_data_dir, tmp_path_factory) -> Path:
    """The built data dir with our two rule documents added (and the index rebuilt)."""
    path = tmp_path_factory.mktemp("duties") / "data"
    shutil.copytree(built_data_dir, path)
    added = run("ingest", "build", str(DUTIES / "regulation_duties.txt"),
                str(DUTIES / "gb_duties.txt"), data_dir=path)
    assert added.returncode == 0, added.stderr
    return path


def test_json_lists_the_candidate_duties_of_the_loaded_documents(loaded_data_dir):
    result = run("scoring.register", "duties", "--json", data_dir=loaded_data_dir)
    assert result.returncode == 0, result.stderr
    duties = json.loads(result.stdout)
    assert duties and all(REQUIRED <= set(duty) for duty in duties)
    assert {duty["doc"] for duty in duties} == {"regulation_duties", "gb_duties"}
    monthly = next(duty for duty in duties if duty["deadline"] == "次月十日前")
    assert (monthly["clause"], monthly["period"]) == ("第十二条", "P1M")
    assert monthly["quote"] in (DUTIES / "regulation_duties.txt").read_text(encoding="utf-8")
    assert {duty["period"] for duty in duties} >= {"P1Y", "P3M", "P1M", "P3Y", None}


def test_doc_keeps_one_document(loaded_data_dir):
    result = run("scoring.register", "duties", "--doc", "gb_duties", "--json",
                 data_dir=loaded_data_dir)
    assert result.returncode == 0, result.stderr
    duties = json.loads(result.stdout)
    planted = json.loads((DUTIES / "gb_duties.expected.json").read_text(encoding="utf-8"))
    assert {duty["doc"] for duty in duties} == {"gb_duties"}
    assert len(duties) == len(planted["duties"])


def test_without_json_a_readable_table(loaded_data_dir):
    result = run("scoring.register", "duties", "--doc", "regulation_duties",
                 data_dir=loaded_data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["文档", "条款", "类型", "周期", "时限", "原文"]
    row = next(line for line in lines if "次月十日前" in line)
    assert row.split()[:5] == ["regulation_duties", "第十二条", "定期", "每月", "次月十日前"]
    assert "共 17 条候选职责" in result.stdout


def test_an_unknown_document_is_refused(loaded_data_dir):
    result = run("scoring.register", "duties", "--doc", "火星规章", data_dir=loaded_data_dir)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("错误:没有载入简称为「火星规章」的文档")


def test_nothing_built_is_a_message_not_a_traceback(data_dir):
    result = run("scoring.register", "duties", "--json", data_dir=data_dir)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("错误:知识库索引尚未建立")
