"""The write side of one data directory: its document library and the builds of its index.

A change to the library and the rebuild it needs are one unit: both happen or neither does.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from langchain_core.embeddings import Embeddings

from ingest.chroma import chroma_client
from ingest.documents import ParsedDocument
from ingest.embeddings import make_embeddings
from ingest.index import BuildResult, Progress, build_index
from ingest.library import DocumentLibrary
from settings import Settings

T = TypeVar("T")


class Indexer:
    """Documents in, index builds out, for the data directory the settings name."""

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None):
        self.settings = settings
        self._embeddings = embeddings
        self._loading = threading.Lock()
        self._changing = threading.Lock()  # one change at a time (the app shares this object)

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model the settings name, loaded once (sessions may ask together)."""
        with self._loading:
            if self._embeddings is None:
                self._embeddings = make_embeddings(self.settings.embedding_backend,
                                                   self.settings.embedding_model_path)
            return self._embeddings

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

    def build(self, on_progress: Progress | None = None, force: bool = False) -> BuildResult:
        """Build the index of the documents in use (a no-op when nothing changed)."""
        return build_index(self.settings.data_dir, self.client, self.documents(),
                           self.embeddings, self.settings.chunk_max_chars, on_progress, force)

    def change(self, edit: Callable[[DocumentLibrary], T],
               on_progress: Progress | None = None) -> tuple[T, BuildResult]:
        """Change the library and rebuild the index, both or neither: a failure anywhere
        (a bad file, the embedding half-way) leaves the documents and the index as they were."""
        with self._changing, self.library.transaction() as library:
            outcome = edit(library)
            result = self.build(on_progress)
        return outcome, result
