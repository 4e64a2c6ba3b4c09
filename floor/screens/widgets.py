"""The shell's widgets: status bar, feedback line, key entry line and key hints.

None of them takes focus: keys go to the screen, which feeds the keyboard-wedge detector.
Each renders in the station's current language (explicitly, not through the asyncio context).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
