"""Cycle counting: a counter's blind count of a task, recounts, variance approval, extra product.

A task counts one item at one location (one lot when `task.lot` is set); the count is blind:
nothing returned to a screen carries the expected quantity. When the variance passes the
recount threshold a second count task is made: anyone but the first counter gets it before
any other open count (`next_count_task`); when the second count (or a first within
the threshold) still differs, a variance worth more than `approval_limit` waits for a
supervisor (`approve_count`), else it adjusts at once: one rule for first counts and
recounts (`_decide`). Adjustments go through the ledger with reason "count". Items carry no
price, so a variance's value is its units.

Extra product found (ADPR, `record_extra_item`): an item the count did not expect, scanned at
the counted location, gets a count task of its own (exception code ADPR) for the same
counter. Its count never adjusts at once: any difference waits for a supervisor, whose
approval posts the adjustment (a new balance when nothing of it was on record there); a
rejected one is recounted as an extra item found too, and waits for approval again.

Listing for the CLI: `count_tasks` (active and awaiting approval, oldest first). Which counts
to make (by location, by item, after a short pick, on the ABC schedule) is
floor.stock.count_scheduling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from floor import audit
from floor.errors import Conflict, InvalidInput, NotFound, WrongScan
from floor.i18n import N_, _, by_status, ngettext
from floor.models import (
    Balance,
    Item,
    Location,
    Role,
    Task,
    TaskKind,
    TaskStatus,
    task_status_label,
)
from floor.operators import require_role
from floor.stock import ledger as inv
from floor.stock import ledger_locks
from floor.stock.catalog import item_for_barcode
from floor.stock.idempotency import once
from floor.stock.ledger import SYSTEM, Actor, StockKey

COUNT_ROLES = (Role.COUNTER.value, Role.SUPERVISOR.value)
APPROVER_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value)
AWAITING_APPROVAL = "awaiting_approval"
EXTRA_PRODUCT = "ADPR"
ACTIVE = (TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class CountPolicy:
    recount_pct: float = 5.0  # recount when |variance| is above this share of expected
    approval_limit: float = 20.0  # variance value (units) above which a supervisor approves


DEFAULT_POLICY = CountPolicy()


@dataclass(frozen=True)
class CountTaskView:
    """What the counter sees: where and what to count, never how many are expected."""

    task_id: int
    location: str
    sku: str
    description: str
    lot: str
    recount: bool


@dataclass(frozen=True)
class CountOutcome:
    task_id: int
    outcome: str  # matched | adjusted | recount | awaiting_approval
    next_task_id: int | None = None


def _open_count(session: Session, location_id: int, item_id: int, lot: str) -> Task | None:
    return session.scalars(
        select(Task).where(
            Task.kind == TaskKind.COUNT.value,
            Task.status.in_((*ACTIVE, AWAITING_APPROVAL)),
            Task.from_location_id == location_id,
            Task.item_id == item_id,
            Task.lot == lot,
        )
    ).first()


# --- counting -------------------------------------------------------------------------------


def _view(session: Session, task: Task) -> CountTaskView:
    location = session.get(Location, task.from_location_id)
    item = session.get(Item, task.item_id)
    return _view_of(
        task,
        location.code if location else None,
        item.sku if item else None,
        item.description if item else None,
    )


def _view_of(
    task: Task, location: str | None, sku: str | None, description: str | None
) -> CountTaskView:
    """The counter's view of `task`, its location's code and its item's texts at hand."""
    return CountTaskView(
        task_id=task.id,
        location=location or "",
        sku=sku or "",
        description=description or "",
        lot=task.lot,
        recount=bool((task.data or {}).get("recount_of")),
    )


def _with_view(stmt):  # type: ignore[no-untyped-def]
    """`stmt` (a select of count tasks) with the location's code and the item's texts of
    each, for the view, in the same read."""
    return (
        stmt.add_columns(Location.code, Item.sku, Item.description)
        .outerjoin(Location, Location.id == Task.from_location_id)
        .outerjoin(Item, Item.id == Task.item_id)
    )


