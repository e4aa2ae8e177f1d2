"""What a user reads of the Markdown a page sends (AppTest gives the Markdown source)."""
import re


def shown(markdown: str) -> str:
    """The text with Markdown's backslash escapes resolved, as the browser shows it."""
    return re.sub(r"\\(.)", r"\1", markdown)


def tables(at) -> list:
    """Every table on the page (st.dataframe and st.table) as the user reads it."""
    frames = [element.value for element in at.dataframe]
    frames += [element.value.map(lambda cell: shown(cell) if isinstance(cell, str) else cell)
               for element in at.table]
    return frames


def table(at, *columns: str):
    """The first table shown with these columns."""
    return next(frame for frame in tables(at) if set(columns) <= set(frame.columns))
