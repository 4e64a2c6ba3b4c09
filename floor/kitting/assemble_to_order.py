"""Assemble to order: a wave short of finished kits orders them built.

Registered with floor.outbound.make_to_order when floor.kitting is imported. For a kit whose
rule says assemble to order, the shortfall of an order becomes a kit work order (planned,
due the order's ship-by date, linked to the order); the order then leaves the wave to wait
for it. An order already waiting on an open work order of that kit makes no second one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.kitting import work_orders
from floor.models import (
    Item,
    KitRule,
    KitWorkOrder,
    KitWorkOrderKind,
    KitWorkOrderStatus,
    SalesOrder,
)
from floor.outbound import make_to_order

OPEN = (KitWorkOrderStatus.PLANNED.value, KitWorkOrderStatus.RELEASED.value)


def make_kits(
    session: Session, warehouse_id: int, item_id: int, quantity: int, order_id: int
) -> bool:
    rule = session.get(KitRule, item_id)
    if rule is None or not rule.assemble_to_order or quantity <= 0:
        return False
    waiting = session.scalar(
        select(KitWorkOrder.id).where(
            KitWorkOrder.kit_item_id == item_id,
            KitWorkOrder.source_order_id == order_id,
            KitWorkOrder.kind == KitWorkOrderKind.KIT.value,
            KitWorkOrder.status.in_(OPEN),
        )
    )
    if waiting is not None:
        return True
    sku = session.scalar(select(Item.sku).where(Item.id == item_id))
    ship_by = session.scalar(select(SalesOrder.ship_by).where(SalesOrder.id == order_id))
    assert sku is not None
    work_orders.create_work_order(
        session, warehouse_id, sku, quantity, due=ship_by, source_order_id=order_id
    )
    return True


def register() -> None:
    make_to_order.register(make_kits)


__all__ = ["make_kits", "register"]
