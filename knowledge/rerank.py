"""Re-ranking the retrieved clauses for an answer: by their best sentence and by the question's
concepts they contain; and the term entries a definition question names."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.chunks import Chunk
from ingest.tokenize import expand_query, synonym_groups
from knowledge.base import Snapshot
from knowledge.concepts import question_concepts
from knowledge.question_forms import DEFINITION_QUESTION, NORMATIVE, is_permission_question
from knowledge.retrieval import Hit

# Re-ranking of the retrieved clauses: fused retrieval score (relative to the best), plus the
# similarity of the clause's best sentence, plus the (rarity-weighted) share of the question's
# concepts in the clause, in its title and in its best single sentence; for a permission question
# ("能不能…"), also in its best sentence saying what may or may not be done. The quote is the
# sentence most similar to the question, ties broken by the concepts it contains.
RERANK_SENTENCE = 1.0
RERANK_OVERLAP = 0.25
RERANK_TITLE_OVERLAP = 0.25
RERANK_SENTENCE_OVERLAP = 0.5
RERANK_NORMATIVE = 0.5
QUOTE_OVERLAP_BONUS = 0.1
# Titles that name no subject: such a clause is the overview of its section ("4.1 概述" under
# "4 外包要素"), so the section's title is matched instead.
GENERIC_TITLES = ("概述", "总则", "总述", "通则", "一般规定", "一般要求", "总体要求", "基本要求")
BEST_POSSIBLE_SCORE = 1.0 + RERANK_SENTENCE + RERANK_OVERLAP + RERANK_TITLE_OVERLAP \
    + RERANK_SENTENCE_OVERLAP + RERANK_NORMATIVE


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    sentences: list[tuple[str, float]]  # (sentence, similarity), best quote first
    similarity: float  # of the clause's most similar sentence
    overlap: float
    score: float


def rerank(snapshot: Snapshot, query: str, hits: list[Hit]) -> list[Candidate]:
    """The hits re-ranked by their best sentence and the question's concepts they contain."""
    query_vector = np.asarray(snapshot.embeddings.embed_query(expand_query(query)),
                              dtype=np.float32)
    concepts = question_concepts(query)
    statistics = snapshot.concepts
    permission = is_permission_question(query)
    stored = snapshot.index.sentence_vectors([hit.chunk.chunk_id for hit in hits])
    top = hits[0].score
    candidates = []
    for hit in hits:
        # (sentence, similarity to the question, share of the question's concepts it contains)
        scored = [(sentence, float(vector @ query_vector), statistics.coverage(concepts, sentence))
                  for sentence, vector in stored[hit.chunk.chunk_id]]
        overlap = statistics.coverage(concepts, hit.chunk.passage)
        # an empty clause (a heading only) is judged by its heading's similarity and concepts
        best = max((similarity for _, similarity, _ in scored), default=hit.dense_score or 0.0)
        together = max((coverage for _, _, coverage in scored), default=overlap)
        normative = max((coverage for sentence, _, coverage in scored
                         if NORMATIVE.search(sentence)), default=0.0) if permission else 0.0
        score = hit.score / top + RERANK_SENTENCE * best + RERANK_OVERLAP * overlap \
            + RERANK_TITLE_OVERLAP * statistics.coverage(concepts, subject_title(hit.chunk)) \
            + RERANK_SENTENCE_OVERLAP * together + RERANK_NORMATIVE * normative
        quotes = sorted(scored, key=lambda item: -(item[1] + QUOTE_OVERLAP_BONUS * item[2]))
        candidates.append(Candidate(hit, [(sentence, similarity) for sentence, similarity, _
                                           in quotes], best, overlap, score))
    return sorted(candidates, key=lambda candidate: -candidate.score)


def subject_title(chunk: Chunk) -> str:
    """The clause's title, or its section's when the title names no subject."""
    if chunk.title in GENERIC_TITLES and len(chunk.path) > 1:
        return re.sub(r"^[\d.]+\s*", "", chunk.path[-2])
    return chunk.title


def is_term_entry(path: Sequence[str]) -> bool:
    """A term entry: a clause under a heading of terms (术语和定义)."""
    return any("术语" in heading for heading in path[:-1])


def term_entries(snapshot: Snapshot, question: str, query: str, hits: list[Hit]) -> list[Hit]:
    """For a definition question ("什么是服务目录", "发包方和承包方分别指谁"), the entries
    defining the terms it names, in the order it names them, retrieved or not."""
    if not DEFINITION_QUESTION.search(question):
        return []
    expanded = expand_query(query).lower()
    retrieved = {hit.chunk.chunk_id: hit for hit in hits}
    entries = [chunk for chunk in snapshot.chunks
               if is_term_entry(chunk.path) and chunk.title and chunk.title.lower() in expanded]
    entries.sort(key=lambda chunk: _first_mention(query.lower(), chunk.title.lower(), expanded))
    top = hits[0].score if hits else 1.0
    return [retrieved.get(chunk.chunk_id) or Hit(chunk, top, None, None, None, None)
            for chunk in entries]


def _first_mention(question: str, term: str, expanded: str) -> int:
    """Where the question first names a term, by itself or by a synonym ("SLA")."""
    names = [term] + [synonym for group in synonym_groups() if term in group for synonym in group]
    return min((question.index(name) for name in names if name in question),
               default=len(question) + expanded.index(term))
