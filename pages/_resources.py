"""Shared, cached resources of the UI layer and small rendering helpers (no domain logic)."""
from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ingest.documents import ParsedDocument
from knowledge.base import KnowledgeBase
from scoring.services import Services, create_services
from settings import Settings

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$])")


@st.cache_resource(show_spinner="正在加载知识库与向量模型…")
def services() -> Services:
    """The app's services, built once per server process and shared by every session."""
    return create_services()


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


def plain(text: str) -> str:
    """Text from a user or a document, escaped so that Markdown shows it literally."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def confirm_deletion(noun: str, pending_key: str, titles: dict[int, str],
                     delete: Callable[[int, str], None], key: str) -> None:
    """The second step of 删除: name the record chosen in the first step, with 确认删除 and 取消.

    ``pending_key`` holds the id chosen when 删除 was clicked, so choosing another record in the
    list afterwards cannot change what is deleted.
    """
    pending = st.session_state.get(pending_key)
    if pending not in titles:
        return
    st.warning(f"确定删除{noun}「{plain(titles[pending])}」?删除后无法恢复。")
    yes, no, _ = st.columns([1, 1, 4])
    yes.button("确认删除", key=f"{key}_yes", type="primary", on_click=delete,
               args=(pending, titles[pending]))
    no.button("取消", key=f"{key}_no", on_click=lambda: st.session_state.pop(pending_key, None))


FLAG_BADGE_COLORS = {"inferred": "orange", "truncated": "red", "empty": "gray", "unnumbered": "blue"}


@dataclass(frozen=True)
class AdminPassword:
    value: str

    def matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.value.encode())


def admin_password(settings: Settings) -> AdminPassword | None:
    """The knowledge base's admin password, from the settings or st.secrets, if one is set."""
    try:
        secret = st.secrets.get("admin_password", "")
    except FileNotFoundError:  # no secrets file: only the setting counts
        secret = ""
    value = settings.admin_password or secret
    return AdminPassword(value) if value else None
