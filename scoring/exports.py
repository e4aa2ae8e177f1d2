"""Tables of a report as Markdown lines, a worksheet or CSV (shared by the exports of every page).

Text from users, documents and vendors' files stays text: no HTML or link in Markdown
(escaping.exported), no formula in a spreadsheet (a would-be formula is written as a text cell
in Excel, with a leading apostrophe in CSV: escaping.defused).
"""
from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from escaping import defused, exported, is_formula


def markdown_table(table: pd.DataFrame) -> list[str]:
    """The table as Markdown lines; cell text is kept literal (| escaped, newlines as <br>),
    numbers without trailing zeros, empty cells empty."""
    def cell(value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, float):
            value = f"{value:g}"
        return exported(value).replace("|", "\\|").replace("\n", "<br>")

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    return lines + ["| " + " | ".join(cell(value) for value in row) + " |"
                    for row in table.itertuples(index=False)]


def summary_workbook(title: str, rows: list[list]) -> Workbook:
    """A workbook whose first sheet, 概要, has the report's title in bold and then the rows."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "概要"
    summary.append([title])
    summary["A1"].font = Font(bold=True, size=14)
    for row in rows:
        summary.append(row)
    return workbook


def provenance_rows(source: str) -> list[list]:
    """Rows for a summary sheet: where the data came from and when it was exported."""
    return [["数据来源", source], ["导出时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M")]]


def add_sheet(workbook: Workbook, title: str, table: pd.DataFrame,
              number_formats: Mapping[str, str | Sequence[str]] | None = None):
    """A new worksheet holding the table as data: numbers as numbers (in the column's format, or
    one format per row), empty cells empty; a bold, frozen header; columns as wide as their
    content (up to a limit), long text wrapped."""
    sheet = workbook.create_sheet(title)
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False):
        sheet.append([None if value is None or (isinstance(value, float) and math.isnan(value))
                      else value for value in row])
    formats = number_formats or {}
    for number, column in enumerate(sheet.columns):
        name = table.columns[number]
        widest = max((_display_width(cell.value) for cell in column), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(widest + 2, 8), 60)
        for row, cell in enumerate(column[1:]):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                wanted = formats.get(name)
                cell.number_format = (wanted if isinstance(wanted, str) else wanted[row]) \
                    if wanted else ("0" if float(cell.value).is_integer() else "0.0#")
    sheet.freeze_panes = "A2"
    return sheet


def _display_width(value: object) -> int:
    """How many columns of an Excel cell the value's longest line takes (CJK count double)."""
    if value is None:
        return 0
    lines = str(value).splitlines() or [""]
    return max(sum(2 if ord(char) > 0x2E80 else 1 for char in line) for line in lines)


def table_workbook(title: str, sheet: str, table: pd.DataFrame, source: str,
                   counted: str = "行数",
                   number_formats: Mapping[str, str | Sequence[str]] | None = None) -> bytes:
    """A one-table report as an .xlsx file: 概要 (title, row count, source, export time), then
    the table on its own sheet."""
    workbook = summary_workbook(title, [[counted, len(table)], *provenance_rows(source)])
    add_sheet(workbook, sheet, table, number_formats)
    return workbook_bytes(workbook)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as an .xlsx file; every cell that would be a formula is written as text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or is_formula(cell.value):
                    cell.data_type, cell.quotePrefix = "s", True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as CSV that Excel opens with the right characters (UTF-8 with BOM), never
    running a cell as a formula."""
    return table.map(defused).to_csv(index=False).encode("utf-8-sig")
