"""Pilot: a replenishment through the screen: F5 finds work, wrong source, wrong item,
check digits at the face, recovery after restart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from floor.db import session_scope
from floor.gs1 import location_check_digits
from floor.screens.replenishment import ReplenishmentScreen
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_pick_face, add_stock, barcode
from tests.ui.conftest import SIZES, label, open_flow, press, resume_flow, scan, speaks, text_of


def _setup(wh: SmallWarehouse) -> None:
    add_pick_face(wh, "A01-01-1", "PLAIN", 10, 30)
    add_stock(wh, "A02-01-2", "PLAIN", 50)


async def _open(pilot: Any) -> ReplenishmentScreen:
    screen = await open_flow(pilot, ReplenishmentScreen, "OPPICKER")
    assert screen.step == "idle"
    await press(pilot, "f5")
    assert screen.step == "source" and "A02-01-2" in text_of(pilot.app, "#prompt")
    return screen


async def test_replenish_a_face(make_app: Callable, ui_warehouse: SmallWarehouse) -> None:
    _setup(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert "expected A02-01-2" in await scan(pilot, "A02-02-2")
        await scan(pilot, label("A02-01-2"))
        assert "expected PLAIN" in await scan(pilot, barcode(ui_warehouse, "LOT"))
        await scan(pilot, barcode(ui_warehouse, "PLAIN"))
        assert screen.step == "destination"
        assert "expected A01-01-1" in await scan(pilot, "A01-02-1")
        assert "30 replenished at A01-01-1" in await scan(pilot, location_check_digits("A01-01-1"))
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("A01-01-1", "PLAIN")) == (30, 0)


async def test_replenishment_resumes_after_restart(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    _setup(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await scan(pilot, label("A02-01-2"))
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await resume_flow(pilot, ReplenishmentScreen, "OPPICKER")
        assert screen.step == "item"


async def test_replenishment_has_no_destination_override(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    _setup(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await scan(pilot, label("A02-01-2"))
        await scan(pilot, barcode(ui_warehouse, "PLAIN"))
        # F3 changes the destination in put-away; not here
        assert "not possible here" in await press(pilot, "f3")
        assert app.screen.query_one("#feedback").kind == "rejected"
        assert screen.step == "destination"
        assert "expected A01-01-1" in await scan(pilot, "A01-02-1")
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("A02-01-2", "PLAIN")) == (50, 0)


async def test_serbian_picker_replenishes_in_serbian(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    speaks(ui_warehouse, "OPPICKER", "sr")
    _setup(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, ReplenishmentScreen, "OPPICKER")
        assert app.station.language == "sr" and text_of(app, "#title") == "Допуна"
        assert "Нема допуне на чекању" in text_of(app, "#prompt")
        await press(pilot, "f5")
        assert "Идите на A02-01-2, скенирајте локацију" in text_of(app, "#prompt")
        await scan(pilot, label("A02-01-2"))
        assert "Скенирајте артикал PLAIN" in text_of(app, "#prompt")
        assert "узмите 30" in text_of(app, "#detail")
        await scan(pilot, barcode(ui_warehouse, "PLAIN"))
        assert "30 допуњено на A01-01-1" in await scan(pilot, label("A01-01-1"))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_replenishment(
    snap_compare: Callable, make_app: Callable, ui_warehouse: SmallWarehouse, size: Any
) -> None:
    _setup(ui_warehouse)
    assert snap_compare(make_app(), terminal_size=size, run_before=_open)
