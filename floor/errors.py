"""Errors the domain raises: each names what was expected, in the operator's language.

Services raise these; screens and the CLI show `str(error)`. Nothing is changed when one is
raised inside a unit of work: the transaction rolls back.
"""

from __future__ import annotations


class FloorError(Exception):
    """Base of every domain error. `code` is a stable machine name for the kind of error."""

    code = "error"

    def __init__(self, message: str, *, expected: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected

    def __str__(self) -> str:
        return self.message


class NotFound(FloorError):
    code = "not_found"


class InvalidInput(FloorError):
    code = "invalid_input"


class InsufficientStock(FloorError):
    code = "insufficient_stock"


class PermissionDenied(FloorError):
    code = "permission_denied"


class Conflict(FloorError):
    code = "conflict"


class WrongScan(FloorError):
    """The operator scanned something other than what the task expects."""

    code = "wrong_scan"
