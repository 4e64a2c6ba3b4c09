"""Stock below its reorder point, told as it happens: the ledger's low-stock hook.

After a posting, each item whose on-hand total in a warehouse went down is checked against
its reorder point (`items.reorder_point`); when the total was at or above it before the
posting and is below it now, a `stock.low` event goes into the outbox (floor/outbox.py) in
the posting's transaction. Where no point is typed on the item, the one planning computed
for the warehouse (`computed_reorder_points`, `floor purchasing reorder-points`) is used.
Only a fall through the point is told, once; a pick (stock moved into a tote: the
warehouse total unchanged) costs nothing here.

On PostgreSQL the check of an item near its point (below twice the point and ten) takes a
transaction-scoped advisory lock on it, so two postings of the same item check one after
the other (see `note_postings`); far above it no lock is taken, and a fall through the
point by postings made at once from that far (together more than the point and ten units
in flight) is not told: the price of not making every shipment of an item wait for the
others. Two transactions that each post twice, two items in opposite orders, may deadlock
there: the database detects it and `floor.db.transaction()` retries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor import outbox
from floor.models import Balance, ComputedReorderPoint, Item, Location, Warehouse

LOCK_SPACE = 0x464C5341  # "FLSA": the first key of the advisory locks taken here
NEAR_UNITS = 10  # with twice the point: how far above it a fall is checked under the lock


def note_postings(session: Session, changes: Iterable[tuple[int, int, int]]) -> None:
    """`changes`: (location id, item id, quantity delta) of one posting, merged by key."""
    net: dict[tuple[int, int], int] = defaultdict(int)  # (location, item) -> delta
    for location_id, item_id, delta in changes:
        if delta:
            net[(location_id, item_id)] += delta
    by_item: dict[int, int] = defaultdict(int)
    for (_location, item_id), delta in net.items():
        by_item[item_id] += delta
    falling = [item_id for item_id, delta in by_item.items() if delta < 0]
    if not falling:
        return
    locations = {location_id for location_id, item_id in net if item_id in falling}
    # deltas by (warehouse, item): a move between two warehouses' locations is a fall in one
    located = select(Location.id, Location.warehouse_id).where(Location.id.in_(locations))
    warehouse_of: dict[int, int] = {row[0]: row[1] for row in session.execute(located)}
    delta_of: dict[tuple[int, int], int] = defaultdict(int)
    for (location_id, item_id), delta in net.items():
        if item_id in falling:
            delta_of[(warehouse_of[location_id], item_id)] += delta
    warehouses = set(warehouse_of.values())
    totals = _totals(session, falling, warehouses)
    if session.get_bind().dialect.name == "postgresql":
        # Near its point, one check at a time per item: the second waits for the first to
        # commit, then its totals (a new statement, a new snapshot) include the first's
        # change, so two stations taking the last units at once tell the fall exactly once.
        # Far above it (twice the point and NEAR_UNITS more, as this transaction sees it),
        # no lock: docks shipping a well-stocked item do not wait for each other. Taken after
        # the posting's balance locks, and a transaction that posts more than once locks its
        # balances first (ledger.lock_keys): a holder of this lock waits for no balance.
        near = sorted({row[1] for row in totals if row[4] < 2 * row[3] + NEAR_UNITS})
        for item_id in near:
            session.execute(select(func.pg_advisory_xact_lock(LOCK_SPACE, item_id)))
        totals = _totals(session, near, warehouses) if near else []
    for warehouse_id, item_id, sku, point, on_hand in totals:
        delta = delta_of.get((warehouse_id, item_id), 0)
        if delta >= 0:
            continue
        before = on_hand - delta
        if before >= point > on_hand:
            code = session.scalar(select(Warehouse.code).where(Warehouse.id == warehouse_id))
            outbox.emit(
                session,
                outbox.STOCK_LOW,
                sku,
                {
                    "warehouse": code,
                    "sku": sku,
                    "on_hand": on_hand,
                    "reorder_point": point,
                },
            )


def _totals(
    session: Session, item_ids: Iterable[int], warehouse_ids: set[int]
) -> list[tuple[int, int, str, int, int]]:
    """(warehouse, item, SKU, reorder point, on hand) of each of `item_ids` that has a point:
    the one typed on the item, else the one planning computed for the warehouse."""
    point = func.coalesce(Item.reorder_point, ComputedReorderPoint.reorder_point)
    rows = session.execute(
        select(
            Location.warehouse_id,
            Item.id,
            Item.sku,
            point,
            func.coalesce(func.sum(Balance.quantity), 0),
        )
        .select_from(Item)
        .join(Balance, Balance.item_id == Item.id)
        .join(Location, Location.id == Balance.location_id)
        .outerjoin(
            ComputedReorderPoint,
            (ComputedReorderPoint.item_id == Item.id)
            & (ComputedReorderPoint.warehouse_id == Location.warehouse_id),
        )
        .where(
            Item.id.in_(list(item_ids)),
            point.is_not(None),
            Location.warehouse_id.in_(warehouse_ids),
        )
        .group_by(
            Location.warehouse_id,
            Item.id,
            Item.sku,
            Item.reorder_point,
            ComputedReorderPoint.reorder_point,
        )
    ).all()
    return [(w, i, sku, int(p), int(on_hand)) for w, i, sku, p, on_hand in rows]
