"""Pilot: put-away through the screen: wrong location, check digits, override without and
with permission, recovery after restart; snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from floor.db import session_scope, transaction
from floor.gs1 import location_check_digits
from floor.inbound import receiving as rc
from floor.screens.putaway import PutawayScreen
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, barcode
from tests.ui.conftest import SIZES, label, open_flow, resume_flow, scan, speaks, text_of


def _received(wh: SmallWarehouse, quantity: int = 6) -> str:
    code = barcode(wh, "PLAIN")
    actor = Actor(wh.operators["receiver"], "ST01")

    def work(s: Any) -> None:
        receipt = rc.open_receipt(s, warehouse_id=wh.warehouse_id, actor=actor)
        rc.receive_scan(s, receipt.receipt_id, barcode=code, quantity=quantity, actor=actor)

    transaction(wh.engine, work)
    return code


async def _start(pilot: Any, code: str, badge: str = "OPRECEIVER") -> PutawayScreen:
    screen = await open_flow(pilot, PutawayScreen, badge)
    assert "Take it to A01-01-2" in await scan(pilot, code)
    return screen


async def _override_to(pilot: Any, screen: PutawayScreen, location: str) -> str:
    """F3, reason 1, then scan `location` as the new destination: its feedback."""
    await pilot.press("f3")
    await pilot.pause()
    assert screen.step == "reason"
    await scan(pilot, "CMD:QTY:1")
    assert screen.step == "override"
    return await scan(pilot, location)


async def test_putaway_wrong_location_then_check_digits(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    code = _received(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot, code)
        assert "A01-01-2" in text_of(app, "#prompt")
        feedback = await scan(pilot, "A02-01-2")
        assert "expected A01-01-2" in feedback and screen.step == "destination"
        assert "6 put away at A01-01-2" in await scan(pilot, location_check_digits("A01-01-2"))
        assert screen.step == "source"
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("A01-01-2", "PLAIN")) == (6, 0)


async def test_override_without_permission_then_with(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    code = _received(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot, code)
        assert "supervisor" in await _override_to(pilot, screen, "A02-02-2")
        assert screen.step == "override"
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("DOCK-01", "PLAIN")) == (6, 0)
        from floor.models import Task

        task = s.query(Task).one()
        task.assignee_id, task.status = None, "open"  # hand it back for the supervisor
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot, code, "OPSUPERVISOR")
        assert "(CHBD)" in await _override_to(pilot, screen, label("A02-02-2"))
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("A02-02-2", "PLAIN")) == (6, 0)


async def test_putaway_resumes_after_restart(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    code = _received(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = await _start(pilot, code)
        task_id = first.current.task_id  # type: ignore[union-attr]
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await resume_flow(pilot, PutawayScreen, "OPRECEIVER")
        assert screen.step == "destination"
        assert screen.current is not None and screen.current.task_id == task_id
        assert "put away" in await scan(pilot, label("A01-01-2"))


async def test_french_receiver_puts_away_in_french(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    speaks(ui_warehouse, "OPRECEIVER", "fr")
    code = _received(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, PutawayScreen, "OPRECEIVER")
        assert app.station.language == "fr" and text_of(app, "#title") == "Rangement"
        assert "Scannez un LPN ou un article au quai" in text_of(app, "#prompt")
        assert "Portez-le en A01-01-2" in await scan(pilot, code)
        assert "Allez en A01-01-2, scannez l'emplacement" in text_of(app, "#prompt")
        assert "F3 changer de destination" in text_of(app, "#detail")
        assert "Mauvais emplacement A02-01-2 : A01-01-2 attendu" in await scan(pilot, "A02-01-2")
        assert "6 rangés en A01-01-2" in await scan(pilot, label("A01-01-2"))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_putaway(
    snap_compare: Callable, make_app: Callable, ui_warehouse: SmallWarehouse, size: Any
) -> None:
    code = _received(ui_warehouse)

    async def at_destination(pilot: Any) -> None:
        await _start(pilot, code)

    assert snap_compare(make_app(), terminal_size=size, run_before=at_destination)
