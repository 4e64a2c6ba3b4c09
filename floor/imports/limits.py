"""What a value may be to fit the column it is written to, read from the models' column types.

An importer names the column each field goes to (`Item.reorder_point`, `Address.city`);
the limits come from its type, so the file's values are checked against what the database
will hold, the same on SQLite (which would store almost anything) and PostgreSQL (which
refuses): Integer is 32-bit, BigInteger 64-bit, SmallInteger 16-bit, String(n) at most n
characters; no text holds a NUL character (PostgreSQL refuses it) or a lone surrogate
(not a character: it cannot be written as UTF-8).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Integer, SmallInteger, String
from sqlalchemy.types import TypeEngine

INT16 = (-(2**15), 2**15 - 1)
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


def column_type(column: Any) -> TypeEngine[Any]:
    """The type of a model attribute (`Item.sku`) or table column; a variant's base type."""
    expression = getattr(column, "expression", column)
    return expression.type


# By id() of the model attribute: attributes compare as SQL expressions, not by value, and
# live as long as their model does. Read for every value of every row, so kept.
_RANGES: dict[int, tuple[int, int]] = {}
_LENGTHS: dict[int, int | None] = {}


def integer_range(column: Any) -> tuple[int, int]:
    """The smallest and largest whole number the column holds."""
    found = _RANGES.get(id(column))
    if found is None:
        found = _RANGES[id(column)] = _integer_range(column)
    return found


def text_length(column: Any) -> int | None:
    """How many characters the column holds; None when it has no limit (Text)."""
    key = id(column)
    if key not in _LENGTHS:
        _LENGTHS[key] = _text_length(column)
    return _LENGTHS[key]


def _integer_range(column: Any) -> tuple[int, int]:
    kind = column_type(column)
    if isinstance(kind, BigInteger):
        return INT64
    if isinstance(kind, SmallInteger):
        return INT16
    if isinstance(kind, Integer):
        return INT32
    raise TypeError(f"{column} is not an integer column")


def _text_length(column: Any) -> int | None:
    kind = column_type(column)
    if not isinstance(kind, String):
        raise TypeError(f"{column} is not a text column")
    return kind.length


def has_nul(text: str) -> bool:
    return "\x00" in text


def has_lone_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
