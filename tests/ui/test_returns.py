"""Pilot: a return through the screen: wrong item, restock to a location, quarantine, scrap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Static

from floor import inventory as inv
from floor.db import session_scope
from floor.screens.returns import ReturnsScreen
from tests.support import SmallWarehouse, add_shipped_order, barcode
from tests.ui.conftest import log_in, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((40, 16), id="40x16")]


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def scan(pilot: Any, raw: str) -> str:
    pilot.app.inject_scan(raw)
    await settle(pilot)
    return text_of(pilot.app, "#feedback")


async def press(pilot: Any, key: str) -> str:
    await pilot.press(key)
    await settle(pilot)
    return text_of(pilot.app, "#feedback")


async def _open(pilot: Any) -> ReturnsScreen:
    await log_in(pilot, "OPRECEIVER")
    screen = pilot.app.open_flow(ReturnsScreen)
    await settle(pilot)
    await scan(pilot, "SO100")
    assert screen.step == "item"
    return screen


async def test_return_with_each_disposition(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_shipped_order(wh, "SO100", [("PLAIN", 5)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await scan(pilot, barcode(wh, "SER"))
        assert "not on order SO100" in await press(pilot, "f3")  # wrong item refused
        await scan(pilot, "CMD:QTY:2")
        await scan(pilot, barcode(wh, "PLAIN"))
        await press(pilot, "f2")
        assert screen.step == "location"
        assert "restock at A01-01-1" in await scan(pilot, "A01-01-1")
        await scan(pilot, barcode(wh, "PLAIN"))
        assert "quarantine at QUA-01" in await press(pilot, "f3")
        await scan(pilot, barcode(wh, "PLAIN"))
        assert "scrap" in await press(pilot, "f4")
        assert "4/5" in text_of(app, "#body")
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("A01-01-1", "PLAIN")) == (2, 0)
        assert inv.balance_of(s, wh.key("QUA-01", "PLAIN")) == (1, 0)
        assert inv.invariant_violations(s) == []


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_returns(
    snap_compare: Callable, make_app: Callable, ui_warehouse: SmallWarehouse, size: Any
) -> None:
    add_shipped_order(ui_warehouse, "SO100", [("PLAIN", 5), ("LOT", 2)])

    async def at_item(pilot: Any) -> None:
        await _open(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=at_item)
