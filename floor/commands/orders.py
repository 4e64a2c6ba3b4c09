"""`floor orders show ORDER`: where an order is (floor.outbound.order_view): status, lines
(ordered, picked, packed, shipped, short), totes, cartons with SSCC and tracking numbers.
An SSCC finds the order of that carton; --json prints the same as JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from floor.commands import CommandContext, CommandError, run_service
from floor.i18n import _, ngettext


def register(sub: Any) -> None:
    p = sub.add_parser(
        "orders",
        help=_("show where an order is: lines, totes, cartons, tracking numbers"),
        description=_("Sales orders: where each one is, from release to the truck."),
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="orders_command", metavar="ACTION", title=_("actions"))
    show = actions.add_parser(
        "show",
        help=_("an order's status, lines, totes, cartons and tracking numbers"),
        description=_(
            "Show ORDER (its number, or the SSCC of one of its cartons): status, carrier, "
            "each line ordered, allocated, picked, packed, shipped and short, the totes it "
            "was picked into, and its cartons with SSCC, status, weight, carrier, service "
            "and tracking number."
        ),
    )
    show.add_argument("order", metavar="ORDER", help=_("the order number (or a carton's SSCC)"))
    show.add_argument("--json", action="store_true", help=_("print it as JSON"))
    show.add_argument(
        "--warehouse", metavar="CODE", help=_("warehouse code (default: the configured one)")
    )
    show.set_defaults(handler=cmd_show)


def _plain(value: Any) -> Any:
    import dataclasses
    import datetime as dt

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def cmd_show(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.gs1 import sscc_in
    from floor.outbound.order_view import order_view, order_view_by_sscc
    from floor.stock.stock_report import find_warehouse

    sscc = sscc_in(args.order)

    def work(session: Any) -> Any:
        warehouse_id = find_warehouse(session, args.warehouse or ctx.settings.warehouse)
        if sscc is not None:
            return order_view_by_sscc(session, sscc, warehouse_id)
        return order_view(session, args.order.strip(), warehouse_id)

    view = run_service(ctx, work)
    if args.json:
        record = _plain(view)
        for line, data in zip(view.lines, record["lines"], strict=True):
            data["short"] = line.short
        json.dump(record, ctx.out, ensure_ascii=False, indent=2)
        ctx.out.write("\n")
        return 0
    for text in order_lines(view):
        print(text, file=ctx.out)
    return 0


def order_lines(view: Any) -> list[str]:
    """The order view as the terminal prints it."""
    from floor.models import order_status_label
    from floor.outbound.order_view import carton_status_label

    out = [
        _(
            "Order {number} ({ref}): {status}",
            number=view.number,
            ref=view.external_ref,
            status=order_status_label(view.status),
        )
    ]
    if view.found_by:
        out.append(_("Found by carton {sscc}", sscc=view.found_by))
    carrier = " ".join(p for p in (view.carrier, view.service) if p) or "-"
    out.append(
        _(
            "Ship to: {ship_to}; carrier {carrier}; ship by {date}; wave {wave}",
            ship_to=view.ship_to or "-",
            carrier=carrier,
            date=view.ship_by.isoformat() if view.ship_by else "-",
            wave=view.wave or "-",
        )
    )
    heads = (
        _("Line"),
        _("SKU"),
        _("Ordered"),
        _("Allocated"),
        _("Picked"),
        _("Packed"),
        _("Shipped"),
        _("Short"),
    )
    out.append(
        f"{heads[0]:>4}  {heads[1]:<14} {heads[2]:>8} {heads[3]:>9} {heads[4]:>7} "
        f"{heads[5]:>7} {heads[6]:>8} {heads[7]:>6}"
    )
    for line in view.lines:
        out.append(
            f"{line.line_no:>4}  {line.sku[:14]:<14} {line.ordered:>8} {line.allocated:>9} "
            f"{line.picked:>7} {line.packed:>7} {line.shipped:>8} {line.short:>6}"
        )
    if view.totes:
        out.append(_("Totes:"))
        for tote in view.totes:
            out.append(
                "  "
                + _(
                    "{tote} at {location}: {picked} picked, {left} not yet in a carton",
                    tote=tote.code,
                    location=tote.location or "-",
                    picked=tote.picked,
                    left=tote.still_in,
                )
            )
    if view.cartons:
        out.append(_("Cartons:"))
        for carton in view.cartons:
            weight = f"{carton.weight_g / 1000:.2f} kg" if carton.weight_g else "-"
            text = (
                f"  {carton.carton_no:>2}  {carton.sscc or '-':<18}  "
                f"{carton_status_label(carton.status):<14} {carton.carton_type or '-':<10} "
                f"{weight:>9}  " + ngettext("{n} unit", "{n} units", carton.units)
            )
            if carton.tracking_number:
                text += "  " + _(
                    "{carrier} {service}, tracking {tracking}, manifest {manifest}",
                    carrier=carton.carrier,
                    service=carton.service,
                    tracking=carton.tracking_number,
                    manifest=carton.manifest_id or "-",
                )
            out.append(text)
    else:
        out.append(_("No cartons yet"))
    return out


__all__ = ["CommandError", "order_lines"]
