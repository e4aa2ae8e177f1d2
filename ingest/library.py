"""The document library: the shipped corpus and the documents users load, with versions.

All state is one JSON file in the data directory, replaced atomically; a document's files are
written before the state that points at them. ``transaction()`` undoes both when anything inside
it fails (a bad file, a failed index build), so the library is never left half-changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.documents import DocumentInfo, ParsedDocument, corpus_documents, parse_document, slug
from ingest.errors import IngestError

STATE_FILE = "library.json"
CORPUS_VERSION = "随附"


@dataclass(frozen=True)
class Version:
    version: str
    file: str
    content_hash: str
    loaded_at: str


@dataclass(frozen=True)
class LibraryEntry:
    info: DocumentInfo
    origin: str  # "corpus" (shipped with the app) or "loaded"
    current: str | None  # the version in use; None when the document was removed
    versions: list[Version] = field(default_factory=list)

    @property
    def removed(self) -> bool:
        return self.current is None

    def version(self, name: str) -> Version:
        return next(version for version in self.versions if version.version == name)


class DocumentLibrary:
    def __init__(self, corpus_dir: Path, data_dir: Path, max_bytes: int):
        self.corpus_dir = Path(corpus_dir)
        self.folder = Path(data_dir) / "documents"
        self.max_bytes = max_bytes
        self._written: list[Path] | None = None
        self._parsed: dict[tuple, ParsedDocument] = {}

    # --- reading -------------------------------------------------------------------------
    def _state(self) -> dict:
        path = self.folder / STATE_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"documents": {}}

    def entries(self, include_removed: bool = False) -> list[LibraryEntry]:
        """Every document, shipped ones first, in the order they were added."""
        state = self._state()["documents"]
        entries = []
        for info, path in corpus_documents(self.corpus_dir):
            shipped = Version(CORPUS_VERSION, info.file, _hash(path.read_bytes()), "")
            saved = state.get(info.doc_id, {})
            info = replace(info, **saved.get("info", {}))
            versions = [shipped] + [Version(**v) for v in saved.get("versions", [])]
            entries.append(LibraryEntry(info, "corpus", saved.get("current", CORPUS_VERSION),
                                        versions))
        shipped_ids = {entry.info.doc_id for entry in entries}
        for doc_id, saved in state.items():
            if doc_id not in shipped_ids:
                entries.append(LibraryEntry(DocumentInfo(**saved["info"]), "loaded",
                                            saved["current"],
                                            [Version(**v) for v in saved["versions"]]))
        return [entry for entry in entries if include_removed or not entry.removed]

    def entry(self, doc_id: str) -> LibraryEntry:
        for entry in self.entries(include_removed=True):
            if entry.info.doc_id == doc_id:
                return entry
        raise IngestError(f"知识库中没有文档「{doc_id}」。")

    def path_of(self, entry: LibraryEntry, version: str | None = None) -> Path:
        version = version or entry.current
        if version == CORPUS_VERSION:
            return self.corpus_dir / entry.version(version).file
        return self.folder / entry.info.doc_id / version / entry.version(version).file

    def current_files(self) -> list[tuple[DocumentInfo, Path]]:
        """The file in use of every document that is not removed."""
        return [(replace(entry.info, file=entry.version(entry.current).file), self.path_of(entry))
                for entry in self.entries()]

    def parsed(self) -> list[ParsedDocument]:
        """Every document in use, parsed; a file is parsed again only when it has changed."""
        parsed = {}
        for info, path in self.current_files():
            stat = path.stat()
            key = (info, str(path), stat.st_mtime_ns, stat.st_size)
            parsed[key] = self._parsed.get(key) or parse_document(path.read_bytes(), info,
                                                                   self.max_bytes)
        self._parsed = parsed
        return list(parsed.values())

    def preview(self, data: bytes, filename: str) -> ParsedDocument:
        """Parse an upload without storing anything (raises IngestError for bad files)."""
        info = DocumentInfo(doc_id=slug(Path(filename).stem), short_name=Path(filename).stem,
                            title=Path(filename).stem, file=Path(filename).name)
        return parse_document(data, info, self.max_bytes)

    def already_loaded(self, data: bytes) -> str | None:
        """A sentence naming where identical content is already in the library, if it is."""
        content_hash = _hash(data)
        for entry in self.entries(include_removed=True):
            for version in entry.versions:
                if version.content_hash == content_hash:
                    where = "当前版本" if version.version == entry.current else f"版本 {version.version}"
                    return f"该文件已加载:与「{entry.info.short_name}」的{where}内容相同。"
        return None

    # --- changing ------------------------------------------------------------------------
    def add(self, data: bytes, filename: str, short_name: str, title: str) -> DocumentInfo:
        """A new document (its first version)."""
        self._refuse_duplicate(data)
        short_name, title = short_name.strip(), title.strip() or short_name.strip()
        if not short_name:
            raise IngestError("请填写文档简称(引用时显示,如「GB/T 32312-2015」)。")
        if any(entry.info.short_name == short_name for entry in self.entries()):
            raise IngestError(f"已有简称为「{short_name}」的文档:请换一个简称,或将文件作为它的新版本加入。")
        doc_id = _unique_id(slug(short_name), {e.info.doc_id for e in self.entries(True)})
        info = DocumentInfo(doc_id=doc_id, short_name=short_name, title=title,
                            file=Path(filename).name, source="用户加载")
        self.preview_as(data, info)
        version = self._write_version(doc_id, "v1", filename, data)
        state = self._state()
        state["documents"][doc_id] = {"info": _info_dict(info), "current": "v1",
                                      "versions": [version.__dict__]}
        self._save(state)
        return info

    def add_version(self, doc_id: str, data: bytes, filename: str) -> str:
        """A new version of an existing document, which becomes the one in use."""
        entry = self.entry(doc_id)
        self._refuse_duplicate(data)
        self.preview_as(data, replace(entry.info, file=Path(filename).name))
        name = f"v{sum(1 for v in entry.versions if v.version != CORPUS_VERSION) + 1}"
        version = self._write_version(doc_id, name, filename, data)
        state = self._state()
        saved = state["documents"].setdefault(doc_id, {"versions": []})
        if entry.origin == "loaded":
            saved["info"] = _info_dict(entry.info)
        saved["versions"] = saved.get("versions", []) + [version.__dict__]
        saved["current"] = name
        self._save(state)
        return name

    def restore(self, doc_id: str, version: str) -> None:
        """Use an earlier version again (also brings a removed document back)."""
        entry = self.entry(doc_id)
        entry.version(version)  # raises StopIteration for an unknown version
        state = self._state()
        state["documents"].setdefault(doc_id, {"versions": []})["current"] = version
        if entry.origin == "loaded":
            state["documents"][doc_id]["info"] = _info_dict(entry.info)
        self._save(state)

    def remove(self, doc_id: str) -> None:
        """Take a document out of the knowledge base (its versions stay restorable)."""
        entry = self.entry(doc_id)
        state = self._state()
        saved = state["documents"].setdefault(doc_id, {"versions": []})
        saved["current"] = None
        if entry.origin == "loaded":
            saved["info"] = _info_dict(entry.info)
        self._save(state)

    @contextmanager
    def transaction(self) -> Iterator[DocumentLibrary]:
        """Changes inside are undone, files and state, if anything inside raises."""
        path = self.folder / STATE_FILE
        before = path.read_bytes() if path.is_file() else None
        self._written = []
        try:
            yield self
        except BaseException:
            for folder in self._written:
                shutil.rmtree(folder, ignore_errors=True)
            if before is None:
                path.unlink(missing_ok=True)
            else:
                _atomic_write(path, before)
            raise
        finally:
            self._written = None

    def preview_as(self, data: bytes, info: DocumentInfo) -> ParsedDocument:
        return parse_document(data, info, self.max_bytes)

    def _refuse_duplicate(self, data: bytes) -> None:
        message = self.already_loaded(data)
        if message:
            raise IngestError(message)

    def _write_version(self, doc_id: str, name: str, filename: str, data: bytes) -> Version:
        folder = self.folder / doc_id / name
        created = folder if folder.parent.exists() else folder.parent
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if self._written is not None:
            self._written.append(created)
        (folder / Path(filename).name).write_bytes(data)
        return Version(name, Path(filename).name, _hash(data), time.strftime("%Y-%m-%d %H:%M:%S"))

    def _save(self, state: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.folder / STATE_FILE,
                      json.dumps(state, ensure_ascii=False, indent=2).encode("utf-8"))


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _info_dict(info: DocumentInfo) -> dict:
    return {"doc_id": info.doc_id, "short_name": info.short_name, "title": info.title,
            "file": info.file, "source": info.source}


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _atomic_write(path: Path, data: bytes) -> None:
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    staging.write_bytes(data)
    os.replace(staging, path)
