"""Tables of a report as Markdown lines or as a worksheet (shared by the exports of every page)."""
from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font


def markdown_table(table: pd.DataFrame) -> list[str]:
    """The table as Markdown lines; cell text is kept literal (| escaped, newlines as <br>)."""
    def cell(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", "<br>")

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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
