"""The Chroma client: embedded under the data directory, or a Chroma server; telemetry off.

An embedded store that cannot be opened is reported (IndexDamaged) and, on a rebuild, moved
aside for a new one. A read-only data directory is read through a private copy of the store, as
Chroma writes to its files even to read them.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import chromadb
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings

from errors import UserError
from storage import is_writable, move_aside

KEPT_CLIENTS = 8  # the most recently used stores keep their client (tests open many data dirs)
STORE_FOLDER = "chroma"

_clients: OrderedDict[tuple[str, str, int], chromadb.ClientAPI] = OrderedDict()
_creating = threading.Lock()
_copies: list[Path] = []


class StoreDamaged(UserError):
    """The embedded vector store cannot be opened."""


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
            _clients[key] = chromadb.HttpClient(host=host, port=port, settings=_chroma_settings()) \
                if host else _embedded(Path(data_dir) / STORE_FOLDER)
        _clients.move_to_end(key)
        while len(_clients) > KEPT_CLIENTS:
            _clients.popitem(last=False)
        return _clients[key]


def discard_store(data_dir: Path) -> Path | None:
    """Move a damaged embedded store aside (kept, not deleted); the next client starts empty."""
    path = Path(data_dir) / STORE_FOLDER
    with _creating:
        _clients.pop((str(Path(data_dir).resolve()), "", 0), None)
        _forget(path)
        return move_aside(path) if path.exists() else None


def _forget(path: Path) -> None:
    """Drop chromadb's own cached system for a store: it keeps one even when starting it failed,
    and would hand that broken one to every later client of the path."""
    SharedSystemClient._identifier_to_system.pop(str(path), None)


def _embedded(path: Path) -> chromadb.ClientAPI:
    if is_writable(path):
        path.mkdir(parents=True, exist_ok=True)
    else:
        path = _private_copy(path)
    try:
        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    except Exception as error:  # chromadb raises its own errors for a damaged store
        _forget(path)
        reason = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        raise StoreDamaged(f"向量库 {path} 无法打开({reason})。请在「文档管理」页点“重建索引”,"
                           "或运行 `python -m ingest build`:损坏的向量库会被移到一旁,"
                           "索引从已加载的文档重新建立。") from error


def _private_copy(path: Path) -> Path:
    """A copy of a read-only store to read from (removed when the process ends)."""
    copy = Path(tempfile.mkdtemp(prefix="csc-chroma-readonly-")) / STORE_FOLDER
    if path.exists():
        shutil.copytree(path, copy)
    _copies.append(copy.parent)
    return copy


@atexit.register
def _remove_copies() -> None:
    for folder in _copies:
        shutil.rmtree(folder, ignore_errors=True)
