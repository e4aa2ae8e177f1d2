"""Candidate duties mined from the loaded rules: sentences that set a period or a deadline
(每季度, 次月十日前, 二十四小时内, 保存不少于三年 …), each with its verbatim quote. The patterns
are data (duties.toml); nothing is proposed from definitions, purpose, scope, effective-date or
interpretation sentences, and nothing the documents do not state is invented."""
from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.clauses import Clause
from ingest.documents import ParsedDocument
from ingest.numbering import cn_to_int

RULES_FILE = Path(__file__).with_name("duties.toml")
KINDS = ("recurring", "deadline", "retention")
KIND_LABELS = {"recurring": "定期", "deadline": "时限", "retention": "保存/有效期"}
# a sentence ends at these marks or at a line break (a list item is a line of its own)
SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
LIST_ITEM = re.compile(r"^\s*(?:（[一二三四五六七八九十\d]+）|\(?[\d一二三四五六七八九十]+[)）、.]|——|—|-|•|·)")
DURATION = re.compile(r"^P(?:(\d+)([YMWD])|T(\d+)H)$")
NAMED_PERIODS = {"P1Y": "每年", "P6M": "每半年", "P3M": "每季度", "P1M": "每月", "P1W": "每周",
                 "P1D": "每日", "PT1H": "每小时"}
UNIT_WORDS = {"Y": "年", "M": "个月", "W": "周", "D": "天", "H": "小时"}


@dataclass(frozen=True)
class CandidateDuty:
    """A sentence of a loaded document that sets a period or a deadline: a duty to confirm."""

    doc: str  # the document's short name, as citations show it
    doc_id: str
    clause: str  # "第十二条" or "5.3.1"
    title: str  # the clause title ("" if none)
    quote: str  # the sentence, a verbatim substring of the clause text
    period: str | None  # ISO 8601 duration: P3M (每季度), P1Y (每年), P3Y (保存不少于三年) …
    deadline: str | None  # the deadline as written: "二十四小时内", "次月十日前", "当日" …
    kind: str  # recurring | deadline | retention
    key: str  # stable id of doc, clause and quote: the same duty re-ingested keeps it

    def as_json(self) -> dict:
        return {"doc": self.doc, "doc_id": self.doc_id, "clause": self.clause,
                "title": self.title, "quote": self.quote, "period": self.period,
                "deadline": self.deadline, "kind": self.kind, "key": self.key}


@dataclass(frozen=True)
class _Rule:
    name: str
    kind: str
    pattern: re.Pattern
    period: str  # "{n}{unit}", "1{unit}" or "" (none)
    deadline: bool


@dataclass(frozen=True)
class _Match:
    rule: _Rule
    start: int
    text: str
    period: str | None


@dataclass(frozen=True)
class _Rules:
    rules: tuple[_Rule, ...]
    units: dict[str, str]
    duty: re.Pattern
    excludes: tuple[tuple[str, re.Pattern], ...]
    term_headings: frozenset[str]


@lru_cache(maxsize=1)
def rules(path: Path = RULES_FILE) -> _Rules:
    """The rule set of duties.toml, compiled once."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def compiled(pattern: str) -> re.Pattern:
        for name, part in data["parts"].items():
            pattern = pattern.replace(f"{{{name}}}", part)
        return re.compile(pattern)

    loaded = []
    for entry in data["rule"]:
        if entry["kind"] not in KINDS:
            raise ValueError(f"{path.name}: rule {entry['name']} has unknown kind {entry['kind']}")
        loaded.append(_Rule(entry["name"], entry["kind"], compiled(entry["pattern"]),
                            entry.get("period", ""), entry.get("deadline", False)))
    return _Rules(tuple(loaded), data["units"], compiled(data["duty"]["pattern"]),
                  tuple((entry["name"], compiled(entry["pattern"])) for entry in data["exclude"]),
                  frozenset(data["clauses"]["term_headings"]))


def duty_key(doc_id: str, clause: str, quote: str) -> str:
    """The same duty's id in every parse: document, clause and quote without layout differences."""
    normalised = re.sub(r"\s+", "", unicodedata.normalize("NFKC", quote))
    return hashlib.sha256(f"{doc_id}|{clause}|{normalised}".encode()).hexdigest()[:16]


