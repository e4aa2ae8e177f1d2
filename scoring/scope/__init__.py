"""范围自检: may a function be outsourced (the 职能目录 and rules), the governance
self-assessment against chapter 5, saved assessments, and the report."""
from pathlib import Path

CITATIONS_FILE = Path(__file__).with_name("citations.toml")  # quotations the scope check cites
