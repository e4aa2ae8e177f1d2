"""外包台账 and 外包商档案: a manager registers a vendor and a project, records its 立项 with
evidence, accepts duties the bank's rules state, marks one done, and exports the dossier."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from audit.trail import AuditTrail
from scoring.services import create_services
from settings import PROJECT_ROOT

RULES = PROJECT_ROOT / "tests" / "data" / "register" / "外包管理细则.txt"
CODE = "91350100M000100Y43"


@pytest.fixture(scope="module")
def rules_data_dir(built_data_dir: Path, tmp_path_factory) -> Path:
    """The built index with the bank's rules of outsourcing added (built once for the module)."""
    path = tmp_path_factory.mktemp("register") / "data"
    shutil.copytree(built_data_dir, path)
    create_services({"data_dir": path}).knowledge.change(
        lambda library: library.add(RULES.read_bytes(), RULES.name, "外包细则", "某银行客户服务中心外包管理细则"))
    return path


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, rules_data_dir: Path, tmp_path: Path):
    data_dir = tmp_path / "data"
    shutil.copytree(rules_data_dir, data_dir)
    monkeypatch.setenv("CSC_DATA_DIR", str(data_dir))

    def start(page: str = "pages/register.py", user: dict | None = None) -> AppTest:
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=90)
        if user:
            at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                                  "cookie_secret": "x" * 40, "client_id": "c", "client_secret": "s",
                                  "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}
            at.user = user
        return at.run().switch_page(page).run()

    start.data_dir = data_dir
    return start


def notices(at: AppTest) -> str:
    return " ".join(element.value for element in [*at.success, *at.error, *at.warning, *at.info])


def register_vendor(at: AppTest, name="远景呼叫服务有限公司", code=CODE) -> AppTest:
    at.text_input(key="register_vendor_name_new").input(name)
    at.text_input(key="register_vendor_code_new").input(code)
    return at.button(key="register_vendor_save").click().run()


def test_a_vendor_is_registered_and_a_wrong_credit_code_is_explained(app):
    at = register_vendor(app(), code=CODE[:-1] + "4")
    assert "校验位不对" in notices(at) and not at.exception
    at = register_vendor(at.selectbox(key="register_vendor_pick").set_value(None).run())
    assert "已保存外包商「远景呼叫服务有限公司」" in notices(at)
    assert at.dataframe[0].value["统一社会信用代码"].tolist() == [CODE]
    assert [button.proto.label for button in at.tabs[0].get("download_button")] == \
        ["下载外包商登记表（Excel）"]


def test_a_project_records_its_initiation_with_the_clause_and_evidence(app):
    at = register_vendor(app())
    projects = at.tabs[1]
    assert projects.expander  # 登记新项目
    at.text_input(key="register_project_new_name").input("信用卡客服热线")
    at.date_input(key="register_project_new_start").set_value(date(2026, 1, 1))
    at.date_input(key="register_project_new_end").set_value(date(2027, 12, 31))
    at = at.button(key="register_project_new_save").click().run()
    assert "已保存项目「信用卡客服热线」" in notices(at)
    [project] = create_services({"data_dir": app.data_dir}).register.projects()
    quotes = " ".join(md.value for md in at.markdown).replace("\\", "")  # as the user reads it
    assert "应建立立项管理流程" in quotes and "第5.3.1条" in quotes
    key = f"register_step_{project.id}_initiation"
    at.text_area(key=f"{key}_note").input("需求、可行性与风险分析已完成,初选三家供应商")
    at.file_uploader(key=f"{key}_file").set_value(("可行性分析.docx", b"PK fake docx" * 20, "application/octet-stream"))
    at = at.run().button(key=f"{key}_save").click().run()
    assert "已保存「信用卡客服热线」的阶段记录" in notices(at)
    step = create_services({"data_dir": app.data_dir}).register.steps(project.id)["initiation"]
    assert step.note.startswith("需求") and step.evidence[0].file_name == "可行性分析.docx"
    actions = [entry.action for entry in AuditTrail(app.data_dir).entries()]
    assert {"register.vendor", "register.project", "register.step", "register.evidence"} <= set(actions)


def test_duties_from_the_rules_are_accepted_done_and_due_on_the_home_page(app):
    at = register_vendor(app())
    duties = create_services({"data_dir": app.data_dir}).candidate_duties()
    quotes = [duty.quote for duty in duties]
    assert any("每季度至少" in quote for quote in quotes) and any("次月十日前" in quote for quote in quotes)
    assert not any("本细则所称" in quote or "施行" in quote for quote in quotes)  # no duty invented
    quarterly = next(duty for duty in duties if "每季度至少" in duty.quote)
    monthly = next(duty for duty in duties if "次月十日前" in duty.quote)
    key = f"register_candidate_{quarterly.key}"
    at.date_input(key=f"{key}_due").set_value(date.today())
    at.text_input(key=f"{key}_evidence").input("季度现场检查报告")
    at = at.button(key=f"{key}_accept").click().run()
    assert "已接受职责" in notices(at)
    monthly_due = at.date_input(key=f"register_candidate_{monthly.key}_due")
    assert monthly_due.value.day == 10 and monthly_due.value > date.today()  # 次月十日前
    monthly_due.set_value(date.today())  # this month's report is still to come
    at = at.button(key=f"register_candidate_{monthly.key}_accept").click().run()
    calendar = at.tabs[2].dataframe[0].value
    assert len(calendar) == 2 and set(calendar["状态"]) == {"本月到期"}
    at.file_uploader(key="register_done_file").set_value(("检查报告.pdf", b"%PDF-1.4 report", "application/pdf"))
    at = at.run().button(key="register_done_save").click().run()
    assert "已标记完成" in notices(at)
    home = app("pages/home.py")
    assert "本月到期的职责" in " ".join(md.value for md in home.markdown)
    again = create_services({"data_dir": app.data_dir}).candidate_duties()
    assert quarterly.key not in {duty.key for duty in again}  # accepted: not offered again


def test_the_vendor_page_shows_everything_and_exports_the_dossier(app):
    register_vendor(app())
    at = app("pages/vendor.py")
    assert not at.exception
    assert [metric.label for metric in at.metric] == ["项目", "逾期职责", "本月到期", "话务占比"]
    assert [button.label for button in at.get("download_button")] == ["下载档案（Excel）", "下载档案（Markdown）"]


def test_a_viewer_sees_the_register_but_cannot_change_it(app):
    at = app(user={"is_logged_in": True, "email": "li@bank.cn", "name": "李明"})
    assert not at.exception
    assert "register_vendor_save" not in {button.key for button in at.button}
    assert any("你的角色（查看者）不能登记外包商" in caption.value for caption in at.caption)
