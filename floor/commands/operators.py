"""`floor operators`: the people who log in at the stations.

    floor operators list [--active] [--role R] the operators, by badge
    floor operators show BADGE                 one operator: roles, language, last login, changes
    floor operators add BADGE --name N --roles R [--language L] [--pin-stdin]
    floor operators disable|enable BADGE       stop or allow their logins
    floor operators set-pin BADGE [--pin-stdin]   a new PIN, changed again at the next login
    floor operators set-roles BADGE ROLE...    e.g. picker receiver
    floor operators set-language BADGE LANG    en, fr or sr
    floor operators import FILE                CSV or JSON, all or nothing
    floor operators locked                     badges locked after failed logins, until when
    floor operators unlock BADGE               lift a lock (an admin's act, in the login audit)

Runs as the system, like imports: whoever can run it can reach the database. Every change
records the account that ran it (user@host) and, with `--by BADGE`, the admin operator it
was done for. A PIN is asked for twice on the terminal and never echoed (`--pin-stdin`
reads it from the first line of standard input, for scripts); a PIN set here is temporary:
the operator chooses their own at the next login. Each action is a `_register_<action>`
in ACTIONS and a `cmd_<action>` handler; the services are floor/operator_admin.py.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from floor.commands import CLI_STATION, CommandContext, CommandError, changed_by, run_service
from floor.commands import account as _account
from floor.i18n import _, ngettext

if TYPE_CHECKING:
    from floor.admin_audit import ChangedBy
    from floor.operator_admin import OperatorView


def register(sub: Any) -> None:
    p = sub.add_parser(
        "operators",
        help="operators: add, list, show, disable, PIN, roles, language, import; unlock badges",
        description="The operators who log in at the stations: add them (one by one or from "
        "a file), list and show them, disable or enable them, set their PIN, roles or "
        "language; list the badges locked after too many failed logins, and unlock one. "
        "Every change is recorded with the account that ran the command.",
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="operators_command", metavar="ACTION", title="actions")
    for register_action in ACTIONS:
        register_action(actions)


def _by_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by", metavar="BADGE", help="the admin operator doing it (recorded with the account)"
    )


def _pin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from the first line of standard input (scripts) instead of asking "
        "twice on the terminal",
    )


def _register_list(actions: Any) -> None:
    listing = actions.add_parser("list", help="the operators by badge, with roles and language")
    listing.add_argument(
        "--active", action="store_true", help="only the active ones (not the disabled)"
    )
    listing.add_argument("--role", metavar="ROLE", help="only those holding this role")
    listing.set_defaults(handler=cmd_list)


def _register_show(actions: Any) -> None:
    show = actions.add_parser(
        "show", help="one operator: roles, language, last login, lock and the latest changes"
    )
    show.add_argument("badge")
    show.set_defaults(handler=cmd_show)


def _register_add(actions: Any) -> None:
    add = actions.add_parser(
        "add", help="a new operator; the PIN is asked twice and changed at their first login"
    )
    add.add_argument("badge", help="the badge code, e.g. OP0042 (read as a badge when scanned)")
    add.add_argument("--name", required=True, help="the operator's name")
    add.add_argument(
        "--roles",
        required=True,
        nargs="+",
        metavar="ROLE",
        help="picker, receiver, packer, kitter, counter, supervisor, admin",
    )
    add.add_argument(
        "--language", metavar="LANG", help="en, fr or sr (default: the site's language)"
    )
    _pin_option(add)
    _by_option(add)
    add.set_defaults(handler=cmd_add)


def _register_disable(actions: Any) -> None:
    disable = actions.add_parser("disable", help="stop an operator logging in")
    disable.add_argument("badge")
    _by_option(disable)
    disable.set_defaults(handler=cmd_disable)


def _register_enable(actions: Any) -> None:
    enable = actions.add_parser("enable", help="let a disabled operator log in again")
    enable.add_argument("badge")
    _by_option(enable)
    enable.set_defaults(handler=cmd_enable)


def _register_set_pin(actions: Any) -> None:
    set_pin = actions.add_parser(
        "set-pin", help="give an operator a new PIN, which they change at their next login"
    )
    set_pin.add_argument("badge")
    _pin_option(set_pin)
    _by_option(set_pin)
    set_pin.set_defaults(handler=cmd_set_pin)


def _register_set_roles(actions: Any) -> None:
    set_roles = actions.add_parser("set-roles", help="replace an operator's roles")
    set_roles.add_argument("badge")
    set_roles.add_argument(
        "roles", nargs="+", metavar="ROLE", help="e.g. picker receiver (replaces them all)"
    )
    _by_option(set_roles)
    set_roles.set_defaults(handler=cmd_set_roles)


def _register_set_language(actions: Any) -> None:
    set_language = actions.add_parser(
        "set-language", help="the language an operator's screens speak"
    )
    set_language.add_argument("badge")
    set_language.add_argument("language", metavar="LANG", help="en, fr or sr")
    _by_option(set_language)
    set_language.set_defaults(handler=cmd_set_language)


def _register_import(actions: Any) -> None:
    imp = actions.add_parser(
        "import",
        help="operators from a CSV or JSON file (badge, name, roles, language, pin); "
        "all or nothing",
        description="Add operators from a CSV or JSON file with the columns badge, name, "
        "roles, language (optional: the site's language) and pin. All or nothing: when any "
        "row is wrong, or a badge is taken, nothing is imported and every problem is listed "
        "as FILE:LINE: column COLUMN: expected ..., got .... Imported operators change "
        "their PIN at their first login. See docs/setup.md.",
    )
    imp.add_argument("file", help="the file to import (.csv or .json)")
    imp.add_argument("--format", choices=("csv", "json"), help="default: from the extension")
    imp.add_argument(
        "--progress", action="store_true", help="show a progress bar even when not on a terminal"
    )
    _by_option(imp)
    imp.set_defaults(handler=cmd_import)


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
    _by_option(unlock)
    unlock.set_defaults(handler=cmd_unlock)


ACTIONS = (
    _register_list,
    _register_show,
    _register_add,
    _register_disable,
    _register_enable,
    _register_set_pin,
    _register_set_roles,
    _register_set_language,
    _register_import,
    _register_locked,
    _register_unlock,
)


# --- who, and the PIN -----------------------------------------------------------------------


def _changed_by(session: Any, args: argparse.Namespace) -> ChangedBy:
    """The system, named by the account running the command, for the admin of `--by`."""
    return changed_by(session, args.by)


def read_pin(args: argparse.Namespace, badge: str) -> str:
    """The PIN: from standard input's first line (--pin-stdin), else asked twice, unechoed."""
    import getpass

    if args.pin_stdin:
        pin = sys.stdin.readline().rstrip("\r\n")
        if not pin:
            raise CommandError(_("No PIN on standard input"))
        return pin
    if not terminal_attached():
        raise CommandError(_("No terminal to ask for the PIN on: give it with --pin-stdin"), code=2)
    first = getpass.getpass(_("PIN for {badge} (4 to 12 digits): ", badge=badge))
    second = getpass.getpass(_("The same PIN again: "))
    if first != second:
        raise CommandError(_("The two PINs differ: nothing changed"))
    return first


