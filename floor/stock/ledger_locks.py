"""The ledger's lock order: every transaction locks balances in one global order of keys.

Two transactions deadlock when each holds a balance the other wants next. A posting locks its
own keys sorted, but a transaction of several postings (a short pick: the units found into
the tote, the rest released, the remainder reserved elsewhere) would lock in posting order:
A at k2 then k1, B at k1 then k2. Such a transaction calls `lock_keys` first with every key
it may touch; the balances are then locked in one ordered pass and each posting after it
only touches balances the transaction already holds.

The order is `StockKey.sort_key()`: location, item, lot (by code point, so PostgreSQL sorts
it with the "C" collation whatever the database's own), expiry (none first), container (none
first). SQL that locks balances itself (allocation, counting) orders by `lock_order()`.

A key with no balance yet is created (zero on hand) on PostgreSQL when locked, in its place
in the order, so a later posting never waits on another transaction's insert of it. SQLite
has no row locks (one writer at a time, BEGIN IMMEDIATE): there `lock_keys` only records.

Checking: with CHECK_ORDER on (the tests switch it on), the ledger remembers, per database
transaction, the keys it locked; a posting or `lock_keys` that would lock a key below one
already held, and not held itself, raises LockOrderError. That makes an out-of-order
transaction fail deterministically, on both backends, without needing a deadlock to happen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from floor.models import Balance, utcnow

if TYPE_CHECKING:
    from floor.stock.ledger import StockKey

CHECK_ORDER = False

_HELD = "floor.ledger.held"


class LockOrderError(AssertionError):
    """A transaction locked a balance below one it already held (a deadlock in waiting)."""


def lock_order(session: Session) -> list:  # type: ignore[type-arg]
    """ORDER BY columns of `balances` in the ledger's lock order, for this session's database."""
    c = Balance.__table__.c
    postgres = session.get_bind().dialect.name == "postgresql"
    return [
        c.location_id,
        c.item_id,
        c.lot.collate("C") if postgres else c.lot,  # SQLite's BINARY is code point order
        c.expiry.nulls_first(),
        c.container_id.nulls_first(),
    ]


class _Held:
    __slots__ = ("high", "keys", "transaction")

    def __init__(self, transaction: object) -> None:
        self.transaction = transaction
        self.keys: set[StockKey] = set()
        self.high: tuple | None = None  # type: ignore[type-arg]


def _held(session: Session) -> _Held:
    transaction = session.get_transaction()
    held = session.info.get(_HELD)
    if held is None or held.transaction is not transaction:
        held = session.info[_HELD] = _Held(transaction)
    return held


def note(session: Session, keys: Iterable[StockKey]) -> None:
    """Record that this transaction locks `keys` now, in their order; with CHECK_ORDER,
    refuse one that is below a key already held and not held itself."""
    if not CHECK_ORDER:
        return
    held = _held(session)
    for key in sorted(keys, key=lambda k: k.sort_key()):
        if key in held.keys:
            continue
        order = key.sort_key()
        if held.high is not None and order < held.high:
            raise LockOrderError(
                f"balance {key} locked after {held.high}: call ledger.lock_keys with every "
                "key of the transaction before its first posting"
            )
        held.keys.add(key)
        held.high = order


def lock_keys(session: Session, keys: Iterable[StockKey]) -> None:
    """Lock the balances of `keys` in the ledger's order, creating missing ones at zero on
    PostgreSQL. Call it before the first posting of a transaction that posts more than once
    (or locks balances before posting); later postings of these keys keep the order."""
    wanted = sorted(set(keys), key=lambda k: k.sort_key())
    if not wanted:
        return
    note(session, wanted)
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    c = Balance.__table__.c
    pairs = sorted({(k.location_id, k.item_id) for k in wanted})
    existing: dict[StockKey, int] = {}
    for start in range(0, len(pairs), 500):
        for row in conn.execute(
            select(c.id, c.location_id, c.item_id, c.lot, c.expiry, c.container_id).where(
                tuple_(c.location_id, c.item_id).in_(pairs[start : start + 500])
            )
        ):
            existing[_key(row[1:])] = row[0]
    run: list[int] = []
    for key in wanted:
        balance_id = existing.get(key)
        if balance_id is not None:
            run.append(balance_id)
            continue
        _lock_ids(session, run)
        run = []
        _create_and_lock(session, key)
    _lock_ids(session, run)


def _key(row) -> StockKey:  # type: ignore[no-untyped-def]
    from floor.stock.ledger import StockKey

    return StockKey(row[0], row[1], row[2], row[3], row[4])


def _lock_ids(session: Session, ids: list[int]) -> None:
    """Lock existing balances by id; PostgreSQL locks them in the ORDER BY's order."""
    if not ids:
        return
    c = Balance.__table__.c
    for start in range(0, len(ids), 1000):
        session.connection().execute(
            select(c.id)
            .where(c.id.in_(ids[start : start + 1000]))
            .order_by(*lock_order(session))
            .with_for_update()
        ).all()


def _create_and_lock(session: Session, key: StockKey) -> None:
    """A key with no balance: insert it at zero (or find the one another station just
    committed) and lock it, in its place in the order."""
    c = Balance.__table__.c
    conn = session.connection()
    conn.execute(
        pg_insert(Balance.__table__)
        .values(
            location_id=key.location_id,
            item_id=key.item_id,
            lot=key.lot,
            expiry=key.expiry,
            container_id=key.container_id,
            quantity=0,
            reserved=0,
            received_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )
    conn.execute(
        select(c.id)
        .where(
            c.location_id == key.location_id,
            c.item_id == key.item_id,
            c.lot == key.lot,
            c.expiry.is_(None) if key.expiry is None else c.expiry == key.expiry,
            c.container_id.is_(None)
            if key.container_id is None
            else c.container_id == key.container_id,
        )
        .with_for_update()
    ).all()


__all__ = ["CHECK_ORDER", "LockOrderError", "lock_keys", "lock_order", "note"]
