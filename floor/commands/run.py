"""`floor run`: start the station app (plain `floor` does the same)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from floor.commands import CommandContext, CommandError

if TYPE_CHECKING:
    from floor.config import Settings
    from floor.devices.base import ScanSource


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("run", help="start the station app (login, menu, flows)")
    parser.add_argument("--station", dest="run_station", metavar="CODE", help="station code")
    parser.add_argument(
        "--scanner",
        metavar="PATH|none",
        help="serial scanner port (a path, /dev/serial/by-id name or usb:VID:PID), or none "
        "for the keyboard only; default: the [scanner] settings",
    )
    parser.add_argument("--lang", metavar="CODE", help="language before login: en, fr or sr")
    parser.set_defaults(handler=run)


def _scan_source(ctx: CommandContext, scanner: str | None) -> ScanSource | None:
    from floor.config import ConfigError
    from floor.devices import DeviceUnavailable, open_scan_source

    settings: Settings = ctx.settings
    if scanner is not None:
        section = settings.section("scanner")
        if scanner.lower() == "none":
            section = {"kind": "none"}
        else:
            section.update(kind="serial", port=scanner)
        settings = replace(settings, sections={**settings.sections, "scanner": section})
    try:
        return open_scan_source(settings)
    except (ConfigError, DeviceUnavailable) as exc:
        raise CommandError(f"scanner: {exc}") from None


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.i18n import LANGUAGES

    settings = ctx.settings
    if args.run_station:
        settings = replace(settings, station=args.run_station)
    if args.lang:
        if args.lang not in LANGUAGES:
            raise CommandError(
                f"--lang: unknown language {args.lang!r}; expected one of {', '.join(LANGUAGES)}"
            )
        settings = replace(settings, language=args.lang)
    ctx.settings = settings
    source = _scan_source(ctx, args.scanner)

    from floor.app import create_app
    from floor.config import ConfigError
    from floor.db import shown_url
    from floor.station import WarehouseMissing
    from floor.station_settings import check_station_settings

    try:
        check_station_settings(settings)  # every flow's settings and this station's printer
        app = create_app(settings, ctx.engine, scan_source=source)  # with its print service
    except ConfigError as exc:  # e.g. the [login] settings, read when the station opens
        raise CommandError(str(exc)) from None
    except WarehouseMissing:
        raise CommandError(
            f"warehouse {settings.warehouse} is not in the database "
            f"{shown_url(settings.resolved_database_url)}.\n"
            "A new site: `floor warehouses add CODE`, then its zones, locations, items and "
            "operators (docs/setup.md). To try floor: `floor demo` builds the demo warehouse. "
            "Or set FLOOR_WAREHOUSE to an existing warehouse code (`floor warehouses list`)."
        ) from None
    import os

    from floor.commands.serve import SESSION_ENV

    app.forget_heartbeat_on_exit = bool(os.environ.get(SESSION_ENV))  # a browser tab (floor serve)
    app.run()
    return 0
