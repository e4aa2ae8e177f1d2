"""The register of vendors as a table and as an Excel file (for the department's own records)."""
from __future__ import annotations

import pandas as pd

from scoring.exports import table_workbook
from scoring.register.store import RegisterStore


def vendor_table(register: RegisterStore) -> pd.DataFrame:
    """One row per registered vendor: identity, status, contacts, names in the SLA data, the
    number of its projects and of its duties still due."""
    duties = register.duties()
    return pd.DataFrame([{
        "名称": vendor.name, "统一社会信用代码": vendor.credit_code, "状态": vendor.status,
        "联系人": vendor.contacts, "数据中的其他名称": "、".join(vendor.aliases),
        "项目数": len(register.projects(vendor.id)),
        "未完成职责": sum(1 for duty in duties if duty.vendor_id == vendor.id and duty.next_due),
    } for vendor in register.vendors()])


def vendors_workbook(table: pd.DataFrame) -> bytes:
    """The vendor table as an .xlsx file, every cell that would be a formula written as text."""
    return table_workbook("外包商登记表", "外包商", table, "外包台账", counted="外包商数")
