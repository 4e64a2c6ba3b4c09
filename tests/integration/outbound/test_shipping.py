"""Ship confirm: cartons packed at the bench leave through the ledger onto a carrier's
manifest; quantity shipped and order status; idempotent by scan id; every refusal changes
nothing (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from floor.db import session_scope, transaction
from floor.errors import Conflict, InvalidInput, NotFound, PermissionDenied, WrongScan
from floor.models import (
    Balance,
    Container,
    Manifest,
    PackedCarton,
    SalesOrder,
    SalesOrderLine,
    SerialNumber,
    StockTransaction,
)
from floor.outbound import manifests, pack_close, packing
from floor.outbound import shipping as sh
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.pack_support import SETTINGS, packer
from tests.ship_support import BARCODES, order_state, packed_order, prepare_packing, ship
from tests.support import SmallWarehouse


@pytest.fixture
def wh(warehouse: SmallWarehouse) -> SmallWarehouse:
    prepare_packing(warehouse)
    return warehouse


def test_ship_two_cartons_partially_then_fully(wh: SmallWarehouse) -> None:
    first, second = packed_order(
        wh, "SO100", [("PLAIN", 3), ("SER", 1)], "TOTE01", cartons=[[("PLAIN", 3)], [("SER", 1)]]
    )
    assert order_state(wh, "SO100")[0] == "packed"
    with session_scope(wh.engine) as s:
        view = sh.carton_to_ship(s, wh.warehouse_id, first, "ups")
        assert (view.order, view.carton_no, view.cartons, view.units) == ("SO100", 1, 2, 3)
        assert (view.carrier, view.service) == ("UPS", "Standard")

    done = ship(wh, first, "1Z999AA10123456784", "ups", scan_id="s1")
    assert (done.order, done.carrier, done.service, done.units) == ("SO100", "UPS", "Standard", 3)
    assert (done.order_status, done.cartons_left, done.manifest_cartons) == (
        "partially_shipped",
        1,
        1,
    )
    assert ship(wh, first, "1Z999AA10123456784", "ups", scan_id="s1") == done  # replayed
    assert order_state(wh, "SO100") == (
        "partially_shipped",
        [(3, 3, 3, "picked"), (1, 1, 0, "picked")],
    )

    again = ship(wh, second, "1Z999AA10123456793", scan_id="s2")
    assert again.manifest_id == done.manifest_id and again.manifest_cartons == 2
    assert again.order_status == "shipped" and again.cartons_left == 0
    with session_scope(wh.engine) as s:
        assert s.scalar(select(SalesOrder.status).where(SalesOrder.number == "SO100")) == "shipped"
        shipped = s.scalars(select(SalesOrderLine.quantity_shipped).order_by(SalesOrderLine.id))
        assert shipped.all() == [3, 1]
        cartons = s.scalars(select(PackedCarton).order_by(PackedCarton.carton_no)).all()
        assert [(c.status, c.carrier, c.tracking_number) for c in cartons] == [
            ("shipped", "UPS", "1Z999AA10123456784"),
            ("shipped", "UPS", "1Z999AA10123456793"),
        ]
        assert all(c.shipped_at and c.shipped_by == wh.operators["shipper"] for c in cartons)
        boxes = s.scalars(select(Container.status).where(Container.kind == "carton")).all()
        assert boxes == ["shipped", "shipped"]
        serial = s.scalars(select(SerialNumber).where(SerialNumber.serial == "SN001")).one()
        assert (serial.status, serial.location_id) == ("shipped", None)
        # the stock left: nothing in the cartons, one "ship" posting per carton
        for carton in cartons:
            held = select(Balance.quantity).where(Balance.container_id == carton.container_id)
            assert set(s.scalars(held)) == {0}
        # (the picked units were put in the tote as they are, the pick faces untouched)
        assert ledger.on_hand(s, wh.items["PLAIN"]) == 100
        assert ledger.on_hand(s, wh.items["SER"]) == 5
        ships = s.scalars(
            select(StockTransaction)
            .where(StockTransaction.kind == "ship")
            .order_by(StockTransaction.id)
        ).all()
        assert [(t.reason, t.reference, t.scan_id) for t in ships] == [
            ("shipment", f"SO100 {first}", "s1"),
            ("shipment", f"SO100 {second}", "s2"),
        ]
        assert ledger.invariant_violations(s) == []


def test_short_line_counts_as_done_once_what_was_picked_shipped(wh: SmallWarehouse) -> None:
    [sscc] = packed_order(wh, "SO100", [("PLAIN", 3), ("LOT", 2)], "TOTE01")
    with session_scope(wh.engine) as s:  # 5 were ordered, picking found 3: closed short
        s.execute(
            update(SalesOrderLine)
            .where(SalesOrderLine.line_no == 1)
            .values(quantity_ordered=5, status="short")
        )
    assert ship(wh, sscc, "TRACK0001").order_status == "shipped"
    assert order_state(wh, "SO100")[1] == [(5, 3, 3, "short"), (2, 2, 2, "picked")]


def test_an_order_with_a_line_still_to_pick_is_partially_shipped(wh: SmallWarehouse) -> None:
    [sscc] = packed_order(wh, "SO100", [("PLAIN", 2)], "TOTE01")
    with session_scope(wh.engine) as s:  # a line the wave has not picked yet
        order = s.scalars(select(SalesOrder)).one()
        order.lines.append(
            SalesOrderLine(line_no=2, item_id=wh.items["LOT"], quantity_ordered=1, status="open")
        )
    assert ship(wh, sscc, "TRACK0001").order_status == "partially_shipped"


def test_refusals_change_nothing(wh: SmallWarehouse) -> None:
    shipped, ready = packed_order(
        wh, "SO100", [("PLAIN", 2)], "TOTE01", cartons=[[("PLAIN", 1)], [("PLAIN", 1)]]
    )
    [dhl] = packed_order(wh, "SO200", [("PLAIN", 1)], "TOTE02", carrier="DHL")
    [other] = packed_order(wh, "SO300", [("PLAIN", 1)], "TOTE03")
    ship(wh, shipped, "1ZAAA0001")

    with pytest.raises(NotFound, match="Unknown carton") as unknown:
        ship(wh, "106141410000099999", "1ZAAA0002")
    assert unknown.value.expected == "the SSCC on a closed carton's label"
    with pytest.raises(Conflict, match=r"already shipped .* with UPS, tracking 1ZAAA0001"):
        ship(wh, shipped, "1ZAAA0002")
    with pytest.raises(WrongScan, match=rf"Carton {dhl} \(order SO200\) goes with DHL, not UPS"):
        ship(wh, dhl, "1ZAAA0003")
    with pytest.raises(WrongScan, match=r"already on carton .* of order SO100"):
        ship(wh, other, "1ZAAA0001")
    with pytest.raises(WrongScan, match="is a carton's SSCC"):
        ship(wh, ready, ready)
    with pytest.raises(InvalidInput, match="not a tracking number"):
        ship(wh, ready, "a b")
    with pytest.raises(InvalidInput, match="carrier"):
        ship(wh, ready, "1ZAAA0004", carrier=" ")
    with pytest.raises(PermissionDenied):
        ship(wh, ready, "1ZAAA0004", role="picker")
    with session_scope(wh.engine) as s:
        status = select(PackedCarton.status).where(PackedCarton.sscc == ready)
        assert s.scalars(status).one() == "closed"
        ships = s.scalars(select(StockTransaction).where(StockTransaction.kind == "ship"))
        assert len(ships.all()) == 1
        assert ledger.invariant_violations(s) == []
    # the same tracking number on a second carton of the same order: a multi-piece shipment
    assert ship(wh, ready, "1ZAAA0001").order_status == "shipped"
    # a packer and a supervisor may ship too
    assert ship(wh, dhl, "JD0001", "DHL", role="packer").order_status == "shipped"
    assert ship(wh, other, "1ZAAA0005", role="supervisor").order_status == "shipped"


def test_a_reopened_carton_is_refused_until_closed_again(wh: SmallWarehouse) -> None:
    [sscc] = packed_order(wh, "SO100", [("PLAIN", 2)], "TOTE01")
    boss = packer(wh, "PACK01", "supervisor")
    transaction(wh.engine, lambda s: pack_close.reopen_carton(s, sscc, actor=boss))
    with pytest.raises(Conflict, match="is open at pack bench PACK01: close it first"):
        ship(wh, sscc, "TRACK0001")
    with session_scope(wh.engine) as s:
        assert s.scalars(select(PackedCarton.sscc)).one() == sscc  # it keeps its SSCC
        assert ledger.invariant_violations(s) == []


def test_a_closed_manifest_refuses_the_screen_that_loaded_it(wh: SmallWarehouse) -> None:
    first, second, third = packed_order(
        wh, "SO100", [("PLAIN", 3)], "TOTE01", cartons=[[("PLAIN", 1)]] * 3
    )
    done = ship(wh, first, "TRACK0001")
    boss = Actor(wh.operators["supervisor"], "ST01")
    report = transaction(
        wh.engine, lambda s: manifests.close_manifest(s, wh.warehouse_id, "UPS", actor=boss)
    )
    assert (report.id, report.status, len(report.cartons)) == (done.manifest_id, "closed", 1)
    with pytest.raises(Conflict, match=f"The UPS manifest {done.manifest_id} was closed"):
        ship(wh, second, "TRACK0002", manifest_id=done.manifest_id)
    [anyone] = packed_order(wh, "SO400", [("PLAIN", 1)], "TOTE02", carrier="")  # any truck
    with pytest.raises(WrongScan, match="is for UPS, not DHL"):
        ship(wh, anyone, "TRACK0009", carrier="DHL", manifest_id=done.manifest_id)
    # without the manifest (the screen scanned the carton again), a new manifest opens
    fresh = ship(wh, second, "TRACK0002")
    assert fresh.manifest_id != done.manifest_id and fresh.manifest_cartons == 1
    assert ship(wh, third, "TRACK0003", manifest_id=fresh.manifest_id).manifest_cartons == 2
    with session_scope(wh.engine) as s:
        rows = s.scalars(select(Manifest).order_by(Manifest.id))
        assert [(m.carrier, m.status) for m in rows] == [("UPS", "closed"), ("UPS", "open")]
    with pytest.raises(NotFound, match="No open manifest for DHL"):
        transaction(
            wh.engine, lambda s: manifests.close_manifest(s, wh.warehouse_id, "dhl", actor=boss)
        )


def test_cartons_to_ship_by_order_and_carriers_waiting(wh: SmallWarehouse) -> None:
    a, b = packed_order(
        wh, "SO100", [("PLAIN", 2)], "TOTE01", cartons=[[("PLAIN", 1)], [("PLAIN", 1)]]
    )
    packed_order(wh, "SO200", [("PLAIN", 1)], "TOTE02", carrier="dhl ")
    with session_scope(wh.engine) as s:
        assert sh.cartons_to_ship(s, wh.warehouse_id, "SO100") == [a, b]
        assert sh.carriers_waiting(s, wh.warehouse_id) == [("DHL", 1), ("UPS", 2)]
        with pytest.raises(NotFound):
            sh.cartons_to_ship(s, wh.warehouse_id, "SO999")
    ship(wh, a, "T0000001")
    ship(wh, b, "T0000002")
    with session_scope(wh.engine) as s, pytest.raises(Conflict, match="2 shipped, 0 open"):
        sh.cartons_to_ship(s, wh.warehouse_id, "SO100")


def test_a_carton_closed_after_another_shipped_keeps_the_order_partially_shipped(
    wh: SmallWarehouse,
) -> None:
    [first] = packed_order(wh, "SO100", [("PLAIN", 2)], "TOTE01", cartons=[[("PLAIN", 1)]])
    assert ship(wh, first, "1ZAAA0001").order_status == "partially_shipped"
    actor = packer(wh, "PACK01")
    with session_scope(wh.engine) as s:
        carton = s.scalars(select(PackedCarton).where(PackedCarton.status == "open")).one()
        carton_id = carton.id
    transaction(
        wh.engine,
        lambda s: packing.pack_scan(s, carton_id, BARCODES["PLAIN"], actor=actor),
    )

    def close(s):  # type: ignore[no-untyped-def]
        grams, _complete = packing.expected_weight(s, s.get(PackedCarton, carton_id))
        return pack_close.close_carton(
            s, carton_id, grams, settings=SETTINGS, printer=None, actor=actor
        )

    transaction(wh.engine, close)
    assert order_state(wh, "SO100")[0] == "partially_shipped"
