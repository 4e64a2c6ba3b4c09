"""Receiving a pallet by its SSCC: from an ASN (`floor import asn`) or the label's own
contents; one ledger transaction, onto a container carrying the SSCC; once per SSCC."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from floor.db import session_scope, transaction
from floor.errors import Conflict, InvalidInput
from floor.gs1 import with_check_digit
from floor.imports import ImportRejected, run_import
from floor.inbound import sscc_receiving as sr
from floor.models import (
    AsnUnitLine,
    Container,
    Movement,
    PurchaseOrder,
    Receipt,
    ReceiptLine,
    SsccReceipt,
    StockTransaction,
    Task,
)
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_purchase_order, barcode

EXP = dt.date(2049, 12, 31)


def sscc(n: int) -> str:
    return with_check_digit(f"00614141{n:09d}")


def _actor(wh: SmallWarehouse) -> Actor:
    return Actor(wh.operators["receiver"], "ST01")


def _receive(wh: SmallWarehouse, code: str, **kw: object) -> sr.SsccReceived:
    return transaction(
        wh.engine,
        lambda s: sr.receive_sscc(
            s,
            warehouse_id=wh.warehouse_id,
            sscc=code,
            actor=_actor(wh),
            **kw,  # type: ignore[arg-type]
        ),
    )


def _asn(tmp_path: Path, wh: SmallWarehouse, text: str, name: str = "asn.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_asn_for_a_purchase_order_already_there_says_only_that(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    """The demo's ASN gave PO00008 its pallets, and the import also said "0 orders
    imported, 0 already there (asn)", as if nothing had been done."""
    add_purchase_order(warehouse, "PO1001", [("PLAIN", 24)])
    path = _asn(tmp_path, warehouse, f"reference,sscc,sku,quantity\nPO1001,{sscc(1)},PLAIN,24\n")
    report = run_import(warehouse.engine, "asn", path, warehouse="TST").report()
    assert report == [f"{path}: 1 pallets (SSCCs) listed, 1 purchase order given its pallets"], (
        report
    )


