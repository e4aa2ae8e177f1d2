"""Who uses the app in this session and what they may change.

With an ``[auth]`` section in .streamlit/secrets.toml everyone signs in through the bank's SSO
(OpenID Connect, st.login); their roles come from the app's 用户与角色 page, their groups and the
settings. Without it the app runs in single-user mode: one local user, whose changes need the
admin password when one is set. Every change goes through ``perform`` (the gate refuses what the
roles do not allow, and records every change and refusal in the audit trail)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from access.gate import SSO, Actor, Gate
from errors import UserError
from escaping import plain
from pages._frame import hand_over_to_app
from pages._resources import services
from scoring.records import SavedRecordStore

T = TypeVar("T")
S = TypeVar("S", bound=SavedRecordStore)


AUTH_LOGGER = "streamlit.web.server.starlette.starlette_auth_routes"
NOBODY = Actor("(未登录)", "(未登录)", frozenset(), SSO)
# logged for a callback without a sign-in under way: the provider's way back after 退出登录
# (RP-initiated logout returns to the redirect URI), or one replayed by back/forward navigation
NO_SIGN_IN_UNDER_WAY = "Missing provider for OAuth callback"


def sso_configured() -> bool:
    try:
        configured = "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: single-user mode
        return False
    if configured:
        record_failed_sign_ins(services().gate)
    return configured


class FailedSignIns(logging.Handler):
    """Streamlit's sign-in callback only logs what went wrong (a refused or broken sign-in at
    the provider, a failed token exchange): each such warning becomes a 登录失败 entry of the
    trail; a callback with no sign-in under way is none."""

    def __init__(self, gate: Gate):
        super().__init__(logging.WARNING)
        self.gate = gate

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(NO_SIGN_IN_UNDER_WAY):
            return
        try:
            self.gate.record(NOBODY, "sign_in.failed", outcome="failed",
                             after=record.getMessage()[:500])
        except Exception:  # the trail cannot be written: the server log keeps the warning
            self.handleError(record)


@st.cache_resource(show_spinner=False)
def record_failed_sign_ins(_gate: Gate) -> FailedSignIns:
    """Listen to Streamlit's sign-in log once per server process."""
    logger, handler = logging.getLogger(AUTH_LOGGER), FailedSignIns(_gate)
    for earlier in [h for h in logger.handlers if isinstance(h, FailedSignIns)]:
        logger.removeHandler(earlier)  # the services were built again (a cleared cache)
    logger.addHandler(handler)
    return handler


def actor() -> Actor | None:
    """The person acting in this session (None: SSO is configured and nobody has signed in)."""
    gate = services().gate
    if not sso_configured():
        return gate.single_user(unlocked=st.session_state.get("session_unlocked", False))
    if not st.user.is_logged_in:
        return None
    return gate.signed_in(st.user.to_dict())


def owned(store: S) -> S:
    """A store of saved records as this session's person uses it (what they save is theirs)."""
    person = actor()
    return store.for_owner(person.id, person.name) if person else store


def may(action: str) -> bool:
    person = actor()
    return person is not None and services().gate.allows(person, action)


def perform(action: str, target: str, do: Callable[[], T], summary: Callable[[T], str] | None = None,
            before: str = "", succeeded: Callable[[T], bool] | None = None) -> T:
    """Run one change as this session's actor (NotPermitted when their roles do not allow it)."""
    person = actor()
    if person is None:
        raise PermissionError("no one is signed in")  # the sign-in screen stops every page before
    return services().gate.perform(person, action, target, do, summary, before, succeeded)


def attempt(action: str, target: str, do: Callable[[], T], summary: Callable[[T], str] | None = None,
            before: str = "") -> T | None:
    """``perform`` from a widget's callback: a refusal or failure is shown on the next run
    (by show_refusal) instead of raised; None then."""
    try:
        return perform(action, target, do, summary, before)
    except UserError as error:
        st.session_state["session_refusal"] = str(error)
        return None


def show_refusal() -> None:
    """The refusal or failure of the last callback (on the pages whose callbacks use attempt)."""
    if refusal := st.session_state.pop("session_refusal", None):
        st.error(plain(refusal))


def why_not(action: str) -> str:
    """What stands between this session and an action, said to the user."""
    gate = services().gate
    if not sso_configured():
        return "修改需要管理密码：请先在左侧栏输入。"
    person = actor()
    roles = gate.table.names(person.roles) if person else "无"
    return f"你的角色（{roles}）不能{gate.table.label(action)}；如需要，请联系系统管理员分配角色。"


def locked(action: str) -> bool:
    """Whether the action is out of reach; if so, say why (a caption in place of its controls)."""
    if may(action):
        return False
    st.caption(f":material/lock: {why_not(action)}")
    return True


def require_sign_in() -> None:
    """The first line of every page: the page runs inside app.py's frame, for those signed in."""
    hand_over_to_app()
    if actor() is None:
        sign_in_screen()


def sign_in_screen() -> None:
    """Stop every page until the person has signed in through the bank's SSO."""
    st.title("客服中心外包管理助手")
    st.info("请使用行内统一身份认证登录。")
    provider = services().settings.auth_provider or None
    st.button("登录", type="primary", key="session_sign_in", on_click=st.login, args=(provider,))
    st.stop()


def identity_sidebar(person: Actor) -> None:
    """Who is signed in (and 退出登录), or single-user mode with the admin password."""
    gate, state = services().gate, st.session_state
    if sso_configured():
        if state.get("session_recorded") != person.id:  # once per session, once per sign-in
            if gate.people.seen(person.id, person.name, str(st.user.get("iat") or "")):
                gate.record(person, "sign_in")
            state["session_recorded"] = person.id
        st.sidebar.markdown(f"**{plain(person.name)}**  \n{gate.table.names(person.roles)}")
        st.sidebar.button("退出登录", key="session_sign_out", on_click=_sign_out, args=(person,))
        return
    if not gate.password:
        st.sidebar.caption("单用户模式：未设置管理密码，能打开本页面的人都可以修改。"
                           "设置环境变量 CSC_ADMIN_PASSWORD 可保护所有修改。")
    elif state.get("session_unlocked"):
        st.sidebar.caption("单用户模式：已输入管理密码，可以修改。")
        st.sidebar.button("锁定", key="session_lock", on_click=state.update,
                          args=({"session_unlocked": False},))
    else:
        st.sidebar.caption("单用户模式：查看与提问不需要密码；修改前请输入管理密码。")
        st.sidebar.text_input("管理密码", type="password", key="session_password",
                              on_change=_unlock)
        if problem := state.pop("session_problem", None):
            st.sidebar.error(problem)


def _unlock() -> None:
    state = st.session_state
    given = state.pop("session_password", "")
    if given and services().gate.unlock(given):
        state["session_unlocked"] = True
    elif given:
        state["session_problem"] = "管理密码不正确（已记入审计日志）。"


def _sign_out(person: Actor) -> None:
    services().gate.record(person, "sign_out")
    st.session_state.clear()
    st.logout()
