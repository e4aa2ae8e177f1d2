"""Shared fixtures: every test on a fresh data directory, the real index built once, the app
under AppTest; and a guard that fails the run when anything touches the project's own ./data.

No test depends on the caller's CSC_* variables: they are removed before the first test, and
each test gets CSC_DATA_DIR pointing at its own empty directory.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from scoring.services import Services, create_services
from settings import ENV_PREFIX, PROJECT_ROOT

pytest_plugins = ["tests.browser.fixtures"]

APP_FILE = PROJECT_ROOT / "app.py"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
# audit events (sys.addaudithook) whose first argument is a path the event reads or writes
WATCHED_EVENTS = {"open", "os.mkdir", "os.listdir", "os.scandir", "os.remove", "os.rename",
                  "os.rmdir", "shutil.rmtree", "shutil.copyfile", "sqlite3.connect", "os.chmod"}
touched_default_data: list[str] = []


def _watch_default_data_dir(event: str, args: tuple) -> None:
    """Record any file operation on ./data (the developer's own library and index)."""
    if event not in WATCHED_EVENTS or not args or not isinstance(args[0], str | bytes | os.PathLike):
        return
    path = os.path.abspath(os.fsdecode(args[0]))
    if path == str(DEFAULT_DATA_DIR) or path.startswith(f"{DEFAULT_DATA_DIR}{os.sep}"):
        touched_default_data.append(f"{event} {path}")


def pytest_configure(config: pytest.Config) -> None:
    for name in [name for name in os.environ if name.startswith(ENV_PREFIX)]:
        del os.environ[name]
    os.environ[f"{ENV_PREFIX}DATA_DIR"] = tempfile.mkdtemp(prefix="csc-test-data-")
    sys.addaudithook(_watch_default_data_dir)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if touched_default_data:
        shown = "\n  ".join(dict.fromkeys(touched_default_data))
        print(f"\nTests touched the project's own data directory {DEFAULT_DATA_DIR}:\n  {shown}",
              file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def isolated_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test's default data directory: its own, empty until something writes there."""
    path = tmp_path / "data"
    monkeypatch.setenv(f"{ENV_PREFIX}DATA_DIR", str(path))
    return path


@pytest.fixture
def data_dir(isolated_data_dir: Path) -> Path:
    """A fresh, empty data dir: nothing built, nothing uploaded."""
    isolated_data_dir.mkdir(exist_ok=True)
    return isolated_data_dir


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding a real index of the shipped corpus (built once, shared, read only)."""
    data_dir = tmp_path_factory.mktemp("built-data")
    create_services({"data_dir": data_dir}).knowledge.build()
    return data_dir


@pytest.fixture(scope="session")
def built_services(built_data_dir: Path) -> Services:
    """The services on the built index, shared by the tests that only read."""
    return create_services({"data_dir": built_data_dir})


@pytest.fixture
def fresh_built_data_dir(built_data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the built data dir that a test may change."""
    path = tmp_path / "built-copy"
    shutil.copytree(built_data_dir, path)
    return path


@contextmanager
def read_only_mount(source: Path, tmp_path: Path) -> Iterator[Path]:
    """``source`` bind-mounted read-only under tmp_path (the test is skipped where mounting is
    refused); unmounted afterwards."""
    mount = tmp_path / "read-only"
    mount.mkdir()
    if subprocess.run(["mount", "--bind", str(source), str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("mounting a read-only copy is not permitted here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mount)], check=True)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def app_test(monkeypatch: pytest.MonkeyPatch, built_data_dir: Path) -> Callable[..., AppTest]:
    """Start the app (on the built index, or on ``data_dir=``) and run it once."""

    def start(data_dir: Path = built_data_dir) -> AppTest:
        monkeypatch.setenv(f"{ENV_PREFIX}DATA_DIR", str(data_dir))
        st.cache_resource.clear()
        st.cache_data.clear()
        return AppTest.from_file(str(APP_FILE), default_timeout=60).run()

    return start
