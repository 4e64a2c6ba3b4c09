"""DatabasePrintJobStore: print jobs in the shared database, on SQLite and PostgreSQL, and
the print service's retry loop, cross-station retry and claim over it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from floor.config import Settings
from floor.models import PrintJob as PrintJobRow
from floor.printing import JobStatus, PrintJob, PrintService, open_print_service
from floor.printing.db_store import DatabasePrintJobStore
from floor.printing.service import ReprintError
from floor.printing.transports import FolderTransport


def job(station: str = "PACK1", *refs: str, document: bytes = b"%PDF-1.4 label") -> PrintJob:
    return PrintJob(document, "pdf", "shipping", station, tuple(refs))


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def blocked_folder(tmp_path: Path) -> Path:
    """A label folder that cannot be created (its parent is a file), even for root."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    return blocker / "labels"


def test_a_job_round_trips_with_its_document_and_references(engine: Engine) -> None:
    store = DatabasePrintJobStore(engine)
    document = bytes(range(256)) * 200
    first = job("PACK1", "SO1001", "00106141411234567897", document=document)
    store.add(first)

    got = store.get(first.id)
    assert got is not None
    assert got.document == document
    assert got.references == ("SO1001", "00106141411234567897")
    assert (got.status, got.station, got.template, got.format) == (
        JobStatus.WAITING,
        "PACK1",
        "shipping",
        "pdf",
    )
    with engine.connect() as conn:
        stored = conn.execute(select(func.length(PrintJobRow.document))).scalar_one()
    assert stored < len(document) / 10  # compressed in the database

    assert store.find_by_reference("00106141411234567897").id == first.id
    assert store.find_by_reference("SO1001 ").document == document
    assert store.find_by_reference("SO9999") is None
    assert store.get("nope") is None


def test_status_changes_lists_and_counts(engine: Engine) -> None:
    store = DatabasePrintJobStore(engine)
    a, b, c = job("PACK1", "SO1"), job("PACK1", "SO2"), job("PACK2", "SO3")
    for j in (a, b, c):
        store.add(j)
        time.sleep(0.005)

    failed = store.update(b.id, JobStatus.FAILED, attempts=5, error="Printer 10.0.0.9 down")
    assert (failed.status, failed.attempts, failed.error) == (
        JobStatus.FAILED,
        5,
        "Printer 10.0.0.9 down",
    )
    assert failed.document == b.document
    with pytest.raises(KeyError):
        store.update("nope", JobStatus.PRINTED, attempts=1)

    assert [j.id for j in store.list()] == [a.id, b.id, c.id]  # oldest first
    assert [j.id for j in store.list([JobStatus.WAITING], station="PACK1")] == [a.id]
    assert [j.id for j in store.recent(2)] == [c.id, b.id]  # newest first, limited
    assert [j.id for j in store.recent(10, station="PACK2")] == [c.id]
    assert store.count([JobStatus.WAITING, JobStatus.FAILED], station="PACK1") == {
        "waiting": 1,
        "failed": 1,
    }


def test_a_job_is_claimed_once(engine: Engine) -> None:
    store = DatabasePrintJobStore(engine)
    j = job()
    store.add(j)
    claimed = store.claim(j.id, 1)
    assert claimed is not None and claimed.status is JobStatus.PRINTING
    assert claimed.document == j.document
    assert store.claim(j.id, 1) is None  # a second print thread does not print it again
    store.update(j.id, JobStatus.PRINTED, attempts=1)
    assert store.claim(j.id, 2) is None


def test_old_documents_are_dropped_and_reprint_says_so(engine: Engine, tmp_path: Path) -> None:
    store = DatabasePrintJobStore(engine)
    old, fresh = job("PACK1", "SO1"), job("PACK1", "SO2")
    store.add(old)
    store.add(fresh)
    store.update(old.id, JobStatus.PRINTED, attempts=1)
    assert store.forget_documents(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)) == 1
    assert store.get(old.id).document == b""
    assert store.get(fresh.id).document == fresh.document  # not printed yet: kept

    service = PrintService(FolderTransport(tmp_path / "out"), store, station="PACK1")
    try:
        with pytest.raises(ReprintError, match="no longer kept"):
            service.reprint("SO1")
    finally:
        service.close()


