"""Pilot: codes, lots, dates and quantities keyed by hand, whatever the key timing.

The station's clock is injected (`app.clock`), so a slow, irregular typist and a loaded
station (keys read in one batch) are the same run every time; nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from floor.db import session_scope
from floor.screens.receiving import ReceivingScreen
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_purchase_order, barcode
from tests.ui.conftest import open_flow, scan, settle, text_of

EXP = dt.date(2027, 6, 30)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


KEY_NAMES = {"\r": "enter", "-": "minus", "*": "asterisk"}


async def type_keys(pilot: Any, clock: Clock, keys: str, gaps: Iterable[float]) -> None:
    """Press `keys` one by one, `gaps` seconds apart on the station's clock; the app's flush
    timer runs between keys as it would (it ticks every 0.1 s of that clock)."""
    app = pilot.app
    for char, gap in zip(keys, gaps, strict=True):
        for _ in range(int(gap / 0.1)):  # the flush timer's ticks during the gap
            clock.now += 0.1
            app._flush_typing()
        clock.now += gap % 0.1
        app._flush_typing()
        await pilot.press(KEY_NAMES.get(char, char))
    await settle(pilot)


async def _at_expiry_step(pilot: Any, wh: SmallWarehouse) -> ReceivingScreen:
    screen = await open_flow(pilot, ReceivingScreen, "OPRECEIVER")
    await scan(pilot, "PO1001")
    await scan(pilot, "CMD:QTY:2")
    await scan(pilot, barcode(wh, "LOT"))
    await scan(pilot, "L77")  # the lot, from a plain label
    assert screen.step == "expiry"
    return screen


async def test_a_slow_irregular_typist_keys_a_date_whole(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """Gaps around the 50 ms burst threshold, the last six keys fast: once the entry was
    cut there and "-06-30" read as a scan ("got -06-30")."""
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("LOT", 6)])
    app = make_app()
    clock = Clock()
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _at_expiry_step(pilot, wh)
        gaps = [0.3, 0.04, 0.08, 0.03, 0.07, 0.02, 0.01, 0.02, 0.01, 0.02, 0.01]
        await type_keys(pilot, clock, "2027-06-30\r", gaps)
        assert "2 x LOT received to DOCK-01" in text_of(app, "#feedback")
        assert screen.step == "item"
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L77", EXP)) == (2, 0)


async def test_a_date_keyed_on_a_loaded_station_is_read_whole(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """Typed at a person's pace, but the busy station read the last keys in one batch:
    they all carry the same time, like a scanner's burst."""
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("LOT", 6)])
    app = make_app()
    clock = Clock()
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_expiry_step(pilot, wh)
        await type_keys(pilot, clock, "2027", [0.4, 0.25, 0.3, 0.2])
        await type_keys(pilot, clock, "-06-30\r", [0.0] * 7)  # one batch
        assert "2 x LOT received to DOCK-01" in text_of(app, "#feedback")
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L77", EXP)) == (2, 0)
