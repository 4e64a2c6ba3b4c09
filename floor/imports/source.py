"""Turning an import file's bytes into rows: UTF-8 decoding, CSV records and JSON records.

Every row keeps the line it started on, so a problem can name it. A JSON file is a list of
objects (or an object holding that list under the kind's name); each object's line is the
line its opening brace is on, and its fields are named by their JSON path.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from floor.i18n import _
from floor.imports.problems import ImportProblem

MAX_ENCODING_PROBLEMS = 10


@dataclass(frozen=True)
class SourceRow:
    """One record of the file: CSV values by column name, or a JSON object."""

    line: int
    values: dict[str, Any]
    path: str = ""  # JSON path of the record, "" for CSV

    def column(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name


@dataclass
class Table:
    """The rows of a file, the columns its header named (CSV) and the problems found reading it."""

    file: str
    rows: list[SourceRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    header_line: int = 1
    problems: list[ImportProblem] = field(default_factory=list)


def decode(file: str, data: bytes) -> tuple[str, list[ImportProblem]]:
    """UTF-8 text of `data` (a byte order mark is dropped), or where it is not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    problems: list[ImportProblem] = []
    start = 0
    while start < len(data) and len(problems) < MAX_ENCODING_PROBLEMS:
        try:
            data[start:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            offset = start + exc.start
            line = data.count(b"\n", 0, offset) + 1
            problems.append(
                ImportProblem(
                    file,
                    line,
                    "",
                    _("UTF-8 text (save the file as UTF-8)"),
                    _(
                        "byte 0x{byte:02X} at byte offset {offset}",
                        byte=data[offset],
                        offset=offset,
                    ),
                    quoted=False,
                )
            )
            start = start + exc.end
    return "", problems


class _Lines:
    """The lines of a text, keeping those of the record the CSV reader is in the middle of."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.pending: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.pending.append(line)
        return line

    def take(self) -> list[str]:
        taken, self.pending = self.pending, []
        return taken


def unclosed_quote(lines: list[str]) -> tuple[int, int] | None:
    """(line index, cell index) of a quote the record's lines open and never close, or None.

    Follows the CSV reader's rules: a quote opens a quoted cell only at the start of a cell,
    and "" inside a quoted cell is one quote.
    """
    in_quotes = False
    at_start = True
    opened = (0, 0)
    cell = 0
    for number, line in enumerate(lines):
        index = 0
        while index < len(line):
            char = line[index]
            if in_quotes:
                if char == '"':
                    if line.startswith('"', index + 1):
                        index += 1
                    else:
                        in_quotes = False
                        at_start = False
            elif char == ",":
                cell += 1
                at_start = True
            elif char in "\r\n":
                cell = 0
                at_start = True
            elif char == '"' and at_start:
                in_quotes = True
                opened = (number, cell)
            else:
                at_start = False
            index += 1
    return opened if in_quotes else None


def _quote_problem(
    file: str, first_line: int, lines: list[str], header: list[str] | None, got: str
) -> ImportProblem | None:
    found = unclosed_quote(lines)
    if found is None:
        return None
    index, cell = found
    column = header[cell] if header and cell < len(header) else ""
    return ImportProblem(
        file,
        first_line + index,
        column,
        _("a closing quote for the quote opened on this line"),
        got,
        False,
    )


def read_csv(file: str, text: str, normalise: Callable[[str], str] = str.strip) -> Table:
    table = Table(file)
    lines = _Lines(io.StringIO(text, newline=""))
    reader = csv.reader(lines)
    header: list[str] | None = None
    previous_end = 0
    last: list[str] = []
    try:
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            last = lines.take()
            if header is None:
                if not any(cell.strip() for cell in cells):
                    continue
                header = [normalise(cell) for cell in cells]
                table.columns = header
                table.header_line = line
                for index, name in enumerate(header):
                    if name and name in header[:index]:
                        table.problems.append(
                            ImportProblem(
                                file, line, name, _("each column named once"), _("it twice"), False
                            )
                        )
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                table.problems.append(
                    ImportProblem(
                        file,
                        line,
                        "",
                        _("{n} cells, as in the header", n=len(header)),
                        str(len(cells)),
                        False,
                    )
                )
                continue
            values = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
            table.rows.append(SourceRow(line, values))
        # At the end of the file the reader closes a quoted cell without a word: the rows
        # after an unterminated quote would silently become part of its cell.
        problem = _quote_problem(
            file, reader.line_num - len(last) + 1, last, header, _("the end of the file")
        )
        if problem:
            table.problems.append(problem)
    except csv.Error as exc:
        problem = _quote_problem(
            file,
            previous_end + 1,
            lines.pending,
            header,
            _("no closing quote in the next {n} characters", n=csv.field_size_limit()),
        )
        table.problems.append(
            problem
            or ImportProblem(file, reader.line_num, "", _("well-formed CSV"), str(exc), False)
        )
    if header is None:
        table.problems.append(
            ImportProblem(
                file, 1, "", _("a header row naming the columns"), _("an empty file"), False
            )
        )
    elif not table.rows and not table.problems:
        table.problems.append(
            ImportProblem(file, table.header_line + 1, "", _("at least one row after the header"))
        )
    return table


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def read_json(file: str, text: str, list_key: str) -> Table:
    """Records of a JSON list (top level, or under `list_key` of a top-level object)."""
    table = Table(file)
    if not text.strip():
        table.problems.append(
            ImportProblem(file, 1, "", _("a JSON list of records"), _("an empty file"), False)
        )
        return table
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        table.problems.append(
            ImportProblem(
                file,
                exc.lineno,
                "",
                _("valid JSON"),
                _("{message} at column {column}", message=exc.msg, column=exc.colno),
                False,
            )
        )
        return table
    decoder = json.JSONDecoder()
    index = _skip_space(text, 0)
    prefix = ""
    if text[index] == "{":
        index = _find_key(decoder, text, index, list_key)
        prefix = list_key
        if index < 0:
            table.problems.append(
                ImportProblem(file, 1, list_key, _("a list of records under {key}", key=list_key))
            )
            return table
    if text[index] != "[":
        table.problems.append(
            ImportProblem(file, _line_at(text, index), "", _("a JSON list of records"))
        )
        return table
    index = _skip_space(text, index + 1)
    position = 0
    while index < len(text) and text[index] != "]":
        line = _line_at(text, index)
        value, index = decoder.raw_decode(text, index)
        path = f"{prefix}[{position}]"
        if isinstance(value, dict):
            table.rows.append(SourceRow(line, value, path))
        else:
            table.problems.append(
                ImportProblem(file, line, path, _("an object"), json.dumps(value)[:40])
            )
        position += 1
        index = _skip_space(text, index)
        if index < len(text) and text[index] == ",":
            index = _skip_space(text, index + 1)
    if not table.rows and not table.problems:
        table.problems.append(ImportProblem(file, 1, "", _("at least one record")))
    return table


def _find_key(decoder: json.JSONDecoder, text: str, index: int, key: str) -> int:
    """Index of the value of `key` in the object starting at `index`, or -1."""
    index = _skip_space(text, index + 1)
    while index < len(text) and text[index] != "}":
        name, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index)
        index = _skip_space(text, index + 1)  # the colon
        if name == key:
            return index
        _value, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index)
        if text[index] == ",":
            index = _skip_space(text, index + 1)
    return -1
