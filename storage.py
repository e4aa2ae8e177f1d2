"""Files of the data directory: written whole or not at all, refused plainly when the directory
is read-only, and moved aside (never deleted) when they turn out damaged."""
from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from errors import UserError


class ReadOnlyDataDir(UserError):
    """The data directory cannot be written: nothing can change, reading still works."""


def is_writable(folder: Path) -> bool:
    """Whether files can be created in the folder (or in the nearest existing folder above it)."""
    folder = Path(folder)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def require_writable(folder: Path) -> None:
    """Refuse a change, saying why, when the data directory is read-only."""
    if not is_writable(folder):
        raise ReadOnlyDataDir(f"数据目录 {folder} 是只读的,不能保存任何更改(查看与问答不受影响)。"
                              "请让管理员恢复该目录的写权限后再试。")


def atomic_write(path: Path, data: bytes) -> None:
    """Replace the file with these bytes at once: readers see the old file or the new one,
    never a part (also when the process is killed half-way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                     delete=False) as staging:
        staging.write(data)
        staging.flush()
        os.fsync(staging.fileno())
    os.replace(staging.name, path)


def move_aside(path: Path) -> Path:
    """Rename a damaged file or folder out of the way (name.damaged-YYYYmmdd-HHMMSS), keeping it."""
    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, target)
    return target


class SqliteFile:
    """An SQLite file of the data directory, as the stores use it: read only when it exists,
    written in one transaction (all or nothing), its schema made on the way, and a file SQLite
    cannot read refused with the store's own message (never replaced: it may be evidence).

        database = SqliteFile(path, SCHEMA, lambda error: MyError(f"… {error} …"))
        with database.reading() as db:    # None when the file does not exist yet
            ...
        with database.writing() as db:    # commits at the end, rolls back on an exception
            ...
    """

    def __init__(self, path: Path, schema: str, damaged, foreign_keys: bool = False):
        self.path = Path(path)
        self.schema = schema
        self.damaged = damaged  # DatabaseError -> the UserError to raise
        self.foreign_keys = foreign_keys

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection | None]:
        if not self.path.exists():
            yield None
            return
        with self._connect() as db:
            yield db

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        require_writable(self.path.parent)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db, db:  # the inner `with db` commits, or rolls back on error
            yield db

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(sqlite3.connect(self.path, timeout=30)) as db:
                db.row_factory = sqlite3.Row
                if self.foreign_keys:
                    db.execute("PRAGMA foreign_keys = ON")
                if is_writable(self.path.parent):
                    db.executescript(self.schema)
                yield db
        except sqlite3.DatabaseError as error:
            if type(error) is not sqlite3.DatabaseError:  # a refused row, not a damaged file
                raise
            raise self.damaged(error) from None
