"""The station app: login, menu, flow screens, scan routing, status bar, idle logout.

Every scan, from a scanner thread, the keyboard wedge or `inject_scan`, is parsed with the
station's scan language and handed to the active screen, one at a time and in order (while
a screen's service runs, scans wait). Each is journaled with its outcome once settled.
`create_app()` builds the app; `floor run` (floor/commands/run.py) starts it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from textual.app import App
from textual.binding import Binding
from textual.message import Message

import floor.kitting  # noqa: F401  (registers assemble to order with wave release)
from floor.config import Settings
from floor.devices.base import DeviceState, DeviceStatus, RawScan
from floor.devices.wedge import BurstDetector, TypedText, WedgeScan, WedgeSettings
from floor.i18n import _, language, set_default_language
from floor.journal import ACCEPTED, IGNORED, PENDING, REJECTED, ScanJournal, journal_entry
from floor.scan_spool import ScanSpool
from floor.station import OperatorLogin, StationSession, open_station

if TYPE_CHECKING:
    from floor.devices.base import ScanSource
    from floor.printing import PrintCounts, PrintJob, PrintService
    from floor.scanning import Scan
    from floor.screens.flow import FlowScreen

log = logging.getLogger(__name__)

COMPACT_WIDTH = 60
COMPACT_HEIGHT = 20


class ScanTicket:
    """One scan on its way through a screen; journaled when settled (no service pending)."""

    def __init__(self, raw: RawScan, scan: Scan, screen: str, operator_id: int | None) -> None:
        self.raw = raw
        self.scan = scan
        self.screen = screen
        self.operator_id = operator_id
        self.outcome: str | None = None
        self.message = ""
        self.pending = 0
        self.settled = False

    def accept(self, text: str) -> None:
        if self.outcome is None:
            self.outcome, self.message = ACCEPTED, text

    def reject(self, text: str) -> None:
        self.outcome, self.message = REJECTED, text

    def ignore(self, text: str) -> None:
        if self.outcome is None:
            self.outcome, self.message = IGNORED, text


@dataclass
class Health:
    scanner: bool | None = None  # None: no scanner device, keyboard wedge only
    database: bool | None = None
    print_jobs_waiting: int = 0
    print_jobs_failed: int = 0


class ScanArrived(Message):
    def __init__(self, raw: RawScan) -> None:
        super().__init__()
        self.raw = raw


class ScannerStatusChanged(Message):
    def __init__(self, status: DeviceStatus) -> None:
        super().__init__()
        self.status = status

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScannerStatusChanged)


class DatabaseStatusChanged(Message):
    def __init__(self, reachable: bool) -> None:
        super().__init__()
        self.reachable = reachable

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DatabaseStatusChanged)


class PrintJobChanged(Message):
    """From the print thread: a job of this station changed status."""

    def __init__(self, job: PrintJob) -> None:
        super().__init__()
        self.job = job


class FloorApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "floor"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+c", "ask_quit", show=False, priority=True)]  # Ctrl+Q quits

    def __init__(
        self,
        station: StationSession,
        journal: ScanJournal,
        *,
        scan_source: ScanSource | None = None,
        print_jobs_waiting: Callable[[], int | PrintCounts] | None = None,
        print_service: Callable[[], PrintService | None] | None = None,
    ) -> None:
        super().__init__()
        self.station = station
        self.journal = journal
        self.scan_source = scan_source
        self.print_jobs_waiting = print_jobs_waiting
        self._print_factory = print_service
        self._print_service: PrintService | None = None
        self._print_opened = False
        self._print_lock = threading.Lock()
        self._print_unsubscribe: Callable[[], None] | None = None
        self.health = Health(scanner=None if scan_source is None else False)
        self.compact = False
        self.current_ticket: ScanTicket | None = None
        self.wedge = BurstDetector(WedgeSettings.from_section(station.settings.section("wedge")))
        self.clock: Callable[[], float] | None = None  # the wedge's clock; tests inject one
        self.last_activity = time.monotonic()
        self._scan_queue: deque[RawScan] = deque()
        self._pumping = False
        self._state_lock = threading.Lock()
        self._latest_states: dict[tuple[int, str], dict[str, Any]] = {}
        self.started_at = dt.datetime.now(dt.UTC)
        self.last_scan_at: dt.datetime | None = None
        self.forget_heartbeat_on_exit = False  # a browser session (floor serve) leaves no trace

    # Start and stop.

    def on_mount(self) -> None:
        self.journal.on_reachable = self._journal_reachable
        self.journal.start()
        if self.scan_source is not None:
            self.scan_source.start(
                lambda raw: self.post_message(ScanArrived(raw)),
                lambda status: self.post_message(ScannerStatusChanged(status)),
            )
        self._update_compact(self.size.width, self.size.height)
        self.set_interval(0.1, self._flush_typing)
        self.set_interval(1.0, self.check_idle_logout)
        beat = float(self.station.settings.section("board").get("heartbeat_seconds", 5))
        self.set_interval(max(beat, 0.5), self.send_heartbeat)
        self.send_heartbeat()
        if self.print_jobs_waiting is not None or self._print_factory is not None:
            self.set_interval(5.0, self._poll_print_jobs)
            self._poll_print_jobs()
        self.show_login()
        self.call_after_refresh(self._warm_up)

    def _warm_up(self) -> None:
        """After the first frame: load the scan parser (biip, the GS1 AI table) in a
        background thread, so neither the login screen nor the first scan waits for it."""

        def load() -> None:
            try:
                import floor.scanning.parser  # noqa: F401
            except Exception as exc:  # the first scan imports it again and reports
                log.warning("scan parser warm-up failed: %s", exc)

        threading.Thread(target=load, name="floor-warm-up", daemon=True).start()

    def action_ask_quit(self) -> None:
        """Ctrl+C: ask whether to quit (floor.screens.dialogs); Ctrl+C again quits."""
        from floor.screens.dialogs import QuitDialog

        screen = self.screen
        if isinstance(screen, QuitDialog):
            screen.dismiss(True)
            return

        def answered(quit: bool | None) -> None:
            if quit:
                self.exit()
            else:
                self.pump_scans()

        self.push_screen(QuitDialog(), answered)

    def on_unmount(self) -> None:
        if self.forget_heartbeat_on_exit:
            from floor.db import transaction
            from floor.station import forget_heartbeat

            code = self.station.station_code
            with suppress(Exception):
                transaction(self.station.engine, lambda s: forget_heartbeat(s, code))
        if self.scan_source is not None:
            self.scan_source.stop()
        self.journal.flush(2.0)
        self.journal.stop()
        with self._print_lock:  # waits for an opening in progress; none after this
            self._print_opened = True
            service, self._print_service = self._print_service, None
            if self._print_unsubscribe is not None:
                self._print_unsubscribe()
            if service is not None:
                service.close(2.0)

    @property
    def print_service(self) -> PrintService | None:
        """The station's print service (None: printing is off). Opened on first use, which
        is at login, in a thread worker, so the login screen shows without floor.printing."""
        if not self._print_opened:
            with self._print_lock:
                if not self._print_opened:
                    service = self._print_factory() if self._print_factory else None
                    if service is not None:
                        self._print_unsubscribe = service.subscribe(self._print_job_changed)
                    self._print_service = service
                    self._print_opened = True
        return self._print_service

    @print_service.setter
    def print_service(self, service: PrintService | None) -> None:
        """Use `service` (or no printing) instead of the configured one; it is closed on exit."""
        with self._print_lock:
            if self._print_unsubscribe is not None:
                self._print_unsubscribe()
                self._print_unsubscribe = None
            if service is not None:
                self._print_unsubscribe = service.subscribe(self._print_job_changed)
            self._print_service = service
            self._print_opened = True

    def _open_printing(self) -> None:
        if self.print_service is not None:
            with suppress(RuntimeError):
                self.call_from_thread(self._poll_print_jobs)

    def _print_job_changed(self, job: PrintJob) -> None:
        with suppress(Exception):  # the app is not running (yet, or any more)
            self.post_message(PrintJobChanged(job))

    # Layout.

    def on_resize(self, event: Any) -> None:
        self._update_compact(event.size.width, event.size.height)

    def _update_compact(self, width: int, height: int) -> None:
        compact = width < COMPACT_WIDTH or height < COMPACT_HEIGHT
        if compact == self.compact and self.has_class("-normal", "-compact"):
            return
        self.compact = compact
        self.set_class(compact, "-compact")
        self.set_class(not compact, "-normal")
        self._refresh_screen_texts()

    def _refresh_screen_texts(self) -> None:
        from floor.screens.base import StationScreen

        screen = self.screen
        if isinstance(screen, StationScreen) and screen.is_mounted:
            with language(self.station.language):
                screen.refresh_texts()
                # the step's lines too: they are cut to the width (a list row, the SKU
                # column), and stayed as drawn for the other size until the next step
                render_step = getattr(screen, "render_step", None)
                if callable(render_step):
                    render_step()

    def refresh_status(self) -> None:
        from floor.screens.widgets import StatusBar

        for bar in self.screen.query(StatusBar):
            bar.refresh()

    # Screens.

    def show_login(self, message: str | None = None, kind: str = "info") -> None:
        from floor.screens.login import LoginScreen

        self._to_root(LoginScreen(message, kind))

    def show_menu(self) -> None:
        from floor.screens.menu import MenuScreen

        self._to_root(MenuScreen())

    def _to_root(self, screen: Any) -> None:
        with language(self.station.language):
            while len(self.screen_stack) > 2:
                self.pop_screen()
            if len(self.screen_stack) == 2:
                self.switch_screen(screen)
            else:
                self.push_screen(screen)

    def open_flow(self, flow: type[FlowScreen], message: str | None = None) -> FlowScreen:
        with language(self.station.language):
            screen = flow()
            self.push_screen(screen)
            if message:
                screen.call_after_refresh(screen.feedback, message, "info")
        return screen

    def back_to_menu(self) -> None:
        from floor.screens.menu import MenuScreen

        with language(self.station.language):
            while len(self.screen_stack) > 2 and not isinstance(self.screen, MenuScreen):
                self.pop_screen()
            if not isinstance(self.screen, MenuScreen):
                self.show_menu()

    # Login and logout.

    def begin_session(self, login: OperatorLogin) -> None:
        """The operator is in: their language, their menu, and the flow they stopped in."""
        from floor.screens import flows_for

        self.station.begin(login)
        set_default_language(login.language)
        self.send_heartbeat()  # the board shows who is in at once
        if not self._print_opened:
            self.run_worker(
                self._open_printing, thread=True, group="print-open", exit_on_error=False
            )
        self.note_activity()
        self.show_menu()
        flows = {flow.FLOW: flow for flow in flows_for(login.roles)}
        resume = flows.get(login.resume_flow or "")
        if resume is not None:
            with language(self.station.language):
                message = _("Resuming {flow} where you stopped", flow=_(resume.TITLE))
            self.open_flow(resume, message)

    def log_out(self, reason: str | None = None) -> None:
        from floor.db import transaction
        from floor.station import log_out

        station = self.station
        operator_id = station.operator_id
        station.end()
        set_default_language(station.default_language)
        self.send_heartbeat()
        if operator_id is not None:
            code = station.station_code

            def work() -> None:
                try:
                    transaction(station.engine, lambda s: log_out(s, code, operator_id))
                except Exception as exc:
                    log.warning("logout not recorded: %s", exc)

            self.run_worker(work, thread=True, group="logout", exit_on_error=False)
        with language(station.language):
            self.show_login(reason or _("Logged out"), "info")

    def login_as(self, badge: str, pin: str) -> None:
        """Test helper: what the login screen does with a badge and PIN, in the same thread
        worker. Returns at once; await `app.workers.wait_for_complete()` and `pilot.pause()`."""
        from floor.screens.login import LoginScreen

        screen = self.screen
        if not isinstance(screen, LoginScreen):
            raise RuntimeError("login_as: the login screen is not showing")
        screen.submit_login(badge, pin)

    def note_activity(self) -> None:
        self.last_activity = time.monotonic()

    def check_idle_logout(self, now: float | None = None) -> bool:
        """Log out an operator idle longer than idle_logout_seconds; True if it did."""
        limit = self.station.settings.idle_logout_seconds
        if not self.station.logged_in or limit <= 0:
            return False
        now = time.monotonic() if now is None else now
        if now - self.last_activity < limit:
            return False
        with language(self.station.language):
            reason = _("Logged out after {minutes} min without activity", minutes=_minutes(limit))
        self.log_out(reason)
        return True

    # Heartbeat: the supervisor board shows the station, and offline when it stops.

    def send_heartbeat(self) -> None:
        from floor import __version__
        from floor.db import transaction
        from floor.station import Heartbeat, report_heartbeat

        station, screen = self.station, self.screen
        beat = Heartbeat(
            station=station.station_code,
            operator_id=station.operator_id,
            flow=getattr(screen, "FLOW", "") or getattr(screen, "SCREEN_NAME", ""),
            scanner=self.health.scanner,
            database=self.health.database is not False,
            app_version=__version__,
            last_scan_at=self.last_scan_at,
            started_at=self.started_at,
        )

        def work() -> None:
            try:
                transaction(station.engine, lambda s: report_heartbeat(s, beat), attempts=2)
            except Exception as exc:  # the board shows the station offline; the journal probes
                log.debug("heartbeat not sent: %s", exc)

        self.run_worker(work, thread=True, group="heartbeat", exclusive=True, exit_on_error=False)

    # Flow state.

    def save_flow_state(self, flow: str, state: dict[str, Any]) -> None:
        station = self.station
        operator_id = station.operator_id
        if operator_id is None:
            return
        if state:
            station.flow_states[flow] = dict(state)
        else:
            station.flow_states.pop(flow, None)
        key = (operator_id, flow)
        with self._state_lock:
            self._latest_states[key] = dict(state)
        self.run_worker(
            lambda: self._write_flow_state(key),
            thread=True,
            group="flow-state",
            exit_on_error=False,
        )

    def _write_flow_state(self, key: tuple[int, str]) -> None:
        from floor.db import transaction
        from floor.station import store_flow_state

        operator_id, flow = key
        code = self.station.station_code
        with self._state_lock:  # the newest state is written last, whatever the thread order
            state = self._latest_states.get(key, {})
            try:
                transaction(
                    self.station.engine,
                    lambda s: store_flow_state(s, operator_id, flow, state, code),
                )
            except Exception as exc:
                log.warning("flow state of %s not saved: %s", flow, exc)

    # Scans.

    def inject_scan(self, raw: bytes | str, source: str = "test") -> None:
        """As if a scanner sent `raw`: mint a RawScan, route it, journal it."""
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
        self.receive_scan(RawScan.now(data, source))

    def on_scan_arrived(self, message: ScanArrived) -> None:
        self.receive_scan(message.raw)

    def on_scan_received(self, message: Any) -> None:
        """floor.screens.scan_capture.ScanReceived, from a ScanInput a flow screen shows."""
        message.stop()
        self.receive_scan(message.raw_scan)

    def receive_scan(self, raw: RawScan) -> None:
        self.note_activity()
        self.last_scan_at = raw.received_at
        # journaled on arrival, so a crash before it is handled still leaves its row
        self.journal.record(
            journal_entry(
                scan_id=raw.scan_id,
                station=self.station.station_code,
                operator_id=self.station.operator_id,
                device=raw.source,
                raw=raw.raw,
                kind="",
                outcome=PENDING,
                read_at=raw.received_at,
            )
        )
        self._scan_queue.append(raw)
        self.pump_scans()

    def pump_scans(self) -> None:
        """Hand waiting scans to the active screen, in order, while it is free (and while a
        dialog is shown over it, they wait)."""
        from floor.screens.base import StationScreen

        if self._pumping:
            return
        self._pumping = True
        try:
            while self._scan_queue:
                screen = self.screen
                if not isinstance(screen, StationScreen):
                    return
                if not screen.is_mounted or screen.busy:
                    return
                self._route(screen, self._scan_queue.popleft())
        finally:
            self._pumping = False

    def _route(self, screen: Any, raw: RawScan) -> None:
        from floor.scanning import parse_scan
        from floor.screens.base import KEYBOARD, StationScreen

        station = self.station
        with language(station.language):
            expect = bool(getattr(screen, "EXPECT_CHECK_DIGIT", False))
            scan_language, sends_gs = station.scan_language, station.scanner_sends_gs
            scan = parse_scan(
                raw.raw, scan_language, expect_check_digit=expect, scanner_sends_gs=sends_gs
            )
            if not scan.ok and raw.source == KEYBOARD:  # keyed in lower case: a01-03-2
                upper = parse_scan(
                    raw.raw.upper(),
                    scan_language,
                    expect_check_digit=expect,
                    scanner_sends_gs=sends_gs,
                )
                if upper.ok:
                    scan = upper
            name = getattr(screen, "FLOW", "") or getattr(screen, "SCREEN_NAME", "")
            ticket = ScanTicket(raw, scan, name, station.operator_id)
            with self.handling(ticket):
                if isinstance(screen, StationScreen):
                    try:
                        screen.handle_scan(scan, raw, ticket)
                    except Exception:
                        log.exception("screen %s failed on a scan", name)
                        screen.reject(_("Something went wrong on this screen"))
                else:
                    ticket.ignore("")
            self.settle(ticket)

    @contextmanager
    def handling(self, ticket: ScanTicket | None) -> Iterator[None]:
        previous, self.current_ticket = self.current_ticket, ticket
        try:
            yield
        finally:
            self.current_ticket = previous

    def settle(self, ticket: ScanTicket) -> None:
        """Journal the scan once nothing is pending for it."""
        if ticket.pending > 0 or ticket.settled:
            return
        ticket.settled = True
        if ticket.outcome is None:
            ticket.outcome = ACCEPTED
        scan = ticket.scan
        self.journal.record(
            journal_entry(
                scan_id=ticket.raw.scan_id,
                station=self.station.station_code,
                operator_id=ticket.operator_id,
                device=ticket.raw.source,
                raw=ticket.raw.raw,
                kind=str(scan.kind),
                outcome=ticket.outcome,
                message=ticket.message or scan.describe(),
                read_at=ticket.raw.received_at,
            )
        )

    def feedback_kind(self) -> str:
        from floor.screens.widgets import Feedback

        try:
            return self.screen.query_one(Feedback).kind
        except Exception:
            return ""

    def ring_bell(self) -> None:
        if self.station.settings.bell:
            self.bell()

    # The keyboard wedge.

    def key_time(self, event: Any) -> float:
        """When a key arrived, for the wedge: the key event's time, or the injected clock."""
        return event.time if self.clock is None else self.clock()

    def feed_wedge(self, char: str, at: float | None = None) -> None:
        """One key's character to the wedge detector; what it decides goes to the screen.

        Keys the screen shows as keyed text belong to the entry in progress until Enter:
        a burst that follows them is not a scan of its own. When the screen holds no keyed
        text (Esc, a menu choice, another screen), the next key starts a new entry."""
        now = self._now() if at is None else at
        if self.wedge.typing and not getattr(self.screen, "entry", ""):
            self.wedge.reset()
        for event in self.wedge.feed(char, now):
            self._wedge_event(event)

    def _now(self) -> float:
        return time.monotonic() if self.clock is None else self.clock()

    def _flush_typing(self, now: float | None = None) -> None:
        typed = self.wedge.flush(self._now() if now is None else now)
        if typed is not None:
            self._wedge_event(typed)

    def take_pending_typing(self) -> None:
        typed = self.wedge.take_pending()
        if typed is not None:
            self._wedge_event(typed)

    def _wedge_event(self, event: WedgeScan | TypedText) -> None:
        from floor.screens.base import StationScreen

        screen = self.screen
        if not isinstance(screen, StationScreen):
            return
        with language(self.station.language):
            if isinstance(event, WedgeScan):
                if screen.takes_burst_as_typed(event.text):
                    screen.add_typed(event.text)
                    screen.submit_typed()
                else:
                    self.receive_scan(RawScan.now(event.text.encode("utf-8"), "wedge"))
                return
            if event.text:
                screen.add_typed(event.text)
            if event.terminator is not None and self.screen is screen:
                screen.submit_typed()

    # Devices, database, printer.

    def on_scanner_status_changed(self, message: ScannerStatusChanged) -> None:
        self.set_scanner_status(message.status)

    def set_scanner_status(self, status: DeviceStatus) -> None:
        self.health.scanner = status.state is DeviceState.CONNECTED
        self.refresh_status()

    def _journal_reachable(self, reachable: bool) -> None:
        with suppress(Exception):
            self.post_message(DatabaseStatusChanged(reachable))

    def on_database_status_changed(self, message: DatabaseStatusChanged) -> None:
        self.set_database_reachable(message.reachable)

    def set_database_reachable(self, reachable: bool) -> None:
        if self.health.database != reachable:
            self.health.database = reachable
            self.refresh_status()

    def _poll_print_jobs(self) -> None:
        provider = self.print_jobs_waiting
        if provider is None and self._print_service is not None:
            provider = self._print_service.counts
        if provider is None:
            return

        def work() -> None:
            try:
                counts = provider()
                failed = int(getattr(counts, "failed", 0))
                count = int(getattr(counts, "waiting", counts))
            except Exception as exc:
                log.debug("print job count unavailable: %s", exc)
                return
            with suppress(RuntimeError):
                self.call_from_thread(self._set_print_jobs, count, failed)

        self.run_worker(work, thread=True, group="print-poll", exclusive=True, exit_on_error=False)

    def _set_print_jobs(self, count: int, failed: int = 0) -> None:
        health = self.health
        if (count, failed) != (health.print_jobs_waiting, health.print_jobs_failed):
            health.print_jobs_waiting, health.print_jobs_failed = count, failed
            self.refresh_status()

    def on_print_job_changed(self, message: PrintJobChanged) -> None:
        """A failed job is told at once at its station; the counts follow."""
        from floor.printing import JobStatus

        job = message.job
        if job.status is JobStatus.FAILED and job.station == self.station.station_code:
            with language(self.station.language):
                self.notify(
                    _(
                        "{references}: {error}",
                        references=", ".join(job.references) or job.template,
                        error=job.error,
                    ),
                    title=_("Print job failed"),
                    severity="error",
                    timeout=20,
                )
            self.ring_bell()
        self._poll_print_jobs()


