"""Stock lookup: scan a location, a container or an item and see what stock is there; scan an
order number or a carton's SSCC and see where the order is (its lines picked, packed and
shipped, totes, cartons and tracking numbers; floor.outbound.order_view, called directly:
floor.stock may not import outbound). Read-only.

Each row says where, which item, lot and expiry, and how many; a column that is the same on
every row (the location looked up, the item looked up) is left out, so rows never look
alike on a 40-column screen. A long list scrolls with the arrows ("▼ 3 more").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens.flow import FlowScreen

if TYPE_CHECKING:
    from floor.db import Session
    from floor.devices import RawScan
    from floor.outbound.order_view import OrderView
    from floor.scanning import Scan
    from floor.stock.lookup import Lookup
    from floor.stock.stock_report import StockLine

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
        self.prompt(_("Scan location, container, item or order"), _("Esc back to the menu"))

    def product_expected(self) -> bool:
        return False  # a carton's or pallet's SSCC is looked up too (its order or its stock)

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
        elif scan.kind is ScanKind.ORDER and scan.code:
            from floor.outbound.order_view import order_view

            code = scan.code
            self.call_service(lambda s: order_view(s, code, warehouse_id), self.show_order)
        elif scan.kind is ScanKind.SSCC and scan.sscc:
            code = scan.sscc
            self.call_service(lambda s: _by_sscc(s, warehouse_id, code), self.show_found)
        else:
            self.reject(
                _("{scan}: cannot look this up", scan=scan.describe()),
                _("a location, container, item or order"),
            )
            return
        self.save_state({"last": code})

    def show_lookup(self, found: Lookup) -> None:
        lines = [f"{found.subject}: {found.total}"]
        if found.lines:
            lines += stock_rows(found.lines, self.body_width(), found.subject)
        else:
            lines.append(_("No stock"))
        self.show_lines(lines, head=1)
        self.accept(
            ngettext(
                "{subject}: {n} unit", "{subject}: {n} units", found.total, subject=found.subject
            )
        )

    def body_width(self) -> int:
        width = self.query_one("#body").size.width
        return width or self.app.size.width - (0 if self.floor_app.compact else 2)

    def show_found(self, found: Lookup | OrderView) -> None:
        from floor.stock.lookup import Lookup

        if isinstance(found, Lookup):
            self.show_lookup(found)
        else:
            self.show_order(found)

    def show_order(self, view: OrderView) -> None:
        from floor.models import order_status_label
        from floor.outbound.order_view import carton_status_label

        compact = self.floor_app.compact
        status = order_status_label(view.status)
        carrier = " ".join(p for p in (view.carrier, view.service) if p)
        if compact:
            lines = [f"{view.number} {status}"[:38], f"{'':<14} " + _("ord/pick/pack/ship")]
            lines += [
                f"{line.sku[:14]:<14} {line.ordered}/{line.picked}/{line.packed}/{line.shipped}"
                + (f" -{line.short}" if line.short else "")
                for line in view.lines[:4]
            ]
            for carton in view.cartons[:3]:
                word = carton_status_label(carton.status)
                lines.append(f"#{carton.carton_no} {carton.sscc[-8:] or '-'} {word}"[:38])
                if carton.tracking_number:
                    lines.append(f"   {carton.tracking_number}"[:38])
        else:
            heads = (_("Ordered"), _("Picked"), _("Packed"), _("Shipped"), _("Short"))
            lines = [f"{view.number}  {status}  {carrier}"]
            lines.append(f"{'':<16} " + " ".join(f"{h[:7]:>7}" for h in heads))
            for line in view.lines[:5]:
                numbers = (line.ordered, line.picked, line.packed, line.shipped, line.short)
                lines.append(f"{line.sku[:16]:<16} " + " ".join(f"{n:>7}" for n in numbers))
            for tote in view.totes[:2]:
                lines.append(
                    _(
                        "Tote {tote} at {location}: {n} not yet in a carton",
                        tote=tote.code,
                        location=tote.location or "-",
                        n=tote.still_in,
                    )
                )
            for carton in view.cartons[:4]:
                lines.append(
                    f"#{carton.carton_no} {carton.sscc or '-':<18} "
                    f"{carton_status_label(carton.status):<13} {carton.tracking_number}"
                )
            if not view.cartons:
                lines.append(_("No cartons yet"))
        self.show_lines(lines)
        if view.found_by:
            self.accept(
                _(
                    "Carton {sscc}: order {number}, {status}",
                    sscc=view.found_by,
                    number=view.number,
                    status=status,
                )
            )
        else:
            self.accept(_("Order {number}: {status}", number=view.number, status=status))

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command in (Command.DONE, Command.CANCEL):
            self.clear_state()
            self.leave()
            return
        super().on_command(command, quantity)


def stock_rows(
    lines: tuple[StockLine, ...] | list[StockLine], width: int, subject: str = ""
) -> list[str]:
    """One row per stock line, fitted to `width`: where, item, lot, expiry, quantity. The
    place or item the subject already names (the same on every row) is left out."""
    table = [
        [
            line.location if not line.container else f"{line.location}/{line.container}",
            line.sku,
            line.lot or "",
            str(line.expiry or ""),
            str(line.quantity),
        ]
        for line in lines
    ]

    def named(column: int) -> bool:
        values = {row[column] for row in table}
        return len(values) == 1 and f"{values.pop()} " in f"{subject} "

    keep = [
        column
        for column in range(5)
        if column == 4
        or (column < 2 and not named(column))
        or (column >= 2 and any(row[column] for row in table))
    ]
    table = [[row[c] for c in keep] for row in table]
    widths = [max(len(row[i]) for row in table) for i in range(len(keep))]
    # Too wide: cut the place and the item first, the lot next, the expiry (which tells
    # two lots apart) last; the quantity never.
    for group, least in (((0, 1), 6), ((2,), 6), ((0, 1, 2, 3), 4)):
        cuttable = [i for i, column in enumerate(keep[:-1]) if column in group]
        while sum(widths) + len(widths) - 1 > width:
            wide = [i for i in cuttable if widths[i] > least]
            if not wide:
                break
            widths[max(wide, key=lambda i: widths[i])] -= 1
    out = []
    for row in table:
        cells = [_fit(text, w) for text, w in zip(row[:-1], widths, strict=False)]
        out.append(" ".join([*cells, row[-1].rjust(widths[-1])]))
    return out


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def _by_sscc(session: Session, warehouse_id: int, sscc: str) -> Lookup | OrderView:
    """A packed carton's order; else the stock in the container with this SSCC (a pallet)."""
    from floor.errors import NotFound
    from floor.outbound.order_view import order_view_by_sscc
    from floor.stock import lookup

    try:
        return order_view_by_sscc(session, sscc, warehouse_id)
    except NotFound:
        return lookup.stock_in_container(session, warehouse_id, sscc)
