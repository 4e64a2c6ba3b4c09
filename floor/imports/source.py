"""An import file as a stream of rows: UTF-8 checked first, then CSV records or JSON records.

A file is read as it is needed, a chunk at a time, never whole, so a file of millions of
rows takes the memory of one batch of rows. Every row keeps the line it started on, so a
problem can name it. A JSON file is a list of objects (or an object holding that list under
the kind's name); each object's line is the line its opening brace is on, and its fields
are named by their JSON path.

A source is read once; an import that reads a file twice (check, then write) opens it twice.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from floor.i18n import _
from floor.imports.problems import ImportProblem, Problems

MAX_ENCODING_PROBLEMS = 10
CHUNK = 1 << 20  # bytes (UTF-8 check) or characters (JSON) read at a time


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One record of the file: CSV values by column name, or a JSON object."""

    line: int
    values: dict[str, Any]
    path: str = ""  # JSON path of the record, "" for CSV

    def column(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name


class Source:
    """The rows of a file, the columns its header names (CSV), and the problems found reading it.

    `rows` is an iterator, to be read once; `problems` fills as it is read.
    """

    def __init__(self, file: str, path: Path) -> None:
        self.file = file
        self.path = path
        self.columns: list[str] = []
        self.header_line = 1
        self.problems = Problems()

    @property
    def rows(self) -> Iterator[SourceRow]:
        raise NotImplementedError

    def require_columns(self, names: Iterable[str]) -> bool:
        """Record a problem for each of `names` the header lacks; True when one was missing."""
        missing = [name for name in names if name not in self.columns]
        for name in missing:
            self.problems.append(
                ImportProblem(
                    self.file, self.header_line, name, _("a column named {name}", name=name)
                )
            )
        return bool(missing)

    def bytes_read(self) -> int:
        """How far into the file reading has come, in bytes (for a progress bar)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_utf8(file: str, path: Path) -> list[ImportProblem]:
    """Where the file is not UTF-8 (a byte order mark is fine): line and byte offset of each bad
    byte, up to `MAX_ENCODING_PROBLEMS`. Read a chunk at a time."""
    problems: list[ImportProblem] = []
    offset = 0  # of data[0] in the file
    line = 1  # of data[0]
    carry = b""
    with path.open("rb") as stream:
        while len(problems) < MAX_ENCODING_PROBLEMS:
            chunk = stream.read(CHUNK)
            data = carry + chunk
            if not data:
                break
            if offset == 0 and data.startswith(codecs.BOM_UTF8):
                data, offset = data[len(codecs.BOM_UTF8) :], len(codecs.BOM_UTF8)
            # Cut before a character that may continue in the next chunk.
            cut = len(data) if not chunk else _last_boundary(data)
            block, carry = data[:cut], data[cut:]
            start = 0
            while start < len(block) and len(problems) < MAX_ENCODING_PROBLEMS:
                try:
                    block[start:].decode("utf-8")
                    break
                except UnicodeDecodeError as exc:
                    bad = start + exc.start
                    problems.append(
                        ImportProblem(
                            file,
                            line + block.count(b"\n", 0, bad),
                            "",
                            _("UTF-8 text (save the file as UTF-8)"),
                            _(
                                "byte 0x{byte:02X} at byte offset {offset}",
                                byte=block[bad],
                                offset=offset + bad,
                            ),
                            quoted=False,
                        )
                    )
                    start += exc.end
            line += block.count(b"\n")
            offset += len(block)
            if not chunk:
                break
    return problems


def _last_boundary(data: bytes) -> int:
    """Index of the last place in `data` where a UTF-8 character may start (before up to
    three continuation bytes at the end)."""
    index = len(data)
    for back in range(1, min(4, len(data)) + 1):
        if data[-back] & 0xC0 != 0x80:  # not a continuation byte
            index = len(data) - back
            break
    return index if index > 0 else len(data)


def open_source(file: str, path: Path, fmt: str, list_key: str) -> Source:
    """The rows of `path`: CSV (also the store exports), tab-separated text when its header
    has more tabs than commas (Amazon's reports), or JSON (its list under `list_key`)."""
    from floor.imports.source_csv import CsvSource
    from floor.imports.source_json import JsonSource

    if fmt == "json":
        return JsonSource(file, path, list_key)
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        first = stream.readline(1 << 16)
    return CsvSource(file, path, "\t" if first.count("\t") > first.count(",") else ",")


def batches(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    """`rows` in lists of `size` (the last one shorter)."""
    batch: list[SourceRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
