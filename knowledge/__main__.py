"""知识库的命令行:混合检索,或提问(摘录式回答,引用条款原文)。

    python -m knowledge search "问题" [--k 5] [--json]
    python -m knowledge ask "问题" [--json]
    python -m knowledge ask --jsonl < questions.txt     (每行一个问题,或 {"q": "..."})
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

from cli import CommandLine, fail
from errors import UserError
from knowledge.assistant import ask
from knowledge.base import KnowledgeBase
from settings import load_settings


def search(args: argparse.Namespace) -> None:
    hits = KnowledgeBase(load_settings()).search(args.query, k=args.k)
    if args.json:
        print(json.dumps([hit.to_dict() for hit in hits], ensure_ascii=False, indent=2))
        return
    for number, hit in enumerate(hits, start=1):
        print(f"{number}. {hit.chunk.short_name} {hit.chunk.clause} {hit.chunk.title}"
              f"  (得分 {hit.score:.4f};向量名次 {hit.dense_rank},BM25 名次 {hit.bm25_rank})")


def answer(args: argparse.Namespace) -> int | None:
    base = KnowledgeBase(load_settings())
    if base.calibration.notice:
        print(f"注意:{base.calibration.notice}", file=sys.stderr)
    if args.jsonl:
        return _answer_lines(base)
    if args.question is None:
        return fail("请给出问题,或用 --jsonl 从标准输入读取。")
    reply = ask(base, args.question)
    if args.json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
        return None
    print(reply.answer)
    for citation in reply.related:
        print(f"可能相关:{citation.label}")
    return None


def _answer_lines(base: KnowledgeBase) -> None:
    """One JSON answer per question line. A line that cannot be answered (not UTF-8, a question
    that cannot be asked, any failure) gives a row with its "error" and the batch goes on."""
    base.current()  # no index: one message for the whole batch, not one per line
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        started = time.perf_counter()
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            if not line.strip():
                continue
            record = ask(base, _question_of(line)).to_dict()
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


def main(argv: Sequence[str] | None = None) -> int:
    commands = CommandLine("python -m knowledge", __doc__)
    command = commands.add("search", "混合检索(向量 + BM25)", search)
    command.add_argument("query")
    command.add_argument("--k", type=int, default=None, help="返回条数(默认取设置 CSC_RETRIEVAL_K)")
    command.add_argument("--json", action="store_true")
    command = commands.add("ask", "提问:摘录式回答,引用条款原文", answer)
    command.add_argument("question", nargs="?")
    command.add_argument("--json", action="store_true", help="输出 {covered, answer, citations}")
    command.add_argument("--jsonl", action="store_true", help="从标准输入逐行读问题,逐行输出 JSON")
    return commands.main(argv)


if __name__ == "__main__":
    sys.exit(main())
