"""Pilot: the Move flow (an item's quantity, an LPN whole) and the Adjust flow (a new
quantity or a change, a reason from the site's list), and who sees them in the menu."""

from __future__ import annotations

from collections.abc import Callable

from floor import audit
from floor.db import session_scope
from floor.screens import flows_for
from floor.screens.adjust import AdjustScreen
from floor.screens.move import MoveScreen
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_stock, barcode
from tests.ui.conftest import open_flow, press, scan, settle


def test_menus() -> None:
    assert MoveScreen in flows_for(["receiver"]) and AdjustScreen not in flows_for(["receiver"])
    assert MoveScreen not in flows_for(["picker"]) and AdjustScreen not in flows_for(["picker"])
    assert {MoveScreen, AdjustScreen} <= set(flows_for(["supervisor"]))


async def test_move_a_quantity_of_an_item(make_app: Callable, ui_warehouse: SmallWarehouse) -> None:
    add_stock(ui_warehouse, "A01-01-1", "PLAIN", 10)
    code = barcode(ui_warehouse, "PLAIN")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, MoveScreen, "OPRECEIVER")
        assert "holds nothing" in await scan(pilot, "A02-02-2")
        await scan(pilot, "A01-01-1")
        assert screen.step == "what"
        await scan(pilot, code)
        assert screen.step == "quantity"
        assert "from 1 to 10" in await press(pilot, "1", "1", "enter")
        await press(pilot, "4", "enter")
        assert screen.step == "destination"
        assert "4 of PLAIN moved from A01-01-1 to A02-02-2" in await scan(pilot, "A02-02-2")
        assert screen.step == "source"
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("A01-01-1", "PLAIN")) == (6, 0)
        assert inv.balance_of(s, ui_warehouse.key("A02-02-2", "PLAIN")) == (4, 0)
        assert inv.invariant_violations(s) == []


async def test_move_an_lpn_whole(make_app: Callable, ui_warehouse: SmallWarehouse) -> None:
    add_stock(ui_warehouse, "A01-01-1", "PLAIN", 3, container="LPN0001")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, MoveScreen, "OPSUPERVISOR")
        await scan(pilot, "A01-01-1")
        await scan(pilot, "LPN0001")
        assert screen.step == "destination"
        assert any("PLAIN × 3" in line for line in screen._lines)
        assert "3 of LPN0001 moved" in await scan(pilot, "A02-02-2")
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("A02-02-2", "PLAIN", container="LPN0001")) == (
            3,
            0,
        )


async def test_adjust_to_a_new_quantity_then_by_a_change(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    add_stock(ui_warehouse, "A01-01-1", "PLAIN", 10)
    code = barcode(ui_warehouse, "PLAIN")
    app = make_app(sections={"adjust": {"reasons": ["broken", "found"]}})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, AdjustScreen, "OPSUPERVISOR")
        await scan(pilot, "A01-01-1")
        await scan(pilot, code)
        assert screen.step == "quantity"
        assert any("on hand 10" in line for line in screen._lines)
        await press(pilot, "7", "enter")
        assert screen.step == "reason"
        assert "Unknown reason 3" in await press(pilot, "3", "enter")
        assert "PLAIN at A01-01-1: 10 → 7 (broken)" in await press(pilot, "1", "enter")
        assert screen.step == "location"
        await scan(pilot, "A01-01-1")
        await scan(pilot, code)
        screen.handle_typed("+2")
        await settle(pilot)
        assert "7 → 9 (found)" in await press(pilot, "2", "enter")
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("A01-01-1", "PLAIN")) == (9, 0)
        assert [e.details["reason"] for e in audit.entries(s, action=audit.STOCK_ADJUST)] == [
            "found",
            "broken",
        ]
        assert inv.invariant_violations(s) == []
