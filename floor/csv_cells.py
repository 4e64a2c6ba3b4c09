"""CSV cells a spreadsheet opens as text, never as a formula (CSV injection, OWASP).

A product name, address or note typed as `=HYPERLINK(...)`, `@SUM(1)` or `+cmd|...` is a
formula to Excel, LibreOffice and Google Sheets when the CSV is opened. Every CSV floor
writes goes through `neutralise`: a text cell that starts with = + - @ tab or CR gets a
leading apostrophe, which spreadsheets take as "this is text".

Left as they are: numbers (a quantity of -5 stays the number -5), and text that is a plain
signed number ("-5", "+3.5"), which a spreadsheet reads as a number and cannot carry a
formula. A text that already starts with apostrophes before one of those characters gets
one more, so `restore` (used when floor reads a CSV back) gives every cell back exactly.
JSON is written as it is: no spreadsheet runs it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from typing import Any, TextIO

FORMULA_STARTS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def _starts_a_formula(text: str) -> bool:
    """`text`, leading apostrophes aside, begins like a formula and is not a plain number."""
    bare = text.lstrip("'")
    return bare[:1] in FORMULA_STARTS and _PLAIN_NUMBER.fullmatch(bare) is None


def neutralise(value: Any) -> Any:
    """The cell to write for `value`: text that a spreadsheet would run gets a leading '."""
    if isinstance(value, str) and value and _starts_a_formula(value):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The value `neutralise` was given, from the cell it wrote (other text unchanged)."""
    if text.startswith("'") and _starts_a_formula(text[1:]):
        return text[1:]
    return text


class CsvWriter:
    """Rows of dicts to CSV, every cell through `neutralise`: the writer of every floor export.

    UTF-8 text, LF line ends. A row with a CR inside a cell is written with every cell quoted
    (Python 3.11's csv quotes only the line terminator's characters, and a bare CR would
    end the record for a reader).
    """

    def __init__(self, stream: TextIO, columns: list[str]) -> None:
        self.columns = columns
        self._writer = csv.writer(stream, lineterminator="\n")
        self._quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writeheader(self) -> None:
        self._write(self.columns)

    def writerow(self, row: Mapping[str, Any]) -> None:
        extra = row.keys() - set(self.columns)
        if extra:
            raise ValueError(f"columns not in the header: {', '.join(sorted(extra))}")
        self._write([row.get(column, "") for column in self.columns])

    def _write(self, values: list[Any]) -> None:
        cells = [neutralise("" if value is None else value) for value in values]
        if any(isinstance(cell, str) and "\r" in cell for cell in cells):
            self._quoted.writerow(cells)
        else:
            self._writer.writerow(cells)
