"""The one base of every error whose message is meant for the user."""
from __future__ import annotations


class UserError(Exception):
    """Something the user can act on: ``str(error)`` is a complete sentence in Chinese, shown as
    is. A page shows it in an error box; a command prints "错误:…" on stderr and exits with 2.

    Each package derives its own kinds (a bad document, a bad question, a bad SLA file …) so
    callers can catch what they expect, while the entry points catch this one base.
    """
