"""Extractive answers: choose the supporting clauses, rank their sentences, quote and cite them.

No language model is needed. Every quote is an exact substring of its clause's text, and a
question the loaded documents do not cover is answered with a plain "not covered".
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace

from errors import UserError
from ingest.chunks import Chunk, sentences
from ingest.tokenize import expand_query
from knowledge.base import KnowledgeBase, Snapshot
from knowledge.concepts import question_concepts
from knowledge.question_forms import (
    DEFINITION_QUESTION,
    FIGURE,
    OPEN_QUESTION,
    PROHIBITION,
    QUANTITY,
    QUANTITY_QUESTION,
    comparison_sides,
    contextual_query,
    is_permission_question,
    sub_questions,
)
from knowledge.references import ClauseReference, clause_references
from knowledge.rerank import BEST_POSSIBLE_SCORE, Candidate, is_term_entry, rerank, term_entries
from knowledge.retrieval import Hit

NOT_COVERED = "已加载的文档未涉及该问题。"
OUT_OF_SCOPE = "这个问题超出了本助手的范围:我只依据已加载的文档回答客户服务中心服务外包管理方面的问题。"
NO_FIGURE = "问题问的是具体数值(数量、比例或期限),而已加载文档的相关条款没有给出数值。"

# A further clause is cited only when it shares nearly as much of the question's concepts as the
# best one, or has a sentence closer to the question.
SUPPORT_OVERLAP_SHARE = 0.75
MAX_CITATIONS = 3
PART_MIN_COVERAGE = 0.5  # of a part's concepts, in one sentence of the clause added for it
REFERRED_QUOTES = 6  # sentences quoted of a clause the question names by number


class QuestionError(UserError):
    """A question that cannot be asked as typed; the message is user-facing (Chinese)."""


@dataclass(frozen=True)
class Citation:
    doc: str
    doc_id: str
    clause: str
    title: str
    quote: str
    score: float
    text: str
    path: tuple[str, ...]
    flags: tuple[str, ...]
    quotes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        number = self.clause if self.clause.startswith(("第", "段", "前言", "引言")) \
            else f"第{self.clause}条"
        return f"{self.doc} {number} {self.title}".strip()

    def to_dict(self) -> dict:
        return {"doc": self.doc, "clause": self.clause, "title": self.title,
                "quote": self.quote, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Answer:
    question: str
    covered: bool
    answer: str
    citations: list[Citation]
    related: list[Citation] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    mode: str = "extractive"

    def to_dict(self) -> dict:
        return {"covered": self.covered, "answer": self.answer,
                "citations": [citation.to_dict() for citation in self.citations]}

    def to_record(self) -> dict:
        """Everything in the answer, JSON-ready (to keep a conversation)."""
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict) -> Answer:
        """The answer kept by ``to_record``."""
        def citation(fields: dict) -> Citation:
            return Citation(**{**fields, "path": tuple(fields["path"]),
                               "flags": tuple(fields["flags"]), "quotes": tuple(fields["quotes"])})
        return cls(**{**record, "citations": [citation(c) for c in record["citations"]],
                      "related": [citation(c) for c in record["related"]]})


UNREADABLE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # lone surrogates, controls


def validate(question: str, max_chars: int) -> str:
    """The question as asked, trimmed, with characters no text can hold made spaces."""
    question = UNREADABLE.sub(" ", question).strip()
    if not question:
        raise QuestionError("请输入问题。")
    if len(question) > max_chars:
        raise QuestionError(f"问题太长({len(question)} 字):请控制在 {max_chars} 字以内,"
                            "或拆成几个问题分别提问。")
    return question


# an item of an enumeration: "——质量管理;", "1. …", "(一) …", "a) …"
LIST_ITEM = re.compile(r"^(?:——|—|-|•|·|\d+[.、)）]|[（(](?:\d+|[一二三四五六七八九十]+)[)）]|[a-z][.)）])")


def whole_list(text: str, sentence: str) -> str:
    """The sentence, or, when it introduces an enumeration (ends with a colon) or is an item of
    one, the introduction with every item: one exact piece of the text, so a list is never
    quoted without its items or an item without what it is an item of."""
    pieces = sentences(text)
    if sentence not in pieces:
        return sentence
    start = pieces.index(sentence)
    if LIST_ITEM.match(sentence):
        while start > 0 and LIST_ITEM.match(pieces[start]):
            start -= 1
        if not pieces[start].endswith((":", "：")):
            return sentence
    elif not sentence.endswith((":", "：")):
        return sentence
    end = start
    while end + 1 < len(pieces) and LIST_ITEM.match(pieces[end + 1]):
        end += 1
    if end == start:
        return sentence
    first = text.index(pieces[start])
    return text[first:text.index(pieces[end], first) + len(pieces[end])]


def _citation(candidate: Candidate, quote_count: int) -> Citation:
    chunk: Chunk = candidate.hit.chunk
    chosen = list(dict.fromkeys(whole_list(chunk.text, sentence)
                                for sentence, _ in candidate.sentences[:quote_count]))
    # a list taken whole contains the other sentences chosen from it
    chosen = [quote for quote in chosen if not any(quote != other and quote in other
                                                   for other in chosen)]
    in_text_order = tuple(sorted(chosen, key=chunk.text.index))
    quote = chosen[0] if chosen else ""
    return Citation(doc=chunk.short_name, doc_id=chunk.doc_id, clause=chunk.clause,
                    title=chunk.title, quote=quote, score=candidate.score / BEST_POSSIBLE_SCORE,
                    text=chunk.text,
                    path=chunk.path, flags=chunk.flags, quotes=in_text_order or (quote,))


def answer_question(base: KnowledgeBase, question: str, history: list[str] | None = None,
                    doc_ids: list[str] | None = None) -> Answer:
    """The extractive answer to a question, with exact quotes and citations, best first."""
    settings = base.settings
    question = validate(question, settings.question_max_chars)
    snapshot = base.current()  # the one build this answer reads
    query = contextual_query(question, history or [])
    references = clause_references(query)
    if references:
        referred = _answer_referred(snapshot, question, query, references, doc_ids)
        if referred is not None:
            return referred
    hits = snapshot.search(query, k=settings.retrieval_k, doc_ids=doc_ids)
    coverage = snapshot.concepts.known_share(question_concepts(query))
    if not hits or coverage == 0:
        return Answer(question, False, OUT_OF_SCOPE, [])
    terms = term_entries(snapshot, question, query, hits)
    if terms:
        hits = terms + [hit for hit in hits if hit not in terms]
    candidates = rerank(snapshot, query, hits)
    defining = [candidate for candidate in candidates if candidate.hit in terms]
    defining.sort(key=lambda candidate: terms.index(candidate.hit))
    candidates = defining + [candidate for candidate in candidates if candidate not in defining]
    best = candidates[0]
    supported = coverage >= settings.answer_min_coverage \
        or best.similarity >= base.calibration.answer_min_similarity
    if "empty" in best.hit.chunk.flags or not supported:
        return _not_covered(snapshot, question, candidates)
    if QUANTITY_QUESTION.search(question) and not QUANTITY.search(best.hit.chunk.text):
        return _not_covered(snapshot, question, candidates, reason=NO_FIGURE)
    supporting = [best] + [candidate for candidate in candidates[1:] if candidate in defining or (
                           candidate.score >= settings.answer_support_ratio * best.score
                           and (candidate.overlap >= SUPPORT_OVERLAP_SHARE * best.overlap
                                or candidate.similarity >= best.similarity)
                           and candidate.sentences and "empty" not in candidate.hit.chunk.flags)]
    citations = [_citation(candidate, 2 if number == 0 else 1)
                 for number, candidate in enumerate(supporting[:MAX_CITATIONS])]
    absent = snapshot.concepts.unknown_nouns(question_concepts(query))
    whole = Answer(question, True, compose(question, citations, absent), citations)
    sides = comparison_sides(query)
    if sides:
        return _compared(base, whole, sides, doc_ids)
    parts = sub_questions(query)
    return _with_parts(snapshot, whole, parts, candidates) if len(parts) > 1 else whole


def _compared(base: KnowledgeBase, whole: Answer, sides: list[str],
              doc_ids: list[str] | None) -> Answer:
    """A comparison ("人员外包和管理外包有什么区别"): each side answered as what it is, with its
    own clause and point; the whole question's answer when a side finds none."""
    citations, leads = [], []
    for side in sides:
        answer = answer_question(base, f"什么是{side}", doc_ids=doc_ids)
        if not answer.covered:
            return whole
        citation = answer.citations[0]
        if all((citation.doc_id, citation.clause) != (c.doc_id, c.clause) for c in citations):
            citations.append(citation)
        leads.append(f"关于「{side}」:{lead_sentence(side, [citation])}")
    return replace(whole, answer=compose(whole.question, citations, leads=leads),
                   citations=citations)


