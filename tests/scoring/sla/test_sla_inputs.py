"""Bad input: a message per bad row, and a clear Chinese message for files that cannot be read."""
import datetime as dt
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from scoring.sla.calls import CALLS
from scoring.sla.errors import SlaInputError
from scoring.sla.reports import REPORTS
from scoring.sla.sources import REPORT_LONG, open_source
from scoring.sla.validation import check
from settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "data" / "sla"
HEADER = ("call_id,vendor,queue,arrived_at,answered_at,ended_at,talk_s,hold_s,acw_s,"
          "resolved_first_contact,csat,qa_score,complaint")


def checked(path: Path, kind=CALLS, name: str | None = None):
    with duckdb.connect() as connection, open_source(connection, path, name or path.name) as source:
        result = check(connection, source, kind)
        return result, connection.execute(result.valid_sql).df()


def messages(path: Path, kind=CALLS) -> dict[int, str]:
    result, _ = checked(path, kind)
    return dict(zip(result.rejected["行号"], result.rejected["错误说明"]))


@pytest.mark.parametrize("row, message", [
    (3, "到达时间(arrived_at)「2025-03-03 25:61:00」无法识别为时间(应如 2024-03-01 08:00:05)"),
    (4, "应答时间「2025-03-03 09:01:59」早于到达时间"),
    (5, "通话时长(talk_s)为负数「-5」"),
    (6, "呼叫编号(call_id)「C1」与第 2 行重复(同一外包商、同一天)"),
    (7, "质检得分(qa_score)「120」应为 0–100 的数"),
    (8, "满意度评分(csat)「6」应为 1–5 的整数"),
    (9, "一次解决标记(resolved_first_contact)「2」应为 0 或 1"),
    (10, "缺少外包商(vendor)"),
    (11, "结束时间「2025-03-03 09:08:00」早于应答或到达时间"),
    (12, "未接通的呼叫(应答时间为空)不应有通话时长「60」"),
    (13, "已接通的呼叫缺少通话时长(talk_s)"),
    (14, "通话时长(talk_s)「1分钟」不是数字(秒)"),
    (15, "投诉标记(complaint)「x」应为 0 或 1"),
    (16, "等待超过 24 小时(到达时间「2025-03-01 09:00:00」),时间可能有误"),
])
def test_each_bad_call_record_gets_its_message(row, message):
    assert messages(DATA / "calls_bad.csv")[row] == message


def test_only_the_first_row_of_the_bad_file_is_valid():
    result, valid = checked(DATA / "calls_bad.csv")
    assert (result.total, result.valid, list(valid["call_id"])) == (15, 1, ["C1"])


@pytest.mark.parametrize("row, message", [
    (2, "百分比「120%」超过 100%"),
    (3, "数量「3.5」应为整数"),
    (4, "期间「2025-13」无法识别(月报写 2024-03,日报写 2024-03-01)"),
    (5, "未知指标「神秘指标」(可用的指标名见 columns.toml 的 [indicators])"),
    (6, "缺少外包商"),
    (7, "质检得分「130」超过 100 分"),
    (8, "数值「abc」不是数字"),
    (10, "指标「人工接通率」与第 9 行重复(同一外包商、期间、指标)"),
])
def test_each_bad_report_row_gets_its_message(row, message):
    assert messages(DATA / "report_bad.csv", REPORTS)[row] == message


def test_reports_read_percentages_months_and_chinese_indicator_names():
    _, valid = checked(DATA / "report_long.csv", REPORTS)
    values = {(row.period.strftime("%Y-%m"), row.indicator): row.value for row in valid.itertuples()}
    assert set(valid["period_kind"]) == {"month"}
    assert values[("2025-01", "service_level")] == pytest.approx(0.855)
    assert values[("2025-01", "fcr_rate")] == pytest.approx(0.78)  # a bare fraction stays
    assert values[("2025-01", "csat_rate")] == pytest.approx(0.91)  # a bare 91 means 91 %
    assert values[("2025-01", "asa_s")] == 12 and values[("2025-02", "abandon_rate")] == 0.065


def test_excel_month_cells_are_months(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["外包商", "月份", "放弃率"])
    sheet.append(["丙", dt.datetime(2025, 3, 1), 0.05])
    sheet["B2"].number_format = 'yyyy"年"m"月"'
    sheet.append(["丙", dt.datetime(2025, 3, 2), 0.06])
    workbook.save(tmp_path / "report.xlsx")
    _, valid = checked(tmp_path / "report.xlsx", REPORTS)
    assert list(valid["period_kind"]) == ["month", "day"]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def zip_bomb(tmp_path: Path) -> Path:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    return path


