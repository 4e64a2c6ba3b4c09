"""Pilot: receiving as a new site finds it: a refusal disarms the keyed quantity, an item not
on the PO asks first, an expiry already past is refused, F5 asks before closing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from floor import audit
from floor.db import session_scope
from floor.models import ReceiptLine
from floor.screens.receiving import ReceivingScreen
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_dock, add_purchase_order, barcode
from tests.ui.conftest import gs1, open_flow, press, scan, text_of


async def _open(pilot: Any, number: str = "PO1001", badge: str = "OPRECEIVER") -> ReceivingScreen:
    screen = await open_flow(pilot, ReceivingScreen, badge)
    await scan(pilot, number)
    assert screen.step == "item"
    return screen


async def test_a_refusal_disarms_the_keyed_quantity(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("PLAIN", 14), ("KIT", 30)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await press(pilot, "asterisk", "2", "0", "enter")
        assert "x20" in text_of(app, "#detail")
        assert "at most 14 allowed" in await scan(pilot, barcode(wh, "PLAIN"))
        assert "x20" not in text_of(app, "#detail")  # the refusal took the 20 away
        assert "1 x KIT received" in await scan(pilot, barcode(wh, "KIT"))
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "KIT")) == (1, 0)
        assert inv.balance_of(s, wh.key("DOCK-01", "PLAIN")) == (0, 0)


async def test_an_item_not_on_the_po_asks_first_then_shows_as_unexpected(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("PLAIN", 14)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        told = await scan(pilot, barcode(wh, "KIT"))
        assert "KIT is not on purchase order PO1001" in told
        assert "Expected" not in told  # the question is the prompt, not repeated below
        assert screen.step == "unexpected" and "F2" in text_of(app, "#detail")
        assert "Receive it anyway?" in text_of(app, "#prompt")
        assert "F2 Receive it" in text_of(app, "#hints")  # the receiver's own F2 is enough
        with session_scope(wh.engine) as s:
            assert inv.on_hand(s, wh.items["KIT"]) == 0  # nothing booked while it asks
        assert "Item dropped" in await press(pilot, "escape")
        assert screen.step == "item"
        await scan(pilot, barcode(wh, "KIT"))
        assert "1 x KIT received to DOCK-01 (unexpected)" in await press(pilot, "f2")
        assert screen.step == "item"
        assert any("KIT" in line and "unexpected" in line for line in screen._lines)
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "KIT")) == (1, 0)
        line = s.scalars(select(ReceiptLine)).one()
        assert line.purchase_order_line_id is None


async def test_an_unexpected_item_needs_a_supervisor_where_the_site_says_so(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("PLAIN", 14)])
    app = make_app(sections={"receiving": {"unexpected_needs_supervisor": True}})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await scan(pilot, barcode(wh, "KIT"))
        assert "A supervisor scans their badge" in text_of(app, "#detail")
        assert "F2" not in text_of(app, "#hints")
        assert "A supervisor must accept KIT" in await press(pilot, "f2")
        assert screen.step == "unexpected"
        await scan(pilot, "OPSUPERVISOR")
        assert screen.step == "item" and "(unexpected)" in text_of(app, "#feedback")
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "KIT")) == (1, 0)
        (entry,) = audit.entries(s, action="receiving.unexpected")
        assert entry.operator == "OPRECEIVER" and entry.details["approved_by"] == "OPSUPERVISOR"


async def test_an_expiry_already_past_is_refused_and_a_supervisor_accepts_it_with_a_reason(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("LOT", 6)])
    past = dt.date.today() - dt.timedelta(days=3)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert "expired on" in await scan(pilot, gs1(wh, "LOT", "L1", past))
        assert screen.step == "expired"
        assert "F2" not in text_of(app, "#hints")  # a receiver cannot accept: no key for it
        assert "Esc Drop item" in text_of(app, "#hints")
        assert "Only a supervisor" in await press(pilot, "f2")  # pressed anyway: said why
        await scan(pilot, "OPSUPERVISOR")
        assert screen.step == "expired_reason"
        for key in "salvage":
            await pilot.press(key)
        await press(pilot, "enter")
        assert "1 x LOT received" in text_of(app, "#feedback") and screen.step == "item"
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L1", past)) == (1, 0)
        (entry,) = audit.entries(s, action="receiving.expired")
        assert entry.details["reason"] == "salvage"
        assert entry.details["approved_by"] == "OPSUPERVISOR"


async def test_a_short_shelf_life_warns(make_app: Callable, ui_warehouse: SmallWarehouse) -> None:
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("LOT", 6)])
    soon = dt.date.today() + dt.timedelta(days=10)
    app = make_app(sections={"receiving": {"min_shelf_life_days": 30}})
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        feedback = await scan(pilot, gs1(wh, "LOT", "L1", soon))
        assert "received" in feedback and "10 days left, under the 30 days wanted" in feedback


async def test_f5_asks_before_closing_and_shows_the_discrepancies(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("PLAIN", 14)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await scan(pilot, barcode(wh, "PLAIN"))
        await press(pilot, "f5")
        assert screen.step == "close" and "Close receipt" in text_of(app, "#prompt")
        assert "short" in text_of(app, "#body") and "PLAIN 1/14" in text_of(app, "#body")
        await press(pilot, "escape")  # not closed: receiving goes on
        assert screen.step == "item" and screen.receipt is not None
        await press(pilot, "f5")
        assert "Closed with 1 discrepancy" in await press(pilot, "f2")
        assert screen.step == "document"


async def test_a_station_with_a_dock_receives_there_and_shows_it(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """`[receiving] dock = "DOCK-02"`: the title names the door; an item, a new LPN and a
    pallet by its SSCC all land there and its receipt lines record it, not the first dock."""
    from floor.models import Container

    wh = ui_warehouse
    add_dock(wh, "DOCK-02")
    add_purchase_order(wh, "PO1001", [("PLAIN", 40)])
    gtin = barcode(wh, "PLAIN").zfill(14)
    pallet = f"]C10010614141123456789702{gtin}3710"
    app = make_app(sections={"receiving": {"dock": "DOCK-02"}})
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await _open(pilot)
        assert text_of(app, "#title") == "Receiving at dock DOCK-02"
        assert "1 x PLAIN received to DOCK-02" in await scan(pilot, barcode(wh, "PLAIN"))
        assert "New LPN LPN" in await press(pilot, "f4")
        lpn = screen.lpn
        assert "1 x PLAIN received to " + str(lpn) in await scan(pilot, barcode(wh, "PLAIN"))
        assert "10 units received" in await scan(pilot, pallet)
    with session_scope(wh.engine) as s:
        dock2 = wh.locations["DOCK-02"]
        assert inv.balance_of(s, wh.key("DOCK-02", "PLAIN")) == (1, 0)
        assert inv.balance_of(s, wh.key("DOCK-01", "PLAIN")) == (0, 0)
        lines = s.scalars(select(ReceiptLine)).all()
        assert len(lines) == 3 and {line.location_id for line in lines} == {dock2}
        containers = s.scalars(
            select(Container).where(Container.code.in_([lpn, "106141411234567897"]))
        ).all()
        assert len(containers) == 2 and {c.location_id for c in containers} == {dock2}
        assert inv.on_hand(s, wh.items["PLAIN"]) == 12


async def test_a_serial_keyed_as_printed_under_the_barcode(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """A serial-tracked item's bare barcode says how to give the serial; the label's text
    keyed with its brackets receives the unit (it was "not a code this site uses")."""
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("SER", 2)])
    gtin = barcode(wh, "SER").zfill(14)
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await _open(pilot)
        assert "serial tracked" in await scan(pilot, barcode(wh, "SER"))
        assert "(01)GTIN(21)serial" in text_of(app, "#feedback")
        await press(pilot, *f"(01){gtin}(21)SN-7", "enter")
        assert "1 x SER received to DOCK-01" in text_of(app, "#feedback")
    with session_scope(wh.engine) as s:
        (line,) = s.scalars(select(ReceiptLine)).all()
        assert line.serial == "SN-7"
