"""People sign in through the bank's SSO (a local OpenID Connect provider, st.login): a viewer
finds no way to change anything; a 业务管理员 whose role is taken away while her page is open
clicks the 导入 still on it and the server refuses it and records the refusal; given the role
again she imports; the system administrator reads the audit trail and checks its hash chain; she
signs out. Then the trail is verified from the command line, one entry is edited by hand, and
the command names it."""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import Browser, Page, expect

from tests.browser.server import (
    PROJECT_ROOT,
    free_port,
    open_page,
    running_app,
    save_full_page,
    wait_for_rerun,
)

# the identity provider (a thread of this process) runs on an authlib that warns of its own API
pytestmark = [pytest.mark.filterwarnings("ignore::authlib.deprecate.AuthlibDeprecationWarning"),
              pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")]
CALLS = PROJECT_ROOT / "tests" / "data" / "sla" / "calls_small.csv"
# the README's screenshots when asked (SCREENSHOTS_DIR=docs/screenshots); else beside the others
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or PROJECT_ROOT / "tests" / "artifacts")
GROUP_ROLES = "csc-viewers=查看者;csc-ops=业务管理员;csc-sys=系统管理员"
PEOPLE = [  # the bank's directory: 王芳 is in no group, her roles are given in 用户与角色
    User(sub="li.ming", claims={"email": "li.ming@bank.example", "name": "李明",
                                "groups": ["csc-viewers"]}),
    User(sub="wang.fang", claims={"email": "wang.fang@bank.example", "name": "王芳"}),
    User(sub="zhang.wei", claims={"email": "zhang.wei@bank.example", "name": "张伟",
                                  "groups": ["csc-sys"]}),
]
WANG_FANG = "王芳（wang.fang@bank.example）"


class SsoApp(NamedTuple):
    url: str
    data_dir: Path


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The bank's identity provider: a local OpenID Connect provider that signs in whoever is
    picked on its authorize page (any client id is accepted)."""
    with run_server_in_thread(port=0, user_claims=PEOPLE) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def sso_app(browser: Browser, provider: str, built_data_dir: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoApp]:
    """The app with an [auth] section in its secrets (a file of the test's own, never the
    repository's .streamlit/), on its own copy of the built data."""
    root = tmp_path_factory.mktemp("sign-in")
    data_dir = root / "data"
    shutil.copytree(built_data_dir, data_dir)
    port = free_port()  # the redirect URI names the app's port before the app starts
    secrets_file = root / "secrets.toml"
    secrets_file.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_urlsafe(48)}"
client_id = "csc-assistant"
client_secret = "{secrets.token_urlsafe(24)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""", encoding="utf-8")
    with running_app(data_dir, root / "streamlit.log", port=port,
                     env={"CSC_GROUP_ROLES": GROUP_ROLES},
                     args=["--secrets.files", str(secrets_file)]) as url:
        yield SsoApp(url, data_dir)


def new_page(browser: Browser, width: int = 1280, height: int = 900) -> Page:
    """A page in a browser context of its own (its own cookies: one person per context)."""
    return browser.new_context(viewport={"width": width, "height": height},
                               locale="zh-CN").new_page()


def expect_sign_in_screen(page: Page) -> None:
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
    expect(page.get_by_text("请使用行内统一身份认证登录。")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no page before signing in
    wait_for_rerun(page)


def sign_in(page: Page, app: SsoApp, sub: str, name: str, roles: str) -> None:
    """Open the app, press 登录, pick the person on the provider's page; back in the app, the
    sidebar names them and their roles."""
    page.goto(app.url)
    expect_sign_in_screen(page)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_role("button", name=sub, exact=True).click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(name, exact=True)).to_be_visible()
    expect(sidebar).to_contain_text(roles)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    wait_for_rerun(page)


def open_import_section(page: Page) -> None:
    """Unfold 导入话单或外包商报表 (folded once the board holds data)."""
    expander = page.get_by_test_id("stExpander").filter(has_text="导入话单或外包商报表")
    expect(expander).to_be_visible()
    if expander.locator("details").get_attribute("open") is None:
        expander.get_by_text("导入话单或外包商报表").click()
    expect(expander.get_by_test_id("stExpanderDetails")).to_be_visible()


