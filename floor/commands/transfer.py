"""`floor transfer create|list|show`: stock sent from one warehouse to another (floor.transfers)."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

from floor.commands import CommandContext, CommandError, run_service
from floor.i18n import _

DESCRIPTION = _(
    "Transfers between warehouses. A transfer is picked, packed and shipped at the source "
    "like a sales order (its number, TR000001, is the order's: build a wave, pick, pack, "
    "ship); at the destination a receiver scans each carton's SSCC and what it holds is "
    "received against the transfer. Between the two its units are in transit (shown by "
    "`floor transfer show` and `floor stock`). See docs/transfers.md."
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "transfer",
        help=_("transfers between warehouses: create, list, show, change, cancel"),
        description=DESCRIPTION,
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="transfer_command", metavar="ACTION", title=_("actions"))
    create = actions.add_parser(
        "create",
        help=_("a transfer of items from one warehouse to another"),
        description=_(
            "Create a transfer from --from to --to of the lines given as SKU=QTY (units), or "
            "read from --file: CSV with the columns sku and quantity, or JSON, a list of "
            "objects with sku and quantity. All or nothing: a bad line creates no transfer "
            "and every problem is named as FILE:LINE. Prints the transfer's number."
        ),
    )
    create.add_argument("--from", dest="source", metavar="WH", required=True, help=_("source"))
    create.add_argument(
        "--to", dest="destination", metavar="WH", required=True, help=_("destination")
    )
    create.add_argument("lines", nargs="*", metavar="SKU=QTY", help=_("an item and its units"))
    create.add_argument("--file", metavar="FILE", help=_("the lines from a CSV or JSON file"))
    create.add_argument(
        "--priority", type=int, default=5, help=_("wave priority at the source (default 5)")
    )
    create.set_defaults(handler=cmd_create)
    listing = actions.add_parser(
        "list",
        help=_("transfers, newest first"),
        description=_(
            "List transfers (number, from, to, status, units ordered, shipped, received, in "
            "transit), newest first; --warehouse keeps those from or to it, --status those "
            "open (nothing shipped), in_transit, received or cancelled."
        ),
    )
    listing.add_argument("--warehouse", metavar="CODE", help=_("only transfers from or to it"))
    listing.add_argument("--status", choices=("open", "in_transit", "received", "cancelled"))
    listing.set_defaults(handler=cmd_list)
    show = actions.add_parser(
        "show",
        help=_("a transfer's lines, cartons and what is in transit"),
        description=_(
            "Show a transfer: each line ordered, picked, shipped, short (never to ship), "
            "received and in transit; its cartons with SSCC, when shipped and when received."
        ),
    )
    show.add_argument("number", metavar="ID", help=_("the transfer number, e.g. TR000001"))
    show.add_argument("--json", action="store_true", help=_("print it as JSON"))
    show.set_defaults(handler=cmd_show)
    cancel = actions.add_parser(
        "cancel",
        help=_("cancel a transfer nothing of which was picked or shipped"),
        description=_(
            "Cancel a transfer: at the source its order is cancelled (its pick tasks too) "
            "and the stock reserved for it is released; at the destination its inbound "
            "order is closed, with nothing to receive. Refused, changing nothing, once "
            "anything of it is picked or shipped."
        ),
    )
    cancel.add_argument("number", metavar="ID", help=_("the transfer number, e.g. TR000001"))
    cancel.add_argument("--reason", default="", help=_("why, kept in the audit log"))
    cancel.set_defaults(handler=cmd_cancel)
    change = actions.add_parser(
        "change",
        help=_("set the units of a transfer's lines (before a wave takes it)"),
        description=_(
            "Set the units of lines of a transfer, each given as --line SKU=QTY (a SKU not "
            "on it adds a line), at the source and at the destination alike. Refused, "
            "changing nothing: an unknown SKU, a quantity not above zero, a transfer "
            "cancelled, shipped or in a wave, fewer units than already picked."
        ),
    )
    change.add_argument("number", metavar="ID", help=_("the transfer number, e.g. TR000001"))
    change.add_argument(
        "--line",
        dest="lines",
        action="append",
        default=[],
        required=True,
        metavar="SKU=QTY",
        help=_("an item and its new units (repeat for more lines)"),
    )
    change.set_defaults(handler=cmd_change)


def read_lines(path: Path, name: str) -> list[tuple[str, int]]:
    """The lines of a transfer file; every problem named FILE:LINE, nothing kept on any."""
    problems: list[str] = []
    rows: list[tuple[int, Any, Any]] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(_("{file}: cannot be read: {error}", file=name, error=exc)) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{name}:{exc.lineno}: {exc.msg}") from None
        if not isinstance(data, list):
            raise CommandError(_("{file}:1: expected a list of lines", file=name))
        for index, entry in enumerate(data):
            if not isinstance(entry, dict):
                problems.append(_("{file}: line {n}: expected an object", file=name, n=index + 1))
                continue
            rows.append((index + 1, entry.get("sku"), entry.get("quantity")))
    else:
        reader = csv.DictReader(text.splitlines())
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        for column in ("sku", "quantity"):
            if column not in columns:
                problems.append(
                    _("{file}:1: expected a column named {name}", file=name, name=column)
                )
        if not problems:
            for row in reader:
                values = {k.strip().lower(): v for k, v in row.items() if k}
                rows.append((reader.line_num, values.get("sku"), values.get("quantity")))
    lines: list[tuple[str, int]] = []
    for line, sku, quantity in rows:
        sku_text = str(sku or "").strip()
        if not sku_text:
            problems.append(_("{file}:{line}: column sku: expected a value", file=name, line=line))
        text_quantity = str(quantity if quantity is not None else "").strip()
        if not text_quantity.isdigit() or int(text_quantity) <= 0:
            problems.append(
                _(
                    "{file}:{line}: column quantity: expected a whole number above zero, "
                    "got {value}",
                    file=name,
                    line=line,
                    value=json.dumps(text_quantity, ensure_ascii=False),
                )
            )
        elif sku_text:
            lines.append((sku_text, int(text_quantity)))
    if not rows and not problems:
        problems.append(_("{file}: no lines", file=name))
    if problems:
        raise CommandError("\n".join(problems))
    return lines


def cmd_create(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.errors import FloorError
    from floor.transfers import create_transfer, parse_line

    try:
        lines = [parse_line(text) for text in args.lines]
    except FloorError as exc:
        raise CommandError(str(exc)) from None
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise CommandError(_("No such file: {file}", file=args.file))
        lines += read_lines(path, args.file)
    if not lines:
        raise CommandError(_("Give the lines as SKU=QTY, or --file"))
    view = run_service(
        ctx,
        lambda s: create_transfer(
            s,
            from_warehouse=args.source,
            to_warehouse=args.destination,
            lines=lines,
            priority=args.priority,
        ),
    )
    print(
        _(
            "{number}: {source} to {destination}, {n} lines, {units} units",
            number=view.number,
            source=view.from_warehouse,
            destination=view.to_warehouse,
            n=len(view.lines),
            units=sum(line.ordered for line in view.lines),
        ),
        file=ctx.out,
    )
    return 0


def cmd_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.commands.stock import table
    from floor.transfers import list_transfers, status_label

    views = run_service(
        ctx, lambda s: list_transfers(s, warehouse=args.warehouse, status=args.status)
    )
    if not views:
        print(_("No transfer"), file=ctx.out)
        return 0
    print(
        table(
            [
                _("Transfer"),
                _("From"),
                _("To"),
                _("Status"),
                _("Ordered"),
                _("Shipped"),
                _("Received"),
                _("In transit"),
            ],
            [
                (
                    v.number,
                    v.from_warehouse,
                    v.to_warehouse,
                    status_label(v.status),
                    sum(line.ordered for line in v.lines),
                    sum(line.shipped for line in v.lines),
                    sum(line.received for line in v.lines),
                    v.in_transit,
                )
                for v in views
            ],
            {4, 5, 6, 7},
        ),
        file=ctx.out,
    )
    return 0


def cmd_show(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.commands.orders import _plain
    from floor.commands.stock import table
    from floor.transfers import status_label, transfer_view

    view = run_service(ctx, lambda s: transfer_view(s, args.number))
    if args.json:
        record = _plain(view)
        for line, data in zip(view.lines, record["lines"], strict=True):
            data["in_transit"] = line.in_transit
        record["in_transit"] = view.in_transit
        json.dump(record, ctx.out, ensure_ascii=False, indent=2)
        ctx.out.write("\n")
        return 0
    print(
        _(
            "Transfer {number}: {source} to {destination}, {status} (order at the source: "
            "{order_status}); {units} units in transit",
            number=view.number,
            source=view.from_warehouse,
            destination=view.to_warehouse,
            status=status_label(view.status),
            order_status=view.order_status,
            units=view.in_transit,
        ),
        file=ctx.out,
    )
    print(
        table(
            [
                _("SKU"),
                _("Description"),
                _("Ordered"),
                _("Picked"),
                _("Shipped"),
                # i18n: a column of `floor transfer show`: units ordered that will never ship
                _("Short"),
                _("Received"),
                _("In transit"),
            ],
            [
                (
                    x.sku,
                    x.description,
                    x.ordered,
                    x.picked,
                    x.shipped,
                    x.short,
                    x.received,
                    x.in_transit,
                )
                for x in view.lines
            ],
            {2, 3, 4, 5, 6, 7},
        ),
        file=ctx.out,
    )
    short = sum(line.short for line in view.lines)
    if short:
        print(
            _(
                "{units} units shorted at the source: the destination expects only what shipped",
                units=short,
            ),
            file=ctx.out,
        )
    if view.cartons:
        print(file=ctx.out)
        print(
            table(
                [_("SSCC"), _("Status"), _("Units"), _("Shipped"), _("Received")],
                [
                    (
                        c.sscc,
                        c.status,
                        c.units,
                        f"{c.shipped_at:%Y-%m-%d %H:%M}" if c.shipped_at else "",
                        f"{c.received_at:%Y-%m-%d %H:%M}" if c.received_at else "",
                    )
                    for c in view.cartons
                ],
                {2},
            ),
            file=ctx.out,
        )
    return 0


def cmd_cancel(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.transfers import cancel_transfer

    view = run_service(ctx, lambda s: cancel_transfer(s, args.number, reason=args.reason))
    print(
        _(
            "{number}: cancelled; the reservations at {source} are released and nothing is "
            "expected at {destination}",
            number=view.number,
            source=view.from_warehouse,
            destination=view.to_warehouse,
        ),
        file=ctx.out,
    )
    return 0


def cmd_change(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.errors import FloorError
    from floor.transfers import change_transfer, parse_line

    try:
        lines = [parse_line(text) for text in args.lines]
    except FloorError as exc:
        raise CommandError(str(exc)) from None
    view = run_service(ctx, lambda s: change_transfer(s, args.number, lines))
    print(
        _(
            "{number}: {source} to {destination}, {n} lines, {units} units",
            number=view.number,
            source=view.from_warehouse,
            destination=view.to_warehouse,
            n=len(view.lines),
            units=sum(line.ordered for line in view.lines),
        ),
        file=ctx.out,
    )
    return 0
