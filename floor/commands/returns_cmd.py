"""`floor returns`: issue a return authorization (RA number) for an order, from the shell.

The customer writes the RA number on the parcel (or the desk prints it as a barcode); the
returns screen finds the order by scanning it. Runs as the system (no operator).
"""

from __future__ import annotations

import argparse
from typing import Any

from floor.commands import CommandContext, CommandError
from floor.i18n import _


def register(sub: Any) -> None:
    p = sub.add_parser(
        "returns",
        help="return authorizations: issue an RA number for an order",
        description="Customer returns: issue a return authorization (RA number) for an order "
        "that shipped; scanning that number at the returns desk finds the order.",
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="returns_command", metavar="ACTION", title="actions")
    authorize = actions.add_parser("authorize", help="issue an RA number for an order")
    authorize.add_argument("order", metavar="ORDER", help="the sales order number, e.g. SO100")
    authorize.add_argument("--reason", default="", help="why the customer returns it")
    authorize.set_defaults(handler=cmd_authorize)


def cmd_authorize(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.db import transaction
    from floor.errors import FloorError
    from floor.inbound.returns import authorize_return
    from floor.stock.ledger import SYSTEM

    try:
        ra = transaction(
            ctx.engine,
            lambda s: authorize_return(s, args.order, actor=SYSTEM, reason=args.reason),
        )
    except FloorError as exc:
        raise CommandError(str(exc)) from None
    text = _("{ra} authorizes a return of order {order}", ra=ra.number, order=ra.order)
    print(text, file=ctx.out)
    return 0
