"""Pilot tests of the login lockout: wrong PINs lock the badge on every station, the locked
badge is refused at the badge step with the time it may try again, supervisors see locked
badges in their menu and an admin unlocks one there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from floor.screens.login import LoginScreen
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
