"""Demand history for planning tests: shipments and returns through the ledger, dated."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from floor.db import session_scope
from floor.models import Item, ItemBarcode, Movement, StockTransaction, Supplier, SupplierItem
from floor.stock import ledger
from floor.stock.ledger import Change
from tests.support import SmallWarehouse

TODAY = dt.date(2026, 6, 1)


def _date(session, transaction_id: int, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    at = dt.datetime.combine(day, dt.time(15, 30), dt.UTC)
    session.execute(
        update(Movement).where(Movement.transaction_id == transaction_id).values(created_at=at)
    )
    session.execute(
        update(StockTransaction).where(StockTransaction.id == transaction_id).values(created_at=at)
    )


def ship(
    wh: SmallWarehouse, sku: str, quantity: int, day: dt.date, location: str = "A01-01-1"
) -> None:
    """`quantity` of `sku` left the warehouse on `day` (a ship posting, as the dock makes)."""
    with session_scope(wh.engine) as s:
        ledger.receive(s, wh.key(location, sku), quantity, reason="stock for shipping")
        posting = ledger.post(
            s, "ship", [Change(wh.key(location, sku), -quantity)], reason="shipment"
        )
        _date(s, posting.transaction_id, day)


def customer_return(
    wh: SmallWarehouse, sku: str, quantity: int, day: dt.date, location: str = "A01-01-1"
) -> None:
    """A customer sent `quantity` back on `day` (a receive posting with reason return)."""
    with session_scope(wh.engine) as s:
        posting = ledger.receive(s, wh.key(location, sku), quantity, reason="return")
        _date(s, posting.transaction_id, day)


def add_item(wh: SmallWarehouse, sku: str, reorder_point: int | None = None) -> int:
    with session_scope(wh.engine) as s:
        item = Item(sku=sku, description=f"{sku} item", reorder_point=reorder_point)
        item.barcodes.append(ItemBarcode(barcode=f"BC-{sku}", pack_level="each", units=1))
        s.add(item)
        s.flush()
        wh.items[sku] = item.id
        return item.id


def add_supplier(
    wh: SmallWarehouse,
    code: str,
    lead_time_days: int | None,
    items: list[tuple[str, int, int]],  # sku, pack size, minimum order
    priority: int = 1,
) -> int:
    with session_scope(wh.engine) as s:
        supplier = Supplier(code=code, name=f"{code} Ltd", lead_time_days=lead_time_days)
        s.add(supplier)
        s.flush()
        for sku, pack, moq in items:
            s.add(
                SupplierItem(
                    supplier_id=supplier.id,
                    item_id=wh.items[sku],
                    supplier_sku=f"{code}-{sku}",
                    pack_size=pack,
                    min_order_qty=moq,
                    priority=priority,
                )
            )
        return supplier.id
