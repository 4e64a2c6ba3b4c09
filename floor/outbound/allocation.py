"""Allocation: which balances fill an order line, by the item's rotation rule.

Rules, in order:
- never an expired lot (expiry before the allocation date), never a blocked location, never
  stock outside storage and pick zones, never stock already in a tote, cart or carton;
- FIFO items: pick faces (pickable locations) before reserve, then oldest receipt first;
- FEFO items: earliest expiry first (rotation beats location), then pick face before reserve,
  then oldest receipt;
- fewest locations: within the first group of equal rank (same tier, same expiry for FEFO),
  a single balance that covers the whole line is taken before splitting the line.

`load_candidates` reads (and on PostgreSQL row-locks, in the ledger's lock order) every
allocatable balance of some items at once; `allocate_line` then chooses in memory and
lowers the in-memory free quantity, so a whole wave is allocated from one read. The chosen
reservations are written through the ledger (`floor.stock.ledger.post`) by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from floor.models import Balance, Container, ContainerKind, Location, LocationKind, Zone, ZoneKind
from floor.stock.ledger import StockKey, lock_order

ALLOCATABLE_ZONES = (ZoneKind.STORAGE.value, ZoneKind.PICK.value)
ALLOCATABLE_LOCATION_KINDS = (
    LocationKind.RACK.value,
    LocationKind.SHELF.value,
    LocationKind.FLOOR.value,
)
PICKED_CONTAINER_KINDS = (
    ContainerKind.TOTE.value,
    ContainerKind.CART.value,
    ContainerKind.CARTON.value,
)
_FAR_FUTURE = dt.date.max
WHOLE_WAREHOUSE = 200
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(slots=True)
class Candidate:
    """One allocatable balance with its free units, as the allocator sees it."""

    balance_id: int
    key: StockKey
    free: int
    pickable: bool
    received_at: dt.datetime
    location_code: str = ""


@dataclass(frozen=True, slots=True)
class Pick:
    """Units of one line to take from one balance."""

    candidate: Candidate
    quantity: int


@dataclass
class StockPool:
    """Free stock by item, ranked for allocation; allocation lowers `free` in place."""

    by_item: dict[int, list[Candidate]] = field(default_factory=dict)

    def free(self, item_id: int) -> int:
        return sum(c.free for c in self.by_item.get(item_id, ()))


def _aware(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return _EPOCH
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def rank(candidate: Candidate, fefo: bool) -> tuple:
    tier = 0 if candidate.pickable else 1
    received = _aware(candidate.received_at)
    if fefo:
        return (candidate.key.expiry or _FAR_FUTURE, tier, received, candidate.balance_id)
    return (tier, received, candidate.balance_id)


def _group(candidate: Candidate, fefo: bool) -> tuple:
    """Candidates of one group are interchangeable for rotation: same tier (and expiry)."""
    tier = 0 if candidate.pickable else 1
    return (candidate.key.expiry or _FAR_FUTURE, tier) if fefo else (tier,)


def load_candidates(
    session: Session,
    warehouse_id: int,
    item_ids: Iterable[int],
    fefo_items: set[int],
    *,
    today: dt.date | None = None,
    lock: bool = True,
    exclude_location_ids: Iterable[int] = (),
) -> StockPool:
    """Every allocatable balance of `item_ids` in the warehouse, ranked per item.

    With `lock`, the rows are locked FOR UPDATE in the ledger's key order, so two waves
    released at once allocate one after the other from fresh numbers.
    """
    today = today or dt.date.today()
    ids = sorted(set(item_ids))
    pool = StockPool()
    if not ids:
        return pool
    excluded = set(exclude_location_ids)
    stmt = (
        select(
            Balance.id,
            Balance.location_id,
            Balance.item_id,
            Balance.lot,
            Balance.expiry,
            Balance.container_id,
            Balance.quantity,
            Balance.reserved,
            Balance.received_at,
            Location.pickable,
            Location.code,
        )
        .join(Location, Location.id == Balance.location_id)
        .outerjoin(Zone, Zone.id == Location.zone_id)
        .outerjoin(Container, Container.id == Balance.container_id)
        .where(
            Location.warehouse_id == warehouse_id,
            Location.blocked.is_(False),
            Location.kind.in_(ALLOCATABLE_LOCATION_KINDS),
            or_(Zone.id.is_(None), Zone.kind.in_(ALLOCATABLE_ZONES)),
            or_(Container.id.is_(None), Container.kind.notin_(PICKED_CONTAINER_KINDS)),
            or_(Balance.expiry.is_(None), Balance.expiry >= today),
            Balance.quantity > Balance.reserved,
        )
        .order_by(*lock_order(session))
    )
    # A long IN list makes SQLite probe every location for every item: above WHOLE_WAREHOUSE
    # items, read the warehouse's free stock once and keep the wanted items in Python.
    wanted = set(ids)
    if len(ids) <= WHOLE_WAREHOUSE:
        stmt = stmt.where(Balance.item_id.in_(ids))
    if lock:
        stmt = stmt.with_for_update(of=Balance)
    for row in session.execute(stmt):
        (bid, loc, item, lot, expiry, container, qty, reserved, received, pickable, code) = row
        if loc in excluded or item not in wanted:
            continue
        pool.by_item.setdefault(item, []).append(
            Candidate(
                bid,
                StockKey(loc, item, lot, expiry, container),
                qty - reserved,
                bool(pickable),
                received,
                code,
            )
        )
    for item, candidates in pool.by_item.items():
        fefo = item in fefo_items
        candidates.sort(key=lambda c: rank(c, fefo))
    return pool


def allocate_line(pool: StockPool, item_id: int, quantity: int, fefo: bool) -> list[Pick]:
    """Choose balances for `quantity` units of the item, lowering the pool's free units.

    Returns the picks (possibly fewer units than asked when stock is short).
    """
    candidates = [c for c in pool.by_item.get(item_id, ()) if c.free > 0]
    picks: list[Pick] = []
    remaining = quantity
    while remaining > 0 and candidates:
        head_group = _group(candidates[0], fefo)
        group = [c for c in candidates if _group(c, fefo) == head_group]
        whole = next((c for c in group if c.free >= remaining), None)
        chosen = whole or group[0]
        take = min(chosen.free, remaining)
        chosen.free -= take
        remaining -= take
        picks.append(Pick(chosen, take))
        if chosen.free == 0:
            candidates.remove(chosen)
    return picks


def give_back(picks: Iterable[Pick]) -> None:
    """Return tentatively chosen units to the pool (an order that will not be allocated)."""
    for pick in picks:
        pick.candidate.free += pick.quantity
