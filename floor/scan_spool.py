"""The local scan-journal spool: an append-only JSON-lines file used while the database is away.

Each entry is one journal row (scan id, station, operator, device, raw bytes, parsed kind,
outcome, time), written and fsync'd before `append` returns. After a crash the last line
may be cut short; reading skips it. `replay(sink)` hands every entry to the sink and drops
the file only after the sink has taken them all; a crash half-way leaves the file in place,
and replaying again is safe because the database keeps one row per scan id.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SPOOL_NAME = "scan-journal.spool.jsonl"


@dataclass(frozen=True)
class JournalEntry:
    scan_id: str
    station: str
    operator: str | None
    device: str
    raw: bytes
    kind: str
    outcome: str
    scanned_at: datetime
    message: str = ""

    def to_json(self) -> str:
        data = asdict(self)
        data["raw"] = base64.b64encode(self.raw).decode("ascii")
        data["scanned_at"] = self.scanned_at.isoformat()
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> JournalEntry:
        data: dict[str, Any] = json.loads(line)
        data["raw"] = base64.b64decode(data["raw"])
        scanned_at = datetime.fromisoformat(data["scanned_at"])
        data["scanned_at"] = scanned_at if scanned_at.tzinfo else scanned_at.replace(tzinfo=UTC)
        return cls(**data)


JournalSink = Callable[[list[JournalEntry]], None]
"""Takes a batch of entries into the database; returns only once they are committed.

It must ignore entries whose scan_id is already journaled (the spool may replay twice)."""


@dataclass(frozen=True)
class ReplayResult:
    replayed: int
    skipped_lines: int


class ScanSpool:
    """An append-only spool file in the station's data folder."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._replay_lock = threading.Lock()

    @classmethod
    def in_data_dir(cls, data_dir: str | Path) -> ScanSpool:
        return cls(Path(data_dir) / SPOOL_NAME)

    def append(self, entry: JournalEntry) -> None:
        line = (entry.to_json() + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                if self._ends_mid_line(fd):
                    # A crash cut the last entry short: start a fresh line so this one stays whole.
                    line = b"\n" + line
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    @staticmethod
    def _ends_mid_line(fd: int) -> bool:
        size = os.fstat(fd).st_size
        return size > 0 and os.pread(fd, 1, size - 1) != b"\n"

    def __len__(self) -> int:
        return sum(1 for _ in self.entries())

    def entries(self) -> Iterator[JournalEntry]:
        """Entries not yet replayed: those of an interrupted replay first, then the spool."""
        for path in [*self._replaying(), self.path]:
            yield from _read(path)[0]

    def _replaying(self) -> list[Path]:
        return sorted(self.path.parent.glob(self.path.name + ".replaying.*"))

    def replay(self, sink: JournalSink, batch_size: int = 200) -> ReplayResult:
        """Hand all entries to `sink` in order; delete each file once the sink took it all.

        The spool is first renamed aside, so scans journaled during the replay go to a fresh
        spool. If the sink raises, the renamed file stays and the next replay offers its
        entries again (the sink skips those it already has, by scan id).
        """
        with self._replay_lock:
            return self._replay(sink, batch_size)

    def _replay(self, sink: JournalSink, batch_size: int) -> ReplayResult:
        with self._lock:
            if self.path.exists():
                aside = self.path.with_name(f"{self.path.name}.replaying.{time.time_ns()}")
                os.replace(self.path, aside)
        replayed = skipped = 0
        for path in self._replaying():
            entries, bad = _read(path)
            for start in range(0, len(entries), batch_size):
                sink(entries[start : start + batch_size])
            replayed += len(entries)
            skipped += bad
            if bad:
                # Keep unreadable lines for a person to look at; never feed them again.
                os.replace(path, path.with_name(path.name.replace(".replaying.", ".damaged.")))
            else:
                path.unlink()
        return ReplayResult(replayed, skipped)


def _read(path: Path) -> tuple[list[JournalEntry], int]:
    """Entries of one file, and how many lines could not be read (a cut-off last line)."""
    if not path.exists():
        return [], 0
    entries: list[JournalEntry] = []
    skipped = 0
    with path.open("rb") as fh:
        for raw_line in fh:
            if not raw_line.strip():
                continue
            try:
                entries.append(JournalEntry.from_json(raw_line.decode("utf-8")))
            except (ValueError, KeyError, TypeError):
                skipped += 1
    return entries, skipped
