"""Pilot: receiving as a new site finds it: a refusal disarms the keyed quantity, an item not
on the PO asks first, an expiry already past is refused, F5 asks before closing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from floor.db import session_scope
from floor.screens.receiving import ReceivingScreen
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_purchase_order, barcode
from tests.ui.conftest import open_flow, press, scan, text_of


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
