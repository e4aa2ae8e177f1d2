"""Command line: search the knowledge base.

    python -m knowledge search "问题" [--k 5] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    search = commands.add_parser("search", help="混合检索(向量 + BM25)")
    search.add_argument("query")
    search.add_argument("--k", type=int, default=None, help="返回条数(默认取设置 CSC_RETRIEVAL_K)")
    search.add_argument("--json", action="store_true")
    search.set_defaults(run=_search)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except IndexNotBuilt as error:
        print(f"错误: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
