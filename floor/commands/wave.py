"""`floor wave`: build, release, hold, cancel waves and show their status, from the shell."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from floor.commands import CommandContext, run_service


def register(sub: Any) -> None:
    p = sub.add_parser(
        "wave",
        help="build, release, hold and cancel pick waves; show their status",
        description="Waves of open orders: build one by rules, release it (allocate stock and "
        "make cluster pick tasks), hold or cancel it, and follow its progress.",
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="wave_command", metavar="ACTION", title="actions")

    build = actions.add_parser("build", help="a planned wave of the open orders matching rules")
    build.add_argument("--warehouse", help="warehouse code (default: the configured one)")
    build.add_argument("--carrier", help="only orders for this carrier")
    build.add_argument(
        "--cutoff-before",
        type=dt.datetime.fromisoformat,
        metavar="ISO",
        help="only orders whose carrier cut-off is at or before this time",
    )
    build.add_argument("--min-priority", type=int, metavar="N", help="only priority N or above")
    build.add_argument(
        "--ship-by-before",
        type=dt.date.fromisoformat,
        metavar="DATE",
        help="only orders to ship by this date",
    )
    build.add_argument("--zone", help="only orders whose items are all stocked in this zone")
    build.add_argument("--max-orders", type=int, metavar="N")
    build.add_argument("--max-lines", type=int, metavar="N")
    build.add_argument("--max-volume", type=float, metavar="LITRES", dest="max_volume_l")
    build.set_defaults(handler=cmd_build)

    release = actions.add_parser("release", help="allocate a wave and create its pick tasks")
    release.add_argument("code")
    release.add_argument("--cart-size", type=int, default=4, metavar="N", help="orders per cart")
    release.add_argument(
        "--policy",
        choices=["partial", "backorder", "hold"],
        default="partial",
        help="what to do with an order that cannot be filled (default partial)",
    )
    release.set_defaults(handler=cmd_release)

    for name, text in (("hold", "stop handing out a wave's carts"), ("cancel", "cancel a wave")):
        action = actions.add_parser(name, help=text)
        action.add_argument("code")
        action.set_defaults(handler=cmd_hold if name == "hold" else cmd_cancel)

    status = actions.add_parser("status", help="one wave's progress, or the latest waves")
    status.add_argument("code", nargs="?")
    status.set_defaults(handler=cmd_status)


def _warehouse_id(session: Any, code: str) -> int:
    from floor.stock.stock_report import find_warehouse

    return int(find_warehouse(session, code))


def cmd_build(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.waves import WaveRules, build_wave

    rules = WaveRules(
        carrier=args.carrier,
        cutoff_before=args.cutoff_before,
        min_priority=args.min_priority,
        ship_by_before=args.ship_by_before,
        zone=args.zone,
        max_orders=args.max_orders,
        max_lines=args.max_lines,
        max_volume_l=args.max_volume_l,
    )
    code = args.warehouse or ctx.settings.warehouse

    def work(session: Any) -> tuple[str, dict]:
        wave = build_wave(session, _warehouse_id(session, code), rules)
        return wave.code, dict(wave.rules)

    wave_code, summary = run_service(ctx, work)
    print(
        f"wave {wave_code}: {summary['orders']} orders, {summary['lines']} lines, "
        f"{summary['volume_l']} l (planned)",
        file=ctx.out,
    )
    return 0


def cmd_release(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.wave_release import release_wave

    report = run_service(
        ctx,
        lambda s: release_wave(s, args.code, shortage_policy=args.policy, cart_size=args.cart_size),
    )
    print(
        f"wave {report.wave}: {report.orders_allocated} orders, {report.lines_allocated} lines, "
        f"{report.units_allocated} units allocated; {report.tasks} pick tasks in "
        f"{report.clusters} carts",
        file=ctx.out,
    )
    for short in report.short:
        print(
            f"  short {short.order} line {short.line_no} {short.sku}: "
            f"{short.allocated} of {short.ordered} ({short.outcome})",
            file=ctx.out,
        )
    return 0


def cmd_hold(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.waves import hold_wave

    run_service(ctx, lambda s: hold_wave(s, args.code).code)
    print(f"wave {args.code}: held", file=ctx.out)
    return 0


def cmd_cancel(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.waves import cancel_wave

    run_service(ctx, lambda s: cancel_wave(s, args.code).code)
    print(f"wave {args.code}: cancelled, reservations released", file=ctx.out)
    return 0


def cmd_status(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.wave_progress import list_waves, wave_status

    views = run_service(
        ctx, lambda s: [wave_status(s, args.code)] if args.code else list_waves(s, limit=20)
    )
    print(
        f"{'wave':<16} {'status':<10} {'orders':>6} {'lines':>6} {'carts':>5} "
        f"{'tasks':>6} {'done':>6} {'short':>5} {'units':>11}",
        file=ctx.out,
    )
    for v in views:
        print(
            f"{v.code:<16} {v.status:<10} {v.orders:>6} {v.lines:>6} {v.clusters:>5} "
            f"{v.tasks_total:>6} {v.tasks_done:>6} {v.tasks_short:>5} "
            f"{v.units_picked:>5}/{v.units_to_pick:<5}",
            file=ctx.out,
        )
    if not views:
        print("no waves", file=ctx.out)
    return 0
