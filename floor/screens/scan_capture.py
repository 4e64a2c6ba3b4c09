"""Keyboard-wedge scans inside the Textual app: bursts become ScanReceived, typing stays typing.

`ScanInput` is an Input that watches key timing. A fast burst ending in Enter or Tab is a
scan: it posts `ScanReceived(RawScan)` and leaves the field alone. Slower keys are typing:
they land in the field (held for at most the burst interval while undecided) and Enter
submits as usual. Keys typed into the field and a burst after them, before Enter, are one
typed entry: a decision never cuts an entry in two (see floor.devices.wedge). ctrl+] (GS,
0x1D) is kept inside a scan; the stock Input drops it.

`ScanCapture` does the same for a screen with no text field focused: mix it into a Screen
and keys that reach the screen are turned into `ScanReceived` and `TypedEntry` messages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from floor.devices.base import RawScan
from floor.devices.wedge import GS, BurstDetector, TypedText, WedgeEvent, WedgeScan, WedgeSettings

GS_KEYS = frozenset({"ctrl+right_square_bracket", "ctrl+]"})
WEDGE_SOURCE = "wedge"


class ScanReceived(Message):
    """A scan arrived (from the wedge here; the app posts the same for serial scans)."""

    def __init__(self, raw_scan: RawScan) -> None:
        super().__init__()
        self.raw_scan = raw_scan


class TypedEntry(Message):
    """Text a person typed and ended with Enter (ScanCapture only; ScanInput submits)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def key_char(event: events.Key) -> str | None:
    """The character a key stands for in a scan, or None for navigation and the like."""
    if event.key == "enter":
        return "\r"
    if event.key == "tab":
        return "\t"
    if event.key in GS_KEYS or event.character == GS:
        return GS
    if event.is_printable and event.character:
        return event.character
    return None


class _Wedge:
    """Feeds a BurstDetector from key events and schedules the flush of held typing."""

    def __init__(
        self,
        owner: Any,
        settings: WedgeSettings | None,
        clock: Callable[[], float],
        apply: Callable[[WedgeEvent], Any],
        has_entry: Callable[[], bool],
    ) -> None:
        self.detector = BurstDetector(settings)
        self.clock = clock
        self.owner = owner
        self.apply = apply
        self.has_entry = has_entry  # typed text is shown: later keys continue that entry
        self.timer: Timer | None = None
        self.hold = self.detector.settings.max_interval_ms / 1000 * 1.5

    async def key(self, event: events.Key) -> bool:
        """True when the key was taken (held, part of a scan, or replayed as typing)."""
        char = key_char(event)
        if char is None:
            pending = self.detector.take_pending()
            if pending is not None:
                await self.apply(pending)
            return False
        event.stop()
        event.prevent_default()
        if self.detector.typing and not self.has_entry():
            self.detector.reset()  # what was typed is gone: a new entry begins
        for outcome in self.detector.feed(char, self.clock()):
            await self.apply(outcome)
        if self.timer is not None:
            self.timer.stop()
        if self.detector.pending:
            self.timer = self.owner.set_timer(self.hold, self.flush)
        return True

    async def flush(self) -> None:
        self.timer = None
        pending = self.detector.take_pending()
        if pending is not None:
            await self.apply(pending)


def _scan_message(event: WedgeScan) -> ScanReceived:
    return ScanReceived(RawScan.now(event.text.encode("utf-8"), WEDGE_SOURCE))


class ScanInput(Input):
    """An Input that also takes keyboard-wedge scans (see module docstring)."""

    def __init__(
        self,
        *args: Any,
        wedge: WedgeSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._wedge = _Wedge(self, wedge, clock, self._apply, lambda: bool(self.value))

    async def _on_key(self, event: events.Key) -> None:
        await self._wedge.key(event)

    async def _apply(self, outcome: WedgeEvent) -> None:
        if isinstance(outcome, WedgeScan):
            self.post_message(_scan_message(outcome))
            return
        assert isinstance(outcome, TypedText)
        if outcome.text:
            self.insert_text_at_cursor(outcome.text)
        if outcome.terminator == "\r":
            await self.action_submit()
        elif outcome.terminator == "\t":
            self.screen.focus_next()


class ScanCapture:
    """Mixin for a Screen (or any widget): wedge scans from keys that reach it."""

    wedge_settings: WedgeSettings | None = None
    wedge_clock: Callable[[], float] = staticmethod(time.monotonic)

    def _scan_wedge(self) -> _Wedge:
        wedge = self.__dict__.get("_scan_capture_wedge")
        if wedge is None:
            wedge = _Wedge(
                self,
                self.wedge_settings,
                self.wedge_clock,
                self._scan_capture_apply,
                lambda: bool(self.__dict__.get("_scan_capture_typed")),
            )
            self.__dict__["_scan_capture_wedge"] = wedge
        return wedge

    async def on_key(self, event: events.Key) -> None:
        await self._scan_wedge().key(event)

    async def _scan_capture_apply(self, outcome: WedgeEvent) -> None:
        post = self.post_message  # type: ignore[attr-defined]
        if isinstance(outcome, WedgeScan):
            post(_scan_message(outcome))
            return
        typed = self.__dict__.get("_scan_capture_typed", "") + outcome.text
        if outcome.terminator is None:
            self.__dict__["_scan_capture_typed"] = typed
            return
        self.__dict__["_scan_capture_typed"] = ""
        if typed:
            post(TypedEntry(typed))
