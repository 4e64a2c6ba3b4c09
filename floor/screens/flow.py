"""FlowScreen: the base of every floor flow (receiving, put-away, picking, ...).

A flow screen is thin: it shows a prompt, reacts to scans (`on_scan`) and commands
(`on_command`, from command barcodes and from the key fallbacks), and calls one domain
service at a time with `call_service`, which runs it in a thread worker inside
`floor.db.transaction`. Scans that arrive while a service runs wait in order; none is lost.

Keys: F2 confirm, F3 short, F4 skip, F5 done, Esc/F10 cancel. What keyed text + Enter is
depends on what the step asks for (`KEYED`, by step): a code by default (a GTIN, a SKU, a
location, a container: read as if scanned, source "keyboard"), a number where the step asks
for one (a quantity, a count, a reason), or text the screen reads itself (a lot, a date).
Elsewhere a quantity is keyed after the quantity key (`*` or F6). The entry line says what
the keyed text was taken as ("keyed: ..."). A code the scan language does not know (a SKU,
a SKU label) is looked up in the catalog before it is refused.

A quantity keyed for the next scan (`arm`) is that scan's only: any refusal disarms it
(`reject`), so a refused scan's quantity never lands on the next, unrelated one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from floor.i18n import _
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.base import KEYBOARD, StationScreen
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.scanning import Scan

COMMANDS_BY_NAME = {c.value: c for c in Command}
AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
MAX_KEYED_NUMBER = 7  # digits; a GTIN has 8 or more, so a longer burst is a scan


class Keyed(StrEnum):
    """What keyed text + Enter is at a step."""

    CODE = "code"  # a code, read as if scanned (digits too: a GTIN, check digits, a SKU)
    NUMBER = "number"  # digits are a number (quantity, count, reason); other text a code
    TEXT = "text"  # the screen reads the text itself (handle_typed): a lot, a date


def plain_text(raw: str) -> str:
    """A scanned lot or date as text: without the AIM symbology prefix and GS separators."""
    text = raw.strip().strip("\x1d")
    return AIM_PREFIX.sub("", text, count=1).strip("\x1d").strip()


class FlowScreen(StationScreen):
    """Subclass, set FLOW, TITLE (N_), ROLES, MENU_ORDER; override on_scan / on_command."""

    FLOW: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    ROLES: ClassVar[tuple[str, ...]] = ()
    MENU_ORDER: ClassVar[int] = 100
    # A pallet's SSCC (00) names the container it was received onto, where the flow takes
    # containers (put-away, move): not refused as "a pallet label, not a product".
    SSCC_IS_CONTAINER: ClassVar[bool] = False
    KEYED: ClassVar[Mapping[str, Keyed]] = {}
    """What keyed text is, by step (`self.step`); a step not named takes a code."""
    KEYS: ClassVar[Mapping[str, Sequence[Key]]] = {}
    """The footer's keys, by step; "" for the steps not named; none at all: Esc Back."""

    def __init__(self) -> None:
        super().__init__()
        self.EXPECT_CHECK_DIGIT: bool = False
        self.armed: int | None = None  # a quantity keyed for the next scan only

    def arm(self, quantity: int | None) -> None:
        """Keep `quantity` for the next scan (None: the scan's own count)."""
        self.armed = quantity

    def reject(self, text: str, expected: str | None = None) -> None:
        """A refusal also disarms a quantity keyed for the next scan, and says so."""
        if self.armed is not None:
            self.armed = None
            self.on_disarmed()
        super().reject(text, expected)

    def on_disarmed(self) -> None:
        """The armed quantity went with a refusal. Default: redraw the step if it can."""
        render = getattr(self, "render_step", None)
        if callable(render):
            render()

    def screen_title(self) -> str:
        return _(self.TITLE)

    def keys(self) -> Sequence[Key]:
        step = str(getattr(self, "step", ""))
        return self.KEYS.get(step, self.KEYS.get("", (keys.BACK,)))

    def keyed_as(self) -> Keyed:
        """What keyed text + Enter is now (from KEYED and the current step)."""
        return self.KEYED.get(str(getattr(self, "step", "")), Keyed.CODE)

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
        if raw.source == KEYBOARD:
            self.note_keyed(scan.describe() if scan.ok else plain_text(scan.raw))
        else:
            self.note_keyed("")  # a scan: the last keyed entry's note is stale
        if not scan.ok:
            if scan.kind is ScanKind.UNKNOWN and _could_be_item(scan):
                self.find_item(scan, raw, ticket)
            else:
                self.refuse_unreadable(scan, raw)
            return
        self.dispatch(scan, raw, ticket)

    def dispatch(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        """A readable scan (or a keyed code) to on_command / on_scan."""
        if scan.kind is ScanKind.COMMAND and scan.command is not None:
            self.on_command(scan.command, scan.quantity)
        elif (
            scan.is_logistic_unit
            and self.product_expected()
            and not (scan.sscc and self.SSCC_IS_CONTAINER)
        ):
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

    def find_item(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        """A code the scan language does not know may be an item's SKU (keyed, or read from
        a SKU label): looked up in the catalog, it goes on as that item; else it is refused."""
        from floor.stock.catalog import item_named

        text = plain_text(scan.raw)

        def found(item: tuple[str, str] | None) -> None:
            if item is None:
                self.refuse_unreadable(scan, raw)
                return
            sku, barcode = item
            resolved = replace(
                scan,
                kind=ScanKind.PRODUCT,
                gtin=barcode,
                code=sku,
                reason=None,
                reason_params=(),
                suggestion=None,
            )
            ticket.scan = resolved  # journaled as the item it named
            if raw.source == KEYBOARD:
                self.note_keyed(_("item {sku}", sku=sku))
            self.dispatch(resolved, raw, ticket)

        self.call_service(lambda session: item_named(session, text), found)

    def refuse_unreadable(self, scan: Scan, raw: RawScan) -> None:
        text = plain_text(scan.raw)
        if raw.source == KEYBOARD and text.isdigit() and len(text) <= MAX_KEYED_NUMBER:
            self.reject(
                _("{text} is not a code here; to key a quantity, press * first", text=text),
                self.expected_text or None,
            )
        else:
            self.reject(scan.describe(), self.expected_text or None)

    def handle_command(self, name: str, quantity: int | None = None) -> None:
        self.on_command(COMMANDS_BY_NAME[name], quantity)

    def handle_typed(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        keyed = self.keyed_as()
        if keyed is Keyed.NUMBER and text.isascii() and text.isdigit():
            self.handle_quantity(text)
        elif keyed is Keyed.TEXT:
            self.note_keyed(text)
            self.on_keyed_text(text)
        else:
            self.floor_app.inject_scan(text, source=KEYBOARD)

    def handle_quantity(self, text: str) -> None:
        """Digits keyed where a number is asked, or after the quantity key."""
        if not (text.isascii() and text.isdigit()):
            self.reject(
                _("A quantity is a whole number, not {text}", text=text),
                self.expected_text or None,
            )
            return
        self.note_keyed(_("quantity {n}", n=int(text)))
        self.on_command(Command.QUANTITY, int(text))

    def on_keyed_text(self, text: str) -> None:
        """Text keyed at a Keyed.TEXT step. Default: read as a code."""
        self.floor_app.inject_scan(text, source=KEYBOARD)

    def takes_quantity_key(self) -> bool:
        return self.keyed_as() is not Keyed.TEXT

    def takes_burst_as_typed(self, text: str) -> bool:
        """A burst of a few digits where a number is asked is a number keyed on a busy
        station (its keys read in one batch), not a barcode: no barcode is that short."""
        if super().takes_burst_as_typed(text):
            return True
        number = text.isascii() and text.isdigit() and len(text) <= MAX_KEYED_NUMBER
        return number and (self.quantity_entry or self.keyed_as() is Keyed.NUMBER)


def _could_be_item(scan: Scan) -> bool:
    """Plain text a SKU or an item's own barcode could be (no GS1 data, no spaces)."""
    text = plain_text(scan.raw)
    return 0 < len(text) <= 64 and "\x1d" not in text and not any(c.isspace() for c in text)


def _command_word(command: Command) -> str:
    from floor.scanning.model import COMMAND_WORDS

    word = COMMAND_WORDS.get(command)
    return _(word) if word else command.value
