"""`floor api`: the HTTP API for an order system or ERP, its keys and its webhooks.

`floor api` serves it (uvicorn; 127.0.0.1:8080 unless --host says otherwise, then a
warning; --workers processes, one per core by default on PostgreSQL, sharing each key's
rate limit), with a deliverer thread sending the webhooks' outbox. `floor api keys create|list|
revoke` manages the keys, `floor api webhooks add|list|remove|deliver` the receivers,
`floor api events prune` deletes delivered events past their retention (the deliverer also
does, about once an hour). See docs/api.md.
"""

from __future__ import annotations

import argparse
import os
import threading
from typing import TYPE_CHECKING

from floor.commands import CommandError
from floor.i18n import _

if TYPE_CHECKING:
    from floor.commands import CommandContext

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
DELIVER_EVERY = 5.0  # seconds between two rounds of the deliverer thread
PRUNE_EVERY = 3600.0  # seconds between two prunes of delivered events by the deliverer


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "api",
        help=_("serve the HTTP API (orders in, status, stock, movements, shipments out)"),
        description=_(
            "Serves the JSON API an order system or ERP talks to, with its OpenAPI schema at "
            "/api/v1/openapi.json, and sends the webhooks' outbox in the background. Listens "
            "on 127.0.0.1:8080 by default; anything else should sit behind a reverse proxy "
            "with TLS (docs/api.md). Requests need a key: floor api keys create."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help=_("address to listen on"))
    p.add_argument("--port", type=int, default=8080, help=_("port to listen on"))
    p.add_argument(
        "--rate",
        type=float,
        default=20.0,
        metavar="N",
        help=_("requests a second each key may make, on average (20)"),
    )
    p.add_argument(
        "--burst", type=int, default=40, metavar="N", help=_("requests a key may make at once (40)")
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help=_(
            "server processes (default: one per core on PostgreSQL, 1 on SQLite); they share "
            "each key's rate limit"
        ),
    )
    p.add_argument(
        "--key-cache",
        type=float,
        default=None,
        metavar="SECONDS",
        help=_(
            "trust a key found for this long without reading it again (5); a key revoked is "
            "refused by every process within it (0: read on every request)"
        ),
    )
    p.add_argument(
        "--no-deliver",
        action="store_true",
        help=_("do not send webhooks from this process (another runs floor api webhooks deliver)"),
    )
    p.set_defaults(handler=cmd_serve)
    actions = p.add_subparsers(dest="api_command", metavar="ACTION", title=_("actions"))

    keys = actions.add_parser("keys", help=_("API keys: create, list, revoke"))
    key_actions = keys.add_subparsers(dest="keys_command", metavar="ACTION", title=_("actions"))
    keys.set_defaults(handler=lambda args, ctx: _help(keys, ctx))
    create = key_actions.add_parser(
        "create", help=_("make a key; it is printed once, only its hash is kept")
    )
    create.add_argument(
        "--scope",
        required=True,
        choices=("read", "write"),
        help=_("read: status, stock, feeds; write: also orders and purchase orders in"),
    )
    create.add_argument("--name", default="", help=_("who uses it (the ERP, the web shop)"))
    create.set_defaults(handler=cmd_keys_create)
    listing = key_actions.add_parser("list", help=_("every key: id, prefix, scope, name, revoked"))
    listing.set_defaults(handler=cmd_keys_list)
    revoke = key_actions.add_parser(
        "revoke",
        help=_("refuse a key from now on (a floor api server already running: within 5 seconds)"),
    )
    revoke.add_argument("key", metavar="ID|PREFIX", help=_("the key's id or prefix (keys list)"))
    revoke.set_defaults(handler=cmd_keys_revoke)

    hooks = actions.add_parser("webhooks", help=_("webhook receivers: add, list, remove, deliver"))
    hook_actions = hooks.add_subparsers(dest="hooks_command", metavar="ACTION", title=_("actions"))
    hooks.set_defaults(handler=lambda args, ctx: _help(hooks, ctx))
    add = hook_actions.add_parser(
        "add", help=_("send events to URL; prints the signing secret once")
    )
    add.add_argument("url", metavar="URL", help=_("the receiver (http:// or https://)"))
    add.add_argument(
        "--events",
        nargs="+",
        required=True,
        metavar="EVENT",
        help=_("shipment.confirmed, stock.low, order.exception (one or more)"),
    )
    add.set_defaults(handler=cmd_hooks_add)
    hook_actions.add_parser(
        "list", help=_("every receiver: events, deliveries waiting, last error")
    ).set_defaults(handler=cmd_hooks_list)
    remove = hook_actions.add_parser("remove", help=_("stop sending to a receiver"))
    remove.add_argument("id", type=int, metavar="ID", help=_("the receiver's id (webhooks list)"))
    remove.set_defaults(handler=cmd_hooks_remove)
    deliver = hook_actions.add_parser(
        "deliver", help=_("send the deliveries that are due (retried with backoff)")
    )
    deliver.add_argument(
        "--loop", action="store_true", help=_("keep sending every few seconds until Ctrl+C")
    )
    deliver.set_defaults(handler=cmd_hooks_deliver)

    events = actions.add_parser("events", help=_("the events told to receivers: prune"))
    event_actions = events.add_subparsers(
        dest="events_command", metavar="ACTION", title=_("actions")
    )
    events.set_defaults(handler=lambda args, ctx: _help(events, ctx))
    prune = event_actions.add_parser(
        "prune",
        help=_("delete delivered events older than the retention (never undelivered ones)"),
        description=_(
            "Delete the events older than --older-than (default: [api] "
            "events_retention_days, 30 days) that every receiver has taken, with their "
            "deliveries. An event some receiver has not taken yet is kept, however old. "
            "Feeds no longer list what was pruned."
        ),
    )
    prune.add_argument(
        "--older-than",
        metavar="AGE",
        help=_("an age such as 30d or 12h (default: the retention setting)"),
    )
    prune.set_defaults(handler=cmd_events_prune)


