"""A manager registers a vendor and its project (tied to a saved element draft and scope check),
records the project's 立项 with evidence, accepts two of the duties the bank's loaded rules state,
marks one done with evidence and sees the other due on the home page; imports the vendor's call
records under another name, maps that name to the vendor, and exports the vendor's dossier."""
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Locator, Page, expect

from audit.trail import AuditTrail
from scoring.elements.model import Combination, ServiceItem
from scoring.services import create_services
from tests.browser.server import PROJECT_ROOT, running_app, save_full_page, wait_for_rerun

RULES = PROJECT_ROOT / "tests" / "data" / "register" / "外包管理细则.txt"
CALLS = PROJECT_ROOT / "tests" / "data" / "sla" / "calls_small.csv"
# the README's screenshots when asked (SCREENSHOTS_DIR=docs/screenshots); else beside the others
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or PROJECT_ROOT / "tests" / "artifacts")
VENDOR, CODE, PROJECT = "远景呼叫服务有限公司", "91350100M000100Y43", "信用卡客服热线"
QUARTERLY, MONTHLY = "每季度至少对外包服务商开展一次现场检查", "次月十日前报送上月服务质量报告"


@pytest.fixture
def register_app(browser: Browser, built_data_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app on its own copy of the built data, with the bank's rules of outsourcing loaded
    (by the command a deployment loads its documents with) and an element draft and a scope
    self-check saved as the 外包要素 and 范围自检 pages save them."""
    data_dir = tmp_path / "data"
    shutil.copytree(built_data_dir, data_dir)
    subprocess.run([sys.executable, "-m", "ingest", "build", str(RULES)], cwd=PROJECT_ROOT, check=True,
                   env={**os.environ, "CSC_DATA_DIR": str(data_dir)}, stdout=subprocess.DEVNULL)
    services = create_services({"data_dir": data_dir})
    services.drafts.save("人员+场所方案", Combination(("人员", "运营场所")),
                         (ServiceItem("人工热线接听", "人员", "", "service_level", 0.8),))
    functions = ["人工热线接听", "外呼营销", "对外包项目开展内部审计"]
    services.scope_checker.classify_many(functions)  # as 范围自检 judged them (its cache kept)
    services.assessments.save("信用卡热线范围自检", {}, functions)
    with running_app(data_dir, tmp_path / "streamlit.log") as url:
        yield url, data_dir


def go(page: Page, title: str, heading: str = "") -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=heading or title, exact=True)).to_be_visible()
    wait_for_rerun(page)


def open_tab(page: Page, name: str) -> Locator:
    page.get_by_role("tab", name=name, exact=True).click()
    expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute("aria-selected", "true")
    return page.get_by_role("tabpanel", name=name, exact=True)


def choose(page: Page, scope: Locator, label: str, option: str) -> None:
    """Pick an option of the selectbox labelled ``label`` (an option starting with ``option``)."""
    scope.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option).first.click()
    wait_for_rerun(page)


def type_date(page: Page, scope: Locator, label: str, day: date) -> None:
    """Type a day into a date field (its year, month and day are segments, typed in turn)."""
    scope.get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    page.keyboard.press("Tab")
    wait_for_rerun(page)


def upload(page: Page, scope: Locator, path: Path) -> None:
    """Put a file in the uploader of ``scope`` and wait for the run its arrival starts."""
    with page.expect_response(lambda response: "/_stcore/upload_file/" in response.url):
        scope.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    page.wait_for_timeout(500)  # the run the upload starts
    wait_for_rerun(page)
    expect(scope.get_by_role("button", name=f"移除 {path.name}")).to_be_visible()


def candidate(panel: Locator, quote: str) -> Locator:
    return panel.get_by_test_id("stLayoutWrapper").filter(has_text=quote)


def test_manager_registers_a_vendor_tracks_its_duties_and_exports_the_dossier(
        page: Page, register_app: tuple[str, Path], tmp_path: Path):
    url, data_dir = register_app
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(url)

    # 外包商: register the vendor with its credit code
    go(page, "外包台账")
    panel = open_tab(page, "外包商")
    panel.get_by_label("名称", exact=True).fill(VENDOR)
    panel.get_by_label("统一社会信用代码（18 位）").fill(CODE)
    panel.get_by_label("联系人与电话").fill("陈经理 0591-88880000")
    wait_for_rerun(page)
    panel.get_by_role("button", name="保存外包商").click()
    expect(page.get_by_text(f"已保存外包商「{VENDOR}」")).to_be_visible()
    wait_for_rerun(page)

    # 项目与阶段: a project decided on the saved draft and scope check
    panel = open_tab(page, "项目与阶段")
    form = panel.get_by_test_id("stExpander").filter(has_text="登记新项目")
    form.get_by_label("项目名称").fill(PROJECT)
    wait_for_rerun(page)
    choose(page, form, "依据的外包要素草稿", "人员+场所方案")
    choose(page, form, "依据的范围自检", "信用卡热线范围自检")
    type_date(page, form, "合同起始", date(2026, 1, 1))
    type_date(page, form, "合同终止", date(2027, 12, 31))
    form.get_by_label("计费方式").fill("按坐席人月计费")
    wait_for_rerun(page)
    form.get_by_role("button", name="保存项目").click()
    expect(page.get_by_text(f"已保存项目「{PROJECT}」")).to_be_visible()
    wait_for_rerun(page)

    # its 立项: the standard's clause verbatim, a note and an evidence file
    panel = open_tab(page, "项目与阶段")
    initiation = panel.get_by_test_id("stExpander").filter(has_text="立项（当前阶段）")
    expect(initiation).to_contain_text("应建立立项管理流程。发包方在立项阶段除提出明确的外包需求外")
    expect(initiation).to_contain_text("第5.3.1条")
    initiation.get_by_label("记录（结论、评审意见等）").fill("需求、可行性与风险分析已完成，初选三家供应商")
    evidence = tmp_path / "可行性分析.txt"
    evidence.write_text("信用卡客服热线外包:必要性及可行性分析、风险及收益分析。\n", encoding="utf-8")
    upload(page, initiation, evidence)
    initiation.get_by_role("button", name="保存记录").click()
    expect(page.get_by_text(f"已保存「{PROJECT}」的阶段记录")).to_be_visible()
    wait_for_rerun(page)
    panel = open_tab(page, "项目与阶段")
    initiation = panel.get_by_test_id("stExpander").filter(has_text="立项（当前阶段）")
    expect(initiation).to_contain_text("已记录 1 个证据")
    expect(initiation.get_by_test_id("stDownloadButton")).to_contain_text("可行性分析.txt")
    expect(initiation.get_by_role("button", name="移除 可行性分析.txt")).to_have_count(0)  # kept once
    page.wait_for_timeout(500)  # the grid draws on a canvas
    save_full_page(page, SCREENSHOTS / "register.png")

    # 职责日历: accept the quarterly inspection (due today) and the monthly report
    panel = open_tab(page, "职责日历")
    quarterly = candidate(panel, QUARTERLY)
    expect(quarterly).to_contain_text("外包管理细则 第三条 · 每季度")
    choose(page, quarterly, "项目", PROJECT)
    quarterly = candidate(panel, QUARTERLY)
    quarterly.get_by_label("需要的证据").fill("季度现场检查报告")
    wait_for_rerun(page)
    quarterly.get_by_role("button", name="接受").click()
    expect(page.get_by_text("已接受职责（外包管理细则 第三条）")).to_be_visible()
    wait_for_rerun(page)
    panel = open_tab(page, "职责日历")
    monthly = candidate(panel, MONTHLY)
    type_date(page, monthly, "下次到期", date.today())  # it suggests the 10th of next month
    monthly = candidate(panel, MONTHLY)
    monthly.get_by_label("需要的证据").fill("月度服务质量报告")
    wait_for_rerun(page)
    monthly.get_by_role("button", name="接受").click()
    expect(page.get_by_text("已接受职责（外包管理细则 第四条）")).to_be_visible()
    wait_for_rerun(page)
    panel = open_tab(page, "职责日历")
    expect(candidate(panel, QUARTERLY)).to_have_count(0)  # accepted: no longer a candidate

    # the quarterly inspection done, with its report as evidence
    panel.get_by_text("标记完成", exact=True).first.click()
    page.wait_for_timeout(500)  # the expander's opening animation
    done = panel.get_by_test_id("stExpander").filter(has_text="完成日期")
    choose(page, done, "职责", "远景呼叫服务有限公司 · 外包管理细则 第三条")
    report = tmp_path / "现场检查报告.txt"
    report.write_text("第一季度现场检查:未发现问题。\n", encoding="utf-8")
    upload(page, done, report)
    done.get_by_role("button", name="标记完成").click()
    expect(page.get_by_text("已标记完成（外包管理细则 第三条）")).to_be_visible()
    wait_for_rerun(page)

    # 首页: the monthly report is due this month, the inspection is not
    go(page, "首页", "客服中心外包管理助手")
    due = page.get_by_test_id("stMarkdown").filter(has_text="本月到期的职责")
    expect(due.first).to_contain_text("本月到期的职责 1 项")
    expect(page.get_by_text(MONTHLY, exact=False)).to_be_visible()
    expect(page.get_by_text(QUARTERLY, exact=False)).to_have_count(0)

    # SLA看板: the vendor's call records, under the name its system writes (甲)
    go(page, "SLA看板")
    page.get_by_text("导入话单或外包商报表").click()  # folded: the sample data counts as an import
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(CALLS)
    import_button = page.get_by_role("button", name="导入", exact=True)
    expect(import_button).to_be_enabled()
    import_button.click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("已导入「calls_small.csv」")
    wait_for_rerun(page)

    # 外包台账 › 外包商: 甲 mapped to the registered vendor
    go(page, "外包台账")
    panel = open_tab(page, "外包商")
    expect(panel.get_by_text("话单与报表中尚未对应的外包商名称")).to_be_visible()
    row = panel.get_by_test_id("stHorizontalBlock").filter(has=page.get_by_text("甲", exact=True))
    choose(page, row, "对应到", VENDOR)
    row = panel.get_by_test_id("stHorizontalBlock").filter(has=page.get_by_text("甲", exact=True))
    row.get_by_role("button", name="对应").click()
    expect(page.get_by_text(f"「甲」已对应到「{VENDOR}」")).to_be_visible()
    wait_for_rerun(page)
    panel = open_tab(page, "外包商")
    unmapped = panel.get_by_test_id("stHorizontalBlock")
    expect(unmapped.filter(has=page.get_by_text("甲", exact=True))).to_have_count(0)
    expect(unmapped.filter(has=page.get_by_text("乙", exact=True))).to_be_visible()  # left alone

    # 外包商档案: everything about the vendor, and its dossier
    go(page, "外包商档案")
    metric = page.get_by_test_id("stMetric")
    expect(metric.filter(has_text="项目").get_by_test_id("stMetricValue")).to_have_text("1")
    expect(metric.filter(has_text="本月到期").get_by_test_id("stMetricValue")).to_have_text("1")
    expect(metric.filter(has_text="逾期职责").get_by_test_id("stMetricValue")).to_have_text("0")
    expect(metric.filter(has_text="话务占比").get_by_test_id("stMetricValue")).to_have_text("71.4%")
    expect(page.get_by_text(f"统一社会信用代码：{CODE}")).to_be_visible()
    expect(page.get_by_text("数据中的名称：远景呼叫服务有限公司、甲", exact=False)).to_be_visible()
    tables = page.get_by_test_id("stDataFrame")
    expect(tables).to_have_count(3)
    expect(tables.nth(0)).to_contain_text(PROJECT)  # 项目
    expect(tables.nth(1)).to_contain_text("2025-03")  # SLA 达成, under the name 甲
    expect(tables.nth(2)).to_contain_text(MONTHLY)  # 职责
    page.get_by_text(f"{PROJECT} 的范围判定").click()
    expect(page.get_by_text("对外包项目开展内部审计：不得外包")).to_be_visible()
    wait_for_rerun(page)
    page.wait_for_timeout(500)  # the grids draw on canvases
    save_full_page(page, SCREENSHOTS / "vendor.png")

    with page.expect_download() as excel:
        page.get_by_role("button", name="下载档案（Excel）").click()
    assert excel.value.suggested_filename.startswith(f"外包商档案_{VENDOR}_")
    workbook = load_workbook(io.BytesIO(Path(excel.value.path()).read_bytes()))
    assert workbook.sheetnames == ["概要", "项目", "SLA达成", "职责", "范围判定"]
    summary = {row[0]: row[1] for row in workbook["概要"].iter_rows(values_only=True)}
    assert summary["统一社会信用代码"] == CODE and summary["数据中的名称"] == f"{VENDOR}、甲"
    projects = list(workbook["项目"].iter_rows(values_only=True))
    assert projects[1][:3] == (PROJECT, "立项", "人员、运营场所")
    project = dict(zip(projects[0], projects[1]))
    assert project["要素草稿"].startswith("人员+场所方案")
    assert project["不得外包的职能"] == "对外包项目开展内部审计"
    attainment = list(workbook["SLA达成"].iter_rows(values_only=True))
    assert [row[:2] for row in attainment[1:]] == [("2025-03", "甲")]
    header, *rows = workbook["职责"].iter_rows(values_only=True)
    duties = [dict(zip(header, row)) for row in rows]
    inspection = next(duty for duty in duties if QUARTERLY in duty["原文"])
    report_duty = next(duty for duty in duties if MONTHLY in duty["原文"])
    assert (inspection["状态"], inspection["已完成次数"]) == ("未到期", 1)
    assert (report_duty["状态"], report_duty["下次到期"]) == ("本月到期", date.today().isoformat())
    findings = list(workbook["范围判定"].iter_rows(values_only=True))
    assert (PROJECT, "对外包项目开展内部审计", "不得外包") in findings

    with page.expect_download() as markdown:
        page.get_by_role("button", name="下载档案（Markdown）").click()
    text = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert f"# 外包商档案:{VENDOR}" in text and f"| {PROJECT} | 立项 |" in text
    assert QUARTERLY in text and MONTHLY in text

    # the inspection's report is kept as the evidence of it being done; every change is audited
    register = create_services({"data_dir": data_dir}).register
    [done] = [duty for duty in register.duties() if QUARTERLY in duty.quote]
    assert register.evidence_item(done.done[0][2]).file_name == "现场检查报告.txt"
    actions = {entry.action for entry in AuditTrail(data_dir).entries()}
    assert {"register.vendor", "register.project", "register.step", "register.evidence",
            "register.duty_accept", "register.duty_done", "register.alias"} <= actions