def test_an_asn_pallet_is_received_whole_by_one_scan(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    case = barcode(wh, "PLAIN", "case")
    path = _asn(
        tmp_path,
        wh,
        "reference,supplier,sscc,sku,gtin,quantity,lot,expiry\n"
        f"ASN-7,SUP-A,{sscc(1)},PLAIN,,24,,\n"
        f"ASN-7,SUP-A,{sscc(1)},LOT,,10,L1,{EXP.isoformat()}\n"
        f"ASN-7,SUP-A,00{sscc(2)},,{case},2,,\n",
    )
    outcome = run_import(wh.engine, "asn", path, warehouse="TST")
    assert outcome.created == 1 and any("2 pallets" in note for note in outcome.report())
    with session_scope(wh.engine) as s:
        order = s.scalars(select(PurchaseOrder).where(PurchaseOrder.number == "ASN-7")).one()
        assert order.kind == "asn"
        assert sorted((line.item.sku, line.quantity_ordered) for line in order.lines) == [
            ("LOT", 10),
            ("PLAIN", 48),
        ]
    again = run_import(wh.engine, "asn", path, warehouse="TST")
    assert again.unchanged == ["ASN-7"]
    more = _asn(  # a pallet imported before, and a new one of the same ASN
        tmp_path,
        wh,
        f"reference,sscc,sku,quantity\nASN-7,{sscc(1)},PLAIN,24\nASN-7,{sscc(4)},PLAIN,1\n",
        "more.csv",
    )
    added = run_import(wh.engine, "asn", more, warehouse="TST")
    assert added.unchanged == [] and any("1 pallets" in note for note in added.report())
    with pytest.raises(ImportRejected, match="1 problem"):  # a transfer's cartons are its ASN
        with session_scope(wh.engine) as s:
            s.execute(
                update(PurchaseOrder).where(PurchaseOrder.number == "ASN-7").values(kind="transfer")
            )
        run_import(
            wh.engine,
            "asn",
            _asn(tmp_path, wh, f"reference,sscc,sku,quantity\nASN-7,{sscc(9)},PLAIN,1\n", "t.csv"),
            warehouse="TST",
        )
    with session_scope(wh.engine) as s:
        s.execute(update(PurchaseOrder).where(PurchaseOrder.number == "ASN-7").values(kind="asn"))
        assert s.scalar(select(func.count()).where(AsnUnitLine.sscc == sscc(4))) == 1

    done = _receive(wh, sscc(1), scan_id="scan-1")  # before any document: opens ASN-7
    assert done.source == "asn" and done.purchase_order == "ASN-7"
    assert done.lpn == sscc(1) and done.location == "DOCK-01" and done.units == 34
    replay = _receive(wh, sscc(1), scan_id="scan-1")  # the same scan retried
    assert replay == done
    with pytest.raises(Conflict, match=r"already received on .* UTC") as refused:
        _receive(wh, sscc(1), scan_id="scan-2", receipt_id=done.receipt_id)
    assert done.receipt_number in str(refused.value)
    second = _receive(wh, sscc(2), receipt_id=done.receipt_id, scan_id="scan-3")
    assert second.units == 24 and second.receipt_id == done.receipt_id
    with session_scope(wh.engine) as s:
        pallet = s.scalars(select(Container).where(Container.sscc == sscc(1))).one()
        assert pallet.code == sscc(1) and pallet.location_id == wh.locations["DOCK-01"]
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L1", EXP, None)) == (0, 0)
        key = wh.key("DOCK-01", "LOT", "L1", EXP)
        assert inv.balance_of(s, key.at(key.location_id, pallet.id)) == (10, 0)
        tx = s.scalars(
            select(StockTransaction).where(StockTransaction.scan_id == "scan-1")
        ).one()  # one ledger transaction for the whole pallet
        assert s.scalar(select(func.count()).where(Movement.transaction_id == tx.id)) == 2
        lines = s.scalars(select(ReceiptLine).where(ReceiptLine.transaction_id == tx.id)).all()
        assert sorted(line.quantity for line in lines) == [10, 24]
        tasks = s.scalars(select(Task).where(Task.container_id == pallet.id)).all()
        assert [(t.kind, t.quantity) for t in tasks] == [("putaway", 34)]
        assert s.scalar(select(func.count()).select_from(SsccReceipt)) == 2
        assert inv.invariant_violations(s) == []


def test_a_pallet_known_only_by_its_label(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    with pytest.raises(sr.SsccContentsUnknown, match="contents barcode"):
        _receive(wh, sscc(5))
    done = _receive(wh, sscc(5), content_gtin=barcode(wh, "PLAIN", "case"), count=5)
    assert done.source == "label" and done.purchase_order is None and done.units == 60
    with pytest.raises(InvalidInput, match="lot"):  # a lot-tracked item needs (10)
        _receive(wh, sscc(6), content_gtin=barcode(wh, "LOT"), count=4)
    with pytest.raises(InvalidInput, match="expired"):
        _receive(
            wh,
            sscc(6),
            content_gtin=barcode(wh, "LOT"),
            count=4,
            lot="L9",
            expiry=dt.date(2020, 1, 1),
        )
    with session_scope(wh.engine) as s:
        assert s.scalar(select(func.count()).select_from(SsccReceipt)) == 1
        assert s.scalars(select(Receipt)).one().purchase_order_id is None
        assert inv.invariant_violations(s) == []


def test_a_pallet_of_another_order_or_beyond_tolerance_is_refused(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    add_purchase_order(wh, "PO1", [("PLAIN", 20)])
    add_purchase_order(wh, "PO2", [("PLAIN", 5)])
    path = _asn(
        tmp_path,
        wh,
        f"reference,sscc,sku,quantity\nPO1,{sscc(11)},PLAIN,20\nPO2,{sscc(12)},PLAIN,6\n",
    )
    outcome = run_import(wh.engine, "asn", path, warehouse="TST")
    assert outcome.created == 0  # both purchase orders were there: given their pallets
    with pytest.raises(Conflict, match="is on PO1, expected at warehouse TST"):
        transaction(
            wh.engine,
            lambda s: sr.receive_sscc(
                s, warehouse_id=wh.warehouse_id + 1, sscc=sscc(11), actor=_actor(wh)
            ),
        )
    first = _receive(wh, sscc(11))
    with pytest.raises(Conflict, match="belongs to PO2"):
        _receive(wh, sscc(12), receipt_id=first.receipt_id)
    with pytest.raises(InvalidInput, match="Over-receipt"):
        _receive(wh, sscc(12))
    with session_scope(wh.engine) as s:
        assert s.scalar(select(func.count()).select_from(SsccReceipt)) == 1
        assert inv.invariant_violations(s) == []


def test_a_bad_asn_file_names_every_problem_and_imports_nothing(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    add_purchase_order(wh, "PO1", [("PLAIN", 20)])
    bad_check = sscc(21)[:-1] + str((int(sscc(21)[-1]) + 1) % 10)
    path = _asn(
        tmp_path,
        wh,
        "reference,sscc,sku,quantity\n"
        f"ASN-1,{bad_check},PLAIN,1\n"
        f"ASN-1,{sscc(22)},NOPE,1\n"
        f"ASN-2,{sscc(22)},PLAIN,0\n"
        f"PO1,{sscc(23)},LOT,3\n",
    )
    with pytest.raises(ImportRejected) as rejected:
        run_import(wh.engine, "asn", path, warehouse="TST")
    text = "\n".join(rejected.value.lines())
    assert f"{path}:2: column sscc: expected an SSCC with a valid check digit" in text
    assert f"{path}:4: column sscc: expected an SSCC not already listed under ASN-1" in text
    assert f"{path}:4: column quantity" in text
    with pytest.raises(ImportRejected) as rejected:  # the rest, once the rows read right
        run_import(
            wh.engine,
            "asn",
            _asn(
                tmp_path,
                wh,
                f"reference,sscc,sku,quantity\nASN-1,{sscc(22)},NOPE,1\nPO1,{sscc(23)},LOT,3\n",
                "asn2.csv",
            ),
            warehouse="TST",
        )
    text = "\n".join(rejected.value.lines())
    assert ":2: column sku: expected the SKU of an item" in text
    assert ":3: column sku: expected an item on purchase order PO1" in text
    with session_scope(wh.engine) as s:
        assert s.scalar(select(func.count()).select_from(AsnUnitLine)) == 0
        assert s.scalar(select(PurchaseOrder).where(PurchaseOrder.number == "ASN-1")) is None


def test_asn_json_rows(warehouse: SmallWarehouse, tmp_path: Path) -> None:
    wh = warehouse
    path = _asn(
        tmp_path,
        wh,
        json.dumps([{"reference": "ASN-J", "sscc": sscc(31), "sku": "PLAIN", "quantity": 3}]),
        "asn.json",
    )
    assert run_import(wh.engine, "asn", path, warehouse="TST").created == 1
    assert _receive(wh, sscc(31)).units == 3


def test_four_stations_scanning_one_pallet_at_once_receive_it_once(
    pg_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    """PostgreSQL: the same SSCC scanned at four docks at the same moment (different scan
    ids): one receives the pallet, three are told it is already received."""
    from tests.support import run_at_once

    wh = pg_warehouse
    path = _asn(tmp_path, wh, f"reference,sscc,sku,quantity\nASN-C,{sscc(51)},PLAIN,10\n")
    run_import(wh.engine, "asn", path, warehouse="TST")
    done: list[sr.SsccReceived] = []
    errors = run_at_once(4, lambda n: done.append(_receive(wh, sscc(51), scan_id=f"dock-{n}")))
    assert len(done) == 1 and len(errors) == 3
    # what each refused station was told, shown if one was told anything else (this test
    # failed now and then under load, and the failure did not say with what)
    told = [(type(e).__name__, str(e)[:300]) for e in errors]
    assert all(isinstance(e, Conflict) and "already received" in str(e) for e in errors), told
    with session_scope(wh.engine) as s:
        assert inv.on_hand(s, wh.items["PLAIN"]) == 10
        assert s.scalar(select(func.count()).select_from(ReceiptLine)) == 1
        assert inv.invariant_violations(s) == []


def test_a_dock_that_checked_an_sscc_just_before_another_received_it_is_told_it_was_received(
    pg_warehouse: SmallWarehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: dock B finds the SSCC not received yet and pauses; dock A scans it then.
    Without the SSCC's lock A received it meanwhile and B, going on, read the order's lines
    after A's commit and was refused for the quantity. With it, A waits for B: one receives
    the pallet, the other is told it was received."""
    import threading

    wh = pg_warehouse
    path = _asn(tmp_path, wh, f"reference,sscc,sku,quantity\nASN-W,{sscc(52)},PLAIN,10\n")
    run_import(wh.engine, "asn", path, warehouse="TST")
    real = sr.received_before
    b_checked, a_done = threading.Event(), threading.Event()

    def received_before(session, code):  # type: ignore[no-untyped-def]
        found = real(session, code)
        if threading.current_thread().name == "dock-B" and not b_checked.is_set():
            b_checked.set()
            a_done.wait(2)  # A's scan, unless it waits for B
        return found

    monkeypatch.setattr(sr, "received_before", received_before)
    told: dict[str, object] = {}

    def dock(name: str) -> None:
        try:
            told[name] = _receive(wh, sscc(52), scan_id=name)
        except Exception as exc:  # what this dock's screen would show
            told[name] = exc
        if name == "dock-A":
            a_done.set()

    b = threading.Thread(target=dock, args=("dock-B",), name="dock-B")
    b.start()
    assert b_checked.wait(10)
    a = threading.Thread(target=dock, args=("dock-A",), name="dock-A")
    a.start()
    a.join(20)
    b.join(20)
    received = [n for n, t in told.items() if isinstance(t, sr.SsccReceived)]
    refused = {n: str(t) for n, t in told.items() if not isinstance(t, sr.SsccReceived)}
    assert len(received) == 1, told
    assert all(
        isinstance(told[n], Conflict) and "already received" in text for n, text in refused.items()
    ), told
    with session_scope(wh.engine) as s:
        assert inv.on_hand(s, wh.items["PLAIN"]) == 10
