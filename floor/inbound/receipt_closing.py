"""Closing a receipt: what arrived against what the purchase order said.

Closing records the receipt's discrepancies against the PO, per item: short (fewer received
than ordered), over (more, within the tolerance) and unexpected (not on the PO at all); the
PO is then received, or partial when something is still short. A blind receipt has none.
Closing twice returns the discrepancies recorded the first time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.inbound.receiving import RECEIVING_ROLES, _receipt_and_order
from floor.models import Item, PurchaseOrder, Receipt, ReceiptLine, utcnow
from floor.operators import require_role
from floor.stock.idempotency import once
from floor.stock.ledger import Actor


@dataclass(frozen=True)
class ReceiptClosed:
    number: str
    discrepancies: list[dict]  # kind short|over|unexpected, sku, ordered, received


def close_receipt(
    session: Session, receipt_id: int, *, actor: Actor, scan_id: str | None = None
) -> ReceiptClosed:
    """Close the receipt; record and return its discrepancies against the PO (short, over,
    unexpected items). A blind receipt has none."""
    require_role(session, actor.operator_id, *RECEIVING_ROLES)

    def work() -> dict:
        # the receipt locked, with its order and the order's lines, in one read
        receipt, order = _receipt_and_order(session, receipt_id, lock=True)
        if receipt.status != "open":
            return {"number": receipt.number, "discrepancies": list(receipt.discrepancies or [])}
        discrepancies = _discrepancies(session, receipt, order)
        if order is not None:
            complete = all(received >= ordered for ordered, received in _totals(order).values())
            order.status = "received" if complete else "partial"
        receipt.discrepancies = discrepancies
        receipt.status = "closed"
        receipt.closed_at = utcnow()
        session.flush()
        return {"number": receipt.number, "discrepancies": discrepancies}

    result, _replayed = once(session, scan_id, "receiving.close", work)
    return ReceiptClosed(**result)


def discrepancies_of(session: Session, receipt_id: int) -> list[dict]:
    """What closing the receipt now would record (asked before closing); changes nothing."""
    receipt, order = _receipt_and_order(session, receipt_id)
    if receipt.status != "open":
        return list(receipt.discrepancies or [])
    return _discrepancies(session, receipt, order)


def _totals(order: PurchaseOrder) -> dict[int, list[int]]:
    """Ordered and received per item of the PO."""
    totals: dict[int, list[int]] = {}
    for line in order.lines:
        slot = totals.setdefault(line.item_id, [0, 0])
        slot[0] += line.quantity_ordered
        slot[1] += line.quantity_received
    return totals


def _discrepancies(session: Session, receipt: Receipt, order: PurchaseOrder | None) -> list[dict]:
    """Short and over items of `order` (by its lines), then the items not on it (by item);
    the SKUs of short and over items read together, not an item at a time."""
    if order is None:
        return []
    discrepancies = [
        {
            "kind": "short" if received < ordered else "over",
            "sku": item_id,  # the item's SKU, filled in below
            "ordered": ordered,
            "received": received,
        }
        for item_id, (ordered, received) in _totals(order).items()
        if received != ordered
    ]
    if discrepancies:
        skus = dict(
            session.execute(
                select(Item.id, Item.sku).where(Item.id.in_([d["sku"] for d in discrepancies]))
            ).all()
        )
        for d in discrepancies:
            d["sku"] = skus.get(d["sku"], str(d["sku"]))
    for sku, quantity in session.execute(
        select(Item.sku, func.sum(ReceiptLine.quantity))
        .join(Item, Item.id == ReceiptLine.item_id)
        .where(
            ReceiptLine.receipt_id == receipt.id,
            ReceiptLine.purchase_order_line_id.is_(None),
        )
        .group_by(ReceiptLine.item_id, Item.sku)
        .order_by(ReceiptLine.item_id)
    ):
        discrepancies.append(
            {"kind": "unexpected", "sku": sku, "ordered": 0, "received": int(quantity)}
        )
    return discrepancies
