"""Where an order is, through the real services: its status at each step (allocated, picking,
picked, packed, partially shipped, shipped), and `floor orders show` with its lines, totes,
cartons and tracking numbers, by order number or carton SSCC, as text and JSON."""

from __future__ import annotations

import json

import pytest

from floor.db import session_scope, transaction
from floor.errors import NotFound
from floor.models import PackedCarton
from floor.outbound import carts, pack_close, packing, picking
from floor.outbound.order_view import order_view, order_view_by_sscc
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from tests.integration.test_import import floor_cli
from tests.pack_support import SETTINGS, add_order, packer, prepare_packing
from tests.ship_support import BARCODES, ship
from tests.support import SmallWarehouse, add_cart, gtin


def _status(wh: SmallWarehouse) -> str:
    with session_scope(wh.engine) as s:
        return order_view(s, "SO1").status


def _pick(wh: SmallWarehouse, me: int, view: picking.PickView) -> None:
    task, code = view.task_id, gtin(list(wh.items).index(view.sku) + 1)
    transaction(wh.engine, lambda s: picking.confirm_location(s, me, task, code=view.location))
    transaction(wh.engine, lambda s: picking.confirm_item(s, me, task, code, view.lot or None))
    transaction(wh.engine, lambda s: picking.confirm_pick(s, me, task, view.remaining, view.tote))


def _pack(wh: SmallWarehouse, units: list[str]) -> str:
    me = packer(wh)
    view = transaction(
        wh.engine, lambda s: packing.start(s, wh.warehouse_id, "SO1", is_order=True, actor=me)
    )
    carton_id = view.carton.carton_id
    for sku in units:
        lot = "L1" if sku == "LOT" else None
        transaction(
            wh.engine,
            lambda s, sku=sku, lot=lot: packing.pack_scan(
                s, carton_id, BARCODES[sku], lot=lot, actor=me
            ),
        )

    def close(s):  # type: ignore[no-untyped-def]
        grams, _complete = packing.expected_weight(s, s.get(PackedCarton, carton_id))
        return pack_close.close_carton(
            s, carton_id, grams, settings=SETTINGS, printer=None, actor=me
        )

    return transaction(wh.engine, close).sscc


def test_status_from_release_to_truck(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    prepare_packing(wh)
    add_order(wh, "SO1", [("PLAIN", 2), ("LOT", 1)])
    assert _status(wh) == "open"
    with session_scope(wh.engine) as s:
        release_wave(s, build_wave(s, wh.warehouse_id, WaveRules()).id)
    assert _status(wh) == "allocated"
    me = wh.operators["picker"]
    add_cart(wh)
    transaction(wh.engine, lambda s: carts.start_cart(s, me, wh.warehouse_id, "CART01", ["TOTE01"]))
    first = transaction(wh.engine, lambda s: picking.next_pick(s, me))
    task = first.task_id
    code = gtin(list(wh.items).index(first.sku) + 1)
    transaction(wh.engine, lambda s: picking.confirm_location(s, me, task, code=first.location))
    transaction(wh.engine, lambda s: picking.confirm_item(s, me, task, code, first.lot or None))
    transaction(wh.engine, lambda s: picking.confirm_pick(s, me, task, 1, first.tote))
    assert _status(wh) == "picking"  # the first unit is in the tote
    while (view := transaction(wh.engine, lambda s: picking.next_pick(s, me))) is not None:
        _pick(wh, me, view)
    assert _status(wh) == "picked"
    one = _pack(wh, ["PLAIN", "PLAIN"])
    with session_scope(wh.engine) as s:
        view = order_view(s, "SO1")
    assert view.status == "picked"  # the LOT unit is still in the tote
    assert [(t.code, t.location, t.picked, t.still_in) for t in view.totes] == [
        ("TOTE01", "PACK-01", 3, 1)
    ]
    two = _pack(wh, ["LOT"])
    assert _status(wh) == "packed"
    ship(wh, one, "1Z0000000001")
    assert _status(wh) == "partially_shipped"
    ship(wh, two, "1Z0000000002")
    with session_scope(wh.engine) as s:
        view = order_view(s, "SO1", wh.warehouse_id)
        assert order_view_by_sscc(s, two).found_by == two
        with pytest.raises(NotFound):
            order_view(s, "SO404")
        with pytest.raises(NotFound):
            order_view_by_sscc(s, "106141410000099999")
    assert view.status == "shipped" and view.wave
    assert [
        (line.sku, line.ordered, line.allocated, line.picked, line.packed, line.shipped, line.short)
        for line in view.lines
    ] == [("PLAIN", 2, 2, 2, 2, 2, 0), ("LOT", 1, 1, 1, 1, 1, 0)]
    assert [(t.code, t.picked, t.still_in) for t in view.totes] == [("TOTE01", 3, 0)]
    assert [(c.carton_no, c.sscc, c.status, c.units, c.tracking_number) for c in view.cartons] == [
        (1, one, "shipped", 2, "1Z0000000001"),
        (2, two, "shipped", 1, "1Z0000000002"),
    ]


def test_orders_show(warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.ship_support import packed_order

    wh = warehouse
    prepare_packing(wh)
    first, second = packed_order(
        wh, "SO1", [("PLAIN", 2), ("LOT", 1)], "TOTE01", cartons=[[("PLAIN", 2)], [("LOT", 1)]]
    )
    ship(wh, first, "1Z0000000001")
    code, out, err = floor_cli(wh.engine, capsys, "orders", "show", "SO1", "--warehouse", "TST")
    assert (code, err) == (0, "")
    assert "Order SO1 (SO1): partially shipped" in out
    assert "carrier UPS Standard" in out and "Customer SO1" in out
    assert first in out and second in out and "ready to ship" in out
    assert "UPS Standard, tracking 1Z0000000001, manifest 1" in out
    assert "TOTE01 at PACK-01: 3 picked, 0 not yet in a carton" in out
    code, out, err = floor_cli(
        wh.engine, capsys, "orders", "show", f"(00) {second}", "--json", "--warehouse", "TST"
    )
    record = json.loads(out)
    assert (code, record["number"], record["status"], record["found_by"]) == (
        0,
        "SO1",
        "partially_shipped",
        second,
    )
    assert [
        (line["sku"], line["packed"], line["shipped"], line["short"]) for line in record["lines"]
    ] == [
        ("PLAIN", 2, 2, 0),
        ("LOT", 1, 0, 0),
    ]
    assert [c["tracking_number"] for c in record["cartons"]] == ["1Z0000000001", ""]
    code, out, err = floor_cli(wh.engine, capsys, "orders", "show", "SO404", "--warehouse", "TST")
    assert code == 1 and "Unknown order SO404" in err
