"""Kit work orders: build N kits (kind kit) or take N apart (kind dekit) at the kitting bench.

Releasing a work order allocates what the bench needs — every component for the kits still
to build, or the kits to take apart — by the same rules as a wave (floor.outbound.allocation:
FEFO/FIFO, fewest locations), reserves it through the ledger in one posting and makes pick
tasks to the bench location in one cluster of a wave of its own (code NUMBER-Rn, a
`pick_clusters` row), so a picker claims them with a cart like any wave's picks. What cannot
be allocated is reported per component and nothing is released.

Parking a work order (stop for today) and cancelling it give back what was not picked
(reservations released, open picks cancelled) and put what is left at the bench on put-away
tasks; a parked work order is released again for the kits still to build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from floor import audit
from floor.errors import Conflict, InsufficientStock, InvalidInput, NotFound
from floor.i18n import _
from floor.kitting.bom import bom_of, kit_item
from floor.models import (
    Balance,
    ClusterStatus,
    Container,
    Item,
    KitWorkOrder,
    KitWorkOrderKind,
    KitWorkOrderStatus,
    Location,
    Role,
    Task,
    TaskKind,
    TaskStatus,
    Wave,
    WaveStatus,
    Zone,
    ZoneKind,
    utcnow,
)
from floor.operators import require_role
from floor.outbound import clusters
from floor.outbound.allocation import allocate_line, load_candidates
from floor.outbound.wave_release import insert_tasks
from floor.stock import ledger
from floor.stock.ledger import SYSTEM, Actor, Change, StockKey

LIVE = (TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)
S = KitWorkOrderStatus


@dataclass(frozen=True)
class WorkOrderView:
    number: str
    kind: str
    sku: str
    description: str
    quantity: int
    done: int
    status: str
    due: dt.date | None
    bench: str
    wave: str

    @property
    def remaining(self) -> int:
        return max(self.quantity - self.done, 0)


@dataclass(frozen=True)
class Shortfall:
    sku: str
    needed: int
    available: int


@dataclass
class ReleaseResult:
    number: str
    wave: str
    tasks: int
    units: int


def status_label(status: str) -> str:
    labels = {
        # i18n: the status of a kit work order: made, nothing reserved yet (or parked)
        S.PLANNED: _("planned"),
        # i18n: the status of a kit work order: its components are on the way to the bench
        S.RELEASED: _("released"),
        # i18n: the status of a kit work order: every kit built (or taken apart)
        S.DONE: _("complete"),
        # i18n: the status of a kit work order finished with fewer kits than asked
        S.CLOSED_SHORT: _("closed short"),
        # i18n: the status of a kit work order
        S.CANCELLED: _("cancelled"),
    }
    return labels.get(status, status)


def bench_location(session: Session, warehouse_id: int) -> Location:
    found = session.scalars(
        select(Location)
        .join(Zone, Zone.id == Location.zone_id)
        .where(Location.warehouse_id == warehouse_id, Zone.kind == ZoneKind.KITTING.value)
        .order_by(Location.code)
        .limit(1)
    ).first()
    if found is None:
        raise NotFound(
            _("The warehouse has no kitting bench location"),
            expected=_("a location in a kitting zone"),
        )
    return found


def work_order(session: Session, number: str, *, lock: bool = False) -> KitWorkOrder:
    stmt = select(KitWorkOrder).where(KitWorkOrder.number == number.strip().upper())
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalars(stmt).one_or_none()
    if found is None:
        raise NotFound(
            _("Unknown kit work order {number}", number=number), expected=_("a kit work order")
        )
    return found


def view(session: Session, order: KitWorkOrder) -> WorkOrderView:
    item = session.get(Item, order.kit_item_id)
    bench = session.get(Location, order.bench_location_id)
    wave = (
        session.scalar(select(Wave.code).where(Wave.id == order.wave_id)) if order.wave_id else ""
    )
    assert item is not None and bench is not None
    return WorkOrderView(
        order.number,
        order.kind,
        item.sku,
        item.description,
        order.quantity,
        order.quantity_done,
        order.status,
        order.due,
        bench.code,
        wave or "",
    )


def _next_number(session: Session) -> str:
    last = session.scalar(select(func.max(KitWorkOrder.id))) or 0
    number = f"KWO-{last + 1:05d}"
    while session.scalar(select(KitWorkOrder.id).where(KitWorkOrder.number == number)):
        last += 1
        number = f"KWO-{last + 1:05d}"
    return number


def create_work_order(
    session: Session,
    warehouse_id: int,
    kit_sku: str,
    quantity: int,
    *,
    due: dt.date | None = None,
    kind: str = KitWorkOrderKind.KIT.value,
    actor: Actor = SYSTEM,
    source_order_id: int | None = None,
) -> WorkOrderView:
    """A planned work order to build (or take apart) `quantity` kits."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    if kind not in (KitWorkOrderKind.KIT.value, KitWorkOrderKind.DEKIT.value):
        raise InvalidInput(_("Unknown work order kind {kind}", kind=kind), expected="kit, dekit")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidInput(
            _("Quantity: expected a whole number above zero"), expected=_("a quantity")
        )
    item = kit_item(session, kit_sku)
    bom_of(session, item.id)  # a kit with a bill of materials
    order = KitWorkOrder(
        number=_next_number(session),
        warehouse_id=warehouse_id,
        kind=kind,
        kit_item_id=item.id,
        quantity=quantity,
        quantity_done=0,
        status=S.PLANNED.value,
        due=due,
        bench_location_id=bench_location(session, warehouse_id).id,
        releases=0,
        source_order_id=source_order_id,
        progress={},
    )
    session.add(order)
    session.flush()
    return view(session, order)


