"""`floor kit order create|list|release|park|cancel`: kit and de-kit work orders. Runs as
the system (no operator)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import floor.kitting  # noqa: F401  (registers assemble to order with wave release)
from floor.commands import CommandContext, CommandError, run_service
from floor.i18n import _


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a date YYYY-MM-DD")) from None


def register(sub: Any) -> None:
    p = sub.add_parser(
        "kit",
        help=_("kit work orders: build kits or take them apart at the kitting bench"),
        description=_(
            "A kit work order builds QUANTITY kits (or, with --dekit, takes them apart) at the "
            "kitting bench. Releasing it reserves the components and makes pick tasks to the "
            "bench that a picker claims with a cart; park stops it for today (what is left at "
            "the bench is put away; release it again tomorrow); cancel ends it."
        ),
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    things = p.add_subparsers(dest="kit_command", metavar="WHAT", title=_("what"))
    order = things.add_parser("order", help=_("kit work orders"))
    order.set_defaults(handler=show_help)
    actions = order.add_subparsers(dest="kit_order_command", metavar="ACTION", title=_("actions"))
    create = actions.add_parser("create", help=_("a new kit work order"))
    create.add_argument("sku", help=_("the kit's SKU"))
    create.add_argument("--quantity", type=int, required=True, metavar="N", help=_("how many kits"))
    create.add_argument("--due", type=_date, metavar="DATE", help=_("due date (YYYY-MM-DD)"))
    create.add_argument(
        "--dekit", action="store_true", help=_("take the kits apart instead of building them")
    )
    create.set_defaults(handler=handle_create)
    listing = actions.add_parser("list", help=_("kit work orders"))
    listing.add_argument("--open", action="store_true", help=_("planned and released only"))
    listing.set_defaults(handler=handle_list)
    for name, text in (
        ("release", _("reserve the components and make the picks to the bench")),
        ("park", _("stop for today: give back the picks not done, put away what is left")),
        ("cancel", _("no more kits: give back the picks, put away what is left")),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("number", help=_("the work order number (KWO-00001)"))
        action.set_defaults(handler=handle_action, action=name)
    for parser in (create, listing):
        parser.add_argument(
            "--warehouse", metavar="CODE", help=_("warehouse code (default: the configured one)")
        )


def _line(view: Any) -> str:
    from floor.kitting.work_orders import status_label

    kind = _("de-kit") if view.kind == "dekit" else _("kit")
    due = view.due.isoformat() if view.due else "-"
    return (
        f"{view.number}  {kind:<6} {view.sku:<12} {view.done}/{view.quantity}  "
        f"{status_label(view.status):<12} {due}  {view.bench}"
    )


def handle_create(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.kitting import work_orders
    from floor.stock.stock_report import find_warehouse

    def work(s: Any) -> Any:
        warehouse = find_warehouse(s, args.warehouse or ctx.settings.warehouse)
        return work_orders.create_work_order(
            s,
            warehouse,
            args.sku,
            args.quantity,
            due=args.due,
            kind="dekit" if args.dekit else "kit",
        )

    print(_line(run_service(ctx, work)), file=ctx.out)
    return 0


def handle_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.kitting import work_orders
    from floor.stock.stock_report import find_warehouse

    def work(s: Any) -> Any:
        warehouse = find_warehouse(s, args.warehouse or ctx.settings.warehouse)
        return work_orders.list_work_orders(s, warehouse, open_only=args.open)

    views = run_service(ctx, work)
    for view in views:
        print(_line(view), file=ctx.out)
    if not views:
        print(_("No kit work orders"), file=ctx.out)
    return 0


def handle_action(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.kitting import work_orders

    if args.action == "release":
        done = run_service(ctx, lambda s: work_orders.release_work_order(s, args.number))
        print(
            _(
                "{number} released: {tasks} picks ({units} units) to the bench, wave {wave}",
                number=done.number,
                tasks=done.tasks,
                units=done.units,
                wave=done.wave,
            ),
            file=ctx.out,
        )
        return 0
    service = {"park": work_orders.park_work_order, "cancel": work_orders.cancel_work_order}
    if args.action not in service:
        raise CommandError(args.action)
    print(_line(run_service(ctx, lambda s: service[args.action](s, args.number))), file=ctx.out)
    return 0
