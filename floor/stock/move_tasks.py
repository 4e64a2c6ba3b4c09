"""Directed moves: confirming a put-away or replenishment task at its destination.

A move task says what to take (an item and lot from a location, or a whole LPN) and where
it should go. `confirm_move_task` checks the scanned destination (its code or check
digits) against the task and moves the stock there through the ledger, in one transaction,
once per scan id. Scanning another location than the one directed is refused naming the
expected one; overriding it (exception CHBD, change destination bin) needs a reason, one of
OVERRIDE_ROLES, and a storage or pick location where the stock `fits` by capacity, weight
and the item's lot-mixing rule. Units already planned into a location by open tasks count
as occupying it.

The check digits prove the operator stands at the bin: a location's rack label barcode
carries only its code (the digits are printed beside it, to key), and the demo sheet's
carries `code*digits`. A bare location code is not enough at a directed prompt: it is
refused with `CheckDigitsMissing` (the screen then takes the digits keyed for that code),
unless the site turns the check off (`[putaway] require_check_digits = false`, `CheckPolicy`),
for every directed move task (put-away, replenishment) alike; free moves (floor.stock.moves)
are not directed and take the scanned code.

Put-away (floor.inbound.putaway) proposes the destination; replenishment
(floor.stock.replenishment) makes the tasks from reserve; both confirm here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor import audit
from floor.config import ConfigError
from floor.errors import Conflict, InvalidInput, NotFound, WrongScan
from floor.i18n import N_, _, by_status
from floor.models import (
    Balance,
    Container,
    Item,
    Location,
    Role,
    Task,
    TaskKind,
    TaskStatus,
    Zone,
    ZoneKind,
    task_status_label,
)
from floor.operators import require_role
from floor.stock import ledger as inv
from floor.stock.catalog import location_by_code
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change, StockKey

PUTAWAY_ROLES = (Role.RECEIVER.value, Role.SUPERVISOR.value)

OVERRIDE_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value)


OVERRIDE_CODE = "CHBD"


STOCK_ZONES = (ZoneKind.STORAGE.value, ZoneKind.PICK.value)


ACTIVE = (TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class CheckPolicy:
    """The site's `[putaway]` table: `require_check_digits` (default true) makes every
    directed location prompt (put-away, replenishment) ask for the check digits."""

    require_check_digits: bool = True

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> CheckPolicy:
        required = section.get("require_check_digits", True)
        if not isinstance(required, bool):
            raise ConfigError(
                f"putaway.require_check_digits: expected true or false, got {required!r}"
            )
        return cls(require_check_digits=required)


class CheckDigitsMissing(InvalidInput):
    """A bare location code where its check digits are required; `location` is the code."""

    def __init__(self, location: str) -> None:
        super().__init__(
            _("Key the check digits of {location}", location=location),
            expected=_("the check digits on the label of {location}", location=location),
        )
        self.location = location


def check_location(
    location: Location, location_code: str | None, check_digits: str | None, required: bool
) -> None:
    """Refuse wrong check digits for `location`, and a bare code where they are required."""
    if check_digits is not None and check_digits != location.check_digit:
        raise WrongScan(
            _(
                "Wrong check digits {digits} for {location}",
                digits=check_digits,
                location=location.code,
            ),
            expected=location.code,
        )
    if check_digits is None and location_code is not None and required:
        raise CheckDigitsMissing(location.code)


@dataclass(frozen=True)
class LpnContent:
    """One item and lot inside an LPN."""

    sku: str
    description: str
    lot: str
    quantity: int


def lpn_contents(session: Session, container_id: int, location_id: int | None) -> list[LpnContent]:
    """What the LPN holds (at `location_id`, when given), by SKU and lot."""
    stmt = (
        select(Item.sku, Item.description, Balance.lot, func.sum(Balance.quantity))
        .join(Item, Item.id == Balance.item_id)
        .where(Balance.container_id == container_id, Balance.quantity > 0)
        .group_by(Item.sku, Item.description, Balance.lot)
        .order_by(Item.sku, Balance.lot)
    )
    if location_id is not None:
        stmt = stmt.where(Balance.location_id == location_id)
    return [
        LpnContent(sku, description, lot, int(quantity))
        for sku, description, lot, quantity in session.execute(stmt)
    ]


@dataclass(frozen=True)
class MoveTaskView:
    """A put-away or replenishment task as the screen shows it; an LPN's with its contents."""

    task_id: int
    kind: str
    sku: str
    description: str
    lot: str
    quantity: int
    from_location: str
    to_location: str | None
    lpn: str | None
    rule: str = ""
    contents: tuple[LpnContent, ...] = ()

    @classmethod
    def from_json(cls, data: dict) -> MoveTaskView:
        contents = tuple(LpnContent(**c) for c in data.get("contents", ()))
        return cls(**{**data, "contents": contents})


