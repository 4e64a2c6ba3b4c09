"""Pilot: a blind count through the screen: wrong location, wrong item, count, recovery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from floor.db import session_scope, transaction
from floor.screens.counting import CountingScreen
from floor.stock import count_scheduling as cs
from floor.stock import counting as ct
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_stock, barcode
from tests.ui.conftest import SIZES, gs1, open_flow, press, resume_flow, scan, speaks, text_of

EXP = dt.date(2049, 12, 31)


def _count_task(wh: SmallWarehouse) -> None:
    add_stock(wh, "A01-02-1", "PLAIN", 100)
    boss = Actor(wh.operators["supervisor"], "ST01")
    transaction(
        wh.engine,
        lambda s: cs.create_count_tasks_by_location(s, [wh.locations["A01-02-1"]], actor=boss),
    )


async def test_blind_count_with_wrong_scans(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    _count_task(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, CountingScreen, "OPCOUNTER")
        assert screen.step == "location" and "100" not in text_of(app, "#body")
        assert "expected A01-02-1" in await scan(pilot, "A01-03-1")
        await scan(pilot, "A01-02-1")
        assert screen.step == "item"
        assert "expected PLAIN" in await scan(pilot, barcode(ui_warehouse, "LOT"))
        await scan(pilot, barcode(ui_warehouse, "PLAIN"))
        assert screen.step == "quantity" and "100" not in text_of(app, "#prompt")
        assert "stock corrected" in await scan(pilot, "CMD:QTY:98")
        assert screen.step == "idle" and "No counts waiting" in text_of(app, "#prompt")
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("A01-02-1", "PLAIN")) == (98, 0)


async def test_count_resumes_at_the_same_step(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    _count_task(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, CountingScreen, "OPCOUNTER")
        await scan(pilot, "A01-02-1")
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await resume_flow(pilot, CountingScreen, "OPCOUNTER")
        assert screen.step == "item"


async def test_extra_item_found_during_a_count(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    _count_task(wh)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, CountingScreen, "OPCOUNTER")
        first = screen.count.task_id  # type: ignore[union-attr]
        await scan(pilot, "A01-02-1")
        found = gs1(wh, "LOT", "L5", EXP)
        assert "expected PLAIN" in await scan(pilot, found)
        assert app.screen.query_one("#feedback").kind == "rejected"
        assert "F2 count LOT as an extra item" in text_of(app, "#detail")
        feedback = await press(pilot, "f2")
        assert screen.step == "quantity" and screen.count.sku == "LOT"  # type: ignore[union-attr]
        assert "Extra item LOT" in feedback
        assert "a supervisor will review it" in await scan(pilot, "CMD:QTY:3")
        assert screen.count.task_id == first and screen.step == "item"  # type: ignore[union-attr]
        await scan(pilot, barcode(wh, "PLAIN"))
        assert "Count recorded" in await scan(pilot, "CMD:QTY:100")
    with session_scope(wh.engine) as s:
        assert inv.on_hand(s, wh.items["LOT"]) == 0  # not before a supervisor approves
        [pending] = ct.pending_approvals(s, wh.warehouse_id)
        assert (pending["sku"], pending["lot"], pending["variance"]) == ("LOT", "L5", 3)


async def test_french_counter_sees_the_count_prompts_in_french(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    # The new ADPR strings have no translation yet; these prompts are in floor.po.
    speaks(ui_warehouse, "OPCOUNTER", "fr")
    _count_task(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, CountingScreen, "OPCOUNTER")
        assert app.station.language == "fr"
        assert text_of(app, "#title") == "Inventaire tournant"
        assert "Allez en A01-02-1, scannez l'emplacement" in text_of(app, "#prompt")
        await scan(pilot, "A01-02-1")
        await scan(pilot, barcode(ui_warehouse, "PLAIN"))
        assert "Tapez la quantité comptée" in text_of(app, "#prompt")


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_counting(
    snap_compare: Callable, make_app: Callable, ui_warehouse: SmallWarehouse, size: Any
) -> None:
    _count_task(ui_warehouse)

    async def at_location(pilot: Any) -> None:
        await open_flow(pilot, CountingScreen, "OPCOUNTER")

    assert snap_compare(make_app(), terminal_size=size, run_before=at_location)
