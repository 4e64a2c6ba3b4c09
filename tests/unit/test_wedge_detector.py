"""BurstDetector: timing tells a scanner's burst from a person typing."""

from __future__ import annotations

import pytest

from floor.config import ConfigError
from floor.devices.wedge import BurstDetector, TypedText, WedgeScan, WedgeSettings


def feed(detector: BurstDetector, text: str, start: float, gap: float) -> list:
    events = []
    now = start
    for char in text:
        events.extend(detector.feed(char, now))
        now += gap
    return events


def test_a_fast_burst_with_enter_is_a_scan() -> None:
    detector = BurstDetector(WedgeSettings(max_interval_ms=30, min_length=4))
    assert feed(detector, "LPN000123\r", 0.0, 0.004) == [WedgeScan("LPN000123", "\r")]


def test_tab_ends_a_scan_too_and_gs_is_kept() -> None:
    detector = BurstDetector()
    assert feed(detector, "01\x1d10AB\t", 0.0, 0.002) == [WedgeScan("01\x1d10AB", "\t")]


def test_slow_keys_are_typing() -> None:
    detector = BurstDetector(WedgeSettings(max_interval_ms=30))
    events = feed(detector, "ABCDEF\r", 0.0, 0.2)
    assert all(isinstance(event, TypedText) for event in events)
    assert "".join(event.text for event in events) == "ABCDEF"
    assert events[-1].terminator == "\r"


def test_a_burst_shorter_than_min_length_is_typing() -> None:
    detector = BurstDetector(WedgeSettings(min_length=6))
    assert feed(detector, "ABC\r", 0.0, 0.001) == [TypedText("ABC", "\r")]


def test_a_pause_before_enter_makes_it_typing() -> None:
    detector = BurstDetector(WedgeSettings(max_interval_ms=30))
    events = feed(detector, "ABCDEF", 0.0, 0.001)
    events += detector.feed("\r", 1.0)
    assert events == [TypedText("ABCDEF", "\r")]


def entries(events: list) -> list[tuple[str, str]]:
    """The entries the events make: ("scan" or "typed", text), as a screen would get them."""
    found, typed = [], ""
    for event in events:
        if isinstance(event, WedgeScan):
            found.append(("scan", event.text))
            continue
        typed += event.text
        if event.terminator is not None:
            found.append(("typed", typed))
            typed = ""
    return found


def test_typing_then_a_burst_before_enter_is_one_typed_entry() -> None:
    detector = BurstDetector(WedgeSettings(max_interval_ms=30))
    events = feed(detector, "12", 0.0, 0.5)
    events += feed(detector, "TOTE0042\r", 2.0, 0.003)
    assert entries(events) == [("typed", "12TOTE0042")]  # never cut in two


def test_a_date_read_partly_in_one_batch_on_a_loaded_station_stays_one_entry() -> None:
    # Typed by hand; the station was busy, so the last keys were read in one batch (one
    # timestamp): a fast run of 7 keys ending in Enter, which alone would look like a scan.
    detector = BurstDetector(WedgeSettings(max_interval_ms=50, min_length=4))
    events = feed(detector, "2027", 0.0, 0.2)
    events += feed(detector, "-06-30\r", 1.0, 0.0)
    assert entries(events) == [("typed", "2027-06-30")]


@pytest.mark.parametrize("seed", range(20))
def test_a_slow_irregular_typist_around_the_burst_threshold_is_never_cut(seed: int) -> None:
    import random

    rng = random.Random(seed)
    detector = BurstDetector(WedgeSettings(max_interval_ms=50, min_length=4))
    events: list = []
    now, tick = 0.0, 0.0
    for char in "2027-06-30\r":
        now += rng.choice([0.0, 0.01, 0.03, 0.049, 0.051, 0.07, 0.12])
        while tick + 0.1 <= now:  # the app's flush timer ticks every 0.1 s meanwhile
            tick += 0.1
            flushed = detector.flush(tick)
            events += [flushed] if flushed else []
        events += detector.feed(char, now)
    got = entries(events)
    assert len(got) == 1 and got[0][1] == "2027-06-30"


def test_after_a_reset_a_burst_is_a_scan_again() -> None:
    detector = BurstDetector(WedgeSettings(max_interval_ms=30))
    events = feed(detector, "12", 0.0, 0.5)
    assert detector.typing
    detector.reset()  # the screen dropped "12" (Esc)
    events = feed(detector, "TOTE0042\r", 2.0, 0.003)
    assert events == [WedgeScan("TOTE0042", "\r")]


def test_flush_hands_over_typing_only_after_the_interval() -> None:
    detector = BurstDetector(WedgeSettings(max_interval_ms=30))
    detector.feed("7", 0.0)
    assert detector.flush(0.01) is None
    assert detector.flush(0.05) == TypedText("7")
    assert detector.pending == ""
    assert detector.typing  # the rest of the entry is typing too
    assert detector.feed("1", 0.051) == [TypedText("1")]


def test_only_configured_terminators_end_a_scan() -> None:
    detector = BurstDetector(WedgeSettings(terminators=("enter",)))
    assert feed(detector, "ABCDEF\t", 0.0, 0.001) == []
    assert detector.pending == "ABCDEF\t"


def test_settings_from_section_and_errors() -> None:
    settings = WedgeSettings.from_section(
        {"max_interval_ms": 20, "min_length": 8, "terminators": "tab"}
    )
    assert (settings.max_interval_ms, settings.min_length, settings.terminators) == (
        20,
        8,
        ("tab",),
    )
    with pytest.raises(ConfigError, match=r"wedge\.max_interval_ms"):
        WedgeSettings.from_section({"max_interval_ms": 0})
    with pytest.raises(ConfigError, match=r"wedge\.terminators"):
        WedgeSettings.from_section({"terminators": ["space"]})
    with pytest.raises(ConfigError, match=r"wedge\.speed"):
        WedgeSettings.from_section({"speed": 1})
