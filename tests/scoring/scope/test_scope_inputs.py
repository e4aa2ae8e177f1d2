"""The function list: typed lines and uploaded CSV/Excel files, with bad input refused clearly."""
import io

import pytest
from openpyxl import Workbook

from scoring.scope.function_list import FunctionListError, prepare, read_upload, split_lines
from settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "data" / "scope"
MB = 1024 * 1024


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_typed_text_gives_one_function_per_nonblank_line():
    assert split_lines("外呼营销\n\n  人工热线接听  \r\n") == ["外呼营销", "人工热线接听"]


@pytest.mark.parametrize("file_name, expected", [
    ("functions_utf8.csv", ["人工热线接听", "外呼营销", "人工热线接听"]),
    ("functions_gbk.csv", ["人工热线接听", "对外包项目开展内部审计", "外呼营销"]),
])
def test_csv_in_utf8_or_gbk_is_read(file_name, expected):
    data = (DATA / file_name).read_bytes()
    assert read_upload(data, file_name, MB) == expected


def test_excel_is_read_from_the_first_sheet():
    data = xlsx([[None], ["序号", "职能"], [1, "外呼营销"], [2, None], [3, "录音管理"]])
    assert read_upload(data, "清单.xlsx", MB) == ["外呼营销", "录音管理"]


@pytest.mark.parametrize("data, file_name, message", [
    ((DATA / "wrong_columns.csv").read_bytes(), "wrong_columns.csv", "没有「职能」列(找到的列:名称、说明)"),
    (xlsx([["部门", "人数"], ["客服", 3]]), "清单.xlsx", "没有「职能」列(找到的列:部门、人数)"),
    (b"", "empty.csv", "是空的"),
    (b"\xff\xfe\xff\x00\x81", "binary.csv", "无法识别文件「binary.csv」的文字编码"),
    (b"not a workbook", "fake.xlsx", "无法读取 Excel 文件"),
    (b"x", "list.xls", "不支持的文件类型「.xls」"),
    (b"x" * (MB + 1), "big.csv", "超过 1 MB 上限"),
])
def test_a_bad_upload_is_refused_with_the_reason(data, file_name, message):
    with pytest.raises(FunctionListError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_upload(data, file_name, MB)


def test_prepare_merges_duplicates_and_says_so():
    prepared = prepare(["外呼营销", "外呼  营销", "录音管理", "外呼营销"], limit=10)
    assert prepared.functions == ["外呼营销", "外呼 营销", "录音管理"]
    assert prepared.notes == ["已合并 1 项重复的职能。"]


def test_an_empty_list_is_refused():
    with pytest.raises(FunctionListError, match="没有要检查的职能"):
        prepare(["", "   "], limit=10)


def test_a_thousand_lines_over_the_limit_ask_for_batches():
    with pytest.raises(FunctionListError, match="一次最多检查 500 项职能,这份清单有 1000 项"):
        prepare([f"职能{n}" for n in range(1000)], limit=500)


def test_an_overlong_line_is_named():
    with pytest.raises(FunctionListError, match="第 2 项超过 200 字"):
        prepare(["外呼营销", "长" * 201], limit=10)