def _answer_referred(snapshot: Snapshot, question: str, query: str,
                     references: list[ClauseReference], doc_ids: list[str] | None
                     ) -> Answer | None:
    """The answer to a question naming clauses ("5.1.2条说了什么", "第五章讲什么"): the named
    clauses quoted whole; for a clause with sub-clauses, its outline and the sub-clauses closest
    to the question. None when the question names no loaded clause by a mere dotted number."""
    named, below, outlines = _referred(snapshot, question, references, doc_ids)
    if not named and not below:
        explicit = [reference.written for reference in references if reference.explicit]
        if not explicit:
            return None
        hits = snapshot.search(query, doc_ids=doc_ids)
        reason = f"已加载的文档中没有「{'」「'.join(explicit)}」。"
        return _not_covered(snapshot, question, rerank(snapshot, query, hits) if hits else [],
                            reason=reason)
    hits = [Hit(chunk, 1.0, None, None, None, None) for chunk in dict.fromkeys(named + below)]
    candidates = {candidate.hit.chunk.chunk_id: candidate
                  for candidate in rerank(snapshot, query, hits)}
    rest = query
    for reference in references:
        rest = rest.replace(reference.written, " ")
    concepts, statistics = question_concepts(rest), snapshot.concepts
    if not any(statistics.coverage(concepts, sentence) for chunk in named + below
               for sentence in sentences(chunk.text)):
        # "5.1.2条说了什么": nothing asked that tells its sentences apart, so quote it in order
        candidates = {key: replace(candidate, sentences=[
            (sentence, 0.0) for sentence in sentences(candidate.hit.chunk.text)])
            for key, candidate in candidates.items()}
    chosen = [candidates[chunk.chunk_id] for chunk in dict.fromkeys(named)]
    chosen += sorted((candidates[chunk.chunk_id] for chunk in dict.fromkeys(below)
                      if chunk not in named), key=lambda candidate: -candidate.score)
    citations = [_citation(candidate, REFERRED_QUOTES) for candidate in chosen[:3]
                 if candidate.sentences]
    if not citations:
        empty = [f"{_citation(candidate, 1).label} 在已加载的文本中只有标题,没有正文。"
                 for candidate in chosen[:3]]
        return _not_covered(snapshot, question, chosen, reason="".join(empty))
    return Answer(question, True, "\n".join(outlines + [compose(question, citations)]), citations)


