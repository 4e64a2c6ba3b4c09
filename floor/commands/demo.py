"""`floor demo`: build the demo warehouse and print its operators' badges and PINs."""

from __future__ import annotations

import argparse
import sys
import time

from floor.commands import CommandContext, CommandError
from floor.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="build the demo warehouse (locations, items, stock, orders, operators)",
        description="Builds a demo warehouse in the configured database: 10 aisles x 20 bays "
        "x 4 levels with check digits, about 500 items with valid GTINs (lot, expiry and "
        "serial tracked ones, a few kits), stock, open purchase orders, 200 open orders "
        "(some to French and Serbian addresses), 3 shipped orders, 4 picking carts and 24 "
        "totes, 8 carton types and one operator per role. Prints the operators' badges and "
        "PINs.",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--reset", action="store_true", help="erase EVERYTHING in the database and rebuild it"
    )
    group.add_argument(
        "--if-missing", action="store_true", help="do nothing when the demo warehouse exists"
    )
    p.add_argument("--sheet", metavar="PDF", help="also write the demo barcode sheet to PDF")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.db import downgrade, shown_url, upgrade
    from floor.demo import build_demo, demo_exists

    engine = ctx.engine
    exists = demo_exists(engine)
    if exists and not args.reset:
        if args.if_missing:
            print(_("Demo warehouse DEMO is ready (floor demo --reset rebuilds it)"), file=ctx.out)
        else:
            print(
                _(
                    "Demo warehouse DEMO exists already: nothing built "
                    "(floor demo --reset erases the database and rebuilds it)"
                ),
                file=ctx.out,
            )
        _print_operators(engine, ctx)
        if args.sheet:
            _write_sheet(engine, args.sheet, ctx)
        return 0
    if args.reset:
        print("erasing the database...", file=ctx.err)
        downgrade(engine, "base")
        upgrade(engine)
    started = time.perf_counter()
    tty = ctx.err.isatty() if hasattr(ctx.err, "isatty") else False

    def progress(step: str) -> None:
        if tty:
            print(f"\rbuilding demo: {step:<20}", end="", file=ctx.err)
            sys.stderr.flush()

    summary = build_demo(engine, progress=progress)
    if tty:
        print(file=ctx.err)
    out = ctx.out
    print(
        f"Demo warehouse {summary.warehouse} built in {time.perf_counter() - started:.1f} s "
        f"({shown_url(engine.url)})",
        file=out,
    )
    print(
        f"  {summary.locations} locations, {summary.items} items ({summary.lot_items} lot "
        f"tracked, {summary.serial_items} serial tracked, {summary.kits} kits), "
        f"{summary.units_on_hand} units on hand, {summary.purchase_orders} purchase orders, "
        f"{summary.orders} open orders",
        file=out,
    )
    if summary.shipped_orders:
        print(
            "  "
            + _(
                "orders {orders} shipped last week (floor returns authorize {first})",
                orders=" ".join(summary.shipped_orders),
                first=summary.shipped_orders[0],
            ),
            file=out,
        )
    if summary.carts:
        print(
            "  "
            + _(
                "carts {carts}; totes {first} to {last}; {types} carton types "
                "(floor containers list, floor containers carton-types)",
                carts=" ".join(summary.carts),
                first=summary.totes[0],
                last=summary.totes[-1],
                types=summary.carton_types,
            ),
            file=out,
        )
    _print_operators(engine, ctx)
    if args.sheet:
        _write_sheet(engine, args.sheet, ctx)
    return 0


def _print_operators(engine, ctx: CommandContext) -> None:  # type: ignore[no-untyped-def]
    """The demo operators with their PINs, as they are in the database now: a PIN changed
    since the demo was built is not shown, a disabled operator is marked."""
    from sqlalchemy import select

    from floor.db import session_scope
    from floor.demo import DEMO_OPERATORS
    from floor.models import Operator
    from floor.operators import verify_pin

    with session_scope(engine) as s:
        stored = {
            op.badge: (op.pin_hash, op.active)
            for op in s.scalars(
                select(Operator).where(Operator.badge.in_([d.badge for d in DEMO_OPERATORS]))
            )
        }
    out = ctx.out
    print("\n" + _("Operators (scan or type the badge, then the PIN):"), file=out)
    print(f"  {_('badge'):<8} {_('PIN'):<5} {_('roles'):<18} {_('lang'):<4} {_('name')}", file=out)
    for op in DEMO_OPERATORS:
        if op.badge not in stored:
            continue
        pin_hash, active = stored[op.badge]
        # i18n: `floor demo`, PIN column: the operator chose another PIN since the demo was built
        pin = op.pin if verify_pin(op.pin, pin_hash) else _("(changed)")
        state = "" if active else "  " + _("(disabled)")
        print(
            f"  {op.badge:<8} {pin:<5} {op.roles:<18} {op.language:<4} {op.name}{state}", file=out
        )
    print(_("floor operators list shows every operator"), file=out)


def _write_sheet(engine, path: str, ctx: CommandContext) -> None:  # type: ignore[no-untyped-def]
    try:
        from floor.demo_sheet import write_demo_sheet
    except ImportError:
        raise CommandError("the demo barcode sheet needs the labels package") from None
    write_demo_sheet(engine, path)
    print(f"barcode sheet written to {path}", file=ctx.out)
