"""Pilot: a return through the screen: wrong item, restock to a location, quarantine, scrap;
return authorization by scan and by keyboard; recovery after restart; Serbian operator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.inbound import returns as rt
from floor.models import ReturnLine
from floor.screens.returns import ReturnsScreen
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_shipped_order, barcode
from tests.ui.conftest import SIZES, open_flow, press, resume_flow, scan, speaks, text_of


async def _open(pilot: Any) -> ReturnsScreen:
    screen = await open_flow(pilot, ReturnsScreen, "OPRECEIVER")
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


def _authorize(wh: SmallWarehouse, number: str) -> str:
    boss = Actor(wh.operators["supervisor"], "ST01")
    return transaction(wh.engine, lambda s: rt.authorize_return(s, number, actor=boss)).number


async def test_scanning_a_return_authorization_finds_the_order(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_shipped_order(wh, "SO100", [("PLAIN", 5)])
    ra = _authorize(wh, "SO100")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, ReturnsScreen, "OPRECEIVER")
        assert "RA9999999" in await scan(pilot, "RA9999999")  # unknown RA: refused
        assert app.screen.query_one("#feedback").kind == "rejected" and screen.step == "order"
        assert f"{ra}: order SO100" in await scan(pilot, ra)
        assert screen.step == "item" and f"SO100  {ra}" in text_of(app, "#body")
        await scan(pilot, barcode(wh, "PLAIN"))
        assert "quarantine at QUA-01" in await press(pilot, "f3")
        await press(pilot, "f5")
        assert screen.step == "order"
        for key in ra:  # keyed by hand instead of scanned
            await pilot.press(key)
        await press(pilot, "enter")
        assert screen.step == "item" and screen.order.authorization == ra  # type: ignore[union-attr]
    with session_scope(wh.engine) as s:
        assert s.scalars(select(ReturnLine.authorization)).all() == [ra]


async def test_returns_resume_at_the_disposition_after_restart(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_shipped_order(wh, "SO100", [("PLAIN", 5)])
    ra = _authorize(wh, "SO100")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, ReturnsScreen, "OPRECEIVER")
        await scan(pilot, ra)
        await scan(pilot, "CMD:QTY:2")
        await scan(pilot, barcode(wh, "PLAIN"))
        assert app.screen.step == "disposition"  # type: ignore[attr-defined]
    again = make_app()  # the station restarts before the disposition is chosen
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await resume_flow(pilot, ReturnsScreen, "OPRECEIVER")
        assert screen.step == "disposition"
        assert screen.order is not None and screen.order.authorization == ra
        assert "0/5" in text_of(again, "#body")
        assert "2 x PLAIN: scrap" in await press(pilot, "f4")
        assert "2/5" in text_of(again, "#body")
    with session_scope(wh.engine) as s:
        assert s.scalars(select(ReturnLine.quantity)).all() == [2]


async def test_serbian_operator_sees_the_returns_prompts_in_serbian(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    # New RA strings have no translation yet; these prompts are in floor.po (sr).
    speaks(ui_warehouse, "OPRECEIVER", "sr")
    add_shipped_order(ui_warehouse, "SO100", [("PLAIN", 5)])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, ReturnsScreen, "OPRECEIVER")
        assert app.station.language == "sr"
        assert "Скенирајте поруџбину" in text_of(app, "#prompt")
        await scan(pilot, "SO100")
        assert "Скенирајте враћени артикал" in text_of(app, "#prompt")
        await scan(pilot, barcode(ui_warehouse, "PLAIN"))
        assert "Одлука?" in text_of(app, "#prompt")


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_returns(
    snap_compare: Callable, make_app: Callable, ui_warehouse: SmallWarehouse, size: Any
) -> None:
    add_shipped_order(ui_warehouse, "SO100", [("PLAIN", 5), ("LOT", 2)])

    async def at_item(pilot: Any) -> None:
        await _open(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=at_item)
