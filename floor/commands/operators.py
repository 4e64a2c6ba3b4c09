"""`floor operators`: the people who log in at the stations.

    floor operators locked                  badges locked after failed logins, until when
    floor operators unlock BADGE [--by B]   lift a lock (an admin's act, in the login audit)

Runs as the system, like imports: whoever can run it can reach the database. `unlock`
records the account that ran it (user@host) and, with `--by`, the admin operator it was
done for. Each action is a `_register_<action>(actions)` in ACTIONS and a `cmd_<action>`
handler, so more actions (add, list, show, disable, ...) are added the same way.
"""

from __future__ import annotations

import argparse
from typing import Any

from floor.commands import CommandContext, run_service
from floor.i18n import _, ngettext

CLI_STATION = "cli"
"""The station the audit names for what was done from the command line."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "operators",
        help="operators: badges locked after failed logins, unlock",
        description="The operators who log in at the stations: list the badges locked after "
        "too many failed logins, and unlock one.",
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="operators_command", metavar="ACTION", title="actions")
    for register_action in ACTIONS:
        register_action(actions)


def _register_locked(actions: Any) -> None:
    locked = actions.add_parser(
        "locked", help="badges locked now after failed logins, and until when"
    )
    locked.set_defaults(handler=cmd_locked)


def _register_unlock(actions: Any) -> None:
    unlock = actions.add_parser(
        "unlock",
        help="lift a badge's lock and forget its failed logins (recorded in the login audit)",
    )
    unlock.add_argument("badge", help="the badge, as it is scanned or keyed in")
    unlock.add_argument(
        "--by", metavar="BADGE", help="the admin operator doing it (recorded with the account)"
    )
    unlock.set_defaults(handler=cmd_unlock)


ACTIONS = (_register_locked, _register_unlock)


def cmd_locked(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.logins import locked_badges

    badges = run_service(ctx, lambda s: locked_badges(s))
    if not badges:
        print(_("No badge is locked"), file=ctx.out)
        return 0
    print(
        f"{_('badge'):<16} {_('locked until'):<20} {_('failed logins'):>14}  {_('operator')}",
        file=ctx.out,
    )
    for b in badges:
        until = b.locked_until.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        # i18n: in the operator column of `floor operators locked`: the badge is nobody's
        holder = b.operator or _("(no such operator)")
        print(f"{b.badge:<16} {until:<20} {b.failures:>14}  {holder}", file=ctx.out)
    return 0


def cmd_unlock(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.logins import unlock_badge
    from floor.operators import find_by_badge

    account = _account()

    def work(session: Any) -> int:
        admin_id = find_by_badge(session, args.by).id if args.by else None
        return unlock_badge(session, args.badge, admin_id, station=CLI_STATION, actor=account)

    forgotten = run_service(ctx, work)
    print(
        ngettext(
            "Badge {badge} unlocked ({n} failed login forgotten)",
            "Badge {badge} unlocked ({n} failed logins forgotten)",
            forgotten,
            badge=args.badge,
        ),
        file=ctx.out,
    )
    return 0


def _account() -> str:
    """user@host of whoever runs the command, for the audit."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except Exception:  # no login name in the environment or the password database
        user = "?"
    return f"{user}@{socket.gethostname()}"
