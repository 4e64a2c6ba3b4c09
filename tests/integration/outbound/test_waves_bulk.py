"""Release's bulk writes on both backends: tasks by COPY (PostgreSQL) or executemany (SQLite),
short lines by UPDATE ... FROM (VALUES ...) (PostgreSQL) or executemany (SQLite)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from floor.db import session_scope
from floor.models import SalesOrder, SalesOrderLine, Task
from floor.outbound.wave_release import insert_tasks, release_wave
from floor.outbound.waves import WaveRules, build_wave
from tests.support import SmallWarehouse, add_sales_order, add_stock

EXP = dt.date(2031, 1, 1)


def _release(wh: SmallWarehouse) -> str:
    add_stock(wh, "A01-01-1", "PLAIN", 4)
    add_stock(wh, "A02-03-1", "LOT", 10, lot="L1", expiry=EXP)
    add_sales_order(wh, "SO1", [("PLAIN", 2), ("LOT", 2)], priority=9)
    add_sales_order(wh, "SO2", [("PLAIN", 5), ("LOT", 3)], priority=5)  # PLAIN short by 3
    add_sales_order(wh, "SO3", [("PLAIN", 1), ("LOT", 20)], priority=1)  # both short
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        release_wave(s, wave.id, shortage_policy="partial", cart_size=2)
        return wave.code


def test_short_lines_get_their_allocated_quantity_and_status(warehouse: SmallWarehouse) -> None:
    _release(warehouse)
    with session_scope(warehouse.engine) as s:
        rows = s.execute(
            select(
                SalesOrder.number,
                SalesOrderLine.line_no,
                SalesOrderLine.quantity_allocated,
                SalesOrderLine.status,
            )
            .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
            .order_by(SalesOrder.number, SalesOrderLine.line_no)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("SO1", 1, 2, "allocated"),
        ("SO1", 2, 2, "allocated"),
        ("SO2", 1, 2, "short"),
        ("SO2", 2, 3, "allocated"),
        ("SO3", 1, 0, "short"),
        ("SO3", 2, 5, "short"),
    ]


def test_pick_tasks_carry_every_column(warehouse: SmallWarehouse) -> None:
    code = _release(warehouse)
    with session_scope(warehouse.engine) as s:
        tasks = list(s.scalars(select(Task).order_by(Task.cluster, Task.sequence)))
        lot_tasks = [t for t in tasks if t.lot]
        assert {t.cluster for t in tasks} == {f"{code}-C0001", f"{code}-C0002"}
        assert all(t.kind == "pick" and t.status == "open" for t in tasks)
        assert all(isinstance(t.data, dict) and t.data["slot"] in (1, 2) for t in tasks)
        assert all(t.created_at is not None and t.updated_at is not None for t in tasks)
        assert all(t.quantity_done == 0 and t.assignee_id is None for t in tasks)
        assert {(t.lot, t.expiry) for t in lot_tasks} == {("L1", EXP)}
        assert sum(t.quantity for t in tasks) == 4 + 10
        assert all(t.order_line_id is not None and t.from_location_id for t in tasks)


def test_insert_tasks_with_no_rows_does_nothing(warehouse: SmallWarehouse) -> None:
    with session_scope(warehouse.engine) as s:
        insert_tasks(s, [])
        assert s.scalars(select(Task.id)).first() is None
