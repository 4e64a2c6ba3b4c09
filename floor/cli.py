"""The `floor` command: parses arguments and hands over to a subcommand in floor.commands."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from floor import __version__, commands
from floor.commands import CommandContext, CommandError
from floor.config import ConfigError, load_settings
from floor.i18n import set_default_language

DESCRIPTION = """\
floor: the warehouse floor terminal. Receiving, put-away, picking, packing, kitting,
counting and labels, driven by barcode scans.

Without a subcommand, `floor` starts the station app (same as `floor run`).
Settings come from floor.toml (--config, $FLOOR_CONFIG, or the user config folder) and
FLOOR_* environment variables; FLOOR_DATABASE_URL picks the database (default: an SQLite
file in the user data folder)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="floor", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"floor {__version__}")
    parser.add_argument(
        "--config", metavar="FILE", help="floor.toml to read instead of the default"
    )
    parser.add_argument(
        "--database-url", metavar="URL", help="SQLAlchemy URL, overrides FLOOR_DATABASE_URL"
    )
    parser.add_argument("--station", metavar="CODE", help="station code, overrides FLOOR_STATION")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"floor.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


SIGPIPE_STATUS = 141
"""The exit status of a command whose output was closed early (`floor stock | head`): what a
shell reports for a process ended by SIGPIPE."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `floor` command. Output closed early (a pipe into `head`) ends every command
    quietly, without a traceback."""
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _drop_stdout()
        return SIGPIPE_STATUS


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush at exit has nowhere to fail."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture it)
        pass


def _main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"floor: {exc}", file=sys.stderr)
        return 2
    overrides = {}
    if args.database_url:
        overrides["database_url"] = args.database_url
    if args.station:
        overrides["station"] = args.station
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)
    set_default_language(settings.language)
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is None and "run" in sub_names(parser):
            args = parser.parse_args([*(argv or sys.argv[1:]), "run"])
            handler = args.handler
        else:
            parser.print_help()
            return 0
    ctx = CommandContext(settings=settings)
    try:
        return int(handler(args, ctx) or 0)
    except CommandError as exc:
        print(f"floor: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    finally:
        ctx.close()


def sub_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


if __name__ == "__main__":
    raise SystemExit(main())
