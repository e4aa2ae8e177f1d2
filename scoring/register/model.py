"""The records of 外包台账: vendors, projects, lifecycle steps with evidence, and duties; the
rules for a vendor's 统一社会信用代码 and for when a duty falls due next."""
from __future__ import annotations

import calendar
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from errors import UserError
from ingest.numbering import cn_to_int

LIFECYCLE_FILE = Path(__file__).with_name("lifecycle.toml")
VENDOR_STATUSES = ("合作中", "暂停", "已退出")
CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


class RegisterError(UserError):
    """A register entry that cannot be saved or read; the message is user-facing (Chinese)."""


@dataclass(frozen=True)
class Vendor:
    id: int
    name: str
    credit_code: str
    contacts: str
    status: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name its call records and reports may carry."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Project:
    id: int
    vendor_id: int
    name: str
    elements: tuple[str, ...]
    draft_id: int | None  # the 外包要素 draft the project was decided on
    assessment_id: int | None  # the 范围自检 it was decided on
    term_start: date | None
    term_end: date | None
    notice_days: int
    fee_basis: str
    deduction_cap_pct: float | None
    stage: str  # a stage id of lifecycle.toml

    def notice_by(self) -> date | None:
        """The last day to give notice before the term ends."""
        return self.term_end - timedelta(days=self.notice_days) if self.term_end else None


@dataclass(frozen=True)
class Evidence:
    id: int
    project_id: int | None
    stage: str
    duty_id: int | None
    file_name: str
    sha256: str
    size: int
    added_by: str
    added_at: str


@dataclass(frozen=True)
class StepRecord:
    project_id: int
    stage: str
    note: str
    recorded_by: str
    recorded_at: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Duty:
    id: int
    key: str  # the candidate's key: a re-mined document does not offer it again
    vendor_id: int
    project_id: int | None
    doc: str
    clause: str
    quote: str
    period: str | None  # ISO 8601 duration, None for a one-off duty
    deadline: str | None
    owner: str
    next_due: date | None  # None: done (a one-off duty)
    evidence_required: str
    done: tuple[tuple[str, str, int | None], ...] = field(default=())  # (done on, by, evidence id)

    def state(self, today: date) -> str:
        if self.next_due is None:
            return "已完成"
        if self.next_due < today:
            return "逾期"
        return "本月到期" if (self.next_due.year, self.next_due.month) == (today.year, today.month) \
            else "未到期"


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    clause: str  # "" when our copy of the standard says nothing of it
    quotes: tuple[str, ...]  # keys of the citations below
    evidence: tuple[str, ...]  # what the step should hold
    keywords: tuple[str, ...]  # the words of the bank's own documents that speak of it


def load_stages(path: Path = LIFECYCLE_FILE) -> tuple[list[Stage], dict[str, dict[str, str]]]:
    """The lifecycle's stages in order, and the quotations they cite (checked when loaded)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    stages = [Stage(s["id"], s["name"], s.get("clause", ""), tuple(s.get("quotes", ())),
                    tuple(s.get("evidence", ())), tuple(s.get("keywords", ()))) for s in data["stage"]]
    return stages, data.get("quote", {})


def check_credit_code(code: str) -> str:
    """A 统一社会信用代码 (GB 32100-2015) normalised, or RegisterError saying what is wrong;
    an empty code is allowed (filled in later)."""
    code = code.strip().upper()
    if not code:
        return ""
    if len(code) != 18 or any(char not in CODE_CHARACTERS for char in code):
        raise RegisterError(f"统一社会信用代码「{code}」应为 18 位数字或大写字母(不含 I、O、Z、S、V)。")
    total = sum(CODE_CHARACTERS.index(char) * weight for char, weight in zip(code, CODE_WEIGHTS))
    expected = CODE_CHARACTERS[(31 - total % 31) % 31]
    if code[17] != expected:
        raise RegisterError(f"统一社会信用代码「{code}」的校验位不对(按前 17 位应为 {expected}),请核对。")
    return code


def advance(day: date, period: str) -> date:
    """The next due date after ``day`` for a recurring duty (P3M: three months later, the day
    kept or the month's last day)."""
    found = DURATION.match(period or "")
    if not found or not any(found.groups()):
        raise RegisterError(f"无法识别的周期「{period}」。")
    years, months, weeks, days = (int(part or 0) for part in found.groups())
    month_index = day.month - 1 + months + 12 * years
    year, month = day.year + month_index // 12, month_index % 12 + 1
    moved = date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return moved + timedelta(weeks=weeks, days=days)


NEXT_MONTH_DAY = re.compile(r"次月([0-9]{1,2}|[一二三四五六七八九十]{1,3})日")


def first_due(deadline: str | None, today: date) -> date:
    """The due date a candidate duty suggests: the day of next month a "次月十日前" names, else
    today (the manager sets it; an event's deadline has no date of its own)."""
    found = NEXT_MONTH_DAY.search(deadline or "")
    if not found:
        return today
    day = int(found.group(1)) if found.group(1).isdigit() else cn_to_int(found.group(1))
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, min(max(day, 1), calendar.monthrange(year, month)[1]))


SENTENCE_END = re.compile(r"(?<=[。;;！!？?])")


def sentences_about(text: str, keywords: tuple[str, ...]) -> list[str]:
    """The sentences of a clause that use one of the keywords, verbatim."""
    return [sentence.strip() for sentence in SENTENCE_END.split(text)
            if sentence.strip() and any(word in sentence for word in keywords)]
