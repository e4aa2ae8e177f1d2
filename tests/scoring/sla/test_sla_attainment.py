"""Contract targets: met or missed, the weighted score, deductions under the cap, the trend."""
import math

import pandas as pd
import pytest

from scoring.sla.attainment import attainment
from scoring.sla.errors import SlaInputError
from scoring.sla.store import DATABASE_FILE, SlaStore
from scoring.sla.targets import (
    DEFAULT_SCOPE,
    Contract,
    SlaTarget,
    contract_from_editor,
    default_contract,
    delete_contract,
    editor_frame,
    load_contracts,
    save_contract,
)

AT_LEAST_80 = SlaTarget("service_level", ">=", 0.80, 50, 2.0)
AT_MOST_5 = SlaTarget("abandon_rate", "<=", 0.05, 30, 1.5)
QA_85 = SlaTarget("qa_avg", ">=", 85, 20, 1.0)


@pytest.mark.parametrize("target, value, met", [
    (AT_LEAST_80, 0.80, True), (AT_LEAST_80, 0.7999, False), (AT_LEAST_80, 4 / 5, True),
    (AT_LEAST_80, 0.1 + 0.7, True),  # 0.7999999999999999 in floating point: still met
    (AT_MOST_5, 0.05, True), (AT_MOST_5, 0.0501, False), (QA_85, 85.0, True),
    (AT_LEAST_80, None, None), (AT_LEAST_80, math.nan, None),
])
def test_a_target_is_met_missed_or_not_evaluated(target, value, met):
    assert target.met(value) is met


