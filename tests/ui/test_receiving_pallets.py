"""Pilot on the demo warehouse: an ASN's pallets received whole by scanning their SSCCs at
the receiving screen; a pallet no ASN lists, by its label's contents barcode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from floor.config import Settings
from floor.db import session_scope
from floor.demo import build_demo
from floor.gs1 import with_check_digit
from floor.imports import run_import
from floor.models import Item, Location, PurchaseOrder, Receipt
from floor.screens.receiving import ReceivingScreen
from floor.stock import ledger as inv
from tests.ui.conftest import log_in, press, scan, settle, text_of

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "demo-asn.csv"


def sscc(n: int) -> str:
    return with_check_digit(f"03761235{n:09d}")


@pytest.fixture
def demo(sqlite_engine: Engine) -> Engine:
    build_demo(sqlite_engine)
    return sqlite_engine


def _asn_lines(engine: Engine) -> tuple[list[tuple[str, int, bool]], tuple[str, str, int]]:
    """PO00004's lines (sku, quantity, tracked) for the ASN's two pallets, and one
    untracked line (sku, gtin, quantity) left for a pallet known only by its label."""
    with session_scope(engine) as s:
        order = s.scalars(select(PurchaseOrder).where(PurchaseOrder.number == "PO00004")).one()
        assert order.kind == "asn"
        lines = [
            (line.item, line.quantity_ordered)
            for line in order.lines
            if not line.item.serial_tracked
        ]
        plain = [(item, q) for item, q in lines if not (item.lot_tracked or item.expiry_tracked)]
        assert len(lines) >= 3 and plain
        last, quantity = plain[-1]
        listed = [
            (item.sku, q, item.lot_tracked or item.expiry_tracked)
            for item, q in lines
            if item.id != last.id
        ]
        return listed, (last.sku, str(last.gtin), quantity)


async def test_an_asns_pallets_are_received_by_their_ssccs(demo: Engine, tmp_path: Path) -> None:
    from floor.app import create_app

    listed, (label_sku, label_gtin, label_quantity) = _asn_lines(demo)
    rows = ["reference,sscc,sku,quantity,lot,expiry"]
    for n, (sku, quantity, tracked) in enumerate(listed):
        lot, expiry = ("L-2049", "2049-12-31") if tracked else ("", "")
        rows.append(f"PO00004,{sscc(1 + n % 2)},{sku},{quantity},{lot},{expiry}")
    path = tmp_path / "asn.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_import(demo, "asn", path, warehouse="DEMO")
    first_units = sum(q for n, (_s, q, _t) in enumerate(listed) if n % 2 == 0)
    settings = Settings(
        database_url="sqlite://",
        station="ST01",
        warehouse="DEMO",
        language="en",
        data_dir=str(tmp_path / "data"),
    )
    app = create_app(settings, demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OP1002", "1002")
        screen = app.open_flow(ReceivingScreen)
        await settle(pilot)
        assert screen.step == "document"
        feedback = await scan(pilot, f"]C100{sscc(1)}")  # no document scanned first
        assert f"Pallet {sscc(1)}: {first_units} units received onto {sscc(1)}" in feedback
        assert screen.step == "item" and "PO00004" in text_of(app, "#body")
        assert "units received" in await scan(pilot, f"]C100{sscc(2)}")
        feedback = await scan(pilot, f"]C100{sscc(1)}")
        assert "already received on" in feedback
        feedback = await scan(pilot, f"]C100{sscc(3)}")  # on no ASN: its contents, please
        assert screen.step == "pallet" and "contents barcode" in text_of(app, "#prompt")
        contents = f"]C102{label_gtin.zfill(14)}37{label_quantity}"
        feedback = await scan(pilot, contents)
        assert f"{label_quantity} x {label_sku}" in feedback and screen.step == "item"
        await press(pilot, "f5")
        assert "All as expected" in text_of(app, "#body")
        await press(pilot, "f2")  # closed: the example ASN of the docs next
        assert screen.step == "document"
        run_import(demo, "asn", EXAMPLE, warehouse="DEMO")
        feedback = await scan(pilot, "]C100037612340000000026")
        assert "Pallet 037612340000000026: 296 units received" in feedback
        assert "PO00008" in text_of(app, "#body")
    with session_scope(demo) as s:
        first, example = s.scalars(select(Receipt).order_by(Receipt.id)).all()
        assert first.status == "closed" and example.status == "open"
        item = s.scalars(select(Item).where(Item.sku == label_sku)).one()
        assert inv.on_hand(s, item.id) >= label_quantity
        assert inv.invariant_violations(s) == []


async def test_an_sscc_is_a_container_at_put_away_move_and_lookup(
    make_app: Any, ui_warehouse: Any
) -> None:
    """A pallet received by its SSCC: scanning that SSCC at put-away starts the pallet's
    task, at move moves the whole pallet, at lookup shows what is on it."""
    from floor.db import transaction
    from floor.inbound import sscc_receiving
    from floor.screens.lookup import LookupScreen
    from floor.screens.move import MoveScreen
    from floor.screens.putaway import PutawayScreen
    from floor.stock.ledger import Actor
    from tests.support import barcode
    from tests.ui.conftest import label, open_flow

    wh = ui_warehouse
    code = sscc(40)
    transaction(
        wh.engine,
        lambda s: sscc_receiving.receive_sscc(
            s,
            warehouse_id=wh.warehouse_id,
            sscc=code,
            actor=Actor(wh.operators["receiver"], "ST01"),
            content_gtin=barcode(wh, "PLAIN", "case"),
            count=2,
        ),
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, LookupScreen, "OPSUPERVISOR")
        await scan(pilot, f"]C100{code}")
        assert "24" in text_of(app, "#body") and "PLAIN" in text_of(app, "#body")
        screen = app.open_flow(PutawayScreen)
        await settle(pilot)
        assert "Take it to" in await scan(pilot, f"]C100{code}")
        assert screen.step == "destination"
        await press(pilot, "escape")
        move = app.open_flow(MoveScreen)
        await settle(pilot)
        await scan(pilot, "DOCK-01")
        await scan(pilot, f"]C100{code}")
        assert move.step == "destination"
        assert f"24 of {code} moved" in await scan(pilot, label("A02-02-2"))
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("A02-02-2", "PLAIN")) == (0, 0)
        assert inv.on_hand(s, wh.items["PLAIN"], wh.locations["A02-02-2"]) == 24
        assert inv.invariant_violations(s) == []


async def test_a_transfers_cartons_are_received_at_the_destination_by_their_ssccs(
    make_app: Any, ui_warehouse: Any
) -> None:
    """A transfer from TST picked, packed into two cartons and shipped; at WH2's receiving
    screen each carton's SSCC receives what it was packed with, against the transfer."""
    from floor.db import transaction
    from floor.outbound.shipping import confirm_shipment
    from floor.stock.ledger import Actor
    from floor.transfers import create_transfer, transfer_view
    from tests.pack_support import pick_everything, prepare_packing
    from tests.transfer_support import NUMBER, pack_transfer, second_warehouse
    from tests.ui.conftest import open_flow

    wh = ui_warehouse
    prepare_packing(wh)
    wh2 = second_warehouse(wh)
    transaction(
        wh.engine,
        lambda s: create_transfer(
            s, from_warehouse="TST", to_warehouse="WH2", lines=[("PLAIN", 3), ("LOT", 2)]
        ),
    )
    pick_everything(wh, ("TOTE01",))
    ssccs = pack_transfer(
        wh, [[("PLAIN", {})] * 3, [("LOT", {"lot": "L1"}), ("LOT", {"lot": "L1"})]]
    )
    for n, code in enumerate(ssccs, start=1):
        transaction(
            wh.engine,
            lambda s, code=code, n=n: confirm_shipment(
                s,
                warehouse_id=wh.warehouse_id,
                sscc=code,
                carrier="OWN",
                tracking_number=f"{NUMBER}-{n}",
                actor=Actor(wh.operators["shipper"], "DOCK01"),
            ),
        )
    app = make_app(warehouse="WH2", station="ST09")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, ReceivingScreen, "OPRECEIVER")
        feedback = await scan(pilot, f"]C100{ssccs[0]}")
        assert f"Carton {ssccs[0]} of {NUMBER}: 3 units received (3 x PLAIN)" in feedback
        assert screen.step == "item" and NUMBER in text_of(app, "#body")
        assert "2 x LOT" in await scan(pilot, f"]C100{ssccs[1]}")
        assert "already received on" in await scan(pilot, f"]C100{ssccs[1]}")
        await press(pilot, "f5")
        assert "All as expected" in text_of(app, "#body")
    with session_scope(wh.engine) as s:
        assert transfer_view(s, NUMBER).in_transit == 0
        assert inv.on_hand(s, wh.items["LOT"], None) >= 2
        dock = s.scalar(select(Location.id).where(Location.warehouse_id == wh2))
        assert sum(b.quantity for b in inv.balances_at(s, dock)) == 5
        assert inv.invariant_violations(s) == []
