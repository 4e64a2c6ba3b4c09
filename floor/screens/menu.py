"""The menu: the flows the operator's roles allow, numbered; a digit opens one.

A number opens its task as soon as it is keyed, unless another task's number starts with
it: with ten tasks, 2 to 9 open at once, 1 waits (Enter opens 1, 0 makes it 10).

Scans alone work too: a quantity barcode (CMD:QTY:n) opens flow n, confirm opens the
highlighted one, cancel logs out. Keys: digits, arrows and Enter, Esc/F10 to log out.

Supervisors (and admins) see the badges locked after failed logins on the line under the
prompt, read quietly when the menu shows and every few seconds. An admin unlocks a badge by
scanning it (or keying it in) twice.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import flows_for, keys
from floor.screens.base import StationScreen
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.logins import LockedBadge
    from floor.scanning import Scan
    from floor.screens.flow import FlowScreen

LOCKED_REFRESH_SECONDS = 10.0
LOCKED_SHOWN = 3


class MenuScreen(StationScreen):
    SCREEN_NAME: ClassVar[str] = "menu"
    ENTRY_LABEL: ClassVar[str] = N_("Choice:")

    def __init__(self) -> None:
        super().__init__()
        self.flows: list[type[FlowScreen]] = []
        self.highlighted = 0
        self.locked: list[LockedBadge] = []
        self.unlock_armed = ""

    def on_mount(self) -> None:
        self.flows = flows_for(self.station.operator_roles)
        if self.sees_locked_badges:
            self.set_interval(LOCKED_REFRESH_SECONDS, self.load_locked)

    def on_screen_resume(self) -> None:
        self.unlock_armed = ""
        if self.sees_locked_badges:
            self.load_locked()

    def screen_title(self) -> str:
        return _("Menu · {name}", name=self.station.operator_name)

    def keys(self) -> list[Key]:
        count = len(self.flows)
        numbers = Key("1" if count == 1 else f"1-{count}", N_("Open")) if count else None
        shown = [numbers, keys.CHOOSE if len(self.flows) > 1 else None]
        return [k for k in shown if k] + [Key(keys.ENTER, N_("Open")), keys.LOG_OUT, keys.QUIT]

    def refresh_texts(self) -> None:
        super().refresh_texts()
        locked = self._locked_text()
        if self.flows:
            self.prompt(
                _("Choose a task"), locked or _("Key its number, or scan a quantity barcode")
            )
        else:
            self.prompt(
                _("No tasks for your role"), locked or _("Ask a supervisor; Esc to log out")
            )
        self._show_flows()

    # Locked badges (supervisors see them, admins unlock them).

    @property
    def sees_locked_badges(self) -> bool:
        return "supervisor" in self.station.operator_roles

    @property
    def may_unlock(self) -> bool:
        return "admin" in self.station.operator_roles

    def load_locked(self) -> None:
        """Read the locked badges in a thread worker, quietly (no feedback, no journal)."""
        if not self.is_attached or self.app.screen is not self or not self.station.logged_in:
            return  # a flow is on top: read again when the menu shows (on_screen_resume)
        from floor.db import read_only
        from floor.logins import locked_badges

        engine = self.station.engine
        operator_id = self.station.operator_id
        app = self.floor_app

        def run() -> None:
            try:
                with read_only(engine) as session:
                    badges = locked_badges(session, operator_id)
            except Exception:  # the next tick tries again; the DB marker is the app's job
                return
            with suppress(RuntimeError):  # the app is shutting down
                app.call_from_thread(self._show_locked, badges)

        app.run_worker(run, thread=True, group="locked-badges", exclusive=True, exit_on_error=False)

    def _show_locked(self, badges: list[LockedBadge]) -> None:
        if self.is_attached and badges != self.locked:
            self.locked = badges
            with self.in_language():
                self.refresh_texts()

    def _locked_text(self) -> str:
        if not self.locked:
            return ""
        from floor.logins import clock

        shown = [
            # i18n: one badge in the menu's list of locked badges, e.g. "OP1001 until 14:05:30"
            _("{badge} until {time}", badge=b.badge, time=clock(b.locked_until))
            for b in self.locked[:LOCKED_SHOWN]
        ]
        more = len(self.locked) - LOCKED_SHOWN
        if more > 0:
            shown.append(ngettext("{n} more", "{n} more", more))
        text = _("Locked badges: {badges}", badges=", ".join(shown))
        if self.may_unlock:
            text += "\n" + _("Scan a locked badge twice to unlock it")
        return text

    def unlock(self, badge: str) -> None:
        """An admin's first scan of a badge arms the unlock; the second one unlocks it."""
        if self.unlock_armed != badge:
            self.unlock_armed = badge
            text = _("Scan badge {badge} again to unlock it", badge=badge)
            ticket = self.floor_app.current_ticket
            if ticket is not None:
                ticket.accept(text)
            self.feedback(text, "info")
            return
        self.unlock_armed = ""
        from floor.logins import unlock_badge

        operator_id = self.station.operator_id
        code = self.station.station_code

        def unlocked(forgotten: int) -> None:
            self.accept(
                ngettext(
                    "Badge {badge} unlocked ({n} failed login forgotten)",
                    "Badge {badge} unlocked ({n} failed logins forgotten)",
                    forgotten,
                    badge=badge,
                )
            )
            self.load_locked()

        self.call_service(lambda s: unlock_badge(s, badge, operator_id, station=code), unlocked)

    def _show_flows(self) -> None:
        lines = []
        wide = 2 if len(self.flows) > 9 else 1
        for number, flow in enumerate(self.flows, start=1):
            mark = "▶" if number - 1 == self.highlighted else " "
            lines.append(f"{mark} {number:>{wide}}  {_(flow.TITLE)}")
        self.show_lines(lines, selected=self.highlighted)

    def open_number(self, number: int) -> None:
        if not 1 <= number <= len(self.flows):
            self.reject(
                _("There is no task {number}", number=number),
                _("a number from 1 to {last}", last=len(self.flows)),
            )
            return
        self.highlighted = number - 1
        self._show_flows()
        self.floor_app.open_flow(self.flows[number - 1])

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        if scan.kind is ScanKind.COMMAND and scan.command is Command.QUANTITY:
            self.open_number(scan.quantity or 0)
        elif scan.kind is ScanKind.COMMAND and scan.command is Command.CONFIRM:
            self.open_number(self.highlighted + 1)
        elif scan.kind is ScanKind.COMMAND and scan.command is Command.CANCEL:
            self.floor_app.log_out()
        elif scan.kind is ScanKind.BADGE and scan.code and self.may_unlock:
            self.unlock(scan.code)
        elif not scan.ok:
            self.reject(scan.describe(), _("a task number"))
        else:
            ticket.ignore(_("Choose a task first"))
            self.feedback(_("{scan}: choose a task first", scan=scan.describe()), "info")

    def handle_command(self, name: str, quantity: int | None = None) -> None:
        if name == "cancel":
            self.floor_app.log_out()
        elif name == "confirm":
            self.open_number(self.highlighted + 1)

    def add_typed(self, text: str) -> None:
        """Digits open a task as soon as they name one and no other task's number starts
        with them: with ten tasks, 2 to 9 open at once, 1 waits for Enter or a 0 (10)."""
        entry = self.entry + text
        if not (entry.isascii() and entry.isdigit()):
            super().add_typed(text)
            return
        number, count = int(entry), len(self.flows)
        longer = any(str(n).startswith(entry) for n in range(1, count + 1) if n != number)
        if longer:
            super().add_typed(text)
            self.feedback(
                _("{number}: Enter opens it, or key the next digit", number=entry), "info"
            )
            return
        self.entry = ""
        self._show_entry()
        self.open_number(number)

    def handle_typed(self, text: str) -> None:
        if text.isdigit():
            self.open_number(int(text))
        else:
            self.floor_app.inject_scan(text, source="keyboard")

    def submit_typed(self) -> None:
        if not self.entry:
            self.open_number(self.highlighted + 1)
            return
        super().submit_typed()

    def handle_other_key(self, key: str) -> None:
        if not self.flows:
            return
        if key == "down":
            self.highlighted = (self.highlighted + 1) % len(self.flows)
        elif key == "up":
            self.highlighted = (self.highlighted - 1) % len(self.flows)
        else:
            return
        self._show_flows()
