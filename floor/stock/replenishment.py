"""Replenishment: min/max per pick face; tasks from reserve when a face falls below min.

`check_replenishment` makes replenish tasks for every pick face whose on-hand plus units
already on their way is below its min, for enough units to reach its max. Sources are
reserve balances (storage zone, not pickable, not blocked) of the item: earliest expiry
first for FEFO items, else oldest received first; units already promised to other open
tasks are not counted twice. An item that forbids mixed lots only gets the lot already on
the face (any one lot when the face is empty). `request_replenishment` does the same for one
face whatever its min (a short pick). The task is done by scanning like a put-away:
source location, item, then the face (`floor.stock.move_tasks.confirm_move_task`).
"""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.errors import NotFound, WrongScan
from floor.i18n import _
from floor.models import (
    Balance,
    Item,
    Location,
    PickFace,
    Role,
    Task,
    TaskKind,
    TaskStatus,
    Zone,
    ZoneKind,
)
from floor.operators import require_role
from floor.stock import ledger
from floor.stock.catalog import item_for_barcode
from floor.stock.idempotency import once
from floor.stock.ledger import SYSTEM, Actor
from floor.stock.move_tasks import ACTIVE, MoveTaskView, check_location, view_task

REPLENISH_ROLES = (Role.PICKER.value, Role.RECEIVER.value, Role.SUPERVISOR.value)


def _on_the_way(session: Session, face: PickFace) -> int:
    return int(
        session.execute(
            select(func.coalesce(func.sum(Task.quantity - Task.quantity_done), 0)).where(
                Task.kind == TaskKind.REPLENISH.value,
                Task.status.in_(ACTIVE),
                Task.to_location_id == face.location_id,
                Task.item_id == face.item_id,
            )
        ).scalar_one()
    )


def _promised(session: Session, balance: Balance) -> int:
    """Units of a reserve balance already taken by open replenish tasks."""
    return int(
        session.execute(
            select(func.coalesce(func.sum(Task.quantity - Task.quantity_done), 0)).where(
                Task.kind == TaskKind.REPLENISH.value,
                Task.status.in_(ACTIVE),
                Task.from_location_id == balance.location_id,
                Task.item_id == balance.item_id,
                Task.lot == balance.lot,
            )
        ).scalar_one()
    )


def _replenish_face(session: Session, face: PickFace, *, force: bool, reason: str) -> list[int]:
    location = session.get(Location, face.location_id)
    item = session.get(Item, face.item_id)
    if location is None or item is None or location.blocked:
        return []
    on_face = session.execute(
        select(Balance.lot, func.sum(Balance.quantity))
        .where(Balance.location_id == face.location_id, Balance.item_id == face.item_id)
        .group_by(Balance.lot)
    ).all()
    level = sum(int(q) for _lot, q in on_face if q) + _on_the_way(session, face)
    if level >= face.max_qty or (not force and level >= face.min_qty):
        return []
    need = face.max_qty - level
    face_lots = {lot for lot, q in on_face if q}
    reserve = (
        select(Balance)
        .join(Location, Location.id == Balance.location_id)
        .join(Zone, Zone.id == Location.zone_id)
        .where(
            Balance.item_id == face.item_id,
            Balance.quantity > Balance.reserved,
            Location.warehouse_id == location.warehouse_id,
            Zone.kind == ZoneKind.STORAGE.value,
            ~Location.pickable,
            ~Location.blocked,
        )
    )
    if item.allocation == "fefo":
        reserve = reserve.order_by(Balance.expiry.is_(None), Balance.expiry, Balance.received_at)
    else:
        reserve = reserve.order_by(Balance.received_at, Balance.id)
    # locked in the ledger's order (not the rotation order they are taken in), then read
    # again now that nobody else can change them
    ledger.lock_keys(session, [ledger.key_of(b) for b in session.scalars(reserve)])
    created: list[int] = []
    for balance in session.scalars(reserve.execution_options(populate_existing=True)):
        if not item.allow_mixed_lots:
            if face_lots and balance.lot not in face_lots:
                continue
            face_lots = face_lots or {balance.lot}
        free = balance.quantity - balance.reserved - _promised(session, balance)
        take = min(free, need)
        if take <= 0:
            continue
        task = Task(
            warehouse_id=location.warehouse_id,
            kind=TaskKind.REPLENISH.value,
            item_id=face.item_id,
            lot=balance.lot,
            expiry=balance.expiry,
            from_location_id=balance.location_id,
            to_location_id=face.location_id,
            container_id=None,
            quantity=take,
            reason=reason,
            data={"source_container_id": balance.container_id} if balance.container_id else {},
        )
        session.add(task)
        session.flush()
        created.append(task.id)
        need -= take
        if need == 0:
            break
    return created


