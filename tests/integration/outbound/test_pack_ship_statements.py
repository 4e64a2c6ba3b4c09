"""The statements the pack bench and the dock send per scan (issue #15: 200 stations on two
cores, every statement a service sends costs CPU). Each service reads what it needs of the
order once and passes it down: the carton types, the order's lines with their items, its
cartons with their contents and its totes are each one statement, however many cartons the
order has; the dock reads the carton with its order and counts in one statement."""

from __future__ import annotations

from typing import Any

from floor.outbound import pack_close, packing
from floor.outbound import shipping as sh
from floor.stock.ledger import Actor
from tests.pack_support import SETTINGS, packer, picked_order, prepare_packing
from tests.support import SmallWarehouse, gtin, sent_in_transaction

PLAIN, LOT = gtin(1), gtin(2)


def _reads(sent: list[str], table: str) -> int:
    """SELECTs whose first column is one of `table`'s (its rows read, or summed)."""
    return sum(1 for s in sent if s.startswith((f"SELECT {table}.", f"SELECT DISTINCT {table}.")))


def _start(wh: SmallWarehouse, tote: str, actor: Actor) -> tuple[packing.PackView, list[str]]:
    return sent_in_transaction(
        wh.engine, lambda s: packing.start(s, wh.warehouse_id, tote, actor=actor, scan_id=tote)
    )


def _scan(
    wh: SmallWarehouse, carton_id: int, barcode: str, actor: Actor, scan_id: str
) -> tuple[packing.PackOutcome, list[str]]:
    return sent_in_transaction(
        wh.engine, lambda s: packing.pack_scan(s, carton_id, barcode, actor=actor, scan_id=scan_id)
    )


def _close(
    wh: SmallWarehouse, carton_id: int, grams: int, actor: Actor, scan_id: str
) -> tuple[pack_close.ClosedCarton, list[str]]:
    return sent_in_transaction(
        wh.engine,
        lambda s: pack_close.close_carton(
            s, carton_id, grams, settings=SETTINGS, printer=None, actor=actor, scan_id=scan_id
        ),
    )


def test_starting_to_pack_reads_the_order_once(warehouse: SmallWarehouse) -> None:
    """A tote scanned at the bench: 12 statements (32 before: the order's packed units were
    summed four times, the carton types read three times, each item on its own...)."""
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 2), ("LOT", 1)], "TOTE01")
    view, sent = _start(warehouse, "TOTE01", packer(warehouse))
    assert view.carton is not None and view.carton.carton_type and view.totes == ("TOTE01",)
    assert [(line.sku, line.to_pack) for line in view.lines] == [("PLAIN", 2), ("LOT", 1)]
    assert view.carton.expected_weight_g > 0 and view.proposal
    for table in ("carton_types", "sales_order_lines", "packed_cartons", "containers"):
        assert _reads(sent, table) <= 2, (table, sent)  # packed_cartons: the order's, the station's
    assert _reads(sent, "items") == 0  # with the order's lines
    assert _reads(sent, "packed_carton_lines") == 0  # with the order's cartons
    assert len(sent) <= 12, sent
    again, replayed = _start(warehouse, "TOTE01", packer(warehouse))  # the same scan: once
    assert again == view and not any(s.startswith("INSERT") for s in replayed)


def test_a_unit_scanned_reads_the_order_once_however_many_cartons_it_has(
    warehouse: SmallWarehouse,
) -> None:
    """A unit into the open carton: 12 statements (24 before), the same into carton 2 (the
    view read each closed carton's contents on its own before)."""
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 3), ("LOT", 1)], "TOTE01")
    actor = packer(warehouse)
    view, _unused = _start(warehouse, "TOTE01", actor)
    assert view.carton is not None
    first, sent = _scan(warehouse, view.carton.carton_id, PLAIN, actor, "u1")
    assert first.sku == "PLAIN" and first.view.carton is not None
    assert first.view.carton.units == 1 and first.view.to_pack == 3
    for table in ("carton_types", "sales_order_lines", "packed_carton_lines", "containers"):
        assert _reads(sent, table) <= 1, (table, sent)
    assert _reads(sent, "items") == 0
    assert len(sent) <= 12, sent
    closed, _unused = _close(
        warehouse, view.carton.carton_id, first.view.carton.expected_weight_g, actor, "c1"
    )
    assert closed.view is not None and closed.view.carton is not None  # carton 2, opened
    second = closed.view.carton.carton_id
    out, later = _scan(warehouse, second, PLAIN, actor, "u2")
    assert out.view.closed_cartons == 1 and out.view.carton is not None
    assert out.view.carton.carton_no == 2 and out.view.carton.units == 1
    assert len(later) == len(sent), later
    _scan(warehouse, second, PLAIN, actor, "u3")
    out, third = _scan(warehouse, second, LOT, actor, "u4")  # another item, a new row
    assert out.view.to_pack == 0 and len(third) == len(sent), third


