"""Ship confirm: cartons out through the ledger onto a carrier's manifest, quantity shipped and
order status, idempotent by scan id, and every refusal (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

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
from floor.outbound import manifests
from floor.outbound import shipping as sh
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.support import PackedUnit, SmallWarehouse, add_packed_carton, add_sales_order


def _ship(wh: SmallWarehouse, sscc: str, tracking: str, carrier: str = "UPS", **kw: object):  # type: ignore[no-untyped-def]
    role = str(kw.pop("role", "shipper"))
    return transaction(
        wh.engine,
        lambda s: sh.confirm_shipment(
            s,
            warehouse_id=wh.warehouse_id,
            sscc=sscc,
            carrier=carrier,
            tracking_number=tracking,
            actor=Actor(wh.operators[role], "ST01"),
            **kw,  # type: ignore[arg-type]
        ),
    )


def _order(wh: SmallWarehouse, number: str) -> tuple[str, list[tuple[int, int, int, str]]]:
    with session_scope(wh.engine) as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == number)).one()
        lines = [
            (line.quantity_ordered, line.quantity_picked, line.quantity_shipped, line.status)
            for line in order.lines
        ]
        return order.status, lines


def test_ship_two_cartons_partially_then_fully(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_sales_order(wh, "SO100", [("PLAIN", 3), ("SER", 1)], carrier="UPS", service="Standard")
    first = add_packed_carton(wh, "SO100", [("PLAIN", 3)])
    second = add_packed_carton(wh, "SO100", [PackedUnit("SER", 1, serials=("SN-1",))])
    with session_scope(wh.engine) as s:
        view = sh.carton_to_ship(s, wh.warehouse_id, first, "ups")
        assert (view.order, view.carton_no, view.cartons, view.units) == ("SO100", 1, 2, 3)
        assert (view.carrier, view.service) == ("UPS", "Standard")

    done = _ship(wh, first, "1Z999AA10123456784", "ups", scan_id="s1")
    assert (done.order, done.carrier, done.service, done.units) == ("SO100", "UPS", "Standard", 3)
    assert (done.order_status, done.cartons_left, done.manifest_cartons) == (
        "partially_shipped",
        1,
        1,
    )
    assert _ship(wh, first, "1Z999AA10123456784", "ups", scan_id="s1") == done  # replayed
    assert _order(wh, "SO100") == ("partially_shipped", [(3, 3, 3, "picked"), (1, 1, 0, "picked")])

    again = _ship(wh, second, "1Z999AA10123456793", scan_id="s2")
    assert again.manifest_id == done.manifest_id and again.manifest_cartons == 2
    assert again.order_status == "shipped" and again.cartons_left == 0
    with session_scope(wh.engine) as s:
        assert s.scalar(select(SalesOrder.status).where(SalesOrder.number == "SO100")) == "shipped"
        assert s.scalars(select(SalesOrderLine.quantity_shipped)).all() == [3, 1]
        cartons = s.scalars(select(PackedCarton).order_by(PackedCarton.carton_no)).all()
        assert [(c.status, c.carrier, c.tracking_number) for c in cartons] == [
            ("shipped", "UPS", "1Z999AA10123456784"),
            ("shipped", "UPS", "1Z999AA10123456793"),
        ]
        assert all(
            c.shipped_at is not None and c.shipped_by == wh.operators["shipper"] for c in cartons
        )
        assert s.scalars(select(Container.status).where(Container.kind == "carton")).all() == [
            "shipped",
            "shipped",
        ]
        serial = s.scalars(select(SerialNumber).where(SerialNumber.serial == "SN-1")).one()
        assert (serial.status, serial.location_id) == ("shipped", None)
        # the stock left: nothing in the cartons, one "ship" posting per carton
        assert (
            s.scalar(
                select(Balance.quantity).where(Balance.container_id == cartons[0].container_id)
            )
            == 0
        )
        assert ledger.on_hand(s, wh.items["PLAIN"]) == 0
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


def test_short_line_counts_as_done_once_what_was_picked_shipped(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_sales_order(wh, "SO100", [("PLAIN", 5), ("LOT", 2)], carrier="UPS")
    import datetime as dt

    expiry = dt.date(2031, 1, 31)
    sscc = add_packed_carton(wh, "SO100", [("PLAIN", 3), PackedUnit("LOT", 2, "L1", expiry)])
    with session_scope(wh.engine) as s:  # picking closed the PLAIN line short
        line = s.scalars(select(SalesOrderLine).where(SalesOrderLine.line_no == 1)).one()
        line.status = "short"
    assert _ship(wh, sscc, "TRACK0001").order_status == "shipped"
    assert _order(wh, "SO100")[1] == [(5, 3, 3, "short"), (2, 2, 2, "picked")]


def test_an_order_with_a_line_still_to_pick_is_partially_shipped(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_sales_order(wh, "SO100", [("PLAIN", 5)], carrier="UPS")
    sscc = add_packed_carton(wh, "SO100", [("PLAIN", 2)])
    assert _ship(wh, sscc, "TRACK0001").order_status == "partially_shipped"


def test_refusals_change_nothing(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_sales_order(wh, "SO100", [("PLAIN", 2)], carrier="UPS")
    add_sales_order(wh, "SO200", [("PLAIN", 1)], carrier="DHL")
    add_sales_order(wh, "SO300", [("PLAIN", 1)], carrier="UPS")
    shipped = add_packed_carton(wh, "SO100", [("PLAIN", 1)])
    ready = add_packed_carton(wh, "SO100", [("PLAIN", 1)])
    dhl = add_packed_carton(wh, "SO200", [("PLAIN", 1)])
    add_packed_carton(wh, "SO300", [("PLAIN", 1)], status="open")
    _ship(wh, shipped, "1ZAAA0001")

    with pytest.raises(NotFound, match="Unknown carton") as unknown:
        _ship(wh, "106141410000099999", "1ZAAA0002")
    assert unknown.value.expected == "the SSCC on a closed carton's label"
    with pytest.raises(Conflict, match=r"already shipped .* with UPS, tracking 1ZAAA0001"):
        _ship(wh, shipped, "1ZAAA0002")
    with pytest.raises(WrongScan, match=f"Carton {dhl} \\(order SO200\\) goes with DHL, not UPS"):
        _ship(wh, dhl, "1ZAAA0003")
    other = add_packed_carton(wh, "SO300", [("PLAIN", 1)])
    with pytest.raises(WrongScan, match=r"already on carton .* of order SO100"):
        _ship(wh, other, "1ZAAA0001")
    with pytest.raises(WrongScan, match="is a carton's SSCC"):
        _ship(wh, ready, ready)
    with pytest.raises(InvalidInput, match="not a tracking number"):
        _ship(wh, ready, "a b")
    with pytest.raises(InvalidInput, match="carrier"):
        _ship(wh, ready, "1ZAAA0004", carrier=" ")
    with pytest.raises(PermissionDenied):
        _ship(wh, ready, "1ZAAA0004", role="picker")
    with session_scope(wh.engine) as s:
        assert (
            s.scalars(select(PackedCarton.status).where(PackedCarton.sscc == ready)).one()
            == "closed"
        )
        assert (
            len(s.scalars(select(StockTransaction).where(StockTransaction.kind == "ship")).all())
            == 1
        )
        assert ledger.invariant_violations(s) == []
    # the same tracking number on a second carton of the same order: a multi-piece shipment
    assert _ship(wh, ready, "1ZAAA0001").order_status == "shipped"


def test_an_open_carton_is_refused(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_sales_order(wh, "SO100", [("PLAIN", 2)], carrier="UPS")
    add_packed_carton(wh, "SO100", [("PLAIN", 2)])
    with session_scope(wh.engine) as s:  # a supervisor reopened it: it keeps its SSCC
        carton = s.scalars(select(PackedCarton)).one()
        carton.status = "open"
        sscc = carton.sscc
    assert sscc
    with pytest.raises(Conflict, match="is open at pack bench ST01: close it first"):
        _ship(wh, sscc, "TRACK0001")


def test_a_closed_manifest_refuses_the_screen_that_loaded_it(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_sales_order(wh, "SO100", [("PLAIN", 3)], carrier="UPS")
    first, second, third = (add_packed_carton(wh, "SO100", [("PLAIN", 1)]) for _ in range(3))
    done = _ship(wh, first, "TRACK0001")
    boss = Actor(wh.operators["supervisor"], "ST01")
    report = transaction(
        wh.engine, lambda s: manifests.close_manifest(s, wh.warehouse_id, "UPS", actor=boss)
    )
    assert (report.id, report.status, len(report.cartons)) == (done.manifest_id, "closed", 1)
    with pytest.raises(Conflict, match=f"The UPS manifest {done.manifest_id} was closed"):
        _ship(wh, second, "TRACK0002", manifest_id=done.manifest_id)
    add_sales_order(wh, "SO400", [("PLAIN", 1)])  # no carrier named: any truck takes it
    anyone = add_packed_carton(wh, "SO400", [("PLAIN", 1)])
    with pytest.raises(WrongScan, match="is for UPS, not DHL"):
        _ship(wh, anyone, "TRACK0009", carrier="DHL", manifest_id=done.manifest_id)
    # without the manifest (or after scanning again), a new manifest opens
    fresh = _ship(wh, second, "TRACK0002")
    assert fresh.manifest_id != done.manifest_id and fresh.manifest_cartons == 1
    assert _ship(wh, third, "TRACK0003", manifest_id=fresh.manifest_id).manifest_cartons == 2
    with session_scope(wh.engine) as s:
        assert [
            (m.carrier, m.status) for m in s.scalars(select(Manifest).order_by(Manifest.id))
        ] == [
            ("UPS", "closed"),
            ("UPS", "open"),
        ]
    with pytest.raises(NotFound, match="No open manifest for DHL"):
        transaction(
            wh.engine, lambda s: manifests.close_manifest(s, wh.warehouse_id, "dhl", actor=boss)
        )


def test_cartons_to_ship_by_order(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_sales_order(wh, "SO100", [("PLAIN", 2)], carrier="UPS")
    a = add_packed_carton(wh, "SO100", [("PLAIN", 1)])
    b = add_packed_carton(wh, "SO100", [("PLAIN", 1)])
    with session_scope(wh.engine) as s:
        assert sh.cartons_to_ship(s, wh.warehouse_id, "SO100") == [a, b]
        assert sh.carriers_waiting(s, wh.warehouse_id) == [("UPS", 2)]
        with pytest.raises(NotFound):
            sh.cartons_to_ship(s, wh.warehouse_id, "SO999")
    _ship(wh, a, "T0000001")
    _ship(wh, b, "T0000002")
    with session_scope(wh.engine) as s, pytest.raises(Conflict, match="2 shipped, 0 open"):
        sh.cartons_to_ship(s, wh.warehouse_id, "SO100")
