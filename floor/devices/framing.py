"""Cutting a byte stream into scans at the terminator (or after an idle gap)."""

from __future__ import annotations

from floor.config import ConfigError

TERMINATORS: dict[str, bytes | None] = {
    "CR": b"\r",
    "LF": b"\n",
    "CRLF": b"\r\n",
    "TAB": b"\t",
    "NONE": None,
}


def terminator_bytes(name: str, key: str = "terminator") -> bytes | None:
    try:
        return TERMINATORS[name.upper()]
    except (KeyError, AttributeError):
        raise ConfigError(
            f"{key}: expected one of {', '.join(TERMINATORS)}, got {name!r}"
        ) from None


class Framer:
    """Joins reads into whole scans. A scan split across reads is joined; bytes are kept.

    With no terminator a scan ends when no byte came for `idle_timeout` seconds: call
    `poll(now)` when a read times out.
    """

    def __init__(self, terminator: bytes | None, idle_timeout: float = 0.05) -> None:
        self.terminator = terminator
        self.idle_timeout = idle_timeout
        self._buffer = bytearray()
        self._last = 0.0

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def feed(self, data: bytes, now: float) -> list[bytes]:
        if not data:
            return []
        self._last = now
        self._buffer += data
        if self.terminator is None:
            return []
        frames: list[bytes] = []
        term = self.terminator
        while True:
            index = self._buffer.find(term)
            if index < 0:
                break
            frame = bytes(self._buffer[:index])
            del self._buffer[: index + len(term)]
            if frame:
                frames.append(frame)
        return frames

    def poll(self, now: float) -> bytes | None:
        """The pending bytes as a scan when idle long enough (terminator NONE only)."""
        if self.terminator is not None or not self._buffer:
            return None
        if now - self._last < self.idle_timeout:
            return None
        frame = bytes(self._buffer)
        self._buffer.clear()
        return frame

    def discard(self) -> bytes:
        frame = bytes(self._buffer)
        self._buffer.clear()
        return frame
