"""SLA看板: a manager sees the sample, imports vendors' files, edits targets, sizes the roster."""
from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from scoring.sla import sample
from scoring.sla.store import DATABASE_FILE, SlaStore
from settings import PROJECT_ROOT
from tests.ui.rendered import shown

DATA = PROJECT_ROOT / "tests" / "data" / "sla"


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the page's sample data, made once (the page makes the same)."""
    path = tmp_path_factory.mktemp("sla-sample") / DATABASE_FILE
    store = SlaStore(path)
    store.ensure_sample(sample.generate)
    store.close()
    return path


@pytest.fixture
def sla_page(monkeypatch: pytest.MonkeyPatch, data_dir: Path,
             sample_database: Path) -> Callable[..., AppTest]:
    """The app on a fresh data dir (already holding the sample unless fresh=True), on the SLA page."""

    def open_page(fresh: bool = False) -> AppTest:
        if not fresh:
            shutil.copy(sample_database, data_dir / DATABASE_FILE)
        monkeypatch.setenv("CSC_DATA_DIR", str(data_dir))
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
        return at.switch_page("pages/sla.py").run()

    return open_page


class Manager:
    """What a user does on the page, as small steps."""

    def __init__(self, at: AppTest):
        self.at = at

    def upload(self, name: str, partial: bool = False, content: bytes | None = None) -> Manager:
        data = (DATA / name).read_bytes() if content is None else content
        self.at.file_uploader(key="sla_upload").set_value((name, data, "text/csv"))
        self.at.checkbox(key="sla_partial").set_value(partial)
        self.at.run()
        self.at.button(key="sla_import").click().run()
        return self

    def scores(self) -> dict[str, str]:
        return {metric.label: metric.value for metric in self.at.tabs[0].metric}

    def edit_target(self, row: int, value: float, column: str = "目标值") -> Manager:
        self.at.session_state["sla_targets_default"] = {
            "edited_rows": {row: {column: value}}, "added_rows": [], "deleted_rows": []}
        self.at.run()
        assert "有未保存的修改" in self.texts("info")
        self.at.button(key="sla_save_targets").click().run()
        return self

    def texts(self, kind: str) -> str:
        """Messages of one kind as the user reads them (the page escapes Markdown specials)."""
        return "\n".join(element.value for element in getattr(self.at, kind)).replace("\\", "")


def test_the_page_starts_on_sample_data_with_a_banner(sla_page):
    at = sla_page(fresh=True)

    assert not at.exception
    assert "示例数据" in at.warning[0].value
    assert Manager(at).scores() == {"华信客服": "100.0 分", "联众外包": "100.0 分", "远景呼叫": "20.0 分"}
    assert len(at.get("vega_lite_chart")) == 8  # ranking, heat map, trend, waits, hours, 3 half-hour
    assert at.selectbox(key="sla_month").value.strftime("%Y-%m") == "2025-03"
    steady = next(metric for metric in at.tabs[0].metric if metric.label == "华信客服")
    assert steady.proto.delta == "与上月持平" and steady.proto.direction == 2  # NONE: no arrow


def test_every_figure_states_its_definition(sla_page):
    at = sla_page()

    table = at.tabs[0].table[0].value  # the chosen vendor's targets
    assert shown(table.loc[0, "定义"]).startswith("等待 ≤ 20 秒即被接通的呼叫 ÷ 呼入人工量")
    assert all(metric.help for metric in at.tabs[0].metric)


def test_clearing_the_sample_leaves_an_empty_board(sla_page):
    at = sla_page()
    at.button(key="sla_clear_sample").click().run()
    assert "确定清除示例数据" in at.warning[-1].value
    at.button(key="sla_clear_sample_yes").click().run()

    assert not at.exception and not at.warning
    assert at.info[0].value == "还没有数据：请在上方导入话单或外包商报表。"
    assert not at.tabs
    at.switch_page("pages/sla.py").run()  # a new visit does not bring the sample back
    assert not at.warning and at.info


def test_importing_call_records_replaces_the_sample(sla_page):
    manager = Manager(sla_page()).upload("calls_small.csv")

    assert not manager.at.exception
    assert shown(manager.at.success[0].value) == \
        "已导入「calls_small.csv」(话单):读取 7 行,新增 7 条;示例数据已清除。"
    assert not manager.at.expander[0].success  # shown below the import section, which folds
    assert "示例数据" not in manager.texts("warning")
    months = manager.at.selectbox(key="sla_month").options
    assert months == ["2025-04（不完整：4月1日–4月1日，1 天）", "2025-03（不完整：3月3日–3月4日，2 天）"]
    # the month looked at before the import is kept; it is now only partly covered
    assert "2025-03 的数据不完整（3月3日–3月4日，2 天）：达成得分与扣款按已有的天数计算" \
        in manager.texts("warning")
    assert manager.at.selectbox(key="sla_detail_vendor").options == ["乙", "甲"]
    manager.at.selectbox(key="sla_month").set_value(pd.Timestamp("2025-04-01")).run()
    assert manager.at.selectbox(key="sla_detail_vendor").options == ["乙"]  # those of the month


