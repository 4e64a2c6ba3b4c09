"""`floor warehouses add|list`: the warehouses of the site (a new site starts with one).

    floor warehouses add MAIN --name "Main DC"   then its zones: floor zones add
    floor warehouses list                         with how many zones and locations each

Runs as the system, recorded in the admin audit with the account (and `--by BADGE`).
"""

from __future__ import annotations

import argparse
from typing import Any

from floor.commands import CommandContext, changed_by, run_service
from floor.i18n import _


def register(sub: Any) -> None:
    p = sub.add_parser(
        "warehouses",
        help="add and list warehouses (a new site starts here; see docs/setup.md)",
        description="The warehouses of the site. A new site adds one, then its zones "
        "(floor zones add), locations (floor import locations), items, operators and "
        "stations: docs/setup.md walks through it.",
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="warehouses_command", metavar="ACTION", title="actions")
    add = actions.add_parser("add", help="a new warehouse")
    add.add_argument("code", help="its code, e.g. MAIN (FLOOR_WAREHOUSE names it)")
    add.add_argument("--name", default="", help="its name (default: the code)")
    add.add_argument("--by", metavar="BADGE", help="the admin operator doing it")
    add.set_defaults(handler=cmd_add)
    listing = actions.add_parser("list", help="the warehouses, with their zones and locations")
    listing.set_defaults(handler=cmd_list)


def cmd_add(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.site import add_warehouse

    made = run_service(
        ctx, lambda s: add_warehouse(s, args.code, args.name, by=changed_by(s, args.by))
    )
    print(_("Warehouse {code} added: {name}", code=made.code, name=made.name), file=ctx.out)
    if made.code != ctx.settings.warehouse:
        print(
            _(
                "The stations and commands use warehouse {configured}: set FLOOR_WAREHOUSE={code} "
                '(or warehouse = "{code}" in floor.toml)',
                configured=ctx.settings.warehouse,
                code=made.code,
            ),
            file=ctx.out,
        )
    return 0


def cmd_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.site import list_warehouses

    warehouses = run_service(ctx, list_warehouses)
    if not warehouses:
        print(_("No warehouses: add one with floor warehouses add CODE"), file=ctx.out)
        return 0
    print(f"{_('code'):<12} {_('zones'):>6} {_('locations'):>10}  {_('name')}", file=ctx.out)
    for w in warehouses:
        print(f"{w.code:<12} {w.zones:>6} {w.locations:>10}  {w.name}", file=ctx.out)
    return 0
