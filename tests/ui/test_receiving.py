"""Pilot: receiving against a PO through the screen: packs, over-receipt, missing lot, duplicate
serial, damaged, LPN, close with discrepancies, recovery after restart, French operator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from floor.db import session_scope
from floor.models import ReceiptLine
from floor.screens.receiving import ReceivingScreen
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_purchase_order, barcode
from tests.ui.conftest import SIZES, gs1, open_flow, press, resume_flow, scan, speaks, text_of

EXP = dt.date(2049, 12, 31)


async def _open(pilot: Any, number: str = "PO1001") -> ReceivingScreen:
    screen = await open_flow(pilot, ReceivingScreen, "OPRECEIVER")
    assert screen.step == "document" and text_of(pilot.app, "#prompt")
    await scan(pilot, number)
    assert screen.step == "item"
    return screen


async def _open_blind(pilot: Any) -> ReceivingScreen:
    """Receiving opened, and F2: a blind receipt (no document)."""
    screen = await open_flow(pilot, ReceivingScreen, "OPRECEIVER")
    await press(pilot, "f2")
    return screen


async def test_receive_a_po_with_every_exception(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("PLAIN", 14), ("LOT", 3), ("SER", 1)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert "received to DOCK-01" in await scan(pilot, barcode(wh, "PLAIN", "case"))
        assert "12/14" in text_of(app, "#body")
        assert "3 packs" in await scan(pilot, "CMD:QTY:3")  # packs of the next scan
        feedback = await scan(pilot, barcode(wh, "PLAIN"))
        assert "at most 14 allowed" in feedback and "at most 2 more" in feedback
        await scan(pilot, "CMD:QTY:2")
        assert "2 x PLAIN" in await scan(pilot, barcode(wh, "PLAIN"))
        assert "lot" in await scan(pilot, barcode(wh, "LOT"))  # missing lot: asked for
        assert screen.step == "lot"
        lot_scan = gs1(wh, "LOT", "L1", EXP)
        assert "received" in await scan(pilot, lot_scan)  # its GS1 label fills it in
        assert screen.step == "item"
        await pilot.press("f3")  # next scan damaged: the reason first
        await pilot.pause()
        assert screen.step == "damage" and "3=crushed" in text_of(app, "#detail")
        await scan(pilot, "CMD:QTY:3")
        assert "DAMAGED (crushed)" in text_of(app, "#detail")
        assert "QUA-01" in await scan(pilot, lot_scan)
        serial_scan = f"]C101{barcode(wh, 'SER')}21SN1"
        assert "received" in await scan(pilot, serial_scan)
        assert "already received" in await scan(pilot, serial_scan)
        assert "LPN0000002" in await press(pilot, "f4")  # new LPN
        assert "1 x LOT received to LPN0000002" in await scan(pilot, lot_scan)
        await press(pilot, "f5")  # asks first, showing the discrepancies
        feedback = await press(pilot, "f2")
        assert "all as expected" in feedback and screen.step == "document"
    with session_scope(wh.engine) as s:
        damaged = s.scalars(select(ReceiptLine).where(ReceiptLine.damaged)).one()
        assert damaged.reason == "crushed"
        assert inv.balance_of(s, wh.key("DOCK-01", "PLAIN")) == (14, 0)
        assert inv.balance_of(s, wh.key("QUA-01", "LOT", "L1", EXP)) == (1, 0)
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L1", EXP)) == (1, 0)
        assert inv.on_hand(s, wh.items["LOT"]) == 3
        assert inv.invariant_violations(s) == []


async def test_lot_and_expiry_keyed_by_hand(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("LOT", 6)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await scan(pilot, "CMD:QTY:2")
        assert "lot and expiry" in await scan(pilot, barcode(wh, "LOT"))
        assert screen.step == "lot" and "Key or scan the lot of LOT" in text_of(app, "#prompt")
        for label in ("OPRECEIVER", "A01-01-1", "LPN0001"):  # the site's labels are no lot
            feedback = await scan(pilot, label)
            assert "is not a lot: scan the lot of LOT, or key it" in feedback
            assert app.screen.query_one("#feedback").kind == "rejected"
            assert screen.step == "lot" and screen.pending is not None
        await press(pilot, "2", "4", "enter")  # digits here are the lot, not a quantity
        assert screen.step == "expiry" and "YYYY-MM-DD or YYMMDD" in text_of(app, "#detail")
        feedback = await scan(pilot, "31/12/2049")
        assert "expected a date as YYYY-MM-DD or YYMMDD, got 31/12/2049" in feedback
        assert app.screen.query_one("#feedback").kind == "rejected" and screen.step == "expiry"
        for key in "2049-12-31":
            await pilot.press(key)
        assert "2 x LOT received to DOCK-01" in await press(pilot, "enter")
        assert screen.step == "item" and "2/6" in text_of(app, "#body")
        # YYMMDD, and a lot scanned from a plain Code 128 label (an unknown code elsewhere)
        await scan(pilot, barcode(wh, "LOT"))
        await scan(pilot, "]C0B-77")
        assert screen.step == "expiry"
        assert "received" in await scan(pilot, "490700")  # day 00: last day of the month
        await scan(pilot, barcode(wh, "LOT"))
        assert screen.step == "lot"
        await press(pilot, "escape")  # drops the item
        assert screen.step == "item" and screen.pending is None
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "24", EXP)) == (2, 0)
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "B-77", dt.date(2049, 7, 31))) == (1, 0)
        assert inv.on_hand(s, wh.items["LOT"]) == 3


async def test_lot_and_expiry_from_the_cases_own_gs1_barcode(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """Many suppliers print the GTIN and the lot/expiry as two GS1-128 barcodes."""
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("LOT", 6)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert "lot and expiry" in await scan(pilot, barcode(wh, "LOT"))
        assert "1 x LOT received" in await scan(pilot, f"]C117{EXP:%y%m%d}10L-CASE")  # both
        await scan(pilot, barcode(wh, "LOT"))
        feedback = await scan(pilot, f"]C117{EXP:%y%m%d}")  # a date but no lot
        assert "That barcode has no lot: scan the lot of LOT, or key it" in feedback
        assert app.screen.query_one("#feedback").kind == "rejected" and screen.step == "lot"
        assert "Lot L-TWO" in await scan(pilot, "]C110L-TWO")  # the lot alone: then the date
        assert screen.step == "expiry"
        assert "That barcode has no expiry" in await scan(pilot, "]C110L-OTHER")
        assert "1 x LOT received" in await scan(pilot, f"]C117{EXP:%y%m%d}")
        # no symbology identifier and no GS: "10B-77" may be a plain lot, and is taken whole
        await scan(pilot, barcode(wh, "LOT"))
        await scan(pilot, "10B-77")
        assert screen.step == "expiry"
        assert "received" in await scan(pilot, f"{EXP:%y%m%d}")
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L-CASE", EXP)) == (1, 0)
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L-TWO", EXP)) == (1, 0)
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "10B-77", EXP)) == (1, 0)


async def test_damage_reason_is_chosen_and_f3_toggles(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await _open_blind(pilot)
        await press(pilot, "f3")
        assert screen.step == "damage"
        assert "Unknown reason 9" in await scan(pilot, "CMD:QTY:9")
        assert screen.step == "damage"
        await scan(pilot, "CMD:QTY:2")
        assert screen.damage_reason == "wet"
        feedback = await press(pilot, "f3")  # toggles back: not damaged
        assert not screen.damaged and "Not damaged" in feedback
        await press(pilot, "f3")
        await scan(pilot, "CMD:QTY:4")
        assert "QUA-01" in await scan(pilot, barcode(wh, "PLAIN"))
        assert "DOCK-01" in await scan(pilot, barcode(wh, "PLAIN"))  # damage is per scan
    with session_scope(wh.engine) as s:
        lines = s.scalars(select(ReceiptLine).order_by(ReceiptLine.id)).all()
        assert [(line.damaged, line.reason) for line in lines] == [
            (True, "wrong_item"),
            (False, ""),
        ]


async def test_new_lpn_label_goes_to_the_station_printer(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    from floor.printing import InMemoryPrintJobStore, JobStatus, PrintService
    from floor.printing.transports import FolderTransport

    folder = tmp_path / "labels-out"
    printer = PrintService(FolderTransport(folder), InMemoryPrintJobStore(), station="ST01")
    app = make_app()
    app.print_service = printer
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open_blind(pilot)
            feedback = await press(pilot, "f4")
            assert "New LPN LPN0000002: its label is printing" in feedback
            assert screen.lpn == "LPN0000002"
            assert printer.wait_idle(10)
        files = list(folder.glob("*.pdf"))
        assert len(files) == 1 and "lpn" in files[0].name
        assert files[0].read_bytes().startswith(b"%PDF")
        (job,) = printer.store.list([JobStatus.PRINTED])
        assert job.references == ("LPN0000002",)
    finally:
        printer.close()


async def test_new_lpn_without_a_printer_shows_the_code(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    app = make_app()
    app.print_service = None
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_blind(pilot)
        assert "New LPN LPN0000002: write it on the pallet" in await press(pilot, "f4")


async def test_receiving_resumes_the_open_receipt_after_restart(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    add_purchase_order(ui_warehouse, "PO1001", [("PLAIN", 5)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await scan(pilot, barcode(ui_warehouse, "PLAIN"))
        number = screen.receipt.number  # type: ignore[union-attr]
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await resume_flow(pilot, ReceivingScreen, "OPRECEIVER")
        assert screen.step == "item"
        assert screen.receipt is not None and screen.receipt.number == number
        assert "1/5" in text_of(again, "#body")


async def test_french_operator_gets_french_keys_and_refusals_still_work(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    speaks(ui_warehouse, "OPRECEIVER", "fr")
    add_purchase_order(ui_warehouse, "PO1001", [("PLAIN", 1)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, ReceivingScreen, "OPRECEIVER")
        assert app.station.language == "fr"
        assert text_of(app, "#prompt") == "Scannez la commande fournisseur ou l'ASN"
        await scan(pilot, "PO1001")
        assert text_of(app, "#prompt") == "Scannez un article"
        hints = text_of(app, "#hints")  # key names translated, only the keys of this step
        assert "Échap Retour" in hints and "* Qté" in hints and "F2" not in hints
        await scan(pilot, barcode(ui_warehouse, "PLAIN"))
        feedback = await scan(pilot, barcode(ui_warehouse, "PLAIN"))  # over-receipt
        assert app.screen.query_one("#feedback").kind == "rejected"
        assert "Attendu" in feedback


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_receiving(
    snap_compare: Callable, make_app: Callable, ui_warehouse: SmallWarehouse, size: Any
) -> None:
    add_purchase_order(ui_warehouse, "PO1001", [("PLAIN", 5), ("LOT", 3)])
    code = barcode(ui_warehouse, "PLAIN")

    async def at_item_step(pilot: Any) -> None:
        await _open(pilot)
        await scan(pilot, code)

    assert snap_compare(make_app(), terminal_size=size, run_before=at_item_step)


async def test_a_pallet_label_receives_the_whole_pallet_not_one_product(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """An SSCC label with content GTIN (02) and count (37) is a logistic unit: receiving
    takes the whole pallet (25 units onto a container carrying the SSCC), never 25 of the
    product scanned as one; a second scan of it is refused; it is never read as a lot."""
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("LOT", 26)])
    gtin = barcode(wh, "LOT")
    pallet = f"]C10010614141123456789702{gtin.zfill(14)}3725\x1d10L-PAL\x1d17{EXP:%y%m%d}"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        feedback = await scan(pilot, pallet)
        assert "Pallet 106141411234567897: 25 units received onto 106141411234567897" in feedback
        assert "25/26" in text_of(app, "#body") and screen.step == "item"
        feedback = await scan(pilot, pallet)
        assert "106141411234567897 was already received on" in feedback
        assert app.screen.query_one("#feedback").kind == "rejected"
        assert "lot and expiry" in await scan(pilot, gtin)
        feedback = await scan(pilot, pallet)  # nor is its lot read as the case's lot
        assert "is not a lot" in feedback and screen.step == "lot"
    with session_scope(wh.engine) as s:
        assert inv.on_hand(s, wh.items["LOT"]) == 25
        assert inv.invariant_violations(s) == []
