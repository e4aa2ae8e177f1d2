"""A manager uploads a vendor's call records, sees the charts, tightens a target, sees the score
drop; then finds the worst half-hour of the slipping vendor and sizes it by Erlang C and A."""
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.browser.server import (
    PROJECT_ROOT,
    open_grid_cell,
    open_page,
    running_app,
    wait_for_rerun,
)


@pytest.fixture(scope="module")
def calls_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two vendors' call records for January and February, written by the sample command."""
    path = tmp_path_factory.mktemp("sla-story") / "vendor_calls_2025.csv"
    subprocess.run([sys.executable, "-m", "scoring.sla", "sample", "--vendors", "2", "--days", "59",
                    "--calls-per-day", "120", "--out", str(path)], cwd=PROJECT_ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return path


@pytest.fixture(scope="module")
def sla_app_url(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on an empty data directory (the SLA page starts on its sample data)."""
    data_dir = tmp_path_factory.mktemp("sla-data")
    log = tmp_path_factory.mktemp("sla-server") / "streamlit.log"
    with running_app(data_dir, log) as url:
        yield url


def score(page: Page, vendor: str) -> float:
    value = page.get_by_test_id("stMetric").filter(has_text=vendor).get_by_test_id("stMetricValue")
    return float(value.inner_text().split()[0])


def test_manager_uploads_calls_sees_charts_and_tightens_a_target(page: Page, sla_app_url: str,
                                                                  calls_file: Path):
    page.goto(sla_app_url)
    open_page(page, "SLA看板")
    expect(page.get_by_text("示例数据", exact=False).first).to_be_visible()

    page.get_by_text("导入话单或外包商报表").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(calls_file)
    import_button = page.get_by_role("button", name="导入", exact=True)
    expect(import_button).to_be_enabled()
    import_button.click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("已导入「vendor_calls_2025.csv」")
    wait_for_rerun(page)
    expect(page.get_by_text("当前显示的是自动生成的示例话单")).to_have_count(0)

    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts.first).to_be_visible()
    expect(charts.first.locator("svg, canvas").first).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="华信客服")).to_be_visible()
    before = score(page, "华信客服")

    wait_for_rerun(page)
    page.get_by_role("tab", name="合同目标").click()
    expect(page.get_by_role("tab", name="合同目标")).to_have_attribute("aria-selected", "true")
    editor = page.get_by_role("tabpanel", name="合同目标").get_by_test_id("stDataFrame").first
    expect(editor).to_be_visible()
    # first row (20秒服务水平), two cells right: 目标值
    cell_input = open_grid_cell(page, editor, x=40, moves_right=2)
    cell_input.fill("99")
    cell_input.press("Enter")
    expect(page.get_by_text("有未保存的修改")).to_be_visible()  # the edit reached the server
    wait_for_rerun(page)
    page.get_by_role("button", name="保存目标").click()
    expect(page.get_by_text("目标已保存，达成得分与扣款已按新目标重新计算。")).to_be_visible()

    page.get_by_role("tab", name="达标与扣款").click()
    wait_for_rerun(page)
    after = score(page, "华信客服")
    assert after < before  # its service level is below 99 %: the weight of that target is lost


def test_manager_finds_the_worst_half_hour_and_compares_erlang_c_and_a(page: Page, sla_app_url: str,
                                                                        tmp_path: Path):
    page.goto(sla_app_url)
    open_page(page, "SLA看板")
    page.get_by_role("tab", name="半小时分析").click()
    panel = page.get_by_role("tabpanel", name="半小时分析")
    wait_for_rerun(page)

    panel.get_by_test_id("stSelectbox").filter(has_text="外包商").click()
    page.get_by_role("option", name="联众外包", exact=True).click()  # slipping, sample or file
    expect(panel.get_by_role("heading", name="联众外包未达标的半小时", exact=False)).to_be_visible()
    wait_for_rerun(page)
    heat_maps = panel.get_by_test_id("stVegaLiteChart")
    expect(heat_maps.first.locator("svg, canvas").first).to_be_visible()
    expect(heat_maps).to_have_count(3)  # service level, offered calls, agents by model

    expect(panel.get_by_text("最差时段：2025-")).to_be_visible()  # date (weekday) half-hour

    def agents(model: str) -> int:
        metric = panel.get_by_test_id("stMetric").filter(has_text=f"所需座席 Erlang {model}")
        return int(metric.get_by_test_id("stMetricValue").inner_text())

    assert 0 < agents("A") <= agents("C")

    with page.expect_download() as download:
        panel.get_by_role("button", name="下载未达标时段（Excel，月度考核佐证）").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    sheet = load_workbook(io.BytesIO(path.read_bytes()))["未达标时段"]
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, sheet[2]))
    assert first["20秒服务水平"].value < 0.8 and first["20秒服务水平"].number_format == "0.0%"
    assert path.name.startswith("未达标时段_联众外包_")