def _referred(snapshot: Snapshot, question: str, references: list[ClauseReference],
              doc_ids: list[str] | None) -> tuple[list[Chunk], list[Chunk], list[str]]:
    """The chunks of the named clauses, those of the clauses below them, and an outline line
    for each named clause that has clauses below it. A question naming a document by its short
    name ("外包细则第二条") looks only there."""
    chunks = [chunk for chunk in snapshot.chunks if not doc_ids or chunk.doc_id in doc_ids]
    mentioned = {chunk.doc_id for chunk in chunks if chunk.short_name in question}
    chunks = [chunk for chunk in chunks if not mentioned or chunk.doc_id in mentioned]
    named, below, outlines = [], [], []
    for reference in references:
        found = _referred_chunks(reference, chunks)
        found = [(chunk, heading) for chunk, heading in found
                 if reference.prefers(chunk.clause)] or found
        named += [chunk for chunk, heading in found if heading is None]
        under = [(chunk, heading) for chunk, heading in found if heading is not None]
        below += [chunk for chunk, _ in under]
        for heading in dict.fromkeys(heading for _, heading in under):
            children = dict.fromkeys(chunk.path[chunk.path.index(heading) + 1]
                                     for chunk, above in under if above == heading)
            outlines.append(f"{heading} 包括:{'、'.join(children)}。")
    return named, below, outlines


def _referred_chunks(reference: ClauseReference, chunks: list[Chunk]
                     ) -> list[tuple[Chunk, str | None]]:
    """The chunks of the named clause (heading None) and of the clauses below it (with the
    named clause's heading, "5 发包方管理")."""
    found = []
    for chunk in chunks:
        if reference.names(chunk.clause):
            found.append((chunk, None))
            continue
        above = [heading for heading in chunk.path[:-1] if reference.names(heading.split(" ")[0])]
        if above:
            found.append((chunk, above[0]))
    return found


