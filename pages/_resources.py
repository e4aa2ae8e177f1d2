"""Shared, cached resources of the UI layer and small rendering helpers (no domain logic)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from escaping import plain
from ingest.documents import ParsedDocument
from knowledge.base import KnowledgeBase
from scoring.services import Services, create_services


@st.cache_resource(show_spinner="正在加载知识库与向量模型…")
def services() -> Services:
    """The app's services, built once per server process and shared by every session; a change
    of the knowledge base the server did not finish before it stopped is taken up again."""
    built = create_services()
    built.jobs.resume()
    return built


def knowledge_base() -> KnowledgeBase:
    return services().knowledge


@st.cache_data(show_spinner=False)
def documents(_knowledge_base: KnowledgeBase, build_id: str) -> list[ParsedDocument]:
    """The parsed documents; re-read when the index is rebuilt (``build_id`` changes)."""
    return _knowledge_base.documents()


def current_documents() -> list[ParsedDocument]:
    base = knowledge_base()
    snapshot = base.snapshot()
    return documents(base, snapshot.build_id if snapshot else "")


def kept_across_pages(*keys: str) -> None:
    """Widget values that survive a visit to another page. Streamlit forgets the state of the
    widgets a page did not draw; their last values are copied aside and put back here, before
    the widgets are drawn again (call once at the top of the page)."""
    state = st.session_state
    for key in keys:
        if key not in state and f"{key}__kept" in state:
            state[key] = state[f"{key}__kept"]


def keep(*keys: str) -> None:
    """Copy these widgets' values aside for the next visit (call after drawing them)."""
    state = st.session_state
    for key in keys:
        if key in state:
            state[f"{key}__kept"] = state[key]


def text_table(table: pd.DataFrame) -> pd.DataFrame:
    """A table for st.table, which renders Markdown in its cells: text shown as text (escaped),
    empty cells blank."""
    return table.map(lambda value: plain(value) if isinstance(value, str)
                     else "" if value is None or value != value else value)


def percent_column(label: str | None = None, help: str | None = None):
    """A rate column shown as a percentage with one decimal (92.0%, 93.3%): Streamlit's plain
    "percent" drops trailing zeros and puts 92% beside 93.33%."""
    return st.column_config.NumberColumn(label, help=help, format="percent", step=0.001)


FLAG_BADGE_COLORS = {"inferred": "orange", "truncated": "red", "empty": "gray", "unnumbered": "blue"}
