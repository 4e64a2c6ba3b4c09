"""What is wrong with an import file: where (file, line, column), what was expected, what was."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from floor.errors import InvalidInput
from floor.i18n import _, ngettext


@dataclass(frozen=True)
class ImportProblem:
    file: str
    line: int
    column: str
    expected: str
    got: str | None = None
    quoted: bool = True  # False when `got` describes what was there rather than quoting it

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        if self.column and self.got is not None:
            return _(
                "{where}: column {column}: expected {expected}, got {got}",
                where=where,
                column=self.column,
                expected=self.expected,
                got=show(self.got) if self.quoted else self.got,
            )
        if self.column:
            return _(
                "{where}: column {column}: expected {expected}",
                where=where,
                column=self.column,
                expected=self.expected,
            )
        if self.got is not None:
            return _(
                "{where}: expected {expected}, got {got}",
                where=where,
                expected=self.expected,
                got=show(self.got) if self.quoted else self.got,
            )
        return _("{where}: expected {expected}", where=where, expected=self.expected)


SHOWN = 60
# Characters a terminal would act on or could not print, written as escapes instead.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def escape(text: str) -> str:
    """`text` with control characters and lone surrogates written as escapes (\\x00, \\ud800)."""

    def one(match: re.Match[str]) -> str:
        char = match.group()
        code = ord(char)
        return _ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")

    return _UNPRINTABLE.sub(one, text)


def show(value: str) -> str:
    """A value as it appears in a problem: quoted, shortened when long, empty said so."""
    if value == "":
        return _("nothing")
    value = escape(value[: SHOWN * 4])
    if len(value) > SHOWN:
        value = value[: SHOWN - 3] + "..."
    return f'"{value}"'


def preview(value: Any, limit: int = SHOWN) -> str:
    """A JSON value as it appears in a problem: JSON-like text, shortened when long.

    Written without recursion, so a list nested 100,000 deep previews like any other.
    """
    out: list[str] = []
    size = 0
    stack: list[tuple[Iterator[Any], str, bool]] = []

    def emit(text: str) -> None:
        nonlocal size
        out.append(text)
        size += len(text)

    def open_(item: Any) -> None:
        if isinstance(item, dict):
            emit("{")
            stack.append((iter(item.items()), "}", True))
        elif isinstance(item, list):
            emit("[")
            stack.append((iter(item), "]", False))
        else:
            emit(_scalar(item))

    open_(value)
    first = True
    while stack and size <= limit:
        items, close, is_dict = stack[-1]
        item = next(items, _END)
        if item is _END:
            stack.pop()
            emit(close)
            first = False
            continue
        if not first:
            emit(", ")
        first = True
        if is_dict:
            key, item = item
            emit(_scalar(str(key)) + ": ")
        before = len(stack)
        open_(item)
        first = len(stack) > before
    text = escape("".join(out))
    return text if len(text) <= limit and not stack else text[: limit - 3] + "..."


_END = object()


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value[: SHOWN * 2], ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    try:
        return str(value)
    except ValueError:  # an integer of thousands of digits
        return _("a number of thousands of digits")


MAX_LISTED = 1000


class Problems:
    """The problems found in a file, in the order found. Past `MAX_LISTED` they are only
    counted, so a file that is wrong on every one of its million lines needs no memory for
    them; `len()` counts them all."""

    def __init__(self, limit: int = MAX_LISTED) -> None:
        self.limit = limit
        self.listed: list[ImportProblem] = []
        self.count = 0

    def append(self, problem: ImportProblem) -> None:
        self.count += 1
        if len(self.listed) < self.limit:
            self.listed.append(problem)

    def extend(self, problems: Iterable[ImportProblem] | Problems) -> None:
        if isinstance(problems, Problems):
            room = max(0, self.limit - len(self.listed))
            self.listed.extend(problems.listed[:room])
            self.count += problems.count
            return
        for problem in problems:
            self.append(problem)

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self) -> Iterator[ImportProblem]:
        return iter(self.listed)


class ImportRejected(InvalidInput):
    """The file has problems: nothing was imported."""

    def __init__(self, file: str, problems: Iterable[ImportProblem] | Problems) -> None:
        self.file = file
        self.problems = sorted(problems, key=lambda p: p.line)
        total = len(problems) if isinstance(problems, Problems) else len(self.problems)
        self.unlisted = total - len(self.problems)
        super().__init__(
            ngettext(
                "Nothing imported: {n} problem in {file}",
                "Nothing imported: {n} problems in {file}",
                total,
                file=file,
            )
        )

    def lines(self) -> list[str]:
        """One line per problem, by line in the file, and how many more there are."""
        lines = [str(problem) for problem in self.problems]
        if self.unlisted:
            lines.append(
                ngettext(
                    "... and {n} more problem, not listed",
                    "... and {n} more problems, not listed",
                    self.unlisted,
                )
            )
        return lines
