"""Clauses a question names by number: "5.1.2条说了什么", "第三章", "clause 4.3", "外包细则第二条".

A GB-style number ("5.1.2") names the clause of that number; "第3条", "第三章" and "3条" name
clause 3 of a GB-style document and 第三条 / 第三章 of a regulation. Where both exist, the way it
is written decides: Chinese numerals (第三条) mean the regulation, Arabic ones the GB-style
document. A bare dotted number is a reference only when it is not a quantity ("2.5倍", "99.5%").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.numbering import cn_to_int

NUMERAL = r"[0-9]+|[零一二三四五六七八九十百千两]+"
MARKED = re.compile(
    rf"第\s*(?P<numeral>{NUMERAL})\s*(?P<kind>条|章|节)"
    r"|(?<![\d.])(?P<dotted>\d{1,3}(?:\.\d{1,3})*)\s*(?P<mark>条|章|节|款)"
    r"|\b(?:clause|section|chapter|article)\s+(?P<english>\d{1,3}(?:\.\d{1,3})*)",
    re.IGNORECASE)
BARE_DOTTED = re.compile(r"(?<![\d.A-Za-z/])(\d{1,2}(?:\.\d{1,2}){1,4})(?![\d.])"
                         r"(?!\s*(?:%|％|倍|元|万|亿|秒|分钟|小时|天|年|个|人|次|‰))")
REGULATION_NUMBER = re.compile(rf"^第({NUMERAL})(条|章|节)$")


@dataclass(frozen=True)
class ClauseReference:
    written: str  # as the question writes it: "5.1.2条", "第三章"
    number: str  # "5.1.2", "3"
    kind: str  # 条, 章 or 节; "" when not said
    explicit: bool  # said as a clause ("第…条", "clause …"), not just a dotted number
    chinese: bool = False  # written in Chinese numerals, as regulations number their articles

    def names(self, clause: str) -> bool:
        """Whether this reference names the clause numbered ``clause``."""
        regulation = REGULATION_NUMBER.match(clause)
        if regulation:
            numeral, kind = regulation.groups()
            return (self.kind or "条") == kind and self.number == str(cn_to_int(numeral))
        return clause == self.number

    def prefers(self, clause: str) -> bool:
        """Whether the clause is numbered the way the reference is written."""
        return bool(REGULATION_NUMBER.match(clause)) == self.chinese


def clause_references(question: str) -> list[ClauseReference]:
    """The clauses a question names, in the order it names them."""
    found: dict[tuple[int, int], ClauseReference] = {}
    for match in MARKED.finditer(question):
        if match["numeral"]:
            number, kind = str(cn_to_int(match["numeral"])), match["kind"]
        else:
            number = match["dotted"] or match["english"]
            kind = match["mark"] if match["mark"] in ("章", "节") else ""
        chinese = bool(match["numeral"]) and not match["numeral"].isdigit()
        found[match.span()] = ClauseReference(match[0].strip(), number, kind, True, chinese)
    for match in BARE_DOTTED.finditer(question):
        if not any(start <= match.start() < end for start, end in found):
            found[match.span()] = ClauseReference(match[0], match[1], "", explicit=False)
    return [found[span] for span in sorted(found)]
