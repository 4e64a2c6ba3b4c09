"""`floor stock`: what is where, by item, location or lot; `--low` lists items to reorder."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from floor.commands import CommandError
from floor.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from floor.commands import CommandContext


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stock",
        help=_("show stock by item, location or lot; --low: items under their reorder point"),
        description=_(
            "Show stock on hand in a warehouse as a table (location, SKU, lot, expiry, "
            "container, on hand, reserved, available), filtered by item, location or lot. "
            "With --low, list the items whose on-hand total, with what is in transit to the "
            "warehouse on transfers, is below their reorder point."
        ),
    )
    p.add_argument("--item", metavar="SKU", help=_("only this item"))
    p.add_argument("--location", metavar="CODE", help=_("only this location"))
    p.add_argument("--lot", metavar="LOT", help=_("only this lot"))
    p.add_argument(
        "--low",
        action="store_true",
        help=_("items whose on-hand total, with what is in transit, is below reorder point"),
    )
    p.add_argument(
        "--warehouse", metavar="CODE", help=_("warehouse code (default: the configured one)")
    )
    p.set_defaults(handler=handle)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int]) -> str:
    """Columns padded to their widest cell; numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def handle(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.db import read_only
    from floor.errors import FloorError
    from floor.stock.stock_report import (
        find_warehouse,
        item_exists,
        location_exists,
        low_stock,
        stock_lines,
    )

    code = args.warehouse or ctx.settings.warehouse
    with read_only(ctx.engine) as session:
        try:
            warehouse_id = find_warehouse(session, code)
        except FloorError as exc:
            raise CommandError(str(exc)) from None
        if args.low:
            from floor.transit import incoming

            low = low_stock(session, warehouse_id, incoming(session, warehouse_id))
            if not low:
                print(_("No item is below its reorder point in {code}", code=code), file=ctx.out)
                return 0
            print(
                table(
                    [
                        _("SKU"),
                        _("Description"),
                        _("On hand"),
                        # i18n: a column of `floor stock --low`: shipped here on transfers
                        _("In transit"),
                        _("Reorder point"),
                    ],
                    [(x.sku, x.description, x.on_hand, x.in_transit, x.reorder_point) for x in low],
                    {2, 3, 4},
                ),
                file=ctx.out,
            )
            return 0
        if args.item and not item_exists(session, args.item):
            raise CommandError(_("No item with SKU {sku}", sku=args.item))
        if args.location and not location_exists(session, warehouse_id, args.location):
            raise CommandError(
                _("No location {location} in {code}", location=args.location, code=code)
            )
        lines = stock_lines(
            session, warehouse_id, sku=args.item, location=args.location, lot=args.lot
        )
        transit = _in_transit(session, warehouse_id, args)
    if not lines:
        print(_("No stock found"), file=ctx.out)
        _print_in_transit(transit, ctx)
        return 0
    print(
        table(
            [
                _("Location"),
                _("SKU"),
                _("Lot"),
                _("Expiry"),
                _("Container"),
                _("On hand"),
                _("Reserved"),
                _("Available"),
            ],
            [
                (
                    x.location,
                    x.sku,
                    x.lot,
                    x.expiry.isoformat() if x.expiry else "",
                    x.container,
                    x.quantity,
                    x.reserved,
                    x.available,
                )
                for x in lines
            ],
            {5, 6, 7},
        ),
        file=ctx.out,
    )
    total = sum(x.quantity for x in lines)
    print(_("{count} balances, {total} units on hand", count=len(lines), total=total), file=ctx.out)
    _print_in_transit(transit, ctx)
    return 0


def _in_transit(session: Session, warehouse_id: int, args: argparse.Namespace) -> dict[str, int]:
    """Units shipped on transfers from or to the warehouse and not yet received, per SKU
    (none for a location or lot query: stock in transit is at no location)."""
    from floor.transfers import in_transit

    if args.location or args.lot:
        return {}
    found = in_transit(session, warehouse_id=warehouse_id)
    return {sku: n for sku, n in found.items() if not args.item or sku == args.item}


def _print_in_transit(transit: dict[str, int], ctx: CommandContext) -> None:
    if not transit:
        return
    print(file=ctx.out)
    print(_("In transit (shipped on transfers, not yet received):"), file=ctx.out)
    print(table([_("SKU"), _("In transit")], sorted(transit.items()), {1}), file=ctx.out)
