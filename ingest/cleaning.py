"""General cleaning of extracted text: site boilerplate, page furniture, running headers/footers.

Lines keep their 1-based position in the source so that clauses can point back to it.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).with_name("boilerplate.toml")


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass(frozen=True)
class CleanedText:
    lines: list[Line]
    removed: list[Line]


@lru_cache(maxsize=1)
def _rules() -> dict[str, list[re.Pattern[str]]]:
    raw = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    return {name: [re.compile(pattern) for pattern in patterns] for name, patterns in raw.items()}


def _normalise(text: str) -> str:
    return re.sub(r"[ \t\u3000\u00a0]+", " ", text).strip()


def clean_pages(pages: list[str]) -> CleanedText:
    """Non-empty content lines of the pages, with boilerplate and page furniture removed.

    A page-number line also ends a page, so text files that kept their page numbers get their
    running headers and footers found like PDFs do.
    """
    rules = _rules()
    paged: list[list[Line]] = []
    number = 0
    for page in pages:
        lines: list[Line] = []
        for raw in page.splitlines() or [""]:
            number += 1
            text = _normalise(raw)
            if not text:
                continue
            lines.append(Line(number, text))
            if _matches(rules["page_number_patterns"], text):
                paged.append(lines)
                lines = []
        paged.append(lines)
    paged = [page for page in paged if page]

    furniture = _running_headers_and_footers(paged)
    kept: list[Line] = []
    removed: list[Line] = []
    for line in (line for page in paged for line in page):
        if line in furniture or _matches(rules["page_number_patterns"], line.text) \
                or _matches(rules["line_patterns"], line.text):
            removed.append(line)
        else:
            kept.append(line)
    for index, line in enumerate(kept):
        if _matches(rules["tail_markers"], line.text):
            removed.extend(kept[index:])
            kept = kept[:index]
            break
    return CleanedText(kept, sorted(removed, key=lambda line: line.number))


def _matches(patterns: list[re.Pattern[str]], text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def _running_headers_and_footers(paged: list[list[Line]]) -> set[Line]:
    """Lines at the top or bottom of pages that repeat (digits aside) on at least half the pages."""
    if len(paged) < 2:
        return set()
    edges = [page[:2] + page[-2:] for page in paged]
    shapes: Counter[str] = Counter()
    for edge in edges:
        shapes.update({re.sub(r"\d+", "#", line.text) for line in edge})
    needed = max(2, (len(paged) + 1) // 2)
    repeated = {shape for shape, count in shapes.items() if count >= needed and len(shape) <= 60}
    return {line for edge in edges for line in edge if re.sub(r"\d+", "#", line.text) in repeated}
