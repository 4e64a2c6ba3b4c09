"""Pilot tests of the Operators screen (admins): add an operator (PIN twice, masked), disable
one, set a PIN, roles and language; each change recorded with the admin and the station."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from floor.db import session_scope
from floor.models import AdminAuditEntry, Operator, ScanJournalEntry
from floor.operators import verify_pin
from floor.screens import flows_for
from floor.screens.operator_admin import OperatorAdminScreen
from tests.support import SmallWarehouse
from tests.ui.conftest import open_flow, press, scan, settle, text_of


def _op(wh: SmallWarehouse, badge: str) -> Operator:
    with session_scope(wh.engine) as s:
        op = s.scalars(select(Operator).where(Operator.badge == badge)).one()
        s.expunge(op)
        return op


def _audit(wh: SmallWarehouse, badge: str) -> list[tuple[str, int | None, str]]:
    with session_scope(wh.engine) as s:
        return [
            (a.action, a.actor_id, a.station)
            for a in s.scalars(
                select(AdminAuditEntry)
                .where(AdminAuditEntry.code == badge)
                .order_by(AdminAuditEntry.id)
            )
        ]


async def _key(pilot: Any, text: str) -> str:
    """Key `text` in and press Enter (fast, as a wedge would: still typing on these steps)."""
    return await press(pilot, *text, "enter")


def test_only_admins_see_the_operators_screen() -> None:
    assert OperatorAdminScreen in flows_for({"admin", "supervisor", "picker"})
    assert OperatorAdminScreen not in flows_for({"supervisor", "picker", "counter"})


async def test_an_admin_adds_an_operator_who_must_change_the_pin(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    app = make_app(bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, OperatorAdminScreen, "OPADMIN")
        assert "OPPICKER" in text_of(app, "#body") and "Picker Tester" in text_of(app, "#body")
        await press(pilot, "f3")
        assert screen.step == "new_badge"
        assert "already Picker Tester's" in await scan(pilot, "OPPICKER")
        await scan(pilot, "OP0042")
        assert screen.step == "new_name"
        await _key(pilot, "Ana Anić")
        assert screen.step == "new_roles"
        await scan(pilot, "CMD:QTY:1")
        await scan(pilot, "CMD:QTY:2")
        assert "1 ✔ picker" in text_of(app, "#body")
        assert "2 ✔ receiver" in text_of(app, "#body")
        await press(pilot, "f2")
        assert screen.step == "new_language"
        await scan(pilot, "CMD:QTY:2")
        assert screen.step == "new_pin"
        await pilot.press("4", "7")
        await pilot.pause(0.3)
        assert "••" in text_of(app, "#entry") and "47" not in text_of(app, "#entry")
        await _key(pilot, "11")
        assert screen.step == "new_pin_again"
        assert "differ" in await _key(pilot, "4712")
        assert screen.step == "new_pin"
        await _key(pilot, "4711")
        feedback = await _key(pilot, "4711")
        await settle(pilot)
        assert "Ana Anić added (OP0042)" in feedback
        assert screen.step == "list" and "OP0042" in text_of(app, "#body")
    op = _op(wh, "OP0042")
    assert (op.name, op.roles, op.language) == ("Ana Anić", "picker receiver", "fr")
    assert op.must_change_pin and verify_pin("4711", op.pin_hash)
    assert _audit(wh, "OP0042") == [("added", wh.operators["admin"], "ST01")]
    with session_scope(wh.engine) as s:
        journaled = b" ".join(s.scalars(select(ScanJournalEntry.raw)).all())
    assert b"4711" not in journaled and "Anić".encode() not in journaled


async def test_an_admin_disables_sets_roles_language_and_pin(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    app = make_app(bell=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, OperatorAdminScreen, "OPADMIN")
        await scan(pilot, "OPPICKER")
        assert screen.step == "chosen" and "4 Disable" in text_of(app, "#body")
        await scan(pilot, "CMD:QTY:4")
        assert "Disable Picker Tester?" in text_of(app, "#prompt")
        assert "can no longer log in" in await press(pilot, "f2")
        assert "4 Enable" in text_of(app, "#body")
        await scan(pilot, "CMD:QTY:2")
        assert screen.step == "roles" and "1 ✔ picker" in text_of(app, "#body")
        await scan(
            pilot, "CMD:QTY:6"
        )  # counter on (picker, receiver, packer, shipper, kitter, counter)
        await scan(pilot, "CMD:QTY:1")  # picker off
        assert "Roles of Picker Tester: counter" in await press(pilot, "f2")
        await scan(pilot, "CMD:QTY:3")
        assert "Language of Picker Tester: sr" in await scan(pilot, "CMD:QTY:3")
        await scan(pilot, "CMD:QTY:1")
        assert screen.step == "pin"
        await _key(pilot, "8080")
        assert "they choose their own" in await _key(pilot, "8080")
        await press(pilot, "escape")
        assert screen.step == "list"
        await scan(pilot, "OPADMIN")
        await scan(pilot, "CMD:QTY:4")
        assert "cannot disable yourself" in await press(pilot, "f2")
    op = _op(wh, "OPPICKER")
    assert not op.active and op.roles == "counter" and op.language == "sr"
    assert op.must_change_pin and verify_pin("8080", op.pin_hash)
    admin = wh.operators["admin"]
    assert _audit(wh, "OPPICKER") == [
        ("disabled", admin, "ST01"),
        ("roles_set", admin, "ST01"),
        ("language_set", admin, "ST01"),
        ("pin_set", admin, "ST01"),
    ]


async def test_the_screen_fits_an_rf_gun(make_app: Callable) -> None:
    app = make_app(bell=False)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_flow(pilot, OperatorAdminScreen, "OPADMIN")
        assert screen.step == "list"
        assert all(len(line) <= 40 for line in text_of(app, "#body").splitlines())
        await scan(pilot, "OPPICKER")
        assert screen.step == "chosen"
