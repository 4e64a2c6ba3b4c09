"""Orders without a warehouse go where they ship complete, else where most of them ships."""

from __future__ import annotations

from sqlalchemy import select

from floor.db import session_scope
from floor.models import Location, SalesOrder, Warehouse, Zone
from floor.outbound.order_routing import route_orders
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_sales_order, add_stock


def _second_warehouse(wh: SmallWarehouse) -> int:
    with session_scope(wh.engine) as s:
        other = Warehouse(code="TS2", name="Second")
        s.add(other)
        s.flush()
        zone = Zone(warehouse_id=other.id, code="STO", kind="storage")
        s.add(zone)
        s.flush()
        loc = Location(warehouse_id=other.id, zone_id=zone.id, code="B01-01-1", aisle=1)
        s.add(loc)
        s.flush()
        wh.locations["B01-01-1"] = loc.id
        return other.id


def _warehouse_of(wh: SmallWarehouse, number: str) -> str | None:
    with session_scope(wh.engine) as s:
        return s.scalar(
            select(Warehouse.code)
            .join(SalesOrder, SalesOrder.warehouse_id == Warehouse.id)
            .where(SalesOrder.number == number)
        )


def test_complete_beats_most_and_stock_is_not_promised_twice(warehouse: SmallWarehouse) -> None:
    _second_warehouse(warehouse)
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)  # TST: lots of PLAIN, no LOT
    add_stock(warehouse, "B01-01-1", "PLAIN", 2)  # TS2: a little of both
    add_stock(warehouse, "B01-01-1", "LOT", 2, lot="L1")
    add_stock(warehouse, "DOCK-01", "LOT", 50, lot="L9")  # at the dock: not available
    add_sales_order(warehouse, "SO1", [("PLAIN", 2), ("LOT", 1)], routed=False, priority=9)
    add_sales_order(warehouse, "SO2", [("PLAIN", 5), ("LOT", 1)], routed=False, priority=5)
    add_sales_order(warehouse, "SO3", [("LOT", 5)], routed=False, priority=1)
    add_sales_order(warehouse, "SO4", [("SER", 1)], routed=False, priority=1)
    with session_scope(warehouse.engine) as s:
        report = route_orders(s)
    # SO1 ships complete only from TS2; SO2 then cannot ship complete anywhere (TS2's PLAIN is
    # promised to SO1) and goes to TST, where 5 of its 6 units are; SO3 takes TS2's last LOT.
    assert report.routed == {"SO1": "TS2", "SO2": "TST", "SO3": "TS2"}
    assert report.complete == ["SO1"] and report.partial == ["SO2", "SO3"]
    assert report.unroutable == ["SO4"]
    assert _warehouse_of(warehouse, "SO4") is None
    with session_scope(warehouse.engine) as s:
        assert inv.invariant_violations(s) == []


def test_building_a_wave_routes_unrouted_orders_first(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 3)
    add_sales_order(warehouse, "SO1", [("PLAIN", 1)], routed=False)
    with session_scope(warehouse.engine) as s:
        wave = build_wave(s, warehouse.warehouse_id, WaveRules())
        numbers = [
            o.number for o in s.scalars(select(SalesOrder).where(SalesOrder.wave_id == wave.id))
        ]
    assert numbers == ["SO1"] and _warehouse_of(warehouse, "SO1") == "TST"