def mine(documents: Iterable[ParsedDocument]) -> list[CandidateDuty]:
    """The candidate duties of the documents, in document and clause order, without duplicates."""
    found: dict[str, CandidateDuty] = {}
    for document in documents:
        for clause in document.clauses:
            for duty in _clause_duties(document, clause):
                found.setdefault(duty.key, duty)
    return list(found.values())


def new_since(candidates: Iterable[CandidateDuty], known_keys: set[str]) -> list[CandidateDuty]:
    """The candidates not offered before: what a re-ingested document offers anew."""
    return [duty for duty in candidates if duty.key not in known_keys]


def period_label(period: str | None, kind: str | None = None) -> str:
    """A period for display: "每季度", "每年", "3年" (a retention period is a plain duration)."""
    found = DURATION.match(period or "")
    if not found:
        return period or ""
    count, unit = (int(found.group(1)), found.group(2)) if found.group(1) else \
        (int(found.group(3)), "H")
    plain = f"{count}{UNIT_WORDS[unit]}"
    if kind != "retention" and period in NAMED_PERIODS:
        return NAMED_PERIODS[period]
    return f"每{plain}" if kind == "recurring" else plain


def sentences(text: str) -> Iterator[str]:
    """The sentences of a clause text (list items each one), verbatim, without end marks."""
    for found in SENTENCE.finditer(text):
        sentence = found.group().rstrip("。；;！？!?").strip()
        if sentence:
            yield sentence


def _clause_duties(document: ParsedDocument, clause: Clause) -> Iterator[CandidateDuty]:
    rule_set = rules()
    if _is_term(clause, rule_set):
        return
    excluded_lead = False  # an excluded lead-in ending in a colon takes its list items with it
    for sentence in sentences(clause.text):
        if excluded_lead and LIST_ITEM.match(sentence):
            continue
        excluded_lead = False
        if any(pattern.search(sentence) for _, pattern in rule_set.excludes):
            excluded_lead = "：" in sentence or ":" in sentence
            continue
        matches = list(_matches(sentence, rule_set))
        if not matches or not rule_set.duty.search(sentence):
            continue
        yield _duty(document, clause, sentence, matches)


def _is_term(clause: Clause, rule_set: _Rules) -> bool:
    """A term and its definition (GB 2.x/3.x), or anything under a terms heading."""
    headings = {part.partition(" ")[2] for part in clause.path} | {clause.title}
    return bool(clause.english) or bool(headings & rule_set.term_headings)


def _matches(sentence: str, rule_set: _Rules) -> Iterator[_Match]:
    for rule in rule_set.rules:
        for found in rule.pattern.finditer(sentence):
            yield _Match(rule, found.start(), found.group(), _period(rule, found, rule_set.units))


def _period(rule: _Rule, found: re.Match, units: dict[str, str]) -> str | None:
    if not rule.period:
        return None
    captured = found.groupdict()
    count = cn_to_int(captured["n"]) if rule.period.startswith("{n}") and captured.get("n") else 1
    base = DURATION.match(units[captured["unit"]])
    if base.group(1):
        return f"P{count * int(base.group(1))}{base.group(2)}"
    return f"PT{count * int(base.group(3))}H"


def _duty(document: ParsedDocument, clause: Clause, sentence: str,
          matches: list[_Match]) -> CandidateDuty:
    kind = next(kind for kind in KINDS if any(match.rule.kind == kind for match in matches))
    ordered = sorted(matches, key=lambda match: (match.start, -len(match.text)))
    periods = [match.period for match in ordered if match.period]
    own = [match.period for match in ordered if match.period and match.rule.kind == kind]
    deadlines = [match.text for match in ordered if match.rule.deadline]
    info = document.info
    return CandidateDuty(
        doc=info.short_name, doc_id=info.doc_id, clause=clause.clause, title=clause.title,
        quote=sentence, period=(own or periods or [None])[0],
        deadline=deadlines[0] if deadlines else None, kind=kind,
        key=duty_key(info.doc_id, clause.clause, sentence))
