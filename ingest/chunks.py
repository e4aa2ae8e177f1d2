"""Retrieval chunks: a clause, or a long clause cut at sentence ends, with its heading path repeated."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

from ingest.documents import ParsedDocument

SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*\n?|\n")


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    short_name: str
    clause: str
    title: str
    path: tuple[str, ...]
    text: str
    flags: tuple[str, ...]
    part: int
    position: int
    english: str = ""

    @property
    def passage(self) -> str:
        """What is embedded and BM25-indexed: the clause heading (and English term), then the text."""
        english = f" ({self.english})" if self.english else ""
        return self.path[-1] + english + "\n" + self.text

    def to_dict(self) -> dict:
        record = asdict(self)
        record["path"] = list(self.path)
        record["flags"] = list(self.flags)
        return record

    @classmethod
    def from_dict(cls, record: dict) -> Chunk:
        return cls(**{**record, "path": tuple(record["path"]), "flags": tuple(record["flags"])})


def sentences(text: str) -> list[str]:
    """The sentences of a text (ending at 。！？；, a newline or the end), each an exact substring."""
    return [piece.strip() for piece in SENTENCE.findall(text) if piece.strip()]


def split_sentences(text: str, max_chars: int) -> list[str]:
    """Pieces of at most ``max_chars`` (unless one sentence is longer), cut only at sentence ends."""
    sentences = SENTENCE.findall(text)
    pieces: list[str] = []
    for sentence in sentences:
        if pieces and len(pieces[-1]) + len(sentence) <= max_chars:
            pieces[-1] += sentence
        else:
            pieces.append(sentence)
    return [piece.strip() for piece in pieces] or [text]


def chunk_documents(documents: list[ParsedDocument], max_chars: int) -> list[Chunk]:
    """Chunks of every clause that has text, or that is an empty heading (so gaps can be found)."""
    chunks = []
    for document in documents:
        for clause in document.clauses:
            if not clause.text and "empty" not in clause.flags:
                continue
            pieces = split_sentences(clause.text, max_chars) if clause.text else [""]
            for part, piece in enumerate(pieces):
                key = f"{document.info.doc_id}|{clause.clause}|{part}|{piece}"
                chunks.append(Chunk(
                    chunk_id=hashlib.sha256(key.encode("utf-8")).hexdigest()[:32],
                    doc_id=document.info.doc_id, short_name=document.info.short_name,
                    clause=clause.clause, title=clause.title, path=clause.path, text=piece,
                    flags=clause.flags, part=part, position=clause.position,
                    english=clause.english))
    return chunks
