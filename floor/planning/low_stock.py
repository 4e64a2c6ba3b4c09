"""Items under their reorder point in a warehouse: the typed one (`items.reorder_point`) where
an item has it, else the one planning last computed (`computed_reorder_points`, written by
`floor purchasing reorder-points` and `floor purchasing create`).

The supervisor board's stock alerts show these; `low_stock_items` is also what an alert
sender (the API's low-stock webhook) calls. On hand is every unit of the item in the
warehouse, as the board has always counted it; in transit is what transfers from another
warehouse shipped to it and it has not received yet (floor.transfers.incoming, the same
count as `floor stock --low` and purchasing's suggestions): an item is low when on hand and
in transit together are below its point, so one already on its way is not. On order is what
open purchase orders (and transfers not shipped yet) still bring, so an alert can say
whether it is already being bought. Kits are built, not bought: left out. Read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.models import (
    RECEIVABLE_PO_STATUSES,
    Balance,
    ComputedReorderPoint,
    Item,
    Location,
    PurchaseOrder,
    PurchaseOrderLine,
    Warehouse,
)
from floor.transit import incoming


@dataclass(frozen=True)
class LowStockItem:
    sku: str
    description: str
    on_hand: int
    reserved: int
    on_order: int
    reorder_point: int
    computed: bool  # the reorder point is planning's, not typed in
    in_transit: int = 0  # shipped here on transfers, not yet received

    def to_json(self) -> dict[str, object]:
        return {
            "sku": self.sku,
            "description": self.description,
            "on_hand": self.on_hand,
            "reserved": self.reserved,
            "on_order": self.on_order,
            "in_transit": self.in_transit,
            "reorder_point": self.reorder_point,
            "reorder_point_source": "computed" if self.computed else "typed",
        }


def _warehouse_id(session: Session, warehouse: int | str) -> int:
    if isinstance(warehouse, int):
        return warehouse
    from floor.stock.stock_report import find_warehouse

    return find_warehouse(session, warehouse)


def low_stock_items(
    session: Session, warehouse: int | str, *, limit: int | None = None
) -> list[LowStockItem]:
    """Items whose on-hand units in `warehouse` (its id or code), with those in transit to
    it, are below their reorder point, furthest below first (then by SKU); at most `limit`."""
    warehouse_id = _warehouse_id(session, warehouse)
    coming = incoming(session, warehouse_id)
    held = (
        select(
            Balance.item_id,
            func.sum(Balance.quantity).label("on_hand"),
            func.sum(Balance.reserved).label("reserved"),
        )
        .join(Location, Location.id == Balance.location_id)
        .where(Location.warehouse_id == warehouse_id)
        .group_by(Balance.item_id)
        .subquery()
    )
    outstanding = PurchaseOrderLine.quantity_ordered - PurchaseOrderLine.quantity_received
    ordered = (
        select(PurchaseOrderLine.item_id, func.sum(outstanding).label("on_order"))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(
            PurchaseOrder.warehouse_id == warehouse_id,
            PurchaseOrder.status.in_(RECEIVABLE_PO_STATUSES),
            outstanding > 0,
        )
        .group_by(PurchaseOrderLine.item_id)
        .subquery()
    )
    computed = (
        select(ComputedReorderPoint.item_id, ComputedReorderPoint.reorder_point)
        .where(ComputedReorderPoint.warehouse_id == warehouse_id)
        .subquery()
    )
    have = func.coalesce(held.c.on_hand, 0)
    point = func.coalesce(Item.reorder_point, computed.c.reorder_point)
    stmt = (
        select(
            Item.id,
            Item.sku,
            Item.description,
            have,
            func.coalesce(held.c.reserved, 0),
            func.coalesce(ordered.c.on_order, 0),
            point,
            Item.reorder_point.is_(None),
        )
        .outerjoin(held, held.c.item_id == Item.id)
        .outerjoin(ordered, ordered.c.item_id == Item.id)
        .outerjoin(computed, computed.c.item_id == Item.id)
        .where(point.is_not(None), Item.is_kit.is_(False), have < point)
        .order_by(have - point, Item.sku)
    )
    if limit is not None and not coming:
        stmt = stmt.limit(limit)
    found = []
    for item_id, sku, description, n, r, o, p, c in session.execute(stmt):
        transit = coming.get(item_id, 0)
        if int(n) + transit >= int(p):
            continue
        on_order = max(int(o) - transit, 0)  # an open transfer's inbound order counts both
        found.append(
            LowStockItem(sku, description, int(n), int(r), on_order, int(p), bool(c), transit)
        )
    found.sort(key=lambda x: (x.on_hand + x.in_transit - x.reorder_point, x.sku))
    return found[:limit] if limit is not None else found


def warehouse_codes(session: Session) -> list[str]:
    """Every warehouse's code (an alert sender checks each)."""
    return list(session.scalars(select(Warehouse.code).order_by(Warehouse.code)))
