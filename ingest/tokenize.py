"""Chinese (and English) tokens for BM25: jieba search-mode words, lower-cased, without stopwords."""
from __future__ import annotations

import logging
import re
import tomllib
from functools import cache, lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

STOPWORDS_FILE = Path(__file__).with_name("stopwords.txt")
SYNONYMS_FILE = Path(__file__).with_name("synonyms.toml")
WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(STOPWORDS_FILE.read_text(encoding="utf-8").split())


def add_domain_words(words: list[str]) -> None:
    """Teach jieba the documents' own terms (clause titles, defined terms) before tokenising."""
    for word in words:
        if 1 < len(word) <= 12:
            jieba.add_word(word)


@lru_cache(maxsize=1)
def learn_synonym_terms() -> None:
    add_domain_words([term for group in synonym_groups() for term in group if not term.isascii()])


def tokens(text: str) -> list[str]:
    learn_synonym_terms()
    words = (word.strip().lower() for word in jieba.lcut_for_search(text))
    return [word for word in words if word and WORD.search(word) and word not in stopwords()]


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    groups = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))["groups"]
    return tuple(tuple(term.lower() for term in group) for group in groups)


@lru_cache(maxsize=1)
def _acronyms_that_are_words() -> dict[str, str]:
    """Thesaurus acronyms that are also common English words ("IT" and "it"), as written."""
    groups = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))["groups"]
    return {term.lower(): term for group in groups for term in group
            if term.isascii() and term.isupper() and term.lower() in stopwords()}


@cache
def _english_pattern(term: str) -> re.Pattern[str]:
    """A whole-word pattern for an English term and its inflections (approve: approves,
    approved, approving; policy: policies); multi-word terms inflect their last word."""
    stem = re.escape(term)
    forms = [stem + "(?:s|es|ed|d|ing)?"]
    if term.endswith("e"):
        forms.append(re.escape(term[:-1]) + "ing")
    if term.endswith("y"):
        forms.append(re.escape(term[:-1]) + "ies")
    if term.endswith("is"):
        forms.append(re.escape(term[:-2]) + "es")  # analysis: analyses
    return re.compile(rf"(?<![a-z])(?:{'|'.join(forms)})(?![a-z])")


def _mentions(text: str, term: str) -> bool:
    """Whether the text mentions a (lower-case) thesaurus term; English as whole words with
    their inflections, and an acronym that is also an English word only as written ("IT")."""
    if term.isascii():
        written = _acronyms_that_are_words().get(term)
        if written:
            return re.search(rf"(?<![A-Za-z]){written}(?![A-Za-z])", text) is not None
        return _english_pattern(term).search(text.lower()) is not None
    return term in text.lower()


@lru_cache(maxsize=1)
def _phrasings() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, the term it means) for the ways of asking that are no fixed word."""
    items = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8")).get("phrasings", [])
    return tuple((re.compile(item["pattern"], re.IGNORECASE), item["means"].lower())
                 for item in items)


@lru_cache(maxsize=4096)
def _mentioned(text: str) -> tuple[str, ...]:
    terms = [term for group in synonym_groups() for term in group if _mentions(text, term)]
    terms += [means for pattern, means in _phrasings() if pattern.search(text) and means not in terms]
    return tuple(terms)


def mentioned_synonym_terms(text: str) -> list[str]:
    """The thesaurus terms that occur in the text."""
    return list(_mentioned(text))


def expand_query(query: str) -> str:
    """The query plus the document term (first of its group) of every synonym group it mentions."""
    lowered, mentioned = query.lower(), set(_mentioned(query))
    extra = [group[0] for group in synonym_groups()
             if group[0] not in lowered and mentioned.intersection(group)]
    return " ".join([query, *extra])
