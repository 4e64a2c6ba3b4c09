"""Move: take stock from one location to another, each end by scan. Scan the source location,
then an LPN (it moves whole) or an item (a GS1 label names its lot), key the quantity, and
scan the destination. Esc goes back a step; on the first step, to the menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed
from floor.screens.keys import Key
from floor.screens.putaway import container_code, content_line

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.scanning import Scan
    from floor.stock.moves import Moved, MoveSource

SOURCE = "source"
WHAT = "what"
QUANTITY = "quantity"
DESTINATION = "destination"


class MoveScreen(FlowScreen):
    FLOW: ClassVar[str] = "move"
    SSCC_IS_CONTAINER: ClassVar[bool] = True
    TITLE: ClassVar[str] = N_("Move")
    ROLES: ClassVar[tuple[str, ...]] = ("receiver", "supervisor")
    MENU_ORDER: ClassVar[int] = 130
    KEYED: ClassVar[dict[str, Keyed]] = {QUANTITY: Keyed.NUMBER}
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {"": (keys.BACK,)}

    def __init__(self) -> None:
        super().__init__()
        self.step = SOURCE
        self.source = ""
        self.found: MoveSource | None = None
        self.scanned = ""
        self.quantity: int | None = None

    def on_mount(self) -> None:
        with self.in_language():
            self.render_step()

    def go(self, step: str) -> None:
        self.step = step
        self.render_step()

    def render_step(self) -> None:
        found = self.found
        if self.step == SOURCE:
            self.prompt(_("Scan the location to move from"))
            self.show_lines([])
            return
        lines = [f"{_('From'):<10} {self.source}"]
        if found is not None:
            if found.lpn:
                lines.append(f"{_('LPN'):<10} {found.lpn}")
                lines += [
                    f"{'':<10} {content_line(c.sku, c.quantity, c.lot)}" for c in found.contents
                ]
            else:
                lines.append(
                    f"{_('Item'):<10} {content_line(found.sku, found.available, found.lot)}"
                )
        if self.quantity is not None:
            lines.append(f"{_('Quantity'):<10} {self.quantity}")
        self.show_lines(lines)
        if self.step == WHAT:
            self.prompt(_("Scan an LPN or item at {location}", location=self.source))
        elif self.step == QUANTITY and found is not None:
            self.prompt(_("Key the quantity"), _("{n} free here", n=found.available))
        else:
            self.prompt(_("Scan the location to move to"))

    def product_expected(self) -> bool:
        return self.step == WHAT

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        from floor.stock import moves

        actor, warehouse = self.station.actor, self.station.warehouse_id
        if self.step == SOURCE and scan.kind is ScanKind.LOCATION and scan.code:
            code = scan.code
            self.call_service(
                lambda s: moves.source_location(s, warehouse, code, actor=actor), self.from_here
            )
        elif self.step == WHAT and (
            container_code(scan) or (scan.kind is ScanKind.PRODUCT and scan.gtin)
        ):
            scanned = container_code(scan) or scan.gtin or ""
            lot, source = scan.lot, self.source
            self.call_service(
                lambda s: moves.what_to_move(s, warehouse, source, scanned, lot=lot, actor=actor),
                lambda found: self.chosen(found, scanned),
            )
        elif self.step == DESTINATION and scan.kind is ScanKind.LOCATION and scan.code:
            to, source, scanned, scan_id = scan.code, self.source, self.scanned, raw.scan_id
            quantity = self.quantity
            lot = self.found.lot if self.found and not self.found.lpn else None
            self.call_service(
                lambda s: moves.move_stock(
                    s,
                    warehouse_id=warehouse,
                    from_location=source,
                    to_location=to,
                    scanned=scanned,
                    quantity=quantity,
                    lot=lot,
                    actor=actor,
                    scan_id=scan_id,
                ),
                self.done,
            )
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def from_here(self, code: str) -> None:
        self.source, self.found, self.quantity = code, None, None
        self.go(WHAT)

    def chosen(self, found: MoveSource, scanned: str) -> None:
        self.found, self.scanned = found, scanned
        self.quantity = found.available if found.lpn else None
        self.go(DESTINATION if found.lpn else QUANTITY)

    def done(self, result: Moved) -> None:
        self.source, self.found, self.scanned, self.quantity = "", None, "", None
        self.go(SOURCE)
        self.accept(
            ngettext(
                "{n} of {what} moved from {source} to {destination}",
                "{n} of {what} moved from {source} to {destination}",
                result.quantity,
                what=result.what,
                source=result.source,
                destination=result.destination,
            )
        )

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command is Command.QUANTITY and self.step == QUANTITY and self.found is not None:
            if quantity is None or quantity <= 0 or quantity > self.found.available:
                self.reject(
                    _("Key a quantity from 1 to {n}", n=self.found.available),
                    self.expected_text or None,
                )
                return
            self.quantity = quantity
            self.go(DESTINATION)
        elif command is Command.CANCEL and self.step != SOURCE:
            back = {WHAT: SOURCE, QUANTITY: WHAT, DESTINATION: WHAT}[self.step]
            self.quantity = None
            if back == SOURCE:
                self.source, self.found = "", None
            self.go(back)
        else:
            super().on_command(command, quantity)
