"""Clause numbers of both styles: GB (5.1.2) and regulation (第二十三条), and what may follow what."""
from __future__ import annotations

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "[零〇一二三四五六七八九十百千两]+"

# What, right after a number or clause reference, shows a body line rather than a heading:
# a unit or measure word as the first word ("40学时以上", "6个月内") or a cross reference
# ("5.1.2规定的", "第三条所称"). Words are compared whole (jieba), so "5.2 日常管理" stays a heading.
FIRST_WORDS_OF_BODY_LINES = frozenset(
    "学时 课时 个 个月 年 年内 月 月内 日 日内 天 天内 周 小时 分钟 分 秒 元 万 万元 亿 亿元 人 人次 名 次 "
    "家 项 倍 岁 号 页 条 款 章 节 以上 以下 以内 工作日 个工作日 中 的 和 与 或 及 至 到 之 等".split())
BODY_LINE_START = re.compile(r"^(规定|所述|所列|所称|所指|要求的|第[零〇一二三四五六七八九十百千两\d]+[款项]|"
                             r"[%％、，,。；;:：)）\-~～×/*+=<>|])")  # "|": a table row


def is_body_after_number(rest: str) -> bool:
    """Does the text after a number read as the rest of a sentence (unit, cross reference)?"""
    if BODY_LINE_START.match(rest):
        return True
    first = next(iter(jieba.cut(rest[:8])), "")
    return first in FIRST_WORDS_OF_BODY_LINES


def cn_to_int(numeral: str) -> int:
    """Chinese numeral (二十三, 一百零五) or Arabic digits to an int."""
    if numeral.isdigit():
        return int(numeral)
    total, digit = 0, 0
    for char in numeral:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        elif char in CN_UNITS:
            total += (digit or 1) * CN_UNITS[char]
            digit = 0
        else:
            raise ValueError(numeral)
    return total + digit


def next_numbers(current: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Numbers that may follow ``current`` directly: its first child, or the next at any level."""
    if not current:
        return [(1,), (0,)]
    candidates = [current + (1,)]
    for level in range(len(current), 0, -1):
        candidates.append(current[:level - 1] + (current[level - 1] + 1,))
    return candidates


def comes_later(current: tuple[int, ...], number: tuple[int, ...]) -> bool:
    """Whether ``number`` may come after ``current`` in a numbering with gaps or one that starts
    mid-way (an excerpt, clauses left out): anything at the start, and later any number after
    ``current`` that is at most one level deeper (7.2.2 → 7.5, 8.3 → 10, 7.2 → 7.2.3)."""
    if not current:
        return True
    return number > current and len(number) <= len(current) + 1 \
        and (len(number) <= len(current) or number[:-1] == current)


def skipped_number(current: tuple[int, ...], number: tuple[int, ...]) -> tuple[int, ...] | None:
    """The one number lost between ``current`` and ``number`` (a heading dropped in extraction).

    ``4.1 → 4.3`` lost 4.2; ``5.1.3 → 5.2.1`` lost 5.2. None when more or nothing was skipped.
    """
    if number in next_numbers(current):
        return None
    return next((missing for missing in next_numbers(current) if number in next_numbers(missing)),
                None)
