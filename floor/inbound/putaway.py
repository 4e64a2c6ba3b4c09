"""Directed put-away: propose a location by rules, confirm by scanning it, move through the ledger.

Rules, in order (`propose_location`):
1. the item's fixed pick face, when it has room (capacity and max quantity);
2. consolidation: a storage or pick location already holding the same item and lot;
3. the zone whose code is the item's class (item_class), when there is one;
4. capacity (units, weight) and lot mixing are checked for every candidate: a location
   never gets a second lot of an item that forbids mixed lots;
5. else the nearest empty storage location (aisle, then position, then level).
Units already planned into a location by open tasks count as occupying it.

Confirming (`confirm_move_task`) serves put-away and replenishment alike. Scanning another
location than the proposal is refused naming the expected one; overriding it (exception
CHBD, change destination bin) needs a reason and one of OVERRIDE_ROLES.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.errors import Conflict, InvalidInput, NotFound, WrongScan
from floor.i18n import N_, _, by_status
from floor.models import (
    Balance,
    Container,
    Item,
    Location,
    PickFace,
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
from floor.stock.catalog import item_for_barcode, location_by_code
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change, StockKey

PUTAWAY_ROLES = (Role.RECEIVER.value, Role.SUPERVISOR.value)
OVERRIDE_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value)
OVERRIDE_CODE = "CHBD"
STOCK_ZONES = (ZoneKind.STORAGE.value, ZoneKind.PICK.value)
ACTIVE = (TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class Proposal:
    location_id: int
    code: str
    rule: str  # pick_face | consolidate | item_class | empty


@dataclass(frozen=True)
class MoveTaskView:
    """A put-away or replenishment task as the screen shows it."""

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

    @classmethod
    def from_json(cls, data: dict) -> MoveTaskView:
        return cls(**data)


@dataclass(frozen=True)
class MoveDone:
    task_id: int
    location: str
    quantity: int
    overridden: bool


# --- proposing ------------------------------------------------------------------------------


def _planned(session: Session, location_id: int, exclude_task: int | None) -> int:
    stmt = select(func.coalesce(func.sum(Task.quantity - Task.quantity_done), 0)).where(
        Task.to_location_id == location_id,
        Task.status.in_(ACTIVE),
        Task.kind.in_((TaskKind.PUTAWAY.value, TaskKind.REPLENISH.value, TaskKind.MOVE.value)),
    )
    if exclude_task is not None:
        stmt = stmt.where(Task.id != exclude_task)
    return int(session.execute(stmt).scalar_one())


def fits(
    session: Session,
    location: Location,
    item: Item,
    lot: str,
    quantity: int,
    *,
    exclude_task: int | None = None,
    limit: int | None = None,
) -> bool:
    """True when `quantity` of `item` (lot) can go into `location` by capacity, weight and
    the item's lot-mixing rule. `limit` caps the units of this item there (a pick face max)."""
    if location.blocked:
        return False
    rows = session.execute(
        select(Balance.item_id, Balance.lot, Balance.quantity).where(
            Balance.location_id == location.id, Balance.quantity > 0
        )
    ).all()
    planned = _planned(session, location.id, exclude_task)
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


def _stock_locations(session: Session, warehouse_id: int, zone_kinds: Iterable[str]):  # type: ignore[no-untyped-def]
    return (
        select(Location)
        .join(Zone, Zone.id == Location.zone_id)
        .where(
            Location.warehouse_id == warehouse_id,
            Zone.kind.in_(tuple(zone_kinds)),
            ~Location.blocked,
        )
    )


