"""Stock lookup: scan a location, a container or an item; see what stock is there. Read-only.

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
    from floor.devices import RawScan
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
