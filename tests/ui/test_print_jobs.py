"""Pilot tests of printing in the station app: the print service, the status bar, the failed
job notification, and the Print jobs flow (reprint by scan, retry with F2, supervisor view)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from floor.printing import JobStatus, PrintJob
from floor.printing.db_store import DatabasePrintJobStore
from floor.screens.print_jobs import PrintJobsScreen
from labels.model import LpnLabel
from tests.ui.conftest import SIZES, log_in, open_flow, press, scan, settle, text_of


async def until(pilot: Any, check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)
    await settle(pilot)


def printer(folder: Path, **more: Any) -> dict:
    return {"printer": {"folder": str(folder), "backoff_seconds": 0.01, **more}}


def blocked_folder(tmp_path: Path) -> Path:
    """A label folder that cannot be created (its parent is a file), even for root."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    return blocker / "labels"


def lpn_label(code: str) -> LpnLabel:
    return LpnLabel(lpn=code, kind="Pallet", warehouse="TST", location="RCV-01", contents=("x",))


async def open_print_jobs(pilot: Any, badge: str) -> PrintJobsScreen:
    screen = await open_flow(pilot, PrintJobsScreen, badge)
    assert isinstance(pilot.app.screen, PrintJobsScreen)
    return screen


async def test_the_app_prints_in_the_background_and_reprints_by_scan(
    make_app: Callable, tmp_path: Path
) -> None:
    out = tmp_path / "labels"
    app = make_app(sections=printer(out))
    async with app.run_test(size=(100, 30)) as pilot:
        service = app.print_service
        assert service is not None
        assert isinstance(service.store, DatabasePrintJobStore)
        first = service.print_label(lpn_label("LPN0001"), references=("LPN0001", "SO1001"))
        assert service.wait_idle(10)
        await open_print_jobs(pilot, "OPPACKER")
        await until(pilot, lambda: "LPN0001" in text_of(app, "#body"))

        app.inject_scan("SO1001")
        await settle(pilot)
        assert service.wait_idle(10)
        assert "Label of SO1001 sent to the printer again" in text_of(app, "#feedback")
        assert app.screen.query_one("#feedback").has_class("-accepted")
        jobs = service.recent_jobs()
        assert len(jobs) == 2
        assert jobs[0].reprint_of == first and jobs[0].status is JobStatus.PRINTED
        assert len(list(out.glob("*.pdf"))) == 2
        await until(pilot, lambda: text_of(app, "#body").count("LPN0001") == 2)

        # never printed: says so, changes nothing
        assert "Nothing was printed for SO404" in await scan(pilot, "SO404")
        assert app.screen.query_one("#feedback").has_class("-rejected")
        assert len(service.recent_jobs()) == 2
    assert service._thread.is_alive() is False  # stopped with the app


async def test_a_failed_job_is_notified_shown_and_retried_with_f2(
    make_app: Callable, tmp_path: Path
) -> None:
    app = make_app(sections=printer(blocked_folder(tmp_path), max_attempts=2))
    async with app.run_test(size=(100, 30)) as pilot:
        service = app.print_service
        await open_print_jobs(pilot, "OPPACKER")
        assert "Print jobs waiting: 0" in text_of(app, "#status")
        assert "FAILED" not in text_of(app, "#status")

        job_id = service.print_label(lpn_label("LPN0001"), references=("LPN0001",))
        await until(pilot, lambda: "1 FAILED" in text_of(app, "#status"))
        assert service.store.get(job_id).status is JobStatus.FAILED
        notes = [n for n in app._notifications if n.title == "Print job failed"]
        assert len(notes) == 1 and notes[0].severity == "error"
        assert "Cannot write to the label folder" in notes[0].message
        await until(pilot, lambda: "PRINT FAILED" in text_of(app, "#body"))
        assert "Cannot write to the label folder" in text_of(app, "#body")

        service.transport.folder = tmp_path / "fixed"  # paper in, cable plugged
        await pilot.press("f2")
        await settle(pilot)
        assert service.wait_idle(10)
        assert "Print job LPN0001 sent again" in text_of(app, "#feedback")
        assert service.store.get(job_id).status is JobStatus.PRINTED
        assert len(list((tmp_path / "fixed").glob("*.pdf"))) == 1
        await until(pilot, lambda: "FAILED" not in text_of(app, "#status"))
        await until(pilot, lambda: "Printed" in text_of(app, "#body"))

        # nothing failed any more
        assert "No failed print job to retry" in await press(pilot, "f2")


