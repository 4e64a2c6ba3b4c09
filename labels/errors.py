"""The one error labels/ raises for bad label data: it names the field at fault."""

from __future__ import annotations


class LabelDataError(ValueError):
    """A label cannot be made from the data given; raised before anything is drawn."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
