"""A text progress bar on a terminal stream, redrawn in place; silent when not enabled."""

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
        self._drawn_at = 0.0

    def start(self, label: str, total: int) -> None:
        self.finish()
        self.label, self.total, self.done = label, total, 0
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
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
        self.stream.write(f"\r{self.label} [{bar}] {share * 100:3.0f}% {self.done}/{self.total}")
        self.stream.flush()
