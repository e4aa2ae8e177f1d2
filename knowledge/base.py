"""The knowledge base as one object: settings in, documents, index, search and build out.

This is the composition root the pages, the CLIs and the tests share.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from langchain_core.embeddings import Embeddings

from ingest.documents import ParsedDocument
from ingest.library import DocumentLibrary
from knowledge.embeddings import make_embeddings
from knowledge.index import (
    BuildResult,
    KnowledgeIndex,
    Progress,
    build_index,
    open_index,
    read_manifest,
)
from knowledge.retrieval import Hit, HybridRetriever, hybrid_search
from knowledge.store import chroma_client
from settings import Settings, load_settings

T = TypeVar("T")


class IndexNotBuilt(RuntimeError):
    """Searching before any index was built."""

    def __str__(self) -> str:
        return "知识库索引尚未建立:请先运行 `python -m ingest build`(`make run` 会自动完成)。"


class KnowledgeBase:
    def __init__(self, settings: Settings | None = None, embeddings: Embeddings | None = None):
        self.settings = settings or load_settings()
        self._embeddings = embeddings
        self._index: KnowledgeIndex | None = None
        self._changing = threading.Lock()  # one change at a time (the app shares this object)

    @cached_property
    def embeddings(self) -> Embeddings:
        return self._embeddings or make_embeddings(self.settings.embedding_backend,
                                                   self.settings.embedding_model_path)

    @property
    def max_upload_bytes(self) -> int:
        return self.settings.max_upload_mb * 1024 * 1024

    @cached_property
    def library(self) -> DocumentLibrary:
        return DocumentLibrary(self.settings.corpus_dir, self.settings.data_dir,
                               self.max_upload_bytes)

    @property
    def client(self):
        """The Chroma client: a Chroma server when CSC_CHROMA_HOST is set, else embedded."""
        return chroma_client(self.settings.data_dir, self.settings.chroma_host,
                             self.settings.chroma_port)

    def documents(self) -> list[ParsedDocument]:
        """Every document in use, parsed from its file."""
        return self.library.parsed()

    def change(self, edit: Callable[[DocumentLibrary], T],
               on_progress: Progress | None = None) -> tuple[T, BuildResult]:
        """Change the library and rebuild the index, both or neither: a failure anywhere
        (a bad file, the embedding half-way) leaves the documents and the index as they were."""
        with self._changing, self.library.transaction() as library:
            outcome = edit(library)
            result = self.build(on_progress)
        return outcome, result

    def index(self) -> KnowledgeIndex | None:
        """The current build, reopened when another build has been swapped in."""
        manifest = read_manifest(self.settings.data_dir, self.embeddings.model_id)
        if manifest is None:
            return None
        if self._index is None or self._index.build_id != manifest["build_id"]:
            self._index = open_index(self.settings.data_dir, self.embeddings, self.client)
        return self._index

    def build(self, on_progress: Progress | None = None, force: bool = False) -> BuildResult:
        result = build_index(self.settings.data_dir, self.client, self.documents(),
                             self.embeddings, self.settings.chunk_max_chars, on_progress, force)
        self._index = None
        return result

    def search(self, query: str, k: int | None = None,
               doc_ids: list[str] | None = None) -> list[Hit]:
        index = self.index()
        if index is None:
            raise IndexNotBuilt()
        s = self.settings
        return hybrid_search(index, query, k or s.retrieval_k, s.rrf_k, s.dense_weight,
                             s.bm25_weight, doc_ids)

    def retriever(self, doc_ids: list[str] | None = None) -> HybridRetriever:
        index = self.index()
        if index is None:
            raise IndexNotBuilt()
        s = self.settings
        return HybridRetriever(index=index, k=s.retrieval_k, rrf_k=s.rrf_k,
                               dense_weight=s.dense_weight, bm25_weight=s.bm25_weight,
                               doc_ids=doc_ids)
