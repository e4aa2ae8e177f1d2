"""The Chroma client: one per data directory, telemetry off."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

CHROMA_SETTINGS = ChromaSettings(anonymized_telemetry=False)


@lru_cache(maxsize=8)
def chroma_client(data_dir: Path) -> chromadb.ClientAPI:
    """The persistent Chroma store under the data directory."""
    path = Path(data_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=CHROMA_SETTINGS)