def choose_calls_file(page: Page) -> None:
    """Open SLA看板 and choose the call records (not imported yet: 导入 is left on the page)."""
    open_page(page, "SLA看板")
    open_import_section(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(CALLS)
    expect(page.get_by_test_id("stFileUploader")).to_contain_text(CALLS.name)
    expect(page.get_by_role("button", name="导入", exact=True)).to_be_enabled()
    wait_for_rerun(page)


def give_roles(admin: Page, roles: list[str]) -> None:
    """As a 系统管理员, set the roles given to 王芳 in 用户与角色 and save them."""
    open_page(admin, "用户与角色")
    admin.get_by_test_id("stSelectbox").filter(has_text="为谁分配角色").click()
    admin.get_by_role("option", name=WANG_FANG).click()
    wait_for_rerun(admin)
    chooser = admin.get_by_test_id("stMultiSelect").filter(has_text="角色")
    expect(chooser).to_be_visible()
    tags = chooser.locator("[data-tag]")  # the roles chosen, one tag each
    for left in reversed(range(tags.count())):  # take every role off (the × of its tag)
        tags.first.get_by_role("button").click()
        expect(tags).to_have_count(left)
        wait_for_rerun(admin)
    for count, role in enumerate(roles, 1):
        chooser.locator("input").click()
        admin.get_by_role("option", name=role, exact=True).click()
        admin.keyboard.press("Escape")
        expect(tags).to_have_count(count)
        wait_for_rerun(admin)
    admin.get_by_role("button", name="保存角色").click()
    expect(admin.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"已保存：王芳 的角色为 {'、'.join(roles) or '无'}")
    wait_for_rerun(admin)


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of the selectbox whose label is exactly ``label``."""
    label_element = page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    page.get_by_test_id("stSelectbox").filter(has=label_element).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_rerun(page)


def expect_one_entry(page: Page, action: str, outcome: str) -> None:
    """In 审计日志, filter by 王芳, the action and its outcome: exactly one entry is left."""
    choose(page, "操作人", "王芳(wang.fang@bank.example)")
    choose(page, "操作", action)
    choose(page, "结果", outcome)
    expect(page.get_by_text(re.compile(rf"^1 条记录（.*操作人 王芳；操作 {action}；结果 {outcome}）"))
           ).to_be_visible()


def audit(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audit", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CSC_DATA_DIR": str(data_dir)})


def test_a_viewer_signs_in_and_finds_no_way_to_change_anything(page: Page, sso_app: SsoApp):
    page.set_viewport_size({"width": 1440, "height": 900})  # the README's screenshot size
    page.goto(sso_app.url)
    expect_sign_in_screen(page)
    save_full_page(page, SCREENSHOTS / "sign_in.png")
    page.goto(f"{sso_app.url}/sla")  # a page's own address leads to the sign-in screen too
    expect_sign_in_screen(page)
    expect(page.get_by_role("heading", name="SLA看板")).to_have_count(0)

    sign_in(page, sso_app, "li.ming", "李明", "查看者")
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_role("link", name="SLA看板")).to_be_visible()
    expect(navigation.get_by_role("link", name="审计日志")).to_have_count(0)
    expect(navigation.get_by_role("link", name="用户与角色")).to_have_count(0)

    open_page(page, "SLA看板")
    open_import_section(page)
    expect(page.get_by_text("你的角色（查看者）不能导入SLA数据；如需要，请联系系统管理员分配角色。")
           ).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    expect(page.get_by_role("button", name="导入", exact=True)).to_have_count(0)


def test_a_role_taken_away_is_refused_on_the_server_and_the_trail_shows_it(
        page: Page, browser: Browser, sso_app: SsoApp):
    wang, zhang = page, new_page(browser, 1440, 900)  # two people, two browsers' cookies
    sign_in(wang, sso_app, "wang.fang", "王芳", "查看者")  # listed in 用户与角色 from now on
    sign_in(zhang, sso_app, "zhang.wei", "张伟", "系统管理员")  # from the groups claim
    navigation = zhang.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_role("link", name="审计日志")).to_be_visible()

    give_roles(zhang, ["业务管理员"])
    choose_calls_file(wang)  # her page now holds 导入, drawn while she was 业务管理员
    give_roles(zhang, [])  # …and the role is taken away while that page stays open
    wang.get_by_role("button", name="导入", exact=True).click()  # the click the server rechecks
    expect(wang.get_by_test_id("stAlertContentError")).to_contain_text(
        "你没有「导入SLA数据」的权限(当前角色:查看者)。这次尝试已记入审计日志。")
    wait_for_rerun(wang)
    expect(wang.get_by_text("不能导入SLA数据")).to_be_visible()  # her page is a viewer's now
    expect(wang.get_by_test_id("stFileUploader")).to_have_count(0)

    open_page(zhang, "审计日志")
    expect_one_entry(zhang, "导入SLA数据", "拒绝")

    give_roles(zhang, ["业务管理员"])
    wang.reload()
    expect(wang.get_by_role("heading", name="SLA看板")).to_be_visible()
    wait_for_rerun(wang)
    choose_calls_file(wang)
    wang.get_by_role("button", name="导入", exact=True).click()
    expect(wang.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"已导入「{CALLS.name}」")
    wait_for_rerun(wang)

    open_page(zhang, "审计日志")
    zhang.get_by_role("button", name="校验哈希链").click()
    expect(zhang.get_by_test_id("stAlertContentSuccess")).to_contain_text("哈希链校验通过")
    wait_for_rerun(zhang)
    save_full_page(zhang, SCREENSHOTS / "audit.png")
    expect_one_entry(zhang, "导入SLA数据", "完成")

    wang.get_by_test_id("stSidebar").get_by_role("button", name="退出登录").click()
    expect(wang.get_by_role("heading", name="End Session")).to_be_visible()  # the provider's
    wang.get_by_role("button", name="End session").click()
    expect_sign_in_screen(wang)
    zhang.context.close()

    entries = json.loads(audit(sso_app.data_dir, "list", "--json").stdout)  # newest first
    assert (entries[0]["action"], entries[0]["actor_name"]) == ("sign_out", "王芳")
    assert "sign_in.failed" not in {entry["action"] for entry in entries}  # signing out is no failure
    verified = audit(sso_app.data_dir, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "审计日志完整" in verified.stdout
    with closing(sqlite3.connect(sso_app.data_dir / "audit.sqlite3")) as db:  # an edit by hand
        db.executescript("DROP TRIGGER entry_never_updated; UPDATE entry SET after = 'x' WHERE seq = 2;")
    broken = audit(sso_app.data_dir, "verify")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "序号 2 处断开" in broken.stdout and "第 2 条记录的内容与其哈希不符" in broken.stdout
