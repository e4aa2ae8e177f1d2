"""Command line: search the knowledge base, or ask it a question.

    python -m knowledge search "问题" [--k 5] [--json]
    python -m knowledge ask "问题" [--json]
    python -m knowledge ask --jsonl < questions.txt     (one question per line, or {"q": "..."})
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from knowledge.answer import QuestionError, ask
from knowledge.base import IndexNotBuilt, KnowledgeBase


def _search(args: argparse.Namespace) -> int:
    hits = KnowledgeBase().search(args.query, k=args.k)
    if args.json:
        print(json.dumps([hit.to_dict() for hit in hits], ensure_ascii=False, indent=2))
        return 0
    for number, hit in enumerate(hits, start=1):
        print(f"{number}. {hit.chunk.short_name} {hit.chunk.clause} {hit.chunk.title}"
              f"  (得分 {hit.score:.4f}; 向量名次 {hit.dense_rank}, BM25 名次 {hit.bm25_rank})")
    return 0


def _ask(args: argparse.Namespace) -> int:
    base = KnowledgeBase()
    if args.jsonl:
        for line in sys.stdin:
            if not line.strip():
                continue
            question = _question_of(line)
            started = time.perf_counter()
            try:
                record = ask(base, question).to_dict()
            except QuestionError as error:
                record = {"covered": False, "answer": str(error), "citations": []}
            record["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
            print(json.dumps(record, ensure_ascii=False), flush=True)
        return 0
    if args.question is None:
        print("错误: 请给出问题,或用 --jsonl 从标准输入读取。", file=sys.stderr)
        return 2
    answer = ask(base, args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer.answer)
        for citation in answer.related:
            print(f"可能相关: {citation.label}")
    return 0


def _question_of(line: str) -> str:
    line = line.strip()
    if line.startswith("{"):
        try:
            return str(json.loads(line).get("q", ""))
        except json.JSONDecodeError:
            return line
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    search = commands.add_parser("search", help="混合检索(向量 + BM25)")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=None, help="返回条数(默认取设置 CSC_RETRIEVAL_K)")
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=_search)
    ask = commands.add_parser("ask", help="提问:摘录式回答,引用条款原文")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="输出 {covered, answer, citations}")
    ask.add_argument("--jsonl", action="store_true", help="从标准输入逐行读问题,逐行输出 JSON")
    ask.set_defaults(run=_ask)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (IndexNotBuilt, QuestionError) as error:
        print(f"错误: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
