"""What a supervisor does from the board: release, hold or cancel a wave; give a task (a cart)
to another picker; approve or reject a count variance; reprint a label whose print failed.

Each action checks the supervisor role first, in the same transaction, then calls the
service that owns the work (floor/outbound/wave_release.py, waves.py,
floor/stock/task_assignment.py, floor/stock/counting.py); an operator without the role is
refused whatever screen or command asked. Each returns the sentence the board shows.

Reprint: the failed job is queued again with a fresh set of attempts at the station it
belongs to, whose print service (polling the shared print_jobs table) prints it on that
station's printer, where the label is needed; a job that is not failed is refused.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor import audit
from floor.errors import Conflict, NotFound
from floor.i18n import _, ngettext
from floor.models import PrintJob, Role
from floor.operators import require_role
from floor.stock.ledger import Actor

SUPERVISOR = Role.SUPERVISOR.value


def _supervisor(session: Session, actor: Actor) -> None:
    require_role(session, actor.operator_id, SUPERVISOR)


def release_wave(session: Session, code: str, actor: Actor, *, cart_size: int = 4) -> str:
    from floor.outbound.wave_release import release_wave as release

    _supervisor(session, actor)
    report = release(session, code, actor, cart_size=cart_size)
    counts = (
        ngettext("{n} pick", "{n} picks", report.tasks),
        ngettext("{n} cart", "{n} carts", report.clusters),
        ngettext("{n} line short", "{n} lines short", len(report.short)),
    )
    # i18n: {counts} is a list like "2 picks, 1 cart, 1 line short"
    return _("Wave {wave} released: {counts}", wave=report.wave, counts=", ".join(counts))


def hold_wave(session: Session, code: str, actor: Actor) -> str:
    from floor.outbound.waves import hold_wave as hold

    _supervisor(session, actor)
    return _("Wave {wave} held", wave=hold(session, code, actor).code)


def cancel_wave(session: Session, code: str, actor: Actor) -> str:
    from floor.outbound.waves import cancel_wave as cancel

    _supervisor(session, actor)
    return _("Wave {wave} cancelled", wave=cancel(session, code, actor).code)


def reassign_task(session: Session, task_id: int, badge: str, actor: Actor) -> str:
    from floor.stock.task_assignment import reassign_task as reassign

    _supervisor(session, actor)
    done = reassign(session, task_id, badge, actor)
    audit.record(session, audit.TASK_REASSIGN, f"task {task_id}", actor, to=badge)
    return done.message()


def decide_variance(session: Session, task_id: int, approve: bool, actor: Actor) -> str:
    from floor.stock.counting import approve_count

    _supervisor(session, actor)
    outcome = approve_count(session, task_id, actor=actor, approve=approve)
    if approve:
        return _("Count {id} approved: stock corrected", id=outcome.task_id)
    return _("Count {id} rejected: a new count will follow", id=outcome.task_id)


def reprint_label(session: Session, job_key: str, actor: Actor) -> str:
    _supervisor(session, actor)
    job = session.scalars(
        select(PrintJob).where(PrintJob.job_key == job_key).with_for_update()
    ).one_or_none()
    if job is None:
        raise NotFound(_("No print job {job}", job=job_key), expected=_("a failed print job"))
    if job.status != "failed":  # floor.printing.JobStatus.FAILED
        raise Conflict(
            _("Print job {job} has not failed; reprint it from Print jobs", job=job_key),
            expected=_("a failed print job"),
        )
    job.status = "waiting"  # floor.printing.JobStatus.WAITING: its station prints it again
    job.attempts = 0
    job.updated_at = dt.datetime.now(dt.UTC)
    audit.record(
        session, audit.LABEL_REPRINT, job_key, actor, template=job.template, station=job.station
    )
    session.flush()
    return _(
        "Label {template} {reference} sent again to station {station}",
        template=job.template,
        reference=job.reference,
        station=job.station,
    )
