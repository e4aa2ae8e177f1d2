"""Retrieval quality on the golden set (a floor, not a timing)."""
import json
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_qa.jsonl"


def test_hybrid_recall_at_3_on_the_golden_set(built_services):
    base = built_services.knowledge
    questions = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    in_scope = [row for row in questions if row.get("clauses")]
    assert len(in_scope) >= 40
    found = 0
    for row in in_scope:
        top = [hit.chunk.clause for hit in base.search(row["q"], k=3)]
        found += any(clause in top for clause in row["clauses"])
    assert found / len(in_scope) >= 0.95


def test_the_langchain_retriever_finds_what_search_finds(built_services):
    snapshot = built_services.knowledge.current()
    documents = snapshot.retriever().invoke("什么是服务目录")
    assert [document.metadata["clause"] for document in documents] == \
        [hit.chunk.clause for hit in snapshot.search("什么是服务目录")]
    assert documents[0].metadata["clause"] == "2.4" and documents[0].page_content
