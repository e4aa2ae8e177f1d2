"""The loaded copy of GB/T 32314-2015 and the quotations the scope check and checklist cite from it."""
from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from errors import UserError
from ingest.clauses import Clause
from ingest.documents import ParsedDocument


class CitationError(UserError):
    """A quotation the data files cite is not in the loaded text; the message is user-facing."""


@dataclass(frozen=True)
class Citation:
    doc: str
    clause: str
    title: str
    quote: str

    @property
    def reference(self) -> str:
        """E.g. 「GB/T 32314-2015 第5.1.2条 范围管理」."""
        return f"{self.doc} 第{self.clause}条 {self.title}"

    def __str__(self) -> str:
        return f"{self.reference}:「{self.quote}」"

    def to_dict(self) -> dict:
        return {**asdict(self), "reference": self.reference}


class Standard:
    """One parsed document and the named quotations checked against its clause texts."""

    def __init__(self, document: ParsedDocument, quotes: dict[str, dict[str, str]],
                 source: str = "citations.toml"):
        self.document = document
        self.source = source  # the data file the quotations come from
        self.clauses: dict[str, Clause] = {clause.clause: clause for clause in document.clauses}
        self.citations = {key: self._citation(key, quote) for key, quote in quotes.items()}

    @classmethod
    def from_documents(cls, documents: list[ParsedDocument], path: Path) -> Standard:
        """The standard a citations file names (its ``doc``), found among the loaded documents,
        with the file's quotations (its ``[quote]`` table) checked against it."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        document = next((item for item in documents if item.info.doc_id == data["doc"]), None)
        if document is None:
            raise CitationError(f"知识库中没有文档「{data['doc']}」,无法引用条款原文。")
        return cls(document, data["quote"], path.name)

    @property
    def short_name(self) -> str:
        return self.document.info.short_name

    def cite(self, key: str) -> Citation:
        try:
            return self.citations[key]
        except KeyError:
            raise CitationError(f"引文「{key}」未在 {self.source} 中定义。") from None

    def heading(self, clause: str) -> str:
        """The clause number and its title as the loaded text has them, e.g. "4.2 人员外包"."""
        found = self.clauses.get(clause)
        if found is None:
            raise CitationError(f"已加载的 {self.short_name} 文本中没有第{clause}条。")
        return found.heading

    def _citation(self, key: str, quote: dict[str, str]) -> Citation:
        clause = self.clauses.get(quote["clause"])
        if clause is None:
            raise CitationError(f"引文「{key}」引用的第{quote['clause']}条不在已加载的"
                                f" {self.short_name} 文本中。")
        found = find_quote(clause.text, quote["text"])
        if found is None:
            raise CitationError(f"引文「{key}」与第{clause.clause}条原文不符:「{quote['text']}」。")
        return Citation(self.short_name, clause.clause, clause.title, found)


def find_quote(text: str, quote: str) -> str | None:
    """The passage of ``text`` that reads as ``quote``, taken from ``text`` itself.

    Full-width and half-width punctuation count as equal (an official copy writes ",", our
    scraped copy ","), so the quotation shown is always an exact substring of the loaded clause.
    """
    normalized, origin = [], []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char):
            normalized.append(piece)
            origin.append(index)
    start = "".join(normalized).find(unicodedata.normalize("NFKC", quote))
    if start < 0 or not quote:
        return None
    end = start + len(unicodedata.normalize("NFKC", quote)) - 1
    return text[origin[start]:origin[end] + 1]
