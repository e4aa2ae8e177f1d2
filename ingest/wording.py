"""Word-level judgements on Chinese text, backed by jieba's dictionary."""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

# Single characters that often open a sentence on their own, even though a more frequent word
# ends in them (经董事会批准, 须经, 设立…): never read as the tail of a cut-off word.
SENTENCE_OPENERS = set("应由本在对其各凡为如当若除经按以将把向从自于所可须宜不下设供该每")
CONTINUATION_START = re.compile(r"^[，。；：、,;:!?！？)）】」』”’%％]")


@lru_cache(maxsize=1)
def _strongest_word_ending_in() -> dict[str, int]:
    jieba.initialize()
    strongest: dict[str, int] = {}
    for word, frequency in jieba.dt.FREQ.items():
        if len(word) == 2 and frequency > strongest.get(word[1], 0):
            strongest[word[1]] = frequency
    return strongest


def starts_mid_word(text: str) -> bool:
    """Does the text begin inside a word, as when extraction cut its first characters off?"""
    text = text.lstrip()
    if not text:
        return False
    if CONTINUATION_START.match(text) or text[0].islower():
        return True
    first = next(iter(jieba.cut(text[:12])), "")
    if len(first) != 1 or not re.match(r"[\u4e00-\u9fff]", first) or first in SENTENCE_OPENERS:
        return False
    own = jieba.dt.FREQ.get(first, 0)
    return _strongest_word_ending_in().get(first, 0) > 1.5 * own
