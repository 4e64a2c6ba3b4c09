"""Stock queries for people: balances by item, location or lot, and items under their reorder point.

Read-only; quantities come from the ledger's balances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.errors import NotFound
from floor.i18n import _
from floor.models import Balance, Container, Item, Location, Warehouse


def find_warehouse(session: Session, code: str) -> int:
    """The id of warehouse `code`; NotFound naming the known codes otherwise."""
    warehouse_id = session.scalar(select(Warehouse.id).where(Warehouse.code == code))
    if warehouse_id is None:
        known = ", ".join(session.scalars(select(Warehouse.code).order_by(Warehouse.code)))
        raise NotFound(
            _("No warehouse {code} (known: {known})", code=code, known=known or _("none"))
        )
    return warehouse_id


@dataclass(frozen=True)
class StockLine:
    location: str
    sku: str
    description: str
    lot: str
    expiry: dt.date | None
    container: str
    quantity: int
    reserved: int

    @property
    def available(self) -> int:
        return self.quantity - self.reserved


def stock_lines(
    session: Session,
    warehouse_id: int,
    *,
    sku: str | None = None,
    location: str | None = None,
    lot: str | None = None,
) -> list[StockLine]:
    """Balances with stock on hand in the warehouse, by location then SKU, lot and expiry."""
    stmt = (
        select(
            Location.code,
            Item.sku,
            Item.description,
            Balance.lot,
            Balance.expiry,
            Container.code,
            Balance.quantity,
            Balance.reserved,
        )
        .join(Location, Location.id == Balance.location_id)
        .join(Item, Item.id == Balance.item_id)
        .outerjoin(Container, Container.id == Balance.container_id)
        .where(Location.warehouse_id == warehouse_id, Balance.quantity > 0)
        .order_by(Location.code, Item.sku, Balance.lot, Balance.expiry, Container.code)
    )
    if sku is not None:
        stmt = stmt.where(Item.sku == sku)
    if location is not None:
        stmt = stmt.where(Location.code == location)
    if lot is not None:
        stmt = stmt.where(Balance.lot == lot)
    return [
        StockLine(loc, s, desc, lt, exp, container or "", qty, res)
        for loc, s, desc, lt, exp, container, qty, res in session.execute(stmt)
    ]


@dataclass(frozen=True)
class LowStockLine:
    sku: str
    description: str
    on_hand: int
    reorder_point: int
    in_transit: int = 0  # shipped to the warehouse on transfers, not yet received


def low_stock(
    session: Session, warehouse_id: int, in_transit: Mapping[int, int] | None = None
) -> list[LowStockLine]:
    """Items whose on-hand total in the warehouse, plus what is in transit to it (units per
    item id, floor.transfers.incoming: stock knows no transfers), is below their reorder
    point, by SKU."""
    coming = in_transit or {}
    totals = (
        select(Balance.item_id, func.sum(Balance.quantity).label("on_hand"))
        .join(Location, Location.id == Balance.location_id)
        .where(Location.warehouse_id == warehouse_id)
        .group_by(Balance.item_id)
        .subquery()
    )
    on_hand = func.coalesce(totals.c.on_hand, 0)
    stmt = (
        select(Item.id, Item.sku, Item.description, on_hand, Item.reorder_point)
        .outerjoin(totals, totals.c.item_id == Item.id)
        .where(Item.reorder_point.is_not(None), on_hand < Item.reorder_point)
        .order_by(Item.sku)
    )
    found = []
    for item_id, sku, description, total, point in session.execute(stmt):
        transit = coming.get(item_id, 0)
        if int(total) + transit < int(point):
            found.append(LowStockLine(sku, description, int(total), int(point), transit))
    return found


def item_exists(session: Session, sku: str) -> bool:
    return session.scalar(select(Item.id).where(Item.sku == sku)) is not None


def location_exists(session: Session, warehouse_id: int, code: str) -> bool:
    return (
        session.scalar(
            select(Location.id).where(Location.warehouse_id == warehouse_id, Location.code == code)
        )
        is not None
    )
