"""The menu: the flows the operator's roles allow, numbered; a digit opens one.

A number opens its task as soon as it is keyed, unless another task's number starts with
it: with ten tasks, 2 to 9 open at once, 1 waits (Enter opens 1, 0 makes it 10).

Scans alone work too: a quantity barcode (CMD:QTY:n) opens flow n, confirm opens the
highlighted one, cancel logs out. Keys: digits, arrows and Enter, Esc/F10 to log out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from floor.i18n import N_, _
from floor.scanning import Command, ScanKind
from floor.screens import flows_for, keys
from floor.screens.base import StationScreen
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.scanning import Scan
    from floor.screens.flow import FlowScreen


class MenuScreen(StationScreen):
    SCREEN_NAME: ClassVar[str] = "menu"
    ENTRY_LABEL: ClassVar[str] = N_("Choice:")

    def __init__(self) -> None:
        super().__init__()
        self.flows: list[type[FlowScreen]] = []
        self.highlighted = 0

    def on_mount(self) -> None:
        self.flows = flows_for(self.station.operator_roles)

    def screen_title(self) -> str:
        return _("Menu · {name}", name=self.station.operator_name)

    def keys(self) -> list[Key]:
        count = len(self.flows)
        numbers = Key("1" if count == 1 else f"1-{count}", N_("Open")) if count else None
        shown = [numbers, keys.CHOOSE if len(self.flows) > 1 else None]
        return [k for k in shown if k] + [Key(keys.ENTER, N_("Open")), keys.LOG_OUT, keys.QUIT]

    def refresh_texts(self) -> None:
        super().refresh_texts()
        if self.flows:
            self.prompt(_("Choose a task"), _("Key its number, or scan a quantity barcode"))
        else:
            self.prompt(_("No tasks for your role"), _("Ask a supervisor; Esc to log out"))
        self._show_flows()

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
