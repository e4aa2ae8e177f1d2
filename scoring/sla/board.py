"""Everything the SLA page shows, read once per data version: KPIs, attainment, waits, peaks."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from scoring.exports import add_sheet, provenance_rows, summary_workbook, workbook_bytes
from scoring.sla import queries
from scoring.sla.attainment import attainment
from scoring.sla.erlang import Staffing
from scoring.sla.indicators import INDICATORS, INDICATORS_BY_KEY, KPI_KEYS, label
from scoring.sla.queries import Coverage
from scoring.sla.store import SlaStore
from scoring.sla.targets import DIRECTIONS, Contract, contract_for, load_contracts

VERDICTS = {True: "达标", False: "未达标", None: "无数据(不评估)"}


@dataclass
class Board:
    """The page's data for one version of the store."""

    threshold_s: float
    monthly: pd.DataFrame
    daily: pd.DataFrame
    details: pd.DataFrame
    summary: pd.DataFrame
    contracts: dict[str, Contract]
    months: list[dt.date]
    peaks: pd.DataFrame
    first_stored: list[str]  # vendors in the order they were first stored

    @property
    def palette_order(self) -> list[str]:
        """The vendors in the order the charts give out colours: first stored first, so a
        vendor keeps its colour as others are added (any not on record after, by name)."""
        stored = [vendor for vendor in self.first_stored if vendor in self.vendors]
        return stored + [vendor for vendor in self.vendors if vendor not in stored]

    @property
    def call_vendors(self) -> list[str]:
        """Vendors with call records (the half-hour view needs calls; reports have none)."""
        rows = self.monthly[self.monthly["source"] == queries.CALLS_SOURCE]
        return sorted(rows["vendor"].unique())

    def service_level_target(self, vendor: str) -> float:
        """The vendor's contract target for the service level (80% when it has none)."""
        return next((target.target for target in contract_for(self.contracts, vendor).active()
                     if target.indicator == "service_level"), 0.80)

    @property
    def vendors(self) -> list[str]:
        """Vendors with data, sorted."""
        return sorted(self.monthly["vendor"].unique()) if len(self.monthly) else []

    @property
    def empty(self) -> bool:
        """True when nothing is stored (no calls, no reports)."""
        return self.monthly.empty


def load_board(store: SlaStore, threshold_s: float) -> Board:
    """Read and compute everything the page shows."""
    monthly = queries.board_kpis(store, "month", threshold_s)
    daily = queries.board_kpis(store, "day", threshold_s)
    contracts = load_contracts(store)
    details, summary = attainment(monthly, contracts)
    return Board(threshold_s, monthly, daily, details, summary, contracts,
                 queries.months(store), queries.peak_intervals(store), store.vendor_order())


def kpi_columns(threshold_s: float) -> list[tuple[str, str, str]]:
    """(column title, unit, definition) of every indicator, in table order."""
    return [(label(indicator.key, threshold_s), indicator.unit, indicator.describe(threshold_s))
            for indicator in INDICATORS]


def kpi_table(kpis: pd.DataFrame, threshold_s: float, grain: str) -> pd.DataFrame:
    """KPIs under Chinese headers; values stay numbers (rates as fractions)."""
    frame = kpis.copy()
    frame["period"] = frame["period"].dt.strftime("%Y-%m" if grain == "month" else "%Y-%m-%d")
    names = {key: label(key, threshold_s) for key in KPI_KEYS}
    frame = frame.rename(columns={"vendor": "外包商", "period": "期间", "source": "来源", **names})
    return frame[["外包商", "期间", "来源", *names.values()]]


EXPORT_FORMATS = {"rate": "0.00%", "seconds": "0.0", "score": "0.0", "count": "0"}