def list_work_orders(
    session: Session, warehouse_id: int, *, open_only: bool = False
) -> list[WorkOrderView]:
    stmt = select(KitWorkOrder).where(KitWorkOrder.warehouse_id == warehouse_id)
    if open_only:
        stmt = stmt.where(KitWorkOrder.status.in_((S.PLANNED.value, S.RELEASED.value)))
    stmt = stmt.order_by(KitWorkOrder.due.nulls_last(), KitWorkOrder.id)
    return [view(session, order) for order in session.scalars(stmt)]


def _wanted(session: Session, order: KitWorkOrder) -> dict[int, int]:
    """Units of each item the bench still needs brought: components for the kits still to
    build, or the kits still to take apart."""
    remaining = order.quantity - order.quantity_done
    if order.kind == KitWorkOrderKind.DEKIT.value:
        return {order.kit_item_id: remaining}
    return {
        c.item_id: c.quantity * remaining for c in bom_of(session, order.kit_item_id).components
    }


def release_work_order(
    session: Session, number: str, *, actor: Actor = SYSTEM, today: dt.date | None = None
) -> ReleaseResult:
    """Allocate, reserve and make the pick tasks to the bench; all or nothing."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    order = work_order(session, number, lock=True)
    if order.status != S.PLANNED.value:
        raise Conflict(
            _(
                "Kit work order {number} is {status}; only a planned one can be released",
                number=order.number,
                status=status_label(order.status),
            ),
            expected=_("a planned kit work order"),
        )
    wanted = _wanted(session, order)
    items = {
        item_id: (sku, rule)
        for item_id, sku, rule in session.execute(
            select(Item.id, Item.sku, Item.allocation).where(Item.id.in_(wanted))
        )
    }
    fefo = {item_id for item_id, (_sku, rule) in items.items() if rule == "fefo"}
    pool = load_candidates(
        session, order.warehouse_id, wanted, fefo, today=today or dt.date.today()
    )
    short: list[Shortfall] = []
    picks = {}
    for item_id in sorted(wanted, key=lambda i: items[i][0]):
        free = pool.free(item_id)
        if free < wanted[item_id]:
            short.append(Shortfall(items[item_id][0], wanted[item_id], free))
            continue
        picks[item_id] = allocate_line(pool, item_id, wanted[item_id], item_id in fefo)
    if short:
        raise InsufficientStock(
            _(
                "Kit work order {number} cannot be released: {short}",
                number=order.number,
                short="; ".join(
                    _(
                        "{sku} needs {needed}, {available} free",
                        sku=s.sku,
                        needed=s.needed,
                        available=s.available,
                    )
                    for s in short
                ),
            ),
            expected=_("stock for every component"),
        )
    now = utcnow()
    order.releases += 1
    wave = Wave(
        code=f"{order.number}-R{order.releases}",
        warehouse_id=order.warehouse_id,
        status=WaveStatus.RELEASED.value,
        rules={"kit_work_order": order.number},
        created_at=now,
        released_at=now,
    )
    session.add(wave)
    session.flush()
    cluster = f"{wave.code}-C0001"
    rows: list[dict] = []
    changes: list[Change] = []
    ordered = sorted(
        (pick for item_picks in picks.values() for pick in item_picks),
        key=lambda p: (p.candidate.location_code, p.candidate.key.sort_key()),
    )
    for sequence, pick in enumerate(ordered):
        key = pick.candidate.key
        changes.append(Change(key, 0, pick.quantity))
        rows.append(
            {
                "warehouse_id": order.warehouse_id,
                "kind": TaskKind.PICK.value,
                "status": TaskStatus.OPEN.value,
                "item_id": key.item_id,
                "lot": key.lot,
                "expiry": key.expiry,
                "from_location_id": key.location_id,
                "container_id": key.container_id,
                "order_line_id": None,
                "wave_id": wave.id,
                "cluster": cluster,
                "sequence": sequence,
                "quantity": pick.quantity,
                "quantity_done": 0,
                "exception_code": "",
                "reason": "",
                "data": {"slot": 1, "order": order.number, "kit_work_order": order.id},
                "created_at": now,
                "updated_at": now,
            }
        )
    ledger.post(
        session, "reserve", changes, actor=actor, reason="allocation", reference=order.number
    )
    insert_tasks(session, rows)
    # the bench is every task's destination (assign_tote keeps it)
    session.execute(
        update(Task)
        .where(Task.wave_id == wave.id)
        .values(to_location_id=order.bench_location_id)
        .execution_options(synchronize_session=False)
    )
    clusters.add_clusters(session, wave, [cluster], now)
    order.wave_id = wave.id
    order.status = S.RELEASED.value
    session.flush()
    units = sum(c.reserved for c in changes)
    audit.record(
        session, audit.KIT_ORDER_RELEASE, order.number, actor, tasks=len(rows), units=units
    )
    return ReleaseResult(order.number, wave.code, len(rows), units)


def _give_back(session: Session, order: KitWorkOrder, actor: Actor) -> None:
    """Cancel the work order's picks not done: their reservations released, clusters and
    waves closed."""
    waves = _waves_of(session, order)
    changes: list[Change] = []
    picked_waves = set(
        session.scalars(
            select(Task.wave_id).where(
                Task.wave_id.in_([w.id for w in waves]), Task.quantity_done > 0
            )
        )
    )
    for task in session.scalars(
        select(Task)
        .where(Task.wave_id.in_([w.id for w in waves]), Task.status.in_(LIVE))
        .with_for_update()
    ):
        remaining = task.quantity - task.quantity_done
        if remaining > 0:
            key = StockKey(
                task.from_location_id,  # type: ignore[arg-type]
                task.item_id,  # type: ignore[arg-type]
                task.lot,
                task.expiry,
                task.container_id,
            )
            changes.append(Change(key, 0, -remaining))
        task.status = TaskStatus.CANCELLED.value
    if changes:
        ledger.post(
            session, "release", changes, actor=actor, reason="deallocation", reference=order.number
        )
    for wave in waves:
        clusters.set_wave_clusters(
            session,
            wave.id,
            (ClusterStatus.OPEN.value, ClusterStatus.CLAIMED.value, ClusterStatus.HELD.value),
            ClusterStatus.CANCELLED.value if changes else ClusterStatus.DONE.value,
        )
        if wave.status == WaveStatus.RELEASED.value:
            # a wave nothing was picked from is cancelled, not "complete 0/0"
            picked = wave.id in picked_waves
            wave.status = WaveStatus.DONE.value if picked else WaveStatus.CANCELLED.value
    session.flush()


def _waves_of(session: Session, order: KitWorkOrder) -> list[Wave]:
    codes = [f"{order.number}-R{n}" for n in range(1, order.releases + 1)]
    return list(session.scalars(select(Wave).where(Wave.code.in_(codes)))) if codes else []


def tote_ids(session: Session, order: KitWorkOrder) -> list[int]:
    """The totes the work order's picks went into."""
    waves = [w.id for w in _waves_of(session, order)]
    if not waves:
        return []
    return sorted(
        {
            cid
            for (cid,) in session.execute(
                select(Task.to_container_id).where(
                    Task.wave_id.in_(waves), Task.to_container_id.is_not(None)
                )
            )
        }
    )


