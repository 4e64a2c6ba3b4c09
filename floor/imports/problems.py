"""What is wrong with an import file: where (file, line, column), what was expected, what was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def show(value: str) -> str:
    """A value as it appears in a problem: quoted, shortened when long, empty said so."""
    if value == "":
        return _("nothing")
    if len(value) > 60:
        value = value[:57] + "..."
    return f'"{value}"'


class ImportRejected(InvalidInput):
    """The file has problems: nothing was imported."""

    def __init__(self, file: str, problems: Sequence[ImportProblem]) -> None:
        self.file = file
        self.problems = list(problems)
        super().__init__(
            ngettext(
                "Nothing imported: {n} problem in {file}",
                "Nothing imported: {n} problems in {file}",
                len(self.problems),
                file=file,
            )
        )
