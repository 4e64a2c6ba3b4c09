"""Pilot: import orders, build and release a wave, pick it through the picking screen.

Includes a short pick, a wrong location, a wrong lot and a wrong tote; at the end stock,
reservations and the ledger agree. Snapshots of the screen at 80x24 and 40x16.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from floor.db import session_scope
from floor.imports.runner import run_import
from floor.models import Balance, SalesOrder, SalesOrderLine, Task
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.screens.picking import PickingScreen
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_cart, add_stock, barcode
from tests.ui.conftest import gs1, open_flow, press, resume_flow, scan, settle, text_of

EXP = dt.date(2031, 1, 1)
ORDERS_CSV = """order,external_ref,sku,quantity,carrier,priority
SO-1,WEB-1,PLAIN,2,UPS,9
SO-1,WEB-1,LOT,1,,
SO-2,WEB-2,PLAIN,2,UPS,5
"""


def _wave(wh: SmallWarehouse, tmp_path: Path) -> str:
    add_stock(wh, "A01-01-1", "PLAIN", 3)  # 4 wanted: SO-2 is allocated 1 (partial)
    add_stock(wh, "A02-02-1", "LOT", 10, lot="L1", expiry=EXP)
    add_stock(wh, "A02-02-1", "LOT", 10, lot="L9", expiry=EXP + dt.timedelta(days=30))
    add_cart(wh, "CART01")
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS_CSV, encoding="utf-8")
    run_import(wh.engine, "orders", path, warehouse="TST")
    boss = Actor(wh.operators["supervisor"], "ST01")
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules(carrier="UPS"), boss)
        release_wave(s, wave.id, boss, cart_size=4)
        return wave.code


async def _start_cart(pilot: Any) -> PickingScreen:
    screen = await open_flow(pilot, PickingScreen, "OPPICKER")
    await scan(pilot, "CART01")
    assert "Scan a tote for slot 1" in text_of(pilot.app, "#prompt")
    await scan(pilot, "TOTE01")
    await scan(pilot, "TOTE02")
    return screen


async def test_pick_a_wave_with_short_pick_and_wrong_scans(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = ui_warehouse
    _wave(wh, tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start_cart(pilot)
        seen_lot = seen_short = False
        for _ in range(10):
            pick = screen.pick
            if pick is None:
                break
            assert screen.step == "location"
            assert pick.location in text_of(app, "#body") and pick.tote in text_of(app, "#body")
            assert f"go to {pick.location}" in await scan(pilot, "A01-03-1")  # wrong location
            await scan(pilot, pick.location)
            assert screen.step == "item"
            if pick.sku == "LOT":
                feedback = await scan(pilot, gs1(wh, "LOT", "L9", EXP + dt.timedelta(days=30)))
                assert "expected lot L1" in feedback and screen.step == "item"
                await scan(pilot, gs1(wh, "LOT", "L1", EXP))
                seen_lot = True
            else:
                await scan(pilot, barcode(wh, pick.sku))
            assert screen.step == "quantity"
            if pick.sku == "PLAIN" and not seen_short:
                seen_short = True
                await pilot.press("f3")
                await pilot.pause()
                assert screen.step == "short_quantity"
                await pilot.press("1")
                await pilot.pause(0.2)
                await press(pilot, "enter")
                assert screen.step == "short_drop"
                assert "Short recorded (BIDP)" in await scan(pilot, pick.tote)
                continue
            await scan(pilot, f"CMD:QTY:{pick.remaining}")
            assert screen.step == "drop"
            wrong = "TOTE02" if pick.tote == "TOTE01" else "TOTE01"
            assert f"put it in {pick.tote}" in await scan(pilot, wrong)
            await scan(pilot, pick.tote)
        assert seen_lot and seen_short and screen.pick is None
        assert "Cart done" in text_of(app, "#feedback")
        assert screen.step == "cart"
    with session_scope(wh.engine) as s:
        assert inv.invariant_violations(s) == []
        # nothing left reserved; every allocated unit is in a tote or was shorted
        assert s.scalar(select(func.sum(Balance.reserved))) == 0
        in_totes = s.scalar(
            select(func.sum(Balance.quantity)).where(Balance.container_id.is_not(None))
        )
        picked = s.scalar(select(func.sum(SalesOrderLine.quantity_picked)))
        assert in_totes == picked == 3  # PLAIN 1 short of 3 allocated, plus LOT 1
        assert inv.on_hand(s, wh.items["PLAIN"]) == 3
        assert set(s.scalars(select(SalesOrder.status))) == {"picked"}
        assert s.scalar(select(func.count()).select_from(Task).where(Task.kind == "count")) == 1


async def test_picking_resumes_after_logout_at_the_same_pick(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    _wave(ui_warehouse, tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start_cart(pilot)
        first = screen.pick
        assert first is not None
        await scan(pilot, first.location)
        assert screen.step == "item"
        app.log_out()
        await settle(pilot)
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await resume_flow(pilot, PickingScreen, "OPPICKER")
        assert screen.pick is not None and screen.pick.task_id == first.task_id
        assert screen.step == "item"


async def _pick_screen_for_snapshot(pilot: Any) -> None:
    await _start_cart(pilot)


def test_snapshot_picking_80x24(
    snap_compare: Callable, ui_warehouse: SmallWarehouse, make_app: Callable, tmp_path: Path
) -> None:
    _wave(ui_warehouse, tmp_path)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_pick_screen_for_snapshot)


def test_snapshot_picking_40x16(
    snap_compare: Callable, ui_warehouse: SmallWarehouse, make_app: Callable, tmp_path: Path
) -> None:
    _wave(ui_warehouse, tmp_path)
    assert snap_compare(make_app(), terminal_size=(40, 16), run_before=_pick_screen_for_snapshot)