@dataclass(frozen=True)
class MoveDone:
    task_id: int
    location: str
    quantity: int
    overridden: bool


def _planned_where(exclude_task: int | None) -> list:  # type: ignore[type-arg]
    """The tasks whose units count as occupying their destination."""
    where = [
        Task.status.in_(ACTIVE),
        Task.kind.in_((TaskKind.PUTAWAY.value, TaskKind.REPLENISH.value, TaskKind.MOVE.value)),
    ]
    if exclude_task is not None:
        where.append(Task.id != exclude_task)
    return where


def _planned(session: Session, location_id: int, exclude_task: int | None) -> int:
    stmt = select(func.coalesce(func.sum(Task.quantity - Task.quantity_done), 0)).where(
        Task.to_location_id == location_id, *_planned_where(exclude_task)
    )
    return int(session.execute(stmt).scalar_one())


Held = tuple[list[tuple[int, str, int]], int]  # (item id, lot, quantity) there; units planned in
NOTHING_HELD: Held = ([], 0)


def holdings(
    session: Session, location_ids: Iterable[int], exclude_task: int | None = None
) -> dict[int, Held]:
    """What each location holds and has planned into it, as `fits` reads it for one, for
    many locations in two statements (every location asked for is in the result)."""
    ids = sorted(set(location_ids))
    held: dict[int, Held] = {lid: ([], 0) for lid in ids}
    if not ids:
        return held
    for location_id, item_id, lot, quantity in session.execute(
        select(Balance.location_id, Balance.item_id, Balance.lot, Balance.quantity).where(
            Balance.location_id.in_(ids), Balance.quantity > 0
        )
    ):
        held[location_id][0].append((item_id, lot, quantity))
    stmt = (
        select(Task.to_location_id, func.sum(Task.quantity - Task.quantity_done))
        .where(Task.to_location_id.in_(ids), *_planned_where(exclude_task))
        .group_by(Task.to_location_id)
    )
    for location_id, planned in session.execute(stmt):
        held[location_id] = (held[location_id][0], int(planned or 0))
    return held


def fits(
    session: Session,
    location: Location,
    item: Item,
    lot: str,
    quantity: int,
    *,
    exclude_task: int | None = None,
    limit: int | None = None,
    held: Held | None = None,
) -> bool:
    """True when `quantity` of `item` (lot) can go into `location` by capacity, weight and
    the item's lot-mixing rule. `limit` caps the units of this item there (a pick face max).
    `held`: what the location holds and has planned, already read (`holdings`)."""
    if location.blocked:
        return False
    if held is None:
        rows = session.execute(
            select(Balance.item_id, Balance.lot, Balance.quantity).where(
                Balance.location_id == location.id, Balance.quantity > 0
            )
        ).all()
        planned = _planned(session, location.id, exclude_task)
    else:
        rows, planned = held  # type: ignore[assignment]
    held = sum(q for _i, _l, q in rows) + planned
    if location.capacity_units is not None and held + quantity > location.capacity_units:
        return False
    if limit is not None:
        mine = sum(q for i, _l, q in rows if i == item.id) + planned
        if mine + quantity > limit:
            return False
    if location.capacity_weight_kg is not None:
        weight = 0.0
        for item_id, _lot, qty in rows:
            other = session.get(Item, item_id)
            weight += (other.weight_kg or 0.0) * qty if other else 0.0
        if weight + (item.weight_kg or 0.0) * quantity > location.capacity_weight_kg + 1e-9:
            return False
    if not item.allow_mixed_lots:
        lots = {lt for i, lt, _q in rows if i == item.id}
        if lots - {lot}:
            return False
    return True


