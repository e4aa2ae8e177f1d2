"""审计日志的命令行:查看谁在何时做了什么(数据目录取自 CSC_DATA_DIR),校验日志没有被改动或删除。

    python -m audit list [--json] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--actor 账号]
                         [--action 操作] [--outcome done|refused|failed|cancelled] [--limit N]
    python -m audit verify      (哈希链完整时退出码为 0,发现被改动或删除的记录时为 1)
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime

from audit.trail import OUTCOMES, AuditTrail, Entry
from cli import CommandLine, fail
from settings import load_settings

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def trail() -> AuditTrail:
    return AuditTrail(load_settings().data_dir)


def one_line(text: str) -> str:
    """Text for a terminal line: no line breaks, no control characters (escape sequences)."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())


def readable(entry: Entry) -> str:
    """One line an auditor reads: number, time, who and how, what, on what, outcome, change."""
    line = (f"#{entry.seq} {entry.at.replace('T', ' ')} {entry.actor_name}({entry.actor},"
            f"{entry.via}) {entry.label}[{entry.action}]")
    if entry.target:
        line += f" 「{entry.target}」"
    line += f" {OUTCOMES.get(entry.outcome, entry.outcome)}"
    if entry.before:
        line += f" 变更前:{entry.before}"
    if entry.after:
        line += f" 变更后:{entry.after}"
    return one_line(line)


def day(text: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option as a date (None when not given); ValueError naming the option."""
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{option} 的日期「{text}」无效,请写成 YYYY-MM-DD,如 2026-12-03。") from None


def list_entries(args: argparse.Namespace) -> int:
    try:
        since, until = day(args.since, "--since"), day(args.until, "--until")
    except ValueError as error:
        return fail(str(error))
    if args.limit is not None and args.limit < 1:
        return fail(f"--limit 需要一个正整数,而不是 {args.limit}。")
    entries = trail().entries(since=since, until=until, actor=args.actor, action=args.action,
                              outcome=args.outcome, limit=args.limit)
    if args.json:
        print(json.dumps([entry.as_json() for entry in entries], ensure_ascii=False, indent=1))
        return 0
    for entry in entries:
        print(readable(entry))
    if not entries:
        print("审计日志中没有符合条件的记录。")
    return 0


def verify(args: argparse.Namespace) -> int:
    verification = trail().verify()
    print(verification.message)
    return 0 if verification.intact else 1


def main(argv: Sequence[str] | None = None) -> int:
    commands = CommandLine("python -m audit", __doc__)
    command = commands.add("list", "列出审计日志中的记录(从新到旧)", list_entries)
    command.add_argument("--json", action="store_true", help="输出 JSON")
    command.add_argument("--since", metavar="YYYY-MM-DD", help="起始日期(含当天)")
    command.add_argument("--until", metavar="YYYY-MM-DD", help="截止日期(含当天)")
    command.add_argument("--actor", help="只看该账号的操作")
    command.add_argument("--action", help="只看该操作,如 sla.import")
    command.add_argument("--outcome", choices=list(OUTCOMES), help="只看该结果")
    command.add_argument("--limit", type=int, metavar="N", help="最多列出的条数")
    commands.add("verify", "校验哈希链:记录是否被改动或删除过", verify)
    return commands.main(argv)


if __name__ == "__main__":
    sys.exit(main())
