"""Pilot: put-away as a new site finds it: the check digits at a directed location (keyed
after the rack label's bare code, or scanned with it; off by `[putaway]`), an LPN's contents,
what waits at the dock; replenishment's locations likewise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from floor.db import session_scope, transaction
from floor.gs1 import location_check_digits
from floor.inbound import receiving as rc
from floor.screens.putaway import PutawayScreen
from floor.screens.replenishment import ReplenishmentScreen
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_pick_face, add_stock, barcode
from tests.ui.conftest import open_flow, press, scan
from tests.ui.test_putaway import _override_to, _received, _start

LPN_CODE = "LPN0000001"


def _received_lpn(wh: SmallWarehouse) -> None:
    """LPN0000001 at the dock: 4 PLAIN and 2 LOT of lot L7."""
    actor = Actor(wh.operators["receiver"], "ST01")
    plain, lot = barcode(wh, "PLAIN"), barcode(wh, "LOT")

    def work(s: Any) -> None:
        receipt = rc.open_receipt(s, warehouse_id=wh.warehouse_id, actor=actor)
        rc.receive_scan(
            s,
            receipt.receipt_id,
            barcode=plain,
            quantity=4,
            lpn_code=LPN_CODE,
            actor=actor,
        )
        rc.receive_scan(
            s,
            receipt.receipt_id,
            barcode=lot,
            quantity=2,
            lot="L7",
            expiry=dt.date(2030, 1, 31),
            lpn_code=LPN_CODE,
            actor=actor,
        )

    transaction(wh.engine, work)


async def test_bare_location_code_then_keyed_check_digits(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    code = _received(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot, code)
        assert "Key the check digits of A01-01-2" in await scan(pilot, "A01-01-2")
        assert screen.step == "destination"
        with session_scope(ui_warehouse.engine) as s:
            assert inv.balance_of(s, ui_warehouse.key("DOCK-01", "PLAIN")) == (6, 0)
        await pilot.press(*location_check_digits("A01-01-2"), "enter")
        assert "6 put away at A01-01-2" in await press(pilot)
        assert screen.step == "source"


async def test_label_carrying_check_digits_is_enough(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    code = _received(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _start(pilot, code)
        digits = location_check_digits("A01-01-2")
        assert "6 put away at A01-01-2" in await scan(pilot, f"A01-01-2*{digits}")


async def test_site_without_the_check_takes_the_bare_code(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    code = _received(ui_warehouse)
    app = make_app(sections={"putaway": {"require_check_digits": False}})
    async with app.run_test(size=(80, 24)) as pilot:
        await _start(pilot, code)
        assert "6 put away at A01-01-2" in await scan(pilot, "A01-01-2")


async def test_override_to_a_bare_code_then_its_check_digits(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    code = _received(ui_warehouse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _start(pilot, code, "OPSUPERVISOR")
        assert "Key the check digits of A02-02-2" in await _override_to(pilot, screen, "A02-02-2")
        assert "(CHBD)" in await scan(pilot, location_check_digits("A02-02-2"))
    with session_scope(ui_warehouse.engine) as s:
        assert inv.balance_of(s, ui_warehouse.key("A02-02-2", "PLAIN")) == (6, 0)


async def test_lpn_shows_its_contents_and_the_dock_list(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    _received_lpn(ui_warehouse)
    _received(ui_warehouse, 3)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, PutawayScreen, "OPRECEIVER")
        dock = "\n".join(screen._lines)
        assert "Waiting at the dock" in dock
        assert f"{LPN_CODE} LOT × 2  lot L7, PLAIN × 4" in dock and "PLAIN × 3" in dock
        await scan(pilot, LPN_CODE)
        assert screen.step == "destination"
        lines = "\n".join(screen._lines)
        assert "Item" not in lines and f"LPN        {LPN_CODE}  6 units" in lines
        assert "LOT × 2  lot L7" in lines and "PLAIN × 4" in lines


async def test_replenishment_source_wants_its_check_digits(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    add_pick_face(ui_warehouse, "A01-01-1", "PLAIN", 10, 30)
    add_stock(ui_warehouse, "A02-01-2", "PLAIN", 40)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, ReplenishmentScreen, "OPPICKER")
        await press(pilot, "f5")
        assert screen.step == "source"
        assert "Key the check digits of A02-01-2" in await scan(pilot, "A02-01-2")
        assert screen.step == "source"
        await scan(pilot, location_check_digits("A02-01-2"))
        assert screen.step == "item"
