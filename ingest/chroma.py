"""The Chroma client: embedded under the data directory, or a Chroma server; telemetry off."""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

KEPT_CLIENTS = 8  # the most recently used stores keep their client (tests open many data dirs)

_clients: OrderedDict[tuple[str, str, int], chromadb.ClientAPI] = OrderedDict()
_creating = threading.Lock()


def _chroma_settings() -> ChromaSettings:
    # A new object each time: chromadb's clients write their own fields into the one they get.
    return ChromaSettings(anonymized_telemetry=False)


def chroma_client(data_dir: Path, host: str = "", port: int = 8000) -> chromadb.ClientAPI:
    """A Chroma server's HTTP client when a host is set, else the store under the data directory.

    One client per store and process, created under a lock: sessions that start together would
    otherwise race inside chromadb while it sets up the same store.
    """
    key = ("", host, port) if host else (str(Path(data_dir).resolve()), "", 0)
    with _creating:
        if key not in _clients:
            if host:
                _clients[key] = chromadb.HttpClient(host=host, port=port,
                                                    settings=_chroma_settings())
            else:
                path = Path(data_dir) / "chroma"
                path.mkdir(parents=True, exist_ok=True)
                _clients[key] = chromadb.PersistentClient(path=str(path),
                                                          settings=_chroma_settings())
        _clients.move_to_end(key)
        while len(_clients) > KEPT_CLIENTS:
            _clients.popitem(last=False)
        return _clients[key]
