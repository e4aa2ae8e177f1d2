"""The knowledge base as one object: the documents and index of a data directory (written through
the indexer) and searches over one snapshot of the index at a time."""
from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from langchain_core.embeddings import Embeddings

from errors import UserError
from ingest.calibration import Calibration, calibration_for
from ingest.chunks import Chunk
from ingest.documents import ParsedDocument
from ingest.embeddings import model_name
from ingest.index import BuildResult, KnowledgeIndex, Progress, read_manifest
from ingest.indexer import Indexer
from ingest.library import DocumentLibrary
from knowledge.concepts import ConceptStatistics
from knowledge.retrieval import Hit, HybridRetriever, hybrid_search
from settings import Settings

T = TypeVar("T")


class IndexNotBuilt(UserError):
    """Searching before any index was built."""

    def __str__(self) -> str:
        return "知识库索引尚未建立:请先运行 `python -m ingest build`(`make run` 会自动完成)。"


class Snapshot:
    """One build of the index and what is derived from it. An answer reads only one snapshot,
    so a rebuild swapped in meanwhile cannot mix two builds into one answer."""

    def __init__(self, index: KnowledgeIndex, settings: Settings, embeddings: Embeddings):
        self.index = index
        self.settings = settings
        self.embeddings = embeddings

    @property
    def build_id(self) -> str:
        return self.index.build_id

    @property
    def model_id(self) -> str:
        return self.index.model_id

    @property
    def manifest(self) -> dict:
        return self.index.manifest

    @property
    def chunks(self) -> list[Chunk]:
        return self.index.chunks

    @cached_property
    def concepts(self) -> ConceptStatistics:
        """How often each concept occurs among the chunks (heading and text)."""
        return ConceptStatistics([chunk.passage for chunk in self.chunks])

    def gaps(self, doc_id: str) -> list[str]:
        """What the indexed copy of a document lacks (notes made when it was indexed)."""
        return next((document.get("gaps", []) for document in self.manifest["documents"]
                     if document["doc_id"] == doc_id), [])

    def search(self, query: str, k: int | None = None,
               doc_ids: list[str] | None = None) -> list[Hit]:
        s = self.settings
        return hybrid_search(self.index, query, k or s.retrieval_k, s.rrf_k, s.dense_weight,
                             s.bm25_weight, doc_ids)

    def retriever(self, doc_ids: list[str] | None = None) -> HybridRetriever:
        s = self.settings
        return HybridRetriever(index=self.index, k=s.retrieval_k, rrf_k=s.rrf_k,
                               dense_weight=s.dense_weight, bm25_weight=s.bm25_weight,
                               doc_ids=doc_ids)


class KnowledgeBase:
    """Documents, index and search of the data directory the settings name."""

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None):
        self.settings = settings
        self.indexer = Indexer(settings, embeddings)
        self._snapshot: Snapshot | None = None
        self._opening = threading.Lock()

    @property
    def embeddings(self) -> Embeddings:
        return self.indexer.embeddings

    @property
    def library(self) -> DocumentLibrary:
        return self.indexer.library

    @property
    def calibration(self) -> Calibration:
        """The similarity thresholds of the embedding model (CSC_ANSWER_MIN_SIMILARITY, when
        set, replaces the calibrated answer threshold)."""
        configured = self.settings.answer_min_similarity
        return calibration_for(model_name(self.embeddings),
                               None if configured == "" else float(configured))

    @property
    def max_upload_bytes(self) -> int:
        return self.indexer.max_upload_bytes

    def documents(self) -> list[ParsedDocument]:
        """Every document in use, parsed from its file."""
        return self.indexer.documents()

    def revised_clauses(self) -> dict[str, tuple[str, dict[str, str]]]:
        """For each document whose version in use came with a record of its changes: that
        version, and its clauses that are new (新增) or changed (修改) since the version before."""
        revised = {}
        try:
            entries = self.library.entries()
        except UserError:  # a damaged library state: answers come from the index all the same
            return revised
        for entry in entries:
            version = entry.version(entry.current)
            if version.changes:
                revised[entry.info.doc_id] = (version.version, {
                    **{clause: "新增" for clause in version.changes["added"]},
                    **{clause: "修改" for clause in version.changes["changed"]}})
        return revised

    def change(self, edit: Callable[[DocumentLibrary], T],
               on_progress: Progress | None = None) -> tuple[T, BuildResult]:
        """Change the library and rebuild the index, both or neither (see Indexer.change)."""
        return self.indexer.change(edit, on_progress)

    def build(self, on_progress: Progress | None = None, force: bool = False) -> BuildResult:
        return self.indexer.build(on_progress, force)

    def snapshot(self) -> Snapshot | None:
        """The current build, reopened when another build has been swapped in; None before the
        first build."""
        model_id = self.embeddings.model_id
        manifest = read_manifest(self.settings.data_dir, model_id)
        if manifest is None:
            return None
        with self._opening:
            if self._snapshot is None or self._snapshot.build_id != manifest["build_id"]:
                index = KnowledgeIndex(self.settings.data_dir, model_id, manifest, self.embeddings,
                                       self.indexer.client)
                self._snapshot = Snapshot(index, self.settings, self.embeddings)
            return self._snapshot

    def current(self) -> Snapshot:
        """The current build; IndexNotBuilt before the first one."""
        snapshot = self.snapshot()
        if snapshot is None:
            raise IndexNotBuilt()
        return snapshot

    def search(self, query: str, k: int | None = None,
               doc_ids: list[str] | None = None) -> list[Hit]:
        return self.current().search(query, k, doc_ids)
