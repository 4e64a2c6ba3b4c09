"""The ledger on both backends: postings, refusals, idempotency, invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from floor.db import session_scope, transaction
from floor.errors import InsufficientStock, InvalidInput
from floor.models import Movement, StockTransaction
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse


def test_receive_then_move_keeps_balance_equal_to_movements(warehouse: SmallWarehouse) -> None:
    key = warehouse.key("DOCK-01", "PLAIN")
    actor = Actor(warehouse.operators["receiver"], "ST01")
    with session_scope(warehouse.engine) as s:
        inv.receive(s, key, 10, actor=actor, reference="PO1")
        inv.move(s, key, 4, warehouse.locations["A01-01-1"], actor=actor)
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, key) == (6, 0)
        assert inv.balance_of(s, key.at(warehouse.locations["A01-01-1"])) == (4, 0)
        assert inv.on_hand(s, warehouse.items["PLAIN"]) == 10
        assert inv.invariant_violations(s) == []
        assert s.scalar(select(func.count()).select_from(Movement)) == 3
        tx = s.scalars(select(StockTransaction).order_by(StockTransaction.id)).all()
        assert [t.kind for t in tx] == ["receive", "move"]
        assert tx[0].operator_id == actor.operator_id and tx[0].station == "ST01"


def test_move_more_than_on_hand_is_refused_and_changes_nothing(warehouse: SmallWarehouse) -> None:
    key = warehouse.key("DOCK-01", "PLAIN")
    with session_scope(warehouse.engine) as s:
        inv.receive(s, key, 3)
    with pytest.raises(InsufficientStock) as err, session_scope(warehouse.engine) as s:
        inv.move(s, key, 5, warehouse.locations["A01-01-1"])
    assert "DOCK-01" in str(err.value) and "PLAIN" in str(err.value) and "3" in str(err.value)
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, key) == (3, 0)
        assert s.scalar(select(func.count()).select_from(StockTransaction)) == 1


def test_reservations_never_exceed_on_hand(warehouse: SmallWarehouse) -> None:
    key = warehouse.key("A01-01-1", "PLAIN")
    with session_scope(warehouse.engine) as s:
        inv.receive(s, key, 5)
        inv.reserve(s, key, 4, reference="SO1")
    with (
        pytest.raises(InsufficientStock, match="only 1 free"),
        session_scope(warehouse.engine) as s,
    ):
        inv.reserve(s, key, 2)
    # taking reserved stock without releasing its reservation is refused
    with pytest.raises(InsufficientStock), session_scope(warehouse.engine) as s:
        inv.move(s, key, 3, warehouse.locations["PACK-01"])
    with session_scope(warehouse.engine) as s:
        inv.move(s, key, 3, warehouse.locations["PACK-01"], release_reserved=3)
        assert inv.balance_of(s, key) == (2, 1)
        inv.release(s, key, 1)
        assert inv.balance_of(s, key) == (2, 0)
        assert inv.invariant_violations(s) == []


def test_lots_and_expiry_are_separate_balances(warehouse: SmallWarehouse) -> None:
    a = warehouse.key("A01-02-1", "LOT", "L1", dt.date(2027, 1, 31))
    b = warehouse.key("A01-02-1", "LOT", "L2", dt.date(2027, 3, 31))
    with session_scope(warehouse.engine) as s:
        inv.receive(s, a, 5)
        inv.receive(s, b, 7)
        inv.receive(s, a, 1)
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, a) == (6, 0)
        assert inv.balance_of(s, b) == (7, 0)
        assert len(inv.balances_at(s, warehouse.locations["A01-02-1"])) == 2


def test_same_scan_id_twice_changes_nothing_and_returns_first_result(
    warehouse: SmallWarehouse,
) -> None:
    key = warehouse.key("DOCK-01", "PLAIN")
    first = transaction(warehouse.engine, lambda s: inv.receive(s, key, 10, scan_id="scan-1"))
    second = transaction(warehouse.engine, lambda s: inv.receive(s, key, 10, scan_id="scan-1"))
    assert not first.replayed and second.replayed
    assert second.transaction_id == first.transaction_id
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, key) == (10, 0)
        assert s.scalar(select(func.count()).select_from(StockTransaction)) == 1


def test_adjust_needs_reason_and_cannot_go_negative(warehouse: SmallWarehouse) -> None:
    key = warehouse.key("A02-01-1", "PLAIN")
    with session_scope(warehouse.engine) as s:
        inv.receive(s, key, 2)
    with pytest.raises(InvalidInput, match="reason"), session_scope(warehouse.engine) as s:
        inv.adjust(s, key, -1, reason="")
    with pytest.raises(InsufficientStock), session_scope(warehouse.engine) as s:
        inv.adjust(s, key, -3, reason="count")
    with session_scope(warehouse.engine) as s:
        inv.adjust(s, key, -2, reason="damaged")
        assert inv.balance_of(s, key) == (0, 0)


def test_bad_quantities_are_refused(warehouse: SmallWarehouse) -> None:
    key = warehouse.key("DOCK-01", "PLAIN")
    for bad in (0, -1):
        with pytest.raises(InvalidInput, match="above zero"), session_scope(warehouse.engine) as s:
            inv.receive(s, key, bad)


def test_assemble_consumes_components_and_produces_kit_all_or_nothing(
    warehouse: SmallWarehouse,
) -> None:
    plain = warehouse.key("KIT-01", "PLAIN")
    ser = warehouse.key("KIT-01", "SER")
    kit = warehouse.key("KIT-01", "KIT")
    with session_scope(warehouse.engine) as s:
        inv.receive(s, plain, 4)
        inv.receive(s, ser, 1)
    with pytest.raises(InsufficientStock), session_scope(warehouse.engine) as s:
        inv.assemble(s, [(plain, 2), (ser, 2)], (kit, 2))
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, plain) == (4, 0)
        assert inv.balance_of(s, kit) == (0, 0)
        inv.assemble(s, [(plain, 2), (ser, 1)], (kit, 1))
        assert inv.balance_of(s, kit) == (1, 0)
        assert inv.invariant_violations(s) == []


def test_database_refuses_negative_balance_even_bypassing_the_ledger(
    warehouse: SmallWarehouse,
) -> None:
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from floor.models import Balance

    key = warehouse.key("DOCK-01", "PLAIN")
    with session_scope(warehouse.engine) as s:
        inv.receive(s, key, 1)
    for values in ({"quantity": -1}, {"reserved": 2}, {"reserved": -1}):
        with pytest.raises(IntegrityError), session_scope(warehouse.engine) as s:
            s.execute(update(Balance).values(**values))


def test_large_postings_take_the_bulk_path_with_the_same_rules(warehouse: SmallWarehouse) -> None:
    codes = [c for c in warehouse.locations if c.startswith("A")]
    keys = [warehouse.key(code, sku) for code in codes for sku in ("PLAIN", "SER", "KIT")]
    assert len(keys) >= inv.BULK_THRESHOLD
    with session_scope(warehouse.engine) as s:
        inv.post(s, "receive", [inv.Change(k, 5) for k in keys])
        inv.post(s, "reserve", [inv.Change(k, 0, 2) for k in keys])
    with session_scope(warehouse.engine) as s:
        assert all(inv.balance_of(s, k) == (5, 2) for k in keys)
        assert inv.invariant_violations(s) == []
    too_much = [inv.Change(k, 0, 1) for k in keys[:-1]] + [inv.Change(keys[-1], 0, 4)]
    with (
        pytest.raises(InsufficientStock, match="only 3 free"),
        session_scope(warehouse.engine) as s,
    ):
        inv.post(s, "reserve", too_much)
    new_keys = [warehouse.key(code, "LOT", "L9", dt.date(2030, 1, 1)) for code in codes]
    with session_scope(warehouse.engine) as s:
        assert all(inv.balance_of(s, k) == (5, 2) for k in keys)
        inv.post(
            s, "mixed", [inv.Change(k, -1, -1) for k in keys] + [inv.Change(k, 3) for k in new_keys]
        )
        assert all(inv.balance_of(s, k) == (4, 1) for k in keys)
        assert all(inv.balance_of(s, k) == (3, 0) for k in new_keys)
        assert inv.invariant_violations(s) == []
