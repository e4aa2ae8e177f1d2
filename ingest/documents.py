"""Documents as the app knows them: metadata, the shipped corpus, loaded files, and their clauses."""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ingest.clauses import Clause, parse_clauses
from ingest.cleaning import Line, clean_pages
from ingest.errors import IngestError
from ingest.loaders import read_pages

CATALOG_FILE = "documents.toml"


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    short_name: str
    title: str
    file: str
    source: str = ""


@dataclass(frozen=True)
class ParsedDocument:
    info: DocumentInfo
    style: str
    clauses: list[Clause]
    removed: list[Line]
    skipped: list[Line]
    content_hash: str

    @property
    def flag_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for clause in self.clauses:
            for flag in clause.flags:
                counts[flag] = counts.get(flag, 0) + 1
        return counts

    @property
    def gaps(self) -> list[str]:
        """Plain-Chinese notes on what this copy lacks, derived from the clause flags."""
        notes = []
        for clause in self.clauses:
            if "truncated" in clause.flags:
                notes.append(f"{clause.heading} 开头缺失:正文从词中间开始(「{clause.text[:8]}…」)。")
            if "inferred" in clause.flags:
                notes.append(f"「{clause.title}」在原文中缺少编号,按前后条款推断为 {clause.clause}。")
            if "empty" in clause.flags:
                notes.append(f"{clause.heading} 只有标题,没有正文。")
        if self.clauses and "empty" in self.clauses[-1].flags:
            notes.append(f"文本在 {self.clauses[-1].heading} 处中断,其后的条款均未收录。")
        return notes


def slug(text: str) -> str:
    value = re.sub(r"[^0-9a-zA-Z\u4e00-\u9fff]+", "-", text).strip("-").lower()
    return value or "document"


def info_for_file(path: Path) -> DocumentInfo:
    """Metadata for a file loaded without any: its name stands for title and short name."""
    return DocumentInfo(doc_id=slug(path.stem), short_name=path.stem, title=path.stem,
                        file=path.name)


def parse_document(data: bytes, info: DocumentInfo, max_bytes: int) -> ParsedDocument:
    """Read, clean and split one document; raises IngestError with a user-facing message."""
    pages = read_pages(data, info.file, max_bytes)
    cleaned = clean_pages(pages)
    if not cleaned.lines:
        raise IngestError(f"文件「{info.file}」去除网页附加内容和页眉页脚后没有正文。")
    outline = parse_clauses(cleaned.lines, info.doc_id)
    return ParsedDocument(info=info, style=outline.style, clauses=outline.clauses,
                          removed=cleaned.removed, skipped=outline.skipped,
                          content_hash=hashlib.sha256(data).hexdigest())


def corpus_documents(corpus_dir: Path) -> list[tuple[DocumentInfo, Path]]:
    """The documents shipped in the corpus directory, as named by its catalog file."""
    catalog = tomllib.loads((corpus_dir / CATALOG_FILE).read_text(encoding="utf-8"))
    return [(DocumentInfo(**entry), corpus_dir / entry["file"]) for entry in catalog["document"]]
