"""Sign-in and roles under AppTest: each page shows only what the role may do, a change the
roles do not allow is refused and recorded even when its widget was drawn, every change is in
审计日志, and conversations belong to the person who asked."""
from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from audit.trail import AuditTrail
from pages._session import AUTH_LOGGER
from settings import PROJECT_ROOT

SLA_CALLS = PROJECT_ROOT / "tests" / "data" / "sla" / "calls_small.csv"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 40,
        "client_id": "csc", "client_secret": "secret",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}
# the change widgets of each page (those that are drawn on a page's first screen)
CHANGES = {"pages/library.py": {"library_rebuild", "library_upload"},
           "pages/sla.py": {"sla_import", "sla_upload", "sla_save_targets", "sla_clear_sample"},
           "pages/scope.py": {"assessment_save"},
           "pages/elements.py": {"elements_save"},
           "pages/quality.py": {"quality_run"}}
LI = {"is_logged_in": True, "email": "li@bank.cn", "name": "李明"}
WANG = {"is_logged_in": True, "email": "wang@bank.cn", "name": "王芳", "groups": ["csc-ops"]}
ZHANG = {"is_logged_in": True, "email": "zhang@bank.cn", "name": "张伟"}


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, fresh_built_data_dir: Path):
    """The app on a copy of the built index, in SSO mode for ``user`` (None: single-user)."""
    monkeypatch.setenv("CSC_DATA_DIR", str(fresh_built_data_dir))
    monkeypatch.setenv("CSC_GROUP_ROLES", "csc-ops=业务管理员")
    monkeypatch.setenv("CSC_FIRST_ADMINS", "zhang@bank.cn")
    st.cache_resource.clear()
    st.cache_data.clear()

    def start(user: dict | None, page: str | None = None, **query) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
        if user is not None:
            at.secrets["auth"] = AUTH
            at.user = user
        at.query_params.update(query)
        at.run()
        return at.switch_page(page).run() if page else at

    start.trail = AuditTrail(fresh_built_data_dir)
    start.data_dir = fresh_built_data_dir
    return start


def drawn(at: AppTest) -> set[str]:
    widgets = [*at.button, *at.get("file_uploader"), *at.text_input, *at.selectbox]
    return {widget.key for widget in widgets if widget.key}


@pytest.mark.parametrize("page", sorted(CHANGES))
def test_single_user_mode_with_a_password_shows_no_change_until_it_is_given(
        app, monkeypatch, page):
    monkeypatch.setenv("CSC_ADMIN_PASSWORD", "s3cret")
    at = app(None, page)
    assert not at.exception
    assert not drawn(at) & CHANGES[page]
    assert any("修改需要管理密码" in caption.value for caption in at.caption)
    at.session_state["session_unlocked"] = True  # what the sidebar's password field sets
    assert CHANGES[page] <= drawn(at.run())


def test_without_sso_or_password_everything_may_be_changed(app):
    at = app(None, "pages/sla.py")
    assert CHANGES["pages/sla.py"] <= drawn(at)


def test_with_sso_nobody_gets_in_without_signing_in(app):
    at = app({"is_logged_in": False})
    assert at.button(key="session_sign_in").label == "登录"
    assert [title.value for title in at.title] == ["客服中心外包管理助手"]
    assert not at.get("page_link") and not at.chat_input


@pytest.mark.parametrize("page", sorted(CHANGES))
def test_a_viewer_sees_no_change_on_any_page(app, page):
    at = app(LI, page)
    assert not at.exception
    assert not drawn(at) & CHANGES[page]
    assert any("你的角色（查看者）不能" in caption.value for caption in at.caption)


def test_a_viewer_cannot_open_the_audit_log(app):
    at = app(LI)
    with pytest.raises(ValueError):  # not in the navigation: there is no such page for them
        at.switch_page("pages/audit.py").run()


def test_a_change_whose_widget_was_drawn_is_refused_once_the_role_is_gone(app):
    at = app(WANG, "pages/sla.py")
    at.file_uploader(key="sla_upload").set_value((SLA_CALLS.name, SLA_CALLS.read_bytes(), "text/csv"))
    at.run()
    at.user = {**WANG, "groups": []}  # the group (and so the role) was taken away meanwhile
    at = at.button(key="sla_import").click().run()
    assert any("你没有「导入SLA数据」的权限" in error.value for error in at.error)
    [entry] = app.trail.entries(action="sla.import")
    assert (entry.actor, entry.actor_name, entry.outcome) == ("wang@bank.cn", "王芳", "refused")
    assert "示例数据" in at.warning[0].value  # nothing was imported


def test_an_import_is_recorded_with_the_name_and_shown_in_the_audit_log(app):
    at = app(WANG, "pages/sla.py")
    at.file_uploader(key="sla_upload").set_value((SLA_CALLS.name, SLA_CALLS.read_bytes(), "text/csv"))
    at.run()
    at = at.button(key="sla_import").click().run()
    assert any("已导入" in success.value for success in at.success)
    at = app(ZHANG, "pages/audit.py")
    table = at.dataframe[0].value
    row = table[table["操作"] == "导入SLA数据"].iloc[0]
    assert (row["操作人"], row["结果"], row["对象"]) == ("王芳", "完成", "calls_small.csv")
    assert "示例数据已清除" in row["变更后"]
    at = at.button(key="audit_verify").click().run()
    assert "哈希链校验通过" in at.success[0].value
    assert [button.label for button in at.get("download_button")] == ["导出 Excel", "导出 CSV"]


