"""Pilot: the supervisor's waves screen builds waves by rules (keyboard only), releases,
holds and cancels them, and shows their progress live."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from floor.db import session_scope
from floor.models import Balance, SalesOrder, Wave
from floor.screens.waves import WavesScreen
from tests.support import SmallWarehouse, add_sales_order, add_stock
from tests.ui.conftest import open_flow, press, scan, settle, text_of


def _orders(wh: SmallWarehouse) -> None:
    add_stock(wh, "A01-01-1", "PLAIN", 5)
    add_sales_order(wh, "SO1", [("PLAIN", 2)])
    add_sales_order(wh, "SO2", [("PLAIN", 4)])


async def type_in(pilot: Any, text: str) -> None:
    """Key `text` and Enter the way a person types (gaps longer than a scanner burst)."""
    for char in text:
        await pilot.press("space" if char == " " else char)
        await pilot.pause(0.07)
    await pilot.press("enter")
    await settle(pilot)


async def _build_and_release(pilot: Any) -> None:
    await open_flow(pilot, WavesScreen, "OPSUPERVISOR")
    await press(pilot, "f4")  # the rules form; no rule set: every open order
    assert "built: 2 orders" in await press(pilot, "f2")
    await press(pilot, "f2")


async def test_build_release_hold_cancel(make_app: Callable, ui_warehouse: SmallWarehouse) -> None:
    _orders(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _build_and_release(pilot)
        assert "released: 2 picks, 1 cart, 1 line short" in text_of(app, "#feedback")
        assert "released" in text_of(app, "#body") and "2 orders" in text_of(app, "#body")
        assert "held" in await press(pilot, "f3")
        assert "Scan cancel again" in await scan(pilot, "CMD:CANCEL")
        assert "cancelled" in await scan(pilot, "CMD:CANCEL")
    with session_scope(ui_warehouse.engine) as s:
        assert s.scalars(select(Wave.status)).one() == "cancelled"
        assert s.scalar(select(func.sum(Balance.reserved))) == 0


async def test_a_picker_cannot_release(make_app: Callable, ui_warehouse: SmallWarehouse) -> None:
    _orders(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        # picker: the screen is not in the menu, and the service refuses
        await open_flow(pilot, WavesScreen, "OPPICKER")
        assert "needs the role supervisor" in await press(pilot, "f4", "f2")


def _rules_orders(wh: SmallWarehouse) -> None:
    add_stock(wh, "A01-01-1", "PLAIN", 50)
    add_sales_order(wh, "SO1", [("PLAIN", 1)], carrier="UPS", priority=9)
    add_sales_order(wh, "SO2", [("PLAIN", 1)], carrier="UPS", priority=2)
    add_sales_order(wh, "SO3", [("PLAIN", 1)], carrier="DHL", priority=9)
    add_sales_order(wh, "SO4", [("PLAIN", 1), ("PLAIN", 2)], carrier="UPS", priority=8)


def _wave_orders(wh: SmallWarehouse) -> list[str]:
    with session_scope(wh.engine) as s:
        return list(
            s.scalars(
                select(SalesOrder.number)
                .where(SalesOrder.wave_id.is_not(None))
                .order_by(SalesOrder.number)
            )
        )


async def test_rules_form_by_keyboard_builds_a_wave_of_the_matching_orders(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    _rules_orders(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, WavesScreen, "OPSUPERVISOR")
        await press(pilot, "f4")
        assert "Wave rules: Carrier" in text_of(app, "#prompt")
        assert "like UPS" in text_of(app, "#detail")
        await type_in(pilot, "UPS")  # carrier; the cursor moves on to cut-off
        assert "Carrier: UPS" in text_of(app, "#feedback")
        assert "Cut-off before" in text_of(app, "#prompt")
        await type_in(pilot, "tomorrow")
        feedback = text_of(app, "#feedback")
        assert "Cut-off before: tomorrow is not valid" in feedback
        assert "Expected: a date and time like 2026-06-01 15:00" in feedback
        assert "Cut-off before" in text_of(app, "#prompt")  # stays on the wrong field
        await press(pilot, "down")
        await type_in(pilot, "x5")
        assert "Expected: a whole number" in text_of(app, "#feedback")
        await type_in(pilot, "5")
        assert "Min priority: 5" in text_of(app, "#feedback")
        for _ in range(3):  # from ship-by: zone, max orders, max lines
            await pilot.press("down")
        await settle(pilot)
        assert "Max lines" in text_of(app, "#prompt")
        await type_in(pilot, "0")
        assert "Max lines: 0 is not valid\nExpected: a whole number above zero" in text_of(
            app, "#feedback"
        )
        await type_in(pilot, "2")
        body = text_of(app, "#body")
        assert "UPS" in body and "5" in body and "Max lines" in body
        assert "built: 1 order" in await press(pilot, "f2")  # SO4 has 2 lines: cap 2
        assert "planned" in text_of(app, "#body")
    assert _wave_orders(ui_warehouse) == ["SO1"]


async def test_rules_form_delete_clears_a_rule_and_a_bad_zone_is_named(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    _rules_orders(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, WavesScreen, "OPSUPERVISOR")
        await pilot.press("f4")
        await type_in(pilot, "DHL")
        await press(pilot, "up", "delete")  # back on carrier, cleared
        assert "DHL" not in text_of(app, "#body")
        for _ in range(4):
            await pilot.press("down")
        await settle(pilot)
        assert "Zone" in text_of(app, "#prompt")
        await scan(pilot, "NOPE")  # a value scanned into the form fills the chosen rule
        feedback = await press(pilot, "f2")
        assert "No zone NOPE in this warehouse" in feedback
        assert "a zone code of this warehouse" in feedback
        await press(pilot, "escape")  # back to the list, nothing built
        assert "No waves yet" in text_of(app, "#body")
    assert _wave_orders(ui_warehouse) == []


async def test_live_status_shows_picked_lines_without_a_key(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    from floor.models import Task

    _planned(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _release(pilot)
        assert "0/2 lines" in text_of(app, "#body")
        with session_scope(ui_warehouse.engine) as s:  # a picker finishes one line
            task = s.scalars(select(Task).order_by(Task.id)).first()
            assert task is not None
            task.status, task.quantity_done = "done", task.quantity
        screen = app.screen
        assert isinstance(screen, WavesScreen)
        screen.refresh_status()  # what the timer calls every few seconds
        await settle(pilot)
        assert "1/2 lines" in text_of(app, "#body")
        assert "released" in text_of(app, "#feedback")  # the refresh left the feedback alone


def _planned(wh: SmallWarehouse) -> None:
    """A wave with a fixed code (built codes carry today's date)."""
    from floor.outbound.waves import WaveRules, build_wave

    _orders(wh)
    with session_scope(wh.engine) as s:
        build_wave(s, wh.warehouse_id, WaveRules(), code="W-SNAP-001")


async def _release(pilot: Any) -> None:
    await open_flow(pilot, WavesScreen, "OPSUPERVISOR")
    await press(pilot, "f2")


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


async def _rules_form(pilot: Any) -> None:
    await open_flow(pilot, WavesScreen, "OPSUPERVISOR")
    await press(pilot, "f4")
    await type_in(pilot, "UPS")
    await pilot.press("down")
    await type_in(pilot, "x")  # rejected: the snapshot shows what was expected


def test_snapshot_wave_rules_80x24(
    snap_compare: Callable, ui_warehouse: SmallWarehouse, make_app: Callable
) -> None:
    _orders(ui_warehouse)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_rules_form)


def test_snapshot_wave_rules_40x16(
    snap_compare: Callable, ui_warehouse: SmallWarehouse, make_app: Callable
) -> None:
    _orders(ui_warehouse)
    assert snap_compare(make_app(), terminal_size=(40, 16), run_before=_rules_form)