def terminal_attached() -> bool:
    """A terminal to ask for a PIN on without echoing it."""
    return sys.stdin.isatty()


# --- reading --------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.operator_admin import list_operators

    operators = run_service(
        ctx, lambda s: list_operators(s, include_disabled=not args.active, role=args.role)
    )
    if not operators:
        print(_("No operators: add one with floor operators add"), file=ctx.out)
        return 0
    print(
        f"{_('badge'):<12} {_('name'):<24} {_('roles'):<24} {_('lang'):<4} {_('status')}",
        file=ctx.out,
    )
    for op in operators:
        print(
            f"{op.badge:<12} {op.name:<24} {op.roles:<24} {op.language:<4} {_status(op)}",
            file=ctx.out,
        )
    print(ngettext("{n} operator", "{n} operators", len(operators)), file=ctx.out)
    return 0


def _status(op: OperatorView) -> str:
    words = [_("active") if op.active else _("disabled")]
    if op.must_change_pin:
        # i18n: in `floor operators list`: the operator chooses a PIN at their next login
        words.append(_("PIN to change"))
    return ", ".join(words)


def cmd_show(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.logins import clock
    from floor.models import utcnow
    from floor.operator_admin import show_operator

    detail = run_service(ctx, lambda s: show_operator(s, args.badge))
    op = detail.operator
    out = ctx.out
    print(f"{op.badge}  {op.name}", file=out)
    print(f"  {_('roles')}: {op.roles}", file=out)
    print(f"  {_('language')}: {op.language}", file=out)
    print(f"  {_('status')}: {_status(op)}", file=out)
    now = utcnow()
    last = clock(detail.last_login, now) if detail.last_login else _("never")
    print(f"  {_('last login')}: {last}", file=out)
    if detail.locked_until is not None and _aware(detail.locked_until) > now:
        print(
            "  " + _("locked until {time}", time=clock(detail.locked_until, now)),
            file=out,
        )
    if detail.changes:
        print(f"  {_('changes')}:", file=out)
        for change in detail.changes:
            what = change.action_words + (f" ({change.detail})" if change.detail else "")
            print(
                "    "
                + _(
                    "{time} {what}, by {who} at {station}",
                    time=clock(change.at, now),
                    what=what,
                    who=change.by,
                    station=change.station,
                ),
                file=out,
            )
    return 0


def _aware(value: Any) -> Any:
    import datetime as dt

    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


# --- changing -------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.errors import FloorError
    from floor.i18n import normalise_language
    from floor.operator_admin import add_operator, check_roles, normalise_badge
    from floor.scanning import ScanLanguage

    scan_language = ScanLanguage.from_settings(ctx.settings)
    try:  # refuse a bad badge or role before asking for the PIN
        badge = normalise_badge(args.badge, scan_language)
        check_roles(args.roles)
    except FloorError as exc:
        raise CommandError(str(exc)) from None
    language = args.language or normalise_language(ctx.settings.language)
    pin = read_pin(args, badge)

    def work(session: Any) -> OperatorView:
        return add_operator(
            session,
            badge=badge,
            name=args.name,
            pin=pin,
            roles=args.roles,
            language=language,
            by=_changed_by(session, args),
            scan_language=scan_language,
        )

    op = run_service(ctx, work)
    print(
        _(
            "Operator {badge} added: {name}, {roles}, {language}; they choose their own PIN "
            "at their first login",
            badge=op.badge,
            name=op.name,
            roles=op.roles,
            language=op.language,
        ),
        file=ctx.out,
    )
    return 0


def cmd_disable(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.operator_admin import disable_operator

    op = run_service(ctx, lambda s: disable_operator(s, args.badge, by=_changed_by(s, args)))
    print(_("Operator {badge} ({name}) disabled", badge=op.badge, name=op.name), file=ctx.out)
    return 0


def cmd_enable(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.operator_admin import enable_operator

    op = run_service(ctx, lambda s: enable_operator(s, args.badge, by=_changed_by(s, args)))
    print(_("Operator {badge} ({name}) enabled", badge=op.badge, name=op.name), file=ctx.out)
    return 0


def cmd_set_pin(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.operator_admin import set_pin, show_operator

    badge = args.badge.strip().upper()
    run_service(ctx, lambda s: show_operator(s, badge))  # an unknown badge before the PIN
    pin = read_pin(args, badge)
    op = run_service(ctx, lambda s: set_pin(s, badge, pin, by=_changed_by(s, args)))
    print(
        _(
            "New PIN for {badge} ({name}); they choose their own at their next login",
            badge=op.badge,
            name=op.name,
        ),
        file=ctx.out,
    )
    return 0


def cmd_set_roles(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.operator_admin import set_roles

    op = run_service(ctx, lambda s: set_roles(s, args.badge, args.roles, by=_changed_by(s, args)))
    print(_("Roles of {badge}: {roles}", badge=op.badge, roles=op.roles), file=ctx.out)
    return 0


def cmd_set_language(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.operator_admin import set_language

    op = run_service(
        ctx, lambda s: set_language(s, args.badge, args.language, by=_changed_by(s, args))
    )
    print(
        _("Language of {badge}: {language}", badge=op.badge, language=op.language),
        file=ctx.out,
    )
    return 0


def cmd_import(args: argparse.Namespace, ctx: CommandContext) -> int:
    from pathlib import Path

    from floor.errors import FloorError
    from floor.i18n import normalise_language
    from floor.imports import ImportRejected
    from floor.imports.operators import run_operator_import
    from floor.imports.progress import Progress
    from floor.scanning import ScanLanguage

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(_("No such file: {file}", file=args.file))
    progress = Progress(ctx.err, enabled=args.progress or ctx.err.isatty())
    by = run_service(ctx, lambda s: _changed_by(s, args))
    try:
        outcome = run_operator_import(
            ctx.engine,
            path,
            by=by,
            language=normalise_language(ctx.settings.language),
            scan_language=ScanLanguage.from_settings(ctx.settings),
            fmt=args.format,
            progress=progress,
            file_name=args.file,
        )
    except ImportRejected as exc:
        progress.finish()
        for problem in exc.problems:
            print(problem, file=ctx.err)
        raise CommandError(str(exc)) from None
    except FloorError as exc:
        progress.finish()
        raise CommandError(str(exc)) from None
    print(
        ngettext(
            "{file}: {n} operator imported; they choose their own PIN at their first login",
            "{file}: {n} operators imported; they choose their own PIN at their first login",
            outcome,
            file=args.file,
        ),
        file=ctx.out,
    )
    return 0


# --- locked badges --------------------------------------------------------------------------


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
