"""Pilot: receiving against a PO through the screen: packs, over-receipt, missing lot, duplicate
serial, damaged, LPN, close with discrepancies, recovery after restart, French operator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import update
from textual.widgets import Static

from floor import inventory as inv
from floor.db import session_scope
from floor.models import Operator
from floor.screens.receiving import ReceivingScreen
from tests.support import SmallWarehouse, add_purchase_order, barcode
from tests.ui.conftest import log_in, settle

EXP = dt.date(2027, 6, 30)
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((40, 16), id="40x16")]


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def scan(pilot: Any, raw: str) -> str:
    pilot.app.inject_scan(raw)
    await settle(pilot)
    return text_of(pilot.app, "#feedback")


async def _open(pilot: Any, number: str = "PO1001") -> ReceivingScreen:
    await log_in(pilot, "OPRECEIVER")
    screen = pilot.app.open_flow(ReceivingScreen)
    await settle(pilot)
    assert "purchase order" in text_of(pilot.app, "#prompt")
    await scan(pilot, number)
    assert screen.step == "item"
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
        assert "lot" in await scan(pilot, barcode(wh, "LOT"))  # missing lot: refused
        lot_scan = f"]C101{barcode(wh, 'LOT')}17{EXP:%y%m%d}10L1"
        assert "received" in await scan(pilot, lot_scan)
        await pilot.press("f3")  # next scan damaged
        await pilot.pause()
        assert "QUA-01" in await scan(pilot, lot_scan)
        serial_scan = f"]C101{barcode(wh, 'SER')}21SN1"
        assert "received" in await scan(pilot, serial_scan)
        assert "already received" in await scan(pilot, serial_scan)
        await pilot.press("f4")  # new LPN
        await settle(pilot)
        assert "LPN0000002" in text_of(app, "#feedback")
        assert "1 x LOT received to LPN0000002" in await scan(pilot, lot_scan)
        await pilot.press("f5")
        await settle(pilot)
        assert "all as expected" in text_of(app, "#feedback") and screen.step == "document"
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "PLAIN")) == (14, 0)
        assert inv.balance_of(s, wh.key("QUA-01", "LOT", "L1", EXP)) == (1, 0)
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L1", EXP)) == (1, 0)
        assert inv.on_hand(s, wh.items["LOT"]) == 3
        assert inv.invariant_violations(s) == []


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
        await log_in(pilot, "OPRECEIVER")
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, ReceivingScreen) and screen.step == "item"
        assert screen.receipt is not None and screen.receipt.number == number
        assert "1/5" in text_of(again, "#body")


async def test_french_operator_gets_french_keys_and_refusals_still_work(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    with session_scope(ui_warehouse.engine) as s:
        s.execute(update(Operator).where(Operator.badge == "OPRECEIVER").values(language="fr"))
    add_purchase_order(ui_warehouse, "PO1001", [("PLAIN", 1)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        assert app.station.language == "fr"
        assert "Valider" in text_of(app, "#hints")
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
