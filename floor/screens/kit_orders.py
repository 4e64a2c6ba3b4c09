"""Supervisor: kit work orders: the list, a new one, release, park and cancel.

The same services as `floor kit order ...` (floor.kitting.work_orders), with the supervisor
logged in as the actor. The list: up and down arrows choose a work order; F2 releases it
(components reserved, picks to the kitting bench; what is short is named per component and
nothing is released); F3 parks it (stop for today); F4 makes a new one; F5 refreshes;
Del twice (or scanning CMD:CANCEL twice) cancels the chosen one; Esc goes back to the menu.

A new work order: key or scan the kit's SKU and Enter, then the quantity and Enter (F4 at
the quantity switches between building kits and taking them apart); Esc goes back to the
list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed, plain_text
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.kitting.work_orders import ReleaseResult, WorkOrderView
    from floor.scanning import Scan

LIST = "list"
NEW_SKU = "new_sku"
NEW_QUANTITY = "new_quantity"
COMPACT_ROW = 40  # the width of a list row at RF-gun size
SHOWN = 30  # work orders in the list (open first by due date, then the latest closed)


class KitOrdersScreen(FlowScreen):
    FLOW: ClassVar[str] = "kit_orders"
    TITLE: ClassVar[str] = N_("Kit work orders")
    ROLES: ClassVar[tuple[str, ...]] = ("supervisor",)
    MENU_ORDER: ClassVar[int] = 810
    KEYED: ClassVar[Mapping[str, Keyed]] = {NEW_SKU: Keyed.TEXT, NEW_QUANTITY: Keyed.NUMBER}
    KEYS: ClassVar[Mapping[str, Sequence[Key]]] = {
        LIST: (
            Key("F2", N_("Release")),
            Key("F3", N_("Park")),
            Key("F4", N_("New")),
            Key(keys.DEL, N_("Cancel")),
            keys.REFRESH,
            keys.CHOOSE,
            keys.BACK,
        ),
        NEW_SKU: (keys.ENTER_OK, keys.BACK),
        NEW_QUANTITY: (keys.ENTER_OK, Key("F4", N_("Build / de-kit"), N_("Kind")), keys.BACK),
    }

    def __init__(self) -> None:
        super().__init__()
        self.step = LIST
        self.orders: list[WorkOrderView] = []
        self.chosen = 0
        self.cancel_armed = ""
        self.new_sku = ""
        self.new_dekit = False
        self._select: str | None = None

    def on_mount(self) -> None:
        super().on_mount()
        with self.in_language():
            self.go(LIST)
        self.reload()

    def go(self, step: str) -> None:
        self.step = step
        self.refresh_texts()
        self.render_step()

    def render_step(self) -> None:
        compact = self.floor_app.compact
        if self.step == LIST:
            self.prompt(
                _("Choose a work order with ↑↓"),
                _("F2 release F3 park F4 new, Del twice cancels")
                if compact
                else _("F2 release  F3 park  F4 new  F5 refresh  Del twice cancels"),
            )
            self.show_lines(self.lines(), selected=self.chosen if self.orders else None)
        elif self.step == NEW_SKU:
            self.prompt(_("New kit work order: the kit's SKU"), _("Key or scan it, Enter"))
            self.show_lines([])
        elif self.step == NEW_QUANTITY:
            kind = _("take apart") if self.new_dekit else _("build")
            self.prompt(
                _("How many kits {sku} to {kind}?", sku=self.new_sku, kind=kind),
                _("Key the number, Enter; F4 build or take apart"),
            )
            self.show_lines([])

    def lines(self) -> list[str]:
        from floor.kitting.work_orders import status_label

        compact = self.floor_app.compact
        if not self.orders:
            return [_("No kit work orders yet: F4 makes one")]
        out = []
        for index, order in enumerate(self.orders):
            mark = ">" if index == self.chosen else " "
            kind = _("de-kit") if order.kind == "dekit" else _("kit")
            status = status_label(order.status)
            if compact:
                row = f"{mark}{order.number[4:]} {order.sku[:9]:<9} {order.done}/{order.quantity}"
                # the status takes the rest of the 40 columns ("cancelle" was cut at 8)
                out.append(f"{row} {status[: max(8, COMPACT_ROW - len(row) - 1)]}")
            else:
                due = order.due.isoformat() if order.due else "-"
                out.append(
                    f"{mark} {order.number}  {kind:<6} {order.sku[:12]:<12} "
                    f"{order.done:>3}/{order.quantity:<3} {status[:12]:<12} {due}"
                )
        return out

    @property
    def number(self) -> str | None:
        return self.orders[self.chosen].number if self.orders else None

    def reload(self, message: str | None = None) -> None:
        from floor.kitting import work_orders

        warehouse = self.station.warehouse_id

        def work(s: Any) -> list[WorkOrderView]:
            views = work_orders.list_work_orders(s, warehouse)
            live = [v for v in views if v.status in ("planned", "released")]
            closed = [v for v in views if v.status not in ("planned", "released")]
            return (live + closed[::-1])[:SHOWN]

        self.call_service(work, lambda orders: self.show_orders(orders, message))

    def show_orders(self, orders: list[WorkOrderView], message: str | None = None) -> None:
        chosen = self._select or self.number
        self._select = None
        self.orders = orders
        numbers = [o.number for o in orders]
        if chosen in numbers:
            self.chosen = numbers.index(chosen)
        self.chosen = min(self.chosen, max(len(orders) - 1, 0))
        if self.step == LIST:
            self.render_step()
        if message:
            self.accept(message)

    # --- keys, scans, commands -----------------------------------------------------------

    def handle_other_key(self, key: str) -> None:
        if self.step == LIST and key == "delete":
            self.cancel_chosen(_("Press Del again to cancel {number}", number=self.number))
            return
        if self.step == LIST and key in ("up", "down") and self.orders:
            self.chosen = (self.chosen + (-1 if key == "up" else 1)) % len(self.orders)
            self.cancel_armed = ""
            self.render_step()
            return
        super().handle_other_key(key)

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        if self.step == NEW_SKU and scan.kind is not ScanKind.COMMAND:
            self.note_keyed("")
            self.on_keyed_text(plain_text(scan.raw))
            return
        super().handle_scan(scan, raw, ticket)

    def on_keyed_text(self, text: str) -> None:
        if self.step == NEW_SKU:
            self.choose_sku(text)
        else:
            super().on_keyed_text(text)

    def choose_sku(self, text: str) -> None:
        from floor.kitting.bom import bom_of, kit_item
        from floor.stock.catalog import item_named

        def work(s: Any) -> str:
            named = item_named(s, text)  # its SKU (any case) or a barcode of it
            item = kit_item(s, named[0] if named else text)
            bom_of(s, item.id)
            return item.sku

        def chosen(sku: str) -> None:
            self.new_sku = sku
            self.go(NEW_QUANTITY)
            self.accept(_("Kit {sku}", sku=sku))

        self.call_service(work, chosen)

    def on_command(self, command: Command, quantity: int | None) -> None:
        step = self.step
        if step != LIST:
            if command is Command.CANCEL:
                self.go(LIST)
            elif command is Command.SKIP and step == NEW_QUANTITY:
                self.new_dekit = not self.new_dekit
                self.render_step()
            elif command is Command.QUANTITY and quantity is not None and step == NEW_QUANTITY:
                self.create(quantity)
            else:
                super().on_command(command, quantity)
            return
        self.list_command(command, quantity)

    def list_command(self, command: Command, quantity: int | None) -> None:
        from floor.kitting import work_orders

        actor = self.station.actor
        number = self.number
        if command is Command.CANCEL:
            if number and self.floor_app.current_ticket is not None:  # CMD:CANCEL scanned
                self.cancel_chosen(_("Scan cancel again to cancel {number}", number=number))
            else:
                self.leave()
        elif command is Command.CONFIRM and number:
            self.call_service(
                lambda s: work_orders.release_work_order(s, number, actor=actor), self.released
            )
        elif command is Command.SHORT and number:
            self.call_service(
                lambda s: work_orders.park_work_order(s, number, actor=actor),
                lambda view: self.reload(
                    _(
                        "{number} parked at {done} of {quantity}",
                        number=view.number,
                        done=view.done,
                        quantity=view.quantity,
                    )
                ),
            )
        elif command is Command.SKIP:
            self.new_sku, self.new_dekit = "", False
            self.cancel_armed = ""
            self.go(NEW_SKU)
        elif command is Command.DONE:
            self.reload()
        else:
            super().on_command(command, quantity)

    def cancel_chosen(self, again: str) -> None:
        """Del or CMD:CANCEL on the list: the first arms it (`again` says so), the second
        cancels the chosen work order."""
        from floor.kitting import work_orders

        actor, number = self.station.actor, self.number
        if number is None:
            self.reject(_("No kit work order to cancel"))
            return
        if self.cancel_armed != number:
            self.cancel_armed = number
            self.reject(again)
            return
        self.cancel_armed = ""
        self.call_service(
            lambda s: work_orders.cancel_work_order(s, number, actor=actor),
            lambda view: self.reload(
                ngettext(
                    "{number} cancelled: {n} kit built",
                    "{number} cancelled: {n} kits built",
                    view.done,
                    number=view.number,
                )
            ),
        )

    def create(self, quantity: int) -> None:
        from floor.kitting import work_orders

        warehouse, actor = self.station.warehouse_id, self.station.actor
        sku, kind = self.new_sku, "dekit" if self.new_dekit else "kit"

        def made(view: WorkOrderView) -> None:
            self._select = view.number
            self.go(LIST)
            self.reload(
                _("{number} made: {n} × {sku}", number=view.number, n=view.quantity, sku=view.sku)
            )

        self.call_service(
            lambda s: work_orders.create_work_order(
                s, warehouse, sku, quantity, kind=kind, actor=actor
            ),
            made,
        )

    def released(self, done: ReleaseResult) -> None:
        self._select = done.number
        self.reload(
            _(
                "{number} released: {tasks} picks ({units} units) to the bench",
                number=done.number,
                tasks=done.tasks,
                units=done.units,
            )
        )
