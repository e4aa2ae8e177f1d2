"""The free-text rules of the scope check (rules.toml): categories recognised by their words."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from scoring.scope.functions import SEVERITY
from scoring.standard import Citation, Standard

RULES_FILE = Path(__file__).with_name("rules.toml")


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
