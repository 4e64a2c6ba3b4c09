"""Wave progress: how far each wave is, for the supervisor's screen and the CLI.

Orders, lines, picks done, short, open and in progress, carts and units, for one wave or the
latest ones, read with a few grouped queries however many waves are listed. A released wave
is marked done here once none of its pick tasks is still live (called after each pick).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from floor.models import SalesOrder, SalesOrderLine, Task, TaskKind, TaskStatus, Wave, WaveStatus
from floor.outbound.waves import LIVE_TASK_STATUSES, _wave


@dataclass(frozen=True)
class WaveStatusView:
    code: str
    status: str
    orders: int
    lines: int
    tasks_total: int
    tasks_done: int
    tasks_short: int
    tasks_open: int
    tasks_in_progress: int
    clusters: int
    units_to_pick: int
    units_picked: int
    lines_picked: int = 0  # lines with pick tasks of which none is still live


def wave_status(session: Session, wave: int | str) -> WaveStatusView:
    found = _wave(session, wave, lock=False)
    return _status_views(session, [(found.id, found.code, found.status)])[0]


def list_waves(
    session: Session, warehouse_id: int | None = None, limit: int = 50
) -> list[WaveStatusView]:
    """The latest waves, newest first, with their progress (a few grouped reads in all)."""
    query = (
        select(Wave.id, Wave.code, Wave.status)
        .order_by(Wave.created_at.desc(), Wave.id.desc())
        .limit(limit)
    )
    if warehouse_id is not None:
        query = query.where(Wave.warehouse_id == warehouse_id)
    return _status_views(session, [tuple(row) for row in session.execute(query)])


def _status_views(session: Session, waves: list[tuple[int, str, str]]) -> list[WaveStatusView]:
    """Progress of the waves (id, code, status), in the order given."""
    ids = [w[0] for w in waves]
    if not ids:
        return []
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    to_pick: dict[int, int] = defaultdict(int)
    picked: dict[int, int] = defaultdict(int)
    for wave_id, status, n, qty, done in session.execute(
        select(
            Task.wave_id,
            Task.status,
            func.count(),
            func.sum(Task.quantity),
            func.sum(Task.quantity_done),
        )
        .where(Task.wave_id.in_(ids), Task.kind == TaskKind.PICK.value)
        .group_by(Task.wave_id, Task.status)
    ):
        counts[wave_id][status] = n
        if status != TaskStatus.CANCELLED.value:
            to_pick[wave_id] += int(qty or 0)
            picked[wave_id] += int(done or 0)
    clusters = dict(
        session.execute(
            select(Task.wave_id, func.count(func.distinct(Task.cluster)))
            .where(Task.wave_id.in_(ids), Task.kind == TaskKind.PICK.value)
            .group_by(Task.wave_id)
        ).all()
    )
    orders = dict(
        session.execute(
            select(SalesOrder.wave_id, func.count())
            .where(SalesOrder.wave_id.in_(ids))
            .group_by(SalesOrder.wave_id)
        ).all()
    )
    lines = dict(
        session.execute(
            select(SalesOrder.wave_id, func.count())
            .select_from(SalesOrderLine)
            .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
            .where(SalesOrder.wave_id.in_(ids))
            .group_by(SalesOrder.wave_id)
        ).all()
    )
    # A line is picked when it has pick tasks (not cancelled) and none of them is live.
    live = func.sum(case((Task.status.in_(LIVE_TASK_STATUSES), 1), else_=0))
    per_line = (
        select(Task.wave_id.label("wave_id"), live.label("live"))
        .where(
            Task.wave_id.in_(ids),
            Task.kind == TaskKind.PICK.value,
            Task.status != TaskStatus.CANCELLED.value,
            Task.order_line_id.is_not(None),
        )
        .group_by(Task.wave_id, Task.order_line_id)
        .subquery()
    )
    lines_picked = dict(
        session.execute(
            select(per_line.c.wave_id, func.count())
            .where(per_line.c.live == 0)
            .group_by(per_line.c.wave_id)
        ).all()
    )
    views = []
    for wave_id, code, status in waves:
        c = counts[wave_id]
        views.append(
            WaveStatusView(
                code=code,
                status=status,
                orders=int(orders.get(wave_id) or 0),
                lines=int(lines.get(wave_id) or 0),
                tasks_total=sum(c.values()),
                tasks_done=c[TaskStatus.DONE.value],
                tasks_short=c[TaskStatus.SHORT.value],
                tasks_open=c[TaskStatus.OPEN.value],
                tasks_in_progress=c[TaskStatus.ASSIGNED.value] + c[TaskStatus.IN_PROGRESS.value],
                clusters=int(clusters.get(wave_id) or 0),
                units_to_pick=to_pick[wave_id],
                units_picked=picked[wave_id],
                lines_picked=int(lines_picked.get(wave_id) or 0),
            )
        )
    return views


def complete_wave_if_done(session: Session, wave_id: int) -> bool:
    """Mark a released wave done once none of its pick tasks is still live."""
    live = session.scalar(
        select(func.count())
        .select_from(Task)
        .where(
            Task.wave_id == wave_id,
            Task.kind == TaskKind.PICK.value,
            Task.status.in_(LIVE_TASK_STATUSES),
        )
    )
    if live:
        return False
    session.execute(
        update(Wave)
        .where(Wave.id == wave_id, Wave.status == WaveStatus.RELEASED.value)
        .values(status=WaveStatus.DONE.value)
        .execution_options(synchronize_session=False)
    )
    return True
