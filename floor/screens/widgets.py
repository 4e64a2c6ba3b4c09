"""The shell's widgets: status bar, body (a list that scrolls), feedback line, key entry
line and key hints.

None of them takes focus: keys go to the screen, which feeds the keyboard-wedge detector.
Each renders in the station's current language (explicitly, not through the asyncio context).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from floor.i18n import _, language, ngettext

if TYPE_CHECKING:
    from floor.app import FloorApp

OK_MARK = "●"
DOWN_MARK = "○"


class StatusBar(Static):
    """Station, operator, warehouse; scanner, database and printer state."""

    def render(self) -> Text:
        app: FloorApp = self.app  # type: ignore[assignment]
        station = app.station
        health = app.health
        with language(station.language):
            operator = station.operator_name or _("not logged in")
            scanner = _scanner_word(health.scanner)
            database = _("DB ok") if health.database is not False else _("DB DOWN")
            prints = health.print_jobs_waiting
            text = Text(no_wrap=True, overflow="ellipsis")
            if app.compact:
                text.append(f"{station.station_code} ", style="bold")
                text.append(f"{operator[:14]} ")
                text.append(_mark(health.scanner) + _("Scn") + " ", style=_style(health.scanner))
                text.append(_mark(health.database) + _("DB") + " ", style=_style(health.database))
                text.append(_("P{count}", count=prints), style="bold" if prints else "")
                if health.print_jobs_failed:
                    text.append(" ")
                    text.append(_("!{count}", count=health.print_jobs_failed), style="bold red")
                return text
            text.append(_("Station {station}", station=station.station_code), style="bold")
            text.append("  ")
            text.append(_("Warehouse {warehouse}", warehouse=station.warehouse_code))
            text.append("  ")
            text.append(operator, style="bold")
            text.append("\n")
            text.append(_mark(health.scanner) + " " + scanner, style=_style(health.scanner))
            text.append("   ")
            text.append(_mark(health.database) + " " + database, style=_style(health.database))
            text.append("   ")
            text.append(
                _("Print jobs waiting: {count}", count=prints), style="bold" if prints else ""
            )
            if health.print_jobs_failed:
                text.append(", ")
                text.append(
                    ngettext("{n} FAILED", "{n} FAILED", health.print_jobs_failed),
                    style="bold reverse red",
                )
            return text


def _scanner_word(state: bool | None) -> str:
    if state is None:
        return _("Keyboard scanner")
    return _("Scanner connected") if state else _("Scanner DISCONNECTED")


def _mark(state: bool | None) -> str:
    return DOWN_MARK if state is False else OK_MARK


def _style(state: bool | None) -> str:
    return "bold red" if state is False else "green"


class Body(Static):
    """The screen's lines: fixed `head` lines, then rows. Rows that do not fit scroll: the
    first or last row shown says how many more there are ("▼ 3 more"), and a chosen row
    (`selected`) always stays in view; without one, arrows scroll (`scroll_rows`).

    Lines that fit are shown as they are (long ones wrap); once rows must scroll, each takes
    one line, cut with "…", so the count of what is hidden is exact."""

    _head: tuple[str, ...] = ()
    _rows: tuple[str, ...] = ()
    _selected: int | None = None
    _first = 0

    def show(self, lines: list[str], selected: int | None = None, head: int = 0) -> None:
        head_lines, rows = tuple(lines[:head]), tuple(lines[head:])
        if selected is None and rows != self._rows:
            self._first = 0  # something else is shown: from its top
        self._head, self._rows, self._selected = head_lines, rows, selected
        self.refresh()

    def scroll_rows(self, step: int) -> bool:
        """Scroll a list without a chosen row by `step` rows; False if it does not scroll."""
        if self._selected is not None or not self._rows:
            return False
        height = self._room()
        if len(self._rows) <= height:
            return False
        first = max(0, min(self._first + step, len(self._rows) - (height - 1)))
        if first == 1:  # row 0 and "▲ 1 more" take the same line: skip it
            first = 2 if step > 0 else 0
        moved = first != self._first
        self._first = first
        self.refresh()
        return moved

    def _room(self) -> int:
        return max(self.size.height - len(self._head), 0) if self.size.height else 10**6

    def render(self) -> Text:
        width = self.size.width or 10**6
        lines = [*self._head, *self._rows]
        rows_needed = sum(max(1, -(-cell_len(line) // width)) for line in lines)
        if not self.size.height or rows_needed <= self.size.height:
            return Text("\n".join(lines), overflow="fold")
        first, count, above, below = window(
            len(self._rows), self._room(), self._first, self._selected
        )
        self._first = first
        text = Text(no_wrap=True, overflow="ellipsis")
        shown: list[tuple[str, str]] = [(line, "") for line in self._head]
        app: FloorApp = self.app  # type: ignore[assignment]
        with language(app.station.language):
            if above:
                shown.append((ngettext("▲ {n} more", "▲ {n} more", above), "dim"))
            shown += [(row, "") for row in self._rows[first : first + count]]
            if below:
                shown.append((ngettext("▼ {n} more", "▼ {n} more", below), "dim"))
        for n, (line, style) in enumerate(shown):
            if n:
                text.append("\n")
            text.append(_cut(line, width), style=style)
        return text


def window(rows: int, room: int, first: int, selected: int | None) -> tuple[int, int, int, int]:
    """Which of `rows` rows to show in `room` lines, a marker line taking one where rows are
    hidden above or below: (first row, rows shown, hidden above, hidden below). The window
    starts at `first` if it can, and moves as little as it must to show `selected`."""
    if rows <= room:
        return 0, rows, 0, 0
    if room < 3:  # no space for markers: just the rows around the chosen one
        start = min(max(selected if selected is not None else first, 0), rows - max(room, 1))
        return start, max(room, 1), 0, 0

    def shown(start: int) -> int:
        space = room - (1 if start > 0 else 0)
        return space if start + space >= rows else space - 1

    last_start = rows - (room - 1)
    first = max(0, min(first, last_start))
    if selected is not None:
        selected = max(0, min(selected, rows - 1))
        first = min(first, selected)
        while selected >= first + shown(first):
            first += 1
    if first == 1:  # "▲ 1 more" would take the line of the row it hides: show the row
        first = 0
    count = min(shown(first), rows - first)
    return first, count, first, rows - first - count


def _cut(line: str, width: int) -> str:
    if cell_len(line) <= width:
        return line
    out = ""
    for char in line:
        if cell_len(out + char) > width - 1:
            break
        out += char
    return out + "…"


class Feedback(Static):
    """The big line that says what a scan was understood as and whether it was accepted."""

    def show(self, text: str, kind: str, expected: str | None = None) -> None:
        """kind: accepted, rejected, working or info."""
        self.set_classes(f"-{kind}")
        lines = [text]
        if expected:
            with language(self.app.station.language):  # type: ignore[attr-defined]
                lines.append(_("Expected: {expected}", expected=expected))
        mark = {"accepted": "✔ ", "rejected": "✘ ", "working": "… "}.get(kind, "")
        self.update(Text(mark + "\n".join(lines), overflow="fold"))
        self.kind = kind

    def clear(self) -> None:
        self.set_classes("")
        self.kind = ""
        self.update("")

    kind: str = ""


class KeyEntry(Static):
    """What the operator is typing (digits for a quantity, a keyed code, a PIN masked)."""

    def show(self, label: str, value: str, masked: bool = False, note: str = "") -> None:
        """`note`: what the last keyed entry was taken as, shown while nothing is keyed."""
        shown = "•" * len(value) if masked else value
        text = Text.assemble(
            (label + " ", "dim"), (shown, "bold"), ("▏", "blink"), no_wrap=True, overflow="ellipsis"
        )
        if note:
            text.append("  " + note, style="italic")
        self.update(text)


class KeyHints(Static):
    """The keys this screen answers to: (name, label, keep) each, fitted to the width.

    When they do not fit, the last ones are left out, except those marked keep (Esc, Ctrl+Q).
    """

    _hints: tuple[tuple[str, str, bool], ...] = ()
    _compact = False

    def show(self, hints: list[tuple[str, str, bool]], compact: bool) -> None:
        self._hints, self._compact = tuple(hints), compact
        self.refresh()

    def render(self) -> Text:
        width = self.size.width or 80
        hints = list(self._hints)
        while len(hints) > 1 and _hints_width(hints, self._compact) > width:
            dropped = next((h for h in reversed(hints) if not h[2]), None)
            if dropped is None:
                break
            hints.remove(dropped)
        text = Text(no_wrap=True, overflow="ellipsis")
        for name, label, _keep in hints:
            text.append(name, style="reverse bold")
            text.append(f"{label} " if self._compact else f" {label}  ")
        text.rstrip()
        return text


def _hints_width(hints: list[tuple[str, str, bool]], compact: bool) -> int:
    gap = 1 if compact else 3
    return sum(len(name) + len(label) + gap for name, label, _keep in hints) - gap
