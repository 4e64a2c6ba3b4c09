"""Subcommands of the `floor` command, one module each.

Every module here defines `register(subparsers)`, which adds its parser and sets
`handler=<function(args, ctx) -> int>` with `set_defaults`. `floor.cli` finds the modules
itself, so adding a command is adding a module. Keep imports of heavy libraries inside the
handlers: every module is imported on each start of `floor`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TextIO

from floor.config import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from floor.admin_audit import ChangedBy

CLI_STATION = "cli"
"""The station the audits name for what was done from the command line."""


class CommandError(Exception):
    """A command could not do what was asked; the message is shown, exit status 1 (or code)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class CommandContext:
    settings: Settings
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    @cached_property
    def engine(self) -> Engine:
        """The database, upgraded to the current schema."""
        from floor.db import open_database

        return open_database(self.settings.resolved_database_url)

    @cached_property
    def engine_as_is(self) -> Engine:
        """The database with its schema left as it is (for `floor db`)."""
        from floor.db import create_floor_engine

        return create_floor_engine(self.settings.resolved_database_url)

    def close(self) -> None:
        """Close the pooled connections of whatever database the command opened."""
        for name in ("engine", "engine_as_is"):
            engine = self.__dict__.pop(name, None)
            if engine is not None:
                engine.dispose()


def run_service(ctx: CommandContext, work):  # type: ignore[no-untyped-def]
    """Run a domain service in one retried transaction; its refusal becomes a CommandError."""
    from floor.db import transaction
    from floor.errors import FloorError

    try:
        return transaction(ctx.engine, work)
    except FloorError as exc:
        raise CommandError(str(exc)) from None


def account() -> str:
    """user@host of whoever runs the command, for the audits."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except Exception:  # no login name in the environment or the password database
        user = "?"
    return f"{user}@{socket.gethostname()}"


def changed_by(session, by_badge: str | None) -> ChangedBy:  # type: ignore[no-untyped-def]
    """Who a command's change is recorded as: the system, named by the account running it,
    for the admin operator of `--by BADGE` when given (who must hold the admin role)."""
    from floor.admin_audit import ChangedBy
    from floor.operators import find_by_badge

    admin_id = find_by_badge(session, by_badge.strip().upper()).id if by_badge else None
    return ChangedBy(admin_id, CLI_STATION, account())
