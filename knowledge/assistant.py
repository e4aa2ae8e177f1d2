"""The assistant as the 智能问答 page and `python -m scoring.assistant ask` use it: an answer (extractive,
or generative over the extractive one when configured), example questions, the transcript."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from escaping import exported
from knowledge.answer import Answer, answer_question, validate
from knowledge.base import KnowledgeBase
from knowledge.generate import generative_answer

# Answers a question outright, or passes (None): a feature's own answers to its questions.
Answerer = Callable[[str], Answer | None]


def ask(base: KnowledgeBase, question: str, history: list[str] | None = None,
        doc_ids: list[str] | None = None, answerers: Sequence[Answerer] = ()) -> Answer:
    """The assistant's answer: from the first answerer that takes the question (questions of
    permission, answered as 范围自检 answers them), else extractive from the documents, or
    generative over the extractive one when an endpoint is configured."""
    if not doc_ids or set(doc_ids) >= {chunk.doc_id for chunk in base.current().chunks}:
        for answerer in answerers:
            answer = answerer(validate(question, base.settings.question_max_chars))
            if answer is not None:
                return _revisions_noted(base, answer)
    answer = generative_answer(base.settings, answer_question(base, question, history, doc_ids))
    return _revisions_noted(base, answer)


def _revisions_noted(base: KnowledgeBase, answer: Answer) -> Answer:
    """A cited clause that the version in use added or changed is said to be so."""
    revised = base.revised_clauses()
    notes = []
    for citation in answer.citations:
        version, clauses = revised.get(citation.doc_id, ("", {}))
        if citation.clause in clauses:
            kind = clauses[citation.clause]
            notes.append(f"{citation.label} 是当前版本({version}){kind}的条款,回答引用的是"
                         f"{'新增的' if kind == '新增' else '修改后的'}原文。")
    return replace(answer, notices=[*answer.notices, *notes]) if notes else answer


EXAMPLE_QUESTIONS = (
    "能不能把内审交给外包公司?",
    "外包场地有什么要求?",
    "什么是服务目录?",
    "外包管理的组织架构怎么设置?",
    "Who signs the SLA?",
)


def transcript_markdown(turns: list[tuple[str, Answer]], when: str) -> str:
    """The conversation as a Markdown document, with every citation and quote."""
    lines = [f"# 智能问答记录({when})", ""]
    for number, (question, answer) in enumerate(turns, start=1):
        lines += [f"## {number}. {exported(question)}", "", exported(answer.answer), ""]
        for notice in answer.notices:
            lines += [f"> {exported(notice)}", ""]
        if answer.citations:
            lines.append("引用:")
            lines += [f"- {exported(c.label)}:「{exported(c.quote)}」" for c in answer.citations]
            lines.append("")
        if answer.related:
            lines.append("可能相关:")
            lines += [f"- {exported(c.label)}" for c in answer.related]
            lines.append("")
    return "\n".join(lines)
