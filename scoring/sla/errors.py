"""The one error type of SLA data: its message is shown to the user as is (Chinese)."""

from errors import UserError


class SlaInputError(UserError):
    """A file or value that cannot be used; ``str(error)`` is a user-facing message."""
