"""What a user reads of the Markdown a page sends (AppTest gives the Markdown source)."""
import re


def shown(markdown: str) -> str:
    """The text with Markdown's backslash escapes resolved, as the browser shows it."""
    return re.sub(r"\\(.)", r"\1", markdown)