def propose_location(
    session: Session,
    *,
    warehouse_id: int,
    item_id: int,
    lot: str = "",
    quantity: int,
    exclude_task: int | None = None,
    exclude_locations: Iterable[int] = (),
) -> Proposal:
    """Where `quantity` of the item (lot) should go, by the rules in the module docstring."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(_("Unknown item {id}", id=item_id))
    skip = set(exclude_locations)

    def ok(location: Location, limit: int | None = None) -> bool:
        return location.id not in skip and fits(
            session, location, item, lot, quantity, exclude_task=exclude_task, limit=limit
        )

    for face, location in session.execute(
        select(PickFace, Location)
        .join(Location, Location.id == PickFace.location_id)
        .where(PickFace.item_id == item_id, Location.warehouse_id == warehouse_id)
        .order_by(Location.code)
    ).all():
        if ok(location, face.max_qty or None):
            return Proposal(location.id, location.code, "pick_face")

    holding = (
        _stock_locations(session, warehouse_id, STOCK_ZONES)
        .join(Balance, Balance.location_id == Location.id)
        .where(Balance.item_id == item_id, Balance.lot == lot, Balance.quantity > 0)
        .group_by(Location.id)
        .order_by(func.sum(Balance.quantity).desc(), Location.code)
    )
    for location in session.scalars(holding):
        if ok(location):
            return Proposal(location.id, location.code, "consolidate")

    occupied = select(Balance.location_id).where(Balance.quantity > 0)
    planned = select(Task.to_location_id).where(
        Task.status.in_(ACTIVE), Task.to_location_id.is_not(None), Task.id != (exclude_task or 0)
    )
    empty = _stock_locations(session, warehouse_id, (ZoneKind.STORAGE.value,)).where(
        Location.id.not_in(occupied), Location.id.not_in(planned)
    )
    order = (Location.aisle, Location.position, Location.level, Location.code)
    if item.item_class:
        by_class = empty.where(Zone.code == item.item_class).order_by(*order)
        for location in session.scalars(by_class):
            if ok(location):
                return Proposal(location.id, location.code, "item_class")
    for location in session.scalars(empty.order_by(*order)):
        if ok(location):
            return Proposal(location.id, location.code, "empty")
    raise NotFound(
        _("No location has room for {quantity} of {sku}", quantity=quantity, sku=item.sku),
        expected=_("a supervisor to free a location"),
    )


# --- starting a put-away --------------------------------------------------------------------


def view_task(session: Session, task: Task, rule: str = "") -> MoveTaskView:
    item = session.get(Item, task.item_id) if task.item_id else None
    source = session.get(Location, task.from_location_id) if task.from_location_id else None
    target = session.get(Location, task.to_location_id) if task.to_location_id else None
    lpn = session.get(Container, task.container_id) if task.container_id else None
    return MoveTaskView(
        task_id=task.id,
        kind=task.kind,
        sku=item.sku if item else "",
        description=item.description if item else "",
        lot=task.lot,
        quantity=task.quantity - task.quantity_done,
        from_location=source.code if source else "",
        to_location=target.code if target else None,
        lpn=lpn.code if lpn else None,
        rule=rule or str((task.data or {}).get("rule", "")),
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


def start_putaway(
    session: Session,
    *,
    warehouse_id: int,
    scanned: str,
    actor: Actor,
    scan_id: str | None = None,
) -> MoveTaskView:
    """The operator scanned an LPN or an item at the dock: take its put-away task and
    propose a location."""
    require_role(session, actor.operator_id, *PUTAWAY_ROLES)

    def work() -> dict:
        stmt = select(Task).where(
            Task.warehouse_id == warehouse_id,
            Task.kind == TaskKind.PUTAWAY.value,
            Task.status.in_((TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value)),
        )
        container = session.scalars(select(Container).where(Container.code == scanned)).first()
        if container is not None:
            stmt = stmt.where(Task.container_id == container.id)
            what = scanned
        else:
            item, _units = item_for_barcode(session, scanned)
            stmt = stmt.where(Task.item_id == item.id, Task.container_id.is_(None))
            what = item.sku
        task = session.scalars(stmt.order_by(Task.id).with_for_update()).first()
        if task is None:
            raise NotFound(
                _("Nothing to put away for {what}", what=what),
                expected=_("an LPN or item waiting at the dock"),
            )
        proposal = propose_location(
            session,
            warehouse_id=warehouse_id,
            item_id=task.item_id,  # type: ignore[arg-type]
            lot=task.lot,
            quantity=task.quantity - task.quantity_done,
            exclude_task=task.id,
        )
        task.to_location_id = proposal.location_id
        task.assignee_id = actor.operator_id
        task.status = TaskStatus.IN_PROGRESS.value
        task.data = {**(task.data or {}), "rule": proposal.rule}
        session.flush()
        return asdict(view_task(session, task, proposal.rule))

    result, _replayed = once(session, scan_id, "putaway.start", work)
    return MoveTaskView.from_json(result)


# --- confirming -----------------------------------------------------------------------------


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
) -> tuple[Location, bool]:
    expected = session.get(Location, task.to_location_id) if task.to_location_id else None
    if expected is None:
        raise Conflict(_("This task has no destination yet"), expected=_("a task to start"))
    if location_code is None or location_code == expected.code:
        if check_digits is not None and check_digits != expected.check_digit:
            raise WrongScan(
                _(
                    "Wrong check digits {digits} for {location}",
                    digits=check_digits,
                    location=expected.code,
                ),
                expected=expected.code,
            )
        if location_code is None and check_digits is None:
            raise InvalidInput(_("Scan the location"), expected=expected.code)
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
    if check_digits is not None and check_digits != chosen.check_digit:
        raise WrongScan(
            _(
                "Wrong check digits {digits} for {location}",
                digits=check_digits,
                location=chosen.code,
            ),
            expected=chosen.code,
        )
    if not fits(
        session, chosen, item, task.lot, task.quantity - task.quantity_done, exclude_task=task.id
    ):
        raise Conflict(
            _("{location} has no room for this, or holds another lot", location=chosen.code),
            expected=expected.code,
        )
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
) -> MoveDone:
    """Confirm a put-away or replenishment at the scanned location (or its check digits)
    and move the stock there through the ledger; an LPN moves whole."""
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
        target, overridden = _destination(
            session, task, location_code, check_digits, override_reason, actor
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


def confirm_putaway(
    session: Session,
    task_id: int,
    *,
    actor: Actor,
    location_code: str | None = None,
    check_digits: str | None = None,
    override_reason: str | None = None,
    scan_id: str | None = None,
) -> MoveDone:
    return confirm_move_task(
        session,
        task_id,
        actor=actor,
        location_code=location_code,
        check_digits=check_digits,
        override_reason=override_reason,
        scan_id=scan_id,
    )
