"""范围自检:判断一项职能能否外包(GB/T 32314-2015)。

    python -m scoring.scope classify "职能描述" [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from cli import CommandLine
from scoring.scope.checker import ScopeVerdict
from scoring.scope.functions import VERDICT_LABELS
from scoring.services import create_services


def format_verdict(verdict: ScopeVerdict) -> str:
    """A verdict as plain text for the terminal."""
    lines = [f"{verdict.function}:{verdict.label}({verdict.category})", verdict.reason]
    lines += [f"  依据 {citation}" for citation in verdict.citations]
    if verdict.element:
        lines.append(f"  外包要素 {verdict.element}")
    lines += [f"  相近 {item.entry.name}({VERDICT_LABELS[item.entry.verdict]},"
              f"{item.similarity:.2f})" for item in verdict.nearest]
    return "\n".join(lines)


def classify(args: argparse.Namespace) -> None:
    checker = create_services().scope_checker
    if checker.calibration.notice:
        print(f"注意:{checker.calibration.notice}", file=sys.stderr)
    verdict = checker.classify(args.text)
    if args.json:
        print(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_verdict(verdict))


def main(argv: Sequence[str] | None = None) -> int:
    commands = CommandLine("python -m scoring.scope", __doc__)
    command = commands.add("classify", "判断一项职能能否外包", classify)
    command.add_argument("text", help="职能描述,例如「外呼营销」")
    command.add_argument("--json", action="store_true", help="以 JSON 输出")
    return commands.main(argv)


if __name__ == "__main__":
    sys.exit(main())
