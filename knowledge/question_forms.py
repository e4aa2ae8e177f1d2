"""What kind of question it is: a follow-up, a permission question, a definition question,
one asking for a figure, one of several parts — read from its wording, in Chinese and English."""
from __future__ import annotations

import re

import jieba

from ingest.tokenize import learn_synonym_terms, mentioned_synonym_terms
from knowledge.references import clause_references

FOLLOW_UP_START = re.compile(r"^(那|那么|那如果|还有|另外|如果是|要是|and |what about |how about )",
                             re.IGNORECASE)
# matched against the question's words separated by spaces, so that 能 counts only as a word of
# its own ("哪些职能不能外包" asks no permission, "能不能外包" does)
PERMISSION_WORDS = re.compile(
    r" 能 不能 | 能否 | 可不可以 | 可否 | 是否 可以 | 允许 | (?:能|可以) .{0,24}吗 |"
    r"\b(can|may|could)\b|allowed", re.IGNORECASE)
# a question asking which or what, to which "不可以" is no answer
OPEN_QUESTION = re.compile(r"哪些|哪个|哪几|哪类|什么|\b(which|what)\b", re.IGNORECASE)
PROHIBITION = re.compile(r"不应|不得|不宜|禁止|严禁|不能|不可")
# a question asking for a figure (a count, a ratio, a period) is answered only by a text giving one
QUANTITY_QUESTION = re.compile(
    r"多少|(?<!哪)几(?:个|年|级|天|次|成|倍|小时|分钟|秒|%)|多长时间|多久|比例|百分之|百分比|"
    r"\bhow (?:long|many|much|often|soon|quickly)\b|\bwhat (?:percentage|ratio|share)\b",
    re.IGNORECASE)
# a figure in a text: Arabic or Chinese numerals with their unit ("80 学时", "八十学时", "三年",
# "二十四小时内", "百分之四十"), and what bounds it ("不少于", "不得高于")
UNITS = (r"个工作日|工作日|个月|学时|课时|小时|分钟|季度|万元|元|个|项|条|级|类|种|年|月|周|天|日|次|倍|"
         r"成|秒|人|名|家|份|%|％")
QUANTITY = re.compile(rf"\d|百分之|[一二三四五六七八九十两百千万零]+\s*(?:{UNITS})")
FIGURE = re.compile(
    r"(?:(?:不少于|不低于|不超过|不高于|不得少于|不得低于|不得超过|不得高于|至少|最多|最少|每|满|达到|"
    r"以上|以内)\s*)?"
    rf"(?:百分之[零一二三四五六七八九十百点]+|(?:\d+(?:\.\d+)?|[零一二三四五六七八九十两百千万]+)\s*(?:{UNITS}))"
    r"(?:以上|以内|以下|内)?")
# a sentence saying what may or may not be done: what a permission question is answered by
NORMATIVE = re.compile(PROHIBITION.pattern + r"|可以|可采取|允许")
DEFINITION_QUESTION = re.compile(
    r"什么是|是什么|是个什么|什么东西|指什么|指谁|是谁|哪一方|啥是|是啥|什么叫|叫什么|什么意思|啥意思|含义|定义|"
    r"^(what|who) (is|are) (a |an |the )?[\w\s-]{1,40}\??$|\bdefin|\bmeaning of\b",
    re.IGNORECASE)
# a question of several parts: parts end at these marks, and a part asks when it has a question word
PART_SEPARATOR = re.compile(r"[，,；;？?。]")
QUESTION_WORD = re.compile(
    r"什么|哪些|哪个|哪几|哪一|怎么|怎样|如何|谁|多少|吗|呢|是否|能否|能不能|要不要|可不可以|有没有|"
    r"\b(how|what|who|which|when|why|can|must|should|does|do|is|are)\b", re.IGNORECASE)


# a comparison ("人员外包和管理外包有什么区别", "difference between A and B"): both sides are cited
COMPARISON = re.compile(
    r"(?P<a>[^，,。？?和与跟同]{2,20})(?:和|与|跟|同)(?P<b>[^，,。？?]{2,20}?)(?:之间)?(?:有|的)?"
    r"(?:什么|哪些|啥|何)?(?:区别|不同|差别|差异|异同)|"
    r"difference between (?P<ea>[^?]+?) and (?P<eb>[^?]+)", re.IGNORECASE)


def comparison_sides(question: str) -> list[str]:
    """The two things a comparison question compares; [] for any other question."""
    found = COMPARISON.search(question)
    if not found:
        return []
    sides = [found.group("a") or found.group("ea"), found.group("b") or found.group("eb")]
    return [side.strip() for side in sides]


def is_permission_question(question: str) -> bool:
    """"能不能…", "…可以…吗", "can we…": a question whether something may be done."""
    learn_synonym_terms()  # "内审能…" is 内审 + 能 only once jieba knows 内审
    return bool(PERMISSION_WORDS.search(f" {' '.join(jieba.lcut(question))} "))


def is_follow_up(question: str) -> bool:
    return bool(FOLLOW_UP_START.match(question)) or question.rstrip("?？ ").endswith("呢")


def contextual_query(question: str, history: list[str]) -> str:
    """A follow-up ("那场地呢?") asked as a full question, using the previous question's predicate."""
    if not history or not is_follow_up(question):
        return question
    previous = history[-1]
    for reference in clause_references(previous):  # "5.1.2条说了什么?" → "那5.1.3呢?"
        previous = previous.replace(reference.written, " ")
    topic_words = set(mentioned_synonym_terms(previous))
    predicate = [word for word in jieba.lcut(previous)
                 if not any(word in term or term in word for term in topic_words)]
    subject = FOLLOW_UP_START.sub("", question).rstrip("?？ 呢")
    return f"{subject} {''.join(predicate)}".strip()


def sub_questions(question: str) -> list[str]:
    """The parts of a question that each ask something ("外包需要哪些制度,组织架构怎么设?"); a
    part that asks nothing ("客户信息这块,") stays with the part after it."""
    parts, pending = [], ""
    for part in PART_SEPARATOR.split(question):
        pending = f"{pending},{part.strip()}" if pending else part.strip()
        if QUESTION_WORD.search(part):
            parts.append(pending)
            pending = ""
    return parts