def next_count_task(
    session: Session, warehouse_id: int, *, actor: Actor, scan_id: str | None = None
) -> CountTaskView | None:
    """This operator's count in progress, else the next open one (now assigned to them):
    recounts first, oldest first, then the other counts, oldest first. A recount never goes
    to who counted first, so it does not wait behind hundreds of scheduled counts for
    someone else."""
    require_role(session, actor.operator_id, *COUNT_ROLES)

    def work() -> dict:
        base = _with_view(
            select(Task).where(Task.kind == TaskKind.COUNT.value, Task.warehouse_id == warehouse_id)
        )
        row = session.execute(
            base.where(
                Task.assignee_id == actor.operator_id, Task.status == TaskStatus.IN_PROGRESS.value
            ).order_by(Task.id)
        ).first()
        if row is None:
            recount_of = Task.data["recount_of"].as_integer()
            first_counter = Task.data["first_counter"].as_integer()
            row = session.execute(
                base.where(
                    Task.status == TaskStatus.OPEN.value,
                    or_(first_counter.is_(None), first_counter != actor.operator_id),
                )
                .order_by(case((recount_of.is_not(None), 0), else_=1), Task.id)
                .limit(1)
                .with_for_update(skip_locked=True, of=Task)
            ).first()
        if row is None:
            return {}
        task = row[0]
        task.status = TaskStatus.IN_PROGRESS.value
        task.assignee_id = actor.operator_id
        session.flush()
        taken.append(_view_of(task, row[1], row[2], row[3]))
        return {"task_id": task.id}

    # the view of the task taken, made from the same read (not on a replay: nothing was
    # taken then)
    taken: list[CountTaskView] = []
    result, _replayed = once(session, scan_id, "counting.next", work)
    if not result:
        return None
    if taken:
        return taken[0]
    return _view(session, session.get(Task, result["task_id"]))  # type: ignore[arg-type]


def check_count_scan(
    session: Session, task_id: int, *, location_code: str | None = None, barcode: str | None = None
) -> None:
    """Refuse a scan of the wrong location or item for this count (changes nothing)."""
    task = _task(session, task_id)
    view = _view(session, task)
    if location_code is not None and location_code != view.location:
        raise WrongScan(
            _(
                "Wrong location {scanned}: expected {location}",
                scanned=location_code,
                location=view.location,
            ),
            expected=view.location,
        )
    if barcode is not None:
        item, _units = item_for_barcode(session, barcode)
        if item.id != task.item_id:
            raise WrongScan(
                _("Wrong item {scanned}: expected {sku}", scanned=item.sku, sku=view.sku),
                expected=view.sku,
            )


def _task(session: Session, task_id: int) -> Task:
    task = session.scalars(select(Task).where(Task.id == task_id).with_for_update()).one_or_none()
    if task is None or task.kind != TaskKind.COUNT.value:
        raise NotFound(_("Unknown count task {id}", id=task_id))
    return task


