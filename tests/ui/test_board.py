"""Pilot: the supervisor board shows what other stations do within 2 s, stations going
offline, and its actions (release, hold, cancel, give a cart, approve a count, reprint)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from floor.db import session_scope
from floor.models import PrintJob, Task, Wave
from floor.screens.board import BoardScreen
from tests.board_support import beat, pick_next, released_wave, start_cart
from tests.support import SmallWarehouse
from tests.ui.conftest import open_flow, press, text_of


def board_text(app: Any) -> str:
    return "\n".join(
        str(app.screen.query_one(f"#{part}").render())
        for part in ("summary", "waves", "people", "exceptions", "alerts")
    )


async def until(pilot: Any, condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    """True once `condition()` holds, looking every 50 ms for at most `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def test_picks_at_another_station_show_within_2_s(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    code = released_wave(ui_warehouse, orders=3)
    picker = ui_warehouse.operators["picker"]
    beat(ui_warehouse, "ST02", picker)
    start_cart(ui_warehouse, picker)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await open_flow(pilot, BoardScreen, "OPSUPERVISOR")
        assert await until(pilot, lambda: "lines 0/3" in board_text(app))
        for picked in (1, 2):
            # a second station confirms a pick through the services, from its own thread
            worker = threading.Thread(target=pick_next, args=(ui_warehouse, picker))
            worker.start()
            await asyncio.get_running_loop().run_in_executor(None, worker.join)
            assert await until(pilot, lambda p=picked: f"lines {p}/3" in board_text(app)), (
                board_text(app)
            )
        text = board_text(app)
        assert code in text and "Picker Tester" in text and f"cart {code}-C0001 (1)" in text


async def test_a_station_that_stops_reporting_shows_offline(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    stop = threading.Event()

    def station_st09() -> None:  # another station, reporting in until it stops
        while not stop.is_set():
            beat(ui_warehouse, "ST09", ui_warehouse.operators["picker"])
            stop.wait(0.2)

    reporting = threading.Thread(target=station_st09)
    reporting.start()
    try:
        app = make_app(sections={"board": {"offline_after_seconds": 3.0}})
        async with app.run_test(size=(80, 24)) as pilot:
            await open_flow(pilot, BoardScreen, "OPSUPERVISOR")
            assert await until(pilot, lambda: "●ST09" in board_text(app), 4.0)
            assert "offline" not in board_text(app)
            stop.set()
            reporting.join()
            # ST09 sends no more heartbeats: within a few refreshes it is offline
            assert await until(pilot, lambda: "Station ST09 offline" in board_text(app), 10.0)
            assert "○ST09" in board_text(app)
    finally:
        stop.set()
        reporting.join()


async def test_release_hold_and_cancel_from_the_board(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    from tests.support import add_sales_order, add_stock

    add_stock(ui_warehouse, "A01-01-1", "PLAIN", 10)
    add_sales_order(ui_warehouse, "SO1", [("PLAIN", 2)])
    with session_scope(ui_warehouse.engine) as s:
        from floor.outbound.waves import WaveRules, build_wave

        code = build_wave(s, ui_warehouse.warehouse_id, WaveRules()).code
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, BoardScreen, "OPSUPERVISOR")
        assert await until(pilot, lambda: code[-12:] in board_text(app))
        assert "released: 1 pick" in await press(pilot, "f2")
        assert "held" in await press(pilot, "f3")
        assert "F4 again" in await press(pilot, "f4")
        assert "cancelled" in await press(pilot, "f4")
    with session_scope(ui_warehouse.engine) as s:
        assert s.scalars(select(Wave.status)).one() == "cancelled"


async def test_give_a_cart_approve_a_count_and_reprint_from_the_board(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    from floor.stock import counting
    from floor.stock.count_scheduling import create_count_tasks_by_location
    from floor.stock.ledger import Actor
    from tests.support import add_stock

    wh = ui_warehouse
    released_wave(wh, orders=1)
    picker = wh.operators["picker"]
    start_cart(wh, picker)
    beat(wh, "ST02", picker)
    add_stock(wh, "A02-01-1", "PLAIN", 100)
    sup = Actor(wh.operators["supervisor"])
    with session_scope(wh.engine) as s:
        create_count_tasks_by_location(s, [wh.locations["A02-01-1"]], actor=sup)
    for counter in (Actor(wh.operators["counter"]), sup):
        with session_scope(wh.engine) as s:
            task = counting.next_count_task(s, wh.warehouse_id, actor=counter)
            assert task is not None
            counting.submit_count(s, task.task_id, 70, actor=counter)
    with session_scope(wh.engine) as s:
        s.add(
            PrintJob(
                job_key="J1",
                station="ST02",
                template="tote",
                status="failed",
                reference="SO1",
                last_error="paper out",
            )
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, BoardScreen, "OPSUPERVISOR")
        assert await until(pilot, lambda: "Picker Tester" in board_text(app))
        await press(pilot, "right", "down")  # stations and pickers: ST01 (here), ST02
        assert "Give cart" in await press(pilot, "f2")
        for char in "OPADMIN":
            await pilot.press(char)
            await pilot.pause(0.07)  # typed, not a scanner burst
        assert "given to Admin Tester" in await press(pilot, "enter")
        await press(pilot, "right")  # exceptions: the variance first, then the failed label
        assert await until(pilot, lambda: "Count at A02-01-1" in board_text(app))
        assert "approved" in await press(pilot, "f2")
        assert await until(pilot, lambda: "Count at A02-01-1" not in board_text(app))
        assert "sent again to station ST02" in await press(pilot, "f2")
        assert "Esc" in text_of(app, "#hints")
    with session_scope(wh.engine) as s:
        assert set(s.scalars(select(Task.assignee_id).where(Task.kind == "pick"))) == {
            wh.operators["admin"]
        }
        assert s.scalars(select(PrintJob.status)).one() == "waiting"
