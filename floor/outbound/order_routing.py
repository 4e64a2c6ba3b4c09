"""Order routing: choose the warehouse for orders that arrived without one.

An order goes to the warehouse that can ship it complete; when none can, to the one that
can ship the most units (ties: more complete lines, then the warehouse code). Stock counts
as available when it is free (on hand minus reserved) in an allocatable location (see
floor.outbound.allocation) and not expired, less what orders already routed there still need.
Orders are routed most urgent first, and each routed order uses up the stock it counts on,
so two orders never count on the same units. Orders no warehouse can ship at all stay
unrouted and are reported.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from floor.models import (
    Balance,
    Container,
    Location,
    OrderStatus,
    SalesOrder,
    SalesOrderLine,
    Warehouse,
    Zone,
)
from floor.outbound.allocation import (
    ALLOCATABLE_LOCATION_KINDS,
    ALLOCATABLE_ZONES,
    PICKED_CONTAINER_KINDS,
)

ROUTABLE_STATUSES = (OrderStatus.OPEN.value, OrderStatus.BACKORDERED.value)


@dataclass
class RoutingReport:
    routed: dict[str, str] = field(default_factory=dict)  # order number -> warehouse code
    complete: list[str] = field(default_factory=list)  # orders routed to ship complete
    partial: list[str] = field(default_factory=list)  # routed where most of it can ship
    unroutable: list[str] = field(default_factory=list)  # no stock anywhere


def available_by_warehouse(
    session: Session, today: dt.date | None = None
) -> dict[int, dict[int, int]]:
    """warehouse id -> item id -> units free to promise."""
    today = today or dt.date.today()
    free: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    stmt = (
        select(
            Location.warehouse_id,
            Balance.item_id,
            func.sum(Balance.quantity - Balance.reserved),
        )
        .join(Location, Location.id == Balance.location_id)
        .outerjoin(Zone, Zone.id == Location.zone_id)
        .outerjoin(Container, Container.id == Balance.container_id)
        .where(
            Location.blocked.is_(False),
            Location.kind.in_(ALLOCATABLE_LOCATION_KINDS),
            or_(Zone.id.is_(None), Zone.kind.in_(ALLOCATABLE_ZONES)),
            or_(Container.id.is_(None), Container.kind.notin_(PICKED_CONTAINER_KINDS)),
            or_(Balance.expiry.is_(None), Balance.expiry >= today),
        )
        .group_by(Location.warehouse_id, Balance.item_id)
    )
    for warehouse_id, item_id, units in session.execute(stmt):
        free[warehouse_id][item_id] += int(units or 0)
    # What orders already routed but not yet allocated will take.
    demand = (
        select(
            SalesOrder.warehouse_id,
            SalesOrderLine.item_id,
            func.sum(SalesOrderLine.quantity_ordered - SalesOrderLine.quantity_allocated),
        )
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .where(SalesOrder.warehouse_id.is_not(None), SalesOrder.status.in_(ROUTABLE_STATUSES))
        .group_by(SalesOrder.warehouse_id, SalesOrderLine.item_id)
    )
    for warehouse_id, item_id, units in session.execute(demand):
        free[warehouse_id][item_id] -= int(units or 0)
    return free


def route_orders(
    session: Session, order_ids: list[int] | None = None, today: dt.date | None = None
) -> RoutingReport:
    """Set the warehouse of open orders that have none (all of them, or `order_ids`)."""
    report = RoutingReport()
    query = (
        select(SalesOrder)
        .where(SalesOrder.warehouse_id.is_(None), SalesOrder.status.in_(ROUTABLE_STATUSES))
        .order_by(
            SalesOrder.priority.desc(),
            SalesOrder.cutoff_at.nulls_last(),
            SalesOrder.ship_by.nulls_last(),
            SalesOrder.id,
        )
    )
    if order_ids is not None:
        query = query.where(SalesOrder.id.in_(order_ids))
    orders = list(session.scalars(query.with_for_update(skip_locked=True)))
    if not orders:
        return report
    codes = dict(session.execute(select(Warehouse.id, Warehouse.code)).all())
    free = available_by_warehouse(session, today)
    lines: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for order_id, item_id, qty in session.execute(
        select(SalesOrderLine.order_id, SalesOrderLine.item_id, SalesOrderLine.quantity_ordered)
        .where(SalesOrderLine.order_id.in_([o.id for o in orders]))
        .order_by(SalesOrderLine.order_id, SalesOrderLine.line_no)
    ):
        lines[order_id].append((item_id, qty))
    for order in orders:
        wanted = lines.get(order.id, [])
        best: tuple | None = None
        for warehouse_id, code in sorted(codes.items(), key=lambda kv: kv[1]):
            stock = free[warehouse_id]
            units = sum(min(max(stock.get(item, 0), 0), qty) for item, qty in wanted)
            complete_lines = sum(1 for item, qty in wanted if stock.get(item, 0) >= qty)
            ships_complete = bool(wanted) and complete_lines == len(wanted)
            score = (ships_complete, units, complete_lines)
            if units > 0 and (best is None or score > best[0]):
                best = (score, warehouse_id, code)
        if best is None:
            report.unroutable.append(order.number)
            continue
        (ships_complete, _units, _lines), warehouse_id, code = best
        order.warehouse_id = warehouse_id
        for item, qty in wanted:
            free[warehouse_id][item] -= qty
        report.routed[order.number] = code
        (report.complete if ships_complete else report.partial).append(order.number)
    session.flush()
    return report
