"""Waves: build by rules, release under each shortage policy, clusters, sequence, hold, cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from floor.db import session_scope
from floor.errors import Conflict, NotFound, PermissionDenied
from floor.models import Location, SalesOrder, SalesOrderLine, Task, Wave
from floor.outbound.wave_progress import wave_status
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave, cancel_wave, hold_wave
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_sales_order, add_stock

CUTOFF = dt.datetime(2030, 6, 1, 15, 0, tzinfo=dt.UTC)


def _orders_in(wh: SmallWarehouse, wave_id: int) -> list[str]:
    with session_scope(wh.engine) as s:
        return list(
            s.scalars(
                select(SalesOrder.number)
                .where(SalesOrder.wave_id == wave_id)
                .order_by(SalesOrder.number)
            )
        )


def test_build_selects_by_carrier_cutoff_priority_ship_by(warehouse: SmallWarehouse) -> None:
    add_sales_order(
        warehouse,
        "SO1",
        [("PLAIN", 1)],
        carrier="UPS",
        cutoff_at=CUTOFF,
        priority=5,
        ship_by=dt.date(2030, 6, 1),
    )
    add_sales_order(warehouse, "SO2", [("PLAIN", 1)], carrier="DHL", cutoff_at=CUTOFF)
    add_sales_order(
        warehouse, "SO3", [("PLAIN", 1)], carrier="UPS", cutoff_at=CUTOFF + dt.timedelta(hours=3)
    )
    add_sales_order(warehouse, "SO4", [("PLAIN", 1)], carrier="UPS", cutoff_at=CUTOFF, priority=1)
    add_sales_order(
        warehouse,
        "SO5",
        [("PLAIN", 1)],
        carrier="UPS",
        cutoff_at=CUTOFF,
        ship_by=dt.date(2030, 7, 1),
    )
    rules = WaveRules(
        carrier="UPS",
        cutoff_before=CUTOFF,
        min_priority=3,
        ship_by_before=dt.date(2030, 6, 2),
    )
    with session_scope(warehouse.engine) as s:
        wave = build_wave(s, warehouse.warehouse_id, rules)
        wave_id, code, status = wave.id, wave.code, wave.status
    # SO5 has ship_by after the limit; an order with no ship-by date does not pass that rule
    assert _orders_in(warehouse, wave_id) == ["SO1"]
    assert status == "planned" and code.startswith("W")
    with session_scope(warehouse.engine) as s:
        wave2 = build_wave(s, warehouse.warehouse_id, WaveRules(carrier="UPS"))
        wave2_id = wave2.id
    assert _orders_in(warehouse, wave2_id) == ["SO3", "SO4", "SO5"]


def test_caps_on_orders_lines_and_volume_take_most_urgent_first(warehouse: SmallWarehouse) -> None:
    with session_scope(warehouse.engine) as s:
        item = s.get(__import__("floor.models").models.Item, warehouse.items["PLAIN"])
        item.length_mm = item.width_mm = item.height_mm = 100.0  # 1 litre each
    add_sales_order(warehouse, "SO1", [("PLAIN", 1), ("LOT", 1)], priority=9)
    add_sales_order(warehouse, "SO2", [("PLAIN", 5)], priority=8)
    add_sales_order(warehouse, "SO3", [("PLAIN", 1)], priority=7)
    add_sales_order(warehouse, "SO4", [("PLAIN", 1)], priority=6)
    with session_scope(warehouse.engine) as s:
        by_lines = build_wave(s, warehouse.warehouse_id, WaveRules(max_lines=3)).id
    assert _orders_in(warehouse, by_lines) == ["SO1", "SO2"]
    add_sales_order(warehouse, "SO5", [("PLAIN", 4)], priority=9)
    with session_scope(warehouse.engine) as s:
        by_volume = build_wave(s, warehouse.warehouse_id, WaveRules(max_volume_l=2.5)).id
    # SO5 (4 l) does not fit; SO3 and SO4 (1 l each) do
    assert _orders_in(warehouse, by_volume) == ["SO3", "SO4"]
    with session_scope(warehouse.engine) as s:
        by_orders = build_wave(s, warehouse.warehouse_id, WaveRules(max_orders=1)).id
    assert _orders_in(warehouse, by_orders) == ["SO5"]
    with pytest.raises(NotFound), session_scope(warehouse.engine) as s:
        build_wave(s, warehouse.warehouse_id, WaveRules())


def test_zone_rule_keeps_orders_whose_items_are_stocked_in_the_zone(
    warehouse: SmallWarehouse,
) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 5)
    add_stock(warehouse, "A01-01-2", "LOT", 5, lot="L1", expiry=dt.date(2031, 1, 1))
    add_sales_order(warehouse, "SO1", [("PLAIN", 1)])
    add_sales_order(warehouse, "SO2", [("PLAIN", 1), ("LOT", 1)])
    with session_scope(warehouse.engine) as s:
        wave_id = build_wave(s, warehouse.warehouse_id, WaveRules(zone="PCK")).id
    assert _orders_in(warehouse, wave_id) == ["SO1"]


def test_only_supervisors_build_and_release(warehouse: SmallWarehouse) -> None:
    add_sales_order(warehouse, "SO1", [("PLAIN", 1)])
    picker = Actor(warehouse.operators["picker"], "ST01")
    with pytest.raises(PermissionDenied), session_scope(warehouse.engine) as s:
        build_wave(s, warehouse.warehouse_id, WaveRules(), picker)
    boss = Actor(warehouse.operators["supervisor"], "ST01")
    with session_scope(warehouse.engine) as s:
        wave_id = build_wave(s, warehouse.warehouse_id, WaveRules(), boss).id
    with pytest.raises(PermissionDenied), session_scope(warehouse.engine) as s:
        release_wave(s, wave_id, picker)


def _stocked_wave(wh: SmallWarehouse, policy: str):  # type: ignore[no-untyped-def]
    add_stock(wh, "A01-01-1", "PLAIN", 4)
    add_stock(wh, "A02-03-1", "LOT", 10, lot="L1", expiry=dt.date(2031, 1, 1))
    add_sales_order(wh, "SO1", [("PLAIN", 2), ("LOT", 2)], priority=9)
    add_sales_order(wh, "SO2", [("PLAIN", 5), ("LOT", 3)], priority=5)  # PLAIN short by 3
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        return wave.id, release_wave(s, wave.id, shortage_policy=policy, cart_size=4)


def test_partial_policy_allocates_what_is_there_and_reports_the_rest(
    warehouse: SmallWarehouse,
) -> None:
    wave_id, report = _stocked_wave(warehouse, "partial")
    assert report.orders_allocated == 2 and report.lines_allocated == 4
    assert [(s.order, s.sku, s.ordered, s.allocated, s.outcome) for s in report.short] == [
        ("SO2", "PLAIN", 5, 2, "short")
    ]
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (4, 4)
        assert s.scalar(select(func.sum(Task.quantity)).where(Task.wave_id == wave_id)) == 9
        assert s.get(Wave, wave_id).status == "released"  # type: ignore[union-attr]
        assert inv.invariant_violations(s) == []


def test_backorder_and_hold_policies_take_short_orders_out_whole(
    warehouse: SmallWarehouse,
) -> None:
    _wave_id, report = _stocked_wave(warehouse, "hold")
    assert report.held == ["SO2"] and report.orders_allocated == 1
    with session_scope(warehouse.engine) as s:
        so2 = s.scalars(select(SalesOrder).where(SalesOrder.number == "SO2")).one()
        assert so2.status == "held" and so2.wave_id is None
        # only SO1's units are reserved
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (4, 2)
        lot_key = warehouse.key("A02-03-1", "LOT", "L1", dt.date(2031, 1, 1))
        assert inv.balance_of(s, lot_key) == (10, 2)


def test_backorder_policy_leaves_the_order_for_a_later_wave(warehouse: SmallWarehouse) -> None:
    _wave_id, report = _stocked_wave(warehouse, "backorder")
    assert report.backordered == ["SO2"]
    add_stock(warehouse, "A01-02-1", "PLAIN", 10)
    with session_scope(warehouse.engine) as s:
        later = build_wave(s, warehouse.warehouse_id, WaveRules())
        assert release_wave(s, later.id).orders_allocated == 1
    assert _orders_in(warehouse, later.id) == ["SO2"]


def test_clusters_hold_cart_size_orders_one_slot_each_in_pick_path_order(
    warehouse: SmallWarehouse,
) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 100)
    add_stock(warehouse, "A02-03-1", "LOT", 100, lot="L1", expiry=dt.date(2031, 1, 1))
    for n in range(1, 6):
        add_sales_order(warehouse, f"SO{n}", [("LOT", 1), ("PLAIN", 1)])
    with session_scope(warehouse.engine) as s:
        wave = build_wave(s, warehouse.warehouse_id, WaveRules())
        report = release_wave(s, wave.id, cart_size=2)
        rows = s.execute(
            select(Task.cluster, Task.sequence, Task.data, Location.code, SalesOrder.number)
            .join(Location, Location.id == Task.from_location_id)
            .join(SalesOrderLine, SalesOrderLine.id == Task.order_line_id)
            .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
            .order_by(Task.cluster, Task.sequence)
        ).all()
    assert report.clusters == 3 and report.tasks == 10
    clusters: dict[str, list] = {}
    for cluster, sequence, data, code, order in rows:
        clusters.setdefault(cluster, []).append((sequence, data["slot"], code, order))
    sizes = sorted(len({o for *_x, o in picks}) for picks in clusters.values())
    assert sizes == [1, 2, 2]
    for picks in clusters.values():
        assert [p[0] for p in picks] == list(range(len(picks)))
        # aisle 1 before aisle 2 from the depot at the front of aisle 1
        codes = [p[2] for p in picks]
        assert codes == sorted(codes)
        slots = {order: slot for _s, slot, _c, order in picks}
        assert sorted(slots.values()) == list(range(1, len(slots) + 1))


def test_hold_then_release_resumes_and_cancel_returns_reservations(
    warehouse: SmallWarehouse,
) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    add_sales_order(warehouse, "SO1", [("PLAIN", 3)])
    with session_scope(warehouse.engine) as s:
        wave = build_wave(s, warehouse.warehouse_id, WaveRules())
        code = wave.code
        release_wave(s, code)
        hold_wave(s, code)
        assert wave_status(s, code).status == "held"
        release_wave(s, code)
        assert wave_status(s, code).status == "released"
        cancel_wave(s, code)
    with session_scope(warehouse.engine) as s:
        view = wave_status(s, code)
        assert view.status == "cancelled" and view.orders == 0
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (10, 0)
        order = s.scalars(select(SalesOrder)).one()
        assert order.status == "open" and order.lines[0].quantity_allocated == 0
        assert set(s.scalars(select(Task.status))) == {"cancelled"}
        assert inv.invariant_violations(s) == []
    with pytest.raises(Conflict), session_scope(warehouse.engine) as s:
        release_wave(s, code)
