"""One full-page screenshot per page for the README (home.png, assistant.png, browse.png, …),
at 1440×900 in OUT_DIR and at 1024×768 in OUT_DIR/1024x768.

    python tests/browser/screenshots.py OUT_DIR
"""
from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright
from server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PROJECT_ROOT,
    build_index,
    open_page,
    running_app,
    save_full_page,
    wait_for_rerun,
)

RULES = PROJECT_ROOT / "tests" / "data" / "register" / "外包管理细则.txt"


def shoot_home(page: Page, out_dir: Path) -> None:
    expect(page.get_by_test_id("stMetric").filter(has_text="条款总数")).to_contain_text("28")
    wait_for_rerun(page)
    save_full_page(page, out_dir / "home.png")


def shoot_browse(page: Page, out_dir: Path) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="条款浏览").click()
    page.get_by_test_id("stRadio").get_by_text("4.2 人员外包").click()
    expect(page.get_by_role("heading", name="4.2 人员外包")).to_be_visible()
    wait_for_rerun(page)
    save_full_page(page, out_dir / "browse.png")


def shoot_assistant(page: Page, out_dir: Path) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="智能问答").click()
    page.get_by_test_id("stChatInputTextArea").fill("能不能把内审交给外包公司？")
    page.get_by_test_id("stChatInputTextArea").press("Enter")
    wait_for_rerun(page)
    page.get_by_text("出处：GB/T 32314-2015 第5.1.2条 范围管理").first.click()
    expect(page.get_by_test_id("stExpanderDetails").first).to_contain_text("根据监管部门要求")
    page.wait_for_timeout(500)  # the expander's opening animation
    save_full_page(page, out_dir / "assistant.png")


def shoot_library(page: Page, out_dir: Path) -> None:
    open_page(page, "文档管理")
    save_full_page(page, out_dir / "library.png")


def shoot_quality(page: Page, out_dir: Path) -> None:
    open_page(page, "问答质量")
    page.get_by_role("button", name="运行评估").click()  # the first set: 黄金集
    wait_for_rerun(page)
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    save_full_page(page, out_dir / "quality.png")


def shoot_scope(page: Page, out_dir: Path) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="范围自检").click()
    page.get_by_label("或逐行输入职能描述（每行一项）").fill(
        "人工热线接听\n外呼营销\n对外包项目开展内部审计\n客户身份核验\n坐席排班")
    page.get_by_role("button", name="开始判定").click()
    wait_for_rerun(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="项职能不得外包")).to_be_visible()
    save_full_page(page, out_dir / "scope.png")


def shoot_elements(page: Page, out_dir: Path) -> None:
    open_page(page, "外包要素")
    page.get_by_test_id("stMultiSelect").filter(has_text="外包哪些要素").click()
    page.get_by_role("option", name="系统", exact=True).click()
    page.keyboard.press("Escape")
    wait_for_rerun(page)
    expect(page.get_by_text("4.4 系统外包：谁提供、谁管理")).to_be_visible()
    save_full_page(page, out_dir / "elements.png")


def shoot_sla(page: Page, out_dir: Path) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="SLA看板").click()
    expect(page.get_by_text("示例数据").first).to_be_visible()
    wait_for_rerun(page)
    page.wait_for_timeout(1500)  # let the vega charts draw
    save_full_page(page, out_dir / "sla.png")
    page.get_by_role("tab", name="半小时分析").click()
    panel = page.get_by_role("tabpanel", name="半小时分析")
    panel.get_by_test_id("stSelectbox").filter(has_text="外包商").click()
    page.get_by_role("option", name="远景呼叫", exact=True).click()
    wait_for_rerun(page)
    page.wait_for_timeout(1500)
    save_full_page(page, out_dir / "sla_half_hours.png")


