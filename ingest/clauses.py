"""Split cleaned lines into clauses: GB numbering (5.1.2), regulation numbering (第三条), or paragraphs."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from statistics import quantiles

from ingest.cleaning import Line
from ingest.numbering import (
    CN_NUMERAL,
    cn_to_int,
    comes_later,
    is_body_after_number,
    next_numbers,
    skipped_number,
)
from ingest.wording import starts_mid_word

FLAG_LABELS = {
    "inferred": "编号为推断(原文缺失编号)",
    "truncated": "开头缺失(正文从词中间开始)",
    "empty": "只有标题,没有正文",
    "unnumbered": "原文无编号,按段落切分",
}

STYLE_LABELS = {
    "gb": "国标编号(1、2.1、5.1.2…)",
    "regulation": "法规体例(第一章、第一条…)",
    "paragraphs": "无编号(按段落切分)",
}

GB_HEADING = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,5})(?![.．\d])\s*(.*)$")
REGULATION_HEADING = re.compile(rf"^第({CN_NUMERAL}|\d{{1,4}})(章|节|条)\s*(.*)$")
SENTENCE_PUNCTUATION = re.compile(r"[，。；：！？,;:!?]")
TERMINAL_PUNCTUATION = tuple("。！？；：;:!?…")
ENGLISH_TERM = re.compile(r"^(.*?[^\sA-Za-z])\s*([A-Za-z][A-Za-z0-9 \-'’/().,（）]*)$")
UNNUMBERED_SECTIONS = ("前言", "引言")
TITLE_MAX_CHARS = 30
INFERRED_TITLE_MAX_CHARS = 16


@dataclass(frozen=True)
class Clause:
    doc: str
    clause: str
    title: str
    path: tuple[str, ...]
    text: str
    flags: tuple[str, ...] = ()
    position: int = 0
    level: int = 1
    english: str = ""

    @property
    def heading(self) -> str:
        return f"{self.clause} {self.title}".strip()

    def to_dict(self) -> dict:
        record = asdict(self)
        record["path"] = list(self.path)
        record["flags"] = list(self.flags)
        return record


@dataclass
class _Heading:
    clause: str
    title: str
    level: int
    line: Line
    body: list[Line] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outline:
    style: str  # "gb", "regulation" or "paragraphs"
    clauses: list[Clause]
    skipped: list[Line]  # content lines before the first heading that belong to no clause


def parse_clauses(lines: list[Line], doc: str) -> Outline:
    """The clauses of a document, in order, with heading paths and flags."""
    width = _typical_line_width(lines)
    outlines = [(style, parse(lines)) for style, parse in
                (("gb", _gb_headings), ("regulation", _regulation_headings))]
    style, (preamble, headings) = max(outlines, key=lambda item: len(item[1][1]))
    if len(headings) < 2:
        return Outline("paragraphs", _paragraph_clauses(lines, doc, width), [])
    preamble_headings, skipped = _unnumbered_sections(preamble)
    return Outline(style, _assemble(preamble_headings + headings, doc, width), skipped)


def _is_title(text: str, max_chars: int = TITLE_MAX_CHARS) -> bool:
    return 0 < len(text) <= max_chars and not SENTENCE_PUNCTUATION.search(text)


def _gb_headings(lines: list[Line]) -> tuple[list[Line], list[_Heading]]:
    preamble: list[Line] = []
    headings: list[_Heading] = []
    current: tuple[int, ...] = ()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        match = GB_HEADING.match(line.text)
        heading = None
        if match:
            number = tuple(int(part) for part in match.group(1).split("."))
            rest = match.group(2)
            heading = _gb_heading(line, match.group(1), number, rest, current)
        if heading is None:
            (headings[-1].body if headings else preamble).append(line)
            continue
        missing = skipped_number(current, number)
        if missing and headings:
            _infer_lost_heading(headings, missing)
        if not heading.title and not heading.body and index < len(lines) \
                and _is_title(lines[index].text, 60) and not GB_HEADING.match(lines[index].text):
            heading.title = lines[index].text  # a bare number with its title on the next line
            index += 1
        headings.append(heading)
        current = number
    return preamble, headings


def _gb_heading(line: Line, label: str, number: tuple[int, ...], rest: str,
                current: tuple[int, ...]) -> _Heading | None:
    fits = number in next_numbers(current)
    if rest and is_body_after_number(rest):
        return None
    if not fits and skipped_number(current, number) is None:
        # out of sequence (an excerpt, clauses left out): a heading only when it reads as one
        if comes_later(current, number) and _is_title(rest):
            return _Heading(label, rest, len(number), line)
        return None
    if not rest:
        if len(number) == 1:
            return None  # a bare top-level number is a page number, not a heading
        return _Heading(label, "", len(number), line)
    if _is_title(rest):
        return _Heading(label, rest, len(number), line)
    glued = not line.text[len(label):len(label) + 1].isspace()
    if glued and not fits:
        return None
    return _Heading(label, "", len(number), line, body=[Line(line.number, rest)])


def _infer_lost_heading(headings: list[_Heading], missing: tuple[int, ...]) -> None:
    """Turn the one title-like body line of the previous clause into the lost heading ``missing``."""
    previous = headings[-1]
    body = previous.body
    for position in range(len(body) - 2, -1, -1):
        candidate = body[position].text
        before = body[position - 1].text if position else ""
        if _is_title(candidate, INFERRED_TITLE_MAX_CHARS) and not re.search(r"\d", candidate) \
                and (position == 0 and previous.title or before.endswith(TERMINAL_PUNCTUATION)):
            label = ".".join(str(part) for part in missing)
            inferred = _Heading(label, candidate, len(missing), body[position],
                                body=body[position + 1:], flags=["inferred"])
            previous.body = body[:position]
            headings.append(inferred)
            return


def _regulation_headings(lines: list[Line]) -> tuple[list[Line], list[_Heading]]:
    preamble: list[Line] = []
    headings: list[_Heading] = []
    counters = {"章": 0, "节": 0, "条": 0}
    chapter_label = ""
    for line in lines:
        match = REGULATION_HEADING.match(line.text)
        heading = None
        if match:
            numeral, kind, rest = match.groups()
            number = cn_to_int(numeral)
            label = f"第{numeral}{kind}"
            # the next number, or a later one: excerpts and repealed articles leave gaps
            fits = number > counters[kind]
            if kind == "条":
                if fits and not (rest and is_body_after_number(rest)):
                    level = 1 + bool(counters["章"]) + bool(counters["节"])
                    body = [Line(line.number, rest)] if rest else []
                    heading = _Heading(label, "", level, line, body=body)
            elif fits and (not rest or _is_title(rest)):
                if kind == "章":
                    counters["节"] = 0
                    chapter_label = label
                    heading = _Heading(label, rest, 1, line)
                else:
                    heading = _Heading(chapter_label + label, rest, 1 + bool(counters["章"]), line)
            if heading:
                counters[kind] = number
        if heading:
            headings.append(heading)
        else:
            (headings[-1].body if headings else preamble).append(line)
    return preamble, headings


def _unnumbered_sections(preamble: list[Line]) -> tuple[list[_Heading], list[Line]]:
    """前言/引言 before the numbered body become clauses of their own; the rest is skipped."""
    sections: list[_Heading] = []
    skipped: list[Line] = []
    for line in preamble:
        if line.text.replace(" ", "") in UNNUMBERED_SECTIONS:
            sections.append(_Heading(line.text.replace(" ", ""), "", 1, line))
        elif sections:
            sections[-1].body.append(line)
        else:
            skipped.append(line)
    return sections, skipped


def _assemble(headings: list[_Heading], doc: str, width: int) -> list[Clause]:
    clauses = []
    stack: list[_Heading] = []
    for index, heading in enumerate(headings):
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        stack.append(heading)
        title, english = heading.title, ""
        term = ENGLISH_TERM.match(title) if title else None
        if term and re.search(r"[\u4e00-\u9fff]", term.group(1)):
            title, english = term.group(1).strip(), term.group(2).strip()
        text = "\n".join(_join_wrapped(heading.body, width))
        has_children = index + 1 < len(headings) and headings[index + 1].level > heading.level
        flags = list(heading.flags)
        if text and starts_mid_word(text):
            flags.append("truncated")
        if not text and not has_children:
            flags.append("empty")
        clauses.append(Clause(
            doc=doc, clause=heading.clause, title=title,
            path=tuple(f"{item.clause} {_plain_title(item.title)}".strip() for item in stack),
            text=text, flags=tuple(flags), position=heading.line.number, level=heading.level,
            english=english))
    return clauses


def _plain_title(title: str) -> str:
    term = ENGLISH_TERM.match(title)
    return term.group(1).strip() if term and re.search(r"[\u4e00-\u9fff]", term.group(1)) else title


def _paragraph_clauses(lines: list[Line], doc: str, width: int) -> list[Clause]:
    clauses = []
    paragraphs = _join_wrapped(lines, width, keep_positions=True)
    for number, (position, text) in enumerate(paragraphs, start=1):
        title = re.split(r"[，。；：,;:！？!?]", text, maxsplit=1)[0][:20]
        label = f"段{number}"
        clauses.append(Clause(doc=doc, clause=label, title=title, path=(f"{label} {title}",),
                              text=text, flags=("unnumbered",), position=position))
    return clauses


def _typical_line_width(lines: list[Line]) -> int:
    lengths = [len(line.text) for line in lines if len(line.text) > 1]
    if len(lengths) < 2:
        return max(lengths, default=0)
    return int(quantiles(lengths, n=10)[-1])


def _is_wrapped(text: str, width: int) -> bool:
    """A line cut mid-sentence: not ending a sentence, and either page-wide or plainly a sentence."""
    if text.endswith(TERMINAL_PUNCTUATION):
        return False
    return len(text) >= 0.75 * width or bool(re.search(r"[，、,]", text))


def _join_wrapped(lines: list[Line], width: int, keep_positions: bool = False) -> list:
    paragraphs: list[list] = []
    for line in lines:
        if paragraphs and _is_wrapped(paragraphs[-1][1], width) and not _opens_item(line.text):
            paragraphs[-1][1] += line.text
        else:
            paragraphs.append([line.number, line.text])
    if keep_positions:
        return [(position, text) for position, text in paragraphs]
    return [text for _, text in paragraphs]


def _opens_item(text: str) -> bool:
    return bool(re.match(r"^(——|—|-|•|·|[a-z][)）]|\(?[0-9一二三四五六七八九十]+[)）、.])", text))
