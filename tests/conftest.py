"""Shared fixtures: the real index built once, fresh data dirs, the app under AppTest."""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from knowledge.base import KnowledgeBase
from settings import PROJECT_ROOT, load_settings

APP_FILE = PROJECT_ROOT / "app.py"


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding a real index of the shipped corpus (built once, shared, read only)."""
    data_dir = tmp_path_factory.mktemp("built-data")
    KnowledgeBase(load_settings({"data_dir": data_dir})).build()
    return data_dir


@pytest.fixture
def fresh_built_data_dir(built_data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the built data dir that a test may change."""
    path = tmp_path / "built-copy"
    shutil.copytree(built_data_dir, path)
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh, empty data dir: nothing built, nothing uploaded."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def app_test(monkeypatch: pytest.MonkeyPatch, built_data_dir: Path) -> Callable[..., AppTest]:
    """Start the app (on the built index, or on ``data_dir=``) and run it once."""

    def start(data_dir: Path = built_data_dir) -> AppTest:
        monkeypatch.setenv("CSC_DATA_DIR", str(data_dir))
        st.cache_resource.clear()
        st.cache_data.clear()
        return AppTest.from_file(str(APP_FILE), default_timeout=60).run()

    return start