def shoot_register(page: Page, out_dir: Path) -> None:
    open_page(page, "外包台账")
    page.get_by_role("tab", name="项目与阶段").click()
    panel = page.get_by_role("tabpanel", name="项目与阶段")
    wait_for_rerun(page)
    panel.get_by_test_id("stSelectbox").first.click()  # 项目
    page.get_by_role("option", name="信用卡客服热线", exact=False).click()
    wait_for_rerun(page)
    expect(panel.get_by_text("应建立立项管理流程", exact=False)).to_be_visible()
    page.evaluate("document.activeElement.blur()")  # no focus ring on the picker
    page.wait_for_timeout(500)  # the grid draws on a canvas
    save_full_page(page, out_dir / "register.png")


def shoot_vendor(page: Page, out_dir: Path) -> None:
    open_page(page, "外包商档案")
    expect(page.get_by_test_id("stMetric").filter(has_text="本月到期")).to_contain_text("1")
    wait_for_rerun(page)  # the first run judges the linked scope check's functions
    page.wait_for_timeout(1000)  # the grids draw on canvases
    save_full_page(page, out_dir / "vendor.png")


def seed_register(data_dir: Path) -> None:
    """A vendor of the sample SLA data (远景呼叫) in 外包台账: a project decided on a saved
    element draft and scope check, its 立项 recorded with evidence, and two duties of the bank's
    rules (parsed here, not loaded) accepted, one done: what 外包台账 and 外包商档案 show."""
    sys.path.insert(0, str(PROJECT_ROOT))  # the app's own modules
    from ingest.documents import info_for_file, parse_document
    from scoring.elements.model import Combination, ServiceItem
    from scoring.register.duties import mine
    from scoring.register.model import Project
    from scoring.services import create_services

    services, today = create_services({"data_dir": data_dir}), date.today()
    draft = services.drafts.save("人员+场所方案", Combination(("人员", "运营场所")),
                                 (ServiceItem("人工热线接听", "人员", "", "service_level", 0.8),))
    check = services.assessments.save("信用卡热线范围自检", {},
                                      ["人工热线接听", "外呼营销", "对外包项目开展内部审计"])
    register = services.register
    vendor = register.save_vendor("远景呼叫服务有限公司", "91350100M000100Y43", "陈经理 0591-88880000")
    register.map_alias("远景呼叫", vendor)
    project = register.save_project(Project(
        0, vendor, "信用卡客服热线", ("人员", "运营场所"), draft, check, date(today.year, 1, 1),
        date(today.year + 1, 12, 31), 90, "按坐席人月计费", 10.0, "initiation"))
    register.record_step(project, "initiation", "需求、可行性与风险分析已完成，初选三家供应商", "本机用户")
    register.add_evidence("必要性及可行性分析、风险及收益分析。\n".encode(), "可行性分析.txt",
                          "本机用户", project, "initiation")
    duties = mine([parse_document(RULES.read_bytes(), info_for_file(RULES), 2**20)])
    quarterly = next(duty for duty in duties if "每季度" in duty.quote)
    monthly = next(duty for duty in duties if "次月十日前" in duty.quote)
    inspection = register.accept(quarterly, vendor, project, "王芳", today, "季度现场检查报告")
    register.accept(monthly, vendor, None, "王芳", today, "月度服务质量报告")
    report = register.add_evidence("第一季度现场检查:未发现问题。\n".encode(), "现场检查报告.txt",
                                   "王芳", project, duty_id=inspection)
    register.mark_done(inspection, today, "王芳", report.id)


SHOTS = [shoot_home, shoot_assistant, shoot_browse, shoot_library, shoot_quality, shoot_scope,
         shoot_elements, shoot_sla, shoot_register, shoot_vendor]
SIZES = {"": (1440, 900), "1024x768": (1024, 768)}


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=60_000)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        build_index(Path(tmp) / "data")
        seed_register(Path(tmp) / "data")
        with running_app(Path(tmp) / "data", Path(tmp) / "streamlit.log") as url:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for folder, (width, height) in SIZES.items():
                (out_dir / folder).mkdir(parents=True, exist_ok=True)
                page = browser.new_page(viewport={"width": width, "height": height},
                                        locale="zh-CN")
                page.goto(url)
                for shoot in SHOTS:
                    shoot(page, out_dir / folder)
                page.close()
            browser.close()
    print(f"saved {len(SHOTS)} screenshots per size in {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