def _help(parser: argparse.ArgumentParser, ctx: CommandContext) -> int:
    parser.print_help(ctx.out)
    return 0


def _run(ctx: CommandContext, work):  # type: ignore[no-untyped-def]
    from floor.db import transaction
    from floor.errors import FloorError

    try:
        return transaction(ctx.engine, work)
    except FloorError as exc:
        raise CommandError(str(exc)) from None


def cmd_keys_create(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.api import keys

    key, info = _run(ctx, lambda s: keys.create_key(s, args.scope, args.name))
    print(key, file=ctx.out)
    print(
        _(
            "API key {id} ({scope}, {prefix}...): shown once, keep it now; floor keeps only "
            "its hash",
            id=info.id,
            scope=info.scope,
            prefix=info.prefix,
        ),
        file=ctx.err,
    )
    return 0


def cmd_keys_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.api import keys
    from floor.commands.stock import table

    found = _run(ctx, keys.list_keys)
    rows = [
        [
            str(k.id),
            k.prefix,
            k.scope,
            k.name,
            k.created_at.strftime("%Y-%m-%d %H:%M"),
            k.revoked_at.strftime("%Y-%m-%d %H:%M") if k.revoked_at else "",
        ]
        for k in found
    ]
    headers = [_("id"), _("prefix"), _("scope"), _("name"), _("created"), _("revoked")]
    print(table(headers, rows, {0}), file=ctx.out)
    return 0


def cmd_keys_revoke(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.api import keys

    info = _run(ctx, lambda s: keys.revoke_key(s, args.key))
    print(_("API key {id} ({prefix}...) revoked", id=info.id, prefix=info.prefix), file=ctx.out)
    return 0


def cmd_hooks_add(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.api import delivery

    sub, secret = _run(ctx, lambda s: delivery.add_subscription(s, args.url, args.events))
    print(secret, file=ctx.out)
    print(
        _(
            "Webhook {id}: {events} to {url}; the line above is its signing secret, shown "
            "once (docs/api.md: verifying a delivery)",
            id=sub.id,
            events=", ".join(sub.events),
            url=sub.url,
        ),
        file=ctx.err,
    )
    return 0


def cmd_hooks_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.api import delivery
    from floor.commands.stock import table

    found = _run(ctx, delivery.list_subscriptions)
    rows = [
        [
            str(s.id),
            s.url,
            " ".join(s.events),
            _("yes") if s.active else _("no"),
            str(s.pending),
            s.last_error,
        ]
        for s in found
    ]
    headers = [_("id"), _("URL"), _("events"), _("active"), _("waiting"), _("last error")]
    print(table(headers, rows, {0, 4}), file=ctx.out)
    return 0


def cmd_hooks_remove(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.api import delivery

    _run(ctx, lambda s: delivery.remove_subscription(s, args.id))
    print(_("Webhook {id} removed", id=args.id), file=ctx.out)
    return 0


def _retention(ctx: CommandContext):  # type: ignore[no-untyped-def]
    """The configured retention of delivered events, as a timedelta."""
    import datetime as dt

    from floor.api import delivery
    from floor.errors import FloorError

    try:
        return dt.timedelta(days=delivery.retention_days(ctx.settings.section("api")))
    except FloorError as exc:
        raise CommandError(str(exc)) from None


def cmd_events_prune(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.api import delivery
    from floor.errors import FloorError

    try:
        age = delivery.parse_age(args.older_than) if args.older_than else _retention(ctx)
    except FloorError as exc:
        raise CommandError(str(exc)) from None
    report = delivery.prune_delivered(ctx.engine, older_than=age)
    print(
        _(
            "{events} delivered events older than {days} days pruned ({deliveries} deliveries)",
            events=report.events,
            days=format(age.total_seconds() / 86400, "g"),
            deliveries=report.deliveries,
        ),
        file=ctx.out,
    )
    return 0


class _Pruner:
    """Prunes delivered events at most once every PRUNE_EVERY seconds (the first round
    prunes); a failure is logged and tried at the next one."""

    def __init__(self, ctx: CommandContext) -> None:
        self.ctx = ctx
        self.age = _retention(ctx)
        self.last: float | None = None

    def __call__(self) -> None:
        import logging
        import time

        from floor.api import delivery

        now = time.monotonic()
        if self.last is not None and now - self.last < PRUNE_EVERY:
            return
        self.last = now
        try:
            delivery.prune_delivered(self.ctx.engine, older_than=self.age)
        except Exception:  # the database is down: the next prune tries again
            logging.getLogger("floor.api.delivery").exception("pruning delivered events failed")


def cmd_hooks_deliver(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.api import delivery

    prune = _Pruner(ctx) if args.loop else None
    while True:
        if prune is not None:
            prune()
        report = delivery.deliver_due(ctx.engine)
        if report.delivered or report.failed or not args.loop:
            print(
                _(
                    "{delivered} delivered, {failed} to retry later",
                    delivered=report.delivered,
                    failed=report.failed,
                ),
                file=ctx.out,
            )
        if not args.loop:
            return 0
        threading.Event().wait(DELIVER_EVERY)


def _deliverer(ctx: CommandContext, stop: threading.Event, prune: _Pruner) -> None:
    """Send the outbox every few seconds until `stop`, pruning delivered events about once
    an hour; a failing round is tried again."""
    import logging

    from floor.api import delivery

    log = logging.getLogger("floor.api.delivery")
    while not stop.is_set():
        prune()
        try:
            delivery.deliver_due(ctx.engine)
        except Exception:  # the database is down: the next round tries again
            log.exception("webhook delivery round failed")
        stop.wait(DELIVER_EVERY)


def default_workers(dialect: str) -> int:
    """One server process per core the command may use; one on SQLite, where one process
    queues its writers on a lock of its own while writers of several would poll the
    database's lock (its busy handler) and wait longer."""
    if dialect == "sqlite":
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def cmd_serve(args: argparse.Namespace, ctx: CommandContext) -> int:
    import shutil
    import tempfile

    import uvicorn

    from floor.api import app as api_app
    from floor.api.keys import KEY_CACHE_SECONDS

    if args.host not in LOCAL_HOSTS:
        print(
            _(
                "warning: floor api listens on {host}: anyone who reaches this port can try "
                "keys, and the traffic (keys included) is not encrypted; put it behind a "
                "reverse proxy with TLS (docs/api.md)",
                host=args.host,
            ),
            file=ctx.err,
        )
    dialect = ctx.engine.dialect.name  # opens the database: upgraded before any worker starts
    workers = args.workers if args.workers is not None else default_workers(dialect)
    if workers < 1:
        raise CommandError(_("--workers: expected 1 or more, got {n}", n=workers))
    if workers > 1 and dialect == "sqlite":
        print(
            _(
                "note: {n} processes on SQLite: their writes wait for each other on the "
                "database's lock (one process, the default on SQLite, queues them itself)",
                n=workers,
            ),
            file=ctx.err,
        )
    key_cache = KEY_CACHE_SECONDS if args.key_cache is None else max(0.0, args.key_cache)
    scratch = None
    if workers == 1:
        app: object = api_app.create_app(
            ctx.engine,
            warehouse=ctx.settings.warehouse,
            rate=args.rate,
            burst=args.burst,
            key_cache_seconds=key_cache,
        )
        extra: dict[str, object] = {}
    else:
        scratch = tempfile.mkdtemp(prefix="floor-api-")
        os.environ[api_app.WORKER_CONFIG_ENV] = api_app.write_worker_config(
            scratch,
            database_url=ctx.settings.resolved_database_url,
            warehouse=ctx.settings.warehouse,
            rate=args.rate,
            burst=args.burst,
            key_cache_seconds=key_cache,
        )
        app = "floor.api.app:worker_app"
        extra = {"factory": True, "workers": workers}
    stop = threading.Event()
    if not args.no_deliver:
        prune = _Pruner(ctx)  # a wrong retention setting stops here, named
        threading.Thread(
            target=_deliverer, args=(ctx, stop, prune), name="webhooks", daemon=True
        ).start()
    print(
        _(
            "Serving the API on http://{host}:{port}/api/v1/, worker processes: {workers} "
            "(schema: /api/v1/openapi.json; Ctrl+C stops)",
            host=args.host,
            port=args.port,
            workers=workers,
        ),
        file=ctx.out,
    )
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", **extra)
    finally:
        stop.set()
        if scratch is not None:
            os.environ.pop(api_app.WORKER_CONFIG_ENV, None)
            shutil.rmtree(scratch, ignore_errors=True)
    return 0