def test_reimporting_the_same_file_adds_nothing(sla_page):
    manager = Manager(sla_page()).upload("calls_small.csv").upload("calls_small.csv")

    assert "新增 0 条,7 条已存在(未重复写入)" in manager.texts("success")


def test_a_file_with_bad_rows_is_refused_and_the_board_is_unchanged(sla_page):
    manager = Manager(sla_page()).upload("calls_bad.csv")

    assert "有 14 行错误,整份文件未导入" in manager.texts("error")
    rejected = manager.at.main.dataframe[0].value.set_index("行号")["错误说明"]
    assert rejected[3].startswith("到达时间(arrived_at)「2025-03-03 25:61:00」无法识别为时间")
    assert "示例数据" in manager.texts("warning")  # still the sample, nothing stored
    assert manager.scores()["远景呼叫"] == "20.0 分"


def test_importing_only_the_valid_rows_offers_the_rejected_ones(sla_page):
    manager = Manager(sla_page()).upload("calls_bad.csv", partial=True)

    assert "新增 1 条,跳过有错误的 14 行" in manager.texts("success")
    assert manager.at.get("download_button")
    assert manager.at.selectbox(key="sla_detail_vendor").options == ["甲"]


@pytest.mark.parametrize("name, content, message", [
    ("empty.csv", b"", "文件「empty.csv」是空的。"),
    ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00" * 100, "不是文本文件"),
    ("other.csv", "姓名,电话\n张三,123\n".encode("gbk"), "无法识别文件「other.csv」的格式"),
])
def test_unreadable_files_get_a_chinese_message(sla_page, name, content, message):
    manager = Manager(sla_page()).upload(name, content=content)

    assert not manager.at.exception
    assert message in manager.texts("error")


def test_vendor_reports_are_shown_with_their_source(sla_page):
    at = sla_page()
    at.button(key="sla_clear_sample").click().run()
    assert "确定清除示例数据" in at.warning[-1].value
    at.button(key="sla_clear_sample_yes").click().run()
    manager = Manager(at).upload("report_long.csv")

    assert manager.texts("success").startswith("已导入「report_long.csv」(外包商报表(长表)):读取 10 个指标值")
    table = manager.at.tabs[1].dataframe[0].value
    assert list(table["来源"]) == ["报表", "报表"] and list(table["期间"]) == ["2025-01", "2025-02"]
    assert "来源为“报表”的数字取自外包商报送" in manager.texts("caption")


def test_editing_a_target_changes_the_attainment(sla_page):
    manager = Manager(sla_page()).edit_target(row=0, value=95.0)  # service level 80 % → 95 %

    assert not manager.at.exception
    assert manager.texts("success") == "目标已保存，达成得分与扣款已按新目标重新计算。"
    assert manager.scores()["华信客服"] == "75.0 分"  # its 92 % misses 95 %: weight 25 lost
    summary = manager.at.tabs[0].dataframe[0].value.set_index("外包商")
    assert summary.loc["华信客服", "扣款(月服务费%)"] == 2.0


def test_a_bad_target_is_refused(sla_page):
    manager = Manager(sla_page()).edit_target(row=0, value=120.0)

    assert "目标未保存:20秒服务水平:目标值超出范围" in manager.texts("error")
    assert manager.scores()["华信客服"] == "100.0 分"


def test_an_enabled_target_of_weight_zero_is_saved_with_a_warning(sla_page):
    manager = Manager(sla_page()).edit_target(row=0, value=0.0, column="权重")

    assert manager.texts("success").startswith("目标已保存")
    assert "「20秒服务水平」已启用但权重为 0：不计入达成得分，未达标时仍扣月服务费的" in \
        manager.texts("warning")


def test_switching_indicator_and_granularity(sla_page):
    at = sla_page()
    at.selectbox(key="sla_indicator").set_value("abandon_rate").run()
    at.radio(key="sla_grain").set_value("day").run()

    assert not at.exception
    assert len(at.tabs[1].dataframe[0].value) == 270
    assert [button.proto.label for button in at.tabs[1].get("download_button")] == \
        ["下载指标明细（Excel）"]  # the table's own CSV download is off: this one is escaped
    at.selectbox(key="sla_wait_month").set_value(at.selectbox(key="sla_wait_month").options[1]).run()
    assert not at.exception


