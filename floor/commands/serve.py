"""`floor serve`: the station app in a web browser, through textual-serve.

Every browser tab gets a station app process of its own (station code WEB-<process id>,
keyboard only), which starts at the login screen: textual-serve has no authentication of its
own, so the badge and PIN come first in every browser session, and the board needs the
supervisor role. It listens on 127.0.0.1 unless --host says otherwise, and then warns: put it
behind a reverse proxy with TLS (docs/supervisor.md).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from floor.commands import CommandContext
from floor.i18n import _

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SESSION_ENV = "FLOOR_SERVE_SESSION"  # set for the app processes: forget the heartbeat on exit


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "serve",
        help="serve the station app to web browsers (login first; supervisors get the board)",
        description="Serves the station app over HTTP and a websocket (textual-serve): each "
        "browser tab runs its own station, starting at the login screen. Listens on "
        "127.0.0.1:8000 by default; anything else should sit behind a reverse proxy with TLS.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, when behind a reverse proxy (e.g. https://floor.example)",
    )
    parser.add_argument(
        "--station-prefix",
        default="WEB",
        metavar="TEXT",
        help="browser stations are called TEXT-<process id> (default WEB)",
    )
    parser.set_defaults(handler=run)


def app_command(settings_source: str, prefix: str) -> str:
    """The shell command textual-serve runs for each browser session."""
    parts = [sys.executable, "-m", "floor"]
    if settings_source not in ("defaults", ""):
        parts += ["--config", settings_source]
    command = " ".join(shlex.quote(p) for p in parts)
    # $$ is the shell's process id, kept by exec: one station code per browser session
    return f"exec {command} run --scanner none --station {shlex.quote(prefix[:12])}-$$"


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from textual_serve.server import Server

    settings = ctx.settings
    if args.host not in LOCAL_HOSTS:
        print(
            _(
                "warning: floor serve listens on {host}: anyone who reaches this port sees the "
                "login screen, and the traffic is not encrypted; put it behind a reverse proxy "
                "with TLS (docs/supervisor.md)",
                host=args.host,
            ),
            file=ctx.err,
        )
    # The app processes inherit this environment (a password stays out of the command line).
    os.environ["FLOOR_DATABASE_URL"] = settings.resolved_database_url
    os.environ["FLOOR_WAREHOUSE"] = settings.warehouse
    os.environ[SESSION_ENV] = "1"
    command = app_command(settings.source, args.station_prefix)
    server = Server(
        command, host=args.host, port=args.port, title="floor", public_url=args.public_url
    )
    print(
        _(
            "Serving the station app on http://{host}:{port}/ (Ctrl+C stops)",
            host=args.host,
            port=args.port,
        ),
        file=ctx.out,
    )
    server.serve()
    return 0
