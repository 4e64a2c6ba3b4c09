"""The station's scanner self-test: reached from the menu by a supervisor, the sheet scanned,
the profile kept for the station and used for the next scans; a scanner that drops GS is
told how to fix it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from floor.db import read_only
from floor.scanning.selftest import GS, SHEET
from floor.screens.menu import MenuScreen
from floor.screens.scanner_test import ScannerTestScreen
from floor.station import scanner_profile
from tests.support import SmallWarehouse
from tests.ui.conftest import log_in, open_flow, settle, speaks, text_of

AMBIGUOUS = "0109501101530003" + "10ABC1231725010121XYZ"  # (17)250101 (21)XYZ, or one lot


async def scan_sheet(pilot, gs: str = GS, aim: bool = True) -> None:  # type: ignore[no-untyped-def]
    for code in SHEET:
        data = (code.aim if aim else "") + code.sent.replace(GS, gs)
        pilot.app.inject_scan(data.encode(), source="wedge")
        await settle(pilot)


async def test_a_supervisor_opens_it_from_the_menu_and_the_station_keeps_the_profile(
    make_app: Callable,
) -> None:
    app = make_app()
    assert app.station.scanner_sends_gs is False
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OPSUPERVISOR")
        menu = app.screen
        assert isinstance(menu, MenuScreen)
        number = [flow.FLOW for flow in menu.flows].index("scanner-test") + 1
        assert number == len(menu.flows)  # last: the other flows keep their numbers
        await pilot.press("up")  # to the last line
        await settle(pilot)
        assert f"▶ {number}  Scanner self-test" in text_of(app, "#body")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScannerTestScreen)
        assert "To scan: 1. GS1-128, 2. GS1 DataMatrix, 3. EAN-13, 4. Code 128" in text_of(
            app, "#detail"
        )
        pilot.app.inject_scan(b"LPN000123", source="wedge")
        await settle(pilot)
        assert "Not a barcode of the test sheet: LPN000123" in text_of(app, "#feedback")
        await scan_sheet(pilot)
        assert "Scanner profile kept for this station" in text_of(app, "#feedback")
        body = text_of(app, "#body")
        assert "GS separator: sent" in body and "AIM symbology identifiers: sent" in body
        assert app.station.scanner_sends_gs is True
        # the station reads by it at once: a lot that also reads as a date and a serial
        # (ambiguous without GS) is one lot now
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MenuScreen)
        pilot.app.inject_scan(AMBIGUOUS, source="wedge")
        await settle(pilot)
        assert "lot ABC1231725010121XYZ" in text_of(app, "#feedback")
    with read_only(app.station.engine) as s:
        kept = scanner_profile(s, "ST01")
    assert kept is not None and kept["sends_gs"] is True and kept["terminator"] is None


async def test_a_scanner_that_drops_gs_is_told_how_to_fix_it(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, ScannerTestScreen, "OPSUPERVISOR")
        await scan_sheet(pilot, gs="", aim=False)
        body = text_of(app, "#body")
        assert "GS separator: dropped" in body
        assert "transmit FNC1 as GS" in body
        assert app.station.scanner_sends_gs is False
        await pilot.press("escape")
        await settle(pilot)
        pilot.app.inject_scan(AMBIGUOUS, source="wedge")
        await settle(pilot)
        assert "GS separator missing after lot (10)" in text_of(app, "#feedback")


async def test_keyed_text_tests_nothing(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, ScannerTestScreen, "OPSUPERVISOR")
        app.inject_scan("5901234123457", source="keyboard")  # as a code keyed + Enter comes
        await settle(pilot)
        assert "keyed text tests nothing" in text_of(app, "#feedback")
        assert app.screen.readings == []


async def test_a_picker_does_not_see_it(make_app: Callable) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OPPICKER")
        assert "scanner-test" not in [flow.FLOW for flow in app.screen.flows]


@pytest.mark.parametrize(
    ("language", "asked", "kept"),
    [
        ("fr", "À lire : 1. GS1-128", "Séparateur GS : envoyé"),
        ("sr", "За очитавање: 1. GS1-128", "GS сепаратор: шаље се"),
    ],
)
async def test_it_speaks_the_operators_language(
    make_app: Callable, ui_warehouse: SmallWarehouse, language: str, asked: str, kept: str
) -> None:
    speaks(ui_warehouse, "OPSUPERVISOR", language)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, ScannerTestScreen, "OPSUPERVISOR")
        assert asked in text_of(app, "#detail")
        await scan_sheet(pilot)
        assert kept in text_of(app, "#body")


async def test_the_advice_is_readable_at_rf_gun_size(make_app: Callable) -> None:
    """At 40x16 the advice was cut to one line each ("The scanner drops the GS separator:
    tur…") with nothing hidden to scroll to: now it wraps, and ↓ scrolls through it all."""
    app = make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await open_flow(pilot, ScannerTestScreen, "OPSUPERVISOR")
        await scan_sheet(pilot, gs="", aim=False)
        seen = text_of(app, "#body")
        assert "▼" in seen and "…" not in seen
        for _ in range(20):
            await pilot.press("down")
            await settle(pilot)
            body = text_of(app, "#body")
            assert "…" not in body
            seen += "\n" + body
        words = " ".join(line.strip() for line in seen.splitlines())
        assert "or use it in serial (USB COM / CDC-ACM) mode" in words
        assert "floor then tells GS1 data from plain codes." in words
