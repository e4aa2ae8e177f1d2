"""What a question is about, as concepts: a thesaurus group it mentions, or one of its own words.

A concept is found in a text when any of its terms occurs there, so "场地" in a question is found
in a clause that says "运营场所". Concepts are weighted by how rare they are among the indexed
chunks (inverse document frequency), so a clause that shares the question's specific concept
("风险管理") outranks one that shares only a word every clause has ("承包方"). A noun of the
question that no indexed chunk contains is a subject the loaded documents do not treat.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
import jieba.posseg

from ingest.tokenize import (
    learn_synonym_terms,
    mentioned_synonym_terms,
    stopwords,
    synonym_groups,
)

# jieba part-of-speech tags: content words (nouns, verbs, adjectives, idioms, abbreviations,
# English), and of those the nouns and noun-like words; pronouns, adverbs, prepositions and
# particles are not concepts
CONTENT_TAGS = ("n", "v", "a", "l", "i", "s", "j", "eng")
NOUN_TAGS = ("n", "vn", "s", "j", "eng")
# The relation a question asks about, not a subject: "系统外包包括什么" asks what 系统外包
# covers; a clause that happens to say "包括" is no better an answer for it.
ASKED_RELATION = re.compile(r"(?:包括|包含|涵盖|含有|含)(?=了?(?:什么|哪些|哪几|哪一些|啥))")


@dataclass(frozen=True)
class Concept:
    terms: tuple[str, ...]  # lower case; the word as asked first
    noun: bool

    def found_in(self, text: str) -> bool:
        return any(term in text for term in self.terms)


@lru_cache(maxsize=2048)
def question_concepts(text: str) -> tuple[Concept, ...]:
    """The thesaurus groups a question mentions, then its other content words, in order."""
    learn_synonym_terms()
    lowered = text.lower()
    mentioned = mentioned_synonym_terms(text)
    concepts = [Concept(group, noun=True) for group in synonym_groups()
                if any(term in mentioned for term in group)]
    for pair in jieba.posseg.cut(ASKED_RELATION.sub(" ", lowered)):
        word = pair.word.strip()
        if not word or not re.search(r"\w", word) or word.isdigit() or word in stopwords():
            continue
        if any(word in term for term in mentioned):  # part of a thesaurus term already counted
            continue
        if not pair.flag.startswith(CONTENT_TAGS):
            continue
        concept = Concept((word,), noun=pair.flag.startswith(NOUN_TAGS))
        if concept not in concepts:
            concepts.append(concept)
    return tuple(concepts)


class ConceptStatistics:
    """Document frequencies of concepts over a fixed list of chunk texts."""

    def __init__(self, texts: list[str]):
        self.texts = [text.lower() for text in texts]
        self._frequency: dict[Concept, int] = {}

    def frequency(self, concept: Concept) -> int:
        if concept not in self._frequency:
            self._frequency[concept] = sum(1 for text in self.texts if concept.found_in(text))
        return self._frequency[concept]

    def weight(self, concept: Concept) -> float:
        """Inverse document frequency; 0 for a concept no text contains."""
        frequency = self.frequency(concept)
        if not frequency:
            return 0.0
        return math.log(1 + len(self.texts) / frequency)

    def coverage(self, concepts: tuple[Concept, ...], text: str) -> float:
        """Weighted share of the (known) concepts found in the text."""
        text = text.lower()
        weights = [(self.weight(concept), concept) for concept in concepts]
        total = sum(weight for weight, _ in weights)
        if not total:
            return 0.0
        return sum(weight for weight, concept in weights if concept.found_in(text)) / total

    def known_share(self, concepts: tuple[Concept, ...]) -> float:
        """Share of the concepts that some text contains: 0 for a question about other things."""
        if not concepts:
            return 0.0
        return sum(1 for concept in concepts if self.frequency(concept)) / len(concepts)

    def unknown_nouns(self, concepts: tuple[Concept, ...]) -> list[str]:
        """Chinese nouns of the question that no text contains (and the thesaurus does not know).

        English words are left out: without a part-of-speech tagger for them, most would be
        ordinary words ("place", "required") that the documents word differently.
        """
        return [concept.terms[0] for concept in concepts
                if concept.noun and len(concept.terms) == 1 and not concept.terms[0].isascii()
                and len(concept.terms[0]) > 1 and not self._known_in_part(concept.terms[0])]

    def _known_in_part(self, word: str) -> bool:
        """The word, or a two-character-or-longer word inside it ("保密" in "保密制度"), occurs."""
        parts = {part for part in jieba.lcut_for_search(word) if len(part) > 1} | {word}
        return any(self.frequency(Concept((part,), noun=True)) for part in parts)