def kpi_workbook(table: pd.DataFrame, threshold_s: float, grain: str, source: str) -> bytes:
    """The KPI table (kpi_table) as an Excel file: rates as percentages, times in seconds and
    scores in points (the unit in the header), and where the data came from (`source`)."""
    units = {label(indicator.key, threshold_s): indicator for indicator in INDICATORS}
    headers = {name: f"{name}（{indicator.display_unit}）" if indicator.unit in ("seconds", "score")
               else name for name, indicator in units.items()}
    workbook = summary_workbook("SLA 指标明细", [
        ["粒度", "按月" if grain == "month" else "按日"], ["服务水平门限", f"{threshold_s:g} 秒"],
        ["行数", len(table)], *provenance_rows(source)])
    add_sheet(workbook, "指标明细", table.rename(columns=headers),
              {headers[name]: EXPORT_FORMATS[indicator.unit] for name, indicator in units.items()})
    return workbook_bytes(workbook)


def trend_frame(kpis: pd.DataFrame, contracts: dict[str, Contract], key: str) -> pd.DataFrame:
    """One indicator per vendor and period with the vendor's target and whether it was met."""
    rows = []
    for vendor, period, value in kpis[["vendor", "period", key]].itertuples(index=False):
        target = next((item for item in contract_for(contracts, vendor).active()
                       if item.indicator == key), None)
        value = None if pd.isna(value) else float(value)
        rows.append([vendor, period, value, target.target if target else None,
                     target.met(value) if target else None])
    return pd.DataFrame(rows, columns=["vendor", "period", "value", "target", "met"])


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Attainment per vendor and month under Chinese headers."""
    frame = summary.assign(period=summary["period"].dt.strftime("%Y-%m"),  # no month before:
                           change=pd.to_numeric(summary["change"]))  # empty, never "None"
    return frame.rename(columns={
        "vendor": "外包商", "period": "月份", "score": "达成得分", "deduction_pct": "扣款(月服务费%)",
        "met": "达标项", "missed": "未达标项", "unevaluated": "无数据项", "change": "较上月"})


def detail_table(details: pd.DataFrame, threshold_s: float) -> pd.DataFrame:
    """Each target of one vendor-month: measured value, target sentence, verdict, stakes."""
    rows = []
    for row in details.itertuples(index=False):
        indicator = INDICATORS_BY_KEY[row.indicator]
        value = None if pd.isna(row.value) else float(row.value)
        rows.append({"指标": label(row.indicator, threshold_s), "实际值": indicator.format(value),
                     "合同目标": f"{DIRECTIONS[row.direction]} {indicator.format(row.target)}",
                     "结果": VERDICTS[row.met], "权重": f"{row.weight:g}",
                     "未达标时扣款(月服务费%)": f"{row.deduction_pct:.1f}",
                     "本月扣款(月服务费%)": f"{row.deduction_pct:.1f}" if row.met is False else "0",
                     "定义": indicator.describe(threshold_s)})
    return pd.DataFrame(rows)


def month_options(board: Board) -> list[pd.Timestamp]:
    """Months that have attainment, newest first."""
    return sorted(board.summary["period"].unique(), reverse=True)


def month_coverage(board: Board) -> dict[pd.Timestamp, Coverage]:
    """Per month with daily data, the days it covers (a month only in monthly reports is whole)."""
    days = pd.to_datetime(board.daily["period"]).drop_duplicates()
    coverage = {}
    for month, group in days.groupby(days.dt.to_period("M")):
        coverage[month.to_timestamp()] = Coverage(group.min().date(), group.max().date(), len(group))
    return coverage


def default_month(options: list[pd.Timestamp], coverage: dict[pd.Timestamp, Coverage]) -> int:
    """The newest month with the whole month's data (the monthly review), else the newest."""
    return next((index for index, month in enumerate(options)
                 if month not in coverage or coverage[month].complete), 0)


def month_label(month: pd.Timestamp, coverage: dict[pd.Timestamp, Coverage]) -> str:
    """2025-03, or 2025-03（不完整：3月1日–3月1日，1 天）."""
    partial = coverage.get(month)
    text = month.strftime("%Y-%m")
    return text if partial is None or partial.complete else f"{text}（不完整：{partial.describe()}）"


