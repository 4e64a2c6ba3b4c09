"""Allocation rules: pick faces before reserve, FIFO, FEFO, never expired, fewest locations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from floor.db import session_scope
from floor.models import Location, Task
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_sales_order, add_stock

TODAY = dt.date(2030, 6, 1)


def _release(wh: SmallWarehouse, policy: str = "partial"):  # type: ignore[no-untyped-def]
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        return release_wave(s, wave.id, shortage_policy=policy, today=TODAY)


def _picks(wh: SmallWarehouse) -> list[tuple[str, str, int]]:
    with session_scope(wh.engine) as s:
        rows = s.execute(
            select(Location.code, Task.lot, Task.quantity)
            .join(Location, Location.id == Task.from_location_id)
            .where(Task.kind == "pick")
            .order_by(Location.code, Task.lot)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_pick_face_before_reserve_and_single_location_covering_the_line(
    warehouse: SmallWarehouse,
) -> None:
    add_stock(warehouse, "A01-01-2", "PLAIN", 50)  # reserve, oldest
    add_stock(warehouse, "A01-02-1", "PLAIN", 3)  # pick face, too few
    add_stock(warehouse, "A01-03-1", "PLAIN", 8)  # pick face, covers the line
    add_sales_order(warehouse, "SO1", [("PLAIN", 6)])
    report = _release(warehouse)
    assert report.lines_allocated == 1 and not report.short
    assert _picks(warehouse) == [("A01-03-1", "", 6)]
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-03-1", "PLAIN")) == (8, 6)
        assert inv.invariant_violations(s) == []


def test_fifo_splits_across_pick_faces_before_touching_reserve(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 3)
    add_stock(warehouse, "A01-02-1", "PLAIN", 4)
    add_stock(warehouse, "A02-01-2", "PLAIN", 100)
    add_sales_order(warehouse, "SO1", [("PLAIN", 9)])
    _release(warehouse)
    assert _picks(warehouse) == [("A01-01-1", "", 3), ("A01-02-1", "", 4), ("A02-01-2", "", 2)]


def test_fefo_takes_earliest_expiry_and_never_an_expired_lot(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "LOT", 10, lot="OLD", expiry=TODAY - dt.timedelta(days=1))
    add_stock(warehouse, "A01-02-1", "LOT", 10, lot="LATE", expiry=TODAY + dt.timedelta(days=60))
    add_stock(warehouse, "A01-01-2", "LOT", 4, lot="SOON", expiry=TODAY + dt.timedelta(days=5))
    add_sales_order(warehouse, "SO1", [("LOT", 6)])
    _release(warehouse)
    # the reserve lot expiring first goes before the pick-face lot; the expired one is never used
    assert _picks(warehouse) == [("A01-01-2", "SOON", 4), ("A01-02-1", "LATE", 2)]


def test_stock_in_totes_at_the_dock_or_blocked_locations_is_not_allocated(
    warehouse: SmallWarehouse,
) -> None:
    add_stock(warehouse, "DOCK-01", "PLAIN", 10)
    add_stock(warehouse, "PACK-01", "PLAIN", 10, container="TOTE01")
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    with session_scope(warehouse.engine) as s:
        s.get(Location, warehouse.locations["A01-01-1"]).blocked = True  # type: ignore[union-attr]
    add_sales_order(warehouse, "SO1", [("PLAIN", 2)])
    report = _release(warehouse)
    assert report.backordered == ["SO1"] and _picks(warehouse) == []


def test_two_orders_never_get_the_same_units(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 5)
    add_sales_order(warehouse, "SO1", [("PLAIN", 3)], priority=9)
    add_sales_order(warehouse, "SO2", [("PLAIN", 3)], priority=1)
    report = _release(warehouse)
    assert [(s.order, s.allocated) for s in report.short] == [("SO2", 2)]
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (5, 5)
