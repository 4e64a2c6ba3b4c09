"""The scan-journal spool: append, survive a cut-off line, replay once, replay again safely."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from floor.devices.base import new_scan_id
from floor.scan_spool import JournalEntry, ScanSpool


def entry(raw: bytes = b"01\x1d10A", outcome: str = "accepted") -> JournalEntry:
    return JournalEntry(
        scan_id=new_scan_id(),
        station="ST01",
        operator="OP0001",
        device="/dev/ttyACM0",
        raw=raw,
        kind="product",
        outcome=outcome,
        scanned_at=datetime.now(UTC),
        message="Product 09501101530003",
    )


class Database:
    """A fake journal table with a unique scan_id: inserting a known id does nothing."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.rows: dict[str, JournalEntry] = {}
        self.fail_after = fail_after
        self.calls = 0

    def __call__(self, batch: list[JournalEntry]) -> None:
        for item in batch:
            if self.fail_after is not None and self.calls >= self.fail_after:
                raise ConnectionError("database went away again")
            self.calls += 1
            self.rows.setdefault(item.scan_id, item)


def test_entries_round_trip_with_raw_bytes(tmp_path) -> None:
    spool = ScanSpool.in_data_dir(tmp_path)
    first = entry(b"\x00\xff\x1d bytes")
    spool.append(first)
    assert list(spool.entries()) == [first]


def test_replay_after_an_outage_leaves_one_row_per_scan(tmp_path) -> None:
    spool = ScanSpool(tmp_path / "spool.jsonl")
    written = [entry(outcome="rejected" if i % 3 == 0 else "accepted") for i in range(50)]
    for item in written:
        spool.append(item)
    database = Database()
    result = spool.replay(database, batch_size=7)
    assert result.replayed == 50
    assert list(database.rows) == [item.scan_id for item in written]
    assert len(spool) == 0
    assert spool.replay(database).replayed == 0
    assert len(database.rows) == 50


def test_a_crash_in_the_middle_of_replay_loses_nothing_and_duplicates_nothing(tmp_path) -> None:
    spool = ScanSpool(tmp_path / "spool.jsonl")
    written = [entry() for _ in range(30)]
    for item in written:
        spool.append(item)
    database = Database(fail_after=12)
    with pytest.raises(ConnectionError):
        spool.replay(database, batch_size=5)
    assert len(database.rows) == 12
    assert len(spool) == 30  # nothing dropped until the sink has taken it all

    later = entry()
    spool.append(later)  # scans go on while the database is still away
    database.fail_after = None
    result = spool.replay(database, batch_size=5)
    assert result.replayed == 31
    assert sorted(database.rows) == sorted(item.scan_id for item in [*written, later])
    assert len(spool) == 0


def test_a_cut_off_last_line_is_skipped_and_the_next_entry_stays_whole(tmp_path) -> None:
    path = tmp_path / "spool.jsonl"
    spool = ScanSpool(path)
    first = entry()
    spool.append(first)
    with path.open("ab") as fh:
        fh.write(first.to_json().encode()[:25])  # power lost half-way through a write
    second = entry()
    spool.append(second)
    assert [item.scan_id for item in spool.entries()] == [first.scan_id, second.scan_id]
    database = Database()
    result = spool.replay(database)
    assert (result.replayed, result.skipped_lines) == (2, 1)
    damaged = [name for name in os.listdir(tmp_path) if ".damaged." in name]
    assert len(damaged) == 1  # kept for a person to look at
    assert spool.replay(database).replayed == 0


def test_append_is_synced_to_disk(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    spool = ScanSpool(tmp_path / "spool.jsonl")
    spool.append(entry())
    spool.append(entry())
    assert len(synced) == 2
