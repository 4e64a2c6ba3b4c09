"""Print jobs: this station's labels (every station's for a supervisor), reprint, retry.

Scan an order number, a carton, LPN or SSCC: the last label printed for it is printed again
on this station's printer. F2 sends a failed job again: the one chosen with the arrows, or
else the most recent failed one. The list follows the print service as jobs change and
looks again every few seconds (jobs of other stations). Nothing here waits for a printer:
reprint and retry only queue the job; the status bar and a notification tell the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.message import Message

from floor.errors import FloorError
from floor.i18n import N_, _, language
from floor.models import Role
from floor.printing.jobs import JobStatus, PrintJob
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.printing import PrintService
    from floor.scanning import Scan

log = logging.getLogger(__name__)
T = TypeVar("T")

CODE_KINDS = (ScanKind.ORDER, ScanKind.CARTON, ScanKind.LPN, ScanKind.TOTE, ScanKind.CART)
SUPERVISING = (Role.SUPERVISOR.value, Role.ADMIN.value)


class PrintJobsChanged(Message):
    """A print job changed (posted from the print thread)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PrintJobsChanged)


def _clock(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return stamp[11:19]


class PrintJobsScreen(FlowScreen):
    FLOW: ClassVar[str] = "print_jobs"
    TITLE: ClassVar[str] = N_("Print jobs")
    ROLES: ClassVar[tuple[str, ...]] = tuple(r.value for r in Role)
    MENU_ORDER: ClassVar[int] = 950
    LIMIT: ClassVar[int] = 30
    RELOAD_SECONDS: ClassVar[float] = 5.0
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {
        "": (Key("F2", N_("Retry")), keys.CHOOSE, keys.BACK)
    }

    def __init__(self) -> None:
        super().__init__()
        self.jobs: list[PrintJob] = []
        self.selected: int | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def service(self) -> PrintService | None:
        return self.floor_app.print_service

    @property
    def all_stations(self) -> bool:
        return bool(set(self.station.operator_roles) & set(SUPERVISING))

    def on_mount(self) -> None:
        service = self.service
        with self.in_language():
            if service is None:
                self.prompt(_("Printing is off at this station"), _("Esc back to the menu"))
                return
            self.ask()
        self._unsubscribe = service.subscribe(lambda job: self.post_message(PrintJobsChanged()))
        self.set_interval(self.RELOAD_SECONDS, self.reload)
        self.reload()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def ask(self) -> None:
        self.prompt(
            _("Scan an order, carton or LPN to reprint its label"),
            _("F2 retry a failed job · arrows choose · Esc back"),
        )

    # The list.

    def on_print_jobs_changed(self, message: PrintJobsChanged) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the newest jobs in a thread; the list is redrawn when they are there."""
        service = self.service
        if service is None:
            return
        every = self.all_stations
        app = self.floor_app

        def work() -> None:
            try:
                jobs = service.recent_jobs(self.LIMIT, all_stations=every)
            except Exception as exc:
                log.warning("print jobs not read: %s", exc)
                return
            with suppress(RuntimeError):  # the app is closing
                app.call_from_thread(self.show_jobs, jobs)

        self.run_worker(work, thread=True, group="print-jobs", exclusive=True, exit_on_error=False)

    def show_jobs(self, jobs: list[PrintJob]) -> None:
        if not self.is_attached:
            return
        chosen = self.chosen()
        self.jobs = list(jobs)
        ids = [j.id for j in self.jobs]
        self.selected = ids.index(chosen.id) if chosen is not None and chosen.id in ids else None
        self.redraw()

    def target(self) -> PrintJob | None:
        """The job F2 retries: the chosen one if it failed, else the most recent failed one."""
        chosen = self.chosen()
        if chosen is not None and chosen.status is JobStatus.FAILED:
            return chosen
        return next((j for j in self.jobs if j.status is JobStatus.FAILED), None)

    def chosen(self) -> PrintJob | None:
        if self.selected is None or not 0 <= self.selected < len(self.jobs):
            return None
        return self.jobs[self.selected]

    def redraw(self) -> None:
        with self.in_language():
            compact = self.floor_app.compact
            every = self.all_stations
            target = self.target()
            lines: list[str] = []
            chosen_row: int | None = None
            if not self.jobs:
                lines.append(_("No print jobs yet"))
            for index, job in enumerate(self.jobs):
                mark = "▶" if index == self.selected else " "
                if index == self.selected:
                    chosen_row = len(lines)
                refs = ", ".join(job.references) or "-"
                status = job.status.label
                if job.status is JobStatus.FAILED:
                    status = status.upper()
                if compact:
                    lines.append(f"{mark}{_clock(job.created_at)[:5]} {status[:10]} {refs[:16]}")
                else:
                    where = f"{job.station:<6} " if every else ""
                    lines.append(
                        f"{mark} {_clock(job.created_at)} {where}{status:<14} "
                        f"{job.template[:12]:<12} {refs[:28]}"
                    )
                if target is not None and job.id == target.id and job.error:
                    lines.append(f"   {job.error[: 34 if compact else 70]}")
            self.show_lines(lines, selected=chosen_row)

    def handle_other_key(self, key: str) -> None:
        if not self.jobs or key not in ("up", "down"):
            return
        last = len(self.jobs) - 1
        if self.selected is None:
            self.selected = 0 if key == "down" else last
        else:
            step = 1 if key == "down" else -1
            self.selected = max(0, min(last, self.selected + step))
        self.redraw()

    # Scans and keys.

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        service = self.service
        if service is None:
            self.reject(_("Printing is off at this station"))
            return
        if scan.kind in CODE_KINDS and scan.code:
            references = [scan.code]
        elif scan.kind is ScanKind.SSCC and scan.sscc:
            references = [scan.sscc, "00" + scan.sscc]
        else:
            self.reject(
                _("{scan}: cannot reprint from this", scan=scan.describe()),
                _("an order, carton or LPN"),
            )
            return
        shown = references[0]

        def work() -> str:
            for reference in references[1:]:
                if service.store.find_by_reference(reference) is not None:
                    return service.reprint(reference)
            return service.reprint(references[0])

        def done(job_id: str) -> None:
            self.accept(_("Label of {reference} sent to the printer again", reference=shown))
            self.reload()

        self.call_printing(work, done)

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command in (Command.DONE, Command.CANCEL):
            self.leave()
            return
        if command is Command.CONFIRM:
            self.retry_target()
            return
        super().on_command(command, quantity)

    def retry_target(self) -> None:
        service = self.service
        if service is None:
            self.reject(_("Printing is off at this station"))
            return
        job = self.target()
        if job is None:
            self.reject(_("No failed print job to retry"))
            return
        refs = ", ".join(job.references) or job.template

        def done(job_id: str) -> None:
            if job.station == self.station.station_code:
                self.accept(_("Print job {job} sent again", job=refs))
            else:
                self.accept(
                    _(
                        "Print job {job} queued again for station {station}",
                        job=refs,
                        station=job.station,
                    )
                )
            self.reload()

        self.call_printing(lambda: service.retry(job.id), done)

    def call_printing(self, work: Callable[[], T], on_result: Callable[[T], None]) -> None:
        """Like call_service, for the print service (its store has its own sessions): `work()`
        in a thread, then `on_result` on the UI thread; scans wait meanwhile, in order."""
        app = self.floor_app
        ticket = app.current_ticket
        if ticket is not None:
            ticket.pending += 1
        self._services_running += 1
        lang = self.station.language

        def run() -> None:
            outcome: tuple[str, Any]
            with language(lang):
                try:
                    outcome = ("ok", work())
                except FloorError as exc:
                    outcome = ("error", exc)
                except Exception as exc:
                    log.exception("print jobs: %s", exc)
                    outcome = ("crash", exc)
            try:
                app.call_from_thread(self._service_done, ticket, outcome, on_result, None)
            except RuntimeError:
                log.warning("print result dropped: app closed")

        app.run_worker(run, thread=True, group="printing", exit_on_error=False)
        self.feedback(_("Working…"), "working")