async def test_a_supervisor_sees_every_station_and_an_operator_only_theirs(
    make_app: Callable, tmp_path: Path
) -> None:
    app = make_app(sections=printer(tmp_path / "labels"))
    store = DatabasePrintJobStore(app.station.engine)
    other = PrintJob(b"^XA^XZ", "zpl", "lpn", "PACK9", ("LPN7777",))
    store.add(other)
    store.update(other.id, JobStatus.FAILED, attempts=5, error="Printer 10.0.0.9:9100 down")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_print_jobs(pilot, "OPSUPERVISOR")
        await until(pilot, lambda: "LPN7777" in text_of(app, "#body"))
        assert "PACK9" in text_of(app, "#body")
        assert "Printer 10.0.0.9:9100 down" in text_of(app, "#body")
        assert "FAILED" not in text_of(app, "#status")  # the status bar counts this station's

        # queued again for PACK9's own print service
        assert "queued again for station PACK9" in await press(pilot, "f2")
        assert store.get(other.id).status is JobStatus.WAITING
        assert app.print_service.counts().waiting == 0  # not printed here

        await pilot.press("escape")
        await settle(pilot)
        app.log_out()
        await settle(pilot)
        await open_print_jobs(pilot, "OPPACKER")
        await until(pilot, lambda: "No print jobs yet" in text_of(app, "#body"))
        assert "LPN7777" not in text_of(app, "#body")


async def test_printing_off_means_no_print_service(make_app: Callable) -> None:
    app = make_app(sections={"printer": {"kind": "none"}})
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.print_service is None
        await open_print_jobs(pilot, "OPPACKER")
        assert text_of(app, "#prompt") == "Printing is off at this station"
        assert "Printing is off at this station" in await scan(pilot, "SO1001")


async def test_a_stuck_printer_does_not_hold_up_the_station(
    make_app: Callable, tmp_path: Path
) -> None:
    app = make_app(sections=printer(tmp_path / "labels"))
    release = threading.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        service = app.print_service
        deliver = service.transport.deliver
        service.transport.deliver = lambda doc, name: (release.wait(10), deliver(doc, name))
        await log_in(pilot, "OPPACKER")
        started = time.monotonic()
        job_id = service.print_label(lpn_label("LPN0001"), references=("LPN0001",))
        assert time.monotonic() - started < 1.0  # queued, not printed
        await until(pilot, lambda: service.store.get(job_id).status is JobStatus.PRINTING)
        await until(pilot, lambda: "Print jobs waiting: 1" in text_of(app, "#status"))
        app.open_flow(PrintJobsScreen)  # the station goes on while the printer hangs
        await settle(pilot)
        assert isinstance(app.screen, PrintJobsScreen)
        release.set()
        assert service.wait_idle(10)
        assert service.store.get(job_id).status is JobStatus.PRINTED


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_print_jobs(
    snap_compare: Callable, make_app: Callable, tmp_path: Path, size: Any
) -> None:
    """The Print jobs screen with no jobs yet (job times would make a snapshot change)."""

    async def opened(pilot: Any) -> None:
        await open_print_jobs(pilot, "OPPACKER")

    app = make_app(sections=printer(tmp_path / "labels"))
    assert snap_compare(app, terminal_size=size, run_before=opened)