def _scope_balances(session: Session, task: Task) -> list[Balance]:
    """The balances the count covers, locked in the ledger's order and read fresh, in one
    statement (SELECT ... FOR UPDATE ordered by `lock_order`); their keys are recorded as
    held, so the adjustments after it may post largest balance first."""
    stmt = select(Balance).where(
        Balance.location_id == task.from_location_id, Balance.item_id == task.item_id
    )
    if task.lot:
        stmt = stmt.where(Balance.lot == task.lot)
    balances = list(
        session.scalars(
            stmt.order_by(*ledger_locks.lock_order(session))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    ledger_locks.note(session, [inv.key_of(b) for b in balances])
    return balances


def submit_count(
    session: Session,
    task_id: int,
    counted: int,
    *,
    actor: Actor,
    scan_id: str | None = None,
    policy: CountPolicy = DEFAULT_POLICY,
) -> CountOutcome:
    """Record a blind count. The outcome says what happens next, never the expected count."""
    require_role(session, actor.operator_id, *COUNT_ROLES)
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise InvalidInput(
            _("Count: expected a whole number, zero or more, got {value}", value=counted)
        )

    def work() -> dict:
        task = _task(session, task_id)
        if task.status not in ACTIVE:
            raise Conflict(
                _closed_count(task),
                expected=_("an open count task"),
            )
        balances = _scope_balances(session, task)
        expected = sum(b.quantity for b in balances)
        variance = counted - expected
        data = dict(task.data or {})
        data.update(
            counted=counted, expected=expected, variance=variance, counter=actor.operator_id
        )
        outcome, next_id = _decide(task, variance, expected, policy), None
        if outcome == "recount":
            next_id = _recount(session, task, actor.operator_id)
            data["recount_task_id"] = next_id
        elif outcome == "adjusted":
            _adjust(session, task, variance, actor, scan_id, balances)
        # the task changed after the recount's insert and the adjustment: one UPDATE of it
        task.assignee_id = actor.operator_id
        task.quantity = expected
        task.quantity_done = counted
        data["outcome"] = outcome
        task.data = data
        if task.exception_code != EXTRA_PRODUCT:
            task.exception_code = "DIFF" if variance else ""
        task.status = AWAITING_APPROVAL if outcome == AWAITING_APPROVAL else TaskStatus.DONE.value
        session.flush()
        return {"task_id": task.id, "outcome": outcome, "next_task_id": next_id}

    result, _replayed = once(session, scan_id, "counting.submit", work)
    return CountOutcome(**result)


def _decide(task: Task, variance: int, expected: int, policy: CountPolicy) -> str:
    """What a count's variance leads to; the same rule for a first count and a recount,
    except that only a first count is recounted:
    - none: matched;
    - an extra item found (ADPR, or a recount of one): any difference waits for approval;
    - a first count off by more than `recount_pct` of expected: recount by someone else;
    - more than `approval_limit` units: waits for approval;
    - else adjusted at once."""
    if variance == 0:
        return "matched"
    if task.exception_code == EXTRA_PRODUCT:
        return AWAITING_APPROVAL
    if not (task.data or {}).get("recount_of") and abs(variance) > (
        expected * policy.recount_pct / 100
    ):
        return "recount"
    if abs(variance) > policy.approval_limit:
        return AWAITING_APPROVAL
    return "adjusted"


def _recount(session: Session, task: Task, first_counter: int | None) -> int:
    """A new count of the same place, item, lot and expiry, for anyone but `first_counter`;
    a recount of an extra item found stays one (ADPR: it never adjusts without approval)."""
    recount = Task(
        warehouse_id=task.warehouse_id,
        kind=TaskKind.COUNT.value,
        item_id=task.item_id,
        lot=task.lot,
        expiry=task.expiry,
        from_location_id=task.from_location_id,
        reason=task.reason,
        exception_code=EXTRA_PRODUCT if task.exception_code == EXTRA_PRODUCT else "",
        data={"recount_of": task.id, "first_counter": first_counter},
    )
    session.add(recount)
    session.flush()
    return recount.id


def _adjust(
    session: Session,
    task: Task,
    variance: int,
    actor: Actor,
    scan_id: str | None,
    balances: list[Balance] | None = None,
) -> None:
    """Adjust the task's scope by `variance`: a gain goes to the largest balance (or a new
    one without lot), a loss comes out of the largest balances first. `balances`: the
    scope's balances, already locked and read in this transaction (else read here)."""
    if balances is None:
        balances = _scope_balances(session, task)
    balances = sorted(balances, key=lambda b: (-b.quantity, b.id))
    reference = f"count {task.id}"
    if variance > 0:
        key = (
            inv.key_of(balances[0])
            if balances
            else StockKey(task.from_location_id, task.item_id, task.lot, task.expiry)  # type: ignore[arg-type]
        )
        inv.adjust(
            session,
            key,
            variance,
            reason="count",
            actor=actor,
            reference=reference,
            scan_id=scan_id,
        )
        return
    left = -variance
    for balance in balances:
        take = min(left, balance.quantity - balance.reserved)
        if take > 0:
            inv.adjust(
                session,
                inv.key_of(balance),
                -take,
                reason="count",
                actor=actor,
                reference=reference,
                scan_id=scan_id,
            )
            left -= take
        if left == 0:
            return
    if left:
        raise Conflict(
            ngettext(
                "{n} of the missing units is reserved for orders",
                "{n} of the missing units are reserved for orders",
                left,
            ),
            expected=_("a supervisor to release the reservations"),
        )


_COUNT_CLOSED = {
    TaskStatus.DONE: N_("Count task {id} is complete"),
    TaskStatus.SHORT: N_("Count task {id} is closed short"),
    TaskStatus.CANCELLED: N_("Count task {id} is cancelled"),
}


def _closed_count(task: Task) -> str:
    """Why count task `task` takes no more counts, in one sentence for its status."""
    return by_status(
        task.status,
        _COUNT_CLOSED,
        N_("Count task {id}: {status}"),
        task_status_label(task.status),
        id=task.id,
    )


def pending_approvals(session: Session, warehouse_id: int, *, actor: Actor = SYSTEM) -> list[dict]:
    """Counts waiting for a supervisor, with expected, counted and variance (not blind, so
    only for supervisors and admins)."""
    require_role(session, actor.operator_id, *APPROVER_ROLES)
    rows = []
    for task in session.scalars(
        select(Task)
        .where(Task.warehouse_id == warehouse_id, Task.status == AWAITING_APPROVAL)
        .order_by(Task.id)
    ):
        view = _view(session, task)
        data = task.data or {}
        rows.append(
            {
                "task_id": task.id,
                "location": view.location,
                "sku": view.sku,
                "lot": view.lot,
                "expected": data.get("expected"),
                "counted": data.get("counted"),
                "variance": data.get("variance"),
                "extra": task.exception_code == EXTRA_PRODUCT,
            }
        )
    return rows


def approve_count(
    session: Session,
    task_id: int,
    *,
    actor: Actor,
    approve: bool = True,
    scan_id: str | None = None,
) -> CountOutcome:
    """A supervisor approves (adjusting by the recorded variance) or rejects (a new count)."""
    require_role(session, actor.operator_id, *APPROVER_ROLES)

    def work() -> dict:
        task = _task(session, task_id)
        if task.status != AWAITING_APPROVAL:
            raise Conflict(
                _("Count task {id} is not waiting for approval", id=task.id),
                expected=_("a count waiting for approval"),
            )
        data = dict(task.data or {})
        data["approved_by"] = actor.operator_id
        if approve:
            _adjust(session, task, int(data["variance"]), actor, scan_id)
            outcome, next_id = "adjusted", None
            task.status = TaskStatus.DONE.value
        else:
            outcome, next_id = "recount", _recount(session, task, data.get("counter"))
            task.status = TaskStatus.CANCELLED.value
        data["outcome"] = outcome
        task.data = data
        view = _view(session, task)
        audit.record(
            session,
            audit.COUNT_APPROVE if approve else audit.COUNT_REJECT,
            f"count {task.id}",
            actor,
            location=view.location,
            sku=view.sku,
            lot=view.lot,
            expected=data.get("expected"),
            counted=data.get("counted"),
            variance=data.get("variance"),
            recount_task_id=next_id,
        )
        session.flush()
        return {"task_id": task.id, "outcome": outcome, "next_task_id": next_id}

    result, _replayed = once(session, scan_id, "counting.approve", work)
    return CountOutcome(**result)


# --- extra product found (ADPR) -------------------------------------------------------------


def record_extra_item(
    session: Session,
    task_id: int,
    *,
    barcode: str,
    actor: Actor,
    lot: str = "",
    expiry: dt.date | None = None,
    scan_id: str | None = None,
) -> CountTaskView:
    """An item found at the location of count `task_id` that the count did not expect: a
    count task of its own (ADPR) at that location, in progress for this counter. An active
    count of the same item and lot there is reused."""
    require_role(session, actor.operator_id, *COUNT_ROLES)

    def work() -> dict:
        task = _task(session, task_id)
        if task.status not in ACTIVE:
            raise Conflict(
                _closed_count(task),
                expected=_("an open count task"),
            )
        item, _units = item_for_barcode(session, barcode)
        if item.id == task.item_id:
            raise WrongScan(
                _("{sku} is the item of this count: key its quantity", sku=item.sku),
                expected=_("an item this count did not expect"),
            )
        lot_text = lot.strip() if item.lot_tracked else ""
        if item.lot_tracked and not lot_text:
            raise InvalidInput(
                _("{sku} is lot tracked: scan or key its lot", sku=item.sku),
                expected=_("a lot number"),
            )
        existing = _open_count(session, task.from_location_id, item.id, lot_text)  # type: ignore[arg-type]
        if existing is not None and existing.status not in ACTIVE:
            raise Conflict(
                _("{sku} at this location already waits for a supervisor", sku=item.sku),
                expected=_("a supervisor's approval"),
            )
        extra = existing or Task(
            warehouse_id=task.warehouse_id,
            kind=TaskKind.COUNT.value,
            item_id=item.id,
            lot=lot_text,
            expiry=expiry if item.expiry_tracked else None,
            from_location_id=task.from_location_id,
            reason="extra product found",
            data={"found_during": task.id, "found_by": actor.operator_id},
        )
        extra.exception_code = EXTRA_PRODUCT
        extra.status = TaskStatus.IN_PROGRESS.value
        extra.assignee_id = actor.operator_id
        session.add(extra)
        session.flush()
        return {"task_id": extra.id}

    result, _replayed = once(session, scan_id, "counting.extra", work)
    return _view(session, session.get(Task, result["task_id"]))  # type: ignore[arg-type]


def _unfinished(warehouse_id: int):  # type: ignore[no-untyped-def]
    return (
        Task.warehouse_id == warehouse_id,
        Task.kind == TaskKind.COUNT.value,
        Task.status.in_((*ACTIVE, AWAITING_APPROVAL)),
    )


def count_tasks_total(session: Session, warehouse_id: int) -> int:
    """How many counts are not finished yet (what `count_tasks` lists, all of them)."""
    return int(
        session.scalar(select(func.count()).select_from(Task).where(*_unfinished(warehouse_id)))
        or 0
    )


def count_tasks(session: Session, warehouse_id: int, *, limit: int | None = 200) -> list[dict]:
    """Counts not finished yet (open, assigned, in progress, awaiting approval), oldest first,
    without expected quantities; the first `limit` of them (None: all)."""
    rows = []
    for task in session.scalars(
        select(Task).where(*_unfinished(warehouse_id)).order_by(Task.id).limit(limit)
    ):
        view = _view(session, task)
        rows.append(
            {
                "task_id": task.id,
                "status": task.status,
                "location": view.location,
                "sku": view.sku,
                "lot": view.lot,
                "reason": task.reason,
                "exception": task.exception_code,
            }
        )
    return rows
