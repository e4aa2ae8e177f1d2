"""The document library: the shipped corpus and the documents users load, with versions.

All state is one JSON file in the data directory, replaced atomically; a document's files are
written before the state that points at them. ``transaction()`` undoes both when anything inside
it fails (a bad file, a failed index build), so the library is never left half-changed. A
journal written first lets ``reconcile()`` finish or undo a change whose process was killed, and
``recover()`` rebuilds the state from the files on disk when the state file is damaged.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.documents import DocumentInfo, ParsedDocument, corpus_documents, parse_document, slug
from ingest.errors import IngestError
from ingest.versions import VersionDiff, compare
from storage import atomic_write, move_aside, require_writable

STATE_FILE = "library.json"
JOURNAL_FILE = "library.journal.json"  # present while a change is under way
INFO_FILE = "info.json"  # beside a document's versions: its names, for recovery
CORPUS_VERSION = "随附"
VERSION_FOLDER = re.compile(r"^v(\d+)$")
REBUILD = ("请在「文档管理」页点“重建索引”,或运行 `python -m ingest build`:"
           "文档库会按已保存的文档文件恢复。")
_changing = threading.Lock()  # one change at a time in this process (the file lock: across)


class LibraryDamaged(IngestError):
    """The library's state file cannot be read; recover() rebuilds it from the files."""


