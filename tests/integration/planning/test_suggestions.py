"""Reorder suggestions and the purchase orders made from them, on SQLite and PostgreSQL:
forecast over the supplier's lead time, stock position (quarantine left out, reserved
taken off, open purchase orders added), packs and minimum orders; one order per supplier,
nothing ordered twice, receiving against the order; computed reorder points on the board."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from floor.board.model import BoardReader
from floor.board.settings import BoardSettings
from floor.db import read_only, session_scope, transaction
from floor.errors import NotFound
from floor.inbound import receipt_closing
from floor.inbound import receiving as rc
from floor.models import AuditEntry, ComputedReorderPoint, PurchaseOrder
from floor.planning.low_stock import low_stock_items
from floor.planning.purchasing import create_purchase_orders
from floor.planning.suggestions import Suggestion, save_reorder_points, suggest
from floor.scanning.model import ScanKind
from floor.scanning.parser import parse_scan
from floor.stock import ledger
from floor.stock.ledger import Actor, Change
from tests.integration.planning.support import TODAY, add_item, add_supplier, ship
from tests.support import SmallWarehouse, add_purchase_order, add_stock, run_at_once

D = dt.timedelta(days=1)
CLI = Actor(None, "cli")


@pytest.fixture
def planned(warehouse: SmallWarehouse) -> SmallWarehouse:
    """BOLT: 4 a day for 8 weeks, from ACME (7 days, packs of 10, at least 50); NUT: 6 every
    third day, from NUTCO (no lead time known); PLAIN, LOT, SER: reorder point 10 typed in,
    no supplier."""
    add_item(warehouse, "BOLT")
    add_item(warehouse, "NUT")
    add_supplier(warehouse, "ACME", 7, [("BOLT", 10, 50)])
    add_supplier(warehouse, "NUTCO", None, [("NUT", 1, 0)])
    add_supplier(warehouse, "SLOWCO", 30, [("BOLT", 1, 0)], priority=2)  # not preferred
    for n in range(1, 57):
        ship(warehouse, "BOLT", 4, TODAY - n * D)
        if n % 3 == 0:
            ship(warehouse, "NUT", 6, TODAY - n * D, location="A01-02-1")
    add_stock(warehouse, "A01-01-1", "BOLT", 20)
    add_stock(warehouse, "QUA-01", "BOLT", 100)  # damaged: not counted
    with session_scope(warehouse.engine) as s:
        ledger.post(s, "reserve", [Change(warehouse.key("A01-01-1", "BOLT"), 0, 5)])
    add_purchase_order(warehouse, "PO-OPEN", [("BOLT", 10)])
    return warehouse


def _suggest(wh: SmallWarehouse, **kw: object) -> dict[str, Suggestion]:
    with read_only(wh.engine) as s:
        return {x.sku: x for x in suggest(s, wh.warehouse_id, today=TODAY, **kw)}  # type: ignore[arg-type]


def _create(wh: SmallWarehouse, **kw: object):  # type: ignore[no-untyped-def]
    return transaction(
        wh.engine,
        lambda s: create_purchase_orders(s, wh.warehouse_id, CLI, today=TODAY, **kw),  # type: ignore[arg-type]
    )


def test_suggestion_from_forecast_position_packs_and_minimum(planned: SmallWarehouse) -> None:
    found = _suggest(planned)
    assert "KIT" not in found  # kits are built, not bought
    bolt = found["BOLT"]
    assert (bolt.supplier, bolt.supplier_sku, bolt.lead_time_days) == ("ACME", "ACME-BOLT", 7)
    assert bolt.method == "ses" and bolt.daily_demand == pytest.approx(4.0)
    assert bolt.safety_stock == 0  # the same every day: no forecast error
    assert (bolt.reorder_point, bolt.order_up_to) == (28, 56)  # 4 x 7; 4 x (7 + 7)
    assert (bolt.on_hand, bolt.reserved, bolt.on_order, bolt.position) == (20, 5, 10, 25)
    assert bolt.quantity == 50  # 31 short of 56, the minimum order is 50, packs of 10
    nut = found["NUT"]
    assert (nut.supplier, nut.lead_time_days, nut.lead_time_assumed) == ("NUTCO", 14, True)
    assert nut.method == "sba" and nut.daily_demand == pytest.approx(1.9, abs=0.01)
    assert nut.safety_stock > 0 and nut.quantity == nut.order_up_to > nut.reorder_point
    plain = found["PLAIN"]
    assert (plain.supplier, plain.reorder_point, plain.quantity) == ("", 10, 10)  # typed
    higher = _suggest(planned, service_level=0.99)["NUT"]
    assert higher.safety_stock > nut.safety_stock
    assert set(_suggest(planned, supplier="ACME")) == {"BOLT"}
    assert set(_suggest(planned, skus=["NUT", "PLAIN"])) == {"NUT", "PLAIN"}


def test_create_orders_per_supplier_once_and_receiving_works_against_them(
    planned: SmallWarehouse,
) -> None:
    created = _create(planned)
    assert [(o.number, o.supplier, o.lines) for o in created.orders] == [
        ("PO2606010001", "ACME", (("BOLT", 50),)),
        ("PO2606010002", "NUTCO", (("NUT", _suggest(planned)["NUT"].on_order),)),
    ]
    assert created.orders[0].expected_on == TODAY + 7 * D
    scanned = parse_scan("PO2606010001")  # the receiving screen reads it as a purchase order
    assert (scanned.kind, scanned.code) == (ScanKind.PURCHASE_ORDER, "PO2606010001")
    assert created.no_supplier == ["LOT", "PLAIN", "SER"]
    again = _create(planned)  # open purchase orders count: nothing more to order
    assert again.orders == [] and "BOLT" in again.nothing_needed
    after = _suggest(planned)
    assert after["BOLT"].on_order == 60 and after["BOLT"].quantity == 0
    with read_only(planned.engine) as s:
        assert (
            s.scalar(select(PurchaseOrder.status).where(PurchaseOrder.number == "PO2606010001"))
            == "open"
        )
        logged = s.scalars(select(AuditEntry).where(AuditEntry.action == "purchase_order.create"))
        assert sorted(e.subject for e in logged) == ["PO2606010001", "PO2606010002"]
        assert (
            s.scalar(
                select(ComputedReorderPoint.reorder_point).where(
                    ComputedReorderPoint.item_id == planned.items["BOLT"]
                )
            )
            == 28
        )

    receiver = Actor(planned.operators["receiver"], "ST01")
    receipt = transaction(
        planned.engine,
        lambda s: rc.open_receipt(
            s,
            warehouse_id=planned.warehouse_id,
            actor=receiver,
            purchase_order_number="PO2606010001",
        ),
    )
    transaction(
        planned.engine,
        lambda s: rc.receive_scan(
            s, receipt.receipt_id, barcode="BC-BOLT", quantity=50, actor=receiver
        ),
    )
    transaction(
        planned.engine,
        lambda s: receipt_closing.close_receipt(s, receipt.receipt_id, actor=receiver),
    )
    bolt = _suggest(planned)["BOLT"]
    assert (bolt.on_hand, bolt.on_order) == (70, 10)  # received; the older order still open
    # the next day's order gets the next number
    with session_scope(planned.engine) as s:
        s.execute(
            PurchaseOrder.__table__.update()
            .where(PurchaseOrder.number == "PO2606010002")
            .values(status="received")
        )
    more = _create(planned, skus=["NUT"])
    assert [o.number for o in more.orders] == ["PO2606010003"]


def test_create_refuses_unknown_items_and_suppliers(planned: SmallWarehouse) -> None:
    with pytest.raises(NotFound, match="NOPE"):
        _create(planned, skus=["BOLT", "NOPE"])
    with pytest.raises(NotFound, match="No supplier GHOST"):
        _create(planned, supplier="GHOST")
    with read_only(planned.engine) as s:
        assert s.scalars(select(PurchaseOrder.number)).all() == ["PO-OPEN"]
    only = _create(planned, supplier="NUTCO")
    assert [o.supplier for o in only.orders] == ["NUTCO"] and only.no_supplier == []


def test_computed_reorder_points_reach_the_board_and_the_alert_function(
    planned: SmallWarehouse,
) -> None:
    with read_only(planned.engine) as s:
        low = {x.sku: x for x in low_stock_items(s, "TST")}
    assert "NUT" not in low  # no reorder point yet: none typed, none computed
    assert low["PLAIN"].computed is False and low["PLAIN"].reorder_point == 10
    with session_scope(planned.engine) as s:
        found = suggest(s, planned.warehouse_id, today=TODAY)
        save_reorder_points(s, planned.warehouse_id, found, 0.95)
    nut_point = _suggest(planned)["NUT"].reorder_point
    with read_only(planned.engine) as s:
        low = {x.sku: x for x in low_stock_items(s, planned.warehouse_id)}
    assert low["NUT"].computed and low["NUT"].reorder_point == nut_point
    assert low["NUT"].to_json()["reorder_point_source"] == "computed"
    assert "BOLT" not in low  # 120 on hand (quarantine too, as the board counts) above 28
    reader = BoardReader(planned.warehouse_id, BoardSettings())
    with read_only(planned.engine) as s:
        view = reader.refresh(s, dt.datetime.now(dt.UTC))
    shown = {x.sku: (x.reorder_point, x.computed) for x in view.low_stock}
    assert shown["NUT"] == (nut_point, True) and shown["PLAIN"] == (10, False)


@pytest.mark.postgres
def test_two_planners_creating_at_once_order_once(pg_warehouse: SmallWarehouse) -> None:
    add_item(pg_warehouse, "BOLT")
    add_supplier(pg_warehouse, "ACME", 7, [("BOLT", 10, 50)])
    for n in range(1, 29):
        ship(pg_warehouse, "BOLT", 4, TODAY - n * D)
    results: list[int] = []
    errors = run_at_once(
        2, lambda _n: results.append(len(_create(pg_warehouse, supplier="ACME").orders))
    )
    assert errors == [] and sorted(results) == [0, 1]
    with read_only(pg_warehouse.engine) as s:
        assert s.scalars(select(PurchaseOrder.number)).all() == ["PO2606010001"]
