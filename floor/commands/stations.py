"""`floor stations add|list`: the stations (terminals, RF guns) of the site.

    floor stations add RCV01 --kind receiving --name "Goods-in desk"
    floor stations list

A station runs `floor run` with FLOOR_STATION set to its code; one not added beforehand is
registered at its first start. `list` shows who is logged in where.
"""

from __future__ import annotations

import argparse
from typing import Any

from floor.commands import CommandContext, changed_by, run_service
from floor.i18n import _

STATION_KINDS = ("general", "receiving", "picking", "packing", "kitting", "supervisor")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "stations",
        help="add and list stations (terminals, RF guns) and who is logged in",
        description="The stations of the site: each runs floor run with FLOOR_STATION set to "
        "its code. A station not added is registered when it first starts.",
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="stations_command", metavar="ACTION", title="actions")
    add = actions.add_parser("add", help="a new station")
    add.add_argument("code", help="its code, e.g. RCV01 (FLOOR_STATION on that terminal)")
    add.add_argument("--kind", default="general", choices=STATION_KINDS)
    add.add_argument("--name", default="", help="its name (default: the code)")
    add.add_argument("--warehouse", metavar="CODE", help="default: the configured warehouse")
    add.add_argument("--by", metavar="BADGE", help="the admin operator doing it")
    add.set_defaults(handler=cmd_add)
    listing = actions.add_parser("list", help="the stations and who is logged in at each")
    listing.add_argument("--warehouse", metavar="CODE", help="only this warehouse's")
    listing.set_defaults(handler=cmd_list)


def cmd_add(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.site import add_station

    warehouse = args.warehouse or ctx.settings.warehouse
    station = run_service(
        ctx,
        lambda s: add_station(
            s, args.code, warehouse, args.name, args.kind, by=changed_by(s, args.by)
        ),
    )
    print(
        _(
            "Station {code} ({kind}) added to {warehouse}; start it with FLOOR_STATION={code} "
            "floor run",
            code=station.code,
            kind=station.kind,
            warehouse=station.warehouse,
        ),
        file=ctx.out,
    )
    return 0


def cmd_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.site import list_stations

    stations = run_service(ctx, lambda s: list_stations(s, args.warehouse))
    if not stations:
        print(_("No stations: add one with floor stations add CODE"), file=ctx.out)
        return 0
    print(
        f"{_('code'):<10} {_('warehouse'):<10} {_('kind'):<11} {_('logged in'):<20} {_('name')}",
        file=ctx.out,
    )
    for st in stations:
        print(
            f"{st.code:<10} {st.warehouse:<10} {st.kind:<11} {st.operator[:20]:<20} {st.name}",
            file=ctx.out,
        )
    return 0
