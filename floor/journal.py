"""The scan journal: every raw scan with station, operator, device, parsed kind and outcome.

`ScanJournal.record()` never blocks the caller: a writer thread inserts entries into the
`scan_journal` table in order. When the database cannot be reached the entry goes to the
local append-only spool (floor.scan_spool) instead, and the spool is replayed into the
database as soon as it answers again. The table keeps one row per scan id, so a replay
that runs twice, or a scan recorded twice, leaves a single row.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.orm import Session

from floor.driver_sql import DriverStatement, cursor_of
from floor.models import ScanJournalEntry, utcnow
from floor.scan_spool import JournalEntry, ScanSpool

log = logging.getLogger(__name__)

ACCEPTED = "accepted"
REJECTED = "rejected"
IGNORED = "ignored"
PENDING = "pending"  # journaled on arrival; the outcome replaces it once settled
OUTCOMES = (ACCEPTED, REJECTED, IGNORED)

_STOP = object()


def operator_ref(operator_id: int | None) -> str | None:
    return None if operator_id is None else str(operator_id)


def write_entries(session: Session, entries: Iterable[JournalEntry]) -> int:
    """Insert entries whose scan id is not journaled yet, and settle pending ones; returns
    how many rows were new. A settled outcome is never replaced."""
    batch: dict[str, JournalEntry] = {}
    for entry in entries:
        if entry.scan_id not in batch or batch[entry.scan_id].outcome == PENDING:
            batch[entry.scan_id] = entry
    if not batch:
        return 0
    existing = {
        scan_id: outcome
        for scan_id, outcome in session.execute(
            select(ScanJournalEntry.scan_id, ScanJournalEntry.outcome).where(
                ScanJournalEntry.scan_id.in_(list(batch))
            )
        )
    }
    for scan_id, outcome in existing.items():
        entry = batch[scan_id]
        if outcome == PENDING and entry.outcome != PENDING:
            session.execute(
                update(ScanJournalEntry)
                .where(ScanJournalEntry.scan_id == scan_id, ScanJournalEntry.outcome == PENDING)
                .values(outcome=entry.outcome[:20], kind=entry.kind[:20], message=entry.message)
            )
    new = [entry for scan_id, entry in batch.items() if scan_id not in existing]
    if new:
        now = utcnow()
        cursor, conn = cursor_of(session)
        try:
            _INSERT.execute_many(cursor, conn, [_row(entry, now) for entry in new])
        finally:
            cursor.close()
    return len(new)


# one executemany for a batch of entries, on the driver (floor.driver_sql): every scan of
# every station is journaled, and the ORM's flush cost more than the INSERT itself
_COLUMNS = [c.name for c in ScanJournalEntry.__table__.columns if not c.primary_key]
_INSERT = DriverStatement(insert(ScanJournalEntry.__table__).inline(), _COLUMNS)


def _row(entry: JournalEntry, now: datetime) -> dict[str, object]:
    operator = entry.operator
    return {
        "scan_id": entry.scan_id,
        "station": entry.station[:20],
        "operator_id": int(operator) if operator and operator.isdigit() else None,
        "device": entry.device[:120],
        "raw": entry.raw,
        "kind": entry.kind[:20],
        "outcome": entry.outcome[:20],
        "message": entry.message,
        "screen": "",
        "read_at": entry.scanned_at,
        "recorded_at": now,
    }


class ScanJournal:
    """Journals scans from one station; a writer thread keeps the UI thread free."""

    def __init__(
        self,
        engine: Engine,
        spool: ScanSpool | str | Path,
        *,
        on_reachable: Callable[[bool], None] | None = None,
        probe_seconds: float = 5.0,
    ) -> None:
        self.engine = engine
        self.spool = spool if isinstance(spool, ScanSpool) else ScanSpool(spool)
        self.on_reachable = on_reachable
        self.probe_seconds = probe_seconds
        self.reachable: bool | None = None
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None

    # The synchronous core; the writer thread calls these, tests may too.

    def write(self, entries: list[JournalEntry]) -> int:
        from floor.db import transaction

        return transaction(self.engine, lambda session: write_entries(session, entries))

    def write_or_spool(self, entry: JournalEntry) -> bool:
        """Into the database if it answers (replaying the spool first), else into the spool."""
        try:
            if self.has_spooled():
                self.replay()
            self.write([entry])
        except Exception as exc:  # any failure: the scan must not be lost
            log.warning("scan journal: database unavailable, spooling %s: %s", entry.scan_id, exc)
            self.spool.append(entry)
            self._set_reachable(False)
            return False
        self._set_reachable(True)
        return True

    def has_spooled(self) -> bool:
        return any(True for _ in self.spool.entries())

    def replay(self) -> int:
        """Move spooled entries into the database; raises if it is still unreachable."""
        result = self.spool.replay(self.write)
        if result.replayed:
            log.info("scan journal: replayed %d spooled scans", result.replayed)
        return result.replayed

    def probe(self) -> bool:
        """Is the database there? Replays the spool when it is."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            if self.has_spooled():
                self.replay()
        except Exception as exc:
            log.debug("scan journal: probe failed: %s", exc)
            self._set_reachable(False)
            return False
        self._set_reachable(True)
        return True

    def _set_reachable(self, reachable: bool) -> None:
        changed = reachable != self.reachable
        self.reachable = reachable
        if changed and self.on_reachable is not None:
            try:
                self.on_reachable(reachable)
            except Exception:
                log.exception("scan journal: reachability callback failed")

    # The writer thread.

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="scan-journal", daemon=True)
            self._thread.start()

    def record(self, entry: JournalEntry) -> None:
        """Journal `entry` soon, in order; returns at once. Without a thread, writes now."""
        if self._thread is None:
            self.write_or_spool(entry)
            return
        self._queue.put(entry)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every recorded entry is in the database or the spool."""
        deadline = time.monotonic() + timeout
        done = self._queue.all_tasks_done
        with done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                done.wait(remaining)
        return True

    def stop(self, timeout: float = 2.0) -> None:
        if self._thread is None:
            return
        self._queue.put(_STOP)
        self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=self.probe_seconds)
            except queue.Empty:
                self.probe()
                continue
            try:
                if item is _STOP:
                    return
                assert isinstance(item, JournalEntry)
                self.write_or_spool(item)
            finally:
                self._queue.task_done()


def journal_entry(
    *,
    scan_id: str,
    station: str,
    operator_id: int | None,
    device: str,
    raw: bytes,
    kind: str,
    outcome: str,
    message: str = "",
    read_at: datetime | None = None,
) -> JournalEntry:
    return JournalEntry(
        scan_id=scan_id,
        station=station,
        operator=operator_ref(operator_id),
        device=device,
        raw=raw,
        kind=kind,
        outcome=outcome,
        scanned_at=read_at or datetime.now(UTC),
        message=message,
    )