def test_a_file_refused_for_its_bad_rows_is_recorded_as_failed(app):
    bad = SLA_CALLS.with_name("calls_bad.csv")
    at = app(WANG, "pages/sla.py")
    at.file_uploader(key="sla_upload").set_value((bad.name, bad.read_bytes(), "text/csv")).run()
    at = at.button(key="sla_import").click().run()
    assert "整份文件未导入" in at.error[0].value
    [entry] = app.trail.entries(action="sla.import")
    assert (entry.outcome, entry.target) == ("failed", "calls_bad.csv")
    assert "有 14 行错误" in entry.after


def test_a_system_administrator_gives_roles_and_the_change_is_recorded(app):
    app(LI)  # 李明 signs in once, so he is listed
    at = app(ZHANG, "pages/people.py")
    assert [button.proto.label for button in at.get("download_button")] == ["下载用户清单（Excel）"]
    at.selectbox(key="people_pick").set_value("li@bank.cn").run()
    at.multiselect(key="people_roles_li@bank.cn").set_value(["knowledge"]).run()
    at = at.button(key="people_save").click().run()
    assert "知识库管理员" in at.success[0].value
    assert CHANGES["pages/library.py"] <= drawn(app(LI, "pages/library.py"))
    [entry] = app.trail.entries(action="roles.grant")
    assert (entry.actor, entry.target, entry.before, entry.after) == (
        "zhang@bank.cn", "li@bank.cn", "无", "知识库管理员")
    assert [e.action for e in app.trail.entries(actor="li@bank.cn")][-1:] == ["sign_in"]


def test_reloading_the_app_is_not_another_sign_in(app):
    signed_in = {**LI, "iat": 1764800000}  # the identity token's issue time
    for _ in range(3):  # each reload of the browser is a new session
        app(signed_in)
    app({**LI, "iat": 1764890000})  # signed in again at the provider
    assert [e.action for e in app.trail.entries(actor="li@bank.cn")] == ["sign_in", "sign_in"]


def test_destructive_actions_ask_first_and_deleting_a_record_is_recorded(app):
    at = app(WANG, "pages/sla.py")
    at = at.button(key="sla_clear_sample").click().run()
    assert "确定清除示例数据" in at.warning[-1].value and "示例数据" in at.warning[0].value
    at = at.button(key="sla_clear_sample_no").click().run()  # 取消: nothing happens
    assert "示例数据" in at.warning[0].value and not app.trail.entries(action="sla.clear_sample")
    at = at.button(key="sla_clear_sample").click().run()
    at = at.button(key="sla_clear_sample_yes").click().run()
    assert not at.warning
    [entry] = app.trail.entries(action="sla.clear_sample")
    assert entry.outcome == "done" and entry.actor_name == "王芳"


def test_each_person_sees_their_own_conversations(app):
    at = app(LI, "pages/assistant.py")
    at = at.chat_input(key="chat_input").set_value("外包场地有什么要求？").run()
    mine = int(at.query_params["c"][0] if isinstance(at.query_params["c"], list) else at.query_params["c"])
    at = app(WANG, "pages/assistant.py")
    assert at.selectbox(key="chat_history_pick").options == []
    at = app(WANG, "pages/assistant.py", c=str(mine))  # someone else's conversation, by its link
    assert any("对话已不存在" in text.value for text in [*at.warning, *at.info, *at.error])
    at = app(LI, "pages/assistant.py", c=str(mine))
    assert len(at.selectbox(key="chat_history_pick").options) == 1


def test_a_failed_sign_in_at_the_provider_is_recorded(app):
    app({"is_logged_in": False})  # the sign-in screen: the server listens to the sign-in log
    logging.getLogger(AUTH_LOGGER).error(
        "Error during authentication: %s. Error description: %s", "access_denied", "用户拒绝")
    [entry] = app.trail.entries(action="sign_in.failed")
    assert (entry.actor, entry.outcome) == ("(未登录)", "failed") and "access_denied" in entry.after


PAGE_FILES = sorted(path for path in (PROJECT_ROOT / "pages").glob("[a-z]*.py"))


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda path: path.name)
def test_every_page_begins_by_asking_for_sign_in(path):
    calls = [node.value.func.id for node in ast.parse(path.read_text(encoding="utf-8")).body
             if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
             and isinstance(node.value.func, ast.Name)]
    assert calls[:1] == ["require_sign_in"], f"{path.name} must call require_sign_in() first"


def test_a_page_run_on_its_own_asks_for_sign_in_too(monkeypatch, fresh_built_data_dir):
    """Right after the server starts, Streamlit runs a page requested by its address without
    app.py (pages/ read as a folder of pages): the page itself stops at the sign-in screen."""
    monkeypatch.setenv("CSC_DATA_DIR", str(fresh_built_data_dir))
    st.cache_resource.clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "pages" / "sla.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert at.button(key="session_sign_in").label == "登录"
    assert not at.get("tabs") and not at.metric
