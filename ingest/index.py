"""The knowledge index: clause chunks in a Chroma collection (dense) and a BM25 index (lexical).

Each build goes into a new collection and folder; a pointer file (``current.json``) is swapped
atomically when the build is complete, so readers never see a half-built index and a failed
build leaves the previous one serving. Vectors are reused by content hash, so a rebuild only
embeds text that changed. One pointer per embedding model: vectors of two models never mix.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
from chromadb.api import ClientAPI
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from errors import UserError
from ingest.chunks import Chunk, chunk_documents, sentences
from ingest.documents import ParsedDocument
from ingest.embeddings import ReusingEmbeddings, content_key
from ingest.tokenize import add_domain_words, expand_query, tokens

POINTER_FILE = "current.json"
MANIFEST_KEYS = {"build_id", "collection", "fingerprint", "model_id", "chunks", "documents"}
BUILD_FILES = ("chunks.jsonl", "domain_words.json", "bm25")
REBUILD = ("请在「文档管理」页点“重建索引”,或运行 `python -m ingest build`:"
           "索引会从已加载的文档重新建立。")
CHUNKS_PER_WRITE = 32
INDEX_FORMAT = 4  # bump when what a build stores changes: forces a rebuild

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    chunks: int
    embedded: int  # texts the model embedded in this build (sentences, one-sentence chunks, headings)
    reused: int  # vectors taken over from the previous build, by content hash
    seconds: float
    up_to_date: bool = False


class IndexDamaged(UserError):
    """Files of the index cannot be read; a rebuild from the documents recovers."""


class KnowledgeIndex:
    """A complete, readable build: its chunks, dense store and BM25 index."""

    def __init__(self, data_dir: Path, model_id: str, manifest: dict, embeddings: Embeddings,
                 client: ClientAPI):
        self.model_id = model_id
        self.manifest = manifest
        self.build_id = manifest["build_id"]
        folder = _model_dir(data_dir, model_id) / "builds" / self.build_id
        try:
            self.chunks = [Chunk.from_dict(json.loads(line)) for line in
                           (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
            add_domain_words(json.loads((folder / "domain_words.json").read_text(encoding="utf-8")))
            self._bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False, verbosity=0)
            self.vectorstore = Chroma(client=client, collection_name=manifest["collection"],
                                      embedding_function=embeddings,
                                      create_collection_if_not_exists=False)
        except Exception as error:  # files gone or damaged, the collection missing: one message
            raise IndexDamaged(f"知识库索引(版本 {self.build_id})的文件缺失或已损坏"
                               f"({type(error).__name__})。{REBUILD}") from error
        self._position = {chunk.chunk_id: number for number, chunk in enumerate(self.chunks)}
        self._sentences: dict[str, list[tuple[str, np.ndarray]]] | None = None

    def dense(self, query: str, limit: int, doc_ids: list[str] | None = None
              ) -> list[tuple[Chunk, float]]:
        """Chunks nearest to the query by cosine similarity."""
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        limit = min(limit, len(self.chunks))
        hits = self.vectorstore.similarity_search_with_score(expand_query(query), k=limit * 3,
                                                             filter=where)
        return [(self.chunks[self._position[document.metadata["chunk_id"]]], 1.0 - distance)
                for document, distance in hits if document.metadata["chunk_id"] in self._position]

    @property
    def vocabulary(self) -> set[str]:
        """Every BM25 token of the indexed documents."""
        return set(self._bm25.vocab_dict)

    def sentence_vectors(self, chunk_ids: list[str]) -> dict[str, list[tuple[str, np.ndarray]]]:
        """Each chunk's sentences with their stored vectors (read once, then kept in memory)."""
        if self._sentences is None:
            stored = self.vectorstore.get(include=["embeddings", "metadatas"])
            self._sentences = {}
            for metadata, vector in zip(stored["metadatas"], stored["embeddings"]):
                if metadata.get("sentence"):
                    self._sentences.setdefault(metadata["chunk_id"], []).append(
                        (metadata["sentence"], np.asarray(vector, dtype=np.float32)))
        return {chunk_id: self._sentences.get(chunk_id, []) for chunk_id in chunk_ids}

    def lexical(self, query: str, limit: int, doc_ids: list[str] | None = None
                ) -> list[tuple[Chunk, float]]:
        """Chunks by BM25 over jieba tokens; only chunks sharing a term with the query."""
        query_tokens = [token for token in tokens(expand_query(query)) if token in self._bm25.vocab_dict]
        if not query_tokens or not self.chunks:
            return []
        mask = None
        if doc_ids:
            mask = np.array([chunk.doc_id in doc_ids for chunk in self.chunks], dtype=np.float32)
        ids, scores = self._bm25.retrieve([query_tokens], k=min(limit, len(self.chunks)),
                                          show_progress=False, weight_mask=mask)
        return [(self.chunks[int(position)], float(score))
                for position, score in zip(ids[0], scores[0]) if score > 0]


