"""Pilot: the shell as a new site finds it: each screen's own keys in the footer (translated,
Esc always there at 40x16), quitting (Ctrl+Q shown, Ctrl+C asks), the supervisor's long
menu, lists that show they scroll, and a refusal that goes away when the step changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from floor.db import session_scope
from floor.screens.dialogs import QuitDialog
from floor.screens.flow import FlowScreen
from floor.screens.lookup import LookupScreen
from floor.screens.menu import MenuScreen
from floor.screens.picking import PickingScreen
from floor.screens.receiving import ReceivingScreen
from floor.screens.waves import WavesScreen
from tests.support import SmallWarehouse, add_sales_order, add_stock, barcode
from tests.ui.conftest import SIZES, gs1, log_in, press, scan, settle, speaks, text_of


async def test_each_screen_shows_its_own_keys(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        hints = text_of(app, "#hints")
        assert "Ctrl+Q Quit" in hints and "F2" not in hints  # login: how to quit
        await log_in(pilot)
        hints = text_of(app, "#hints")
        assert "Ctrl+Q Quit" in hints and "Esc Log out" in hints and "F2" not in hints
        app.open_flow(LookupScreen)
        await settle(pilot)
        assert text_of(app, "#hints") == "Esc Back"  # nothing else does anything here
        await press(pilot, "escape")
        screen = app.open_flow(PickingScreen)
        await settle(pilot)
        assert screen.step == "cart"
        assert text_of(app, "#hints") == "F5 Done  Esc Back"


async def test_key_names_are_translated_like_the_prompts(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    speaks(ui_warehouse, "OPPICKER", "fr")
    app = make_app(language="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Entrée OK" in text_of(app, "#hints")
        await log_in(pilot)
        hints = text_of(app, "#hints")
        assert "Entrée Ouvrir" in hints and "Échap Déconnexion" in hints
        assert "Enter" not in hints and "Esc" not in hints


@pytest.mark.parametrize("language", ["en", "fr", "sr"])
async def test_at_40x16_the_footer_keeps_esc_and_ctrl_q(
    make_app: Callable, ui_warehouse: SmallWarehouse, language: str
) -> None:
    speaks(ui_warehouse, "OPSUPERVISOR", language)
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await log_in(pilot, "OPSUPERVISOR")
        assert len(app.screen.flows) == 18
        hints = text_of(app, "#hints")
        esc = {"en": "Esc", "fr": "Échap", "sr": "Esc"}[language]
        assert esc in hints and "Ctrl+Q" in hints and "…" not in hints, hints


async def test_ctrl_c_asks_before_quitting(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        assert "Quit floor at this station?" in text_of(app, "#question")
        app.inject_scan("CMD:QTY:1")  # a scan meanwhile waits for the menu
        await pilot.press("enter")  # Enter answers nothing (a scan ends in Enter)
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, FlowScreen)  # the scan that waited opened task 1
        await pilot.press("ctrl+c", "ctrl+c")  # Ctrl+C twice quits
        await pilot.pause()
        assert not app.is_running


async def test_y_in_the_quit_dialog_quits(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running


async def test_a_french_receiver_at_40x16_still_sees_esc(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """Once F2 F3 F4 F5 on every screen pushed "Échap" off a 40-column footer."""
    speaks(ui_warehouse, "OPRECEIVER", "fr")
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await log_in(pilot, "OPRECEIVER")
        screen = app.open_flow(ReceivingScreen)
        await settle(pilot)
        await scan(pilot, "CMD:CONFIRM")  # a blind receipt: the item step, the most keys
        assert screen.step == "item"
        hints = text_of(app, "#hints")
        assert "ÉchapRetour" in hints and "*Qté" in hints and "…" not in hints, hints


def _body(app: Any) -> list[str]:
    return text_of(app, "#body").splitlines()


async def test_the_supervisors_menu_at_40x16_scrolls_and_keeps_the_highlight(
    make_app: Callable,
) -> None:
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await log_in(pilot, "OPSUPERVISOR")
        menu = app.screen
        assert isinstance(menu, MenuScreen) and len(menu.flows) == 18
        body = _body(app)
        assert body[-1].startswith("▼ ") and body[-1].endswith(" more"), body  # there is more
        assert body[0].startswith("▶  1")
        for _ in range(7):
            await pilot.press("down")
        await pilot.pause()
        assert menu.highlighted == 7
        body = _body(app)
        assert any(line.startswith("▶  8") for line in body), body  # the highlight in view
        assert "▲" in body[0]
        await pilot.press(*["down"] * 11)  # past the last: the first
        await pilot.pause()
        assert _body(app)[0].startswith("▶  1")
        await pilot.press("up")  # and up from the first: the last (the eighteenth), shown
        await pilot.pause()
        assert _body(app)[-1].startswith("▶ 18"), _body(app)


async def test_stock_lookup_at_40x16_shows_lots_and_that_it_scrolls(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    for n in range(1, 10):
        add_stock(wh, "A01-02-1", "LOT", n, lot=f"L00{n}", expiry=dt.date(2027, 1, n))
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await log_in(pilot)
        app.open_flow(LookupScreen)
        await settle(pilot)
        assert "45 units" in await scan(pilot, "A01-02-1")
        body = _body(app)
        rows = body[1:-1]
        assert len(set(rows)) == len(rows) and "L001" in body[1] and "2027-01-01" in body[1]
        assert body[-1].startswith("▼") and "more" in body[-1], body
        hidden = int(body[-1].split()[1])
        assert len(rows) + hidden == 9
        await pilot.press("down", "down")
        await pilot.pause()
        body = _body(app)
        assert body[1].startswith("▲"), body  # scrolled: rows above now
        assert any("L009" in line for line in body) or body[-1].startswith("▼")


async def test_wave_codes_keep_their_first_letter_at_40x16(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    from floor.outbound.waves import WaveRules, build_wave

    add_stock(ui_warehouse, "A01-01-1", "PLAIN", 5)
    add_sales_order(ui_warehouse, "SO1", [("PLAIN", 2)])
    with session_scope(ui_warehouse.engine) as s:
        build_wave(s, ui_warehouse.warehouse_id, WaveRules(), code="W250101-001")
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await log_in(pilot, "OPSUPERVISOR")
        app.open_flow(WavesScreen)
        await settle(pilot)
        assert ">W250101-001 " in text_of(app, "#body")


async def test_a_refusal_goes_when_the_step_changes(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Any
) -> None:
    from tests.ui.test_keyed import _picking_wave

    wh = ui_warehouse
    _picking_wave(wh, tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        screen = app.open_flow(PickingScreen)
        await settle(pilot)
        await scan(pilot, "LPNCART01")
        await scan(pilot, "TOTE01")
        assert screen.pick is not None
        await scan(pilot, "A09-09-9")  # the wrong location: refused, the step stays
        assert app.feedback_kind() == "rejected" and screen.step == "location"
        pick = screen.pick
        await scan(pilot, pick.location)
        if pick.sku == "LOT":  # the item's label, with the lot
            await scan(pilot, gs1(wh, "LOT", "L0053A", dt.date(2049, 12, 31)))
        else:
            await scan(pilot, barcode(wh, pick.sku))
        assert screen.step == "quantity"
        feedback = await scan(pilot, "CMD:QTY:99")
        assert "expected 1 to" in feedback and app.feedback_kind() == "rejected"
        await press(pilot, "f3")  # the operator moves on: a short pick
        assert screen.step == "short_quantity"
        assert app.feedback_kind() == "" and text_of(app, "#feedback") == ""


async def test_with_ten_tasks_a_digit_opens_at_once_unless_a_longer_number_starts_with_it(
    make_app: Callable,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OPSUPERVISOR")
        menu = app.screen
        assert isinstance(menu, MenuScreen) and len(menu.flows) == 18
        await pilot.press("8")
        await pilot.pause(0.3)  # the wedge holds a key for a few ms: a scan may follow
        assert isinstance(app.screen, menu.flows[7])  # opened at once, no Enter
        await press(pilot, "escape")
        await pilot.press("1")
        await pilot.pause(0.3)
        assert app.screen is menu and menu.entry == "1"  # 1 waits: 10 starts with it
        assert "Enter opens it, or key the next digit" in text_of(app, "#feedback")
        await pilot.press("0")
        await pilot.pause(0.3)
        assert isinstance(app.screen, menu.flows[9])
        await press(pilot, "escape")
        await pilot.press("1")
        await pilot.pause(0.3)
        await press(pilot, "enter")
        assert isinstance(app.screen, menu.flows[0])


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_quit_dialog(
    snap_compare: Callable, make_app: Callable, size: tuple[int, int]
) -> None:
    async def asked(pilot: Any) -> None:
        await log_in(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=asked)
