"""Cluster picking: cart, one tote per order, then location, item, quantity, tote for each pick.

Thin: every scan goes to one service (floor.outbound.carts, picking or short_picks), which
checks it against the task; this screen only shows the step and what the service answered.
The location's check digits are never shown. F3 short pick, F4 skip (come back later), F2 all
units, Esc back to the menu (the cart stays yours and resumes where it stopped).

A lot-tracked item scanned from a label without its lot asks for the lot: key it (the lot
the screen shows) or scan the label that has it; Esc goes back to the item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed, plain_text
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.outbound.carts import CartView
    from floor.outbound.picking import PickOutcome, PickView
    from floor.scanning import Scan

# a cart label (`cart_prefix`); a site whose carts carry LPN-style labels scans those
CART_KINDS = (ScanKind.CART, ScanKind.LPN, ScanKind.TOTE, ScanKind.CARTON)

CART = "cart"
TOTE = "tote"
LOCATION = "location"
ITEM = "item"
LOT = "lot"
QUANTITY = "quantity"
DROP = "drop"
SHORT_QUANTITY = "short_quantity"
SHORT_DROP = "short_drop"


SHORT_KEY = Key("F3", N_("Short"))
SKIP_KEY = Key("F4", N_("Skip"))


class PickingScreen(FlowScreen):
    FLOW: ClassVar[str] = "picking"
    TITLE: ClassVar[str] = N_("Picking")
    ROLES: ClassVar[tuple[str, ...]] = ("picker",)
    MENU_ORDER: ClassVar[int] = 300
    KEYED: ClassVar[dict[str, Keyed]] = {
        QUANTITY: Keyed.NUMBER,
        SHORT_QUANTITY: Keyed.NUMBER,
        LOT: Keyed.TEXT,
    }
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {
        "": (keys.BACK,),
        CART: (Key("F5", N_("Done")), keys.BACK),
        LOCATION: (SHORT_KEY, SKIP_KEY, keys.BACK),
        ITEM: (SHORT_KEY, SKIP_KEY, keys.BACK),
        LOT: (SHORT_KEY, SKIP_KEY, keys.BACK),
        QUANTITY: (Key("F2", N_("All")), SHORT_KEY, SKIP_KEY, keys.BACK),
    }

    def __init__(self) -> None:
        super().__init__()
        self.step = CART
        self.cart: CartView | None = None
        self.pick: PickView | None = None
        self.quantity = 0
        self.item_barcode: str | None = None  # the item scanned, at the lot step
        self.item_scan_id: str | None = None  # its scan, completed by the lot

    # --- state ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        with self.in_language():
            self.prompt(_("Scan the cart"))
        operator = self.station.operator_id
        saved = self.resume_state() or {}

        def work(session: Any) -> tuple[CartView | None, PickView | None]:
            from floor.outbound import carts, picking

            cart = carts.current_cart(session, operator)
            return cart, picking.next_pick(session, operator) if cart else None

        def resumed(found: tuple[CartView | None, PickView | None]) -> None:
            cart, pick = found
            self.cart, self.pick = cart, pick
            if cart is None:
                self.go(CART)
            elif cart.next_slot is not None:
                self.go(TOTE)
            elif pick is not None and saved.get("task_id") == pick.task_id:
                self.quantity = int(saved.get("quantity", 0))
                self.item_barcode = saved.get("item")
                step = str(saved.get("step", LOCATION))
                self.go(ITEM if step == LOT and not self.item_barcode else step)
            else:
                self.go(LOCATION)

        self.call_service(work, resumed)

    def go(self, step: str) -> None:
        self.step = step
        self.EXPECT_CHECK_DIGIT = step == LOCATION
        pick = self.pick
        if step != LOT:
            self.item_barcode = None
        if pick is not None and step not in (CART, TOTE):
            state = {"step": step, "task_id": pick.task_id, "quantity": self.quantity}
            if self.item_barcode:
                state["item"] = self.item_barcode
            self.save_state(state)
        self.render_step()

    def render_step(self) -> None:
        pick, step = self.pick, self.step
        if step == CART:
            self.prompt(_("Scan the cart"), _("F5 done"))
            self.show_lines([])
            return
        if step == TOTE:
            assert self.cart is not None
            slot = self.cart.next_slot
            assert slot is not None
            self.prompt(
                _("Scan a tote for slot {slot}", slot=slot.slot),
                _(
                    "Order {order}, {n} of {total}",
                    order=slot.order,
                    n=slot.slot,
                    total=len(self.cart.slots),
                ),
            )
            self.show_lines([f"{s.slot}  {s.order}  {s.tote or '—'}" for s in self.cart.slots])
            return
        assert pick is not None
        self.show_lines(self.pick_lines(pick))
        if step == LOCATION:
            self.prompt(_("Go to {location}, scan the location", location=pick.location))
        elif step == ITEM:
            self.prompt(_("Scan the item {sku}", sku=pick.sku))
        elif step == LOT:
            self.prompt(
                _("Key or scan the lot of {sku}", sku=pick.sku),
                _("Lot {lot}", lot=pick.lot) if pick.lot else "",
            )
        elif step == QUANTITY:
            self.prompt(
                _("Key the quantity picked"),
                _("F2 = all {n}, F3 short", n=pick.remaining),
            )
        elif step == DROP:
            self.prompt(_("Put {n} in tote {tote}, scan the tote", n=self.quantity, tote=pick.tote))
        elif step == SHORT_QUANTITY:
            self.prompt(_("Short pick: how many are there?"), _("Key the number found, 0 if none"))
        elif step == SHORT_DROP:
            self.prompt(_("Put {n} in tote {tote}, scan the tote", n=self.quantity, tote=pick.tote))

    def pick_lines(self, pick: PickView) -> list[str]:
        lot = pick.lot + (f" {pick.expiry.isoformat()}" if pick.expiry else "") if pick.lot else ""
        progress = _(
            "pick {n} of {total}", n=pick.position, total=pick.position + pick.remaining_tasks - 1
        )
        if self.floor_app.compact:
            lines = [
                f"{pick.location}",
                f"{pick.sku[:28]} x{pick.remaining}",
            ]
            if lot:
                lines.append(_("Lot {lot}", lot=lot))
            lines.append(
                f"→ {pick.tote} ({pick.slot})  {pick.position}/"
                f"{pick.position + pick.remaining_tasks - 1}"
            )
            return lines
        lines = [
            f"{_('Location'):<10} {pick.location}",
            f"{_('Item'):<10} {pick.sku}  {pick.description[:40]}",
            f"{_('Quantity'):<10} {pick.remaining}",
        ]
        if lot:
            lines.append(f"{_('Lot'):<10} {lot}")
        lines.append(
            f"{_('Tote'):<10} {pick.tote}  ({_('slot {slot}', slot=pick.slot)}, {pick.order})"
        )
        lines.append(f"{'':<10} {progress}")
        return lines

    # --- scans ---------------------------------------------------------------------------

    def product_expected(self) -> bool:
        return self.step == ITEM

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        """At the lot step a scan that is not a command or an item label is the lot itself
        (a plain lot barcode is an unknown code elsewhere)."""
        if self.step == LOT and scan.kind not in (ScanKind.COMMAND, ScanKind.PRODUCT):
            self.confirm_item(self.item_barcode or "", plain_text(scan.raw), None, raw.scan_id)
            return
        super().handle_scan(scan, raw, ticket)

    def on_keyed_text(self, text: str) -> None:
        """The lot, keyed at the lot step."""
        self.confirm_item(self.item_barcode or "", text, None, self.item_scan_id)

    def confirm_item(self, gtin: str, lot: str | None, expiry: Any, scan_id: str | None) -> None:
        from floor.outbound import picking

        pick = self.pick
        assert pick is not None
        operator, task_id, actor = self.station.operator_id, pick.task_id, self.station.actor

        def refused(error: FloorError) -> None:
            if not lot and pick.lot_tracked and pick.lot and error.expected == pick.lot:
                self.item_barcode = gtin  # the right item, without its lot: ask for it
                self.item_scan_id = scan_id
                self.go(LOT)
                self.feedback(str(error), "info")
                return
            self.reject(str(error), error.expected)

        self.call_service(
            lambda s: picking.confirm_item(
                s, operator, task_id, gtin, lot, expiry, actor=actor, scan_id=scan_id
            ),
            lambda view: self.advance(view, QUANTITY),
            on_error=refused,
        )

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        from floor.outbound import carts, picking

        operator = self.station.operator_id
        scan_id = raw.scan_id
        step, pick = self.step, self.pick
        if step == CART and scan.kind in CART_KINDS and scan.code:
            code, warehouse = scan.code, self.station.warehouse_id
            self.call_service(
                lambda s: carts.claim_cart(s, operator, warehouse, code, scan_id=scan_id),
                self.cart_claimed,
            )
        elif step == TOTE and scan.kind is ScanKind.TOTE and scan.code:
            code = scan.code
            self.call_service(
                lambda s: carts.assign_tote(s, operator, code, scan_id=scan_id), self.tote_added
            )
        elif step == LOCATION and pick and scan.kind in (ScanKind.LOCATION, ScanKind.CHECK_DIGIT):
            code = scan.code if scan.kind is ScanKind.LOCATION else None
            digits = scan.check_digits
            task_id = pick.task_id
            self.call_service(
                lambda s: picking.confirm_location(
                    s, operator, task_id, code=code, check_digits=digits, scan_id=scan_id
                ),
                lambda view: self.advance(view, ITEM),
            )
        elif step in (ITEM, LOT) and pick and scan.kind is ScanKind.PRODUCT and scan.gtin:
            self.confirm_item(scan.gtin, scan.lot, scan.expiry, scan_id)
        elif step in (DROP, SHORT_DROP) and pick and scan.kind is ScanKind.TOTE and scan.code:
            self.drop(scan.code, scan_id)
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def drop(self, tote: str, scan_id: str) -> None:
        from floor.outbound import picking, short_picks

        assert self.pick is not None
        operator, task_id, quantity = self.station.operator_id, self.pick.task_id, self.quantity
        actor = self.station.actor
        if self.step == DROP:
            self.call_service(
                lambda s: picking.confirm_pick(
                    s, operator, task_id, quantity, tote, actor=actor, scan_id=scan_id
                ),
                self.picked,
            )
        else:
            self.call_service(
                lambda s: short_picks.short_pick(
                    s, operator, task_id, quantity, tote, actor=actor, scan_id=scan_id
                ),
                self.shorted,
            )

    def on_command(self, command: Command, quantity: int | None) -> None:
        step, pick = self.step, self.pick
        if command is Command.CANCEL and step == LOT:
            self.go(ITEM)
        elif command is Command.CANCEL:
            self.leave()
        elif command is Command.DONE and step == CART:
            self.clear_state()
            self.leave()
        elif command is Command.QUANTITY and quantity is not None and pick:
            if step == QUANTITY:
                if quantity < 1 or quantity > pick.remaining:
                    self.reject(
                        _("Quantity {n}: expected 1 to {max}", n=quantity, max=pick.remaining),
                        str(pick.remaining),
                    )
                    return
                self.quantity = quantity
                self.go(DROP)
            elif step == SHORT_QUANTITY:
                self.short_found(quantity)
            else:
                super().on_command(command, quantity)
        elif command is Command.CONFIRM and pick and step == QUANTITY:
            self.quantity = pick.remaining
            self.go(DROP)
        elif command is Command.SHORT and pick and step in (LOCATION, ITEM, LOT, QUANTITY):
            self.go(SHORT_QUANTITY)
        elif command is Command.SKIP and pick and step in (LOCATION, ITEM, LOT, QUANTITY):
            from floor.outbound import picking

            operator, task_id = self.station.operator_id, pick.task_id
            self.call_service(lambda s: picking.skip_pick(s, operator, task_id), self.skipped)
        else:
            super().on_command(command, quantity)

    def short_found(self, found: int) -> None:
        from floor.outbound import short_picks

        assert self.pick is not None
        if found >= self.pick.remaining:
            self.reject(
                _("A short pick finds fewer than {n}", n=self.pick.remaining),
                _("0 to {n}", n=self.pick.remaining - 1),
            )
            return
        self.quantity = found
        if found:
            self.go(SHORT_DROP)
            return
        operator, task_id, actor = self.station.operator_id, self.pick.task_id, self.station.actor
        self.call_service(
            lambda s: short_picks.short_pick(s, operator, task_id, 0, actor=actor), self.shorted
        )

    # --- results -------------------------------------------------------------------------

    def cart_claimed(self, cart: CartView) -> None:
        self.cart = cart
        self.accept(
            ngettext(
                "Cart {cart}: {n} order", "Cart {cart}: {n} orders", len(cart.slots), cart=cart.cart
            )
        )
        if cart.next_slot is not None:
            self.go(TOTE)
        else:
            self.load_next()

    def tote_added(self, cart: CartView) -> None:
        self.cart = cart
        if cart.next_slot is not None:
            self.go(TOTE)
        else:
            self.load_next(_("All totes on the cart"))

    def advance(self, view: PickView, step: str) -> None:
        self.pick = view
        self.go(step)

    def load_next(self, message: str | None = None) -> None:
        from floor.outbound import picking

        operator = self.station.operator_id

        def shown(view: PickView | None) -> None:
            self.pick, self.quantity = view, 0
            if view is None:
                self.cart = None
                self.clear_state()
                self.go(CART)
                self.accept(message or _("Cart done: take the totes to packing"))
                return
            self.go(LOCATION)
            if message:
                self.accept(message)

        self.call_service(lambda s: picking.next_pick(s, operator), shown)

    def picked(self, outcome: PickOutcome) -> None:
        if outcome.cart_done:
            self.load_next(_("Cart done: take the totes to packing"))
        elif outcome.task_done:
            self.load_next(ngettext("Picked {n}", "Picked {n}", outcome.picked))
        else:
            self.load_next(
                ngettext("Picked {n}; pick the rest", "Picked {n}; pick the rest", outcome.picked)
            )

    def shorted(self, outcome: PickOutcome) -> None:
        if outcome.reallocated_to:
            text = _(
                "Short recorded ({code}); pick the rest later at {locations}",
                code=outcome.exception_code,
                locations=", ".join(outcome.reallocated_to),
            )
        else:
            text = ngettext(
                "Short recorded ({code}): {n} missing, count requested",
                "Short recorded ({code}): {n} missing, count requested",
                outcome.shortage,
                code=outcome.exception_code,
            )
        self.load_next(text)

    def skipped(self, view: PickView | None) -> None:
        self.pick, self.quantity = view, 0
        self.go(LOCATION if view else CART)
        self.accept(_("Skipped: it comes back at the end"))