def monthly(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame([{"vendor": vendor, "period": pd.Timestamp(period), "service_level": sl,
                          "abandon_rate": ab, "qa_avg": qa} for vendor, period, sl, ab, qa in rows])


CONTRACT = Contract((AT_LEAST_80, AT_MOST_5, QA_85), cap_pct=3.0)


@pytest.mark.parametrize("sl, ab, qa, score, deduction, counts", [
    (0.85, 0.03, 90, 100.0, 0.0, (3, 0, 0)),
    (0.75, 0.03, 90, 50.0, 2.0, (2, 1, 0)),
    (0.75, 0.08, 90, 20.0, 3.0, (1, 2, 0)),  # 2.0 + 1.5 capped at 3.0
    (0.75, 0.08, 80, 0.0, 3.0, (0, 3, 0)),
    (0.85, 0.03, None, 100.0, 0.0, (2, 0, 1)),  # no QA data: not evaluated, weight left out
    (0.75, None, None, 0.0, 2.0, (0, 1, 2)),
    (None, None, None, None, 0.0, (0, 0, 3)),
])
def test_score_and_deduction_per_vendor_month(sl, ab, qa, score, deduction, counts):
    _, summary = attainment(monthly(("甲", "2025-03-01", sl, ab, qa)), {DEFAULT_SCOPE: CONTRACT})
    row = summary.iloc[0]
    assert (None if pd.isna(row["score"]) else row["score"]) == score
    assert (row["deduction_pct"], (row["met"], row["missed"], row["unevaluated"])) == (deduction, counts)


def test_trend_is_the_change_against_the_previous_month_per_vendor():
    frame = monthly(("甲", "2025-01-01", 0.85, 0.03, 90), ("甲", "2025-02-01", 0.75, 0.03, 90),
                    ("乙", "2025-02-01", 0.75, 0.03, 90))
    _, summary = attainment(frame, {DEFAULT_SCOPE: CONTRACT})
    changes = summary.set_index(["vendor", summary["period"].dt.month])["change"]
    assert pd.isna(changes[("甲", 1)]) and changes[("甲", 2)] == -50 and pd.isna(changes[("乙", 2)])


def test_a_vendor_contract_overrides_the_default():
    strict = Contract((SlaTarget("service_level", ">=", 0.90, 100, 5.0),), cap_pct=10, scope="甲")
    details, summary = attainment(monthly(("甲", "2025-03-01", 0.85, 0.03, 90),
                                          ("乙", "2025-03-01", 0.85, 0.03, 90)),
                                  {DEFAULT_SCOPE: CONTRACT, "甲": strict})
    assert summary.set_index("vendor")["score"].to_dict() == {"甲": 0.0, "乙": 100.0}
    assert details.groupby("vendor").size().to_dict() == {"甲": 1, "乙": 3}


def test_default_template_has_the_common_targets_and_weights_to_100():
    contract = default_contract()
    active = {target.indicator: target for target in contract.active()}
    assert set(active) == {"service_level", "answer_rate", "abandon_rate", "asa_s", "fcr_rate",
                           "csat_rate", "qa_avg", "complaint_rate"}
    assert active["service_level"].human(20) == "20秒服务水平 ≥ 80.00%"
    assert active["abandon_rate"].human(20) == "放弃率 ≤ 5.00%"
    assert sum(target.weight for target in active.values()) == 100 and contract.cap_pct == 10


def test_editor_round_trip_in_display_units():
    frame = editor_frame(default_contract(), 20)
    assert frame.loc["service_level", ["目标值", "单位"]].tolist() == [80.0, "%"]
    frame.loc["service_level", "目标值"] = 85.0
    contract = contract_from_editor(frame, 8.0, "甲")
    target = next(t for t in contract.targets if t.indicator == "service_level")
    assert (target.target, contract.cap_pct, contract.scope) == (0.85, 8.0, "甲")


@pytest.mark.parametrize("column, value, message", [
    ("目标值", 120.0, "20秒服务水平:目标值超出范围,应在 0–100% 之间"),
    ("目标值", 0.0, "20秒服务水平:目标值 ≥ 0% 总能达到,起不到约束作用"),
    ("目标值", -3.0, "20秒服务水平:目标值超出范围"),
    ("权重", -1.0, "权重与扣款不能为负"),
    ("方向", "=", "方向只能是 ≥ 或 ≤"),
    ("目标值", None, "目标值、权重与扣款都必须填写"),
])
def test_bad_edits_are_refused_with_a_message(column, value, message):
    frame = editor_frame(default_contract(), 20)
    frame[column] = frame[column].astype(object)
    frame.loc["service_level", column] = value
    with pytest.raises(SlaInputError, match=message):
        contract_from_editor(frame, 10.0, DEFAULT_SCOPE)


def test_a_waiting_time_of_zero_is_refused_as_unreachable():
    frame = editor_frame(default_contract(), 20)
    frame.loc["asa_s", "目标值"] = 0.0
    with pytest.raises(SlaInputError, match="平均应答速度 ASA:目标值 ≤ 0秒 无法达到"):
        contract_from_editor(frame, 10.0, DEFAULT_SCOPE)


def test_saved_contracts_are_loaded_and_can_be_reset(data_dir):
    store = SlaStore(data_dir / DATABASE_FILE)
    frame = editor_frame(default_contract(), 20)
    frame.loc["aht_s", ["权重", "启用"]] = [5.0, True]
    save_contract(store, contract_from_editor(frame, 6.0, "甲"))
    contracts = load_contracts(store)
    assert contracts["甲"].cap_pct == 6.0 and len(contracts["甲"].active()) == 9
    assert contracts[DEFAULT_SCOPE] == default_contract()
    delete_contract(store, "甲")
    assert set(load_contracts(store)) == {DEFAULT_SCOPE}
    store.close()


def test_a_month_is_complete_only_when_its_data_covers_every_day():
    import datetime as dt

    import pandas as pd

    from scoring.sla.board import Coverage, default_month, month_label

    march, february, january = (pd.Timestamp(f"2025-0{m}-01") for m in (3, 2, 1))
    coverage = {march: Coverage(dt.date(2025, 3, 1), dt.date(2025, 3, 1), 1),
                february: Coverage(dt.date(2025, 2, 1), dt.date(2025, 2, 28), 28),
                january: Coverage(dt.date(2025, 1, 15), dt.date(2025, 1, 31), 17)}
    assert [coverage[m].complete for m in (march, february, january)] == [False, True, False]
    assert default_month([march, february, january], coverage) == 1  # the review is on February
    assert default_month([march, january], coverage) == 0  # none whole: the newest
    assert default_month([pd.Timestamp("2025-04-01"), march], coverage) == 0  # monthly reports
    assert month_label(march, coverage) == "2025-03（不完整：3月1日–3月1日，1 天）"
    assert month_label(february, coverage) == "2025-02"
    leap = Coverage(dt.date(2024, 2, 1), dt.date(2024, 2, 29), 29)
    assert leap.complete


def test_the_hourly_panels_wrap_three_to_a_row_for_any_number_of_vendors():
    import pandas as pd

    from scoring.sla.charts import hourly_profile

    profile = pd.DataFrame([{"vendor": f"外包商{number}", "hour": hour, "offered": 10.0,
                             "answered": 9.0} for number in range(7) for hour in range(24)])
    spec = hourly_profile(profile).to_dict()
    assert spec["columns"] == 3 and spec["facet"]["field"] == "vendor"


def test_the_kpi_export_names_units_and_where_the_data_came_from():
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from scoring.sla.board import kpi_table, kpi_workbook
    from scoring.sla.indicators import KPI_KEYS

    kpis = pd.DataFrame([{"vendor": "甲", "period": pd.Timestamp("2025-03-01"), "source": "话单",
                          **dict.fromkeys(KPI_KEYS, 0.5), "asa_s": 12.5, "offered": 10}])
    workbook = load_workbook(io.BytesIO(kpi_workbook(kpi_table(kpis, 20, "month"), 20, "month",
                                                     "示例数据（自动生成，不是真实数据）")))
    summary = {row[0].value: row[1].value for row in workbook["概要"].iter_rows(min_row=2)}
    assert summary["数据来源"].startswith("示例数据") and summary["导出时间"]
    sheet = workbook["指标明细"]
    cells = dict(zip([cell.value for cell in sheet[1]], sheet[2]))
    assert cells["平均应答速度 ASA（秒）"].value == 12.5
    assert cells["20秒服务水平"].number_format == "0.00%" and cells["呼入人工量"].value == 10


def test_enabled_targets_of_weight_zero_are_noted_and_others_are_not():
    contract = Contract((AT_LEAST_80, SlaTarget("abandon_rate", "<=", 0.05, 0, 1.5),
                         SlaTarget("qa_avg", ">=", 85, 0, 0), SlaTarget("fcr_rate", ">=", 0.7, 0, 1,
                                                                        enabled=False)), 10)
    notes = contract.notes(20)
    assert len(notes) == 2
    assert notes[0].endswith("不计入达成得分，未达标时仍扣月服务费的 1.5%。")
    assert notes[1].endswith("也不扣款，等于未启用。")


def test_a_first_month_shows_no_change_in_the_summary_table_not_the_word_none():
    from scoring.sla.board import summary_table

    _, summary = attainment(monthly(("乙", "2025-02-01", 0.75, 0.03, 90)), {DEFAULT_SCOPE: CONTRACT})
    table = summary_table(summary.astype({"change": object}))  # as None arrives from the store
    assert table["较上月"].dtype == float and table["较上月"].isna().all()
