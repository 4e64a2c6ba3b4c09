"""Which counts to make: count tasks by location, by item, after a short pick, on the ABC schedule.

A count task is made per location and item, per lot for lot-tracked items, wherever there is
stock; an active count of the same scope is reused rather than doubled. Picking asks for one
after a short pick. The counting itself is floor.stock.counting.

ABC (`schedule_abc_counts`): items ranked by units moved out over the last 90 days; those
making the first 80% of volume are A (counted every 30 days), the next 15% B (91 days), the
rest C (365 days, also items that did not move).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor import audit
from floor.errors import NotFound
from floor.i18n import _
from floor.models import (
    Balance,
    Item,
    Location,
    Movement,
    Task,
    TaskKind,
    TaskStatus,
    utcnow,
)
from floor.operators import require_role
from floor.stock.counting import ACTIVE, APPROVER_ROLES, AWAITING_APPROVAL, _open_count
from floor.stock.ledger import SYSTEM, Actor

ABC_DAYS = {"A": 30, "B": 91, "C": 365}


def _new_count(
    session: Session, location_id: int, item_id: int, lot: str, reason: str, **data: object
) -> int:
    existing = _open_count(session, location_id, item_id, lot)
    if existing is not None:
        return existing.id
    location = session.get(Location, location_id)
    if location is None:
        raise NotFound(_("Unknown location {id}", id=location_id))
    task = Task(
        warehouse_id=location.warehouse_id,
        kind=TaskKind.COUNT.value,
        item_id=item_id,
        lot=lot,
        from_location_id=location_id,
        reason=reason,
        data=dict(data),
    )
    session.add(task)
    session.flush()
    return task.id


Scope = tuple[int, int, str, int]  # location, item, lot ('' unless lot tracked), warehouse


def _new_counts(session: Session, scopes: list[Scope], reason: str) -> list[int]:
    """A count task for each scope (location, item, lot, the location's warehouse), in the
    scopes' order; an active count of a scope is reused rather than doubled. The active
    counts at the scopes' locations are read together and the new tasks inserted together,
    not a scope at a time."""
    if not scopes:
        return []
    location_ids = sorted({location_id for location_id, _i, _l, _w in scopes})
    active: dict[tuple[int, int, str], int] = {}
    for start in range(0, len(location_ids), 500):
        for task_id, location_id, item_id, lot in session.execute(
            select(Task.id, Task.from_location_id, Task.item_id, Task.lot)
            .where(
                Task.kind == TaskKind.COUNT.value,
                Task.status.in_((*ACTIVE, AWAITING_APPROVAL)),
                Task.from_location_id.in_(location_ids[start : start + 500]),
            )
            .order_by(Task.id)
        ):
            active.setdefault((location_id, item_id, lot), task_id)
    tasks: list[Task | int] = []
    for location_id, item_id, lot, warehouse_id in scopes:
        existing = active.get((location_id, item_id, lot))
        tasks.append(
            existing
            if existing is not None
            else Task(
                warehouse_id=warehouse_id,
                kind=TaskKind.COUNT.value,
                item_id=item_id,
                lot=lot,
                from_location_id=location_id,
                reason=reason,
                data={},
            )
        )
    new = [task for task in tasks if isinstance(task, Task)]
    if new:
        session.add_all(new)
        session.flush()
    return [task.id if isinstance(task, Task) else task for task in tasks]


def _scopes(session: Session, where: Iterable) -> list[Scope]:  # type: ignore[type-arg]
    """(location, item, lot, the location's warehouse) to count: per lot for lot-tracked
    items, else per item."""
    scopes: set[Scope] = set()
    for location_id, item_id, lot, lot_tracked, warehouse_id in session.execute(
        select(Balance.location_id, Balance.item_id, Balance.lot)
        .add_columns(Item.lot_tracked, Location.warehouse_id)
        .join(Item, Item.id == Balance.item_id)
        .join(Location, Location.id == Balance.location_id)
        .where(Balance.quantity > 0, *where)
    ):
        scopes.add((location_id, item_id, lot if lot_tracked else "", warehouse_id))
    return sorted(scopes)


def create_count_tasks_by_location(
    session: Session, location_ids: Iterable[int], *, actor: Actor, reason: str = "location"
) -> list[int]:
    require_role(session, actor.operator_id, *APPROVER_ROLES)
    ids = list(location_ids)
    created = _new_counts(session, _scopes(session, [Balance.location_id.in_(ids)]), reason)
    _audit(session, actor, reason, created, location_ids=ids)
    return created


def create_count_tasks_by_item(
    session: Session,
    warehouse_id: int,
    item_ids: Iterable[int],
    *,
    actor: Actor,
    reason: str = "item",
) -> list[int]:
    require_role(session, actor.operator_id, *APPROVER_ROLES)
    ids = list(item_ids)
    in_warehouse = Balance.location_id.in_(
        select(Location.id).where(Location.warehouse_id == warehouse_id)
    )
    created = _new_counts(
        session, _scopes(session, [Balance.item_id.in_(ids), in_warehouse]), reason
    )
    _audit(session, actor, reason, created, item_ids=ids)
    return created


def _audit(session: Session, actor: Actor, subject: str, created: list[int], **what: Any) -> None:
    """Count tasks a supervisor asked for, in the audit log (the first 100 ids)."""
    audit.record(
        session,
        audit.COUNT_CREATE,
        subject,
        actor,
        tasks=len(created),
        task_ids=created[:100],
        **what,
    )


def create_count_task_for_short_pick(
    session: Session, location_id: int, item_id: int, reason: str
) -> int:
    """A count of the item at the location after a short pick (called by picking)."""
    return _new_count(session, location_id, item_id, "", reason or "short pick")


def abc_classes(
    session: Session, warehouse_id: int, *, since: dt.datetime | None = None
) -> dict[int, str]:
    """Item id -> A/B/C by units moved out of this warehouse's locations since `since`."""
    since = since or utcnow() - dt.timedelta(days=90)
    volume = dict(
        session.execute(
            select(Movement.item_id, func.sum(-Movement.quantity_delta))
            .join(Location, Location.id == Movement.location_id)
            .where(
                Location.warehouse_id == warehouse_id,
                Movement.quantity_delta < 0,
                Movement.created_at >= since,
            )
            .group_by(Movement.item_id)
        ).all()
    )
    total = sum(volume.values()) or 1
    classes: dict[int, str] = {}
    running = 0
    for item_id, units in sorted(volume.items(), key=lambda kv: (-kv[1], kv[0])):
        share_before = running / total
        running += units
        classes[item_id] = "A" if share_before < 0.80 else "B" if share_before < 0.95 else "C"
    for item_id in session.scalars(select(Item.id)):
        classes.setdefault(item_id, "C")
    return classes


def schedule_abc_counts(
    session: Session, warehouse_id: int, *, actor: Actor = SYSTEM, now: dt.datetime | None = None
) -> list[int]:
    """Count tasks for every item whose last count is older than its class allows."""
    require_role(session, actor.operator_id, *APPROVER_ROLES)
    now = now or utcnow()
    classes = abc_classes(session, warehouse_id, since=now - dt.timedelta(days=90))
    last = dict(
        session.execute(
            select(Task.item_id, func.max(Task.updated_at))
            .where(
                Task.kind == TaskKind.COUNT.value,
                Task.status == TaskStatus.DONE.value,
                Task.warehouse_id == warehouse_id,
            )
            .group_by(Task.item_id)
        ).all()
    )
    due = []
    for item_id, klass in sorted(classes.items()):
        counted = last.get(item_id)
        if counted is not None and counted.tzinfo is None:
            counted = counted.replace(tzinfo=dt.UTC)
        if counted is None or now - counted >= dt.timedelta(days=ABC_DAYS[klass]):
            due.append(item_id)
    return create_count_tasks_by_item(session, warehouse_id, due, actor=actor, reason="abc")
