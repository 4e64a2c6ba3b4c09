"""Demand history from the ledger on SQLite and PostgreSQL: ship postings per item, warehouse
and day, customer returns netted, everything else (receipts, moves) not demand."""

from __future__ import annotations

import datetime as dt

from floor.db import read_only, session_scope
from floor.models import Location, Warehouse, Zone
from floor.planning.history import daily_series, demand_days
from floor.stock import ledger
from tests.integration.planning.support import TODAY, customer_return, ship
from tests.support import SmallWarehouse, add_stock

D = dt.timedelta(days=1)


def test_shipments_per_day_with_returns_netted(warehouse: SmallWarehouse) -> None:
    ship(warehouse, "PLAIN", 5, TODAY - 3 * D)
    ship(warehouse, "PLAIN", 2, TODAY - 3 * D, location="A01-02-1")  # same day, other place
    ship(warehouse, "PLAIN", 4, TODAY - D)
    customer_return(warehouse, "PLAIN", 1, TODAY - D)
    customer_return(warehouse, "PLAIN", 3, TODAY - 2 * D)  # more back than out that day
    ship(warehouse, "LOT", 9, TODAY - 10 * D, location="A01-03-1")  # outside the window below
    add_stock(warehouse, "A01-01-1", "PLAIN", 50)  # a receipt from a supplier: not demand
    with session_scope(warehouse.engine) as s:
        ledger.move(s, warehouse.key("A01-01-1", "PLAIN"), 5, warehouse.locations["A02-01-1"])
    with read_only(warehouse.engine) as s:
        days = demand_days(s, TODAY - 5 * D, TODAY - D, warehouse_id=warehouse.warehouse_id)
        got = [(d.sku, d.day, d.shipped, d.returned, d.net) for d in days]
        assert got == [
            ("PLAIN", TODAY - 3 * D, 7, 0, 7),
            ("PLAIN", TODAY - 2 * D, 0, 3, -3),
            ("PLAIN", TODAY - D, 4, 1, 3),
        ]
        series = daily_series(s, warehouse.warehouse_id, TODAY - D, 5)
        assert series == {warehouse.items["PLAIN"]: [0, 0, 7, -3, 3]}
        longer = daily_series(s, warehouse.warehouse_id, TODAY - D, 12)
        assert longer[warehouse.items["LOT"]][2] == 9  # ten days before today: the 3rd of 12
        only = daily_series(
            s, warehouse.warehouse_id, TODAY - D, 12, item_ids=[warehouse.items["LOT"]]
        )
        assert list(only) == [warehouse.items["LOT"]]


def test_history_is_per_warehouse(warehouse: SmallWarehouse) -> None:
    with session_scope(warehouse.engine) as s:
        other = Warehouse(code="TW2", name="Second")
        s.add(other)
        s.flush()
        zone = Zone(warehouse_id=other.id, code="PCK", name="PCK", kind="pick")
        s.add(zone)
        s.flush()
        place = Location(warehouse_id=other.id, zone_id=zone.id, code="B-01", kind="rack")
        s.add(place)
        s.flush()
        other_id, warehouse.locations["B-01"] = other.id, place.id
    ship(warehouse, "PLAIN", 2, TODAY - D)
    ship(warehouse, "PLAIN", 6, TODAY - D, location="B-01")
    with read_only(warehouse.engine) as s:
        assert daily_series(s, warehouse.warehouse_id, TODAY - D, 1) == {
            warehouse.items["PLAIN"]: [2]
        }
        assert daily_series(s, other_id, TODAY - D, 1) == {warehouse.items["PLAIN"]: [6]}
        both = demand_days(s, TODAY - D, TODAY - D)
        assert sorted((d.warehouse_id, d.shipped) for d in both) == sorted(
            [(warehouse.warehouse_id, 2), (other_id, 6)]
        )
