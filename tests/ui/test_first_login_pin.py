"""Pilot tests of the first login after an admin set the PIN: the operator chooses their own,
twice and masked, before the menu; the PIN given works only until then; nothing typed is
journaled; Esc goes back to the badge step without logging in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from floor.admin_audit import ChangedBy
from floor.db import session_scope, transaction
from floor.models import AdminAuditEntry, Operator, ScanJournalEntry
from floor.operator_admin import add_operator, set_pin
from floor.operators import verify_pin
from floor.screens.login import LoginScreen
from floor.screens.menu import MenuScreen
from tests.support import SmallWarehouse
from tests.ui.conftest import log_in, press, settle, text_of


def _new_operator(wh: SmallWarehouse) -> None:
    transaction(
        wh.engine,
        lambda s: add_operator(
            s, badge="OP0042", name="Ana New", pin="4711", roles="picker", by=ChangedBy()
        ),
    )


async def _type(pilot: Any, pin: str) -> str:
    return await press(pilot, *pin, "enter")


async def test_an_admin_set_pin_is_changed_at_first_login(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    _new_operator(wh)
    app = make_app(bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OP0042", "4711")
        assert isinstance(app.screen, LoginScreen) and not app.station.logged_in
        assert text_of(app, "#prompt") == "Choose your own PIN"
        assert "works only once" in text_of(app, "#detail")
        await pilot.press("2", "4", "6")
        await pilot.pause(0.3)  # typing, not a wedge burst: shown once the keys settle
        assert "•••" in text_of(app, "#entry") and "246" not in text_of(app, "#entry")
        await press(pilot, "8", "enter")
        assert text_of(app, "#prompt") == "Key in the new PIN again"
        feedback = await _type(pilot, "2469")  # not the same: choose again
        assert "The two PINs differ" in feedback
        assert text_of(app, "#prompt") == "Choose your own PIN"
        feedback = await _type(pilot, "4711")  # the PIN given is not a new one
        assert "other than the one you were given" in feedback
        feedback = await _type(pilot, "12")
        assert "A PIN is 4 to 12 digits" in feedback
        await _type(pilot, "2468")
        await _type(pilot, "2468")
        await settle(pilot)
        assert isinstance(app.screen, MenuScreen) and app.station.operator_name == "Ana New"
        assert "Your new PIN is saved" in text_of(app, "#feedback")
    with session_scope(wh.engine) as s:
        op = s.scalars(select(Operator).where(Operator.badge == "OP0042")).one()
        assert verify_pin("2468", op.pin_hash) and not op.must_change_pin
        change = s.scalars(
            select(AdminAuditEntry).where(AdminAuditEntry.action == "pin_changed")
        ).one()
        assert (change.code, change.actor_id, change.station) == ("OP0042", op.id, "ST01")
        journaled = b" ".join(s.scalars(select(ScanJournalEntry.raw)).all())
        assert b"2468" not in journaled and b"4711" not in journaled and b"2469" not in journaled
    again = make_app(bell=False)  # next login: the new PIN, no question
    async with again.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OP0042", "4711")
        assert not again.station.logged_in
        await log_in(pilot, "OP0042", "2468")
        assert isinstance(again.screen, MenuScreen)


async def test_esc_while_choosing_goes_back_to_the_badge_not_logged_in(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    _new_operator(wh)
    app = make_app(bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OP0042", "4711")
        assert text_of(app, "#prompt") == "Choose your own PIN"
        await _type(pilot, "2468")
        await press(pilot, "escape")
        assert text_of(app, "#prompt") == "Scan your badge" and not app.station.logged_in
        await log_in(pilot, "OP0042", "4711")  # the PIN given still works, once
        assert text_of(app, "#prompt") == "Choose your own PIN"


async def test_a_pin_reset_by_an_admin_is_changed_at_the_next_login(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    transaction(wh.engine, lambda s: set_pin(s, "OPPICKER", "8080", by=ChangedBy()))
    app = make_app(bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OPPICKER", "8080")
        assert text_of(app, "#prompt") == "Choose your own PIN"
        await _type(pilot, "9191")
        await _type(pilot, "9191")
        await settle(pilot)
        assert isinstance(app.screen, MenuScreen)


async def test_the_new_pin_is_asked_in_the_operators_language(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    transaction(
        ui_warehouse.engine,
        lambda s: add_operator(
            s, badge="OP0043", name="Zoé", pin="4711", roles="picker", language="fr", by=ChangedBy()
        ),
    )
    app = make_app(bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OP0043", "4711")
        assert text_of(app, "#prompt") == "Choisissez votre propre code PIN"
        await press(pilot, "escape")
        assert text_of(app, "#prompt") == "Scan your badge"  # the station's language again
        await log_in(pilot, "OP0043", "4711")
        await _type(pilot, "2468")
        await _type(pilot, "2468")
        await settle(pilot)
        assert isinstance(app.screen, MenuScreen)
        assert "Votre nouveau code PIN est enregistré" in text_of(app, "#feedback")
