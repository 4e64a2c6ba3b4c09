"""Pilot tests of the login lockout: wrong PINs lock the badge on every station, the locked
badge is refused at the badge step with the time it may try again, supervisors see locked
badges in their menu and an admin unlocks one there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.logins import LockoutPolicy, check_login
from floor.models import LoginAuditEntry
from floor.screens.login import LoginScreen
from floor.screens.lookup import LookupScreen
from floor.screens.menu import MenuScreen
from tests.support import SmallWarehouse
from tests.ui.conftest import log_in, scan, settle, text_of


async def wrong_pins(pilot: Any, badge: str, count: int) -> None:
    """Scan `badge` and key in `count` wrong PINs, scanning the badge again when asked."""
    app = pilot.app
    for _ in range(count):
        if text_of(app, "#prompt") == "Scan your badge":
            await scan(pilot, badge)
        app.login_as(badge, "0000")
        await settle(pilot)


async def test_five_wrong_pins_lock_the_badge_on_every_station(make_app: Callable) -> None:
    app = make_app(bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wrong_pins(pilot, "OPPICKER", 5)
        feedback = text_of(app, "#feedback")
        assert "Too many failed logins for badge OPPICKER: try again at " in feedback
        assert "Expected: your badge" in feedback
        assert text_of(app, "#prompt") == "Scan your badge"
        # the right PIN does not help while the badge is locked
        await scan(pilot, "OPPICKER")
        assert text_of(app, "#prompt") == "Scan your badge"
        assert "try again at" in text_of(app, "#feedback")
        await log_in(pilot, "OPPICKER", "1234")
        assert not app.station.logged_in
    other = make_app(bell=False, station="ST02")  # another station, a fresh login screen
    async with other.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "OPPICKER")
        assert isinstance(other.screen, LoginScreen)
        assert text_of(other, "#prompt") == "Scan your badge"
        assert "Too many failed logins for badge OPPICKER" in text_of(other, "#feedback")
        await log_in(pilot, "OPRECEIVER")  # other badges are not affected
        assert other.station.operator_name == "Receiver Tester"


async def test_an_unknown_badge_is_locked_like_a_known_one(make_app: Callable) -> None:
    app = make_app(bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wrong_pins(pilot, "OPNOBODY", 5)
        assert "Too many failed logins for badge OPNOBODY" in text_of(app, "#feedback")
        await scan(pilot, "OPNOBODY")
        assert "try again at" in text_of(app, "#feedback")


def lock(wh: SmallWarehouse, badge: str) -> None:
    """Five wrong PINs for `badge` at another station: locked for an hour."""
    policy = LockoutPolicy(max_failures=5, lockout_seconds=3600)
    for _ in range(5):
        transaction(
            wh.engine, lambda s: check_login(s, badge, "0000", station="ST09", policy=policy)
        )


async def test_supervisors_see_the_locked_badges_in_their_menu(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    lock(ui_warehouse, "OPPICKER")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OPSUPERVISOR")
        assert isinstance(app.screen, MenuScreen)
        detail = text_of(app, "#detail")
        assert detail.startswith("Locked badges: OPPICKER until ")
        assert "unlock" not in detail  # a supervisor sees them; unlocking is an admin's
        assert "OPPICKER: choose a task first" in await scan(pilot, "OPPICKER")
        # a badge locked while the supervisor works shows when the menu is back
        pilot.app.open_flow(LookupScreen)
        await settle(pilot)
        lock(ui_warehouse, "OPNOBODY")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MenuScreen)
        assert "OPNOBODY until " in text_of(app, "#detail")
        await pilot.press("escape")  # log out
        await settle(pilot)
        await log_in(pilot, "OPRECEIVER")
        assert text_of(app, "#detail") == "Key its number, or scan a quantity barcode"


async def test_an_admin_unlocks_a_badge_by_scanning_it_twice(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    lock(ui_warehouse, "OPPICKER")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OPADMIN")
        detail = text_of(app, "#detail")
        assert "OPPICKER until " in detail
        assert "Scan a locked badge twice to unlock it" in detail
        assert "Scan badge OPPICKER again to unlock it" in await scan(pilot, "OPPICKER")
        assert "Locked badges" in text_of(app, "#detail")  # nothing unlocked yet
        feedback = await scan(pilot, "OPPICKER")
        assert "Badge OPPICKER unlocked (5 failed logins forgotten)" in feedback
        assert text_of(app, "#detail") == "Key its number, or scan a quantity barcode"
        await pilot.press("escape")  # log out; the picker may log in again
        await settle(pilot)
        await log_in(pilot, "OPPICKER")
        assert app.station.operator_name == "Picker Tester"
    with session_scope(ui_warehouse.engine) as s:
        unlocked = s.scalars(
            select(LoginAuditEntry).where(LoginAuditEntry.outcome == "unlocked")
        ).one()
    assert (unlocked.badge, unlocked.station, unlocked.actor_id, unlocked.actor) == (
        "OPPICKER",
        "ST01",
        ui_warehouse.operators["admin"],
        "OPADMIN",
    )
