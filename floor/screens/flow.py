"""FlowScreen: the base of every floor flow (receiving, put-away, picking, ...).

A flow screen is thin: it shows a prompt, reacts to scans (`on_scan`) and commands
(`on_command`, from command barcodes and from the key fallbacks), and calls one domain
service at a time with `call_service`, which runs it in a thread worker inside
`floor.db.transaction`. Scans that arrive while a service runs wait in order; none is lost.

Keys: F2 confirm, F3 short, F4 skip, F5 done, Esc/F10 cancel, digits + Enter a quantity.
Text keyed and entered that is not a number is handled as a scan from the keyboard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from floor.i18n import _
from floor.scanning import Command, ScanKind
from floor.screens.base import StationScreen

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.scanning import Scan

COMMANDS_BY_NAME = {c.value: c for c in Command}


class FlowScreen(StationScreen):
    """Subclass, set FLOW, TITLE (N_), ROLES, MENU_ORDER; override on_scan / on_command."""

    FLOW: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    ROLES: ClassVar[tuple[str, ...]] = ()
    MENU_ORDER: ClassVar[int] = 100

    def __init__(self) -> None:
        super().__init__()
        self.EXPECT_CHECK_DIGIT: bool = False

    def screen_title(self) -> str:
        return _(self.TITLE)

    # To override.

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        """A parsed, readable scan (not a command). Default: not expected here."""
        self.reject(
            _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
        )

    def product_expected(self) -> bool:
        """The step waits for a product scan (a pallet label there is refused as such)."""
        return False

    def on_command(self, command: Command, quantity: int | None) -> None:
        """A command barcode or its key fallback. Default: cancel goes back to the menu."""
        if command is Command.CANCEL:
            self.leave()
        elif command is Command.QUANTITY:
            self.reject(_("No quantity is asked for here"), self.expected_text or None)
        else:
            self.reject(
                _("{command} is not possible here", command=_command_word(command)),
                self.expected_text or None,
            )

    # Flow state, kept per operator and flow so the flow resumes after a crash or logout.

    def resume_state(self) -> dict | None:
        state = self.station.flow_states.get(self.FLOW)
        return dict(state) if state else None

    def save_state(self, state: dict) -> None:
        """Remember `state` (JSON-able); an empty dict clears it. Written in the background."""
        self.floor_app.save_flow_state(self.FLOW, state)

    def clear_state(self) -> None:
        self.save_state({})

    def leave(self) -> None:
        """Back to the menu (the saved state stays, so the flow can resume)."""
        self.floor_app.back_to_menu()

    # Routing from the app.

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        if not scan.ok:
            self.reject(scan.describe(), self.expected_text or None)
            return
        if scan.kind is ScanKind.COMMAND and scan.command is not None:
            self.on_command(scan.command, scan.quantity)
        elif scan.is_logistic_unit and self.product_expected():
            self.reject(
                _(
                    "{scan}: a pallet or case label, not a product; scan the barcode on "
                    "the product itself",
                    scan=scan.describe(),
                ),
                self.expected_text or None,
            )
        elif scan.kind is ScanKind.BADGE:
            self.reject(
                _("{name} is logged in here; log out first", name=self.station.operator_name),
                self.expected_text or None,
            )
        else:
            self.on_scan(scan, raw)
        if (
            ticket.outcome is None
            and not ticket.pending
            and self.floor_app.feedback_kind()
            in (
                "",
                "info",
                "working",
            )
        ):
            self.accept(scan.describe())

    def handle_command(self, name: str, quantity: int | None = None) -> None:
        self.on_command(COMMANDS_BY_NAME[name], quantity)

    def handle_typed(self, text: str) -> None:
        if text.isdigit() and not self.EXPECT_CHECK_DIGIT:
            self.on_command(Command.QUANTITY, int(text))
        else:
            self.floor_app.inject_scan(text, source="keyboard")


def _command_word(command: Command) -> str:
    from floor.scanning.model import COMMAND_WORDS

    word = COMMAND_WORDS.get(command)
    return _(word) if word else command.value