@dataclass(frozen=True)
class Version:
    version: str
    file: str
    content_hash: str
    loaded_at: str
    changes: dict[str, list[str]] | None = None  # clauses added/removed/changed from the one before


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
        # beside the documents folder, so that a failed first change leaves no trace
        self.journal_path = Path(data_dir) / JOURNAL_FILE
        self.max_bytes = max_bytes
        self._written: list[Path] | None = None
        self._parsed: dict[tuple, ParsedDocument] = {}

    # --- reading -------------------------------------------------------------------------
    def _state(self) -> dict:
        path = self.folder / STATE_FILE
        if not path.is_file():
            return {"documents": {}}
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(state, dict) or not isinstance(state.get("documents"), dict):
                raise ValueError("not a library state")
        except (OSError, ValueError) as error:
            raise LibraryDamaged(f"文档库的状态文件 {STATE_FILE} 已损坏。{REBUILD}") from error
        return state

    def entries(self, include_removed: bool = False) -> list[LibraryEntry]:
        """Every document, shipped ones first, in the order they were added."""
        try:
            return self._entries(self._state()["documents"], include_removed)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise LibraryDamaged(f"文档库的状态文件 {STATE_FILE} 内容不完整。{REBUILD}") from error

    def _entries(self, state: dict, include_removed: bool) -> list[LibraryEntry]:
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
        atomic_write(self.folder / doc_id / INFO_FILE,
                     json.dumps(_info_dict(info), ensure_ascii=False).encode("utf-8"))
        state = self._state()
        state["documents"][doc_id] = {"info": _info_dict(info), "current": "v1",
                                      "versions": [version.__dict__]}
        self._save(state)
        return info

    def compare_version(self, doc_id: str, data: bytes, filename: str) -> VersionDiff:
        """What a file would change as the new version of a document (nothing is written)."""
        entry = self.entry(doc_id)
        new = self.preview_as(data, replace(entry.info, file=Path(filename).name))
        if entry.removed:
            return compare(replace(new, clauses=[]), new)
        current = self.path_of(entry)
        old = parse_document(current.read_bytes(), replace(entry.info, file=current.name),
                             self.max_bytes)
        return compare(old, new)

    def add_version(self, doc_id: str, data: bytes, filename: str) -> str:
        """A new version of an existing document, which becomes the one in use; the history
        keeps which clauses it added, removed and changed."""
        entry = self.entry(doc_id)
        self._refuse_duplicate(data)
        changes = self.compare_version(doc_id, data, filename).record()
        name = f"v{sum(1 for v in entry.versions if v.version != CORPUS_VERSION) + 1}"
        version = replace(self._write_version(doc_id, name, filename, data), changes=changes)
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
        """Changes inside are undone, files and state, if anything inside raises; a journal
        written first lets reconcile() finish or undo them if the process dies inside."""
        require_writable(self.folder.parent)
        with self._locked():
            path = self.folder / STATE_FILE
            before = path.read_text(encoding="utf-8") if path.is_file() else None
            self._written = []
            self._journal({"before": before, "written": []})
            try:
                yield self
            except BaseException:
                self._undo(before, self._written)
                raise
            finally:
                self._written = None
                (self.journal_path).unlink(missing_ok=True)

    def reconcile(self, indexed: Callable[[DocumentLibrary], bool]) -> str | None:
        """Finish or undo a change whose process died (a journal is left): kept when the index
        already holds it (``indexed``), else undone. Returns what was done, if anything."""
        journal_path = self.journal_path
        if not journal_path.is_file():
            return None
        with self._locked(wait=False) as locked:
            if not locked or not journal_path.is_file():
                return None  # another process is still at it, or has just finished
            try:
                journal = json.loads(journal_path.read_text(encoding="utf-8"))
                before, written = journal["before"], [Path(item) for item in journal["written"]]
            except (OSError, ValueError, KeyError, TypeError):
                journal_path.unlink(missing_ok=True)
                return None
            try:
                kept = indexed(self)
            except IngestError:
                kept = False
            if kept:
                self._remove_unused(written)
                outcome = "上次中断的文档变更已完成(索引已包含该变更)。"
            else:
                self._undo(before, written)
                outcome = "上次中断的文档变更已撤销,文档库与索引保持变更前的状态。"
            journal_path.unlink(missing_ok=True)
            return outcome

    def recover(self) -> str:
        """Rebuild the state from the files on disk, keeping the damaged state file aside:
        every document folder at its latest version. Returns a note for the user."""
        with self._locked():
            damaged = move_aside(self.folder / STATE_FILE) \
                if (self.folder / STATE_FILE).exists() else None
            shipped = {info.doc_id: info for info, _ in corpus_documents(self.corpus_dir)}
            state: dict = {"documents": {}}
            for folder in sorted(path for path in self.folder.iterdir() if path.is_dir()):
                versions = sorted((int(match.group(1)), item) for item in folder.iterdir()
                                  if (match := VERSION_FOLDER.match(item.name)) and item.is_dir()
                                  and len(list(item.iterdir())) == 1)
                if not versions:
                    continue
                records = [_version_of(path) for _, path in versions]
                saved = {"versions": [record.__dict__ for record in records],
                         "current": records[-1].version}
                if folder.name not in shipped:
                    saved["info"] = _recovered_info(folder, records[-1].file)
                state["documents"][folder.name] = saved
            self._save(state)
        kept = f"原文件已改名为 {damaged.name} 保留;" if damaged else ""
        return (f"已按保存的文档文件恢复文档库({len(state['documents'])} 个文档的版本,"
                f"各取最新版本)。{kept}如有之前移除的文档,请再次移除。")

    @contextmanager
    def _locked(self, wait: bool = True) -> Iterator[bool]:
        """Held while the library changes: by one thread of this process, and by one process."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        if not _changing.acquire(blocking=wait):
            yield False
            return
        handle = os.open(self.folder.parent, os.O_RDONLY)  # the data directory is the lock
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)
            _changing.release()

    def _journal(self, journal: dict) -> None:
        atomic_write(self.journal_path,
                     json.dumps(journal, ensure_ascii=False).encode("utf-8"))

    def _undo(self, before: str | None, written: list[Path]) -> None:
        path = self.folder / STATE_FILE
        if before is None:
            path.unlink(missing_ok=True)
        else:
            atomic_write(path, before.encode("utf-8"))
        for folder in written:
            shutil.rmtree(folder, ignore_errors=True)

    def _remove_unused(self, written: list[Path]) -> None:
        """Folders a change wrote that the state does not use (the change stopped between)."""
        used = {self.path_of(entry, version.version).parent for entry in self.entries(True)
                for version in entry.versions if version.version != CORPUS_VERSION}
        for folder in written:
            if not any(folder == path or folder in path.parents for path in used):
                shutil.rmtree(folder, ignore_errors=True)

    def preview_as(self, data: bytes, info: DocumentInfo) -> ParsedDocument:
        return parse_document(data, info, self.max_bytes)

    def _refuse_duplicate(self, data: bytes) -> None:
        message = self.already_loaded(data)
        if message:
            raise IngestError(message)

    def _write_version(self, doc_id: str, name: str, filename: str, data: bytes) -> Version:
        folder = self.folder / doc_id / name
        created = folder if folder.parent.exists() else folder.parent
        if self._written is not None:
            self._written.append(created)
            self._journal({"before": self._before_text(), "written": [str(item) for item in
                                                                      self._written]})
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        atomic_write(folder / Path(filename).name, data)
        return Version(name, Path(filename).name, _hash(data), time.strftime("%Y-%m-%d %H:%M:%S"))

    def _before_text(self) -> str | None:
        journal = json.loads((self.journal_path).read_text(encoding="utf-8"))
        return journal["before"]

    def _save(self, state: dict) -> None:
        atomic_write(self.folder / STATE_FILE,
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


def _version_of(folder: Path) -> Version:
    """A version folder on disk as the state records it (for recovery)."""
    file = next(folder.iterdir())
    loaded_at = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(file.stat().st_mtime))
    return Version(folder.name, file.name, _hash(file.read_bytes()), loaded_at)


def _recovered_info(folder: Path, file: str) -> dict:
    """A loaded document's names from its info.json, else from its folder (for recovery)."""
    try:
        info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
        return _info_dict(DocumentInfo(**{**info, "file": file}))
    except (OSError, ValueError, TypeError):
        return _info_dict(DocumentInfo(folder.name, folder.name, folder.name, file, "用户加载"))
