"""A transfer from the small test warehouse (TST) to a second warehouse (WH2), end to end,
on SQLite and PostgreSQL, through the `floor` commands and the services the screens call:

`floor transfer create` (a bad file first: nothing created); a wave of it built and
released at the source and picked onto a cart; packed into two cartons (each closed with
its SSCC), a lot-tracked and a serial-tracked item among them; shipped; in transit in
`floor transfer show` and `floor stock` at both ends; the cartons received at the
destination by scanning their SSCCs (one refused before it shipped, one at the wrong
warehouse, one scanned twice); the receipt closes with no discrepancy; lot, expiry and
serial arrive with the units; balances right, the ledger's invariants hold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from floor.cli import main
from floor.db import session_scope, transaction
from floor.errors import Conflict
from floor.inbound import receipt_closing, sscc_receiving
from floor.models import (
    AuditEntry,
    Balance,
    Location,
    PurchaseOrder,
    SalesOrder,
    SerialNumber,
)
from floor.outbound.shipping import confirm_shipment
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.pack_support import EXP, pick_everything, prepare_packing
from tests.support import SmallWarehouse
from tests.transfer_support import NUMBER, pack_transfer, second_warehouse


def cli(engine: Engine, capsys: pytest.CaptureFixture[str], *args: str, ok: bool = True) -> str:
    capsys.readouterr()
    code = main(["--database-url", engine.url.render_as_string(hide_password=False), *args])
    out, err = capsys.readouterr()
    assert (code == 0) is ok, err
    return out if ok else err


def _on_hand(wh: SmallWarehouse, sku: str, warehouse_id: int) -> int:
    with session_scope(wh.engine) as s:
        return sum(
            b.quantity
            for b in s.scalars(
                select(Balance)
                .join(Location, Location.id == Balance.location_id)
                .where(Balance.item_id == wh.items[sku], Location.warehouse_id == warehouse_id)
            )
        )


def _receive(wh: SmallWarehouse, warehouse_id: int, sscc: str, scan_id: str) -> Any:
    receiver = Actor(wh.operators["receiver"], "ST09")
    return transaction(
        wh.engine,
        lambda s: sscc_receiving.receive_sscc(
            s, warehouse_id=warehouse_id, sscc=sscc, actor=receiver, scan_id=scan_id
        ),
    )


def test_a_transfer_from_pick_to_receipt_by_sscc(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wh, engine = warehouse, warehouse.engine
    prepare_packing(wh)
    wh2 = second_warehouse(wh)
    skus = ("PLAIN", "LOT", "SER")
    before = {sku: _on_hand(wh, sku, wh.warehouse_id) for sku in skus}

    # refused, creating nothing: the same warehouse, an unknown SKU, a bad file line
    assert "not back to TST" in cli(
        engine, capsys, "transfer", "create", "--from", "TST", "--to", "TST", "PLAIN=1", ok=False
    )
    assert "No item with SKU NOPE" in cli(
        engine, capsys, "transfer", "create", "--from", "TST", "--to", "WH2", "NOPE=1", ok=False
    )
    bad = tmp_path / "lines.csv"
    bad.write_text("sku,quantity\nPLAIN,3\nLOT,two\n", encoding="utf-8")
    err = cli(
        engine, capsys, "transfer", "create", "--from", "TST", "--to", "WH2", "--file", str(bad),
        ok=False,
    )  # fmt: skip
    assert f'{bad}:3: column quantity: expected a whole number above zero, got "two"' in err
    assert "No transfer" in cli(engine, capsys, "transfer", "list")

    more = tmp_path / "more.json"
    more.write_text(json.dumps([{"sku": "LOT", "quantity": 2}]), encoding="utf-8")
    out = cli(
        engine, capsys, "transfer", "create", "--from", "TST", "--to", "WH2", "PLAIN=3", "SER=1",
        "--file", str(more),
    )  # fmt: skip
    assert out.startswith(f"{NUMBER}: TST to WH2, 3 lines, 6 units")
    with session_scope(engine) as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == NUMBER)).one()
        assert (order.channel, order.warehouse_id) == ("transfer", wh.warehouse_id)
        inbound = s.scalars(select(PurchaseOrder).where(PurchaseOrder.number == NUMBER)).one()
        assert (inbound.kind, inbound.warehouse_id) == ("transfer", wh2)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "transfer.create")).one()
        assert entry.subject == NUMBER and entry.details["units"] == 6

    # at the source: a wave, picking onto a cart, packing into two cartons
    pick_everything(wh, ("TOTE01",))
    ssccs = pack_transfer(
        wh,
        [
            [("PLAIN", {})] * 3,
            [("LOT", {"lot": "L1"}), ("LOT", {"lot": "L1"}), ("SER", {"serial": "SN001"})],
        ],
    )
    with pytest.raises(Conflict, match="has not been shipped yet"):
        _receive(wh, wh2, ssccs[0], "early")
    assert "not shipped yet" in cli(engine, capsys, "transfer", "list")

    # shipped: the stock leaves the source and is in transit
    for n, sscc in enumerate(ssccs, start=1):
        transaction(
            engine,
            lambda s, sscc=sscc, n=n: confirm_shipment(
                s,
                warehouse_id=wh.warehouse_id,
                sscc=sscc,
                carrier="OWN",
                tracking_number=f"{NUMBER}-{n}",
                actor=Actor(wh.operators["shipper"], "DOCK01"),
            ),
        )
    assert {sku: _on_hand(wh, sku, wh.warehouse_id) for sku in skus} == {
        "PLAIN": before["PLAIN"] - 3,
        "LOT": before["LOT"] - 2,
        "SER": before["SER"] - 1,
    }
    shown = cli(engine, capsys, "transfer", "show", NUMBER)
    assert "in transit (order at the source: shipped); 6 units in transit" in shown
    assert all(sscc in shown for sscc in ssccs)
    record = json.loads(cli(engine, capsys, "transfer", "show", NUMBER, "--json"))
    assert {line["sku"]: line["in_transit"] for line in record["lines"]} == {
        "PLAIN": 3,
        "LOT": 2,
        "SER": 1,
    }
    for code in ("TST", "WH2"):
        stock = cli(engine, capsys, "stock", "--warehouse", code)
        _on, transit = stock.split("In transit (shipped on transfers, not yet received):")
        assert [row.split() for row in transit.strip().splitlines()[1:]] == [
            ["LOT", "2"],
            ["PLAIN", "3"],
            ["SER", "1"],
        ]

    # at the destination: each carton received by its SSCC
    with pytest.raises(Conflict, match="to warehouse WH2"):
        _receive(wh, wh.warehouse_id, ssccs[0], "wrong-warehouse")
    first = _receive(wh, wh2, ssccs[0], "rcv-1")
    assert (first.source, first.purchase_order, first.units, first.lpn) == (
        "transfer",
        NUMBER,
        3,
        ssccs[0],
    )
    assert "3 units in transit" in cli(engine, capsys, "transfer", "show", NUMBER)
    with pytest.raises(Conflict, match="already received on"):
        _receive(wh, wh2, ssccs[0], "rcv-again")
    second = _receive(wh, wh2, ssccs[1], "rcv-2")
    assert second.receipt_id == first.receipt_id and second.units == 3
    closed = transaction(
        engine,
        lambda s: receipt_closing.close_receipt(
            s, first.receipt_id, actor=Actor(wh.operators["receiver"], "ST09")
        ),
    )
    assert closed.discrepancies == []

    assert {sku: _on_hand(wh, sku, wh2) for sku in skus} == {"PLAIN": 3, "LOT": 2, "SER": 1}
    assert "received (order at the source: shipped); 0 units in transit" in cli(
        engine, capsys, "transfer", "show", NUMBER
    )
    assert "In transit" not in cli(engine, capsys, "stock", "--warehouse", "WH2")
    assert NUMBER in cli(engine, capsys, "transfer", "list", "--status", "received")
    with session_scope(engine) as s:
        dock = s.scalar(select(Location.id).where(Location.code == "W2-DOCK"))
        held = {
            (b.item_id, b.lot, b.expiry, b.quantity)
            for b in ledger.balances_at(s, dock)
            if b.quantity
        }
        assert (wh.items["LOT"], "L1", EXP, 2) in held
        serial = s.scalars(
            select(SerialNumber)
            .where(SerialNumber.item_id == wh.items["SER"])
            .where(SerialNumber.serial == "SN001")
        ).one()
        assert (serial.status, serial.location_id) == ("in_stock", dock)
        assert ledger.invariant_violations(s) == []
