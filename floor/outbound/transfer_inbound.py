"""A transfer's inbound order follows what its source order really shipped.

A transfer (floor.transfers) is a sales order here and an inbound order at the destination
warehouse, linked by the `transfer_orders` table. When the last carton of a transfer's order
ships (the order is `shipped`) and some line shipped less than it ordered (closed short at
picking or packing), the destination expects what shipped, not what was ordered: its
inbound lines are set to the units shipped (a line nothing of which shipped and nothing of
which was received is dropped), so receiving, the receipt's discrepancies and the stock in
transit count against what is on the truck. Outbound never imports floor.transfers: this
reads and writes the two orders' tables, in the shipping transaction.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.models import (
    RECEIVABLE_PO_STATUSES,
    OrderStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptLine,
    SalesOrder,
    SalesOrderLine,
    TransferOrder,
)

CHANNEL = "transfer"  # the channel of a transfer's sales order (floor.transfers)


def settle_shipped(session: Session, order: SalesOrder, lines: list[SalesOrderLine]) -> bool:
    """Once the transfer order `order` is fully shipped, its inbound order at the destination
    expects what shipped per item. True when an inbound line changed."""
    if order.channel != CHANNEL or order.status != OrderStatus.SHIPPED.value:
        return False
    inbound_id = session.scalar(
        select(TransferOrder.purchase_order_id).where(TransferOrder.sales_order_id == order.id)
    )
    if inbound_id is None:
        return False
    shipped: dict[int, int] = defaultdict(int)
    for line in lines:
        shipped[line.item_id] += line.quantity_shipped
    inbound = session.get(PurchaseOrder, inbound_id, with_for_update=True)
    assert inbound is not None
    changed = False
    for po_line in list(
        session.scalars(
            select(PurchaseOrderLine)
            .where(PurchaseOrderLine.purchase_order_id == inbound_id)
            .order_by(PurchaseOrderLine.line_no)
            .with_for_update()
        )
    ):
        # one line per item on a transfer; a second one of the same item gets what is left
        expected = max(shipped[po_line.item_id], po_line.quantity_received)
        shipped[po_line.item_id] -= min(expected, shipped[po_line.item_id])
        if expected == po_line.quantity_ordered:
            continue
        changed = True
        if expected == 0:  # nothing shipped, nothing received (else expected > 0)
            used = session.scalar(
                select(ReceiptLine.id)
                .where(ReceiptLine.purchase_order_line_id == po_line.id)
                .limit(1)
            )
            if used is None:
                session.delete(po_line)
            continue
        po_line.quantity_ordered = expected
    session.flush()
    if changed and inbound.status in RECEIVABLE_PO_STATUSES:
        remaining = session.scalars(
            select(PurchaseOrderLine).where(PurchaseOrderLine.purchase_order_id == inbound_id)
        ).all()
        if remaining and all(x.quantity_received >= x.quantity_ordered for x in remaining):
            inbound.status = "received"
    return changed


__all__ = ["settle_shipped"]