def view_task(session: Session, task: Task, rule: str = "") -> MoveTaskView:
    item = session.get(Item, task.item_id) if task.item_id else None
    source = session.get(Location, task.from_location_id) if task.from_location_id else None
    target = session.get(Location, task.to_location_id) if task.to_location_id else None
    lpn = session.get(Container, task.container_id) if task.container_id else None
    contents = lpn_contents(session, lpn.id, task.from_location_id) if lpn else []
    quantity = task.quantity - task.quantity_done
    if lpn is not None and contents:
        quantity = sum(c.quantity for c in contents)
    return MoveTaskView(
        task_id=task.id,
        kind=task.kind,
        sku=item.sku if item else "",
        description=item.description if item else "",
        lot=task.lot,
        quantity=quantity,
        from_location=source.code if source else "",
        to_location=target.code if target else None,
        lpn=lpn.code if lpn else None,
        rule=rule or str((task.data or {}).get("rule", "")),
        contents=tuple(contents),
    )


def current_task(
    session: Session, operator_id: int | None, kind: str = TaskKind.PUTAWAY.value
) -> MoveTaskView | None:
    """The task of `kind` this operator has in progress (recovery after a restart)."""
    task = session.scalars(
        select(Task)
        .where(
            Task.kind == kind,
            Task.assignee_id == operator_id,
            Task.status == TaskStatus.IN_PROGRESS.value,
        )
        .order_by(Task.id)
    ).first()
    return view_task(session, task) if task else None


def _task(session: Session, task_id: int) -> Task:
    task = session.scalars(select(Task).where(Task.id == task_id).with_for_update()).one_or_none()
    if task is None:
        raise NotFound(_("Unknown task {id}", id=task_id))
    return task


def _destination(
    session: Session,
    task: Task,
    location_code: str | None,
    check_digits: str | None,
    override_reason: str | None,
    actor: Actor,
    require_check_digits: bool = True,
) -> tuple[Location, bool]:
    expected = session.get(Location, task.to_location_id) if task.to_location_id else None
    if expected is None:
        raise Conflict(_("This task has no destination yet"), expected=_("a task to start"))
    if location_code is None or location_code == expected.code:
        if location_code is None and check_digits is None:
            raise InvalidInput(_("Scan the location"), expected=expected.code)
        check_location(expected, location_code, check_digits, require_check_digits)
        return expected, False
    if not override_reason:
        raise WrongScan(
            _(
                "Wrong location {scanned}: expected {location}",
                scanned=location_code,
                location=expected.code,
            ),
            expected=expected.code,
        )
    require_role(session, actor.operator_id, *OVERRIDE_ROLES)
    chosen = location_by_code(session, task.warehouse_id, location_code)
    zone = session.get(Zone, chosen.zone_id) if chosen.zone_id else None
    item = session.get(Item, task.item_id) if task.item_id else None
    if zone is None or zone.kind not in STOCK_ZONES or item is None:
        raise WrongScan(
            _("{location} is not a storage location", location=chosen.code),
            expected=_("a storage or pick location"),
        )
    if not fits(
        session, chosen, item, task.lot, task.quantity - task.quantity_done, exclude_task=task.id
    ):
        raise Conflict(
            _("{location} has no room for this, or holds another lot", location=chosen.code),
            expected=expected.code,
        )
    check_location(chosen, location_code, check_digits, require_check_digits)
    return chosen, True


