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

from floor.inbound.receiving import RECEIVING_ROLES, _receipt
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
        receipt = _receipt(session, receipt_id, lock=True)
        if receipt.status != "open":
            return {"number": receipt.number, "discrepancies": list(receipt.discrepancies or [])}
        discrepancies = _discrepancies(session, receipt)
        order = (
            session.get(PurchaseOrder, receipt.purchase_order_id)
            if receipt.purchase_order_id
            else None
        )
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
    receipt = _receipt(session, receipt_id)
    if receipt.status != "open":
        return list(receipt.discrepancies or [])
    return _discrepancies(session, receipt)


def _totals(order: PurchaseOrder) -> dict[int, list[int]]:
    """Ordered and received per item of the PO."""
    totals: dict[int, list[int]] = {}
    for line in order.lines:
        slot = totals.setdefault(line.item_id, [0, 0])
        slot[0] += line.quantity_ordered
        slot[1] += line.quantity_received
    return totals


def _discrepancies(session: Session, receipt: Receipt) -> list[dict]:
    discrepancies: list[dict] = []
    order = (
        session.get(PurchaseOrder, receipt.purchase_order_id) if receipt.purchase_order_id else None
    )
    if order is None:
        return discrepancies
    for item_id, (ordered, received) in _totals(order).items():
        if received != ordered:
            discrepancies.append(
                _discrepancy(
                    session, "short" if received < ordered else "over", item_id, ordered, received
                )
            )
    for item_id, quantity in session.execute(
        select(ReceiptLine.item_id, func.sum(ReceiptLine.quantity))
        .where(
            ReceiptLine.receipt_id == receipt.id,
            ReceiptLine.purchase_order_line_id.is_(None),
        )
        .group_by(ReceiptLine.item_id)
        .order_by(ReceiptLine.item_id)
    ):
        discrepancies.append(_discrepancy(session, "unexpected", item_id, 0, int(quantity)))
    return discrepancies


def _discrepancy(session: Session, kind: str, item_id: int, ordered: int, received: int) -> dict:
    item = session.get(Item, item_id)
    return {
        "kind": kind,
        "sku": item.sku if item else str(item_id),
        "ordered": ordered,
        "received": received,
    }
