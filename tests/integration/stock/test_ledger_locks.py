"""The ledger's lock order: `lock_keys` locks in one global order, and with the order check on
(as in every test) a transaction that would lock a balance below one it holds is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from floor.db import session_scope
from floor.models import Balance
from floor.stock import ledger as inv
from floor.stock.ledger import Change, LockOrderError
from tests.support import SmallWarehouse, add_stock


def test_a_second_posting_below_a_key_already_held_is_refused(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    low, high = wh.key("A01-01-1", "PLAIN"), wh.key("A02-01-1", "PLAIN")
    add_stock(wh, "A01-01-1", "PLAIN", 5)
    add_stock(wh, "A02-01-1", "PLAIN", 5)
    add_stock(wh, "A02-02-1", "PLAIN", 5)
    with pytest.raises(LockOrderError), session_scope(wh.engine) as s:
        inv.reserve(s, high, 1)
        inv.reserve(s, low, 1)  # A at k2 then k1, while B may go k1 then k2
    with session_scope(wh.engine) as s:
        inv.lock_keys(s, [high, low])
        inv.reserve(s, high, 1)
        inv.reserve(s, low, 1)  # both held since lock_keys: no new lock, no refusal
        # a later posting above every key held is still in order
        inv.post(s, "reserve", [Change(wh.key("A02-02-1", "PLAIN"), 0, 1), Change(high, 0, 1)])
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, high) == (5, 2) and inv.balance_of(s, low) == (5, 1)
        assert inv.invariant_violations(s) == []


def test_lock_keys_after_a_higher_posting_is_refused(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_stock(wh, "A02-01-1", "PLAIN", 5)
    with pytest.raises(LockOrderError), session_scope(wh.engine) as s:
        inv.reserve(s, wh.key("A02-01-1", "PLAIN"), 1)
        inv.lock_keys(s, [wh.key("A01-01-1", "PLAIN")])


def test_the_order_is_the_same_in_python_and_in_sql(warehouse: SmallWarehouse) -> None:
    """Lots compare by code point everywhere ("B" before "a"), whatever the collation."""
    wh = warehouse
    for lot in ("a", "B", "Ä", "b", "10", "9"):
        add_stock(wh, "A01-01-1", "LOT", 1, lot=lot)
    add_stock(wh, "A01-01-1", "PLAIN", 1)
    add_stock(wh, "A01-01-1", "PLAIN", 1, container="LPN0001")
    with session_scope(wh.engine) as s:
        rows = s.scalars(select(Balance).order_by(*inv.lock_order(s))).all()
        keys = [inv.key_of(b) for b in rows]
        assert keys == sorted(keys, key=lambda k: k.sort_key())


def test_lock_keys_creates_a_missing_key_in_its_place_on_postgresql(
    warehouse: SmallWarehouse,
) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 5)
    tote = wh.key("PACK-01", "PLAIN", container="TOTE01")
    with session_scope(wh.engine) as s:
        inv.lock_keys(s, [wh.key("A01-01-1", "PLAIN"), tote])
        created = s.scalar(select(Balance.id).where(Balance.container_id == tote.container_id))
        assert (created is not None) == (wh.engine.dialect.name == "postgresql")
        inv.move(
            s,
            wh.key("A01-01-1", "PLAIN"),
            1,
            tote.location_id,
            to_container_id=tote.container_id,
        )
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, tote) == (1, 0)
        assert inv.invariant_violations(s) == []


@pytest.mark.postgres
def test_lock_keys_holds_the_rows_until_the_transaction_ends(
    pg_warehouse: SmallWarehouse,
) -> None:
    wh = pg_warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 5)
    with session_scope(wh.engine) as s:
        inv.lock_keys(s, [wh.key("A01-01-1", "PLAIN")])
        with wh.engine.connect() as other, pytest.raises(OperationalError, match="lock"):
            other.execute(text("SELECT id FROM balances FOR UPDATE NOWAIT"))
