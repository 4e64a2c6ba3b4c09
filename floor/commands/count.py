"""`floor count`: create cycle count tasks (by location, by item, on the ABC schedule) and list
the counts not finished yet, from the shell. Runs as the system (no operator), like imports.
"""

from __future__ import annotations

import argparse
from typing import Any

from floor.commands import CommandContext, run_service
from floor.i18n import _, ngettext


def register(sub: Any) -> None:
    p = sub.add_parser(
        "count",
        help="create cycle count tasks and list open counts",
        description="Cycle counts: create count tasks for locations, for items, or for the "
        "items due on the ABC schedule; list the counts not finished yet.",
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="count_command", metavar="ACTION", title="actions")

    create = actions.add_parser(
        "create", help="count tasks by location, by item or on the ABC schedule"
    )
    scope = create.add_mutually_exclusive_group(required=True)
    scope.add_argument("--location", nargs="+", metavar="CODE", help="count these locations")
    scope.add_argument("--item", nargs="+", metavar="SKU", help="count these items everywhere")
    scope.add_argument("--abc", action="store_true", help="count the items due on the ABC schedule")
    create.add_argument("--warehouse", help="warehouse code (default: the configured one)")
    create.set_defaults(handler=cmd_create)

    listing = actions.add_parser(
        "list", help="counts open, in progress or awaiting approval, oldest first"
    )
    listing.add_argument("--warehouse", help="warehouse code (default: the configured one)")
    shown = listing.add_mutually_exclusive_group()
    shown.add_argument(
        "--limit",
        type=_positive,
        default=LIST_LIMIT,
        metavar="N",
        help=f"show the oldest N (default {LIST_LIMIT}); the total is always said",
    )
    shown.add_argument("--all", action="store_true", help="show every count")
    listing.set_defaults(handler=cmd_list)


LIST_LIMIT = 200
IDS_SHOWN = 10


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number above zero, got {text!r}")
    return value


def _warehouse_id(session: Any, code: str) -> int:
    from floor.stock.stock_report import find_warehouse

    return int(find_warehouse(session, code))


def _ids(session: Any, model: Any, column: Any, codes: list[str], what: str, **where: Any) -> list:
    from sqlalchemy import select

    from floor.errors import NotFound

    stmt = select(column, model.id).where(column.in_(codes))
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    found = dict(session.execute(stmt).all())
    missing = [code for code in codes if code not in found]
    if missing:
        raise NotFound(_("Unknown {what}: {codes}", what=what, codes=", ".join(missing)))
    return [found[code] for code in codes]


def cmd_create(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.models import Item, Location
    from floor.stock import count_scheduling
    from floor.stock.ledger import SYSTEM

    code = args.warehouse or ctx.settings.warehouse

    def work(session: Any) -> list[int]:
        warehouse_id = _warehouse_id(session, code)
        if args.location:
            ids = _ids(
                session,
                Location,
                Location.code,
                args.location,
                _("location"),
                warehouse_id=warehouse_id,
            )
            return count_scheduling.create_count_tasks_by_location(session, ids, actor=SYSTEM)
        if args.item:
            ids = _ids(session, Item, Item.sku, args.item, _("item"))
            return count_scheduling.create_count_tasks_by_item(
                session, warehouse_id, ids, actor=SYSTEM
            )
        return count_scheduling.schedule_abc_counts(session, warehouse_id)

    task_ids = run_service(ctx, work)
    if task_ids and len(task_ids) <= IDS_SHOWN:
        print(
            _(
                "{n} count tasks: {ids}",
                n=len(task_ids),
                ids=" ".join(str(i) for i in task_ids),
            ),
            file=ctx.out,
        )
    elif task_ids:
        print(
            _(
                "{n} count tasks, ids {first} to {last}; floor count list shows them",
                n=len(task_ids),
                first=min(task_ids),
                last=max(task_ids),
            ),
            file=ctx.out,
        )
    else:
        print(_("No count tasks: nothing in stock there, or nothing due"), file=ctx.out)
    return 0


def cmd_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.stock import counting

    code = args.warehouse or ctx.settings.warehouse
    limit = None if args.all else args.limit

    def work(session: Any) -> tuple[list[dict], int]:
        warehouse_id = _warehouse_id(session, code)
        rows = counting.count_tasks(session, warehouse_id, limit=limit)
        return rows, counting.count_tasks_total(session, warehouse_id)

    rows, total = run_service(ctx, work)
    if not rows:
        print(_("No counts open"), file=ctx.out)
        return 0
    print(
        f"{'task':>6} {'status':<18} {'location':<12} {'item':<16} {'lot':<10} reason",
        file=ctx.out,
    )
    for r in rows:
        reason = r["reason"] + (f" ({r['exception']})" if r["exception"] else "")
        print(
            f"{r['task_id']:>6} {r['status']:<18} {r['location']:<12} {r['sku']:<16} "
            f"{r['lot']:<10} {reason}",
            file=ctx.out,
        )
    if len(rows) < total:
        print(
            _(
                "{shown} of {total} counts shown, the oldest first; --limit N or --all shows more",
                shown=len(rows),
                total=total,
            ),
            file=ctx.out,
        )
    else:
        print(ngettext("{n} count", "{n} counts", total), file=ctx.out)
    return 0