def _not_covered(snapshot: Snapshot, question: str, candidates: list[Candidate],
                 reason: str = "") -> Answer:
    related = [_citation(candidate, 1) for candidate in candidates[:3]]
    lines = [NOT_COVERED + reason]
    gaps = [note for doc_id in dict.fromkeys(citation.doc_id for citation in related)
            for note in snapshot.gaps(doc_id) if "中断" in note or "只有标题" in note]
    if gaps:
        lines.append("这可能是因为已加载的文本不完整:" + ";".join(gap.rstrip("。") for gap in gaps)
                     + "。如需完整依据,请在「文档管理」加载官方全文。")
    return Answer(question, False, "\n\n".join(lines), [], related=related)


def lead_sentence(question: str, citations: list[Citation]) -> str:
    """The point of the answer, first: a definition, a "no", or the best-supported sentence."""
    lead = citations[0]
    if DEFINITION_QUESTION.search(question) and is_term_entry(lead.path):
        asked = expand_query(question).lower()
        return "".join(f"{citation.title}是指:{citation.quote}" for citation in citations
                       if is_term_entry(citation.path) and citation.title.lower() in asked) \
            or f"{lead.title}是指:{lead.quote}"
    if is_permission_question(question) and not OPEN_QUESTION.search(question) \
            and PROHIBITION.search(lead.quote):
        return f"不可以。依据 {lead.label}:「{lead.quote}」"
    figure = FIGURE.search(lead.quote) if QUANTITY_QUESTION.search(question) else None
    if figure:  # "岗前培训不少于多少学时?": the figure first, units and bounds included
        return f"{figure.group().strip()}。依据 {lead.label}:「{lead.quote}」"
    return f"依据 {lead.label}:「{lead.quote}」"


def compose(question: str, citations: list[Citation], absent: list[str] = (),
            leads: list[str] | None = None) -> str:
    """A short plain-text answer: the point first, then each supporting quote with its citation.

    ``leads`` replace the single point for a question of several parts. ``absent`` are words of
    the question that no loaded document contains: the answer says so, since the quoted clauses
    then only border on what was asked.
    """
    lines = [*(leads or [lead_sentence(question, citations)]), "", "出处:"]
    said = "\n".join(lines)
    for citation in citations:  # each quote shown once: those of the point are not repeated
        rest = [quote for quote in citation.quotes if f"「{quote}」" not in said]
        lines.append(f"- {citation.label}" + (f":「{'」「'.join(rest)}」" if rest else ""))
    for citation in citations:
        if "inferred" in citation.flags:
            lines.append(f"注:{citation.label} 的编号系按前后条款推断。")
        if "truncated" in citation.flags:
            lines.append(f"注:已加载文本中 {citation.label} 开头缺失。")
    if absent:
        lines.append(f"注:已加载的文档中没有出现「{'」「'.join(absent)}」,以上条款未必直接回答了这一点。")
    return "\n".join(lines)


def _with_parts(snapshot: Snapshot, whole: Answer, parts: list[str],
                candidates: list[Candidate]) -> Answer:
    """The answer to the whole question, plus, for each of its parts, the retrieved clause
    sharing most of that part's concepts when the whole question's citations miss it
    ("外包需要哪些制度,组织架构怎么设?"), each with its own point. No part is searched again:
    the parts are judged within what the whole question retrieved."""
    statistics = snapshot.concepts
    cited = {(citation.doc_id, citation.clause) for citation in whole.citations}
    additions = []
    for part in parts:
        concepts = question_concepts(part)
        scored = [(max((statistics.coverage(concepts, sentence)
                        for sentence, _ in candidate.sentences), default=0.0), candidate)
                  for candidate in candidates]
        coverage, best = max(scored, key=lambda item: item[0])
        key = (best.hit.chunk.doc_id, best.hit.chunk.clause)
        if coverage < PART_MIN_COVERAGE or key in cited:
            continue
        cited.add(key)
        ranked = sorted(best.sentences, key=lambda item: -statistics.coverage(concepts, item[0]))
        additions.append((part, _citation(replace(best, sentences=ranked), 1)))
    if not additions:
        return whole
    citations = [whole.citations[0], *(citation for _, citation in additions),
                 *whole.citations[1:]][:MAX_CITATIONS]
    leads = [lead_sentence(whole.question, whole.citations)] + [
        f"关于「{part}」:{lead_sentence(part, [citation])}" for part, citation in additions]
    absent = statistics.unknown_nouns(question_concepts(whole.question))
    return replace(whole, answer=compose(whole.question, citations, absent, leads),
                   citations=citations)
