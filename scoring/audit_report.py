"""The audit trail as a table, and as Excel or CSV for an examiner: the entries shown, what they
were filtered by, and whether the hash chain held when exported."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from audit.trail import Entry, Verification
from scoring.exports import add_sheet, csv_bytes, summary_workbook, workbook_bytes


def entry_table(entries: Sequence[Entry]) -> pd.DataFrame:
    rows = [entry.as_row() for entry in entries]
    table = pd.DataFrame(rows)
    if not rows:
        return pd.DataFrame(columns=["序号", "时间", "操作人", "账号", "方式", "操作", "对象", "结果",
                                     "变更前", "变更后"])
    table["时间"] = table["时间"].str.replace("T", " ")
    return table


def to_excel(entries: Sequence[Entry], verification: Verification, filters: str) -> bytes:
    workbook = summary_workbook("审计日志", [
        ["导出时间", datetime.now().strftime("%Y-%m-%d %H:%M:%S")],
        ["筛选条件", filters or "无(全部记录)"],
        ["记录条数", len(entries)],
        ["哈希链校验", verification.message],
    ])
    table = entry_table(entries)
    add_sheet(workbook, "记录", table.assign(哈希=[entry.hash for entry in entries]))
    return workbook_bytes(workbook)


def to_csv(entries: Sequence[Entry]) -> bytes:
    return csv_bytes(entry_table(entries))