STEADY = "与上月持平"  # a change of 0.0: shown without an arrow


def score_cells(rows: pd.DataFrame) -> list[tuple[str, str, str | None, str]]:
    """(vendor, score, change, help) for one month's metric row."""
    cells = []
    for row in rows.itertuples():
        if pd.isna(row.change):
            change = None
        elif round(row.change, 1) == 0:
            change = STEADY
        else:
            change = f"{row.change:+.1f} 分(较上月)"
        cells.append((row.vendor, "—" if pd.isna(row.score) else f"{row.score:.1f} 分", change,
                      "达成得分 = 达标指标权重 ÷ 有数据指标权重 × 100;"
                      f"本月扣款 {row.deduction_pct:.1f}%(月服务费,不超过合同上限)"))
    return cells


STAFFING_ROWS = (  # (label, Staffing field, format, definition)
    ("所需在线座席", "agents", "{:d}", "同时满足服务水平目标与最高占用率的最少座席数"),
    ("服务水平", "service_level", "{:.2%}", "目标秒数内接通的呼叫占全部来电的比例"),
    ("平均等待", "asa_s", "{:.2f} 秒", "全部来电者的平均等待秒数(Erlang A 含挂断者等到挂断的时间)"),
    ("需排队概率", "wait_probability", "{:.2%}", "来电需要排队等待的概率"),
    ("放弃率", "abandon_probability", "{:.2%}", "等待中挂断的来电比例(Erlang C 假设无人挂断)"),
    ("占用率", "occupancy", "{:.2%}", "座席忙于通话与话后处理的时间比例;80–85% 健康,超过 90% 难以持续"),
    ("排班座席", "rostered", "{:d}", "在线座席 ÷ (1 − 缩减率),向上取整"),
)


def staffing_table(erlang_c: Staffing, erlang_a: Staffing | None) -> pd.DataFrame:
    """Erlang C beside Erlang A (when the callers' patience is known), one row per figure."""
    rows = []
    for title, field, text, definition in STAFFING_ROWS:
        row = {"指标": title, "Erlang C": text.format(getattr(erlang_c, field))}
        if erlang_a is not None:
            row["Erlang A"] = text.format(getattr(erlang_a, field))
        rows.append({**row, "说明": definition})
    return pd.DataFrame(rows)


def peaks_table(peaks: pd.DataFrame) -> pd.DataFrame:
    """Each vendor's busiest half hour (mean over days) and AHT, as Erlang C inputs."""
    return pd.DataFrame({
        "外包商": peaks["vendor"],
        "时段起点": peaks["slot"].map(lambda slot: f"{slot // 2:02d}:{slot % 2 * 30:02d}"),
        "平均呼入(通/半小时)": peaks["calls"].round(1), "AHT(秒)": peaks["aht_s"].round(1)})


# Erlang C and A what-if inputs: (StaffingInput field, label, min, max, default, factor to the field,
# display format); a default of None means the service-level threshold setting.
ERLANG_INPUTS = (
    ("calls", "每时段呼入量(通)", 0.0, 1e6, 100.0, 1, "%.0f"),
    ("interval_s", "时段长度(分钟)", 1.0, 240.0, 30.0, 60, "%.0f"),
    ("aht_s", "平均处理时长 AHT(秒)", 1.0, 7200.0, 180.0, 1, "%.0f"),
    ("target_level", "服务水平目标(%)", 1.0, 99.9, 80.0, 0.01, "%.1f"),
    ("target_answer_s", "目标接通秒数", 1.0, 600.0, None, 1, "%.0f"),
    ("max_occupancy", "最高占用率(%)", 1.0, 100.0, 85.0, 0.01, "%.1f"),
    ("shrinkage", "缩减率(%)", 0.0, 95.0, 30.0, 0.01, "%.1f"),
    ("patience_s", "来电者平均耐心(秒,0 = 不计挂断)", 0.0, 3600.0, 120.0, 1, "%.0f"),
)