def test_closing_with_units_left_opens_the_next_carton_from_what_it_read(
    warehouse: SmallWarehouse,
) -> None:
    """The order is not packed: the next carton is opened and shown from one read of the
    order's lines, cartons, totes and carton types (the order locked by one statement)."""
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 2)], "TOTE01")
    actor = packer(warehouse)
    view, _unused = _start(warehouse, "TOTE01", actor)
    assert view.carton is not None
    out, _unused = _scan(warehouse, view.carton.carton_id, PLAIN, actor, "u1")
    assert out.view.carton is not None
    grams = out.view.carton.expected_weight_g
    closed, sent = _close(warehouse, view.carton.carton_id, grams, actor, "c1")
    assert not closed.order_packed and closed.view is not None
    assert closed.view.carton is not None and closed.view.carton.carton_no == 2
    assert closed.view.closed_cartons == 1 and closed.view.to_pack == 1
    for table in ("carton_types", "sales_order_lines", "items", "containers"):
        assert _reads(sent, table) <= 1, (table, sent)
    assert not any(s.startswith("SELECT packed_cartons.order_id ") for s in sent)  # one lock
    assert not any(s.startswith("SELECT items.weight_kg") for s in sent)  # with the contents
    # the ledger's postings on the driver counted too (22 seen without them; about 40 before)
    assert len(sent) <= 26, sent
    again, _replayed = _close(warehouse, view.carton.carton_id, grams, actor, "c1")
    assert again == closed  # a replay: the same close, the same next carton


def _packed(wh: SmallWarehouse) -> str:
    prepare_packing(wh)
    picked_order(wh, "SO1", [("PLAIN", 2), ("LOT", 1)], "TOTE01")
    actor = packer(wh)
    view, _unused = _start(wh, "TOTE01", actor)
    assert view.carton is not None
    for n, code in enumerate((PLAIN, PLAIN, LOT)):
        out, _unused = _scan(wh, view.carton.carton_id, code, actor, f"u{n}")
    assert out.view.carton is not None
    closed, _unused = _close(
        wh, view.carton.carton_id, out.view.carton.expected_weight_g, actor, "c1"
    )
    assert closed.order_packed
    return closed.sscc


def test_the_dock_checks_a_carton_in_one_statement(warehouse: SmallWarehouse) -> None:
    sscc = _packed(warehouse)
    found, sent = sent_in_transaction(
        warehouse.engine, lambda s: sh.carton_to_ship(s, warehouse.warehouse_id, sscc)
    )
    assert (found.order, found.cartons, found.units, found.carrier) == ("SO1", 1, 3, "UPS")
    assert len(sent) == 1, sent


def test_shipping_a_carton_reads_it_once(warehouse: SmallWarehouse) -> None:
    """20 statements, a new manifest's included (25 before): the order locked by the carton's
    SSCC, the tracking number checked in one statement, the contents read with their SKUs,
    the container marked shipped without reading it, the order's and the manifest's cartons
    counted in one statement."""
    sscc = _packed(warehouse)
    shipper = Actor(warehouse.operators["supervisor"], "DOCK1")

    def ship(s: Any) -> sh.Shipped:
        return sh.confirm_shipment(
            s,
            warehouse_id=warehouse.warehouse_id,
            sscc=sscc,
            carrier="UPS",
            tracking_number="1ZTEST000001",
            actor=shipper,
            scan_id="ship1",
        )

    shipped, sent = sent_in_transaction(warehouse.engine, ship)
    assert (shipped.units, shipped.cartons_left, shipped.manifest_cartons) == (3, 0, 1)
    assert shipped.order_status == "shipped"
    assert _reads(sent, "items") == 0 and _reads(sent, "containers") == 0
    assert _reads(sent, "packed_carton_lines") == 1
    assert len(sent) <= 24, sent  # with the ledger's postings on the driver (20 without)
