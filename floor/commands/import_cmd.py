"""`floor import KIND FILE`: items, locations, orders, purchase orders, carton types; all or
nothing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from floor.commands import CommandError
from floor.i18n import _
from floor.imports.kinds import FORMATS, KINDS

if TYPE_CHECKING:
    from floor.commands import CommandContext


DESCRIPTION = """\
Import items, locations, sales orders, purchase orders, carton types, kits (bills of
materials: kit_sku, component_sku, quantity) or suppliers (supplier, name, lead_time_days,
and per item sold: sku, supplier_sku, pack_size, min_order_qty) from a CSV or JSON
file, or sales orders from a store's or marketplace's order export: Shopify or BigCommerce
(CSV), Amazon Seller Central's unshipped-orders report (tab-separated .txt) or Walmart
Marketplace's order export (CSV), each found by its header or named with --format.

Orders the channel already shipped are never picked again: recorded as shipped, or with
--fulfilled skip left out with a note; an order partly shipped brings only what is left.
A country may be a two-letter code or a name ("France", "États-Unis", "Србија").

An ASN file lists the pallets (SSCCs) of a delivery and what each holds, one row per
content line: reference, sscc, sku or gtin, quantity, lot, expiry; receiving then takes a
whole pallet with one scan of its SSCC.

All or nothing: when any row is wrong, nothing is imported and every problem is listed as
FILE:LINE: column COLUMN: expected ..., got ...; the exit status is 1. Items, locations and
carton types already there are updated; an order already imported (same channel and
external reference) is left unchanged and reported. See docs/imports.md for the columns."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help=_(
            "import items, locations, orders, purchase orders, ASNs, carton types, kits or "
            "suppliers"
        ),
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("kind", choices=KINDS, help=_("what the file holds"))
    p.add_argument("file", help=_("the file to import (.csv, .txt, .tsv or .json)"))
    p.add_argument("--format", choices=FORMATS, help=_("file format (default: from the extension)"))
    p.add_argument(
        "--channel",
        metavar="NAME",
        help=_("sales channel of the orders (default: manual; the channel of a store export)"),
    )
    p.add_argument(
        "--fulfilled",
        choices=("record", "skip"),
        default="record",
        help=_("an order the channel already shipped: record it as shipped (default) or skip it"),
    )
    p.add_argument(
        "--warehouse", metavar="CODE", help=_("warehouse code (default: the configured one)")
    )
    p.add_argument(
        "--progress",
        action="store_true",
        help=_("show a progress bar even when stderr is not a terminal"),
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.errors import FloorError
    from floor.imports import ImportRejected, run_import
    from floor.imports.progress import Progress

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(_("No such file: {file}", file=args.file))
    progress = Progress(ctx.err, enabled=args.progress or ctx.err.isatty())
    try:
        outcome = run_import(
            ctx.engine,
            args.kind,
            path,
            warehouse=args.warehouse or ctx.settings.warehouse,
            channel=args.channel,
            fmt=args.format,
            progress=progress,
            file_name=args.file,
            fulfilled=args.fulfilled,
        )
    except ImportRejected as exc:
        progress.finish()
        for line in exc.lines():
            print(line, file=ctx.err)
        raise CommandError(str(exc)) from None
    except FloorError as exc:
        progress.finish()
        raise CommandError(str(exc)) from None
    for line in outcome.report():
        print(line, file=ctx.out)
    return 0
