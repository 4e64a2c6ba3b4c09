"""Cancelling one order nobody has picked from: its reservations go back, its picks go away.

The order-sized cousin of cancelling a wave (floor.outbound.waves.cancel_wave): the order's
live pick tasks are cancelled and what they reserved is released through the ledger, its
lines and the order become `cancelled`; the other orders of its wave are not touched. An
order with anything picked or shipped is refused, naming how much: its units are in a tote
or on a truck, and cancelling would not bring them back to a shelf.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.errors import Conflict
from floor.i18n import _
from floor.models import (
    OrderStatus,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
    Wave,
    WaveStatus,
)
from floor.outbound import clusters
from floor.outbound.wave_progress import complete_wave_if_done
from floor.outbound.waves import cancel_live_picks
from floor.stock.ledger import SYSTEM, Actor

SHIPPED_STATUSES = (OrderStatus.SHIPPED.value, OrderStatus.PARTIALLY_SHIPPED.value)


@dataclass(frozen=True)
class CancelledOrder:
    number: str
    tasks_cancelled: int
    units_released: int


def check_cancellable(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    """Conflict naming why the order cannot be cancelled: already cancelled, shipped or
    picked."""
    if order.status == OrderStatus.CANCELLED.value:
        raise Conflict(
            _("Order {number} is already cancelled", number=order.number),
            expected=_("an order not cancelled"),
        )
    shipped = sum(line.quantity_shipped for line in lines)
    if shipped or order.status in SHIPPED_STATUSES:
        raise Conflict(
            _(
                "Order {number}: {units} units already shipped; a shipped order cannot be "
                "cancelled",
                number=order.number,
                units=shipped,
            ),
            expected=_("an order with nothing shipped"),
        )
    picked = sum(line.quantity_picked for line in lines)
    if picked:
        raise _picked(order, picked)


def _picked(order: SalesOrder, units: int) -> Conflict:
    return Conflict(
        _(
            "Order {number}: {units} units already picked; put them back to stock before "
            "cancelling",
            number=order.number,
            units=units,
        ),
        expected=_("an order with nothing picked"),
    )


def cancel_order(
    session: Session, order_id: int, *, actor: Actor = SYSTEM, reason: str = ""
) -> CancelledOrder:
    """Cancel the order `order_id` in the caller's transaction (see the module). The caller
    checks who may and records the audit entry; refusals change nothing."""
    order = session.get(SalesOrder, order_id, with_for_update=True, populate_existing=True)
    assert order is not None
    lines = list(
        session.scalars(
            select(SalesOrderLine)
            .where(SalesOrderLine.order_id == order.id)
            .order_by(SalesOrderLine.line_no)
            .with_for_update()
        )
    )
    check_cancellable(order, lines)
    tasks = list(
        session.scalars(
            select(Task)
            .where(
                Task.order_line_id.in_([line.id for line in lines]),
                Task.kind == TaskKind.PICK.value,
            )
            .order_by(Task.id)
            .with_for_update()
        )
    )
    if any(task.quantity_done > 0 for task in tasks):
        raise _picked(order, sum(task.quantity_done for task in tasks))
    live, released = cancel_live_picks(
        session,
        tasks,
        actor=actor,
        reason=reason or "order cancelled",
        reference=order.number,
    )
    for line in lines:
        line.quantity_allocated, line.status = 0, "cancelled"
    order.status = OrderStatus.CANCELLED.value
    wave_id = order.wave_id
    if wave_id is not None and not tasks:
        order.wave_id = None  # a planned wave: it no longer takes the order
    session.flush()
    if wave_id is not None and live:
        wave = session.get(Wave, wave_id)
        if wave is not None and wave.status == WaveStatus.RELEASED.value:
            complete_wave_if_done(session, wave_id)
        for code in sorted({task.cluster for task in live if task.cluster}):
            clusters.settle(session, wave_id, code)
    return CancelledOrder(order.number, len(live), released)


__all__ = ["CancelledOrder", "cancel_order", "check_cancellable"]
