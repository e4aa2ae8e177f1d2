"""Text from users and documents is shown and exported as text, never as markup or a formula.

    plain(text)     for the pages: every label, caption, title, option, message (Markdown)
    exported(text)  for exported Markdown files (transcripts, reports): no HTML, no links
    defused(value)  for a spreadsheet cell written to CSV: never a formula
    is_formula(value)  whether Excel would take a text cell for a formula (Excel exports mark
                       those cells as text instead)
"""
from __future__ import annotations

import re

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$])")
# A web or e-mail address in the text: shown as code, since Streamlit turns addresses in
# rendered text into links (escaping them would only show the backslashes inside the link)
ADDRESS = re.compile(r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'`\u3000-\u303f\uff00-\uffef]+"
                     r"(?<![.,;:!?)\]])|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
LINK_SPECIAL = re.compile(r"([\[\]])")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?%?")


def plain(text: object) -> str:
    """Text escaped so that Streamlit's Markdown shows it literally: no link, image or markup
    (an address in it shows as code, not as a link)."""
    parts = ADDRESS.split(str(text))
    addresses = ADDRESS.findall(str(text))
    shown = [MARKDOWN_SPECIAL.sub(r"\\\1", part) for part in parts]
    for number, address in enumerate(addresses):
        shown[number] += f"`{address}`"
    return "".join(shown)


def exported(text: object) -> str:
    """Text for a Markdown file people read as text and as rendered Markdown alike: HTML and
    link brackets are made literal, everything else stays readable as written."""
    escaped = "".join(HTML_SPECIAL.get(char, char) for char in str(text))
    return LINK_SPECIAL.sub(r"\\\1", escaped)


def is_formula(value: object) -> bool:
    """A text cell a spreadsheet would run (=, +, -, @, tab, CR first), unless it is a number."""
    return isinstance(value, str) and value.startswith(FORMULA_START) \
        and not NUMBER.fullmatch(value.strip())


def defused(value: object) -> object:
    """A cell for a CSV file: a would-be formula gets a leading apostrophe, the rest is kept."""
    return "'" + value if is_formula(value) else value
