"""The scan journal: rows per scan id, the spool while the database is away, replay without
duplicates, and the writer thread."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, select

from floor.db import session_scope
from floor.devices import RawScan
from floor.journal import ACCEPTED, REJECTED, ScanJournal, journal_entry, write_entries
from floor.models import ScanJournalEntry
from floor.scan_spool import ScanSpool
from tests.support import SmallWarehouse

UNREACHABLE = "postgresql+psycopg://floor@127.0.0.1:1/nowhere?connect_timeout=1"


def entry(raw: bytes, outcome: str = ACCEPTED, operator_id: int | None = None):  # type: ignore[no-untyped-def]
    scan = RawScan.now(raw, "test-device")
    return journal_entry(
        scan_id=scan.scan_id,
        station="ST01",
        operator_id=operator_id,
        device=scan.source,
        raw=scan.raw,
        kind="location",
        outcome=outcome,
        message="m",
        read_at=scan.received_at,
    )


def rows(engine: Engine) -> list[ScanJournalEntry]:
    with engine.connect() as conn:
        return list(conn.execute(select(ScanJournalEntry).order_by(ScanJournalEntry.id)).all())


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(ScanJournalEntry)) or 0


def test_a_scan_is_journaled_once_with_station_operator_device_raw_kind_outcome(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    journal = ScanJournal(warehouse.engine, tmp_path / "spool.jsonl")
    picker = warehouse.operators["picker"]
    first = entry(b"A01-01-1\x1d", REJECTED, picker)
    assert journal.write_or_spool(first) is True
    assert journal.write_or_spool(first) is True  # the same scan id again
    [row] = rows(warehouse.engine)
    assert (row.scan_id, row.station, row.operator_id, row.device) == (
        first.scan_id,
        "ST01",
        picker,
        "test-device",
    )
    assert (row.raw, row.kind, row.outcome) == (b"A01-01-1\x1d", "location", REJECTED)
    assert journal.reachable is True


def test_while_the_database_is_away_scans_go_to_the_spool_then_replay_without_duplicates(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    spool = ScanSpool(tmp_path / "spool.jsonl")
    seen: list[bool] = []
    down = create_engine(UNREACHABLE)
    journal = ScanJournal(down, spool, on_reachable=seen.append)
    away = [entry(f"SCAN{n}".encode()) for n in range(3)]
    for item in away:
        assert journal.write_or_spool(item) is False
    assert len(spool) == 3
    assert journal.probe() is False
    assert seen == [False]

    journal.engine = warehouse.engine  # the database is back
    later = entry(b"AFTER")
    assert journal.write_or_spool(later) is True
    assert seen == [False, True]
    assert [r.scan_id for r in rows(warehouse.engine)] == [e.scan_id for e in [*away, later]]
    assert len(spool) == 0

    # A replay interrupted after the rows were committed offers them again: still one row each.
    for item in away:
        spool.append(item)
    assert journal.replay() == 3
    assert count(warehouse.engine) == 4


def test_the_writer_thread_journals_in_order_and_flush_waits(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    journal = ScanJournal(warehouse.engine, tmp_path / "spool.jsonl", probe_seconds=0.05)
    journal.start()
    try:
        items = [entry(f"LPN{n:04d}".encode()) for n in range(20)]
        for item in items:
            journal.record(item)
        assert journal.flush(10)
    finally:
        journal.stop()
    assert [r.scan_id for r in rows(warehouse.engine)] == [e.scan_id for e in items]


def test_probe_replays_the_spool_when_the_database_returns(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    spool = ScanSpool(tmp_path / "spool.jsonl")
    spool.append(entry(b"TOTE01"))
    journal = ScanJournal(warehouse.engine, spool)
    assert journal.probe() is True
    assert count(warehouse.engine) == 1
    assert len(spool) == 0


def test_pending_entry_is_settled_later_and_never_unsettled(engine) -> None:  # type: ignore[no-untyped-def]
    from floor.db import session_scope
    from floor.journal import ACCEPTED, PENDING, journal_entry, write_entries
    from floor.models import ScanJournalEntry

    def entry(outcome: str, kind: str = "location") -> object:
        return journal_entry(
            scan_id="s-1",
            station="ST01",
            operator_id=None,
            device="test",
            raw=b"A01-01-1",
            kind=kind,
            outcome=outcome,
        )

    with session_scope(engine) as s:
        assert write_entries(s, [entry(PENDING, "")]) == 1
    with session_scope(engine) as s:
        assert s.query(ScanJournalEntry).one().outcome == PENDING
        assert write_entries(s, [entry(ACCEPTED)]) == 0
    with session_scope(engine) as s:
        write_entries(s, [entry(PENDING, "")])
        row = s.query(ScanJournalEntry).one()
        assert (row.outcome, row.kind) == (ACCEPTED, "location")


def test_a_batch_of_entries_is_written_on_the_driver_as_stored_by_the_orm_before(
    warehouse: SmallWarehouse,
) -> None:
    """write_entries sends the batch's INSERT itself (no ORM flush, every scan paid for one)
    and stores every column as before: the operator, the raw bytes, the times, no screen."""
    picker = warehouse.operators["picker"]
    batch = [entry(b"A01-01-1", ACCEPTED, picker), entry("Šćž\x1d".encode(), REJECTED)]
    flushes: list[int] = []
    with session_scope(warehouse.engine) as s:
        event.listen(s, "after_flush", lambda *_args: flushes.append(1))
        assert write_entries(s, batch) == 2
        assert write_entries(s, batch) == 0  # already there
    assert flushes == []
    first, second = rows(warehouse.engine)
    assert (first.scan_id, first.operator_id, first.raw, first.outcome, first.screen) == (
        batch[0].scan_id,
        picker,
        b"A01-01-1",
        ACCEPTED,
        "",
    )
    assert (second.operator_id, second.raw, second.outcome) == (None, "Šćž\x1d".encode(), REJECTED)
    # SQLite gives its times back without their zone, as it did through the ORM
    assert second.read_at.replace(tzinfo=None) == batch[1].scanned_at.replace(tzinfo=None)
    assert second.recorded_at is not None
