"""The one confirmation every destructive action asks for: the button, then the question with
确认 and 取消 under it. What the first click was for is kept, so changing a selection in between
cannot change what is removed."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from escaping import plain


def confirm_button(key: str, label: str, question: Callable[[Any], str], then: Callable[[Any], None],
                   subject: Any = True, *, confirm_label: str = "确认", disabled: bool = False,
                   help: str | None = None, place: Any = None) -> None:
    """A button whose action (``then(subject)``) runs only after 确认 under ``question(subject)``.

    ``subject`` may be a function, asked when the button is clicked (what is chosen then; None:
    nothing to do). State: <key>_asking holds the subject between the two clicks. ``place`` is
    where the first button goes (a column, the sidebar); the question always comes below it."""
    state = st.session_state
    (place or st).button(label, key=key, disabled=disabled or subject is None, help=help,
                         on_click=_ask, args=(key, subject))
    pending = state.get(f"{key}_asking")
    if pending is None:
        return
    st.warning(plain(question(pending)))
    yes, no, _ = st.columns([1, 1, 3])
    yes.button(confirm_label, key=f"{key}_yes", type="primary", on_click=_confirmed,
               args=(key, then, pending))
    no.button("取消", key=f"{key}_no", on_click=state.pop, args=(f"{key}_asking", None))


def _ask(key: str, subject: Any) -> None:
    chosen = subject() if callable(subject) else subject
    if chosen is not None:
        st.session_state[f"{key}_asking"] = chosen


def _confirmed(key: str, then: Callable[[Any], None], subject: Any) -> None:
    st.session_state.pop(f"{key}_asking", None)
    then(subject)
