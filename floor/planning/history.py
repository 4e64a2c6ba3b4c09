"""Demand history from the ledger: units shipped per item, per warehouse, per day, returns netted.

What left the warehouse is the ledger's `ship` postings (a carton onto the truck); what came
back is its `receive` postings with reason `return` (a customer return, restocked or to
quarantine). A day's demand is units shipped minus units returned that day (UTC), so it can
be negative on a day of many returns; the forecast reads such a day as no demand.
Kitting, moves and counts are not demand. Read-only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from floor.models import Item, Location, Movement, StockTransaction

SHIP_KIND = "ship"  # floor.outbound.shipping.SHIP_KIND; planning does not import outbound
RETURN_KIND, RETURN_REASON = "receive", "return"  # floor.inbound.returns' receipts


@dataclass(frozen=True)
class DemandDay:
    item_id: int
    sku: str
    warehouse_id: int
    day: dt.date
    shipped: int
    returned: int

    @property
    def net(self) -> int:
        return self.shipped - self.returned


def _day(session: Session):  # type: ignore[no-untyped-def]
    """The UTC calendar day of a movement, in the database's own terms."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", Movement.created_at), Date)
    return func.date(Movement.created_at)  # SQLite stores UTC text: "YYYY-MM-DD HH:MM:SS..."


def demand_days(
    session: Session,
    start: dt.date,
    end: dt.date,
    *,
    warehouse_id: int | None = None,
    item_ids: list[int] | None = None,
) -> list[DemandDay]:
    """Units shipped and returned per item, warehouse and day from `start` to `end`
    (inclusive), only days with either; by SKU, warehouse, day."""
    day = _day(session).label("day")
    is_ship = StockTransaction.kind == SHIP_KIND
    shipped = func.sum(-Movement.quantity_delta).filter(is_ship)
    returned = func.sum(Movement.quantity_delta).filter(~is_ship)
    since = dt.datetime.combine(start, dt.time(), dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
    stmt = (
        select(
            Movement.item_id,
            Item.sku,
            Location.warehouse_id,
            day,
            func.coalesce(shipped, 0),
            func.coalesce(returned, 0),
        )
        .join(StockTransaction, StockTransaction.id == Movement.transaction_id)
        .join(Location, Location.id == Movement.location_id)
        .join(Item, Item.id == Movement.item_id)
        .where(Movement.created_at >= since, Movement.created_at < until)
        .where(
            is_ship
            | ((StockTransaction.kind == RETURN_KIND) & (StockTransaction.reason == RETURN_REASON))
        )
        .group_by(Movement.item_id, Item.sku, Location.warehouse_id, day)
        .order_by(Item.sku, Location.warehouse_id, day)
    )
    if warehouse_id is not None:
        stmt = stmt.where(Location.warehouse_id == warehouse_id)
    if item_ids is not None:
        stmt = stmt.where(Movement.item_id.in_(item_ids))
    rows = []
    for item_id, sku, wh, when, out, back in session.execute(stmt):
        if isinstance(when, str):
            when = dt.date.fromisoformat(when)
        rows.append(DemandDay(item_id, sku, wh, when, int(out), int(back)))
    return rows


def daily_series(
    session: Session,
    warehouse_id: int,
    end: dt.date,
    days: int,
    *,
    item_ids: list[int] | None = None,
) -> dict[int, list[int]]:
    """Net demand per item in the warehouse for each of the `days` days ending on `end`
    (oldest first, zero on days without any), for every item with demand in that window."""
    start = end - dt.timedelta(days=days - 1)
    series: dict[int, list[int]] = defaultdict(lambda: [0] * days)
    for row in demand_days(session, start, end, warehouse_id=warehouse_id, item_ids=item_ids):
        series[row.item_id][(row.day - start).days] += row.net
    return dict(series)
