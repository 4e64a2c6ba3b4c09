"""Pilot: the supervisor's waves screen builds, releases, holds and cancels waves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from textual.widgets import Static

from floor.db import session_scope
from floor.models import Balance, Wave
from floor.screens.waves import WavesScreen
from tests.support import SmallWarehouse, add_sales_order, add_stock
from tests.ui.conftest import log_in, settle


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _orders(wh: SmallWarehouse) -> None:
    add_stock(wh, "A01-01-1", "PLAIN", 5)
    add_sales_order(wh, "SO1", [("PLAIN", 2)])
    add_sales_order(wh, "SO2", [("PLAIN", 4)])


async def _build_and_release(pilot: Any) -> None:
    app = pilot.app
    await log_in(pilot, "OPSUPERVISOR")
    app.open_flow(WavesScreen)
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)


async def test_build_release_hold_cancel(make_app: Callable, ui_warehouse: SmallWarehouse) -> None:
    _orders(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _build_and_release(pilot)
        assert "released: 2 picks in 1 carts, 1 lines short" in text_of(app, "#feedback")
        assert "released" in text_of(app, "#body") and "2 orders" in text_of(app, "#body")
        await pilot.press("f3")
        await settle(pilot)
        assert "held" in text_of(app, "#feedback")
        app.inject_scan("CMD:CANCEL")
        await settle(pilot)
        assert "Scan cancel again" in text_of(app, "#feedback")
        app.inject_scan("CMD:CANCEL")
        await settle(pilot)
        assert "cancelled" in text_of(app, "#feedback")
    with session_scope(ui_warehouse.engine) as s:
        assert s.scalars(select(Wave.status)).one() == "cancelled"
        assert s.scalar(select(func.sum(Balance.reserved))) == 0


async def test_a_picker_cannot_release(make_app: Callable, ui_warehouse: SmallWarehouse) -> None:
    _orders(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)  # picker: the screen is not in the menu, and the service refuses
        app.open_flow(WavesScreen)
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert "needs the role supervisor" in text_of(app, "#feedback")


def _planned(wh: SmallWarehouse) -> None:
    """A wave with a fixed code (built codes carry today's date)."""
    from floor.waves import WaveRules, build_wave

    _orders(wh)
    with session_scope(wh.engine) as s:
        build_wave(s, wh.warehouse_id, WaveRules(), code="W-SNAP-001")


async def _release(pilot: Any) -> None:
    await log_in(pilot, "OPSUPERVISOR")
    pilot.app.open_flow(WavesScreen)
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)


def test_snapshot_waves_80x24(
    snap_compare: Callable, ui_warehouse: SmallWarehouse, make_app: Callable
) -> None:
    _planned(ui_warehouse)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_release)


def test_snapshot_waves_40x16(
    snap_compare: Callable, ui_warehouse: SmallWarehouse, make_app: Callable
) -> None:
    _planned(ui_warehouse)
    assert snap_compare(make_app(), terminal_size=(40, 16), run_before=_release)
