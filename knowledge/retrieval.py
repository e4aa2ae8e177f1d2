"""Hybrid retrieval: dense (Chroma) and BM25 ranks fused by weighted reciprocal rank, per clause."""
from __future__ import annotations

from dataclasses import dataclass

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from ingest.chunks import Chunk
from ingest.index import KnowledgeIndex

CANDIDATES_PER_RESULT = 4
MIN_CANDIDATES = 20


@dataclass(frozen=True)
class Hit:
    """One clause found for a query, with the best-matching chunk and each retriever's view."""

    chunk: Chunk
    score: float
    dense_rank: int | None
    bm25_rank: int | None
    dense_score: float | None
    bm25_score: float | None

    def to_dict(self) -> dict:
        return {
            "doc": self.chunk.short_name, "doc_id": self.chunk.doc_id,
            "clause": self.chunk.clause, "title": self.chunk.title,
            "path": list(self.chunk.path), "flags": list(self.chunk.flags),
            "score": round(self.score, 6),
            "ranks": {"dense": self.dense_rank, "bm25": self.bm25_rank},
            "scores": {"dense": _round(self.dense_score), "bm25": _round(self.bm25_score)},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _by_clause(ranked: list[tuple[Chunk, float]]) -> dict[tuple[str, str], tuple[int, Chunk, float]]:
    """1-based rank of each clause by its best chunk."""
    ranks: dict[tuple[str, str], tuple[int, Chunk, float]] = {}
    for chunk, score in ranked:
        key = (chunk.doc_id, chunk.clause)
        if key not in ranks:
            ranks[key] = (len(ranks) + 1, chunk, score)
    return ranks


def hybrid_search(index: KnowledgeIndex, query: str, k: int, rrf_k: int = 10,
                  dense_weight: float = 1.0, bm25_weight: float = 1.0,
                  doc_ids: list[str] | None = None) -> list[Hit]:
    """The k best clauses for a query, best first."""
    pool = max(k * CANDIDATES_PER_RESULT, MIN_CANDIDATES)
    dense = _by_clause(index.dense(query, pool, doc_ids)) if dense_weight > 0 else {}
    lexical = _by_clause(index.lexical(query, pool, doc_ids)) if bm25_weight > 0 else {}
    hits = []
    for key in dense.keys() | lexical.keys():
        dense_rank, dense_chunk, dense_score = dense.get(key, (None, None, None))
        bm25_rank, bm25_chunk, bm25_score = lexical.get(key, (None, None, None))
        score = (dense_weight / (rrf_k + dense_rank) if dense_rank else 0.0) + \
                (bm25_weight / (rrf_k + bm25_rank) if bm25_rank else 0.0)
        hits.append(Hit(dense_chunk or bm25_chunk, score, dense_rank, bm25_rank,
                        dense_score, bm25_score))
    hits.sort(key=lambda hit: (-hit.score, hit.chunk.position))
    return hits[:k]


class HybridRetriever(BaseRetriever):
    """The hybrid search as a langchain retriever: Documents carry clause metadata and ranks."""

    index: KnowledgeIndex
    k: int = 5
    rrf_k: int = 10
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    doc_ids: list[str] | None = None

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = hybrid_search(self.index, query, self.k, self.rrf_k, self.dense_weight,
                             self.bm25_weight, self.doc_ids)
        return [Document(page_content=hit.chunk.text, id=hit.chunk.chunk_id, metadata=hit.to_dict())
                for hit in hits]
