"""Keyboard wedge: telling a scanner's burst of keys from a person typing.

A scanner types a whole barcode in a few milliseconds per key and ends with Enter or Tab;
a person leaves far longer gaps. Timing alone is not reliable (a loaded station reads keys
typed by hand in one batch), so timing only ever decides what a whole entry was, never
where one ends: an entry is everything up to Enter or Tab. `BurstDetector` is pure: feed it
characters with their arrival time, it says what was a scan and what was typing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from floor.config import ConfigError

GS = "\x1d"
ENTER = "\r"
TAB = "\t"
_TERMINATOR_NAMES = {"enter": ENTER, "tab": TAB}


@dataclass(frozen=True)
class WedgeSettings:
    """`[wedge]`: max_interval_ms between keys of one scan, min_length of a scan, terminators."""

    max_interval_ms: int = 50
    min_length: int = 4
    terminators: tuple[str, ...] = ("enter", "tab")

    @property
    def terminator_chars(self) -> frozenset[str]:
        return frozenset(_TERMINATOR_NAMES[name] for name in self.terminators)

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> WedgeSettings:
        values: dict[str, Any] = {}
        for key, value in section.items():
            if key in ("max_interval_ms", "min_length"):
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise ConfigError(
                        f"wedge.{key}: expected a positive whole number, got {value!r}"
                    )
                values[key] = value
            elif key == "terminators":
                names = [value] if isinstance(value, str) else value
                if (
                    not isinstance(names, list | tuple)
                    or not names
                    or any(str(name).lower() not in _TERMINATOR_NAMES for name in names)
                ):
                    raise ConfigError(
                        f'wedge.terminators: expected a list of "enter" and/or "tab", got {value!r}'
                    )
                values[key] = tuple(str(name).lower() for name in names)
            else:
                raise ConfigError(
                    f"wedge.{key}: unknown setting; expected max_interval_ms, min_length or "
                    "terminators"
                )
        return cls(**values)


@dataclass(frozen=True, slots=True)
class WedgeScan:
    """A completed scanner burst (terminator not included; GS kept)."""

    text: str
    terminator: str


@dataclass(frozen=True, slots=True)
class TypedText:
    """Keys a person typed; `terminator` is the Enter or Tab they pressed after, if any."""

    text: str
    terminator: str | None = None


WedgeEvent = WedgeScan | TypedText


class BurstDetector:
    """Collects one entry (the keys up to Enter or Tab) and says, at its end, whether it was a
    scanner's burst or a person typing.

    An entry is a scan only when every key of it, the terminator included, came within
    `max_interval_ms` of the one before and it has at least `min_length` characters. Once a
    gap shows a person is typing, the keys held so far are handed over as `TypedText` and
    every later key of the same entry too, at once, whatever its timing: a decision never
    cuts one entry in two (a date typed by hand and read partly in a burst on a loaded
    station stays one date). The entry ends at the terminator, or with `reset()` when the
    screen has dropped what was typed (Esc, a menu choice, another screen).
    """

    def __init__(self, settings: WedgeSettings | None = None) -> None:
        self.settings = settings or WedgeSettings()
        self._interval = self.settings.max_interval_ms / 1000
        self._terminators = self.settings.terminator_chars
        self._buffer: list[str] = []
        self._last = 0.0
        self._typing = False

    @property
    def pending(self) -> str:
        """Keys held while it is not yet known whether they are a scan."""
        return "".join(self._buffer)

    @property
    def typing(self) -> bool:
        """Keys of the entry in progress were handed over as typing."""
        return self._typing

    def feed(self, char: str, now: float) -> list[WedgeEvent]:
        """One key's character ("\\r" for Enter, "\\t" for Tab, "\\x1d" for ctrl+]) at `now`."""
        events: list[WedgeEvent] = []
        gap_ok = now - self._last <= self._interval
        if self._buffer and not gap_ok:
            self._typing = True  # a person's pause: the whole entry is typing
        if char in self._terminators:
            if not self._typing and gap_ok and len(self._buffer) >= self.settings.min_length:
                events.append(WedgeScan(self.pending, char))
            else:
                events.append(TypedText(self.pending, char))
            self._buffer.clear()
            self._typing = False
        elif self._typing:
            events.append(TypedText(self.pending + char))
            self._buffer.clear()
        else:
            self._buffer.append(char)
        self._last = now
        return events

    def flush(self, now: float) -> TypedText | None:
        """Keys held longer than the interval are typing; hand them over (the entry goes on)."""
        if self._buffer and now - self._last > self._interval:
            return self.take_pending()
        return None

    def take_pending(self) -> TypedText | None:
        """Hand the held keys over as typing now (before Backspace, a function key...)."""
        if not self._buffer:
            return None
        text = TypedText(self.pending)
        self._buffer.clear()
        self._typing = True
        return text

    def reset(self) -> None:
        """The entry is over without a terminator: the next key starts a new one."""
        self._buffer.clear()
        self._typing = False
