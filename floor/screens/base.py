"""The shell's screen base: one layout for every station screen, and the keys it answers to.

Layout, top to bottom: status bar, title, prompt (what to scan next), detail, body (task
lines), feedback (green/red), key entry line, the footer with the keys this screen answers
to (`keys()`, see floor/screens/keys.py). No widget takes focus; every key reaches the
screen, which hands it to the app's keyboard-wedge detector.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from floor.db import is_database_failure
from floor.errors import FloorError
from floor.i18n import N_, _, language
from floor.screens.widgets import Body, Feedback, KeyEntry, KeyHints, StatusBar

if TYPE_CHECKING:
    from floor.app import FloorApp, ScanTicket
    from floor.db import Session
    from floor.devices import RawScan
    from floor.scanning import Scan
    from floor.screens.keys import Key
    from floor.station import StationSession

log = logging.getLogger(__name__)

T = TypeVar("T")

KEYBOARD = "keyboard"  # the device of a code keyed by hand, in the scan journal
QUANTITY_KEYS = frozenset({"asterisk", "f6"})  # the quantity key: `*` (numeric keypad) or F6

FUNCTION_KEYS = {
    "f2": "confirm",
    "f3": "short",
    "f4": "skip",
    "f5": "done",
    "f10": "cancel",
    "escape": "cancel",
}


class StationScreen(Screen[None]):
    """A station screen: the shared layout, feedback, key entry and the key fallbacks."""

    SCREEN_NAME: ClassVar[str] = "station"
    TYPED_ONLY: ClassVar[bool] = False  # wedge bursts count as typing (PIN entry)
    ENTRY_LABEL: ClassVar[str] = N_("Key in:")
    MASK_ENTRY: ClassVar[bool] = False

    def __init__(self) -> None:
        super().__init__()
        self.entry = ""
        self.quantity_entry = False  # the quantity key was pressed: the entry is a quantity
        self._keyed_note = ""  # what the last keyed entry was taken as
        self._services_running = 0
        self._prompt = ("", "")
        self._lines: list[str] = []

    @property
    def screen_name(self) -> str:
        return getattr(self, "FLOW", "") or self.SCREEN_NAME

    @property
    def floor_app(self) -> FloorApp:
        return self.app  # type: ignore[return-value]

    @property
    def station(self) -> StationSession:
        return self.floor_app.station

    @contextmanager
    def in_language(self) -> Iterator[None]:
        with language(self.station.language):
            yield

    # Layout.

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Vertical(id="main"):
            yield Static("", id="title")
            yield Static("", id="prompt")
            yield Static("", id="detail")
            yield Body("", id="body")
        yield Feedback("", id="feedback")
        yield KeyEntry("", id="entry")
        yield KeyHints("", id="hints")

    def on_mount(self) -> None:
        # Textual calls this for every subclass too, whether or not they call super().
        with self.in_language():
            self.refresh_texts()
        self.call_after_refresh(self.floor_app.pump_scans)

    def screen_title(self) -> str:
        return ""

    def keys(self) -> Sequence[Key]:
        """The keys this screen answers to now, for the footer (see floor.screens.keys)."""
        return ()

    def show_keys(self) -> None:
        """Redraw the footer (done on every prompt change, so it follows the step)."""
        compact = self.floor_app.compact
        with self.in_language():
            self.query_one(KeyHints).show([key.shown(compact) for key in self.keys()], compact)

    def refresh_texts(self) -> None:
        """Re-render everything translated: on mount, language switch, compact layout."""
        self.query_one("#title", Static).update(self.screen_title())
        self.query_one(StatusBar).refresh()
        self.show_keys()
        self._show_entry()

    # What the screen shows.

    def prompt(self, text: str, detail: str = "") -> None:
        """Ask for what comes next. A new question means the operator moved on: a red
        refusal of the step before goes (a refusal shown after this call stays)."""
        if text != self._prompt[0]:
            feedback = self.query_one(Feedback)
            if feedback.kind == "rejected":
                feedback.clear()
        self._prompt = (text, detail)
        self.query_one("#prompt", Static).update(text)
        self.query_one("#detail", Static).update(detail)
        self.show_keys()

    def show_lines(self, lines: list[str], *, selected: int | None = None, head: int = 0) -> None:
        """The body: `head` fixed lines, then rows; rows that do not fit scroll, and the
        row `selected` (an index into the rows) stays in view (floor.screens.widgets.Body)."""
        self._lines = list(lines)
        self.query_one(Body).show(list(lines), selected, head)

    def feedback(self, text: str, kind: str, expected: str | None = None) -> None:
        self.query_one(Feedback).show(text, kind, expected)

    def accept(self, text: str) -> None:
        """Green feedback."""
        self.feedback(text, "accepted")
        ticket = self.floor_app.current_ticket
        if ticket is not None:
            ticket.accept(text)

    def reject(self, text: str, expected: str | None = None) -> None:
        """Red feedback, the bell if enabled; the scan being handled is journaled rejected."""
        self.feedback(text, "rejected", expected)
        self.floor_app.ring_bell()
        ticket = self.floor_app.current_ticket
        if ticket is not None:
            ticket.reject(text)

    @property
    def expected_text(self) -> str:
        """What the screen asks for now, for a rejection's 'expected' line."""
        return self._prompt[0]

    # Services.

    @property
    def busy(self) -> bool:
        return self._services_running > 0

    def call_service(
        self,
        work: Callable[[Session], T],
        on_result: Callable[[T], None],
        *,
        on_error: Callable[[FloorError], None] | None = None,
    ) -> None:
        """Run `transaction(engine, work)` in a thread; then `on_result(result)` on the UI thread.

        FloorError goes to `on_error`, or is shown with `reject(str(err), err.expected)`;
        any other exception is logged and shown as a generic rejection.
        """
        app = self.floor_app
        ticket = app.current_ticket
        if ticket is not None:
            ticket.pending += 1
        self._services_running += 1
        lang = self.station.language
        engine = self.station.engine

        def run() -> None:
            from floor.db import transaction

            with language(lang):
                try:
                    outcome: tuple[str, Any] = ("ok", transaction(engine, work))
                except FloorError as exc:
                    outcome = ("error", exc)
                except Exception as exc:
                    log.exception("service failed on %s", self.screen_name)
                    outcome = ("crash", exc)
            try:
                app.call_from_thread(self._service_done, ticket, outcome, on_result, on_error)
            except RuntimeError:  # the app is shutting down
                log.warning("service result dropped: app closed")

        app.run_worker(run, thread=True, group="service", exit_on_error=False)
        if ticket is None or ticket.outcome != "rejected":
            self.feedback(_("Working…"), "working")

    def _service_done(
        self,
        ticket: ScanTicket | None,
        outcome: tuple[str, Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[FloorError], None] | None,
    ) -> None:
        app = self.floor_app
        self._services_running -= 1
        kind, value = outcome
        with language(self.station.language), app.handling(ticket):
            if self.is_attached:
                try:
                    if kind == "ok":
                        on_result(value)
                    elif kind == "error":
                        if on_error is not None:
                            on_error(value)
                        else:
                            self.reject(str(value), value.expected)
                    else:
                        if is_database_failure(value):
                            app.set_database_reachable(False)
                            text = _("The database is not answering; scan again in a moment")
                        else:
                            text = _("Something went wrong; the scan changed nothing")
                        self.reject(text, self.expected_text or None)
                except Exception:
                    log.exception("result handler failed on %s", self.screen_name)
                    self.reject(_("Something went wrong on this screen"))
                if kind == "ok":
                    app.set_database_reachable(True)
                if app.feedback_kind() == "working":
                    if ticket is not None and ticket.outcome != "rejected":
                        self.accept(ticket.scan.describe())
                    else:
                        self.query_one(Feedback).clear()
            elif kind != "ok" and ticket is not None:
                ticket.reject(str(value))
            if ticket is not None:
                ticket.pending -= 1
                app.settle(ticket)
        app.pump_scans()

    # Scans and keys; the app calls these on the UI thread.

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        """A scan while this screen is active. Default: not expected here."""
        ticket.ignore(_("Not expected here"))
        self.feedback(_("{scan}: not expected here", scan=scan.describe()), "info")

    def handle_command(self, name: str, quantity: int | None = None) -> None:
        """A function key or command barcode by name (confirm, short, skip, done, cancel)."""

    def add_typed(self, text: str) -> None:
        self.entry += text
        self._keyed_note = ""
        self._show_entry()

    def submit_typed(self) -> None:
        text, self.entry = self.entry, ""
        quantity, self.quantity_entry = self.quantity_entry, False
        self._show_entry()
        if quantity and text.strip():
            self.handle_quantity(text.strip())
        elif text:
            self.handle_typed(text)

    def handle_typed(self, text: str) -> None:
        """The operator keyed `text` and pressed Enter."""

    def handle_quantity(self, text: str) -> None:
        """The operator pressed the quantity key, keyed `text` and pressed Enter."""

    def takes_quantity_key(self) -> bool:
        """The quantity key (`*`, F6) starts a quantity here."""
        return False

    def takes_burst_as_typed(self, text: str) -> bool:
        """A scanner-fast burst that is to be read as keyed text here (the PIN, say)."""
        return self.TYPED_ONLY

    def note_keyed(self, what: str) -> None:
        """Say on the entry line what the keyed entry was taken as ("keyed: SKU-0281")."""
        self._keyed_note = _("keyed: {what}", what=what)
        self._show_entry()

    def clear_entry(self) -> None:
        self.entry = ""
        self.quantity_entry = False
        self._show_entry()

    def _show_entry(self) -> None:
        with self.in_language():
            label = _("Qty:") if self.quantity_entry else _(self.ENTRY_LABEL)
            note = "" if self.entry or self.quantity_entry else self._keyed_note
            self.query_one(KeyEntry).show(label, self.entry, self.MASK_ENTRY, note)

    async def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.floor_app.note_activity()
        key = event.key
        with self.in_language():
            if key in QUANTITY_KEYS and self.takes_quantity_key():
                app = self.floor_app
                if key == "f6" or not (self.entry or app.wedge.pending or app.wedge.typing):
                    app.take_pending_typing()
                    self.quantity_entry = True
                    self._keyed_note = ""
                    self._show_entry()
                    return
            if key in FUNCTION_KEYS:
                if key == "escape" and (self.entry or self.quantity_entry):
                    self.clear_entry()
                    return
                self.floor_app.take_pending_typing()
                self.handle_command(FUNCTION_KEYS[key])
                return
            if key == "backspace":
                self.floor_app.take_pending_typing()
                self.entry = self.entry[:-1]
                self._show_entry()
                return
            if key == "enter":
                char = "\r"
            elif key == "tab":
                char = "\t"
            else:
                char = event.character or ""
                if not char or (not char.isprintable() and char != "\x1d"):
                    self.handle_other_key(key)
                    return
            self.floor_app.feed_wedge(char, self.floor_app.key_time(event))

    def handle_other_key(self, key: str) -> None:
        """Arrows and other keys without a character. Default: arrows scroll the body."""
        step = {"up": -1, "down": 1, "pageup": -5, "pagedown": 5}.get(key)
        if step is not None:
            self.query_one(Body).scroll_rows(step)