def put_away_leftovers(session: Session, order: KitWorkOrder) -> int:
    """Everything still in the work order's totes at the bench goes on put-away tasks
    (one per balance, unless one is open for it already). Returns how many tasks."""
    totes = tote_ids(session, order)
    made = 0
    if not totes:
        return 0
    for balance in session.scalars(
        select(Balance).where(
            Balance.location_id == order.bench_location_id,
            Balance.container_id.in_(totes),
            Balance.quantity > Balance.reserved,
        )
    ):
        made += putaway_task(session, order, ledger.key_of(balance), balance.quantity)
    return made


def putaway_task(session: Session, order: KitWorkOrder, key: StockKey, quantity: int) -> int:
    """A put-away task for `quantity` at `key` (the bench), unless one is open for the key."""
    open_task = session.scalar(
        select(Task.id).where(
            Task.kind == TaskKind.PUTAWAY.value,
            Task.status.in_((TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value)),
            Task.from_location_id == key.location_id,
            Task.item_id == key.item_id,
            Task.lot == key.lot,
            Task.container_id.is_(None)
            if key.container_id is None
            else Task.container_id == key.container_id,
        )
    )
    if open_task is not None:
        task = session.get(Task, open_task)
        assert task is not None
        task.quantity = max(task.quantity, quantity)
        session.flush()
        return 0
    session.add(
        Task(
            warehouse_id=order.warehouse_id,
            kind=TaskKind.PUTAWAY.value,
            status=TaskStatus.OPEN.value,
            item_id=key.item_id,
            lot=key.lot,
            expiry=key.expiry,
            from_location_id=key.location_id,
            container_id=key.container_id,
            quantity=quantity,
            quantity_done=0,
            reason=order.number,
            data={"kit_work_order": order.number},
        )
    )
    session.flush()
    return 1


