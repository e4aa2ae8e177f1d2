"""The function catalogue and the free-text rules of the scope check, loaded from their data files."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scoring.standard import Citation, Standard

FUNCTIONS_FILE = Path(__file__).with_name("functions.toml")
RULES_FILE = Path(__file__).with_name("scope_rules.toml")

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
    """One catalogue function with its verdict, reason, citations and outsourcing element."""

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


@dataclass(frozen=True)
class RuleMatch:
    rule: ScopeRule
    words: str
    softened: bool

    @property
    def verdict(self) -> str:
        return "caution" if self.softened else self.rule.verdict

    @property
    def reason(self) -> str:
        template = self.rule.softened_reason if self.softened else self.rule.reason
        return template.format(match=self.words, category=self.rule.category)


@dataclass(frozen=True)
class ScopeRule:
    """A category of functions recognised by its words: machine verdict plus a human sentence."""

    id: str
    verdict: str
    category: str
    patterns: tuple[re.Pattern, ...]
    reason: str
    softened_reason: str
    softeners: tuple[re.Pattern, ...]
    citations: tuple[Citation, ...]

    def match(self, text: str) -> RuleMatch | None:
        """The words of ``text`` (normalised) this rule recognises, if any."""
        words = [found.group(0) for pattern in self.patterns if (found := pattern.search(text))]
        if not words:
            return None
        softened = self.verdict == "prohibited" and any(p.search(text) for p in self.softeners)
        return RuleMatch(self, "、".join(dict.fromkeys(words)), softened)


def load_catalogue(standard: Standard, path: Path = FUNCTIONS_FILE) -> list[FunctionEntry]:
    """The catalogue entries, their citations resolved against the loaded standard."""
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


def load_rules(standard: Standard, path: Path = RULES_FILE) -> list[ScopeRule]:
    """The free-text rules, prohibited ones first."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    softeners = tuple(re.compile(pattern) for pattern in data["softeners"])
    rules = [ScopeRule(
        id=item["id"], verdict=item["verdict"], category=item["category"],
        patterns=tuple(re.compile(pattern) for pattern in item["patterns"]),
        reason=item["reason"], softened_reason=data["softened_reason"], softeners=softeners,
        citations=tuple(standard.cite(key) for key in item["cites"])) for item in data["rule"]]
    return sorted(rules, key=lambda rule: -SEVERITY[rule.verdict])
