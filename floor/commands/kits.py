"""`floor kits show SKU`: a kit's bill of materials; `floor kits rule SKU`: its rules
(assemble to order, the component whose lot the kit takes). Bills are imported with
`floor import kits FILE`."""

from __future__ import annotations

import argparse
from typing import Any

from floor.commands import CommandContext, run_service
from floor.i18n import _


def register(sub: Any) -> None:
    p = sub.add_parser(
        "kits",
        help=_("show a kit's bill of materials; set its rules"),
        description=_(
            "Bills of materials are imported with `floor import kits FILE` (kit_sku, "
            "component_sku, quantity). show prints one; rule switches assemble to order or "
            "names the component whose lot a lot-tracked kit takes."
        ),
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="kits_command", metavar="ACTION", title=_("actions"))
    show = actions.add_parser("show", help=_("a kit's components and rules"))
    show.add_argument("sku", help=_("the kit's SKU"))
    show.set_defaults(handler=handle_show)
    rule = actions.add_parser("rule", help=_("set a kit's rules"))
    rule.add_argument("sku", help=_("the kit's SKU"))
    rule.add_argument(
        "--assemble-to-order",
        choices=("on", "off"),
        help=_("on: a wave short of finished kits makes a kit work order for the difference"),
    )
    rule.add_argument(
        "--lot-from", metavar="SKU", help=_("the component whose lot a lot-tracked kit takes")
    )
    rule.set_defaults(handler=handle_rule)


def _print_bom(ctx: CommandContext, bom: Any) -> None:
    print(f"{bom.sku}  {bom.description}", file=ctx.out)
    for c in bom.components:
        print(f"  {c.quantity:>4} × {c.sku}  {c.description}", file=ctx.out)
    rules = []
    if bom.assemble_to_order:
        rules.append(_("assemble to order"))
    if bom.lot_from:
        rules.append(_("lot from {sku}", sku=bom.lot_from))
    if rules:
        print("  " + ", ".join(rules), file=ctx.out)


def handle_show(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.kitting import bom

    _print_bom(ctx, run_service(ctx, lambda s: bom.show(s, args.sku)))
    return 0


def handle_rule(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.kitting import bom

    def work(s: Any) -> Any:
        kit = bom.kit_item(s, args.sku)
        bom.bom_of(s, kit.id)
        lot_from = bom.kit_item(s, args.lot_from).id if args.lot_from else None
        ato = None if args.assemble_to_order is None else args.assemble_to_order == "on"
        bom.set_rule(s, kit.id, assemble_to_order=ato, lot_from_item_id=lot_from)
        return bom.bom_of(s, kit.id)

    _print_bom(ctx, run_service(ctx, work))
    return 0
