"""Stock in transit to a warehouse: units shipped to it on transfers, not yet received.

Read from a transfer's two orders (floor.transfers): units shipped on its sales order at the
source less units received against its inbound order at the destination, per item. It is no
balance and no location, so it cannot drift from the orders. One function, so `floor stock
--low`, the board's stock alerts, the API's low-stock list and purchasing's suggestions all
count the same units as on their way. It imports only the models, so planning may use it.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.models import PurchaseOrder, PurchaseOrderLine, SalesOrderLine, TransferOrder

FINISHED = ("received", "cancelled")  # inbound order statuses with nothing left to come


def incoming(session: Session, warehouse_id: int) -> dict[int, int]:
    """Units in transit to `warehouse_id` per item id: shipped on transfers to it and not
    yet received there. What `floor stock --low`, the board's stock alerts and purchasing's
    suggestions all count as on its way (one function, so they agree)."""
    # only transfers still on their way: a received or cancelled inbound order has nothing in
    # transit, so the read does not grow with the history of transfers
    transfers = (
        select(TransferOrder.sales_order_id, TransferOrder.purchase_order_id)
        .join(PurchaseOrder, PurchaseOrder.id == TransferOrder.purchase_order_id)
        .where(
            TransferOrder.to_warehouse_id == warehouse_id,
            PurchaseOrder.status.notin_(FINISHED),
        )
    )
    pairs = session.execute(transfers).all()
    if not pairs:
        return {}
    by_order = {order_id: inbound_id for order_id, inbound_id in pairs}
    shipped: dict[tuple[int, int], int] = defaultdict(int)
    received: dict[tuple[int, int], int] = defaultdict(int)
    ids = list(by_order)
    for at in range(0, len(ids), 1000):
        chunk = ids[at : at + 1000]
        for order_id, item_id, units in session.execute(
            select(
                SalesOrderLine.order_id,
                SalesOrderLine.item_id,
                func.sum(SalesOrderLine.quantity_shipped),
            )
            .where(SalesOrderLine.order_id.in_(chunk), SalesOrderLine.quantity_shipped > 0)
            .group_by(SalesOrderLine.order_id, SalesOrderLine.item_id)
        ):
            shipped[(by_order[order_id], item_id)] += int(units or 0)
        inbound_ids = [by_order[order_id] for order_id in chunk]
        for inbound_id, item_id, units in session.execute(
            select(
                PurchaseOrderLine.purchase_order_id,
                PurchaseOrderLine.item_id,
                func.sum(PurchaseOrderLine.quantity_received),
            )
            .where(
                PurchaseOrderLine.purchase_order_id.in_(inbound_ids),
                PurchaseOrderLine.quantity_received > 0,
            )
            .group_by(PurchaseOrderLine.purchase_order_id, PurchaseOrderLine.item_id)
        ):
            received[(inbound_id, item_id)] += int(units or 0)
    totals: dict[int, int] = defaultdict(int)
    for (inbound_id, item_id), units in shipped.items():
        left = units - received.get((inbound_id, item_id), 0)
        if left > 0:
            totals[item_id] += left
    return dict(totals)


__all__ = ["incoming"]
