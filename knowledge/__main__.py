"""知识库的命令行:混合检索(向量 + BM25),看检索到哪些条款。提问请用 python -m scoring.assistant。

    python -m knowledge search "问题" [--k 5] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from cli import CommandLine
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


def main(argv: Sequence[str] | None = None) -> int:
    commands = CommandLine("python -m knowledge", __doc__)
    command = commands.add("search", "混合检索(向量 + BM25)", search)
    command.add_argument("query")
    command.add_argument("--k", type=int, default=None, help="返回条数(默认取设置 CSC_RETRIEVAL_K)")
    command.add_argument("--json", action="store_true")
    return commands.main(argv)


if __name__ == "__main__":
    sys.exit(main())