def park_work_order(session: Session, number: str, *, actor: Actor = SYSTEM) -> WorkOrderView:
    """Stop for today: picks not done are given back, what is left at the bench is put away;
    the work order is planned again for the kits still to build (complete if none). The
    kitter stops at the bench too (partial completion); a supervisor releases it again."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value, Role.KITTER.value)
    order = work_order(session, number, lock=True)
    if order.status != S.RELEASED.value:
        raise Conflict(
            _(
                "Kit work order {number} is {status}; only a released one can be parked",
                number=order.number,
                status=status_label(order.status),
            ),
            expected=_("a released kit work order"),
        )
    _give_back(session, order, actor)
    put_away_leftovers(session, order)
    order.progress = {}
    if order.quantity_done >= order.quantity:
        order.status, order.closed_at = S.DONE.value, utcnow()
    else:
        order.status = S.PLANNED.value
    session.flush()
    audit.record(session, audit.KIT_ORDER_PARK, order.number, actor, done=order.quantity_done)
    return view(session, order)


def cancel_work_order(session: Session, number: str, *, actor: Actor = SYSTEM) -> WorkOrderView:
    """No more kits from this work order: picks given back, leftovers put away; the kits
    already built stay."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    order = work_order(session, number, lock=True)
    if order.status not in (S.PLANNED.value, S.RELEASED.value):
        raise Conflict(
            _(
                "Kit work order {number} is {status}; it cannot be cancelled",
                number=order.number,
                status=status_label(order.status),
            ),
            expected=_("a planned or released kit work order"),
        )
    _give_back(session, order, actor)
    put_away_leftovers(session, order)
    order.progress = {}
    order.status = S.CANCELLED.value if order.quantity_done == 0 else S.CLOSED_SHORT.value
    order.closed_at = utcnow()
    session.flush()
    audit.record(session, audit.KIT_ORDER_CANCEL, order.number, actor, done=order.quantity_done)
    return view(session, order)


def order_for_tote(session: Session, tote_code: str) -> KitWorkOrder | None:
    """The work order whose components went into this tote (its latest release)."""
    tote = session.scalar(select(Container.id).where(Container.code == tote_code))
    if tote is None:
        return None
    number = session.scalar(
        select(Wave.rules)
        .join(Task, Task.wave_id == Wave.id)
        .where(Task.to_container_id == tote, Task.kind == TaskKind.PICK.value)
        .order_by(Task.id.desc())
        .limit(1)
    )
    if not number or "kit_work_order" not in number:
        return None
    return session.scalars(
        select(KitWorkOrder).where(KitWorkOrder.number == number["kit_work_order"])
    ).one_or_none()


__all__ = [
    "ReleaseResult",
    "Shortfall",
    "WorkOrderView",
    "bench_location",
    "cancel_work_order",
    "create_work_order",
    "list_work_orders",
    "order_for_tote",
    "park_work_order",
    "put_away_leftovers",
    "release_work_order",
    "status_label",
    "view",
    "work_order",
]
