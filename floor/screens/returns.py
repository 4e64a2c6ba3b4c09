"""Returns: scan the order or its return authorization (RA number), then each item (digits +
Enter first for a quantity), then choose its disposition: F2 restock (then scan the
location), F3 quarantine, F4 scrap. F5 ends the order; Esc goes back to the menu.

The step, order, RA and the item scanned are saved, so after a restart the screen resumes
where it stopped (nothing is received before the disposition is chosen).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.inbound.returns import Returned, ReturnOrder
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
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {
        "": (keys.BACK,),
        ITEM: (keys.QUANTITY, Key("F5", N_("Done")), keys.BACK),
        DISPOSITION: (
            Key("F2", N_("Restock")),
            Key("F3", N_("Quarantine")),
            Key("F4", N_("Scrap")),
            keys.BACK,
        ),
    }

    def __init__(self) -> None:
        super().__init__()
        self.step = ORDER
        self.order: ReturnOrder | None = None
        self.item: dict[str, Any] | None = None  # gtin, lot, expiry of the item scanned
        self.quantity = 1

    def on_mount(self) -> None:
        saved = self.resume_state() or {}
        with self.in_language():
            self.render_step()
        if saved.get("order"):
            item = saved.get("item")
            if item and item.get("expiry"):
                item = {**item, "expiry": dt.date.fromisoformat(item["expiry"])}
            step = saved.get("step") if item else ITEM
            self.quantity = int(saved.get("quantity") or 1)

            def resumed(order: ReturnOrder) -> None:
                self.order = order
                self.item = item
                self.go(step if step in (ITEM, DISPOSITION, LOCATION) else ITEM)

            self.find(
                str(saved["order"]),
                authorization=str(saved.get("authorization") or ""),
                then=resumed,
            )

    def find(self, number: str = "", authorization: str = "", then: Any = None) -> None:
        from floor.inbound import returns

        def work(session: Any) -> ReturnOrder:
            order = returns.find_return_order(
                session,
                order_number=number or None,
                authorization=None if number else authorization,
            )
            if number and authorization:  # resuming: keep the RA it was found by
                order = replace(order, authorization=authorization)
            return order

        self.call_service(work, then or self.found)

    def found(self, order: ReturnOrder) -> None:
        self.order = order
        self.go(ITEM)
        if order.authorization:
            self.accept(_("{ra}: order {number}", ra=order.authorization, number=order.number))

    def go(self, step: str) -> None:
        self.step = step
        state: dict[str, Any] = {}
        if self.order:
            state = {
                "order": self.order.number,
                "authorization": self.order.authorization,
                "step": step,
                "quantity": self.quantity,
            }
            if self.item and step in (DISPOSITION, LOCATION):
                expiry = self.item.get("expiry")
                state["item"] = {**self.item, "expiry": expiry.isoformat() if expiry else None}
        self.save_state(state)
        self.render_step()

    def render_step(self) -> None:
        if self.order is None:
            self.prompt(_("Scan the order"), _("or its return authorization (RA)"))
            self.show_lines([])
            return
        head = self.order.number
        if self.order.authorization:
            head += f"  {self.order.authorization}"
        lines = [head] + [
            f"{line['sku'][:16]:<16} {line['returned']}/{line['returnable']}"
            for line in self.order.lines
        ]
        self.show_lines(lines, head=1)
        if self.step == ITEM:
            self.prompt(_("Scan a returned item"), _("x{n}, F5 done", n=self.quantity))
        elif self.step == DISPOSITION:
            self.prompt(_("Disposition?"), _("F2 restock, F3 quarantine, F4 scrap"))
        else:
            self.prompt(_("Scan the location to restock into"))

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        """An RA number is no code of the scan language: at the order step, an unknown code
        starting with the RA prefix is looked up as a return authorization."""
        from floor.inbound.returns import RA_PREFIX

        text = scan.raw.strip()
        if self.step == ORDER and scan.kind is ScanKind.UNKNOWN and text.startswith(RA_PREFIX):
            self.find(authorization=text)
            return
        super().handle_scan(scan, raw, ticket)

    def product_expected(self) -> bool:
        return self.step == ITEM

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        if self.step == ORDER and scan.kind is ScanKind.ORDER and scan.code:
            self.find(scan.code)
        elif self.step == ITEM and scan.kind is ScanKind.PRODUCT and scan.gtin:
            self.item = {"gtin": scan.gtin, "lot": scan.lot or "", "expiry": scan.expiry}
            self.go(DISPOSITION)
        elif self.step == LOCATION and scan.kind is ScanKind.LOCATION and scan.code:
            self.receive("restock", raw.scan_id, scan.code)
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def receive(self, disposition: str, scan_id: str | None, location: str | None = None) -> None:
        from floor.inbound import returns

        assert self.order is not None and self.item is not None
        item, number, quantity = dict(self.item), self.order.number, self.quantity
        authorization = self.order.authorization
        actor, warehouse = self.station.actor, self.station.warehouse_id

        def work(session: Any) -> tuple[Returned, ReturnOrder]:
            done = returns.receive_return(
                session,
                warehouse_id=warehouse,
                order_number=number,
                barcode=item["gtin"],
                quantity=quantity,
                disposition=disposition,
                location_code=location,
                authorization=authorization,
                lot=item["lot"],
                expiry=item["expiry"],
                actor=actor,
                scan_id=scan_id,
            )
            order = returns.find_return_order(session, order_number=number)
            return done, replace(order, authorization=authorization)

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
        from floor.inbound.returns import returned_message

        self.accept(returned_message(done))

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command is Command.QUANTITY and self.step == ITEM and quantity:
            self.quantity = quantity
            self.go(ITEM)
            self.accept(_("Next item x{n}", n=quantity))
        elif self.step == DISPOSITION and command is Command.CONFIRM:
            self.go(LOCATION)
        elif self.step == DISPOSITION and command in BY_COMMAND:
            ticket = self.floor_app.current_ticket  # a command barcode has a scan id; a key not
            self.receive(BY_COMMAND[command], ticket.raw.scan_id if ticket else None)
        elif command is Command.DONE and self.step == ITEM:
            self.order = None
            self.go(ORDER)
        else:
            super().on_command(command, quantity)
