"""A text progress bar on a terminal stream, redrawn in place; silent when not enabled.

It counts rows, or bytes (`unit="bytes"`, shown in MB) while a file is read.
"""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, stream: TextIO, *, enabled: bool, min_interval: float = 0.1) -> None:
        self.stream = stream
        self.enabled = enabled
        self.min_interval = min_interval
        self.label = ""
        self.total = 0
        self.done = 0
        self.unit = ""
        self._drawn_at = 0.0

    def start(self, label: str, total: int, *, unit: str = "") -> None:
        self.finish()
        self.label, self.total, self.done, self.unit = label, total, 0, unit
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int) -> None:
        """`done` of `total` are done now."""
        self.done = done
        if self.enabled:
            self._draw(force=self.done >= self.total)

    def finish(self) -> None:
        if self.enabled and self.label:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
        self.label = ""

    def _draw(self, *, force: bool) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn_at < self.min_interval:
            return
        self._drawn_at = now
        share = min(1.0, self.done / self.total) if self.total else 1.0
        filled = round(WIDTH * share)
        bar = "#" * filled + "-" * (WIDTH - filled)
        if self.unit == "bytes":
            count = f"{self.done / 1e6:.1f}/{self.total / 1e6:.1f} MB"
        else:
            count = f"{self.done}/{self.total}"
        self.stream.write(f"\r{self.label} [{bar}] {share * 100:3.0f}% {count}")
        self.stream.flush()
