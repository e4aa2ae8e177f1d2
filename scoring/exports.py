"""Tables of a report as Markdown lines, a worksheet or CSV (shared by the exports of every page).

Text from users, documents and vendors' files stays text: no HTML or link in Markdown
(escaping.exported), no formula in a spreadsheet (a would-be formula is written as a text cell
in Excel, with a leading apostrophe in CSV: escaping.defused).
"""
from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from escaping import defused, exported, is_formula


def markdown_table(table: pd.DataFrame) -> list[str]:
    """The table as Markdown lines; cell text is kept literal (| escaped, newlines as <br>)."""
    def cell(value) -> str:
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


def add_sheet(workbook: Workbook, title: str, table: pd.DataFrame):
    """A new worksheet holding the table: bold header, wrapped cells."""
    sheet = workbook.create_sheet(title)
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False):
        sheet.append(list(row))
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 40 if len(table) else 16
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return sheet


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
