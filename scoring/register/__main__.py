"""外包台账:从已载入的规则文档中找出设定周期或时限的句子,作为候选职责(逐条引用原文)。

    python -m scoring.register duties [--doc 文档简称] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Sequence

from cli import CommandLine
from errors import UserError
from scoring.register.duties import KIND_LABELS, CandidateDuty, mine, period_label
from scoring.services import create_services

COLUMNS = ("文档", "条款", "类型", "周期", "时限", "原文")


def duties(args: argparse.Namespace) -> None:
    knowledge = create_services().knowledge
    knowledge.current()  # the loaded documents are those of the built index (IndexNotBuilt)
    documents = knowledge.documents()
    if args.doc:
        chosen = [document for document in documents
                  if args.doc in (document.info.short_name, document.info.doc_id)]
        if not chosen:
            names = "、".join(document.info.short_name for document in documents)
            raise UserError(f"没有载入简称为「{args.doc}」的文档。已载入:{names}。")
        documents = chosen
    candidates = mine(documents)
    if args.json:
        print(json.dumps([duty.as_json() for duty in candidates], ensure_ascii=False, indent=2))
    elif candidates:
        print(format_table(candidates))
        print(f"\n共 {len(candidates)} 条候选职责:请逐条核对原文后再列入职责日历。")
    else:
        print("已载入的文档中没有设定周期或时限的句子,没有候选职责。")


def format_table(candidates: list[CandidateDuty]) -> str:
    """The candidates as an aligned table for the terminal, the quote last and in full."""
    rows = [COLUMNS] + [(duty.doc, duty.clause, KIND_LABELS[duty.kind],
                         period_label(duty.period, duty.kind) or "—", duty.deadline or "—",
                         duty.quote) for duty in candidates]
    widths = [max(_width(row[column]) for row in rows) for column in range(len(COLUMNS) - 1)]
    return "\n".join("  ".join([*(cell + " " * (width - _width(cell))
                                  for cell, width in zip(row, widths)), row[-1]]).rstrip()
                     for row in rows)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def main(argv: Sequence[str] | None = None) -> int:
    commands = CommandLine("python -m scoring.register", __doc__)
    command = commands.add("duties", "列出已载入文档中的候选职责(周期与时限)", duties)
    command.add_argument("--doc", metavar="文档简称", help="只看这一份文档(简称或编号)")
    command.add_argument("--json", action="store_true", help="以 JSON 输出")
    return commands.main(argv)


if __name__ == "__main__":
    sys.exit(main())
