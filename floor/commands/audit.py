"""`floor audit list`: the supervisor and admin actions recorded, newest first."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from typing import TYPE_CHECKING

from floor.commands import CommandError
from floor.i18n import _, ngettext

if TYPE_CHECKING:
    from floor.commands import CommandContext

_AGO = re.compile(r"^(\d+)\s*([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help=_("show who built, released, held or cancelled waves, approved counts..."),
        description=_(
            "The audit log: every supervisor and admin action (waves built, released, held "
            "and cancelled; counts approved, rejected and created; put-away overrides; "
            "return authorizations) with operator, station, time and details."
        ),
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="audit_command", metavar="ACTION", title=_("actions"))
    listing = actions.add_parser("list", help=_("the latest entries, newest first"))
    listing.add_argument(
        "--since",
        metavar="WHEN",
        help=_("only entries from then on: a date, a date and time (ISO), or 30m, 12h, 7d ago"),
    )
    listing.add_argument(
        "--action",
        metavar="ACTION",
        help=_("only this action (wave.release) or kind of action (wave)"),
    )
    listing.add_argument(
        "--limit", type=int, default=200, metavar="N", help=_("at most N entries (200)")
    )
    listing.set_defaults(handler=cmd_list)


def parse_since(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """A moment from an ISO date or date and time (UTC when no zone is given), or an age
    such as 30m, 12h or 7d before `now`."""
    now = now or dt.datetime.now(dt.UTC)
    ago = _AGO.match(text.strip())
    if ago:
        return now - dt.timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _(
                "--since {value}: expected a date (2026-12-01), a date and time "
                "(2026-12-01T08:00) or an age (30m, 12h, 7d)",
                value=text,
            )
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def cmd_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.audit import entries
    from floor.commands.stock import table
    from floor.db import read_only

    since = parse_since(args.since) if args.since else None
    with read_only(ctx.engine) as session:
        found = entries(session, since=since, action=args.action, limit=args.limit)
    if not found:
        print(_("No audit entries"), file=ctx.out)
        return 0
    print(
        table(
            [_("Time"), _("Action"), _("Subject"), _("Operator"), _("Station"), _("Details")],
            [
                (
                    e.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    e.action,
                    e.subject,
                    e.operator or _("system"),
                    e.station,
                    json.dumps(e.details, ensure_ascii=False, sort_keys=True),
                )
                for e in found
            ],
            set(),
        ),
        file=ctx.out,
    )
    print(
        ngettext("{n} entry (times in UTC)", "{n} entries (times in UTC)", len(found)), file=ctx.out
    )
    return 0
