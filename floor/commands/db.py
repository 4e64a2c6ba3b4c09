"""`floor db`: create, upgrade, downgrade and inspect the database schema."""

from __future__ import annotations

import argparse

from floor.commands import CommandContext, CommandError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "db",
        help="create or migrate the database schema",
        description="Manage the database schema (alembic migrations shipped with floor). "
        "The app upgrades an empty or old database itself on start; these commands do it "
        "explicitly, e.g. before many stations connect to a new PostgreSQL database.",
    )
    actions = p.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="migrate to the newest schema (or --to REVISION)")
    up.add_argument("--to", default="heads", metavar="REVISION", help="target (default: newest)")
    up.set_defaults(handler=_upgrade)
    down = actions.add_parser("downgrade", help="migrate back to REVISION (e.g. -1, base)")
    down.add_argument("revision", help="target revision: an id, -1 for one step, or base")
    down.set_defaults(handler=_downgrade)
    cur = actions.add_parser("current", help="show the database URL and its schema revision")
    cur.set_defaults(handler=_current)


def _upgrade(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.db import current_heads, upgrade

    engine = ctx.engine_as_is
    upgrade(engine, args.to)
    print(f"schema at {', '.join(sorted(current_heads(engine))) or 'base'}", file=ctx.out)
    return 0


def _downgrade(args: argparse.Namespace, ctx: CommandContext) -> int:
    from alembic.util.exc import CommandError as AlembicError

    from floor.db import current_heads, downgrade

    engine = ctx.engine_as_is
    try:
        downgrade(engine, args.revision)
    except AlembicError as exc:
        raise CommandError(f"cannot downgrade to {args.revision}: {exc}") from None
    print(f"schema at {', '.join(sorted(current_heads(engine))) or 'base'}", file=ctx.out)
    return 0


def _current(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.db import current_heads, head_revisions, shown_url

    engine = ctx.engine_as_is
    now, newest = current_heads(engine), head_revisions(engine)
    print(f"database: {shown_url(engine.url)}", file=ctx.out)
    print(f"schema:   {', '.join(sorted(now)) or 'empty'}", file=ctx.out)
    print(f"newest:   {', '.join(sorted(newest))}", file=ctx.out)
    if now != newest:
        print("run `floor db upgrade` (the app also upgrades on start)", file=ctx.out)
    return 0
