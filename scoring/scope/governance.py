"""The governance self-assessment: checklist from clauses 3, 4.1 and 5.1.1–5.3.2, scores, gaps."""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from errors import UserError
from scoring.standard import Citation, Standard

CHECKLIST_FILE = Path(__file__).with_name("checklist.toml")
ANSWER_LABELS = {"met": "符合", "partial": "部分符合", "not_met": "不符合", "na": "不适用"}
ANSWER_VALUES = {"met": 1.0, "partial": 0.5, "not_met": 0.0}  # "na" leaves the denominator
MAX_NOTE_CHARS = 1000


class AssessmentError(UserError):
    """An assessment that cannot be saved or opened as given; the message is user-facing."""


@dataclass(frozen=True)
class ChecklistItem:
    """One question with its clause, weight and the action suggested when it is not met."""

    id: str
    number: int
    section: str
    section_heading: str
    question: str
    citation: Citation
    weight: float
    action: str


@dataclass(frozen=True)
class Answer:
    answer: str  # a key of ANSWER_LABELS
    note: str = ""  # the evidence, or why the item does not apply

    @property
    def label(self) -> str:
        return ANSWER_LABELS[self.answer]


@dataclass(frozen=True)
class ItemResult:
    item: ChecklistItem
    answer: Answer | None

    @property
    def earned(self) -> float:
        return self.item.weight * ANSWER_VALUES[self.answer.answer] if self.counts else 0.0

    @property
    def counts(self) -> bool:
        """Answered and applicable: the item is in the denominator."""
        return self.answer is not None and self.answer.answer in ANSWER_VALUES

    @property
    def is_gap(self) -> bool:
        return self.answer is not None and self.answer.answer in ("partial", "not_met")


@dataclass(frozen=True)
class SectionScore:
    section: str
    heading: str
    items: tuple[ItemResult, ...]

    @property
    def earned(self) -> float:
        return sum(result.earned for result in self.items)

    @property
    def possible(self) -> float:
        return sum(result.item.weight for result in self.items if result.counts)

    @property
    def score(self) -> float | None:
        """Weighted percentage of the applicable, answered items; None when there are none."""
        return round(100 * self.earned / self.possible, 1) if self.possible else None


@dataclass(frozen=True)
class AssessmentResult:
    sections: tuple[SectionScore, ...]

    @property
    def items(self) -> list[ItemResult]:
        return [result for section in self.sections for result in section.items]

    @property
    def score(self) -> float | None:
        possible = sum(section.possible for section in self.sections)
        earned = sum(section.earned for section in self.sections)
        return round(100 * earned / possible, 1) if possible else None

    @property
    def unanswered(self) -> list[ChecklistItem]:
        return [result.item for result in self.items if result.answer is None]

    @property
    def complete(self) -> bool:
        return not self.unanswered

    @property
    def gaps(self) -> list[ItemResult]:
        """Items not (fully) met: heaviest first, 不符合 before 部分符合."""
        gaps = [result for result in self.items if result.is_gap]
        return sorted(gaps, key=lambda result: (-result.item.weight,
                                                result.answer.answer != "not_met",
                                                result.item.number))


@dataclass(frozen=True)
class Comparison:
    """An earlier and a later assessment: scores per section and the items whose answer changed."""

    earlier: AssessmentResult
    later: AssessmentResult

    @property
    def sections(self) -> list[tuple[str, float | None, float | None]]:
        return [(before.heading, before.score, after.score)
                for before, after in zip(self.earlier.sections, self.later.sections)]

    @property
    def changes(self) -> list[tuple[ChecklistItem, Answer | None, Answer | None]]:
        return [(before.item, before.answer, after.answer)
                for before, after in zip(self.earlier.items, self.later.items)
                if _answer_key(before.answer) != _answer_key(after.answer)]


def load_checklist(standard: Standard, path: Path = CHECKLIST_FILE) -> list[ChecklistItem]:
    """The checklist items, each with its clause quoted from the loaded standard."""
    items = []
    for number, item in enumerate(tomllib.loads(path.read_text(encoding="utf-8"))["item"], 1):
        if float(item["weight"]) <= 0:
            raise ValueError(f"{path.name}: 第 {number} 项的权重必须大于 0。")
        items.append(ChecklistItem(
            id=item["id"], number=number, section=item["section"],
            section_heading=standard.heading(item["section"]), question=item["question"],
            citation=standard.cite(item["cite"]), weight=float(item["weight"]),
            action=item["action"]))
    if len({item.id for item in items}) != len(items):
        raise ValueError(f"{path.name}: 检查项编号重复。")
    return items


def validate(checklist: list[ChecklistItem], answers: Mapping[str, Answer]) -> None:
    """Raise AssessmentError naming every problem; answers may be incomplete (a draft)."""
    items = {item.id: item for item in checklist}
    problems = [f"未知的检查项「{item_id}」。" for item_id in answers if item_id not in items]
    for item_id, answer in answers.items():
        item = items.get(item_id)
        if item is None:
            continue
        if answer.answer not in ANSWER_LABELS:
            problems.append(f"第 {item.number} 项的回答「{answer.answer}」无效。")
        elif answer.answer == "na" and not answer.note.strip():
            problems.append(f"第 {item.number} 项选择了不适用:请在依据说明中写明理由。")
        if len(answer.note) > MAX_NOTE_CHARS:
            problems.append(f"第 {item.number} 项的依据说明超过 {MAX_NOTE_CHARS} 字。")
    if problems:
        raise AssessmentError("自评未保存:" + " ".join(problems))


def score(checklist: list[ChecklistItem], answers: Mapping[str, Answer]) -> AssessmentResult:
    """Scores per section and overall; unanswered and not-applicable items leave the denominator."""
    sections: dict[str, list[ItemResult]] = {}
    for item in checklist:
        sections.setdefault(item.section, []).append(ItemResult(item, answers.get(item.id)))
    return AssessmentResult(tuple(
        SectionScore(section, results[0].item.section_heading, tuple(results))
        for section, results in sections.items()))


def compare(checklist: list[ChecklistItem], earlier: Mapping[str, Answer],
            later: Mapping[str, Answer]) -> Comparison:
    return Comparison(score(checklist, earlier), score(checklist, later))


def _answer_key(answer: Answer | None) -> str | None:
    return answer.answer if answer else None
