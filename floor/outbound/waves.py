"""Waves: build from open orders by rules, hold, cancel.

A supervisor builds a wave from the warehouse's open (and backordered) orders that match the
rules (carrier, cut-off, priority, ship-by, zone, caps on orders, lines and volume); the wave
is planned until it is released (floor.outbound.wave_release). Holding stops handing out its
carts; cancelling a wave nobody has picked from gives its reservations back through the
ledger and opens its orders again. Progress views are floor.outbound.wave_progress.

Priority: a higher number is more urgent (WaveRules.min_priority keeps orders at or above).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from floor import audit
from floor.errors import Conflict, NotFound
from floor.i18n import N_, _, by_status
from floor.models import (
    Balance,
    ClusterStatus,
    Item,
    Location,
    OrderStatus,
    Role,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
    TaskStatus,
    Wave,
    WaveStatus,
    Zone,
    utcnow,
    wave_status_label,
)
from floor.operators import require_role
from floor.outbound import clusters
from floor.stock import ledger
from floor.stock.ledger import SYSTEM, Actor, Change, StockKey

WAVEABLE_STATUSES = (OrderStatus.OPEN.value, OrderStatus.BACKORDERED.value)
LIVE_TASK_STATUSES = (
    TaskStatus.OPEN.value,
    TaskStatus.ASSIGNED.value,
    TaskStatus.IN_PROGRESS.value,
)


@dataclass(frozen=True)
class WaveRules:
    """Which open orders go into a wave. Every rule left None does not filter."""

    carrier: str | None = None
    cutoff_before: dt.datetime | None = None
    min_priority: int | None = None
    ship_by_before: dt.date | None = None
    zone: str | None = None
    max_orders: int | None = None
    max_lines: int | None = None
    max_volume_l: float | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("cutoff_before", "ship_by_before"):
            if data[name] is not None:
                data[name] = data[name].isoformat()
        return {k: v for k, v in data.items() if v is not None}


def _wave(session: Session, wave: int | str, *, lock: bool = True) -> Wave:
    column = Wave.id if isinstance(wave, int) else Wave.code
    query = select(Wave).where(column == wave)
    if lock:
        query = query.with_for_update()
    found = session.scalars(query).one_or_none()
    if found is None:
        raise NotFound(_("No wave {wave}", wave=wave), expected=_("a wave code"))
    return found


def _next_code(session: Session, now: dt.datetime) -> str:
    prefix = f"W{now:%y%m%d}-"
    last = session.scalar(select(func.max(Wave.code)).where(Wave.code.like(f"{prefix}%")))
    number = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{number:03d}"


def _unit_volume_l(item: Item) -> float:
    if item.length_mm and item.width_mm and item.height_mm:
        return item.length_mm * item.width_mm * item.height_mm / 1_000_000
    return 0.0


def build_wave(
    session: Session,
    warehouse_id: int,
    rules: WaveRules,
    actor: Actor = SYSTEM,
    *,
    code: str | None = None,
    route_unrouted: bool = True,
) -> Wave:
    """A planned wave with the open orders of the warehouse that match `rules`.

    Orders without a warehouse are routed first (floor.outbound.order_routing). Orders are
    taken most urgent first (priority, cut-off, ship-by, age); an order that would break the
    line or volume cap is passed over for smaller ones behind it. Refused when no order matches.
    """
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    if route_unrouted:
        from floor.outbound.order_routing import route_orders

        route_orders(session)
    query = select(SalesOrder).where(
        SalesOrder.warehouse_id == warehouse_id,
        SalesOrder.wave_id.is_(None),
        SalesOrder.status.in_(WAVEABLE_STATUSES),
    )
    if rules.carrier:
        query = query.where(SalesOrder.carrier == rules.carrier)
    if rules.cutoff_before is not None:
        query = query.where(SalesOrder.cutoff_at <= rules.cutoff_before)
    if rules.min_priority is not None:
        query = query.where(SalesOrder.priority >= rules.min_priority)
    if rules.ship_by_before is not None:
        query = query.where(SalesOrder.ship_by <= rules.ship_by_before)
    query = query.order_by(
        SalesOrder.priority.desc(),
        SalesOrder.cutoff_at.nulls_last(),
        SalesOrder.ship_by.nulls_last(),
        SalesOrder.created_at,
        SalesOrder.id,
    ).with_for_update(skip_locked=True)
    orders = list(session.scalars(query))
    if not orders:
        raise NotFound(
            _("No open orders match these wave rules"), expected=_("open orders to wave")
        )
    order_ids = [o.id for o in orders]
    lines_by_order: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start in range(0, len(order_ids), 5000):
        for order_id, item_id, qty in session.execute(
            select(
                SalesOrderLine.order_id, SalesOrderLine.item_id, SalesOrderLine.quantity_ordered
            ).where(SalesOrderLine.order_id.in_(order_ids[start : start + 5000]))
        ):
            lines_by_order[order_id].append((item_id, qty))
    item_ids = {item for lines in lines_by_order.values() for item, _q in lines}
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(item_ids)))}
    in_zone: set[int] | None = None
    if rules.zone and (
        session.scalar(
            select(Zone.id).where(Zone.warehouse_id == warehouse_id, Zone.code == rules.zone)
        )
        is None
    ):
        raise NotFound(
            _("No zone {zone} in this warehouse", zone=rules.zone),
            expected=_("a zone code of this warehouse"),
        )
    if rules.zone:
        in_zone = set(
            session.scalars(
                select(Balance.item_id)
                .join(Location, Location.id == Balance.location_id)
                .join(Zone, Zone.id == Location.zone_id)
                .where(
                    Zone.code == rules.zone,
                    Location.warehouse_id == warehouse_id,
                    Balance.quantity > Balance.reserved,
                )
                .distinct()
            )
        )
    chosen: list[SalesOrder] = []
    total_lines = 0
    total_volume = 0.0
    for order in orders:
        lines = lines_by_order.get(order.id, [])
        if not lines:
            continue
        if in_zone is not None and any(item not in in_zone for item, _q in lines):
            continue
        volume = sum(_unit_volume_l(items[item]) * qty for item, qty in lines)
        if rules.max_lines is not None and total_lines + len(lines) > rules.max_lines:
            continue
        if rules.max_volume_l is not None and total_volume + volume > rules.max_volume_l:
            continue
        chosen.append(order)
        total_lines += len(lines)
        total_volume += volume
        if rules.max_orders is not None and len(chosen) >= rules.max_orders:
            break
    if not chosen:
        raise NotFound(
            _("No open orders fit within the wave caps"), expected=_("larger caps or other rules")
        )
    now = utcnow()
    wave = Wave(
        code=code or _next_code(session, now),
        warehouse_id=warehouse_id,
        status=WaveStatus.PLANNED.value,
        rules={
            **rules.to_json(),
            "built_by": actor.operator_id,
            "orders": len(chosen),
            "lines": total_lines,
            "volume_l": round(total_volume, 3),
        },
        created_at=now,
    )
    session.add(wave)
    session.flush()
    chosen_ids = [o.id for o in chosen]
    for start in range(0, len(chosen_ids), 5000):
        session.execute(
            update(SalesOrder)
            .where(SalesOrder.id.in_(chosen_ids[start : start + 5000]))
            .values(wave_id=wave.id)
            .execution_options(synchronize_session=False)
        )
    _expire_stale(session)
    audit.record(
        session,
        audit.WAVE_BUILD,
        wave.code,
        actor,
        orders=len(chosen),
        lines=total_lines,
        volume_l=round(total_volume, 3),
        rules=rules.to_json(),
    )
    return wave


def _expire_stale(session: Session) -> None:
    """Bulk statements bypassed the identity map: expire the rows they may have changed."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, SalesOrder | SalesOrderLine | Task | Balance):
            session.expire(obj)


