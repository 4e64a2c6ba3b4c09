"""Pilot: the shell as a new site finds it: each screen's own keys in the footer (translated,
Esc always there at 40x16), quitting (Ctrl+Q shown, Ctrl+C asks), the supervisor's long
menu, lists that show they scroll, and a refusal that goes away when the step changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from floor.screens.dialogs import QuitDialog
from floor.screens.flow import FlowScreen
from floor.screens.lookup import LookupScreen
from floor.screens.picking import PickingScreen
from floor.screens.receiving import ReceivingScreen
from tests.support import SmallWarehouse
from tests.ui.conftest import log_in, press, scan, settle, speaks, text_of


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
        assert len(app.screen.flows) == 10
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