_TASK_CLOSED = {
    TaskStatus.DONE: N_("Task {id} is complete"),
    TaskStatus.SHORT: N_("Task {id} is closed short"),
    TaskStatus.CANCELLED: N_("Task {id} is cancelled"),
}


def _closed_task(task: Task) -> str:
    """Why task `task` cannot be confirmed, in one sentence for its status."""
    return by_status(
        task.status,
        _TASK_CLOSED,
        N_("Task {id}: {status}"),
        task_status_label(task.status),
        id=task.id,
    )


def confirm_move_task(
    session: Session,
    task_id: int,
    *,
    actor: Actor,
    location_code: str | None = None,
    check_digits: str | None = None,
    override_reason: str | None = None,
    scan_id: str | None = None,
    require_check_digits: bool = True,
) -> MoveDone:
    """Confirm a put-away or replenishment at the scanned location (or its check digits)
    and move the stock there through the ledger; an LPN moves whole. A bare location code
    is refused (`CheckDigitsMissing`) unless `require_check_digits` is off."""
    require_role(session, actor.operator_id, *PUTAWAY_ROLES, Role.PICKER.value)

    def work() -> dict:
        task = _task(session, task_id)
        if task.status not in ACTIVE:
            raise Conflict(
                _closed_task(task),
                expected=_("an open task"),
            )
        if task.kind == TaskKind.PUTAWAY.value:
            require_role(session, actor.operator_id, *PUTAWAY_ROLES)
        directed = session.scalar(select(Location.code).where(Location.id == task.to_location_id))
        target, overridden = _destination(
            session, task, location_code, check_digits, override_reason, actor, require_check_digits
        )
        quantity = task.quantity - task.quantity_done
        reference = f"task {task.id}"
        if task.container_id is not None:
            changes: list[Change] = []
            quantity = 0
            for balance in session.scalars(
                select(Balance)
                .where(
                    Balance.container_id == task.container_id,
                    Balance.location_id == task.from_location_id,
                    Balance.quantity > 0,
                )
                .order_by(Balance.id)
            ):
                key = inv.key_of(balance)
                changes += [
                    Change(key, -balance.quantity),
                    Change(key.at(target.id, task.container_id), balance.quantity),
                ]
                quantity += balance.quantity
            if not changes:
                raise Conflict(_("The LPN is empty"), expected=_("an LPN with stock"))
            inv.post(
                session,
                task.kind,
                changes,
                actor=actor,
                reason=task.kind,
                reference=reference,
                scan_id=scan_id,
            )
            container = session.get(Container, task.container_id)
            if container is not None:
                container.location_id = target.id
        else:
            source = StockKey(
                task.from_location_id,  # type: ignore[arg-type]
                task.item_id,  # type: ignore[arg-type]
                task.lot,
                task.expiry,
                (task.data or {}).get("source_container_id"),
            )
            inv.move(
                session,
                source,
                quantity,
                target.id,
                actor=actor,
                reason=task.kind,
                reference=reference,
                scan_id=scan_id,
                kind=task.kind,
            )
        task.quantity_done += quantity
        task.quantity = max(task.quantity, task.quantity_done)
        task.to_location_id = target.id
        task.status = TaskStatus.DONE.value
        task.assignee_id = actor.operator_id
        if overridden:
            audit.record(
                session,
                audit.PUTAWAY_OVERRIDE,
                f"task {task.id}",
                actor,
                kind=task.kind,
                directed=directed,
                chosen=target.code,
                reason=override_reason or "",
                quantity=quantity,
            )
            task.exception_code = OVERRIDE_CODE
            task.reason = override_reason or ""
        session.flush()
        return {
            "task_id": task.id,
            "location": target.code,
            "quantity": quantity,
            "overridden": overridden,
        }

    result, _replayed = once(session, scan_id, "putaway.confirm", work)
    return MoveDone(**result)
