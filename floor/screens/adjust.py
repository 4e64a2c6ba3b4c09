"""Adjust (supervisors): correct what a location holds of an item. Scan the location, then
the item (a GS1 label names its lot; else a lot-tracked item's lot is keyed), key the new
quantity or a change (+3, -2), then the number of a reason from the site's list
(`[adjust] reasons`). The adjustment goes through the ledger and into the audit log. Esc
goes back a step; on the first step, to the menu.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed, plain_text
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.scanning import Scan
    from floor.stock.adjustments import Adjusted, OnHand

LOCATION = "location"
ITEM = "item"
LOT = "lot"
QUANTITY = "quantity"
REASON = "reason"
CHANGE = re.compile(r"^([+-])(\d{1,7})$")


class AdjustScreen(FlowScreen):
    FLOW: ClassVar[str] = "adjust"
    TITLE: ClassVar[str] = N_("Adjust stock")
    ROLES: ClassVar[tuple[str, ...]] = ("supervisor",)
    MENU_ORDER: ClassVar[int] = 420
    KEYED: ClassVar[dict[str, Keyed]] = {
        LOT: Keyed.TEXT,
        QUANTITY: Keyed.TEXT,
        REASON: Keyed.NUMBER,
    }
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {"": (keys.BACK,)}

    def __init__(self) -> None:
        super().__init__()
        self.step = LOCATION
        self.reset()

    def reset(self) -> None:
        self.location = ""
        self.barcode = ""
        self.lot = ""
        self.held: OnHand | None = None
        self.quantity: int | None = None
        self.delta: int | None = None
        self.scan_id: str | None = None

    def reasons(self) -> tuple[str, ...]:
        from floor.stock.adjustments import AdjustPolicy

        return AdjustPolicy.from_section(self.station.settings.section("adjust")).reasons

    def on_mount(self) -> None:
        with self.in_language():
            self.render_step()

    def go(self, step: str) -> None:
        self.step = step
        self.render_step()

    def render_step(self) -> None:
        if self.step == LOCATION:
            self.prompt(_("Scan the location to adjust"))
            self.show_lines([])
            return
        lines = [f"{_('Location'):<10} {self.location}"]
        held = self.held
        if held is not None:
            lines.append(f"{_('Item'):<10} {held.sku}  {held.description[:40]}")
            for lot, quantity in sorted(held.lots.items()):
                where = _("lot {lot}", lot=lot) if lot else ""
                lines.append(f"{'':<10} {_('on hand {n}', n=quantity)}  {where}")
        if self.step == ITEM:
            self.prompt(_("Scan the item at {location}", location=self.location))
        elif self.step == LOT:
            self.prompt(_("Key the lot"))
        elif self.step == QUANTITY:
            self.prompt(_("Key the new quantity, or a change (+3, -2)"))
        else:
            change = f"+{self.delta}" if self.delta and self.delta > 0 else str(self.delta)
            lines.append(
                f"{_('New'):<10} {self.quantity}"
                if self.quantity is not None
                else f"{_('Change'):<10} {change}"
            )
            reasons = self.reasons()
            self.prompt(_("Key the reason"), " ".join(f"{n}={r}" for n, r in enumerate(reasons, 1)))
        self.show_lines(lines)

    def product_expected(self) -> bool:
        return self.step == ITEM

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        from floor.stock import adjustments

        actor, warehouse = self.station.actor, self.station.warehouse_id
        if self.step == LOCATION and scan.kind is ScanKind.LOCATION and scan.code:
            self.location = scan.code
            self.go(ITEM)
        elif self.step == ITEM and scan.kind is ScanKind.PRODUCT and scan.gtin:
            gtin, location, lot = scan.gtin, self.location, scan.lot
            scan_id = raw.scan_id

            def got(held: OnHand) -> None:
                self.held, self.barcode, self.lot = held, gtin, lot or ""
                self.scan_id = scan_id  # the adjustment is applied once for this item scan
                self.go(LOT if held.lot_tracked and not lot else QUANTITY)

            self.call_service(
                lambda s: adjustments.on_hand(s, warehouse, location, gtin, actor=actor), got
            )
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def on_keyed_text(self, text: str) -> None:
        if self.step == LOT:
            self.lot = plain_text(text)
            self.go(QUANTITY)
        elif self.step == QUANTITY:
            change = CHANGE.match(text.strip())
            if change:
                sign, digits = change.groups()
                self.quantity, self.delta = None, int(digits) * (1 if sign == "+" else -1)
            elif text.strip().isascii() and text.strip().isdigit():
                self.quantity, self.delta = int(text.strip()), None
            else:
                self.reject(
                    _("Key a quantity (7) or a change (+3, -2), not {text}", text=text),
                    self.expected_text or None,
                )
                return
            self.go(REASON)
        else:
            super().on_keyed_text(text)

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command is Command.QUANTITY and self.step == QUANTITY and quantity is not None:
            self.quantity, self.delta = quantity, None
            self.go(REASON)
        elif command is Command.QUANTITY and self.step == REASON:
            reasons = self.reasons()
            if quantity is None or not 1 <= quantity <= len(reasons):
                self.reject(_("Unknown reason {n}", n=quantity), self.expected_text or None)
                return
            self.apply(reasons[quantity - 1])
        elif command is Command.CANCEL and self.step != LOCATION:
            back = {ITEM: LOCATION, LOT: ITEM, QUANTITY: ITEM, REASON: QUANTITY}[self.step]
            if back in (LOCATION, ITEM):
                self.held = None
            self.go(back)
        else:
            super().on_command(command, quantity)

    def apply(self, reason: str) -> None:
        from floor.stock import adjustments

        request: dict[str, Any] = {
            "warehouse_id": self.station.warehouse_id,
            "location_code": self.location,
            "barcode": self.barcode,
            "lot": self.lot,
            "quantity": self.quantity,
            "delta": self.delta,
            "reason": reason,
            "policy": adjustments.AdjustPolicy(self.reasons()),
            "actor": self.station.actor,
            "scan_id": self.scan_id,
        }
        self.call_service(lambda s: adjustments.adjust_stock(s, **request), self.done)

    def done(self, result: Adjusted) -> None:
        self.reset()
        self.go(LOCATION)
        lot = f" {_('lot {lot}', lot=result.lot)}" if result.lot else ""
        self.accept(
            _(
                "{sku}{lot} at {location}: {before} → {after} ({reason})",
                sku=result.sku,
                lot=lot,
                location=result.location,
                before=result.before,
                after=result.after,
                reason=result.reason,
            )
        )
