"""Replenishment: tasks from reserve below min, oldest or FEFO first, done like a put-away."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.errors import WrongScan
from floor.gs1 import location_check_digits
from floor.models import Task
from floor.stock import ledger as inv
from floor.stock import move_tasks as mt
from floor.stock import replenishment as rp
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_pick_face, add_stock, barcode


def _check(wh: SmallWarehouse) -> list[int]:
    return transaction(wh.engine, lambda s: rp.check_replenishment(s, wh.warehouse_id))


def _tasks(wh: SmallWarehouse) -> list[tuple[str, str, int]]:
    codes = {v: k for k, v in wh.locations.items()}
    with session_scope(wh.engine) as s:
        return [
            (codes[t.from_location_id], t.lot, t.quantity)  # type: ignore[index]
            for t in s.scalars(select(Task).order_by(Task.id))
        ]


def test_face_below_min_gets_tasks_up_to_max_oldest_first(warehouse: SmallWarehouse) -> None:
    add_pick_face(warehouse, "A01-01-1", "PLAIN", 10, 50)
    add_stock(warehouse, "A01-01-1", "PLAIN", 8)
    add_stock(warehouse, "A02-01-2", "PLAIN", 30)  # older
    add_stock(warehouse, "A01-03-2", "PLAIN", 30)
    assert len(_check(warehouse)) == 2
    assert _tasks(warehouse) == [("A02-01-2", "", 30), ("A01-03-2", "", 12)]
    assert _check(warehouse) == []  # units on their way count


def test_face_at_or_above_min_is_left_alone(warehouse: SmallWarehouse) -> None:
    add_pick_face(warehouse, "A01-01-1", "PLAIN", 10, 50)
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    add_stock(warehouse, "A02-01-2", "PLAIN", 30)
    assert _check(warehouse) == []
    ids = transaction(
        warehouse.engine,
        lambda s: rp.request_replenishment(
            s, warehouse.locations["A01-01-1"], warehouse.items["PLAIN"]
        ),
    )
    assert len(ids) == 1 and _tasks(warehouse) == [("A02-01-2", "", 30)]


def test_fefo_and_no_mixed_lots(warehouse: SmallWarehouse) -> None:
    late, early = dt.date(2028, 1, 1), dt.date(2027, 1, 1)
    add_pick_face(warehouse, "A01-02-1", "LOT", 5, 20)
    add_stock(warehouse, "A02-02-2", "LOT", 10, lot="LATE", expiry=late)
    add_stock(warehouse, "A02-03-2", "LOT", 10, lot="EARLY", expiry=early)
    _check(warehouse)
    assert _tasks(warehouse) == [("A02-03-2", "EARLY", 10)]  # one lot only: LOT forbids mixing


def test_replenishment_done_by_scanning_like_putaway(warehouse: SmallWarehouse) -> None:
    add_pick_face(warehouse, "A01-01-1", "PLAIN", 10, 20)
    add_stock(warehouse, "A02-01-2", "PLAIN", 30)
    _check(warehouse)
    picker = Actor(warehouse.operators["picker"], "ST01")
    task = transaction(
        warehouse.engine, lambda s: rp.next_replenishment(s, warehouse.warehouse_id, actor=picker)
    )
    assert task is not None and (task.from_location, task.to_location) == ("A02-01-2", "A01-01-1")
    wrong = barcode(warehouse, "LOT")
    with session_scope(warehouse.engine) as s:
        with pytest.raises(WrongScan):
            rp.check_source(s, task.task_id, location_code="A01-01-2")
        with pytest.raises(WrongScan, match="expected PLAIN"):
            rp.check_source(s, task.task_id, barcode=wrong)
    with pytest.raises(WrongScan, match="expected A01-01-1"):
        transaction(
            warehouse.engine,
            lambda s: mt.confirm_move_task(s, task.task_id, actor=picker, location_code="A01-02-1"),
        )
    transaction(
        warehouse.engine,
        lambda s: mt.confirm_move_task(
            s,
            task.task_id,
            actor=picker,
            location_code="A01-01-1",
            check_digits=location_check_digits("A01-01-1"),
        ),
    )
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (20, 0)
        assert inv.balance_of(s, warehouse.key("A02-01-2", "PLAIN")) == (10, 0)
    assert _check(warehouse) == []
