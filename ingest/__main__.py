"""文档入库的命令行:把文档解析为条款,或建立知识库索引。

    python -m ingest parse FILE [--json]
    python -m ingest build [FILE ...] [--force]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from access.gate import Gate
from cli import CommandLine
from ingest.documents import info_for_file, parse_document
from ingest.indexer import Indexer
from ingest.library import DocumentLibrary
from settings import load_settings


def parse(args: argparse.Namespace) -> None:
    settings = load_settings()
    path = Path(args.file)
    document = parse_document(path.read_bytes(), info_for_file(path),
                              settings.max_upload_mb * 1024 * 1024)
    if args.json:
        records = [{**clause.to_dict(), "doc": document.info.short_name}
                   for clause in document.clauses]
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    print(f"{document.info.file}:{len(document.clauses)} 条({document.style})")
    for clause in document.clauses:
        flags = f"  [{', '.join(clause.flags)}]" if clause.flags else ""
        print(f"{'  ' * (clause.level - 1)}{clause.heading}{flags}")
    for note in document.gaps:
        print(f"注意:{note}")


def build(args: argparse.Namespace) -> None:
    settings = load_settings()
    indexer, gate = Indexer(settings), Gate.for_settings(settings)

    def add_files(library: DocumentLibrary) -> None:
        for name in args.files:
            path = Path(name)
            data = path.read_bytes()
            known = library.already_loaded(data)
            if known:
                print(known)
                continue
            info = library.add(data, path.name, short_name=path.stem, title=path.stem)
            print(f"已加入文档 {info.short_name}")

    def summary(result) -> str:
        return "索引已是最新" if result.up_to_date else \
            f"{result.chunks} 个片段，新计算向量 {result.embedded} 个"

    if args.files:
        _, result = gate.perform(gate.command_line(), "documents.add", "、".join(
            Path(name).name for name in args.files), lambda: indexer.change(
            add_files, on_progress=_progress_bar), summary=lambda outcome: summary(outcome[1]))
    else:
        result = gate.perform(gate.command_line(), "index.rebuild", "全部文档", lambda: indexer.build(
            on_progress=_progress_bar, force=args.force), summary=summary)
    for notice in indexer.notices:
        print(notice)
    if result.up_to_date:
        print(f"索引已是最新({result.chunks} 个片段),无需重建。")
    else:
        print(f"\n索引已建立:{result.chunks} 个片段,新向量 {result.embedded} 个,"
              f"复用 {result.reused} 个,用时 {result.seconds:.1f} 秒。")


def _progress_bar(done: int, total: int, stage: str) -> None:
    if stage != "embedding" or not sys.stderr.isatty():
        return
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r向量化 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    commands = CommandLine("python -m ingest", __doc__)
    command = commands.add("parse", "把文档解析为条款(不写入任何内容)", parse)
    command.add_argument("file")
    command.add_argument("--json", action="store_true", help="以 JSON 输出条款列表")
    command = commands.add("build", "建立或更新知识库索引", build)
    command.add_argument("files", nargs="*", help="先加入知识库的文档")
    command.add_argument("--force", action="store_true", help="即使内容未变也重建")
    return commands.main(argv)


if __name__ == "__main__":
    sys.exit(main())