def test_the_retry_loop_fails_then_a_retry_prints(engine: Engine, tmp_path: Path) -> None:
    store = DatabasePrintJobStore(engine)
    transport = FolderTransport(blocked_folder(tmp_path))
    service = PrintService(transport, store, station="PACK1", max_attempts=3, backoff_seconds=0.01)
    seen: list[tuple[str, JobStatus]] = []
    service.subscribe(lambda j: seen.append((j.id, j.status)))
    try:
        job_id = service.submit(job("PACK1", "SO1001"))
        assert wait_for(lambda: store.get(job_id).status is JobStatus.FAILED)
        failed = store.get(job_id)
        assert failed.attempts == 3
        assert "Cannot write to the label folder" in failed.error
        assert service.counts().failed == 1 and service.counts().waiting == 0
        assert (job_id, JobStatus.FAILED) in seen

        transport.folder = tmp_path / "labels"  # the operator fixed the printer
        service.retry(job_id)
        assert wait_for(lambda: store.get(job_id).status is JobStatus.PRINTED)
        assert store.get(job_id).attempts == 1
        assert len(list((tmp_path / "labels").glob("*.pdf"))) == 1
        assert service.counts().failed == 0
    finally:
        service.close()


def test_a_supervisor_retry_prints_at_the_station_that_owns_the_job(
    engine: Engine, tmp_path: Path
) -> None:
    pack1_folder = tmp_path / "pack1"
    pack1 = PrintService(
        FolderTransport(pack1_folder),
        DatabasePrintJobStore(engine),
        station="PACK1",
        poll_seconds=0.05,
    )
    supervisor = PrintService(
        FolderTransport(tmp_path / "sup"), DatabasePrintJobStore(engine), station="SUP1"
    )
    try:
        failed = job("PACK1", "SO1001")
        store = DatabasePrintJobStore(engine)
        store.add(failed)
        store.update(failed.id, JobStatus.FAILED, attempts=5, error="paper out")

        assert [j.id for j in supervisor.recent_jobs(all_stations=True)] == [failed.id]
        assert supervisor.recent_jobs() == []  # its own station has none
        supervisor.retry(failed.id)
        assert wait_for(lambda: store.get(failed.id).status is JobStatus.PRINTED)
        assert len(list(pack1_folder.glob("*.pdf"))) == 1
        assert not (tmp_path / "sup").exists()  # not printed at the supervisor's station
    finally:
        pack1.close()
        supervisor.close()


def test_two_services_of_one_station_print_a_job_once(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out"
    services = [
        PrintService(
            FolderTransport(out), DatabasePrintJobStore(engine), station="PACK1", poll_seconds=0.02
        )
        for _ in range(2)
    ]
    try:
        ids = [services[0].submit(job("PACK1", f"SO{n}")) for n in range(5)]
        store = DatabasePrintJobStore(engine)
        assert wait_for(lambda: all(store.get(i).status is JobStatus.PRINTED for i in ids))
        time.sleep(0.2)  # the second service polls a few more times
        assert len(list(out.glob("*.pdf"))) == 5
    finally:
        for service in services:
            service.close()


def test_open_print_service_with_an_engine_keeps_jobs_in_the_database(
    engine: Engine, tmp_path: Path
) -> None:
    settings = Settings(
        station="PACK1",
        data_dir=str(tmp_path / "data"),
        sections={"printer": {"folder": str(tmp_path / "out"), "poll_seconds": 0.1}},
    )
    service = open_print_service(settings, engine=engine)
    try:
        assert isinstance(service.store, DatabasePrintJobStore)
        assert service.poll_seconds == 0.1
        first = service.submit(job("PACK1", "LPN000123"))
        assert service.wait_idle(10)
        again = service.reprint("LPN000123")
        assert service.wait_idle(10)
        copy = service.store.get(again)
        assert (copy.reprint_of, copy.status, copy.printer) == (
            first,
            JobStatus.PRINTED,
            f"folder:{tmp_path / 'out'}",
        )
        assert not (tmp_path / "data" / "print-jobs.jsonl").exists()
    finally:
        service.close()


def test_a_station_restarted_mid_print_prints_the_job_again(engine: Engine, tmp_path: Path) -> None:
    store = DatabasePrintJobStore(engine)
    j = job("PACK1", "SO1")
    store.add(j)
    assert store.claim(j.id, 1) is not None  # the station stopped while printing it
    service = PrintService(FolderTransport(tmp_path / "out"), store, station="PACK1")
    try:
        assert wait_for(lambda: store.get(j.id).status is JobStatus.PRINTED)
        assert store.get(j.id).attempts == 2
    finally:
        service.close()