def _minutes(seconds: int) -> str:
    return str(max(1, round(seconds / 60)))


def create_app(
    settings: Settings,
    engine: Engine | None = None,
    *,
    scan_source: ScanSource | None = None,
    print_jobs_waiting: Callable[[], int] | None = None,
    station_code: str | None = None,
) -> FloorApp:
    """The station app for `settings`; opens (and upgrades) the database if no engine is given.

    Raises floor.station.WarehouseMissing when the configured warehouse is not there.
    """
    if engine is None:
        from floor.db import open_database

        engine = open_database(settings.resolved_database_url)
    station = open_station(engine, settings, station_code)
    set_default_language(station.language)
    journal = ScanJournal(engine, ScanSpool.in_data_dir(settings.resolved_data_dir))
    return FloorApp(
        station,
        journal,
        scan_source=scan_source,
        print_jobs_waiting=print_jobs_waiting,
        print_service=lambda: _open_print_service(settings, engine, station.station_code),
    )


def _open_print_service(settings: Settings, engine: Engine, station: str) -> PrintService | None:
    """The station's print service over the shared database; None if printing is off
    (`[printer] kind = "none"`) or the printer settings are wrong (logged; the station runs)."""
    from floor.printing import PrintingDisabled, open_print_service

    try:
        return open_print_service(settings, station, engine=engine)
    except PrintingDisabled:
        return None
    except Exception as exc:  # a printer problem is no reason not to start the station
        log.error("printing is off at %s: %s", station, exc)
        return None
