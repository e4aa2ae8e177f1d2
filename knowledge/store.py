"""The Chroma client: embedded under the data directory, or a Chroma server; telemetry off."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings


def _chroma_settings() -> ChromaSettings:
    # A new object each time: chromadb's clients write their own fields into the one they get.
    return ChromaSettings(anonymized_telemetry=False)


@lru_cache(maxsize=8)
def chroma_client(data_dir: Path, host: str = "", port: int = 8000) -> chromadb.ClientAPI:
    """A Chroma server's HTTP client when a host is set, else the store under the data directory."""
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=_chroma_settings())
    path = Path(data_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
