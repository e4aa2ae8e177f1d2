"""The list of functions to check: typed lines or an uploaded CSV/Excel file, checked before use."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from openpyxl import load_workbook

from errors import UserError

COLUMN_NAMES = ("职能", "职能描述", "职能名称", "function")
MAX_FUNCTION_CHARS = 200
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 reads GBK and GB2312 files from Excel


class FunctionListError(UserError):
    """The list cannot be checked as given; the message says why, in Chinese."""


@dataclass(frozen=True)
class FunctionList:
    functions: list[str]
    notes: list[str] = field(default_factory=list)  # what was dropped or merged, for the user


def split_lines(text: str) -> list[str]:
    """One function per line; blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_upload(data: bytes, filename: str, max_bytes: int) -> list[str]:
    """The 职能 column of an uploaded CSV or Excel (.xlsx) file."""
    if len(data) > max_bytes:
        raise FunctionListError(f"文件「{filename}」超过 {max_bytes // (1024 * 1024)} MB 上限。")
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        rows = [row for row in csv.reader(io.StringIO(_decode(data, filename)))
                if any(cell.strip() for cell in row)]
    elif suffix == ".xlsx":
        rows = _excel_rows(data, filename)
    else:
        raise FunctionListError(f"不支持的文件类型「{suffix or filename}」:请上传 CSV 或 Excel(.xlsx)文件。")
    if not rows:
        raise FunctionListError(f"文件「{filename}」是空的。")
    header = [str(cell or "").strip() for cell in rows[0]]
    column = next((header.index(name) for name in COLUMN_NAMES if name in header), None)
    if column is None:
        found = "、".join(name for name in header if name) or "(无)"
        raise FunctionListError(
            f"文件「{filename}」第一行没有「职能」列(找到的列:{found})。"
            "请在第一行写列名「职能」,其下每行一项职能。")
    return [str(row[column]).strip() for row in rows[1:]
            if column < len(row) and row[column] is not None and str(row[column]).strip()]


def prepare(functions: list[str], limit: int) -> FunctionList:
    """Duplicates merged, length and count checked; raises FunctionListError with the reason."""
    cleaned = [" ".join(text.split()) for text in functions if text and text.strip()]
    if not cleaned:
        raise FunctionListError("没有要检查的职能:请从目录中选择、每行输入一项,或上传职能清单。")
    too_long = [str(number) for number, text in enumerate(cleaned, start=1)
                if len(text) > MAX_FUNCTION_CHARS]
    if too_long:
        shown = "、".join(too_long[:10]) + ("…" if len(too_long) > 10 else "")
        raise FunctionListError(f"第 {shown} 项超过 {MAX_FUNCTION_CHARS} 字:"
                                "请每项只写一项职能的简短描述。")
    unique = list(dict.fromkeys(cleaned))
    if len(unique) > limit:
        raise FunctionListError(f"一次最多检查 {limit} 项职能,这份清单有 {len(unique)} 项"
                                "(已去除重复):请分批检查。")
    notes = []
    if len(unique) < len(cleaned):
        notes.append(f"已合并 {len(cleaned) - len(unique)} 项重复的职能。")
    return FunctionList(unique, notes)


def _decode(data: bytes, filename: str) -> str:
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FunctionListError(f"无法识别文件「{filename}」的文字编码:请另存为 UTF-8 或 GBK 编码的 CSV。")


def _excel_rows(data: bytes, filename: str) -> list[tuple]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several types for a file that is not .xlsx
        raise FunctionListError(f"无法读取 Excel 文件「{filename}」:{type(error).__name__}。"
                                "请确认是 .xlsx 格式。") from None
    sheet = workbook.worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True)
            if any(cell is not None and str(cell).strip() for cell in row)]
    workbook.close()
    return rows
