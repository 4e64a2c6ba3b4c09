"""Keyboard-wedge scans through Textual's Pilot: bursts, typing, GS via ctrl+]."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

from floor.devices.wedge import WedgeSettings
from floor.scanning import ScanKind, parse_scan
from floor.screens.scan_capture import ScanCapture, ScanInput, ScanReceived, TypedEntry

# A long interval keeps the real-time flush timer out of the way; the fake clock decides.
SETTINGS = WedgeSettings(max_interval_ms=1000, min_length=4)
BURST_GAP = 0.005
TYPING_GAP = 2.0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class WedgeApp(App[None]):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock
        self.scans: list[bytes] = []
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        yield ScanInput(id="entry", wedge=SETTINGS, clock=self.clock)
        yield Input(id="other")

    def on_scan_received(self, message: ScanReceived) -> None:
        self.scans.append(message.raw_scan.raw)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        self.submitted.append(message.value)


async def press_keys(pilot, clock: Clock, keys: list[str], gap: float) -> None:
    for key in keys:
        clock.now += gap
        await pilot.press(key)


def chars(text: str) -> list[str]:
    return list(text)


async def test_a_fast_burst_ending_in_enter_is_a_scan_and_leaves_the_field_empty() -> None:
    clock = Clock()
    app = WedgeApp(clock)
    async with app.run_test() as pilot:
        await press_keys(pilot, clock, [*chars("LPN000123"), "enter"], BURST_GAP)
        await pilot.pause()
        assert app.scans == [b"LPN000123"]
        assert app.query_one("#entry", ScanInput).value == ""
        assert app.submitted == []
        assert parse_scan(app.scans[0]).kind is ScanKind.LPN


async def test_slow_typing_stays_typed_text_and_enter_submits_it() -> None:
    clock = Clock()
    app = WedgeApp(clock)
    async with app.run_test() as pilot:
        await press_keys(pilot, clock, [*chars("A01-03-2"), "enter"], TYPING_GAP)
        await pilot.pause()
        assert app.scans == []
        assert app.submitted == ["A01-03-2"]


async def test_gs_typed_as_ctrl_right_bracket_is_kept_inside_the_scan() -> None:
    clock = Clock()
    app = WedgeApp(clock)
    keys = [*chars("0100614141999996"), "ctrl+right_square_bracket", *chars("10ABC"), "enter"]
    async with app.run_test() as pilot:
        await press_keys(pilot, clock, keys, BURST_GAP)
        await pilot.pause()
        assert app.scans == [b"0100614141999996\x1d10ABC"]
        scan = parse_scan(app.scans[0])
        assert (scan.kind, scan.gtin, scan.lot) == (ScanKind.PRODUCT, "00614141999996", "ABC")


async def test_a_burst_typed_through_an_azerty_layout_is_flagged_as_a_layout_mismatch() -> None:
    clock = Clock()
    app = WedgeApp(clock)
    azerty = "(çà&é\"'&é\"'(è"  # 5901234123457 from a US-layout scanner on an AZERTY host
    async with app.run_test() as pilot:
        await press_keys(pilot, clock, [*chars(azerty), "enter"], BURST_GAP)
        await pilot.pause()
        (raw,) = app.scans
        scan = parse_scan(raw)
        assert scan.kind is ScanKind.UNKNOWN
        assert "AZERTY" in (scan.rejected_reason or "")
        assert scan.suggestion == "5901234123457"


async def test_a_short_fast_burst_is_typing_not_a_scan() -> None:
    clock = Clock()
    app = WedgeApp(clock)
    async with app.run_test() as pilot:
        await press_keys(pilot, clock, [*chars("ab"), "enter"], BURST_GAP)
        await pilot.pause()
        assert app.scans == []
        assert app.submitted == ["ab"]


async def test_typing_then_a_burst_before_enter_stays_one_typed_entry() -> None:
    """Keys in the field and a fast run after them, before Enter, are one entry: timing
    never cuts an entry in two (a loaded station reads typed keys in a batch too)."""
    clock = Clock()
    app = WedgeApp(clock)
    async with app.run_test() as pilot:
        await press_keys(pilot, clock, chars("12"), TYPING_GAP)
        clock.now += TYPING_GAP
        await press_keys(pilot, clock, [*chars("TOTE0042"), "enter"], BURST_GAP)
        await pilot.pause()
        assert app.scans == []
        assert app.submitted == ["12TOTE0042"]


async def test_a_burst_after_the_field_was_emptied_is_a_scan() -> None:
    clock = Clock()
    app = WedgeApp(clock)
    async with app.run_test() as pilot:
        await press_keys(pilot, clock, [*chars("12"), "backspace", "backspace"], TYPING_GAP)
        clock.now += TYPING_GAP
        await press_keys(pilot, clock, [*chars("TOTE0042"), "tab"], BURST_GAP)
        await pilot.pause()
        assert app.scans == [b"TOTE0042"]
        assert app.query_one("#entry", ScanInput).value == ""


async def test_held_keys_reach_the_field_after_the_hold_time() -> None:
    clock = Clock()
    app = WedgeApp(clock)
    async with app.run_test() as pilot:
        clock.now += 1
        await pilot.press("7")
        field = app.query_one("#entry", ScanInput)
        await pilot.pause(SETTINGS.max_interval_ms / 1000 * 2)
        assert field.value == "7"


class CaptureScreen(ScanCapture, Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("scan something")


class CaptureApp(App[None]):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock
        self.scans: list[bytes] = []
        self.entries: list[str] = []

    def on_mount(self) -> None:
        screen = CaptureScreen()
        screen.wedge_settings = SETTINGS
        screen.wedge_clock = self.clock
        self.push_screen(screen)

    def on_scan_received(self, message: ScanReceived) -> None:
        self.scans.append(message.raw_scan.raw)

    def on_typed_entry(self, message: TypedEntry) -> None:
        self.entries.append(message.text)


async def test_a_screen_with_scan_capture_tells_scans_from_typing() -> None:
    clock = Clock()
    app = CaptureApp(clock)
    async with app.run_test() as pilot:
        await press_keys(pilot, clock, [*chars("CMD:DONE"), "enter"], BURST_GAP)
        await press_keys(pilot, clock, [*chars("47"), "enter"], TYPING_GAP)
        await pilot.pause()
        assert app.scans == [b"CMD:DONE"]
        assert app.entries == ["47"]
