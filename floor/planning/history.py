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
from collections.abc import Iterator
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
    """The UTC calendar day of a posting, in the database's own terms."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", StockTransaction.created_at), Date)
    # SQLite stores UTC text: "YYYY-MM-DD HH:MM:SS..."
    return func.date(StockTransaction.created_at)


def _grouped(
    session: Session,
    start: dt.date,
    end: dt.date,
    warehouse_id: int | None,
    item_ids: list[int] | None,
) -> Iterator[tuple[int, int, dt.date | str, int, int]]:
    """(item id, warehouse id, day, shipped, returned) for each item, warehouse and day with
    demand, unordered. The postings are found by kind and time first (the index on
    stock_transactions.created_at), then their movements (by transaction id): the ledger's
    many other movements (picks, moves, counts) are never read."""
    day = _day(session).label("day")
    is_ship = StockTransaction.kind == SHIP_KIND
    shipped = func.sum(-Movement.quantity_delta).filter(is_ship)
    returned = func.sum(Movement.quantity_delta).filter(~is_ship)
    since = dt.datetime.combine(start, dt.time(), dt.UTC)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
    stmt = (
        select(
            Movement.item_id,
            Location.warehouse_id,
            day,
            func.coalesce(shipped, 0),
            func.coalesce(returned, 0),
        )
        .select_from(StockTransaction)
        .join(Movement, Movement.transaction_id == StockTransaction.id)
        .join(Location, Location.id == Movement.location_id)
        .where(StockTransaction.created_at >= since, StockTransaction.created_at < until)
        .where(
            is_ship
            | ((StockTransaction.kind == RETURN_KIND) & (StockTransaction.reason == RETURN_REASON))
        )
        .group_by(Movement.item_id, Location.warehouse_id, day)
    )
    if warehouse_id is not None:
        stmt = stmt.where(Location.warehouse_id == warehouse_id)
    if item_ids is not None:
        stmt = stmt.where(Movement.item_id.in_(item_ids))
    for item_id, wh, when, out, back in session.execute(stmt):
        yield item_id, wh, when, int(out), int(back)


def _as_date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


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
    rows = list(_grouped(session, start, end, warehouse_id, item_ids))
    skus = _skus(session, {row[0] for row in rows})
    found = [
        DemandDay(item_id, skus[item_id], wh, _as_date(when), out, back)
        for item_id, wh, when, out, back in rows
    ]
    return sorted(found, key=lambda d: (d.sku, d.warehouse_id, d.day))


def _skus(session: Session, item_ids: set[int]) -> dict[int, str]:
    ids = sorted(item_ids)
    found: dict[int, str] = {}
    for at in range(0, len(ids), 1000):
        chunk = ids[at : at + 1000]
        for item_id, sku in session.execute(select(Item.id, Item.sku).where(Item.id.in_(chunk))):
            found[item_id] = sku
    return found


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
    index: dict[dt.date | str, int] = {}
    series: dict[int, list[int]] = defaultdict(lambda: [0] * days)
    for item_id, _wh, when, out, back in _grouped(session, start, end, warehouse_id, item_ids):
        position = index.get(when)
        if position is None:
            position = index[when] = (_as_date(when) - start).days
        series[item_id][position] += out - back
    return dict(series)