def _model_dir(data_dir: Path, model_id: str) -> Path:
    return Path(data_dir) / "index" / model_id


def read_manifest(data_dir: Path, model_id: str) -> dict | None:
    """The current build's manifest; None before the first build, IndexDamaged when the pointer
    file cannot be read."""
    pointer = _model_dir(data_dir, model_id) / POINTER_FILE
    if not pointer.is_file():
        return None
    try:
        manifest = json.loads(pointer.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not MANIFEST_KEYS <= manifest.keys():
            raise ValueError("not a manifest")
    except (OSError, ValueError) as error:
        raise IndexDamaged(f"知识库索引的指针文件 {pointer.name} 已损坏。{REBUILD}") from error
    return manifest


def _intact(data_dir: Path, client: ClientAPI, manifest: dict) -> bool:
    """The build a manifest names is all there: its files and its Chroma collection."""
    folder = _model_dir(data_dir, manifest["model_id"]) / "builds" / manifest["build_id"]
    return all((folder / name).exists() for name in BUILD_FILES) \
        and _collection_exists(client, manifest["collection"])


def fingerprint(chunks: list[Chunk], model_id: str) -> str:
    digest = hashlib.sha256(f"{model_id}|{INDEX_FORMAT}".encode())
    for chunk in chunks:
        digest.update(json.dumps(chunk.to_dict(), ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def build_index(data_dir: Path, client: ClientAPI, documents: list[ParsedDocument],
                embeddings: Embeddings, chunk_max_chars: int,
                on_progress: Progress | None = None, force: bool = False) -> BuildResult:
    """Build the index of these documents aside and swap it in; unchanged input is a no-op."""
    started = time.perf_counter()
    report = on_progress or (lambda done, total, stage: None)
    model_id = embeddings.model_id
    chunks = chunk_documents(documents, chunk_max_chars)
    print_ = fingerprint(chunks, model_id)
    try:
        current = read_manifest(data_dir, model_id)
    except IndexDamaged:
        current = None  # a damaged pointer is replaced by this build
    if current and not _intact(data_dir, client, current):
        current = None  # a build with files or vectors missing is rebuilt, not trusted
    if current and current["fingerprint"] == print_ and not force:
        return BuildResult(current["build_id"], len(chunks), 0, len(chunks), 0.0, up_to_date=True)

    build_id = time.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    collection = f"kb-{hashlib.sha256(model_id.encode()).hexdigest()[:10]}-{build_id}"
    folder = _model_dir(data_dir, model_id) / "builds" / build_id
    entries = [_dense_entries(chunk) for chunk in chunks]
    known = _known_vectors(client, current)
    to_embed = len({content_key(text) for group in entries for text in _texts_to_embed(group, known)}
                   - known.keys())
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        report(done, to_embed, "embedding")

    reusing = ReusingEmbeddings(embeddings, known, advance)
    try:
        folder.mkdir(parents=True)
        store = client.create_collection(
            collection, metadata={"hnsw:space": "cosine", "model_id": model_id})
        report(0, to_embed, "embedding")
        for start in range(0, len(entries), CHUNKS_PER_WRITE):
            groups = entries[start:start + CHUNKS_PER_WRITE]
            texts = [text for group in groups for text in _texts_to_embed(group, known)]
            embedded = dict(zip(texts, reusing.embed_documents(texts)))
            part = [entry for group in groups for entry in group]
            store.upsert(ids=[entry.entry_id for entry in part],
                         embeddings=[vector for group in groups
                                     for vector in _group_vectors(group, embedded, known)],
                         documents=[entry.text for entry in part],
                         metadatas=[entry.metadata for entry in part])
        report(len(chunks), len(chunks), "bm25")
        _write_lexical(folder, chunks, documents)
        manifest = {
            "build_id": build_id, "collection": collection, "fingerprint": print_,
            "model_id": model_id, "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "chunks": len(chunks),
            "documents": [{"doc_id": d.info.doc_id, "short_name": d.info.short_name,
                           "title": d.info.title, "clauses": len(d.clauses),
                           "content_hash": d.content_hash, "gaps": d.gaps} for d in documents],
        }
        _swap_pointer(_model_dir(data_dir, model_id), manifest)
    except BaseException:
        _drop_collection(client, collection)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _prune(client, data_dir, model_id, keep={build_id, current["build_id"] if current else ""})
    report(len(chunks), len(chunks), "done")
    return BuildResult(build_id, len(chunks), reusing.embedded, reusing.reused,
                       time.perf_counter() - started)


@dataclass(frozen=True)
class DenseEntry:
    entry_id: str
    text: str
    metadata: dict
    pooled: bool = False  # the vector is pooled from the rest of its chunk's entries


def _dense_entries(chunk: Chunk) -> list[DenseEntry]:
    """The chunk itself and, for a chunk of several sentences, each sentence under its heading.

    A chunk of several sentences is not embedded as a whole: its vector is pooled from its
    sentences' vectors (as the engine itself pools a text longer than its window), so each
    character is embedded once and ingest runs at about the model's own speed. The ``sentence``
    metadata is the exact sentence (empty for the whole chunk), so answers can rank and quote
    sentences without embedding them again.
    """
    parts = sentences(chunk.text)
    heading = _heading(chunk.passage)
    texts = [(chunk.passage, parts[0] if len(parts) == 1 else "")]
    if len(parts) > 1:
        texts += [(heading + "\n" + sentence, sentence) for sentence in parts]
    entries = []
    for number, (text, sentence) in enumerate(texts):
        pooled = number == 0 and len(parts) > 1
        entries.append(DenseEntry(
            f"{chunk.chunk_id}-{number}", text,
            {"doc_id": chunk.doc_id, "clause": chunk.clause, "chunk_id": chunk.chunk_id,
             "sentence": sentence, "content_key": ("pooled:" if pooled else "") + content_key(text)},
            pooled))
    return entries


def _texts_to_embed(group: list[DenseEntry], known: dict[str, list[float]]) -> list[str]:
    """The texts one chunk's vectors need: its entries but a pooled one, and for a pooled vector
    not known yet, its heading alone."""
    texts = [entry.text for entry in group if not entry.pooled]
    if group[0].pooled and group[0].metadata["content_key"] not in known:
        texts.append(_heading(group[0].text))
    return texts


def _group_vectors(group: list[DenseEntry], embedded: dict[str, list[float]],
                   known: dict[str, list[float]]) -> list[list[float]]:
    """The vectors of one chunk's entries. A pooled one is the length-weighted mean of its
    sentences' vectors with the heading, which each sentence repeats, counted once (the
    whole text holds it once), at unit length; it is kept in ``known`` for reuse."""
    head, *rest = group
    if head.pooled and head.metadata["content_key"] not in known:
        total = np.sum([len(entry.text) * np.asarray(embedded[entry.text], dtype=np.float64)
                        for entry in rest], axis=0)
        heading = _heading(head.text)
        total -= (len(rest) - 1) * len(heading) * np.asarray(embedded[heading], dtype=np.float64)
        known[head.metadata["content_key"]] = (total / (np.linalg.norm(total) or 1.0)).tolist()
    return [known[entry.metadata["content_key"]] if entry.pooled else embedded[entry.text]
            for entry in group]


def _heading(passage: str) -> str:
    return passage.split("\n", 1)[0]


def _known_vectors(client, current: dict | None) -> dict[str, list[float]]:
    if not current or not _collection_exists(client, current["collection"]):
        return {}
    stored = client.get_collection(current["collection"]).get(include=["embeddings", "metadatas"])
    return {metadata["content_key"]: list(vector)
            for metadata, vector in zip(stored["metadatas"], stored["embeddings"])}


def _write_lexical(folder: Path, chunks: list[Chunk], documents: list[ParsedDocument]) -> None:
    domain_words = sorted({clause.title for document in documents for clause in document.clauses
                           if clause.title})
    add_domain_words(domain_words)
    (folder / "domain_words.json").write_text(json.dumps(domain_words, ensure_ascii=False),
                                              encoding="utf-8")
    corpus = [tokens(chunk.passage) or ["_"] for chunk in chunks]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    retriever.save(str(folder / "bm25"), show_progress=False)
    (folder / "chunks.jsonl").write_text(
        "\n".join(json.dumps(chunk.to_dict(), ensure_ascii=False) for chunk in chunks),
        encoding="utf-8")


def _swap_pointer(model_dir: Path, manifest: dict) -> None:
    staging = model_dir / f".{POINTER_FILE}.{manifest['build_id']}"
    staging.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(staging, model_dir / POINTER_FILE)


def _collection_exists(client, name: str) -> bool:
    return name in {collection.name for collection in client.list_collections()}


def _drop_collection(client, name: str) -> None:
    if _collection_exists(client, name):
        client.delete_collection(name)


def _prune(client, data_dir: Path, model_id: str, keep: set[str]) -> None:
    """Remove builds of this model other than the current one and the one it replaced."""
    builds = _model_dir(data_dir, model_id) / "builds"
    prefix = f"kb-{hashlib.sha256(model_id.encode()).hexdigest()[:10]}-"
    for collection in client.list_collections():
        if collection.name.startswith(prefix) and collection.name[len(prefix):] not in keep:
            client.delete_collection(collection.name)
    for folder in builds.iterdir() if builds.is_dir() else ():
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
