"""`floor zones add|list`: the zones of a warehouse, each of one kind.

    floor zones add RCV --kind receiving --name "Goods in"
    floor zones list

Kinds: receiving (the dock receipts go to), storage (reserve, put-away), pick (pick faces),
pack, ship, quarantine (damaged goods), kitting. Locations name their zone when they are
imported (`floor import locations`). `--warehouse` defaults to the configured one.
"""

from __future__ import annotations

import argparse
from typing import Any

from floor.commands import CommandContext, changed_by, run_service
from floor.i18n import _

ZONE_KINDS = ("receiving", "storage", "pick", "pack", "ship", "quarantine", "kitting")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "zones",
        help="add and list the zones of a warehouse (receiving, storage, pick, ...)",
        description="The zones of a warehouse. Receiving needs a receiving zone with a "
        "location (the dock); put-away and picking use storage and pick zones; damaged goods "
        "go to quarantine. Locations name their zone in floor import locations.",
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="zones_command", metavar="ACTION", title="actions")
    add = actions.add_parser("add", help="a new zone")
    add.add_argument("code", help="its code, e.g. RCV (the zone column of a locations file)")
    add.add_argument("--kind", required=True, choices=ZONE_KINDS, help="what the zone is for")
    add.add_argument("--name", default="", help="its name (default: the code)")
    add.add_argument("--warehouse", metavar="CODE", help="default: the configured warehouse")
    add.add_argument("--by", metavar="BADGE", help="the admin operator doing it")
    add.set_defaults(handler=cmd_add)
    listing = actions.add_parser("list", help="the zones of a warehouse")
    listing.add_argument("--warehouse", metavar="CODE", help="default: the configured warehouse")
    listing.set_defaults(handler=cmd_list)


def cmd_add(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.site import add_zone

    warehouse = args.warehouse or ctx.settings.warehouse
    zone = run_service(
        ctx,
        lambda s: add_zone(
            s, warehouse, args.code, args.kind, args.name, by=changed_by(s, args.by)
        ),
    )
    print(
        _(
            "Zone {code} ({kind}) added to {warehouse}",
            code=zone.code,
            kind=zone.kind,
            warehouse=zone.warehouse,
        ),
        file=ctx.out,
    )
    return 0


def cmd_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.site import list_zones

    warehouse = args.warehouse or ctx.settings.warehouse
    zones = run_service(ctx, lambda s: list_zones(s, warehouse))
    if not zones:
        print(
            _("No zones in {warehouse}: add them with floor zones add", warehouse=warehouse),
            file=ctx.out,
        )
        return 0
    print(f"{_('code'):<10} {_('kind'):<12} {_('locations'):>10}  {_('name')}", file=ctx.out)
    for z in zones:
        print(f"{z.code:<10} {z.kind:<12} {z.locations:>10}  {z.name}", file=ctx.out)
    return 0
