"""The 打开 / 新建 / 删除 controls of a page's saved records (自评, 草稿), shared by the pages."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from errors import UserError
from escaping import plain
from pages._confirm import confirm_button
from pages._session import may, perform


@dataclass(frozen=True)
class SavedRecordControls:
    """What the buttons of one kind of saved record do.

    Widgets and state keys start with ``key``: <key>_pick (the record chosen in the list),
    <key>_open, <key>_new, <key>_delete (then _yes / _no, the shared confirmation), <key>_id (the
    record open on the page), <key>_message and <key>_problem (shown on the next run). Deleting
    is the action ``delete_action`` (absent for those whose roles do not allow it; None: anyone
    may delete, as their own conversations).
    """

    noun: str  # 自评, 草稿
    key: str
    store: Callable[[], Any]  # a SavedRecordStore
    fill: Callable[[Any], None]  # put a record's content into the page's widgets
    new: Callable[[], None]  # start again from an empty page
    new_label: str = "新建"
    forget: tuple[str, ...] = ()  # other state keys that may hold a deleted record's id
    delete_action: str | None = None  # the action id of deleting (roles.toml)

    def saved(self) -> dict[int, Any]:
        """The saved records by id; none, with the reason shown, when the store cannot be read
        (the rest of the page still works)."""
        try:
            return {record.id: record for record in self.store().saved()}
        except UserError as error:
            st.error(plain(str(error)))
            return {}

    def show(self, saved: dict[int, Any], stacked: bool = False) -> None:
        """The row of controls (the list above the buttons when stacked, as in the sidebar), the
        deletion prompt, and the last outcome."""
        key, state = self.key, st.session_state
        columns = [st.container(), *st.columns(3)] if stacked else \
            st.columns([3, 1, 1, 1], vertical_alignment="bottom")
        columns[0].selectbox(f"打开已保存的{self.noun}", list(saved), index=None, key=f"{key}_pick",
                             format_func=lambda i: saved[i].label,
                             placeholder=f"选择一份{self.noun}")
        columns[1].button("打开", key=f"{key}_open", on_click=self._open, disabled=not saved)
        columns[2].button(self.new_label, key=f"{key}_new", on_click=self.new)
        if self.delete_action is None or may(self.delete_action):
            confirm_button(f"{key}_delete", "删除", lambda chosen: f"确定删除{self.noun}「"
                           f"{saved[chosen].title if chosen in saved else chosen}」？删除后无法恢复。",
                           self._delete, lambda: state.get(f"{key}_pick"), disabled=not saved,
                           confirm_label="确认删除", place=columns[3])
        if message := state.pop(f"{key}_message", None):
            st.success(message)
        if problem := state.pop(f"{key}_problem", None):
            st.error(problem)

    def notify(self, message: str) -> None:
        """A success message for the next run (after st.rerun)."""
        st.session_state[f"{self.key}_message"] = message

    @property
    def open_id(self) -> int | None:
        return st.session_state.get(f"{self.key}_id")

    def _open(self) -> None:
        state = st.session_state
        chosen = state.get(f"{self.key}_pick")
        if chosen is None:
            return
        try:
            record = self.store().load(chosen)
        except UserError as error:
            state[f"{self.key}_problem"] = str(error)
            return
        self.fill(record)
        state[f"{self.key}_id"] = record.id
        self.notify(f"已打开{self.noun}「{plain(record.title)}」。")

    def _delete(self, record_id: int) -> None:
        """Delete a saved record; the page keeps its content (saving again makes a new one)."""
        state = st.session_state
        try:
            title = self.store().load(record_id).title
            if self.delete_action is None:
                self.store().delete(record_id)
            else:
                perform(self.delete_action, title, lambda: self.store().delete(record_id))
        except UserError as error:
            state[f"{self.key}_problem"] = str(error)
            return
        was_open = self.open_id == record_id
        for name in (f"{self.key}_pick", f"{self.key}_id", *self.forget):
            if state.get(name) == record_id:
                state[name] = None
        self.notify(f"已删除{self.noun}「{plain(title)}」。" + (
            f"页面上的内容仍保留，再次保存将另存为一份新的{self.noun}。" if was_open else ""))
