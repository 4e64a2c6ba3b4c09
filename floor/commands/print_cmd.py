"""`floor print`: test the station's printer, list print jobs, retry and reprint."""

from __future__ import annotations

import argparse
import time
from typing import Any

from floor.commands import CommandContext, CommandError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "print",
        help="printer of this station: test label, print jobs, retry, reprint",
        description="The printer configured for this station ([printer] / [printers.STATION] in "
        "floor.toml) and the print jobs recorded in the data folder.",
    )
    p.set_defaults(handler=lambda args, ctx: (p.print_help(ctx.out), 0)[1])
    psub = p.add_subparsers(dest="print_command", metavar="ACTION", title="actions")

    t = psub.add_parser(
        "test",
        help="print a test label and report the outcome",
        description="Print a small test label on this station's printer and wait for the outcome.",
    )
    t.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for the printer (default: 30)",
    )
    t.set_defaults(handler=test_handler)

    j = psub.add_parser(
        "jobs", help="list recorded print jobs", description="List print jobs, oldest first."
    )
    j.add_argument(
        "--status",
        choices=("waiting", "printing", "printed", "failed"),
        action="append",
        help="only jobs with this status (repeat)",
    )
    j.add_argument(
        "--all-stations", action="store_true", help="jobs of every station, not only this one"
    )
    j.set_defaults(handler=jobs_handler)

    r = psub.add_parser(
        "retry",
        help="send a failed job again",
        description="Queue a failed job again and wait for the outcome.",
    )
    r.add_argument("job_id", metavar="ID", help="job id as shown by `floor print jobs`")
    r.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for the printer (default: 30)",
    )
    r.set_defaults(handler=retry_handler)

    rp = psub.add_parser(
        "reprint",
        help="reprint the last label of an order or carton",
        description="Print again the last job recorded for an order, SSCC or tracking number.",
    )
    rp.add_argument(
        "reference", metavar="REFERENCE", help="order reference, carton SSCC or tracking number"
    )
    rp.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for the printer (default: 30)",
    )
    rp.set_defaults(handler=reprint_handler)


def _service(ctx: CommandContext, **kwargs: Any) -> Any:
    from floor.config import ConfigError
    from floor.printing import open_print_service

    try:
        return open_print_service(ctx.settings, resume=False, engine=ctx.engine, **kwargs)
    except ConfigError as exc:
        raise CommandError(f"printer settings: {exc}") from None


def _wait_for(service: Any, job_id: str, wait: float, ctx: CommandContext) -> int:
    from floor.printing import JobStatus

    deadline = time.monotonic() + wait
    while True:
        job = service.store.get(job_id)
        if job.status is JobStatus.PRINTED:
            ctx.out.write(f"printed job {job_id} on {service.transport.describe()}\n")
            return 0
        if job.status is JobStatus.FAILED:
            raise CommandError(f"job {job_id} failed after {job.attempts} attempt(s): {job.error}")
        if time.monotonic() > deadline:
            raise CommandError(
                f"job {job_id} still {job.status.value} after {wait:g} s: "
                f"{job.error or 'no answer'}"
            )
        time.sleep(0.05)


def test_handler(args: argparse.Namespace, ctx: CommandContext) -> int:
    from datetime import datetime

    from floor.i18n import _
    from labels.model import LpnLabel

    service = _service(ctx, backoff_max_seconds=2.0)
    try:
        station = ctx.settings.station
        label = LpnLabel(
            lpn=f"TEST-{station}",
            kind=_("Test label"),
            warehouse=ctx.settings.warehouse,
            location=station,
            contents=(
                service.transport.describe(),
                datetime.now().isoformat(timespec="seconds"),
                "Ééèçà · Ђђ Љљ Њњ Жж",
            ),
        )
        job_id = service.print_label(label, references=(f"TEST-{station}",))
        ctx.out.write(f"job {job_id} sent to {service.transport.describe()}\n")
        return _wait_for(service, job_id, args.wait, ctx)
    finally:
        service.close()


def jobs_handler(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.printing import JobStatus
    from floor.printing.db_store import DatabasePrintJobStore

    store = DatabasePrintJobStore(ctx.engine)
    statuses = [JobStatus(s) for s in args.status] if args.status else None
    jobs = store.list(statuses, station=None if args.all_stations else ctx.settings.station)
    if not jobs:
        ctx.out.write("no print jobs\n")
        return 0
    for job in jobs:
        error = f"  {job.error}" if job.error else ""
        ctx.out.write(
            f"{job.created_at}  {job.station:<6} {job.summary()}  attempts={job.attempts}{error}\n"
        )
    return 0


def retry_handler(args: argparse.Namespace, ctx: CommandContext) -> int:
    service = _service(ctx)
    try:
        try:
            service.retry(args.job_id)
        except KeyError:
            raise CommandError(
                f"no print job {args.job_id!r}: expected an id from `floor print jobs`"
            ) from None
        return _wait_for(service, args.job_id, args.wait, ctx)
    finally:
        service.close()


def reprint_handler(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.printing.service import ReprintError

    service = _service(ctx)
    try:
        try:
            job_id = service.reprint(args.reference)
        except ReprintError as exc:
            raise CommandError(str(exc)) from None
        return _wait_for(service, job_id, args.wait, ctx)
    finally:
        service.close()