# --- hold, cancel ---------------------------------------------------------------------------------


# Why a wave cannot be held or cancelled: one sentence per status.
_NOT_HOLDABLE = {
    WaveStatus.HELD: N_("Wave {wave} is already held"),
    WaveStatus.CANCELLED: N_(
        "Wave {wave} is cancelled; only a planned or released wave can be held"
    ),
    WaveStatus.DONE: N_("Wave {wave} is complete; only a planned or released wave can be held"),
}
_NOT_CANCELLABLE = {
    WaveStatus.CANCELLED: N_("Wave {wave} is already cancelled"),
    WaveStatus.DONE: N_("Wave {wave} is already complete"),
}


def _refusal(wave: Wave, sentences: dict[WaveStatus, str], otherwise: str) -> str:
    return by_status(
        wave.status, sentences, otherwise, wave_status_label(wave.status), wave=wave.code
    )


def hold_wave(session: Session, wave: int | str, actor: Actor = SYSTEM) -> Wave:
    """Stop handing out the wave's carts. Carts already on the floor are finished."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    found = _wave(session, wave)
    if found.status not in (WaveStatus.PLANNED.value, WaveStatus.RELEASED.value):
        raise Conflict(
            _refusal(
                found,
                _NOT_HOLDABLE,
                N_("Wave {wave}: {status}; only a planned or released wave can be held"),
            ),
            expected=_("a planned or released wave"),
        )
    audit.record(session, audit.WAVE_HOLD, found.code, actor, was=found.status)
    found.status = WaveStatus.HELD.value
    clusters.set_wave_clusters(
        session, found.id, (ClusterStatus.OPEN.value,), ClusterStatus.HELD.value
    )
    session.flush()
    return found


def cancel_live_picks(
    session: Session, tasks: list[Task], *, actor: Actor, reason: str, reference: str
) -> tuple[list[Task], int]:
    """Cancel the live ones among the pick `tasks` (none picked from), what they reserved
    released in one ledger posting; returns them and the units released."""
    live = [t for t in tasks if t.status in LIVE_TASK_STATUSES]
    changes = [
        Change(
            StockKey(t.from_location_id, t.item_id, t.lot, t.expiry, t.container_id), 0, -t.quantity
        )
        for t in live
        if t.quantity > 0 and t.from_location_id is not None
    ]
    if changes:
        ledger.post(session, "release", changes, actor=actor, reason=reason, reference=reference)
    if live:
        session.execute(
            update(Task)
            .where(Task.id.in_([t.id for t in live]))
            .values(status=TaskStatus.CANCELLED.value, assignee_id=None, updated_at=utcnow())
            .execution_options(synchronize_session="evaluate")
        )
    return live, -sum(c.reserved for c in changes)


def cancel_wave(session: Session, wave: int | str, actor: Actor = SYSTEM) -> Wave:
    """Cancel a wave nobody has picked from: its reservations go back through the ledger,
    its tasks are cancelled and its orders are open again."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    found = _wave(session, wave)
    if found.status in (WaveStatus.CANCELLED.value, WaveStatus.DONE.value):
        raise Conflict(
            _refusal(
                found,
                _NOT_CANCELLABLE,
                N_("Wave {wave}: {status}; only a planned, released or held wave can be cancelled"),
            ),
            expected=_("a planned, released or held wave"),
        )
    tasks = list(
        session.scalars(
            select(Task)
            .where(Task.wave_id == found.id, Task.kind == TaskKind.PICK.value)
            .with_for_update()
        )
    )
    if any(t.quantity_done > 0 for t in tasks):
        raise Conflict(
            _("Wave {wave} is being picked; hold it instead of cancelling", wave=found.code),
            expected=_("a wave with nothing picked"),
        )
    live, released = cancel_live_picks(
        session, tasks, actor=actor, reason="wave cancelled", reference=found.code
    )
    order_ids = list(session.scalars(select(SalesOrder.id).where(SalesOrder.wave_id == found.id)))
    if order_ids:
        session.execute(
            update(SalesOrderLine)
            .where(SalesOrderLine.order_id.in_(order_ids))
            .values(quantity_allocated=0, status="open")
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(SalesOrder)
            .where(SalesOrder.id.in_(order_ids))
            .values(wave_id=None, status=OrderStatus.OPEN.value)
            .execution_options(synchronize_session=False)
        )
    audit.record(
        session,
        audit.WAVE_CANCEL,
        found.code,
        actor,
        was=found.status,
        tasks_cancelled=len(live),
        units_released=released,
        orders_reopened=len(order_ids),
    )
    found.status = WaveStatus.CANCELLED.value
    clusters.set_wave_clusters(
        session,
        found.id,
        (ClusterStatus.OPEN.value, ClusterStatus.CLAIMED.value, ClusterStatus.HELD.value),
        ClusterStatus.CANCELLED.value,
    )
    session.flush()
    _expire_stale(session)
    return found
