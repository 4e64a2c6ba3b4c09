"""JSON records read as a stream: the list is walked a record at a time, each record decoded
by the standard library's C decoder from a buffer of about a megabyte.

Why not ijson: it streams, but it tells no position, and every problem here names a line
(the line of the record's opening brace); feeding it line by line to learn them, and
building records from its events in Python, is many times slower than decoding each record
whole. This reader keeps the line count as it moves through the buffer, so finding a
record's line costs nothing extra, and the whole import stays linear in the file's size.

Limits: a record may take `MAX_RECORD` characters and nest `MAX_DEPTH` levels deep; past
either it is a problem on the record's line, not a Python error (a list nested 100,000 deep
is refused, not a crash).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from floor.i18n import _
from floor.imports.problems import ImportProblem, preview
from floor.imports.source import CHUNK, Source, SourceRow

MAX_RECORD = 1 << 22  # characters one record (or any value before the list) may take
MAX_DEPTH = 32  # levels of nesting inside one record, the record itself being one
_SPACE = re.compile(r"[ \t\n\r]*")


class _Stop(Exception):
    """The file cannot be read further; the problem that says why is already noted."""


class JsonSource(Source):
    """A JSON file: the objects of its list (top level, or under `list_key` of an object)."""

    def __init__(self, file: str, path: Path, list_key: str) -> None:
        super().__init__(file, path)
        self.list_key = list_key
        self._stream = path.open(encoding="utf-8-sig", newline="")
        self._decoder = json.JSONDecoder()
        self._buf = ""
        self._pos = 0  # next character to read in _buf
        self._line = 1  # line of _buf[_pos]
        self._col_base = 0  # characters of the line of _buf[0] that came before it
        self._eof = False

    def bytes_read(self) -> int:
        return self._stream.buffer.tell()

    def close(self) -> None:
        self._stream.close()

    @property
    def rows(self) -> Iterator[SourceRow]:
        records = 0
        try:
            first = self._peek()
            if first == "":
                self._problem(1, "", _("a JSON list of records"), _("an empty file"), False)
                return
            prefix = ""
            if first == "{":
                self._find_list()
                prefix = self.list_key
            if self._peek() != "[":
                self._problem(self._line, "", _("a JSON list of records"))
                return
            self._move(self._pos + 1)
            for row in self._records(prefix):
                records += 1
                yield row
            if prefix:
                self._finish_object()
            if self._peek() != "":
                self._syntax("Extra data", self._pos)
                return
        except _Stop:
            return
        if not records and not self.problems:
            self._problem(1, "", _("at least one record"))

    # --- the structure around the records -----------------------------------------------------

    def _records(self, prefix: str) -> Iterator[SourceRow]:
        if self._peek() == "]":
            self._move(self._pos + 1)
            return
        position = 0
        while True:
            line = self._line
            path = f"{prefix}[{position}]"
            value = self._value(path)
            if isinstance(value, dict):
                yield SourceRow(line, value, path)
            else:
                self._problem(line, path, _("an object"), preview(value), False)
            position += 1
            char = self._peek()
            if char == ",":
                self._move(self._pos + 1)
                if self._peek() == "]":
                    self._syntax("Expecting value", self._pos)
                continue
            if char == "]":
                self._move(self._pos + 1)
                return
            self._syntax("Expecting ',' delimiter", self._pos)

    def _find_list(self) -> None:
        """From the top-level object's brace to the value of its `list_key`."""
        self._move(self._pos + 1)
        char = self._peek()
        while char != "}":
            key = self._key()
            if key == self.list_key:
                return
            self._value(key)
            char = self._peek()
            if char == ",":
                self._move(self._pos + 1)
                char = self._peek()
                if char != '"':
                    self._syntax("Expecting property name enclosed in double quotes", self._pos)
            elif char != "}":
                self._syntax("Expecting ',' delimiter", self._pos)
        self._problem(
            1, self.list_key, _("a list of records under {key}", key=self.list_key), quoted=True
        )
        raise _Stop

    def _finish_object(self) -> None:
        """After the list: the rest of the top-level object, to its closing brace."""
        while True:
            char = self._peek()
            if char == "}":
                self._move(self._pos + 1)
                return
            if char != ",":
                self._syntax("Expecting ',' delimiter", self._pos)
            self._move(self._pos + 1)
            self._value(self._key())

    def _key(self) -> str:
        if self._peek() != '"':
            self._syntax("Expecting property name enclosed in double quotes", self._pos)
        key = self._value("")
        if self._peek() != ":":
            self._syntax("Expecting ':' delimiter", self._pos)
        self._move(self._pos + 1)
        self._peek()
        return str(key)

    # --- reading the buffer -------------------------------------------------------------------

    def _fill(self) -> bool:
        """Read the next chunk into the buffer (dropping what was read); False at the end."""
        if self._eof:
            return False
        chunk = self._stream.read(CHUNK)
        if not chunk:
            self._eof = True
            return False
        pos, buf = self._pos, self._buf
        if pos:
            newline = buf.rfind("\n", 0, pos)
            self._col_base = pos - newline - 1 if newline >= 0 else self._col_base + pos
            buf = buf[pos:]
            self._pos = 0
        self._buf = buf + chunk
        return True

    def _move(self, to: int) -> None:
        self._line += self._buf.count("\n", self._pos, to)
        self._pos = to

    def _peek(self) -> str:
        """The next character that is not white space, not consumed ("" at the end)."""
        while True:
            end = _SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            self._move(end)
            if end < len(self._buf):
                return self._buf[end]
            if not self._fill():
                return ""

    def _value(self, path: str) -> Any:
        """The JSON value at the reading position, consumed."""
        line = self._line
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if len(self._buf) - self._pos < MAX_RECORD and self._fill():
                    continue  # the value goes on in the next chunk
                if self._eof or (
                    exc.pos < len(self._buf) - 1 and not exc.msg.startswith("Unterminated")
                ):
                    self._syntax(exc.msg, exc.pos)
                self._problem(
                    line,
                    path,
                    _("a record of at most {n} characters", n=MAX_RECORD),
                    _("a longer one"),
                    False,
                )
                raise _Stop from None
            except RecursionError:  # the C decoder nests as deep as Python's stack allows
                self._too_deep(line, path)
            except ValueError as exc:  # an integer of more digits than Python converts
                self._problem(line, path, _("valid JSON"), str(exc), False)
                raise _Stop from None
            if end == len(self._buf) and self._fill():
                continue  # a number (or true, false, null) may go on in the next chunk
            start = self._pos
            self._move(end)
            if (
                isinstance(value, dict | list)
                and self._buf.count("{", start, end) + self._buf.count("[", start, end) > 1
                and _depth_over(value, MAX_DEPTH)
            ):
                self._too_deep(line, path)
            return value

    # --- problems -----------------------------------------------------------------------------

    def _problem(
        self,
        line: int,
        column: str,
        expected: str,
        got: str | None = None,
        quoted: bool = True,
    ) -> None:
        self.problems.append(ImportProblem(self.file, line, column, expected, got, quoted))

    def _syntax(self, message: str, index: int) -> None:
        """Invalid JSON at `index` of the buffer: the problem names its line and column."""
        line = self._line + self._buf.count("\n", self._pos, index)
        newline = self._buf.rfind("\n", 0, index)
        column = index - newline if newline >= 0 else self._col_base + index + 1
        self._problem(
            line,
            "",
            _("valid JSON"),
            _("{message} at column {column}", message=message, column=column),
            False,
        )
        raise _Stop

    def _too_deep(self, line: int, path: str) -> None:
        self._problem(line, path, _("JSON nested at most {n} levels deep", n=MAX_DEPTH))
        raise _Stop


def _depth_over(value: Any, limit: int) -> bool:
    """Whether `value` nests lists and objects more than `limit` levels deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
