"""Returns: scan the order, then each item (digits + Enter first for a quantity), then choose
its disposition: F2 restock (then scan the location), F3 quarantine, F4 scrap. F5 ends the
order; Esc goes back to the menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from floor.i18n import N_, _
from floor.scanning import Command, ScanKind
from floor.screens.flow import FlowScreen

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.returns import Returned, ReturnOrder
    from floor.scanning import Scan

ORDER = "order"
ITEM = "item"
DISPOSITION = "disposition"
LOCATION = "location"
BY_COMMAND = {Command.SHORT: "quarantine", Command.SKIP: "scrap"}


class ReturnsScreen(FlowScreen):
    FLOW: ClassVar[str] = "returns"
    TITLE: ClassVar[str] = N_("Returns")
    ROLES: ClassVar[tuple[str, ...]] = ("receiver",)
    MENU_ORDER: ClassVar[int] = 120

    def __init__(self) -> None:
        super().__init__()
        self.step = ORDER
        self.order: ReturnOrder | None = None
        self.item: Scan | None = None
        self.quantity = 1

    def on_mount(self) -> None:
        saved = self.resume_state() or {}
        with self.in_language():
            self.render_step()
        if saved.get("order"):
            self.find(str(saved["order"]))

    def find(self, number: str, scan_id: str | None = None) -> None:
        from floor import returns

        self.call_service(lambda s: returns.find_return_order(s, order_number=number), self.found)

    def found(self, order: ReturnOrder) -> None:
        self.order = order
        self.go(ITEM)

    def go(self, step: str) -> None:
        self.step = step
        self.save_state({"order": self.order.number} if self.order else {})
        self.render_step()

    def render_step(self) -> None:
        if self.order is None:
            self.prompt(_("Scan the order"))
            self.show_lines([])
            return
        lines = [self.order.number] + [
            f"{line['sku'][:16]:<16} {line['returned']}/{line['returnable']}"
            for line in self.order.lines[:6]
        ]
        self.show_lines(lines)
        if self.step == ITEM:
            self.prompt(_("Scan a returned item"), _("x{n}, F5 done", n=self.quantity))
        elif self.step == DISPOSITION:
            self.prompt(_("Disposition?"), _("F2 restock, F3 quarantine, F4 scrap"))
        else:
            self.prompt(_("Scan the location to restock into"))

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        if self.step == ORDER and scan.kind is ScanKind.ORDER and scan.code:
            self.find(scan.code)
        elif self.step == ITEM and scan.kind is ScanKind.PRODUCT and scan.gtin:
            self.item = scan
            self.go(DISPOSITION)
        elif self.step == LOCATION and scan.kind is ScanKind.LOCATION and scan.code:
            self.receive("restock", raw.scan_id, scan.code)
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def receive(self, disposition: str, scan_id: str | None, location: str | None = None) -> None:
        from floor import returns

        assert self.order is not None and self.item is not None
        item, number, quantity = self.item, self.order.number, self.quantity
        actor, warehouse = self.station.actor, self.station.warehouse_id

        def work(session: object) -> tuple[Returned, ReturnOrder]:
            done = returns.receive_return(
                session,  # type: ignore[arg-type]
                warehouse_id=warehouse,
                order_number=number,
                barcode=item.gtin or "",
                quantity=quantity,
                disposition=disposition,
                location_code=location,
                lot=item.lot or "",
                expiry=item.expiry,
                actor=actor,
                scan_id=scan_id,
            )
            return done, returns.find_return_order(session, order_number=number)  # type: ignore[arg-type]

        self.call_service(work, self.returned, on_error=self.refused)

    def refused(self, error: FloorError) -> None:
        if self.step != LOCATION:
            self.item = None
            self.go(ITEM)
        self.reject(str(error), error.expected)

    def returned(self, result: tuple[Returned, ReturnOrder]) -> None:
        done, self.order = result
        self.item, self.quantity = None, 1
        self.go(ITEM)
        self.accept(
            _(
                "{n} x {sku}: {disposition} at {location}",
                n=done.quantity,
                sku=done.sku,
                disposition=done.disposition,
                location=done.location,
            )
        )

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command is Command.QUANTITY and self.step == ITEM and quantity:
            self.quantity = quantity
            self.render_step()
            self.accept(_("Next item x{n}", n=quantity))
        elif self.step == DISPOSITION and command is Command.CONFIRM:
            self.go(LOCATION)
        elif self.step == DISPOSITION and command in BY_COMMAND:
            self.receive(BY_COMMAND[command], None)
        elif command is Command.DONE and self.step == ITEM:
            self.order = None
            self.go(ORDER)
        else:
            super().on_command(command, quantity)
