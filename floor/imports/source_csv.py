"""CSV rows read as a stream: the header first, then one row at a time.

An unterminated quote is a problem on the line where it opened: at the end of the file the
CSV reader would close the quoted cell without a word, and every row after the quote would
silently become part of that cell.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from floor.csv_cells import restore
from floor.i18n import _
from floor.imports.problems import ImportProblem
from floor.imports.source import Source, SourceRow


class _Lines:
    """The lines of a text stream, keeping those of the record the CSV reader is reading."""

    def __init__(self, stream: TextIO) -> None:
        self._lines = iter(stream)
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


def unclosed_quote(lines: list[str], delimiter: str = ",") -> tuple[int, int] | None:
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
            elif char == delimiter:
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


class CsvSource(Source):
    """A CSV file: `columns` from its header (read when opened), then `rows`."""

    def __init__(self, file: str, path: Path, delimiter: str = ",") -> None:
        super().__init__(file, path)
        self.delimiter = delimiter  # "\t" for tab-separated text (Amazon's reports)
        self._stream = path.open(encoding="utf-8-sig", newline="")
        self._lines = _Lines(self._stream)
        self._reader = csv.reader(self._lines, delimiter=delimiter)
        self._previous_end = 0  # line the last record ended on
        self._start = 1  # line the record being handed out started on
        self._done = False
        self._header = self._read_header()

    def bytes_read(self) -> int:
        return self._stream.buffer.tell()

    def close(self) -> None:
        self._stream.close()

    def lower_columns(self) -> None:
        """Column names are not case-sensitive (except in the Shopify export)."""
        lowered = [name.lower() for name in self.columns]
        self._check_duplicates(lowered, skip=self.columns)
        self.columns = lowered

    def _read_header(self) -> bool:
        for cells in self._records():
            if not any(cell.strip() for cell in cells):
                continue
            self.columns = [cell.strip() for cell in cells]
            self.header_line = self._start
            self._check_duplicates(self.columns)
            return True
        if not self.problems:
            self.problems.append(
                ImportProblem(
                    self.file,
                    1,
                    "",
                    _("a header row naming the columns"),
                    _("an empty file"),
                    False,
                )
            )
        return False

    def _check_duplicates(self, names: list[str], skip: list[str] | None = None) -> None:
        seen: set[str] = set()
        already = set() if skip is None else {n for i, n in enumerate(skip) if n in skip[:i]}
        for name in names:
            if name and name in seen and name not in already:
                self.problems.append(
                    ImportProblem(
                        self.file,
                        self.header_line,
                        name,
                        _("each column named once"),
                        _("it twice"),
                        False,
                    )
                )
            seen.add(name)

    def _records(self) -> Iterator[list[str]]:
        """The CSV records; `_start` is the line each one started on. A quote left open is a
        problem (and the end of the records)."""
        if self._done:
            return
        reader, lines = self._reader, self._lines
        last: list[str] = []
        try:
            for cells in reader:
                self._start = self._previous_end + 1
                self._previous_end = reader.line_num
                last = lines.take()
                yield cells
        except csv.Error as exc:
            self._done = True
            problem = self._quote_problem(
                self._previous_end + 1,
                lines.pending,
                _("no closing quote in the next {n} characters", n=csv.field_size_limit()),
            )
            self.problems.append(
                problem
                or ImportProblem(
                    self.file, reader.line_num, "", _("well-formed CSV"), str(exc), False
                )
            )
            return
        self._done = True
        problem = self._quote_problem(
            self._previous_end - len(last) + 1, last, _("the end of the file")
        )
        if problem:
            self.problems.append(problem)

    def _quote_problem(self, first_line: int, lines: list[str], got: str) -> ImportProblem | None:
        found = unclosed_quote(lines, self.delimiter)
        if found is None:
            return None
        index, cell = found
        column = self.columns[cell] if cell < len(self.columns) else ""
        return ImportProblem(
            self.file,
            first_line + index,
            column,
            _("a closing quote for the quote opened on this line"),
            got,
            False,
        )

    @property
    def rows(self) -> Iterator[SourceRow]:
        if not self._header:
            return
        header = self.columns
        width = len(header)
        rows = 0
        for cells in self._records():
            if any(cell.startswith("'") for cell in cells):
                # A cell floor's own export neutralised ('=...) reads back as it was.
                cells = [restore(cell) for cell in cells]
            if len(cells) == width:
                if not "".join(cells).strip():
                    continue
                rows += 1
                yield SourceRow(self._start, dict(zip(header, cells, strict=True)))
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                self.problems.append(
                    ImportProblem(
                        self.file,
                        self._start,
                        "",
                        _("{n} cells, as in the header", n=width),
                        str(len(cells)),
                        False,
                    )
                )
                continue
            rows += 1
            cells += [""] * (width - len(cells))
            yield SourceRow(self._start, dict(zip(header, cells[:width], strict=True)))
        if not rows and not self.problems:
            self.problems.append(
                ImportProblem(
                    self.file, self.header_line + 1, "", _("at least one row after the header")
                )
            )
