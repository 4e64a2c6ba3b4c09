"""Cluster picking services: claim a cart, totes, location/item/lot/tote checks, short, skip."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.errors import Conflict, NotFound, WrongScan
from floor.models import Location, SalesOrder, Task, Wave
from floor.outbound import carts, picking, short_picks
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_cart, add_sales_order, add_stock, barcode

EXP = dt.date(2031, 1, 1)


def _wave(wh: SmallWarehouse, cart_size: int = 4) -> str:
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        release_wave(s, wave.id, cart_size=cart_size)
        return wave.code


def _setup(wh: SmallWarehouse) -> str:
    add_stock(wh, "A01-01-1", "PLAIN", 10)
    add_stock(wh, "A02-02-1", "LOT", 10, lot="L1", expiry=EXP)
    add_sales_order(wh, "SO1", [("PLAIN", 2), ("LOT", 1)])
    add_sales_order(wh, "SO2", [("PLAIN", 3)])
    add_cart(wh, "CART01", ("TOTE03",))
    return _wave(wh)


def _picker(wh: SmallWarehouse) -> int:
    return wh.operators["picker"]


def _do(wh: SmallWarehouse, work):  # type: ignore[no-untyped-def]
    return transaction(wh.engine, work)


def test_claim_cart_assigns_totes_by_slot_and_leads_along_the_path(
    warehouse: SmallWarehouse,
) -> None:
    _setup(warehouse)
    me = _picker(warehouse)
    view = _do(warehouse, lambda s: carts.claim_cart(s, me, warehouse.warehouse_id, "CART01"))
    assert [(s.slot, s.order, s.tote) for s in view.slots] == [(1, "SO1", None), (2, "SO2", None)]
    with pytest.raises(WrongScan):  # a pallet is not a tote
        _do(warehouse, lambda s: carts.assign_tote(s, me, "LPN0001"))
    _do(warehouse, lambda s: carts.assign_tote(s, me, "TOTE01"))
    with pytest.raises(WrongScan, match="already on this cart"):
        _do(warehouse, lambda s: carts.assign_tote(s, me, "TOTE01"))
    view = _do(warehouse, lambda s: carts.assign_tote(s, me, "TOTE02"))
    assert view.next_slot is None and view.cart == "CART01"
    first = _do(warehouse, lambda s: picking.next_pick(s, me))
    assert (first.location, first.sku, first.quantity, first.tote) in {
        ("A01-01-1", "PLAIN", 2, "TOTE01"),
        ("A01-01-1", "PLAIN", 3, "TOTE02"),
    }
    assert first.remaining_tasks == 3


def test_wrong_location_item_lot_tote_are_refused_naming_the_expected(
    warehouse: SmallWarehouse,
) -> None:
    _setup(warehouse)
    me = _picker(warehouse)
    _do(
        warehouse,
        lambda s: carts.start_cart(s, me, warehouse.warehouse_id, "CART01", ["TOTE01", "TOTE02"]),
    )
    view = _do(warehouse, lambda s: picking.next_pick(s, me))
    with pytest.raises(WrongScan) as err:
        _do(warehouse, lambda s: picking.confirm_location(s, me, view.task_id, code="A02-01-1"))
    assert err.value.expected == "A01-01-1"
    with pytest.raises(WrongScan):
        _do(warehouse, lambda s: picking.confirm_location(s, me, view.task_id, check_digits="00"))
    with session_scope(warehouse.engine) as s:
        digits = s.get(Location, warehouse.locations["A01-01-1"]).check_digit  # type: ignore[union-attr]
    _do(warehouse, lambda s: picking.confirm_location(s, me, view.task_id, check_digits=digits))
    with pytest.raises(WrongScan, match="PLAIN"):
        _do(
            warehouse,
            lambda s: picking.confirm_item(s, me, view.task_id, barcode(warehouse, "LOT")),
        )
    _do(warehouse, lambda s: picking.confirm_item(s, me, view.task_id, barcode(warehouse, "PLAIN")))
    wrong_tote = "TOTE02" if view.tote == "TOTE01" else "TOTE01"
    with pytest.raises(WrongScan) as err:
        _do(
            warehouse,
            lambda s: picking.confirm_pick(s, me, view.task_id, view.quantity, wrong_tote),
        )
    assert err.value.expected == view.tote
    with pytest.raises(WrongScan, match="Over-pick"):
        _do(warehouse, lambda s: picking.confirm_pick(s, me, view.task_id, 99, view.tote))
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (10, 5)
    out = _do(
        warehouse,
        lambda s: picking.confirm_pick(s, me, view.task_id, view.quantity, view.tote, scan_id="p1"),
    )
    again = _do(
        warehouse,
        lambda s: picking.confirm_pick(s, me, view.task_id, view.quantity, view.tote, scan_id="p1"),
    )
    assert out.task_done and again == out  # the same scan applied twice picks once
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (
            10 - view.quantity,
            5 - view.quantity,
        )
        assert inv.balance_of(s, warehouse.key("PACK-01", "PLAIN", container=view.tote)) == (
            view.quantity,
            0,
        )
        assert inv.invariant_violations(s) == []


def _walk_to(wh: SmallWarehouse, me: int, sku: str) -> picking.PickView:
    """Skip picks until the current one is of `sku`."""
    for _ in range(10):
        view = _do(wh, lambda s: picking.next_pick(s, me))
        if view.sku == sku:
            return view
        _do(wh, lambda s, v=view: picking.skip_pick(s, me, v.task_id))
    raise AssertionError(f"no pick of {sku}")


def test_lot_must_be_allocated_or_an_allowed_fefo_substitute(warehouse: SmallWarehouse) -> None:
    _setup(warehouse)
    add_stock(warehouse, "A02-02-1", "LOT", 5, lot="L0", expiry=EXP - dt.timedelta(days=10))
    add_stock(warehouse, "A02-02-1", "LOT", 5, lot="L2", expiry=EXP + dt.timedelta(days=10))
    me = _picker(warehouse)
    _do(
        warehouse,
        lambda s: carts.start_cart(s, me, warehouse.warehouse_id, "CART01", ["TOTE01", "TOTE02"]),
    )
    view = _walk_to(warehouse, me, "LOT")
    # the earlier lot L0 arrived after release; the wave reserved L1
    assert view.lot == "L1"
    gtin = barcode(warehouse, "LOT")
    _do(warehouse, lambda s: picking.confirm_location(s, me, view.task_id, code="A02-02-1"))
    with pytest.raises(WrongScan, match="expected lot L1"):  # later expiry: not allowed
        _do(
            warehouse,
            lambda s: picking.confirm_item(
                s, me, view.task_id, gtin, "L2", EXP + dt.timedelta(days=10)
            ),
        )
    with pytest.raises(WrongScan, match="lot"):  # lot missing on the scan
        _do(warehouse, lambda s: picking.confirm_item(s, me, view.task_id, gtin))
    after = _do(
        warehouse,
        lambda s: picking.confirm_item(
            s, me, view.task_id, gtin, "L0", EXP - dt.timedelta(days=10)
        ),
    )
    assert after.lot == "L0"
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A02-02-1", "LOT", "L1", EXP)) == (10, 0)
        assert inv.balance_of(
            s, warehouse.key("A02-02-1", "LOT", "L0", EXP - dt.timedelta(days=10))
        ) == (5, 1)


def test_short_pick_reallocates_elsewhere_else_records_shortage_and_count_task(
    warehouse: SmallWarehouse,
) -> None:
    _setup(warehouse)
    add_stock(warehouse, "A02-03-2", "PLAIN", 1)  # reserve: one more unit elsewhere
    me = _picker(warehouse)
    _do(
        warehouse,
        lambda s: carts.start_cart(s, me, warehouse.warehouse_id, "CART01", ["TOTE01", "TOTE02"]),
    )
    view = _walk_to(warehouse, me, "PLAIN")
    _do(warehouse, lambda s: picking.confirm_location(s, me, view.task_id, code="A01-01-1"))
    out = _do(warehouse, lambda s: short_picks.short_pick(s, me, view.task_id, 0, scan_id="s1"))
    assert out.exception_code == "BIDF" and out.reallocated_to == ("A02-03-2",)
    assert out.shortage == view.quantity - 1 and out.count_task_id is not None
    with session_scope(warehouse.engine) as s:
        count = s.get(Task, out.count_task_id)
        assert count.kind == "count" and count.from_location_id == warehouse.locations["A01-01-1"]  # type: ignore[union-attr]
        short = s.get(Task, view.task_id)
        assert short.status == "short" and short.exception_code == "BIDF"  # type: ignore[union-attr]
        other = 5 - view.quantity  # the other order's units are still reserved here
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (10, other)
        assert inv.balance_of(s, warehouse.key("A02-03-2", "PLAIN")) == (1, 1)
        assert inv.invariant_violations(s) == []
    # the new task is on this cart, at the end of its sequence
    tasks = _do(
        warehouse, lambda s: [(t.from_location_id, t.status) for t in carts._my_tasks(s, me)]
    )
    assert tasks[-1] == (warehouse.locations["A02-03-2"], "assigned")


@pytest.mark.parametrize("found", [0, 1])
def test_a_short_pick_locks_its_balances_in_the_ledgers_order(
    warehouse: SmallWarehouse, found: int
) -> None:
    """The pick is at A02-01-1 and the remainder goes to A01-01-1, a lower key: the short pick
    locks both (and the tote) first, instead of posting at A02-01-1 and then locking A01-01-1
    (two such short picks the other way round deadlocked). The tests run with the ledger's
    lock-order check on, which refuses the out-of-order lock on both backends."""
    wh = warehouse
    add_stock(wh, "A02-01-1", "PLAIN", 10)  # received first: allocated first
    add_stock(wh, "A01-01-1", "PLAIN", 10)
    add_sales_order(wh, "SO1", [("PLAIN", 4)])
    add_cart(wh, "CART01")
    _wave(wh)
    me = _picker(wh)
    _do(wh, lambda s: carts.start_cart(s, me, wh.warehouse_id, "CART01", ["TOTE01"]))
    view = _do(wh, lambda s: picking.next_pick(s, me))
    assert view.location == "A02-01-1"
    out = _do(wh, lambda s: short_picks.short_pick(s, me, view.task_id, found, view.tote))
    assert out.reallocated_to == ("A01-01-1",) and out.picked == found
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("A01-01-1", "PLAIN")) == (10, 4 - found)
        assert inv.balance_of(s, wh.key("A02-01-1", "PLAIN")) == (10 - found, 0)
        assert inv.invariant_violations(s) == []


def test_partial_short_pick_picks_what_was_found(warehouse: SmallWarehouse) -> None:
    _setup(warehouse)
    me = _picker(warehouse)
    _do(
        warehouse,
        lambda s: carts.start_cart(s, me, warehouse.warehouse_id, "CART01", ["TOTE01", "TOTE02"]),
    )
    view = _walk_to(warehouse, me, "PLAIN")
    out = _do(warehouse, lambda s: short_picks.short_pick(s, me, view.task_id, 1, view.tote))
    assert out.exception_code == "BIDP" and out.picked == 1 and out.reallocated_to == ()
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("PACK-01", "PLAIN", container=view.tote)) == (1, 0)
        assert inv.invariant_violations(s) == []


def test_skip_moves_the_pick_to_the_end_and_a_stale_task_is_refused(
    warehouse: SmallWarehouse,
) -> None:
    _setup(warehouse)
    me = _picker(warehouse)
    _do(
        warehouse,
        lambda s: carts.start_cart(s, me, warehouse.warehouse_id, "CART01", ["TOTE01", "TOTE02"]),
    )
    first = _do(warehouse, lambda s: picking.next_pick(s, me))
    second = _do(warehouse, lambda s: picking.skip_pick(s, me, first.task_id))
    assert second.task_id != first.task_id
    with pytest.raises(Conflict):
        _do(warehouse, lambda s: picking.confirm_pick(s, me, first.task_id, 1, first.tote))
    order = _do(warehouse, lambda s: [t.id for t in carts._my_tasks(s, me)])
    assert order[-1] == first.task_id


def test_picking_a_whole_cart_completes_orders_and_wave(warehouse: SmallWarehouse) -> None:
    code = _setup(warehouse)
    me = _picker(warehouse)
    _do(
        warehouse,
        lambda s: carts.start_cart(s, me, warehouse.warehouse_id, "CART01", ["TOTE01", "TOTE02"]),
    )
    done = None
    while (view := _do(warehouse, lambda s: picking.next_pick(s, me))) is not None:
        _do(
            warehouse, lambda s, v=view: picking.confirm_location(s, me, v.task_id, code=v.location)
        )
        lot = view.lot or None
        gtin = barcode(warehouse, view.sku)
        _do(
            warehouse,
            lambda s, v=view, g=gtin, lot=lot: picking.confirm_item(
                s, me, v.task_id, g, lot, v.expiry
            ),
        )
        done = _do(
            warehouse, lambda s, v=view: picking.confirm_pick(s, me, v.task_id, v.quantity, v.tote)
        )
    assert done is not None and done.cart_done
    with session_scope(warehouse.engine) as s:
        assert s.scalars(select(Wave.status).where(Wave.code == code)).one() == "done"
        assert set(s.scalars(select(SalesOrder.status))) == {"picked"}
        assert inv.invariant_violations(s) == []
    with pytest.raises(NotFound):
        _do(warehouse, lambda s: carts.claim_cart(s, me, warehouse.warehouse_id, "CART01"))


def test_views_after_a_scan_equal_the_views_read_again_and_on_a_replay(
    warehouse: SmallWarehouse,
) -> None:
    """The tote, location and item scans build the view from what the scan read; the same
    scan replayed (nothing read) and a fresh read must show the same."""
    _setup(warehouse)
    me = _picker(warehouse)
    _do(warehouse, lambda s: carts.claim_cart(s, me, warehouse.warehouse_id, "CART01"))
    for n, tote in enumerate(("TOTE01", "TOTE02")):
        view = _do(warehouse, lambda s, t=tote, n=n: carts.assign_tote(s, me, t, scan_id=f"t{n}"))
        again = _do(warehouse, lambda s, t=tote, n=n: carts.assign_tote(s, me, t, scan_id=f"t{n}"))
        fresh = _do(warehouse, lambda s: carts.current_cart(s, me))
        assert view == again == fresh
        assert [slot.tote for slot in view.slots][: n + 1] == ["TOTE01", "TOTE02"][: n + 1]
    pick = _do(warehouse, lambda s: picking.next_pick(s, me))
    code = pick.location
    at = _do(
        warehouse, lambda s: picking.confirm_location(s, me, pick.task_id, code=code, scan_id="l1")
    )
    again = _do(
        warehouse, lambda s: picking.confirm_location(s, me, pick.task_id, code=code, scan_id="l1")
    )
    assert at == again == _do(warehouse, lambda s: picking.next_pick(s, me)) == pick
    gtin = barcode(warehouse, pick.sku)
    item = _do(warehouse, lambda s: picking.confirm_item(s, me, pick.task_id, gtin, scan_id="i1"))
    again = _do(warehouse, lambda s: picking.confirm_item(s, me, pick.task_id, gtin, scan_id="i1"))
    assert item == again == pick
    assert (item.tote, item.order, item.position) != ("", "", 0)
    assert item.order in {"SO1", "SO2"} and item.tote in {"TOTE01", "TOTE02"}


def test_a_tote_holding_stock_is_refused(warehouse: SmallWarehouse) -> None:
    _setup(warehouse)
    me = _picker(warehouse)
    add_stock(warehouse, "A01-01-1", "PLAIN", 1, container="TOTE01")
    _do(warehouse, lambda s: carts.claim_cart(s, me, warehouse.warehouse_id, "CART01"))
    with pytest.raises(WrongScan, match="not empty"):
        _do(warehouse, lambda s: carts.assign_tote(s, me, "TOTE01"))
    view = _do(warehouse, lambda s: carts.assign_tote(s, me, "TOTE02"))  # an empty one is taken
    assert [s.tote for s in view.slots] == ["TOTE02", None]
