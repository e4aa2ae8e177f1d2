"""智能问答的命令行:提问(摘录式回答,引用条款原文;能否外包的问题按范围自检判定),或在问题集上评估。

    python -m scoring.assistant ask "问题" [--json]
    python -m scoring.assistant ask --jsonl < questions.txt     (每行一个问题,或 {"q": "..."})
    python -m scoring.assistant evaluate tests/data/golden_qa.jsonl [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cli import CommandLine, fail
from errors import UserError
from knowledge.evaluate import evaluate, report_lines
from scoring.services import Services, create_services


def answer(args: argparse.Namespace) -> int | None:
    services = create_services()
    base = services.knowledge
    if base.calibration.notice:
        print(f"注意:{base.calibration.notice}", file=sys.stderr)
    if args.jsonl:
        return _answer_lines(services)
    if args.question is None:
        return fail("请给出问题,或用 --jsonl 从标准输入读取。")
    reply = services.ask(args.question)
    if args.json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
        return None
    print(reply.answer)
    for citation in reply.related:
        print(f"可能相关:{citation.label}")
    return None


def _answer_lines(services: Services) -> None:
    """One JSON answer per question line. A line that cannot be answered (not UTF-8, a question
    that cannot be asked, any failure) gives a row with its "error" and the batch goes on."""
    services.knowledge.current()  # no index: one message for the whole batch, not one per line
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        started = time.perf_counter()
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            if not line.strip():
                continue
            record = services.ask(_question_of(line)).to_dict()
        except UnicodeDecodeError:
            record = _error_row(number, "这一行不是 UTF-8 文本。")
        except UserError as error:
            record = _error_row(number, str(error))
        except Exception as error:  # one bad line must not end the batch
            record = _error_row(number, f"无法回答这一行({type(error).__name__})。")
        record["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
        print(json.dumps(record, ensure_ascii=False), flush=True)


def _error_row(number: int, message: str) -> dict:
    return {"line": number, "covered": False, "answer": message, "citations": [],
            "error": message}


def _question_of(line: str) -> str:
    line = line.strip()
    if line.startswith("{"):
        try:
            return str(json.loads(line).get("q", ""))
        except (json.JSONDecodeError, AttributeError):
            return line
    return line


def run_evaluation(args: argparse.Namespace) -> None:
    rows = [json.loads(line) for line in Path(args.file).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    report = evaluate(create_services().ask, rows)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print("\n".join(report_lines(report)))


def main(argv: Sequence[str] | None = None) -> int:
    commands = CommandLine("python -m scoring.assistant", __doc__)
    command = commands.add("ask", "提问:摘录式回答,引用条款原文", answer)
    command.add_argument("question", nargs="?")
    command.add_argument("--json", action="store_true", help="输出 {covered, answer, citations}")
    command.add_argument("--jsonl", action="store_true", help="从标准输入逐行读问题,逐行输出 JSON")
    command = commands.add("evaluate", "在问题集上评估问答质量(引用命中率、拒答率、延迟)", run_evaluation)
    command.add_argument("file", help="问题集(JSON Lines)")
    command.add_argument("--json", action="store_true", help="以 JSON 输出全部数字与未命中的问题")
    return commands.main(argv)


if __name__ == "__main__":
    sys.exit(main())
