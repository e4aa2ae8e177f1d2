"""The write side of one data directory: its document library and the builds of its index.

A change to the library and the rebuild it needs are one unit: both happen or neither does, also
when the process is killed half-way (the next start finishes or undoes it). A rebuild heals what
it can: a damaged library state is recovered from the document files, a damaged vector store is
moved aside and built anew, a damaged index pointer or build is replaced.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from langchain_core.embeddings import Embeddings

from ingest.chroma import StoreDamaged, chroma_client, discard_store
from ingest.documents import ParsedDocument
from ingest.embeddings import make_embeddings
from ingest.index import BuildResult, IndexDamaged, Progress, build_index, read_manifest
from ingest.library import DocumentLibrary, LibraryDamaged
from settings import Settings
from storage import is_writable, require_writable

T = TypeVar("T")


class Indexer:
    """Documents in, index builds out, for the data directory the settings name."""

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None):
        self.settings = settings
        self._embeddings = embeddings
        self._loading = threading.Lock()
        self._changing = threading.Lock()  # one change at a time (the app shares this object)
        self.notices: list[str] = []  # what healing did, for the user

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model the settings name, loaded once (sessions may ask together)."""
        with self._loading:
            if self._embeddings is None:
                self._embeddings = make_embeddings(self.settings)
            return self._embeddings

    @property
    def max_upload_bytes(self) -> int:
        return self.settings.max_upload_mb * 1024 * 1024

    @cached_property
    def library(self) -> DocumentLibrary:
        """The document library; a change a killed process left half done is finished or undone
        first."""
        library = DocumentLibrary(self.settings.corpus_dir, self.settings.data_dir,
                                  self.max_upload_bytes)
        if is_writable(self.settings.data_dir):
            outcome = library.reconcile(self._holds_library)
            if outcome:
                self.notices.append(outcome)
        return library

    def _holds_library(self, library: DocumentLibrary) -> bool:
        """The current index was built from the library as it is (each document's version)."""
        try:
            manifest = read_manifest(self.settings.data_dir, self.embeddings.model_id)
        except IndexDamaged:
            return False
        if manifest is None:
            return False
        indexed = {(item["doc_id"], item["content_hash"]) for item in manifest["documents"]}
        return indexed == {(entry.info.doc_id, entry.version(entry.current).content_hash)
                           for entry in library.entries()}

    @property
    def client(self):
        """The Chroma client: a Chroma server when CSC_CHROMA_HOST is set, else embedded."""
        return chroma_client(self.settings.data_dir, self.settings.chroma_host,
                             self.settings.chroma_port)

    def documents(self) -> list[ParsedDocument]:
        """Every document in use, parsed from its file."""
        return self.library.parsed()

    def build(self, on_progress: Progress | None = None, force: bool = False) -> BuildResult:
        """Build the index of the documents in use (a no-op when nothing changed and the current
        build is whole), healing a damaged library state or vector store on the way."""
        require_writable(self.settings.data_dir)
        try:
            documents = self.documents()
        except LibraryDamaged:
            self.notices.append(self.library.recover())
            documents = self.documents()
        try:
            client = self.client
        except StoreDamaged:
            kept = discard_store(self.settings.data_dir)
            self.notices.append(f"向量库已损坏,已改名为 {kept.name} 保留,并重新建立。" if kept else
                                "向量库已重新建立。")
            client = self.client
        return build_index(self.settings.data_dir, client, documents, self.embeddings,
                           self.settings.chunk_max_chars, on_progress, force)

    def change(self, edit: Callable[[DocumentLibrary], T],
               on_progress: Progress | None = None) -> tuple[T, BuildResult]:
        """Change the library and rebuild the index, both or neither: a failure anywhere
        (a bad file, the embedding half-way) leaves the documents and the index as they were."""
        with self._changing, self.library.transaction() as library:
            outcome = edit(library)
            result = self.build(on_progress)
        return outcome, result