def staffing(at: AppTest) -> dict[str, dict[str, str]]:
    table = at.tabs[5].table[0].value.map(shown).set_index("指标")
    return {model: dict(table[model]) for model in ("Erlang C", "Erlang A") if model in table}


def test_staffing_defaults_reproduce_the_domain_check_values(sla_page):
    at = sla_page()
    figures = staffing(at)

    assert figures["Erlang C"]["所需在线座席"] == "14" and figures["Erlang C"]["服务水平"] == "88.84%"
    assert figures["Erlang C"]["平均等待"] == "7.84 秒" and figures["Erlang C"]["排班座席"] == "20"
    assert figures["Erlang A"]["所需在线座席"] == "12"  # patience 120 s: callers hang up
    assert figures["Erlang A"]["放弃率"] == "6.16%" and figures["Erlang A"]["平均等待"] == "7.39 秒"
    at.number_input(key="sla_erlang_patience_s").set_value(0.0).run()
    assert "Erlang A" not in staffing(at)
    at.number_input(key="sla_erlang_calls").set_value(0.0).run()
    assert staffing(at)["Erlang C"]["所需在线座席"] == "0"  # no calls, no agents
    at.number_input(key="sla_erlang_calls").set_value(200.0).run()
    assert int(staffing(at)["Erlang C"]["所需在线座席"]) > 14


def test_the_half_hour_view_finds_the_worst_interval_and_sizes_it_both_ways(sla_page):
    at = sla_page()
    at.selectbox(key="sla_interval_vendor").set_value("远景呼叫").run()  # the slipping vendor
    tab = at.tabs[3]

    assert not at.exception
    cells = {metric.label: metric.value for metric in tab.metric}
    assert "**最差时段：2025-03-" in " ".join(text.value for text in tab.markdown)
    assert int(cells["所需座席 Erlang A"]) <= int(cells["所需座席 Erlang C"])
    shortfalls = tab.dataframe[0].value
    assert len(shortfalls) > 100 and shortfalls["距目标差(通)"].is_monotonic_decreasing
    assert (shortfalls["20秒服务水平"] < 0.80).all()
    assert "话单估计的平均耐心为" in " ".join(caption.value for caption in tab.caption)
    at.selectbox(key="sla_interval_queue_远景呼叫").set_value("信用卡").run()
    assert not at.exception and len(at.tabs[3].dataframe[0].value) < len(shortfalls)


def test_the_half_hour_view_offers_only_the_vendors_months_and_says_when_a_scope_is_empty(sla_page):
    rows = ["call_id,vendor,queue,arrived_at,answered_at,ended_at,talk_s,hold_s,acw_s",
            "M1,丙,信用卡,2025-03-03 09:00:00,2025-03-03 09:00:05,2025-03-03 09:03:05,180,0,10",
            "A1,丙,理财,2025-04-01 10:00:00,2025-04-01 10:00:30,2025-04-01 10:02:30,120,0,10"]
    at = Manager(sla_page()).upload("丙.csv", content="\n".join(rows).encode()).at
    at.selectbox(key="sla_interval_vendor").set_value("丙").run()

    assert at.selectbox(key="sla_interval_month_丙").options == ["2025-04", "2025-03"]
    at.selectbox(key="sla_interval_month_丙").set_value(dt.date(2025, 4, 1))
    at.selectbox(key="sla_interval_queue_丙").set_value("信用卡").run()  # only in March
    tab = at.tabs[3]
    assert not at.exception
    assert "没有话单" in " ".join(info.value for info in tab.info)
    assert not tab.success and not tab.metric  # nothing claims the targets were met


def test_another_vendor_opens_on_all_its_queues_in_the_half_hour_view(sla_page):
    at = sla_page()
    vendors = at.selectbox(key="sla_interval_vendor").options
    at.selectbox(key="sla_interval_vendor").set_value(vendors[0]).run()
    at.selectbox(key=f"sla_interval_queue_{vendors[0]}").set_value("信用卡").run()
    at.selectbox(key="sla_interval_vendor").set_value(vendors[1]).run()
    box = at.selectbox(key=f"sla_interval_queue_{vendors[1]}")  # not the first one's, left blank
    assert box.value is None and box.options[0] == "全部队列"


def test_the_shortfalls_can_be_downloaded_as_evidence(sla_page):
    at = sla_page()
    labels = [button.proto.label for button in at.tabs[3].get("download_button")]
    assert labels == ["下载未达标时段（Excel，月度考核佐证）"]


def test_met_targets_show_no_deduction(sla_page):
    at = sla_page()
    details = at.tabs[0].table[0].value.map(shown)
    met = details[details["结果"] == "达标"]
    assert len(met) and (met["本月扣款(月服务费%)"].astype(float) == 0).all()
    assert (met["未达标时扣款(月服务费%)"].astype(float) > 0).any()
