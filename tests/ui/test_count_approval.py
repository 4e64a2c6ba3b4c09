"""Pilot: the supervisor's count approval screen: list, choose by scan or arrow, approve with
F2, reject with F3 (a new count); a counter is refused by the service; snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.models import Task
from floor.screens import flows_for
from floor.screens.count_approval import CountApprovalScreen
from floor.stock import count_scheduling as cs
from floor.stock import counting as ct
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_stock
from tests.ui.conftest import SIZES, open_flow, press, scan, text_of


def _awaiting(wh: SmallWarehouse, counts: dict[str, int]) -> dict[str, int]:
    """A count waiting for approval at each location: 1000 on record, `counted` found."""
    boss = Actor(wh.operators["supervisor"], "ST01")
    counter = Actor(wh.operators["counter"], "ST01")
    tasks = {}
    for location, counted in counts.items():
        add_stock(wh, location, "PLAIN", 1000)

        def work(s: Any, location: str = location, counted: int = counted) -> int:
            [task_id] = cs.create_count_tasks_by_location(s, [wh.locations[location]], actor=boss)
            ct.next_count_task(s, wh.warehouse_id, actor=counter)
            assert ct.submit_count(s, task_id, counted, actor=counter).outcome == (
                "awaiting_approval"
            )
            return task_id

        tasks[location] = transaction(wh.engine, work)
    return tasks


async def test_approve_and_reject_by_key_and_by_location_scan(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    tasks = _awaiting(wh, {"A01-01-1": 970, "A01-02-1": 1030})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, CountApprovalScreen, "OPSUPERVISOR")
        body = text_of(app, "#body")
        assert "A01-01-1" in body and "-30" in body and "(1000/970)" in body
        assert "+30" in body and "A01-01-1 PLAIN: approve?" in text_of(app, "#prompt")
        assert "No count waits for approval at A02-01-1" in await scan(pilot, "A02-01-1")
        await scan(pilot, "A01-02-1")  # choose the second by its location
        assert "A01-02-1 PLAIN: approve?" in text_of(app, "#prompt")
        await press(pilot, "up")  # and back with the arrows
        assert screen.current["location"] == "A01-01-1"  # type: ignore[index]
        assert "approved, stock corrected" in await press(pilot, "f2")
        assert [r["location"] for r in screen.rows] == ["A01-02-1"]
        assert "rejected, a new count will follow" in await press(pilot, "f3")
        assert screen.rows == [] and "No counts waiting" in text_of(app, "#prompt")
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("A01-01-1", "PLAIN")) == (970, 0)
        assert inv.balance_of(s, wh.key("A01-02-1", "PLAIN")) == (1000, 0)  # rejected: as was
        statuses = dict(s.execute(select(Task.id, Task.status)).all())
        assert statuses[tasks["A01-01-1"]] == "done"
        assert statuses[tasks["A01-02-1"]] == "cancelled"
        assert sorted(statuses.values()) == ["cancelled", "done", "open"]  # the new count
        assert inv.invariant_violations(s) == []


async def test_a_counter_cannot_see_or_approve_counts(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    _awaiting(wh, {"A01-01-1": 970})
    assert CountApprovalScreen not in flows_for(["counter"])
    assert CountApprovalScreen in flows_for(["supervisor"])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        # opened anyway: the service refuses
        screen = await open_flow(pilot, CountApprovalScreen, "OPCOUNTER")
        assert "may not do this" in text_of(app, "#feedback")
        assert screen.rows == [] and "1000" not in text_of(app, "#body")
        assert "No counts waiting for approval" in await press(pilot, "f2")
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("A01-01-1", "PLAIN")) == (1000, 0)
        assert s.scalars(select(Task.status)).all() == ["awaiting_approval"]


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_count_approval(
    snap_compare: Callable, make_app: Callable, ui_warehouse: SmallWarehouse, size: Any
) -> None:
    _awaiting(ui_warehouse, {"A01-01-1": 970, "A01-02-1": 1030})

    async def listed(pilot: Any) -> None:
        await open_flow(pilot, CountApprovalScreen, "OPSUPERVISOR")

    assert snap_compare(make_app(), terminal_size=size, run_before=listed)
