"""Files of the data directory: written whole or not at all, refused plainly when the directory
is read-only, and moved aside (never deleted) when they turn out damaged."""
from __future__ import annotations

import os
import tempfile
import time
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
