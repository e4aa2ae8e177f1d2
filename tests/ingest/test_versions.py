"""A new version of a document, clause by clause: what it adds, removes and changes; the history
keeps that; an answer citing a clause the version in use changed says so."""
from pathlib import Path

import pytest

from ingest.documents import info_for_file, parse_document
from ingest.versions import compare, describe
from scoring.services import create_services

DATA = Path(__file__).resolve().parents[1] / "data"
FIRST = (DATA / "gb_excerpt.txt").read_text(encoding="utf-8")
SECOND = (FIRST.replace("发包方每季度至少开展一次现场检查", "发包方每月至少开展一次现场检查")
          .replace("8.3 数据移交\n承包方应在合同终止后30日内移交全部业务数据,并按8.1规定的预案销毁留存数据。\n", "")
          + "10.2 本指引自印发之日起施行。\n")


def parsed(text: str, name: str = "指引.txt"):
    return parse_document(text.encode("utf-8"), info_for_file(Path(name)), 10**7)


def test_the_clauses_added_removed_and_changed():
    diff = compare(parsed(FIRST), parsed(SECOND))
    assert [(c.kind, c.clause) for c in diff.changes] == [
        ("changed", "7.2"), ("removed", "8.3"), ("added", "10.2")]
    assert diff.summary() == "新增 1 条、删除 1 条、修改 1 条"
    assert describe(diff.record()) == "（新增 10.2；删除 8.3；修改 7.2）"
    changed = diff.of_kind("changed")[0]
    assert ("removed", "季度") in changed.pieces() and ("added", "月") in changed.pieces()
    assert "".join(text for kind, text in changed.pieces() if kind != "removed") == changed.after
    assert compare(parsed(FIRST), parsed(FIRST)).summary() == "条款没有变化"


@pytest.fixture
def services(fresh_built_data_dir):
    return create_services({"data_dir": fresh_built_data_dir})


def test_a_new_version_records_its_changes_and_answers_say_which_clauses_it_changed(services):
    knowledge = services.knowledge
    knowledge.change(lambda library: library.add(FIRST.encode(), "指引.txt", "监督指引", "外包监督指引"))
    doc_id = next(e.info.doc_id for e in knowledge.library.entries() if e.info.short_name == "监督指引")
    preview = knowledge.library.compare_version(doc_id, SECOND.encode(), "指引v2.txt")
    assert preview.summary() == "新增 1 条、删除 1 条、修改 1 条"
    knowledge.change(lambda library: library.add_version(doc_id, SECOND.encode(), "指引v2.txt"))
    entry = knowledge.library.entry(doc_id)
    assert entry.version(entry.current).changes == {"added": ["10.2"], "removed": ["8.3"],
                                                    "changed": ["7.2"]}
    answer = services.ask("监督指引7.2条说了什么?")
    assert answer.citations[0].clause == "7.2" and "每月" in answer.citations[0].text
    assert any(f"是当前版本({entry.current})修改的条款" in notice for notice in answer.notices)
    unchanged = services.ask("外包场地有什么要求?")
    assert not any("当前版本" in notice for notice in unchanged.notices)
