"""Receiving: against a PO, blind, tracked items, tolerance, damage, LPNs, closing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from floor import audit
from floor.db import session_scope, transaction
from floor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floor.inbound import receipt_closing, tracking
from floor.inbound import receiving as rc
from floor.inbound.receiving_checks import ExpiryPast, NotOnOrder, ReceivingPolicy
from floor.models import Container, PurchaseOrder, Receipt, SerialNumber, Task
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import (
    SmallWarehouse,
    add_dock,
    add_purchase_order,
    barcode,
    sent_in_transaction,
)

EXP = dt.date(2049, 12, 31)


def _actor(wh: SmallWarehouse, role: str = "receiver") -> Actor:
    return Actor(wh.operators[role], "ST01")


def _open(wh: SmallWarehouse, number: str | None = None) -> rc.ReceiptSummary:
    return transaction(
        wh.engine,
        lambda s: rc.open_receipt(
            s, warehouse_id=wh.warehouse_id, actor=_actor(wh), purchase_order_number=number
        ),
    )


def _receive(wh: SmallWarehouse, receipt_id: int, code: str, **kw: object) -> rc.Received:
    return transaction(
        wh.engine,
        lambda s: rc.receive_scan(s, receipt_id, barcode=code, actor=_actor(wh), **kw),  # type: ignore[arg-type]
    )


def test_receive_against_po_posts_to_dock_and_counts_packs(warehouse: SmallWarehouse) -> None:
    add_purchase_order(warehouse, "PO1001", [("PLAIN", 30)])
    receipt = _open(warehouse, "PO1001")
    assert receipt.purchase_order == "PO1001" and receipt.number.startswith("RC")
    each = _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN"), scan_id="s1")
    case = _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN", "case"), quantity=2)
    assert (each.quantity, each.location, each.received_total) == (1, "DOCK-01", 1)
    assert (case.quantity, case.received_total, case.ordered) == (24, 25, 30)
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("DOCK-01", "PLAIN")) == (25, 0)
        tasks = s.scalars(select(Task).where(Task.kind == "putaway")).all()
        assert [(t.quantity, t.status) for t in tasks] == [(25, "open")]
        summary = rc.receipt_summary(s, receipt.receipt_id)
        assert summary.lines[0]["received"] == 25
        assert inv.invariant_violations(s) == []


def test_same_scan_id_twice_receives_once(warehouse: SmallWarehouse) -> None:
    receipt = _open(warehouse)
    code = barcode(warehouse, "PLAIN")
    first = _receive(warehouse, receipt.receipt_id, code, quantity=3, scan_id="dup")
    again = _receive(warehouse, receipt.receipt_id, code, quantity=3, scan_id="dup")
    assert first == again
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("DOCK-01", "PLAIN")) == (3, 0)


def test_over_receipt_is_refused_with_the_allowed_maximum(warehouse: SmallWarehouse) -> None:
    add_purchase_order(warehouse, "PO1002", [("PLAIN", 10)], supplier_pct=10)
    receipt = _open(warehouse, "PO1002")
    _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN"), quantity=10)
    _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN"))  # 11: within 10%
    with pytest.raises(InvalidInput) as err:
        _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN"))
    assert "at most 11" in str(err.value) and err.value.expected == "at most 0 more"
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("DOCK-01", "PLAIN")) == (11, 0)


def test_item_tolerance_wins_over_supplier(warehouse: SmallWarehouse) -> None:
    from floor.models import Item

    add_purchase_order(warehouse, "PO1003", [("PLAIN", 10)], supplier_pct=50)
    with session_scope(warehouse.engine) as s:
        s.get(Item, warehouse.items["PLAIN"]).over_receipt_pct = 0  # type: ignore[union-attr]
    receipt = _open(warehouse, "PO1003")
    with pytest.raises(InvalidInput, match="at most 10"):
        _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN", "case"))


def test_lot_and_expiry_are_required_for_tracked_items(warehouse: SmallWarehouse) -> None:
    receipt = _open(warehouse)
    code = barcode(warehouse, "LOT")
    with pytest.raises(InvalidInput) as err:
        _receive(warehouse, receipt.receipt_id, code, expiry=EXP)
    assert err.value.expected == "a lot number"
    with pytest.raises(InvalidInput, match="expiry"):
        _receive(warehouse, receipt.receipt_id, code, lot="L1")
    done = _receive(warehouse, receipt.receipt_id, code, lot="L1", expiry=EXP, count=6)
    assert done.quantity == 6
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("DOCK-01", "LOT", "L1", EXP)) == (6, 0)


def test_serials_one_by_one_and_duplicates_refused(warehouse: SmallWarehouse) -> None:
    receipt = _open(warehouse)
    code = barcode(warehouse, "SER")
    with pytest.raises(InvalidInput, match="serial"):
        _receive(warehouse, receipt.receipt_id, code)
    with pytest.raises(InvalidInput, match="one unit per serial"):
        _receive(warehouse, receipt.receipt_id, code, serial="S1", quantity=2)
    _receive(warehouse, receipt.receipt_id, code, serial="S1")
    _receive(warehouse, receipt.receipt_id, code, serial="S2")
    with pytest.raises(Conflict, match="S1"):
        _receive(warehouse, receipt.receipt_id, code, serial="S1")
    with session_scope(warehouse.engine) as s:
        assert sorted(s.scalars(select(SerialNumber.serial))) == ["S1", "S2"]
        assert inv.balance_of(s, warehouse.key("DOCK-01", "SER")) == (2, 0)


def test_damaged_goes_to_quarantine_with_a_reason_and_no_putaway(
    warehouse: SmallWarehouse,
) -> None:
    receipt = _open(warehouse)
    code = barcode(warehouse, "PLAIN")
    with pytest.raises(InvalidInput, match="reason"):
        _receive(warehouse, receipt.receipt_id, code, damaged=True)
    done = _receive(warehouse, receipt.receipt_id, code, damaged=True, reason="crushed", quantity=2)
    assert done.location == "QUA-01"
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("QUA-01", "PLAIN")) == (2, 0)
        assert s.scalars(select(Task)).all() == []


def test_preprinted_lpn_is_created_and_gets_one_putaway_task(warehouse: SmallWarehouse) -> None:
    receipt = _open(warehouse)
    _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN"), lpn_code="LPN0500")
    _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN"), lpn_code="LPN0500")
    with session_scope(warehouse.engine) as s:
        lpn = s.scalars(select(Container).where(Container.code == "LPN0500")).one()
        assert lpn.location_id == warehouse.locations["DOCK-01"]
        tasks = s.scalars(select(Task)).all()
        assert [(t.container_id, t.quantity) for t in tasks] == [(lpn.id, 2)]


def test_generated_lpn_has_next_code_and_a_label_request(warehouse: SmallWarehouse) -> None:
    made = transaction(
        warehouse.engine,
        lambda s: rc.create_lpn(s, warehouse_id=warehouse.warehouse_id, actor=_actor(warehouse)),
    )
    assert made.code == "LPN0000002"
    assert made.print_request == {
        "template": "lpn",
        "lpn": "LPN0000002",
        "kind": "pallet",
        "warehouse": "TST",
        "location": "DOCK-01",
    }


def test_lpn_in_use_elsewhere_is_refused(warehouse: SmallWarehouse) -> None:
    with session_scope(warehouse.engine) as s:
        s.get(Container, warehouse.containers["LPN0001"]).location_id = warehouse.locations[  # type: ignore[union-attr]
            "A01-01-2"
        ]
    receipt = _open(warehouse)
    with pytest.raises(Conflict, match="A01-01-2"):
        _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN"), lpn_code="LPN0001")


def test_close_records_short_over_and_unexpected(warehouse: SmallWarehouse) -> None:
    add_purchase_order(warehouse, "PO1004", [("PLAIN", 5), ("LOT", 4)], supplier_pct=50)
    receipt = _open(warehouse, "PO1004")
    _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN"), quantity=6)
    _receive(warehouse, receipt.receipt_id, barcode(warehouse, "LOT"), lot="L", expiry=EXP)
    with pytest.raises(NotOnOrder, match="SER is not on purchase order PO1004"):
        _receive(warehouse, receipt.receipt_id, barcode(warehouse, "SER"), serial="X1")
    _receive(
        warehouse,
        receipt.receipt_id,
        barcode(warehouse, "SER"),
        serial="X1",
        confirm_unexpected=True,
    )
    closed = transaction(
        warehouse.engine,
        lambda s: receipt_closing.close_receipt(s, receipt.receipt_id, actor=_actor(warehouse)),
    )
    assert closed.discrepancies == [
        {"kind": "over", "sku": "PLAIN", "ordered": 5, "received": 6},
        {"kind": "short", "sku": "LOT", "ordered": 4, "received": 1},
        {"kind": "unexpected", "sku": "SER", "ordered": 0, "received": 1},
    ]
    with session_scope(warehouse.engine) as s:
        stored = s.get(Receipt, receipt.receipt_id)
        assert stored.status == "closed" and stored.discrepancies == closed.discrepancies  # type: ignore[union-attr]
        assert s.scalars(select(PurchaseOrder.status)).one() == "partial"
    with pytest.raises(Conflict, match="closed"):
        _receive(warehouse, receipt.receipt_id, barcode(warehouse, "PLAIN"))


def test_reopening_a_po_resumes_its_open_receipt(warehouse: SmallWarehouse) -> None:
    add_purchase_order(warehouse, "PO1005", [("PLAIN", 5)])
    first = _open(warehouse, "PO1005")
    assert _open(warehouse, "PO1005").receipt_id == first.receipt_id


def test_unknown_po_and_barcode_and_wrong_role(warehouse: SmallWarehouse) -> None:
    with pytest.raises(NotFound, match="PO9999"):
        _open(warehouse, "PO9999")
    receipt = _open(warehouse)
    with pytest.raises(NotFound, match="00000000"):
        _receive(warehouse, receipt.receipt_id, "00000000")
    with pytest.raises(PermissionDenied, match="receiver"):
        transaction(
            warehouse.engine,
            lambda s: rc.open_receipt(
                s, warehouse_id=warehouse.warehouse_id, actor=_actor(warehouse, "picker")
            ),
        )


def test_tracked_item_without_lot_or_expiry_says_what_is_missing(
    warehouse: SmallWarehouse,
) -> None:
    receipt = _open(warehouse)
    code = barcode(warehouse, "LOT")
    with pytest.raises(tracking.TrackingMissing) as both:
        _receive(warehouse, receipt.receipt_id, code)
    assert both.value.missing == ("lot", "expiry") and both.value.sku == "LOT"
    with pytest.raises(tracking.TrackingMissing) as expiry:
        _receive(warehouse, receipt.receipt_id, code, lot="L9")
    assert expiry.value.missing == ("expiry",)
    with pytest.raises(tracking.TrackingMissing) as lot:
        _receive(warehouse, receipt.receipt_id, code, expiry=EXP, lot="  ")
    assert lot.value.missing == ("lot",)
    done = _receive(warehouse, receipt.receipt_id, code, lot="L9", expiry=EXP, scan_id="k1")
    assert done.quantity == 1
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("DOCK-01", "LOT", "L9", EXP)) == (1, 0)


@pytest.mark.parametrize(
    ("keyed", "date"),
    [
        ("2027-06-30", dt.date(2027, 6, 30)),
        (" 270630 ", dt.date(2027, 6, 30)),
        ("270200", dt.date(2027, 2, 28)),  # GS1: day 00 is the month's last day
        ("280200", dt.date(2028, 2, 29)),
    ],
)
def test_keyed_expiry_reads_both_formats(keyed: str, date: dt.date) -> None:
    assert tracking.parse_expiry(keyed, today=dt.date(2026, 12, 1)) == date


@pytest.mark.parametrize("keyed", ["30/06/2027", "2027-13-01", "271340", "2027630", ""])
def test_keyed_expiry_refusal_names_the_formats(keyed: str) -> None:
    with pytest.raises(InvalidInput) as err:
        tracking.parse_expiry(keyed)
    assert "expected a date as YYYY-MM-DD or YYMMDD" in str(err.value)
    assert keyed.strip() in str(err.value)


def test_damage_reason_must_be_one_of_the_list(warehouse: SmallWarehouse) -> None:
    receipt = _open(warehouse)
    code = barcode(warehouse, "PLAIN")
    with pytest.raises(InvalidInput) as err:
        _receive(warehouse, receipt.receipt_id, code, damaged=True, reason="dropped")
    assert "dropped" in str(err.value) and err.value.expected is not None
    assert "wrong_item" in err.value.expected
    assert set(rc.DAMAGE_REASONS) == {"transit", "wet", "crushed", "wrong_item", "other"}
    for reason in rc.DAMAGE_REASONS:
        _receive(warehouse, receipt.receipt_id, code, damaged=True, reason=reason)
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("QUA-01", "PLAIN")) == (5, 0)


def test_site_checks_unexpected_by_a_supervisor_and_expired_refused(
    warehouse: SmallWarehouse,
) -> None:
    add_purchase_order(warehouse, "PO1005", [("LOT", 4)])
    receipt = _open(warehouse, "PO1005")
    strict = ReceivingPolicy(unexpected_needs_supervisor=True)
    code = barcode(warehouse, "PLAIN")
    with pytest.raises(PermissionDenied, match="A supervisor must accept PLAIN"):
        _receive(warehouse, receipt.receipt_id, code, confirm_unexpected=True, policy=strict)
    with pytest.raises(PermissionDenied, match="not a supervisor"):
        _receive(
            warehouse,
            receipt.receipt_id,
            code,
            confirm_unexpected=True,
            policy=strict,
            approver_badge="OPPICKER",
        )
    done = _receive(
        warehouse,
        receipt.receipt_id,
        code,
        confirm_unexpected=True,
        policy=strict,
        approver_badge="OPSUPERVISOR",
    )
    assert done.unexpected
    # accepted once on this receipt: the next carton of it is not asked about again
    again = _receive(warehouse, receipt.receipt_id, code, policy=strict)
    assert again.unexpected
    add_purchase_order(warehouse, "PO1006", [("LOT", 1)])
    other = _open(warehouse, "PO1006")
    with pytest.raises(NotOnOrder):  # another receipt asks again
        _receive(warehouse, other.receipt_id, code, policy=strict)
    old = dt.date(2020, 1, 31)
    lot = barcode(warehouse, "LOT")
    with pytest.raises(ExpiryPast, match="expired on 2020-01-31"):
        _receive(warehouse, receipt.receipt_id, lot, lot="L", expiry=old)
    with pytest.raises(PermissionDenied, match="Only a supervisor"):
        _receive(warehouse, receipt.receipt_id, lot, lot="L", expiry=old, expired_reason="x")
    _receive(
        warehouse,
        receipt.receipt_id,
        lot,
        lot="L",
        expiry=old,
        expired_reason="salvage",
        approver_badge="OPSUPERVISOR",
    )
    summary = transaction(warehouse.engine, lambda s: rc.receipt_summary(s, receipt.receipt_id))
    assert [(line["sku"], line.get("unexpected", False)) for line in summary.lines] == [
        ("LOT", False),
        ("PLAIN", True),
    ]
    with session_scope(warehouse.engine) as s:
        actions = sorted(e.action for e in audit.entries(s, action="receiving"))
        assert actions == ["receiving.expired", "receiving.unexpected"]


def test_a_station_receives_at_its_own_dock_door(warehouse: SmallWarehouse) -> None:
    add_dock(warehouse, "DOCK-02")
    add_purchase_order(warehouse, "PO1001", [("PLAIN", 30)])
    receipt = _open(warehouse, "PO1001")
    code = barcode(warehouse, "PLAIN")
    there = _receive(warehouse, receipt.receipt_id, code, quantity=3, dock_code="DOCK-02")
    here = _receive(warehouse, receipt.receipt_id, code, quantity=2)  # no door: the first
    assert (there.location, here.location) == ("DOCK-02", "DOCK-01")
    for wrong, says in (("DOCK-09", "DOCK-09 is not a dock door"), ("QUA-01", "QUA-01 is not")):
        with pytest.raises(InvalidInput, match=says) as refused:
            _receive(warehouse, receipt.receipt_id, code, dock_code=wrong)
        assert refused.value.expected == "a location of a receiving zone"
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("DOCK-02", "PLAIN")) == (3, 0)
        assert inv.balance_of(s, warehouse.key("DOCK-01", "PLAIN")) == (2, 0)
        tasks = s.scalars(select(Task).where(Task.kind == "putaway").order_by(Task.id)).all()
        assert [(t.from_location_id, t.quantity) for t in tasks] == [
            (warehouse.locations["DOCK-02"], 3),
            (warehouse.locations["DOCK-01"], 2),
        ]
        assert rc.receipt_summary(s, receipt.receipt_id).lines[0]["received"] == 5


def test_opening_a_receipt_reads_the_order_its_receipt_lines_and_items_at_once(
    warehouse: SmallWarehouse,
) -> None:
    """Opening reads the order with its open receipt in one statement, and the order's lines
    with their items' texts in one more (not an item at a time); a new receipt has no lines
    to add up. Resuming it reads the same and what was received off the order."""
    add_purchase_order(warehouse, "PO7001", [("PLAIN", 10), ("KIT", 5), ("SER", 2)])

    def open_it(scan_id: str):  # type: ignore[no-untyped-def]
        return sent_in_transaction(
            warehouse.engine,
            lambda s: rc.open_receipt(
                s,
                warehouse_id=warehouse.warehouse_id,
                actor=_actor(warehouse),
                purchase_order_number="PO7001",
                scan_id=scan_id,
            ),
        )

    opened, sent = open_it("O1")
    # the operator, the scan id, the order and its open receipt, the insert and the number,
    # the lines with their items, the scan applied
    assert len(sent) == 7, sent
    assert not [s for s in sent if "FROM items WHERE items.id =" in s]
    assert [line["sku"] for line in opened.lines] == ["PLAIN", "KIT", "SER"]
    resumed, sent = open_it("O2")
    assert resumed == opened
    assert len(sent) == 6, sent  # no insert: the unexpected items instead


def test_a_scan_and_closing_read_the_receipt_and_its_order_in_one_statement(
    warehouse: SmallWarehouse,
) -> None:
    """A receiving scan and closing the receipt read the receipt (locked), its purchase
    order and the order's lines in one statement; closing reads the SKUs it reports
    together, not an item at a time."""
    add_purchase_order(warehouse, "PO7002", [("PLAIN", 10), ("KIT", 5), ("SER", 2)])
    receipt = _open(warehouse, "PO7002")
    done, sent = sent_in_transaction(
        warehouse.engine,
        lambda s: rc.receive_scan(
            s,
            receipt.receipt_id,
            barcode=barcode(warehouse, "PLAIN"),
            quantity=10,
            actor=_actor(warehouse),
            scan_id="S1",
        ),
    )
    assert (done.received_total, done.ordered) == (10, 10)
    order_reads = [
        s for s in sent if s.startswith("SELECT") and ("purchase_order" in s or "receipts" in s)
    ]
    assert len(order_reads) == 1, order_reads
    _receive(warehouse, receipt.receipt_id, barcode(warehouse, "KIT"), quantity=2)
    closed, sent = sent_in_transaction(
        warehouse.engine,
        lambda s: receipt_closing.close_receipt(
            s, receipt.receipt_id, actor=_actor(warehouse), scan_id="C1"
        ),
    )
    assert [(d["kind"], d["sku"], d["ordered"], d["received"]) for d in closed.discrepancies] == [
        ("short", "KIT", 5, 2),
        ("short", "SER", 2, 0),
    ]
    reads = [s for s in sent if s.startswith("SELECT")]
    # the operator, the scan id, the receipt with its order, the SKUs short, the unexpected
    assert len(reads) == 5, reads
