"""The print queue: `submit()` returns a job id at once; a thread delivers and retries.

Scan flows never wait for a printer. A failed delivery is retried up to
`max_attempts` times with exponential backoff; every status change is stored and passed
to the listeners (the station's status bar, the supervisor screen).

With `poll_seconds`, the print thread also looks in the store for waiting jobs of its
station it does not know of (a supervisor at another station pressed retry, or
`floor print retry` ran in another process) and prints them. Before printing, a job is
claimed in the store (WAITING -> PRINTING only if still waiting), so two print threads
never print the same job twice.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from floor.errors import NotFound
from floor.i18n import _
from floor.printing.jobs import JobStatus, PrintJob, new_job_id, now
from floor.printing.settings import PrinterSettings, load_printer_settings
from floor.printing.store import JsonLinesPrintJobStore, PrintJobStore
from floor.printing.transports import PrintError, Transport, make_transport

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
_ADOPT = "\0adopt"  # the print thread's turn to look for jobs queued elsewhere
Listener = Callable[[PrintJob], None]


class PrintingDisabled(RuntimeError):
    """`[printer] kind = "none"`: this station does not print."""


class ReprintError(NotFound, LookupError):
    """Nothing was printed for that reference, or it cannot be printed here again."""


@dataclass(frozen=True)
class PrintCounts:
    waiting: int
    failed: int


class PrintService:
    def __init__(
        self,
        transport: Transport,
        store: PrintJobStore,
        *,
        station: str,
        max_attempts: int = 5,
        backoff_seconds: float = 2.0,
        backoff_max_seconds: float = 60.0,
        size: str | None = None,
        dpi: int = 203,
        resume: bool = True,
        poll_seconds: float | None = None,
    ) -> None:
        self.transport = transport
        self.store = store
        self.station = station
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.backoff_max_seconds = backoff_max_seconds
        self.size = size
        self.dpi = dpi
        self.poll_seconds = poll_seconds
        self._next_poll = 0.0 if poll_seconds else float("inf")
        self._listeners: list[Listener] = []
        self._due: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self._busy = 0
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"print-{station}", daemon=True)
        if resume:
            for job in store.list([JobStatus.WAITING, JobStatus.PRINTING], station=station):
                if job.status is JobStatus.PRINTING:  # the station stopped while it printed
                    store.update(job.id, JobStatus.WAITING, attempts=job.attempts, error=job.error)
                self._schedule(job.id, 0.0)
        self._thread.start()

    # -- what callers use -------------------------------------------------------------

    def submit(self, job: PrintJob) -> str:
        """Record the job and queue it; returns its id without waiting for the printer."""
        job = replace(
            job,
            station=job.station or self.station,
            printer=job.printer or self.transport.describe(),
            status=JobStatus.WAITING,
            attempts=0,
            error="",
        )
        self.store.add(job)
        self._notify(job)
        self._schedule(job.id, 0.0)
        return job.id

    def print_label(
        self, label: object, references: Iterable[str] = (), size: str | None = None
    ) -> str:
        """Render `label` for this printer (PDF or ZPL) and submit it.

        Rendering happens here, so bad label data raises LabelDataError to the caller and
        nothing is queued; it takes milliseconds.
        """
        from floor.printing.captions import label_captions
        from labels import render_pdf, render_zpl
        from labels.render import template_for

        captions = label_captions()
        chosen = size or self.size
        template = template_for(label)
        if self.transport.format == "zpl":
            document = render_zpl(label, chosen, captions, dpi=self.dpi).encode("utf-8")
        else:
            allowed = template.pdf_sizes
            document = render_pdf(label, chosen if chosen in allowed else None, captions)
        job = PrintJob(
            document,
            self.transport.format,
            template.name,
            self.station,
            tuple(r for r in references if r),
        )
        return self.submit(job)

    def reprint(self, reference: str) -> str:
        """Submit again the last job printed for an order, carton or tracking reference."""
        job = self.store.find_by_reference(reference)
        if job is None:
            raise ReprintError(_("Nothing was printed for {reference}", reference=reference))
        if not job.document:
            raise ReprintError(
                _(
                    "The label of {reference} is no longer kept; print it from its task",
                    reference=reference,
                )
            )
        if job.format != self.transport.format:
            raise ReprintError(
                _(
                    "{reference} was printed as {format}; this station's printer takes {wanted}",
                    reference=reference,
                    format=job.format.upper(),
                    wanted=self.transport.format.upper(),
                )
            )
        copy = replace(
            job,
            id=new_job_id(),
            reprint_of=job.id,
            station=self.station,
            printer="",
            created_at=now(),
            updated_at=now(),
        )
        return self.submit(copy)

    def retry(self, job_id: str) -> str:
        """Queue a failed job again, with a fresh set of attempts.

        A job of another station is only marked waiting: that station's print service
        (polling the shared store) prints it on its own printer, where the label is needed.
        """
        job = self.store.get(job_id)
        if job is None:
            raise KeyError(job_id)
        job = self.store.update(job_id, JobStatus.WAITING, attempts=0, error=job.error)
        self._notify(job)
        if job.station == self.station:
            self._schedule(job_id, 0.0)
        return job_id

    def poll_now(self) -> None:
        """Look in the store for this station's waiting jobs now, not at the next poll (a
        service queued some in its own transaction, e.g. a closed carton's label)."""
        with self._cond:
            self._next_poll = 0.0
            self._cond.notify_all()

    def counts(self) -> PrintCounts:
        """Jobs of this station waiting (or printing) and failed."""
        statuses = [JobStatus.WAITING, JobStatus.PRINTING, JobStatus.FAILED]
        count = getattr(self.store, "count", None)
        if count is not None:
            per_status = count(statuses, station=self.station)
            failed = per_status.get(JobStatus.FAILED.value, 0)
            return PrintCounts(waiting=sum(per_status.values()) - failed, failed=failed)
        jobs = self.store.list(statuses, station=self.station)
        failed = sum(1 for j in jobs if j.status is JobStatus.FAILED)
        return PrintCounts(waiting=len(jobs) - failed, failed=failed)

    def recent_jobs(self, limit: int = 30, all_stations: bool = False) -> list[PrintJob]:
        """The newest jobs, newest first: this station's, or every station's (supervisor)."""
        return self.store.recent(limit, station=None if all_stations else self.station)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(job)` (from the print thread) on every status change."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once nothing is queued or printing (retries scheduled later count as queued)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._due or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)

    # -- the print thread -------------------------------------------------------------

    def _schedule(self, job_id: str, delay: float) -> None:
        with self._cond:
            heapq.heappush(self._due, (time.monotonic() + delay, next(self._seq), job_id))
            self._cond.notify_all()

    def _notify(self, job: PrintJob) -> None:
        for listener in list(self._listeners):
            try:
                listener(job)
            except Exception:
                log.exception("print listener failed")

    def _next(self) -> str | None:
        with self._cond:
            while not self._closed:
                moment = time.monotonic()
                if moment >= self._next_poll:
                    self._next_poll = moment + (self.poll_seconds or 0.0)
                    return _ADOPT
                wait = self._next_poll - moment
                if self._due:
                    due, _seq, job_id = self._due[0]
                    if due <= moment:
                        heapq.heappop(self._due)
                        self._busy += 1
                        return job_id
                    wait = min(wait, due - moment)
                self._cond.wait(None if wait == float("inf") else wait)
            return None

    def _adopt(self) -> None:
        """Queue the waiting jobs of this station that were queued elsewhere."""
        try:
            waiting = self.store.list([JobStatus.WAITING], station=self.station)
        except Exception as exc:  # the database is away; look again next time
            log.warning("print jobs not polled: %s", exc)
            return
        with self._cond:
            queued = {job_id for _due, _seq, job_id in self._due}
        for job in waiting:
            if job.id not in queued:
                self._schedule(job.id, 0.0)

    def _run(self) -> None:
        while (job_id := self._next()) is not None:
            if job_id == _ADOPT:
                self._adopt()
                continue
            try:
                self._deliver(job_id)
            except Exception:
                log.exception("print job %s", job_id)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _deliver(self, job_id: str) -> None:
        job = self.store.get(job_id)
        if job is None or job.status in (JobStatus.PRINTED, JobStatus.FAILED):
            return
        attempt = job.attempts + 1
        claimed = self.store.claim(job_id, attempt)
        if claimed is None:  # printed or being printed by another print thread
            return
        self._notify(claimed)
        try:
            self.transport.deliver(job.document, f"{job.template}-{job.id}")
        except PrintError as exc:
            error = str(exc)
        except Exception as exc:
            error = _("Print job failed: {error}", error=exc)
        else:
            self._notify(self.store.update(job_id, JobStatus.PRINTED, attempts=attempt))
            return
        if attempt >= self.max_attempts:
            self._notify(self.store.update(job_id, JobStatus.FAILED, attempts=attempt, error=error))
            return
        self._notify(self.store.update(job_id, JobStatus.WAITING, attempts=attempt, error=error))
        delay = min(self.backoff_max_seconds, self.backoff_seconds * 2 ** (attempt - 1))
        self._schedule(job_id, delay)


def open_print_service(
    settings: Any, station: str | None = None, *, engine: Engine | None = None, **kwargs: Any
) -> PrintService:
    """The print service of a station as configured.

    With `engine`, jobs are kept in the shared database (every station sees them, the
    service polls for jobs retried elsewhere, old documents are dropped); without, in the
    data dir (print-jobs.jsonl). Raises PrintingDisabled for `[printer] kind = "none"`.
    """
    printer: PrinterSettings = load_printer_settings(settings, station)
    if not printer.enabled:
        raise PrintingDisabled(station or settings.station)
    store: PrintJobStore
    if engine is not None:
        from floor.printing.db_store import DatabasePrintJobStore

        db_store = DatabasePrintJobStore(engine)
        if printer.keep_documents_days:
            cutoff = datetime.now(UTC) - timedelta(days=printer.keep_documents_days)
            try:
                db_store.forget_documents(cutoff)
            except Exception as exc:
                log.warning("old print documents not dropped: %s", exc)
        store = db_store
        kwargs.setdefault("poll_seconds", printer.poll_seconds)
    else:
        store = JsonLinesPrintJobStore(settings.resolved_data_dir)
    return PrintService(
        make_transport(printer),
        store,
        station=station or settings.station,
        max_attempts=printer.max_attempts,
        backoff_seconds=printer.backoff_seconds,
        size=printer.size,
        dpi=printer.dpi,
        **kwargs,
    )
