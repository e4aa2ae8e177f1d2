"""The function catalogue (职能目录, functions.toml): each function with its scope verdict."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scoring.standard import Citation, Standard

FUNCTIONS_FILE = Path(__file__).with_name("functions.toml")

VERDICT_LABELS = {
    "prohibited": "不得外包",
    "caution": "可外包但需满足条件",
    "allowed": "可外包",
    "review": "无法判断,需人工判断",
}
SEVERITY = {"allowed": 0, "caution": 1, "review": 2, "prohibited": 3}
PUNCTUATION = re.compile(r"[\s\W_]+")


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def match_key(text: str) -> str:
    """The text without spaces and punctuation, for exact catalogue look-ups."""
    return PUNCTUATION.sub("", normalize(text))


@dataclass(frozen=True)
class FunctionEntry:
    """One catalogued function with its verdict, reason, citations and outsourcing element."""

    id: str
    name: str
    aliases: tuple[str, ...]
    verdict: str
    category: str
    reason: str
    citations: tuple[Citation, ...]
    element: str = ""

    @property
    def texts(self) -> tuple[str, ...]:
        """The name and every alias: what free text is compared with."""
        return (self.name, *self.aliases)


def load_function_catalogue(standard: Standard, path: Path = FUNCTIONS_FILE) -> list[FunctionEntry]:
    """The catalogued functions, their citations resolved against the loaded standard."""
    entries = []
    for item in tomllib.loads(path.read_text(encoding="utf-8"))["function"]:
        if item["verdict"] not in VERDICT_LABELS or item["verdict"] == "review":
            raise ValueError(f"{path.name}: 职能「{item['name']}」的判定「{item['verdict']}」无效。")
        if item.get("element"):
            standard.heading(item["element"])  # the element clause must exist in the loaded text
        entries.append(FunctionEntry(
            id=item["id"], name=item["name"], aliases=tuple(item.get("aliases", ())),
            verdict=item["verdict"], category=item["category"], reason=item["reason"],
            citations=tuple(standard.cite(key) for key in item["cites"]),
            element=item.get("element", "")))
    return entries