def check_replenishment(session: Session, warehouse_id: int, *, actor: Actor = SYSTEM) -> list[int]:
    """Replenish tasks for every pick face below its min; returns the new task ids."""
    require_role(session, actor.operator_id, *REPLENISH_ROLES)
    faces = session.scalars(
        select(PickFace)
        .join(Location, Location.id == PickFace.location_id)
        .where(Location.warehouse_id == warehouse_id)
        .order_by(Location.code, PickFace.id)
    )
    created: list[int] = []
    for face in faces:
        created += _replenish_face(session, face, force=False, reason="below min")
    return created


def request_replenishment(
    session: Session, location_id: int, item_id: int, reason: str = "short pick"
) -> list[int]:
    """Top the face up to its max now, whatever its min (called by picking on a short)."""
    face = session.scalars(
        select(PickFace).where(PickFace.location_id == location_id, PickFace.item_id == item_id)
    ).one_or_none()
    if face is None:
        return []
    return _replenish_face(session, face, force=True, reason=reason)


def next_replenishment(
    session: Session, warehouse_id: int, *, actor: Actor, scan_id: str | None = None
) -> MoveTaskView | None:
    """This operator's replenishment in progress, else the oldest open one (now theirs)."""
    require_role(session, actor.operator_id, *REPLENISH_ROLES)

    def work() -> dict:
        base = select(Task).where(
            Task.kind == TaskKind.REPLENISH.value, Task.warehouse_id == warehouse_id
        )
        task = (
            session.scalars(
                base.where(
                    Task.assignee_id == actor.operator_id,
                    Task.status == TaskStatus.IN_PROGRESS.value,
                ).order_by(Task.id)
            ).first()
            or session.scalars(
                base.where(Task.status == TaskStatus.OPEN.value).order_by(Task.id).with_for_update()
            ).first()
        )
        if task is None:
            return {}
        task.status = TaskStatus.IN_PROGRESS.value
        task.assignee_id = actor.operator_id
        session.flush()
        return asdict(view_task(session, task))

    result, _replayed = once(session, scan_id, "replenishment.next", work)
    return MoveTaskView.from_json(result) if result else None


def check_source(
    session: Session,
    task_id: int,
    *,
    location_code: str | None = None,
    check_digits: str | None = None,
    barcode: str | None = None,
    require_check_digits: bool = True,
) -> None:
    """Refuse a wrong source location (or check digits), a bare location code where its
    check digits are required, or a wrong item; changes nothing."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(_("Unknown task {id}", id=task_id))
    source = session.get(Location, task.from_location_id)
    code = source.code if source else ""
    if location_code is not None and location_code != code:
        raise WrongScan(
            _(
                "Wrong location {scanned}: expected {location}",
                scanned=location_code,
                location=code,
            ),
            expected=code,
        )
    if source is not None:
        check_location(source, location_code, check_digits, require_check_digits)
    if barcode is not None:
        item, _units = item_for_barcode(session, barcode)
        if item.id != task.item_id:
            expected = session.get(Item, task.item_id)
            sku = expected.sku if expected else ""
            raise WrongScan(
                _("Wrong item {scanned}: expected {sku}", scanned=item.sku, sku=sku),
                expected=sku,
            )
