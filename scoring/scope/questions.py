"""The assistant's questions of permission, answered by the scope checker that 范围自检 uses, so
that the two pages can never disagree: "可以把投诉处理外包吗", "内审能不能外包", "哪些业务不能外包".

A question naming a function is classified as 范围自检 would classify that function; a question
asking which functions may not be outsourced is answered by the clauses that forbid it and by
the catalogue's prohibited functions. A subject the checker cannot judge (not a function, or one
it knows nothing of) is left to the documents.
"""
from __future__ import annotations

import re
from collections import Counter

from ingest.tokenize import mentioned_synonym_terms
from knowledge.answer import Answer, Citation, compose
from knowledge.base import KnowledgeBase
from knowledge.question_forms import OPEN_QUESTION
from scoring.scope.checker import ScopeChecker, ScopeVerdict
from scoring.standard import Citation as ClauseQuote

PROHIBITION_TERM = "不应外包"  # the thesaurus term every way of saying "may not be outsourced" means
OUTSOURCE = (r"(?:外包出去|外包|包出去|(?:交给|委托给?|让)(?:外包|承包)[^，,。？?]{0,6})")
SUBJECT = r"(?P<subject>[^，,。？?！!]{2,30}?)(?:这块|这一块|这部分|这项|这个)?"
SUBJECT_PATTERNS = (
    re.compile(rf"把{SUBJECT}(?:也|都)?{OUTSOURCE}"),
    re.compile(rf"^(?:请问)?(?:我们行|我行|我们|银行)?(?:的)?{SUBJECT}"
               rf"(?:能不能|能否|可不可以|可以|能|是否可以|是否能|可否|允许)(?:被)?{OUTSOURCE}"),
    re.compile(r"\b(?:can|may|could) (?:we|a bank|banks|the bank|i) outsource (?:the |our )?"
               r"(?P<subject>[^?.,]{2,60})", re.IGNORECASE),
    re.compile(r"\b(?:is|are) (?:the |our )?(?P<subject>[^?.,]{2,60}?) (?:allowed to be|"
               r"permitted to be) outsourced", re.IGNORECASE),
)
ANSWERS = {"prohibited": "不可以", "caution": "可以，但需满足条件", "allowed": "可以"}
LISTED = 30  # prohibited functions named in the answer to "哪些…不能外包"


def permission_subject(question: str) -> str | None:
    """What a question asks permission to outsource ("可以把投诉处理外包吗" → 投诉处理)."""
    for pattern in SUBJECT_PATTERNS:
        found = pattern.search(question.strip())
        if found:
            subject = found.group("subject").strip()
            # "哪些业务不能外包" names no function: it asks for a list
            if not OPEN_QUESTION.search(subject) and not subject.endswith(("不", "能")):
                return subject
    return None


def asks_which_are_prohibited(question: str) -> bool:
    """"哪些业务不能外包", "外包的红线是什么", "What can't a bank outsource?"."""
    return bool(OPEN_QUESTION.search(question)) and PROHIBITION_TERM in mentioned_synonym_terms(question)


class PermissionAnswers:
    """Answers questions of permission from the scope checker; None for any other question."""

    def __init__(self, checker: ScopeChecker, base: KnowledgeBase):
        self.checker = checker
        self.base = base

    def __call__(self, question: str) -> Answer | None:
        if asks_which_are_prohibited(question):
            return self._prohibited(question)
        subject = permission_subject(question)
        if subject is None:
            return None
        verdict = self.checker.classify(subject)
        if verdict.verdict == "review":
            return None  # the checker cannot judge it: the documents answer
        return self._verdict(question, verdict)

    def _verdict(self, question: str, verdict: ScopeVerdict) -> Answer | None:
        citations = self._citations(verdict.citations)
        if not citations:
            return None
        basis = f"（按职能目录中的「{verdict.matched}」）" if verdict.matched and \
            verdict.matched != verdict.function else ""
        lead = (f"{ANSWERS[verdict.verdict]}。「{verdict.function}」在范围自检中判为"
                f"“{verdict.label}”{basis}：{verdict.grounds or verdict.reason}")
        if verdict.element:
            lead += f"（外包要素：{verdict.element}）"
        return Answer(question, True, compose(question, citations, leads=[lead]), citations)

    def _prohibited(self, question: str) -> Answer | None:
        entries = [entry for entry in self.checker.functions if entry.verdict == "prohibited"]
        counts = Counter(quote for entry in entries for quote in entry.citations)
        # the clauses most of them rest on (5.1.2 and its echo in clause 1), not every reason
        citations = self._citations(tuple(quote for quote, _ in counts.most_common(2)))
        if not citations:
            return None
        named = "、".join(entry.name for entry in entries[:LISTED])
        more = f"等 {len(entries)} 项" if len(entries) > LISTED else ""
        lead = (f"依据 {citations[0].label}：「{citations[0].quote}」。"
                f"职能目录中据此判为“不得外包”的有：{named}{more}。"
                "其他职能可在「范围自检」中逐项判定。")
        return Answer(question, True, compose(question, citations, leads=[lead]), citations)

    def _citations(self, quotes: tuple[ClauseQuote, ...]) -> list[Citation]:
        """The checker's quotes as the assistant cites them: one citation per clause, with the
        clause's whole text and its quoted sentences in text order."""
        snapshot = self.base.current()
        chunks = {(chunk.short_name, chunk.clause): chunk for chunk in snapshot.chunks}
        quoted: dict[tuple[str, str], list[str]] = {}
        for quote in quotes:
            chunk = chunks.get((quote.doc, quote.clause))
            if chunk is not None and quote.quote in chunk.text:
                quoted.setdefault((quote.doc, quote.clause), []).append(quote.quote)
        citations = []
        for key, sentences in quoted.items():
            chunk = chunks[key]
            in_order = tuple(sorted(dict.fromkeys(sentences), key=chunk.text.index))
            citations.append(Citation(doc=chunk.short_name, doc_id=chunk.doc_id,
                                      clause=chunk.clause, title=chunk.title, quote=sentences[0],
                                      score=1.0, text=chunk.text, path=chunk.path,
                                      flags=chunk.flags, quotes=in_order))
        return citations
