"""The one error type of ingestion: its message is shown to the user as is (Chinese)."""

from errors import UserError


class IngestError(UserError):
    """A document that cannot be read or parsed; ``str(error)`` is a user-facing message."""
