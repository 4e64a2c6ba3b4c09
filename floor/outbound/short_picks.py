"""Short picks: fewer units at the pick location than the task asks (BIDP, BIDF).

Short picks (BIDP partial, BIDF full denial): the found units are picked, the rest of the
reservation is released, the remainder is re-allocated from another location (a new task
at the end of the cart's sequence) when there is stock, else the line is recorded short,
a count task is created for the location and, when it is a pick face, replenishment is
requested.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor import outbox
from floor.errors import InvalidInput
from floor.i18n import _
from floor.models import Item, Location, SalesOrder, SalesOrderLine, Task, TaskKind, TaskStatus
from floor.outbound.allocation import StockPool, allocate_line, load_candidates
from floor.outbound.picking import (
    PickOutcome,
    _close_task,
    _current_pick,
    _take,
    _tote_check,
    require_picker,
)
from floor.stock import ledger
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change, StockKey

BIDP = "BIDP"  # partial pick denial
BIDF = "BIDF"  # full pick denial


def short_pick(
    session: Session,
    operator_id: int,
    task_id: int,
    quantity_found: int,
    tote_code: str | None = None,
    *,
    actor: Actor | None = None,
    scan_id: str | None = None,
    today: dt.date | None = None,
) -> PickOutcome:
    """Fewer units at the location than the task asks (none: full denial).

    The found units go into the tote; the rest of the reservation here is released, then
    re-allocated elsewhere (a new task for this cart) or recorded short with a count task.
    """
    require_picker(session, operator_id)
    actor = actor or Actor(operator_id)

    def work() -> dict:
        # the picker's tasks, locked, and the current one's tote: one statement
        tasks, pick = _current_pick(session, operator_id, task_id, tote=True)
        task = tasks[0]
        remaining = task.quantity - task.quantity_done
        if not isinstance(quantity_found, int) or quantity_found < 0 or quantity_found >= remaining:
            raise InvalidInput(
                _("A short pick finds fewer than {remaining}", remaining=remaining),
                expected=_("0 to {n}", n=remaining - 1),
            )
        if quantity_found:
            _tote_check(task, tote_code or "", pick.tote)
        missing = remaining - quantity_found
        code = BIDP if quantity_found else BIDF
        source = StockKey(
            task.from_location_id, task.item_id, task.lot, task.expiry, task.container_id
        )
        day = today or dt.date.today()
        # Every balance this transaction may touch, locked first in the ledger's order: the
        # pick, the release and the reservation elsewhere post one after the other.
        pool = _candidates(session, task, day)
        keys = {source, *(c.key for cs in pool.by_item.values() for c in cs)}
        if quantity_found:
            assert task.to_location_id is not None
            keys.add(source.at(task.to_location_id, task.to_container_id))
        ledger.lock_keys(session, keys)
        if quantity_found:
            _take(session, task, quantity_found, actor, scan_id)
        ledger.post(
            session,
            "release",
            [Change(source, 0, -missing)],
            actor=actor,
            reason=code,
            reference=task.cluster,
        )
        task.exception_code = code
        task.quantity = task.quantity_done
        task.reason = _("short {missing}", missing=missing)
        new_tasks = _reallocate(session, task, missing, actor, day, keys)
        found_elsewhere = sum(t.quantity for t in new_tasks)
        shortage = missing - found_elsewhere
        line = (
            session.get(SalesOrderLine, task.order_line_id, with_for_update=True)
            if task.order_line_id is not None
            else None
        )
        if line is not None and shortage:
            line.quantity_allocated -= shortage
        count_id = _count_and_replenish(session, task, code)
        if line is not None:
            _tell_short(session, task, line, code, quantity_found, missing, shortage)
        cart_done = _close_task(
            session, task, TaskStatus.SHORT.value, others=[*tasks[1:], *new_tasks]
        )
        locations = [
            session.scalar(select(Location.code).where(Location.id == t.from_location_id)) or ""
            for t in new_tasks
        ]
        session.flush()
        return {
            "task_id": task.id,
            "picked": quantity_found,
            "task_done": True,
            "cart_done": cart_done and not new_tasks,
            "exception_code": code,
            "reallocated_to": locations,
            "shortage": shortage,
            "count_task_id": count_id,
        }

    result, _replayed = once(session, scan_id, "pick.short", work)
    result["reallocated_to"] = tuple(result["reallocated_to"])
    return PickOutcome(**result)


def _tell_short(
    session: Session,
    task: Task,
    line: SalesOrderLine,
    code: str,
    found: int,
    missing: int,
    shortage: int,
) -> None:
    """The `order.exception` event of a short pick, in its transaction (floor/outbox.py)."""
    order = session.get(SalesOrder, line.order_id)
    sku = session.scalar(select(Item.sku).where(Item.id == task.item_id)) or ""
    location = session.scalar(select(Location.code).where(Location.id == task.from_location_id))
    number = order.number if order is not None else ""
    outbox.emit(
        session,
        outbox.ORDER_EXCEPTION,
        number,
        {
            "order": number,
            "channel": order.channel if order is not None else "",
            "external_ref": order.external_ref if order is not None else "",
            "exception": "short_pick",
            "code": code,
            "line_no": line.line_no,
            "sku": sku,
            "location": location or "",
            "picked": found,
            "missing": missing,
            "reallocated": missing - shortage,
            "short": shortage,
        },
    )


def _candidates(session: Session, task: Task, today: dt.date) -> StockPool:
    """Where the item could be reserved instead (read without locks: the caller locks)."""
    item = session.get(Item, task.item_id)
    assert item is not None
    fefo = {item.id} if item.allocation == "fefo" else set()
    return load_candidates(
        session,
        task.warehouse_id,
        [item.id],
        fefo,
        today=today,
        lock=False,
        exclude_location_ids=[task.from_location_id] if task.from_location_id else [],
    )


def _reallocate(
    session: Session,
    task: Task,
    missing: int,
    actor: Actor,
    today: dt.date,
    locked: set[StockKey],
) -> list[Task]:
    """Reserve `missing` units elsewhere, among the balances this transaction locked (read
    again now that they are locked; one that appeared since is left for another time)."""
    item = session.get(Item, task.item_id)
    assert item is not None
    pool = _candidates(session, task, today)
    for candidates in pool.by_item.values():
        candidates[:] = [c for c in candidates if c.key in locked]
    picks = allocate_line(pool, item.id, missing, item.allocation == "fefo")
    if not picks:
        return []
    ledger.post(
        session,
        "reserve",
        [Change(p.candidate.key, 0, p.quantity) for p in picks],
        actor=actor,
        reason="reallocation",
        reference=task.cluster,
    )
    last = (
        session.scalar(
            select(func.max(Task.sequence)).where(
                Task.wave_id == task.wave_id, Task.cluster == task.cluster
            )
        )
        or 0
    )
    created = []
    for offset, pick in enumerate(picks, start=1):
        key = pick.candidate.key
        new = Task(
            warehouse_id=task.warehouse_id,
            kind=TaskKind.PICK.value,
            status=TaskStatus.ASSIGNED.value,
            assignee_id=task.assignee_id,
            item_id=key.item_id,
            lot=key.lot,
            expiry=key.expiry,
            from_location_id=key.location_id,
            to_location_id=task.to_location_id,
            container_id=key.container_id,
            to_container_id=task.to_container_id,
            order_line_id=task.order_line_id,
            wave_id=task.wave_id,
            cluster=task.cluster,
            sequence=last + offset,
            quantity=pick.quantity,
            data={**(task.data or {}), "replaces": task.id},
        )
        session.add(new)
        created.append(new)
    session.flush()
    return created


def _count_and_replenish(session: Session, task: Task, code: str) -> int | None:
    assert task.from_location_id is not None and task.item_id is not None
    reason = _("pick denial {code} in {cluster}", code=code, cluster=task.cluster)
    try:
        from floor.stock.count_scheduling import create_count_task_for_short_pick
    except ImportError:
        create_count_task_for_short_pick = None  # type: ignore[assignment]
    if create_count_task_for_short_pick is not None:
        created = create_count_task_for_short_pick(
            session, task.from_location_id, task.item_id, reason
        )
        count_id = getattr(created, "id", created)
    else:
        count = Task(
            warehouse_id=task.warehouse_id,
            kind=TaskKind.COUNT.value,
            status=TaskStatus.OPEN.value,
            item_id=task.item_id,
            from_location_id=task.from_location_id,
            reason=reason,
            exception_code=code,
            data={"source_task": task.id},
        )
        session.add(count)
        session.flush()
        count_id = count.id
    location = session.get(Location, task.from_location_id)
    if location is not None and location.pickable:
        try:
            from floor.stock.replenishment import request_replenishment
        except ImportError:
            request_replenishment = None  # type: ignore[assignment]
        if request_replenishment is not None:
            request_replenishment(session, task.from_location_id, task.item_id)
    return int(count_id) if count_id is not None else None


__all__ = ["BIDF", "BIDP", "short_pick"]
