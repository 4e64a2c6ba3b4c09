"""`floor simulate`: N virtual stations scanning through the real services for a while.

    floor simulate --stations 50 --scan-every 3s --minutes 5 [--json]

Needs the demo warehouse (`floor demo`). Prints scans applied, errors by kind, service
latency p50/p95/p99 (also per station kind and for the slowest steps), transactions per
second and the ledger invariants checked at the end;
a progress bar shows on a terminal while it runs. The simulated operators and stations
(SIM-PICK001, ...) stay in the database and are reused by the next run.
"""

from __future__ import annotations

import argparse
import json
import re

from floor.commands import CommandContext, CommandError
from floor.i18n import _

BAR = 30


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "simulate",
        help="drive N virtual stations through the real services and measure them",
        description="Runs virtual receivers, pickers, packers, shippers, counters and "
        "supervisors against the configured database (with the demo's data), each scanning "
        "every --scan-every, for --minutes, so orders go from wave to truck; then prints "
        "scans, errors by kind, service latency percentiles (overall, per station kind, the "
        "slowest steps), transactions per second and the ledger invariants.",
    )
    parser.add_argument("--stations", type=int, default=10, help="virtual stations (default 10)")
    parser.add_argument(
        "--scan-every", default="3s", metavar="TIME", help="per station: 3s, 500ms (default 3s)"
    )
    parser.add_argument("--minutes", type=float, default=1.0, help="how long (default 1)")
    parser.add_argument(
        "--mix",
        metavar="KIND=N,...",
        help="station kinds and their shares, e.g. picker=6,receiver=2,packer=2,shipper=1 "
        "(kinds: picker, receiver, packer, shipper, counter, supervisor; default weights "
        "50, 25, 20, 8, 15, 10)",
    )
    parser.add_argument(
        "--processes", type=int, default=1, help="spread the stations over N processes"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run)


def parse_duration(text: str) -> float:
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", text)
    if not found:
        raise CommandError(
            _("--scan-every: expected a time like 3s or 500ms, not {value!r}", value=text)
        )
    value = float(found.group(1))
    unit = found.group(2) or "s"
    seconds = value / 1000 if unit == "ms" else value * 60 if unit == "m" else value
    if seconds <= 0:
        raise CommandError(_("--scan-every: expected a time above zero"))
    return seconds


def parse_mix(text: str | None) -> dict[str, int] | None:
    if not text:
        return None
    mix: dict[str, int] = {}
    for part in text.split(","):
        name, _sep, weight = part.partition("=")
        if not weight.strip().isdigit():
            raise CommandError(
                _(
                    "--mix: expected kind=number pairs like picker=6,receiver=2, not {value!r}",
                    value=part,
                )
            )
        mix[name.strip()] = int(weight)
    return mix


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.simulation.runner import simulate
    from floor.simulation.stations import KINDS

    if args.stations < 1:
        raise CommandError(_("--stations: expected at least 1"))
    if args.minutes <= 0:
        raise CommandError(_("--minutes: expected a time above zero"))
    every = parse_duration(args.scan_every)
    mix = parse_mix(args.mix)
    if mix:
        unknown = sorted(set(mix) - set(KINDS))
        if unknown:
            raise CommandError(
                _(
                    "--mix: unknown station kind {kinds}; expected {known}",
                    kinds=", ".join(unknown),
                    known=", ".join(sorted(KINDS)),
                )
            )
    ctx.engine  # noqa: B018 -- opens and upgrades the database first
    tty = not args.json and ctx.err.isatty() if hasattr(ctx.err, "isatty") else False

    def progress(share: float, scans: int) -> None:
        if tty:
            filled = int(share * BAR)
            print(
                "\r["
                + "#" * filled
                + "." * (BAR - filled)
                + "] "
                + _("{percent}% {scans} scans", percent=int(share * 100), scans=scans),
                end="",
                file=ctx.err,
            )
            ctx.err.flush()

    try:
        report = simulate(
            ctx.settings.resolved_database_url,
            ctx.settings.warehouse,
            stations=args.stations,
            every=every,
            seconds=args.minutes * 60,
            mix=mix,
            processes=args.processes,
            seed=args.seed,
            progress=progress,
        )
    except LookupError:
        raise CommandError(
            _(
                "warehouse {warehouse} is not in the database; run `floor demo` first",
                warehouse=ctx.settings.warehouse,
            )
        ) from None
    if tty:
        print(file=ctx.err)
    if args.json:
        json.dump(report.to_json(), ctx.out, indent=2, ensure_ascii=False)
        print(file=ctx.out)
    else:
        _print_report(report, ctx)
    return 1 if report.invariant_violations else 0


def _print_report(report, ctx: CommandContext) -> None:  # type: ignore[no-untyped-def]
    out = ctx.out
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(report.stations.items()))
    print(
        _("Stations: {kinds} ({processes} process(es))", kinds=kinds, processes=report.processes),
        file=out,
    )
    print(
        _(
            "Ran {seconds} s: {scans} scans applied, {tps} per second, {idle} turns without work",
            seconds=report.seconds,
            scans=report.scans,
            tps=report.transactions_per_second,
            idle=report.idle,
        ),
        file=out,
    )
    latency = report.latency_ms
    print(_("Service latency: p50 {p50} ms, p95 {p95} ms, p99 {p99} ms", **latency), file=out)
    from floor.simulation.runner import WARM_UP_SECONDS

    steady = report.steady_latency_ms
    if steady.get("n"):
        print(
            _(
                "After the first {warm_up} s: p50 {p50} ms, p95 {p95} ms, p99 {p99} ms",
                warm_up=f"{WARM_UP_SECONDS:.0f}",
                p50=steady["p50"],
                p95=steady["p95"],
                p99=steady["p99"],
            ),
            file=out,
        )
    if report.errors:
        print(_("Errors by kind:"), file=out)
        for kind, n in sorted(report.errors.items(), key=lambda kv: -kv[1]):
            print(f"  {kind}: {n}  ({report.error_samples.get(kind, '')})", file=out)
    else:
        print(_("Errors: none"), file=out)
    steps = ", ".join(f"{step} {n}" for step, n in sorted(report.steps.items()))
    print(_("Steps: {steps}", steps=steps), file=out)
    by_kind = ", ".join(f"{k} {v['p95']} ms" for k, v in sorted(report.latency_by_kind_ms.items()))
    print(_("Latency by station kind (p95): {kinds}", kinds=by_kind), file=out)
    slowest = sorted(report.latency_by_step_ms.items(), key=lambda kv: -kv[1]["p95"])[:5]
    print(
        _(
            "Slowest steps (p95): {steps}",
            steps=", ".join(f"{step} {v['p95']} ms" for step, v in slowest),
        ),
        file=out,
    )
    if report.invariant_violations:
        print(_("Ledger invariants: {n} VIOLATED", n=len(report.invariant_violations)), file=out)
        for line in report.invariant_violations:
            print(f"  {line}", file=out)
    else:
        print(_("Ledger invariants: hold (balances equal the sum of their movements)"), file=out)
