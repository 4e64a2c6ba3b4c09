"""Stock lookup: scan a location, a container or an item; see what stock is there. Read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens.flow import FlowScreen

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.scanning import Scan
    from floor.stock.lookup import Lookup

CONTAINER_KINDS = (ScanKind.LPN, ScanKind.TOTE, ScanKind.CARTON, ScanKind.CART)


class LookupScreen(FlowScreen):
    FLOW: ClassVar[str] = "lookup"
    TITLE: ClassVar[str] = N_("Stock lookup")
    ROLES: ClassVar[tuple[str, ...]] = ()  # everyone may look
    MENU_ORDER: ClassVar[int] = 900

    def on_mount(self) -> None:
        with self.in_language():
            self.ask()
            last = (self.resume_state() or {}).get("last")
            if last:
                self.show_lines([_("Last looked up: {code}", code=last)])

    def ask(self) -> None:
        self.prompt(_("Scan a location, container or item"), _("Esc back to the menu"))

    def product_expected(self) -> bool:
        return True

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        from floor.stock import lookup

        warehouse_id = self.station.warehouse_id
        if scan.kind is ScanKind.LOCATION and scan.code:
            code = scan.code
            self.call_service(
                lambda s: lookup.stock_at_location(s, warehouse_id, code), self.show_lookup
            )
        elif scan.kind in CONTAINER_KINDS and scan.code:
            code = scan.code
            self.call_service(
                lambda s: lookup.stock_in_container(s, warehouse_id, code), self.show_lookup
            )
        elif scan.kind is ScanKind.PRODUCT and scan.gtin:
            code = scan.gtin
            self.call_service(
                lambda s: lookup.stock_of_item(s, warehouse_id, code), self.show_lookup
            )
        else:
            self.reject(
                _("{scan}: cannot look this up", scan=scan.describe()),
                _("a location, container or item"),
            )
            return
        self.save_state({"last": code})

    def show_lookup(self, found: Lookup) -> None:
        compact = self.floor_app.compact
        lines = [f"{found.subject}: {found.total}"]
        for line in found.lines[: 6 if compact else 10]:
            where = line.location if not line.container else f"{line.location}/{line.container}"
            extra = " ".join(p for p in (line.lot, str(line.expiry or "")) if p)
            if compact:
                lines.append(f"{where[:14]} {line.sku[:10]} {line.quantity}")
            else:
                lines.append(f"{where:<20} {line.sku:<12} {line.quantity:>6}  {extra}")
        if not found.lines:
            lines.append(_("No stock"))
        self.show_lines(lines)
        self.accept(
            ngettext(
                "{subject}: {n} unit", "{subject}: {n} units", found.total, subject=found.subject
            )
        )

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command in (Command.DONE, Command.CANCEL):
            self.clear_state()
            self.leave()
            return
        super().on_command(command, quantity)
