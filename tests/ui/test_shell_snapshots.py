"""Snapshots of every shell screen at 80x24 and at RF-gun size 40x16."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import floor.screens
from floor.screens.lookup import LookupScreen
from tests.support import SmallWarehouse
from tests.ui.conftest import SIZES, log_in, open_flow, scan, settle, speaks


@pytest.fixture(autouse=True)
def only_shell_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(floor.screens, "discover_flows", lambda: (LookupScreen,))


async def at_login(pilot: Any) -> None:
    await settle(pilot)


async def unknown_badge(pilot: Any) -> None:
    pilot.app.inject_scan("OPNOBODY")
    await settle(pilot)


async def wrong_pin(pilot: Any) -> None:
    await log_in(pilot, "OPPICKER", "0000")


async def at_menu(pilot: Any) -> None:
    await log_in(pilot)


async def lookup_found(pilot: Any) -> None:
    await open_flow(pilot, LookupScreen)
    await scan(pilot, "A01-02-1")


async def lookup_rejected(pilot: Any) -> None:
    await open_flow(pilot, LookupScreen)
    await scan(pilot, "NOT-A-CODE")


SCREENS = {
    "login": at_login,
    "unknown_badge": unknown_badge,
    "wrong_pin": wrong_pin,
    "menu": at_menu,
    "lookup_found": lookup_found,
    "lookup_rejected": lookup_rejected,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen_snapshot(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    ui_warehouse: SmallWarehouse,
    name: str,
    size: tuple[int, int],
) -> None:
    from floor.db import transaction
    from floor.stock.ledger import SYSTEM, receive

    key = ui_warehouse.key("A01-02-1", "LOT", lot="L42", expiry=None)
    transaction(ui_warehouse.engine, lambda s: receive(s, key, 12, actor=SYSTEM, scan_id="s1"))
    assert snap_compare(make_app(), terminal_size=size, run_before=SCREENS[name])


def test_serbian_menu_snapshot(
    snap_compare: Callable[..., bool], make_app: Callable[..., Any], ui_warehouse: SmallWarehouse
) -> None:
    speaks(ui_warehouse, "OPPICKER", "sr")
    assert snap_compare(make_app(), terminal_size=(40, 16), run_before=at_menu)