@pytest.mark.parametrize("make, message", [
    (lambda tmp: write(tmp, "empty.csv", b""), "文件「empty.csv」是空的"),
    (lambda tmp: write(tmp, "header.csv", HEADER.encode() + b"\n"), "只有表头,没有数据行"),
    (lambda tmp: write(tmp, "binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 50),
     "不是文本文件"),
    (lambda tmp: write(tmp, "calls.xls", b"\xd0\xcf\x11\xe0"), "旧版 Excel(.xls)"),
    (lambda tmp: write(tmp, "calls.json", b"[]"), "不支持的文件类型「.json」"),
    (lambda tmp: write(tmp, "other.csv", "姓名,电话\n张三,123\n".encode()),
     "无法识别文件「other.csv」的格式"),
    (lambda tmp: write(tmp, "short.csv", b"call_id,vendor,arrived_at\nC1,A,2025-03-03 09:00:00\n"),
     "缺少列:queue, answered_at, ended_at, talk_s, hold_s, acw_s"),
    (lambda tmp: write(tmp, "twice.csv", "call_id,呼叫编号,vendor\n1,1,A\n".encode()),
     "列「call_id」与「呼叫编号」表示同一项(call_id)"),
    (lambda tmp: write(tmp, "broken.xlsx", b"PK\x03\x04 not really a zip"), "不是有效的 Excel"),
    (zip_bomb, "解压后异常巨大"),
    (lambda tmp: write(tmp, "fake.parquet", b"not parquet at all"), "不是有效的 Parquet"),
    (lambda tmp: write(tmp, "latin.csv", HEADER.encode() + b"\n\xff\xfe\xfa,\x81\x30\n"[2:]),
     "编码"),
    (lambda tmp: write(tmp, "big.csv", HEADER.encode() + b"\n" + b"x" * 2**20), "超过上限 1 MB"),
])
def test_unreadable_files_are_refused_with_a_chinese_message(make, message, tmp_path):
    path = make(tmp_path)
    with pytest.raises(SlaInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        with duckdb.connect() as connection, open_source(connection, path, path.name,
                                                        max_bytes=2**20) as source:
            check(connection, source, CALLS)


def test_rows_that_cannot_be_split_are_rejected_rows_with_their_reason(tmp_path):
    path = write(tmp_path, "quote.csv", (HEADER + '\n"C1,甲,信用卡\n').encode())
    result, _ = checked(path, CALLS)
    assert result.valid == 0 and result.messages() == [
        "第 2 行:这一行有 1 列,表头有 13 列(可能有多余的逗号,或引号未闭合)"]


def test_utf16_and_gbk_files_are_read(tmp_path):
    text = (DATA / "report_long.csv").read_text(encoding="utf-8-sig")
    for encoding in ("utf-16", "gbk"):
        path = write(tmp_path, f"report_{encoding}.csv", text.encode(encoding))
        result, valid = checked(path, REPORTS)
        assert (result.valid, len(valid)) == (10, 10)


def test_a_report_file_is_recognised_as_a_report(tmp_path):
    with duckdb.connect() as connection, open_source(connection, DATA / "report_long.csv",
                                                     "report_long.csv") as source:
        assert source.shape == REPORT_LONG


def test_cells_of_spaces_count_as_empty_and_edge_spaces_are_ignored(tmp_path):
    path = write(tmp_path, "spaces.csv", "\n".join([
        HEADER,
        " C1 , 甲 ,Q, 2025-03-03 09:00:00 ,2025-03-03 09:00:05, 2025-03-03 09:03:05 , 170 ,0,0, 1 ,,,",
        "C2,甲,Q,2025-03-03 09:01:00,   ,2025-03-03 09:01:30,  ,,,,,,",
        "C3,甲,Q,   ,,2025-03-03 09:01:30,,,,,,,",
    ]).encode())
    result, valid = checked(path)
    assert list(valid["call_id"]) == ["C1", "C2"] and set(valid["vendor"]) == {"甲"}
    assert valid["answered_at"].isna().tolist() == [False, True]  # C2 was abandoned
    assert dict(zip(result.rejected["行号"], result.rejected["错误说明"])) == {4: "缺少到达时间(arrived_at)"}
