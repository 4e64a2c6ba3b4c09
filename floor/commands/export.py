"""`floor export stock|movements|orders|shipments`: CSV or JSON, to a file or standard output."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from floor.commands import CommandError
from floor.i18n import _

if TYPE_CHECKING:
    from floor.commands import CommandContext

EXPORTS = ("stock", "movements", "orders", "shipments")
FORMATS = ("csv", "json", "shopify", "bigcommerce", "amazon", "walmart")
TRACKING = FORMATS[2:]  # a channel's tracking upload: shipments only

DESCRIPTION = """\
Export stock balances, stock movements, sales orders or shipments of one warehouse as CSV
or JSON (UTF-8), to --output FILE or standard output.

stock:     location, sku, description, lot, expiry, container, quantity, reserved
movements: movement, time, transaction, kind, reason, reference, operator, station,
           location, sku, lot, expiry, container, quantity, reserved
orders:    CSV one row per line (the columns `floor import orders` reads); JSON a list of
           orders with ship_to and lines
shipments: shipped cartons: order, sscc, tracking_number, carrier, service, manifest,
           shipped_at (UTC), weight_kg, carton_type, length_mm, width_mm, height_mm and the
           contents (sku, quantity, lot, expiry, serials); CSV one row per sku, lot and
           expiry of a carton (serials space-separated), JSON one record per carton

shipments --format shopify|bigcommerce|amazon|walmart: the tracking upload of that channel,
           for the orders imported from it: order id, line, quantity, carrier, tracking
           number, ship date in the channel's own columns (amazon: its tab-separated
           shipping confirmation file); see docs/imports.md

In CSV, a text cell starting with = + - @ tab or CR gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it (plain numbers such as -5 are kept);
floor's import reads it back without. JSON is written exactly."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help=_("export stock, movements, orders or shipments as CSV or JSON"),
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("what", choices=EXPORTS, help=_("what to export"))
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help=_("csv (default) or json; for shipments also a channel's tracking upload"),
    )
    p.add_argument("--output", "-o", metavar="FILE", help=_("write here instead of stdout"))
    p.add_argument(
        "--warehouse", metavar="CODE", help=_("warehouse code (default: the configured one)")
    )
    p.add_argument(
        "--since",
        metavar="DATE",
        help=_("movements and shipments: only those at or after DATE (YYYY-MM-DD)"),
    )
    p.add_argument("--status", metavar="STATUS", help=_("orders: only those with this status"))
    p.add_argument(
        "--channel",
        metavar="NAME",
        help=_("tracking uploads: the orders of this sales channel (default: the format's name)"),
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, ctx: CommandContext) -> int:
    import datetime as dt

    from floor.db import read_only
    from floor.errors import FloorError
    from floor.exports import export
    from floor.stock.stock_report import find_warehouse

    since = None
    if args.since:
        try:
            since = dt.datetime.fromisoformat(args.since)
        except ValueError:
            raise CommandError(
                _("--since: expected a date as YYYY-MM-DD, got {value}", value=args.since), 2
            ) from None
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
    if args.format in TRACKING and args.what != "shipments":
        raise CommandError(
            _(
                "--format {fmt}: expected csv or json for {what} (a channel's tracking upload "
                "is of shipments)",
                fmt=args.format,
                what=args.what,
            ),
            2,
        )
    with read_only(ctx.engine) as session:
        try:
            warehouse_id = find_warehouse(session, args.warehouse or ctx.settings.warehouse)
        except FloorError as exc:
            raise CommandError(str(exc)) from None
        if args.output:
            try:
                with open(args.output, "w", encoding="utf-8", newline="") as stream:
                    count = export(
                        session,
                        args.what,
                        args.format,
                        stream,
                        warehouse_id,
                        since=since,
                        status=args.status,
                        channel=args.channel,
                    )
            except OSError as exc:
                raise CommandError(
                    _("Cannot write {file}: {reason}", file=args.output, reason=exc.strerror)
                ) from None
            print(
                _("{count} records written to {file}", count=count, file=args.output),
                file=ctx.err,
            )
        else:
            try:
                export(
                    session,
                    args.what,
                    args.format,
                    ctx.out,
                    warehouse_id,
                    since=since,
                    status=args.status,
                    channel=args.channel,
                )
            except BrokenPipeError:
                _quiet_closed_stdout(ctx)
    return 0


def _quiet_closed_stdout(ctx: CommandContext) -> None:
    """The reader (`| head`) stopped reading: not an error; keep exit from complaining."""
    import os
    import sys

    if ctx.out is sys.stdout:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
