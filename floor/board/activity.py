"""What stations and people did this shift, read incrementally from the scan journal and the ledger.

A board reads the journal and the ledger from the first row of the shift once, then only the
rows added since its last read (by id), so a refresh costs what happened in the last second,
never the whole shift. On PostgreSQL a row with a lower id can commit after one with a higher
id (ids are taken at insert, rows show at commit): ids skipped over are read again for
`RECHECK_SECONDS`. A journal row still pending (the scan is being handled) is read again until
it has its outcome.

From the journal, per station: scans, accepted and rejected, rejected in a row, last scan.
From the ledger, per operator: lines (ledger transactions) and units, first and last at;
per station: the time from a scan's reading to the ledger transaction it confirmed;
per wave (a pick's reference is its cart, `<wave>-C0001`): units picked lately (the
rate); per chart bucket: lines picked.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import OrderedDict, defaultdict, deque
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from floor.models import Movement, ScanJournalEntry, StockTransaction


def wave_of_reference(reference: str) -> str:
    """The wave code of a ledger reference: a cart `W260101-003-C0002` or the wave itself."""
    head, sep, tail = reference.rpartition("-C")
    return head if sep and tail.isdigit() else reference


RECHECK_SECONDS = 30.0
MAX_RECHECK = 5000
BATCH = 5000
LATENCY_SAMPLES = 500
SCAN_TIMES_KEPT = 20000
PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; they were stored as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


class IdTail:
    """The highest id read, and ids to read again (skipped over, or pending) for a while."""

    def __init__(self) -> None:
        self.high: int | None = None
        self.recheck: dict[int, float] = {}

    def seen(self, row_id: int, clock: float, *, again: bool = False) -> None:
        """`row_id` was read; `again`: read it again next time (not settled yet)."""
        if self.high is not None and row_id > self.high + 1:
            for missing in range(self.high + 1, min(row_id, self.high + 1 + MAX_RECHECK)):
                self.recheck.setdefault(missing, clock)
        if self.high is None or row_id > self.high:
            self.high = row_id
        if again:
            self.recheck.setdefault(row_id, clock)
        else:
            self.recheck.pop(row_id, None)

    def expire(self, clock: float) -> None:
        for row_id, since in list(self.recheck.items()):
            if clock - since > RECHECK_SECONDS:
                del self.recheck[row_id]
        if len(self.recheck) > MAX_RECHECK:
            for row_id in sorted(self.recheck)[: len(self.recheck) - MAX_RECHECK]:
                del self.recheck[row_id]


@dataclass
class StationActivity:
    scans: int = 0
    accepted: int = 0
    rejected: int = 0
    rejected_in_a_row: int = 0
    last_rejection: str = ""
    last_scan_at: dt.datetime | None = None
    operator_id: int | None = None
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=LATENCY_SAMPLES))

    @property
    def rejected_rate(self) -> float | None:
        decided = self.accepted + self.rejected
        return self.rejected / decided if decided else None

    @property
    def median_confirm_seconds(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None


@dataclass
class OperatorActivity:
    lines: int = 0
    picks: int = 0
    units: int = 0
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None

    def saw(self, at: dt.datetime | None) -> None:
        if at is None:
            return
        if self.first_at is None or at < self.first_at:
            self.first_at = at
        if self.last_at is None or at > self.last_at:
            self.last_at = at

    def lines_per_hour(self, now: dt.datetime) -> float | None:
        if self.first_at is None:
            return None
        hours = max((now - self.first_at).total_seconds(), 600.0) / 3600
        return self.lines / hours


class Activity:
    """The shift's activity, kept up to date by `read(session)` (only new rows each time)."""

    def __init__(
        self, shift_start: dt.datetime, *, bucket_minutes: int = 10, window_minutes: int = 15
    ) -> None:
        self.shift_start = shift_start
        self.bucket = dt.timedelta(minutes=bucket_minutes)
        self.window = dt.timedelta(minutes=window_minutes)
        self.journal = IdTail()
        self.ledger = IdTail()
        self.stations: dict[str, StationActivity] = defaultdict(StationActivity)
        self.operators: dict[int, OperatorActivity] = defaultdict(OperatorActivity)
        # units picked per wave within the rate window: the picks, and their running sum
        self.recent_picks: dict[str, deque[tuple[dt.datetime, int]]] = defaultdict(deque)
        self.recent_units: dict[str, int] = defaultdict(int)
        self.lines_per_bucket: dict[int, int] = defaultdict(int)
        self.scan_times: OrderedDict[str, tuple[str, dt.datetime]] = OrderedDict()
        self.changed_references: set[str] = set()
        self.started = False

    # -- reading ----------------------------------------------------------------------------

    def read(self, session: Session, clock: float | None = None) -> None:
        """Read what was added since the last call (the whole shift the first time)."""
        clock = time.monotonic() if clock is None else clock
        if not self.started:
            self.journal.high = _first_id(
                session, ScanJournalEntry.id, ScanJournalEntry.read_at, self.shift_start
            )
            self.ledger.high = _first_id(
                session, StockTransaction.id, StockTransaction.created_at, self.shift_start
            )
            self.started = True
        self.changed_references = set()
        self._read_journal(session, clock)
        self._read_ledger(session, clock)
        self.journal.expire(clock)
        self.ledger.expire(clock)

    def _read_journal(self, session: Session, clock: float) -> None:
        columns = (
            ScanJournalEntry.id,
            ScanJournalEntry.scan_id,
            ScanJournalEntry.station,
            ScanJournalEntry.operator_id,
            ScanJournalEntry.outcome,
            ScanJournalEntry.message,
            ScanJournalEntry.read_at,
        )
        for rows in _batches(session, columns, ScanJournalEntry.id, self.journal):
            for row_id, scan_id, station, operator_id, outcome, message, read_at in rows:
                read_at = aware(read_at)
                pending = outcome == PENDING
                self.journal.seen(row_id, clock, again=pending)
                self._scan_time(scan_id, station, read_at)
                stats = self.stations[station]
                if read_at is not None and (
                    stats.last_scan_at is None or read_at > stats.last_scan_at
                ):
                    stats.last_scan_at = read_at
                    stats.operator_id = operator_id
                if pending:
                    continue
                stats.scans += 1
                if outcome == REJECTED:
                    stats.rejected += 1
                    stats.rejected_in_a_row += 1
                    stats.last_rejection = message or ""
                elif outcome == ACCEPTED:
                    stats.accepted += 1
                    stats.rejected_in_a_row = 0
                if operator_id is not None:
                    self.operators[operator_id].saw(read_at)

    def _scan_time(self, scan_id: str, station: str, read_at: dt.datetime | None) -> None:
        if read_at is None or scan_id in self.scan_times:
            return
        self.scan_times[scan_id] = (station, read_at)
        while len(self.scan_times) > SCAN_TIMES_KEPT:
            self.scan_times.popitem(last=False)

    def _read_ledger(self, session: Session, clock: float) -> None:
        columns = (
            StockTransaction.id,
            StockTransaction.kind,
            StockTransaction.operator_id,
            StockTransaction.station,
            StockTransaction.reference,
            StockTransaction.scan_id,
            StockTransaction.created_at,
        )
        unmatched: list[tuple[str, str, dt.datetime]] = []
        for batch in _batches(session, columns, StockTransaction.id, self.ledger):
            # units moved in (positive deltas), by the movements' index on transaction_id
            ids = [row[0] for row in batch]
            units: dict[int, int] = {}
            moved_in = func.sum(
                case((Movement.quantity_delta > 0, Movement.quantity_delta), else_=0)
            )
            for start in range(0, len(ids), 1000):
                units.update(
                    session.execute(
                        select(Movement.transaction_id, moved_in)
                        .where(Movement.transaction_id.in_(ids[start : start + 1000]))
                        .group_by(Movement.transaction_id)
                    ).all()
                )
            rows = [(*row, units.get(row[0], 0)) for row in batch]
            for row_id, kind, operator_id, station, reference, scan_id, at, moved in rows:
                at = aware(at)
                self.ledger.seen(row_id, clock)
                if reference:
                    self.changed_references.add(reference)
                if operator_id is not None:
                    person = self.operators[operator_id]
                    person.lines += 1
                    person.units += int(moved or 0)
                    person.saw(at)
                    if kind == "pick":
                        person.picks += 1
                if kind == "pick" and at is not None:
                    wave = wave_of_reference(reference or "")
                    self.recent_picks[wave].append((at, int(moved or 0)))
                    self.recent_units[wave] += int(moved or 0)
                    self.lines_per_bucket[self.bucket_of(at)] += 1
                if scan_id and at is not None:
                    known = self.scan_times.get(scan_id)
                    if known is not None:
                        self._latency(known[0] or station, known[1], at)
                    else:
                        unmatched.append((scan_id, station, at))
        if unmatched:
            self._match_scans(session, unmatched)

    def _match_scans(self, session: Session, unmatched: list[tuple[str, str, dt.datetime]]) -> None:
        """Ledger rows whose scan the journal tail has not read: look their reading up."""
        for start in range(0, len(unmatched), 500):
            chunk = unmatched[start : start + 500]
            found = {
                scan_id: (station, aware(read_at))
                for scan_id, station, read_at in session.execute(
                    select(
                        ScanJournalEntry.scan_id, ScanJournalEntry.station, ScanJournalEntry.read_at
                    ).where(ScanJournalEntry.scan_id.in_([s for s, _st, _at in chunk]))
                )
            }
            for scan_id, station, at in chunk:
                if scan_id in found and found[scan_id][1] is not None:
                    journal_station, read_at = found[scan_id]
                    self._latency(journal_station or station, read_at, at)  # type: ignore[arg-type]

    def _latency(self, station: str, read_at: dt.datetime, confirmed_at: dt.datetime) -> None:
        seconds = (confirmed_at - read_at).total_seconds()
        if 0 <= seconds < 3600:
            self.stations[station].latencies.append(seconds)

    # -- what the board asks --------------------------------------------------------------

    def bucket_of(self, at: dt.datetime) -> int:
        return int((at - self.shift_start) / self.bucket)

    def chart(self, now: dt.datetime) -> list[int]:
        """Lines picked per bucket from the start of the shift to now."""
        last = max(self.bucket_of(now), 0)
        return [self.lines_per_bucket.get(n, 0) for n in range(last + 1)]

    def picked_lately(self, now: dt.datetime) -> dict[str, int]:
        """Units picked within the rate window, per wave code; older picks are dropped as they
        leave the window (a running sum per wave: the cost is the picks that come and go)."""
        since = now - self.window
        for wave, picks in list(self.recent_picks.items()):
            while picks and picks[0][0] < since:
                self.recent_units[wave] -= picks.popleft()[1]
            if not picks:
                del self.recent_picks[wave]
                self.recent_units.pop(wave, None)
        return dict(self.recent_units)


def _first_id(session: Session, id_column, time_column, since: dt.datetime) -> int:  # type: ignore[no-untyped-def]
    """The id before the first row at or after `since` (by the time column's index)."""
    first = session.scalar(
        select(id_column).where(time_column >= since).order_by(time_column, id_column).limit(1)
    )
    if first is not None:
        return int(first) - 1
    return int(session.scalar(select(func.max(id_column))) or 0)


def _batches(session: Session, columns, id_column, tail: IdTail):  # type: ignore[no-untyped-def]
    """Rows above the tail's high id (in batches), then the ids to read again."""
    while True:
        query = select(*columns).where(id_column > (tail.high or 0))
        rows = session.execute(query.order_by(id_column).limit(BATCH)).all()
        if rows:
            yield rows
        if len(rows) < BATCH:
            break
    if tail.recheck:
        ids = sorted(tail.recheck)
        for start in range(0, len(ids), 500):
            query = select(*columns).where(id_column.in_(ids[start : start + 500]))
            rows = session.execute(query.order_by(id_column)).all()
            if rows:
                yield rows
