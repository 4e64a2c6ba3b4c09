"""Reading typed values out of one import row, noting a problem for each value that is wrong.

CSV gives text, JSON gives text, numbers, booleans or null; both read the same way. An empty
value is "not given" (None), never zero or false.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

from floor.gs1 import is_valid_gs1_number
from floor.i18n import _
from floor.imports.countries import country_code
from floor.imports.limits import has_lone_surrogate, has_nul, integer_range, text_length
from floor.imports.problems import ImportProblem, Problems, preview
from floor.imports.source import SourceRow

TRUE = {"1", "true", "yes", "y", "t", "on", "x"}
FALSE = {"0", "false", "no", "n", "f", "off"}
GTIN_LENGTHS = (8, 12, 13, 14)
_TRAILING_SPACE = re.compile(r"[ \t\u00a0\u3000]+(?=\r?\n|\r|$)")


class Fields:
    """Typed access to the values of `row`; problems go to `problems`."""

    def __init__(self, file: str, row: SourceRow, problems: Problems | list[ImportProblem]) -> None:
        self.file = file
        self.row = row
        self.problems = problems

    @property
    def line(self) -> int:
        return self.row.line

    def problem(self, name: str, expected: str, got: Any = None) -> None:
        """A problem with column `name`; `got` is text as written, or a JSON value."""
        if got is None or isinstance(got, str):
            problem = ImportProblem(self.file, self.row.line, self.row.column(name), expected, got)
        else:
            problem = ImportProblem(
                self.file, self.row.line, self.row.column(name), expected, preview(got), False
            )
        self.problems.append(problem)

    def raw(self, name: str) -> Any:
        value = self.row.values.get(name)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def given(self, name: str) -> bool:
        return self.raw(name) is not None

    def has_column(self, name: str) -> bool:
        return name in self.row.values

    def text(self, name: str, column: Any = None, *, required: bool = False) -> str:
        """Text for `column` (a model attribute: its length is the limit), or "" with a problem."""
        value = self.raw(name)
        if value is None:
            if required:
                self.problem(name, _("a value"), "")
            return ""
        if type(value) is str:
            text = value
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        else:
            self.problem(name, _("text"), value)
            return ""
        return self._text(name, text, column)

    def _text(self, name: str, text: str, column: Any) -> str:
        max_length = None if column is None else text_length(column)
        if max_length is not None and len(text) > max_length:
            self.problem(name, _("at most {n} characters", n=max_length), text)
            return ""
        if has_nul(text):
            self.problem(name, _("text without NUL characters"), text)
            return ""
        if not text.isascii() and has_lone_surrogate(text):
            self.problem(name, _("Unicode text (a lone surrogate is not a character)"), text)
            return ""
        return text

    def notes(self, name: str, column: Any = None) -> str:
        """Free text such as an order's notes: spaces at the end of each line and blank lines
        at either end are trimmed; everything else is kept as written (leading spaces, line
        breaks, the characters' own bytes)."""
        value = self.row.values.get(name)
        if isinstance(value, str):
            trimmed = _TRAILING_SPACE.sub("", value).strip("\r\n")
            if trimmed.strip():
                row = SourceRow(self.row.line, {name: trimmed}, self.row.path)
                return Fields(self.file, row, self.problems)._text(name, trimmed, column)
            return ""
        return self.text(name, column)

    def integer(
        self, name: str, column: Any, *, required: bool = False, minimum: int | None = None
    ) -> int | None:
        """A whole number that fits `column` (a model attribute), at least `minimum`."""
        value = self.raw(name)
        if value is None:
            if required:
                self.problem(name, _("a whole number"), "")
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str):
            try:
                number = int(value)
            except ValueError:
                number = None
        if number is None:
            self.problem(name, _("a whole number"), value)
            return None
        problem = range_problem(number, column, minimum)
        if problem:
            self.problem(name, problem, value)
            return None
        return number

    def number(self, name: str, *, minimum: float | None = 0.0) -> float | None:
        value = self.raw(name)
        if value is None:
            return None
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.replace(",", ".")) if value.count(",") <= 1 else None
            except ValueError:
                number = None
        if number is None or not math.isfinite(number):
            self.problem(name, _("a number"), value)
            return None
        if minimum is not None and number < minimum:
            if minimum == 0:
                self.problem(name, _("a number, zero or more"), value)
            else:
                self.problem(name, _("a number of at least {n}", n=minimum), value)
            return None
        return number

    def flag(self, name: str) -> bool | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        self.problem(name, _("true or false"), value)
        return None

    def date(self, name: str) -> dt.date | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                pass
        self.problem(name, _("a date as YYYY-MM-DD"), value)
        return None

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        allowed = list(choices)
        text = str(value).lower()
        if text not in allowed:
            self.problem(name, _("one of {choices}", choices=", ".join(allowed)), value)
            return None
        return text

    def gtin(self, name: str) -> str | None:
        """A GTIN-8/12/13/14 with a valid check digit, as 14 digits."""
        value = self.raw(name)
        if value is None:
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit() and len(text) in GTIN_LENGTHS):
            self.problem(name, _("a GTIN of 8, 12, 13 or 14 digits"), text)
            return None
        if not is_valid_gs1_number(text):
            self.problem(name, _("a GTIN with a valid check digit"), text)
            return None
        return text.zfill(14)

    def country(self, name: str) -> str:
        """A two-letter ISO code, from a code or a country's name (floor.imports.countries)."""
        value = self.text(name)
        if not value:
            return ""
        code = country_code(value)
        if code is None:
            self.problem(name, _("a country: a two-letter ISO code or a country's name"), value)
            return ""
        return code


def check_barcode(fields: Fields, name: str, barcode: str) -> bool:
    """A barcode that looks like a GTIN must carry a valid check digit."""
    looks_like_gtin = barcode.isascii() and barcode.isdigit() and len(barcode) in GTIN_LENGTHS
    if looks_like_gtin and not is_valid_gs1_number(barcode):
        fields.problem(name, _("a GTIN with a valid check digit"), barcode)
        return False
    return True


def range_problem(number: int, column: Any, minimum: int | None = None) -> str | None:
    """What was expected when `number` does not fit `column` or is below `minimum`; else None."""
    low, high = integer_range(column)
    if minimum is not None and number < minimum:
        if minimum == 1:
            return _("a whole number above zero")
        if minimum == 0:
            return _("a whole number, zero or more")
        return _("a whole number of at least {n}", n=minimum)
    if number < low:
        return _("a whole number of at least {n}", n=low)
    if number > high:
        return _("a whole number of at most {n}", n=high)
    return None
