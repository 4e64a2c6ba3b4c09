"""Property tests of parse_scan: it never fails, GS1 messages round-trip, junk is unknown."""

from __future__ import annotations

import string
from datetime import date

import biip
from hypothesis import given, settings
from hypothesis import strategies as st

from floor.gs1 import with_check_digit
from floor.scanning import ScanKind, parse_scan

GS = "\x1d"
INTERNAL_ERROR = "could not be read ({error})"
LOT_CHARS = string.ascii_letters + string.digits + "-./"

gtins = st.text("0123456789", min_size=13, max_size=13).map(with_check_digit)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2049, 12, 31))
lots = st.text(LOT_CHARS, min_size=1, max_size=20)


@st.composite
def gs1_messages(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """(element string message, expected fields); GS after every variable field but the last."""
    expected: dict[str, object] = {"gtin": draw(gtins)}
    parts = [("01", expected["gtin"], False)]
    if draw(st.booleans()):
        expiry = draw(dates)
        expected["expiry"] = expiry
        parts.append(("17", expiry.strftime("%y%m%d"), False))
    expected["lot"] = draw(lots)
    parts.append(("10", expected["lot"], True))
    if draw(st.booleans()):
        expected["serial"] = draw(lots)
        parts.append(("21", expected["serial"], True))
    if draw(st.booleans()):
        expected["count"] = draw(st.integers(1, 99_999_999))
        parts.append(("37", str(expected["count"]), True))
    if draw(st.booleans()):
        grams = draw(st.integers(0, 999_999))
        expected["net_weight_kg"] = grams
        parts.append(("3103", f"{grams:06d}", False))
    order = draw(st.permutations(parts))
    # Keep a variable field before the last element so the message carries GS.
    if not any(variable for _, _, variable in order[:-1]):
        order = [p for p in order if p[0] == "10"] + [p for p in order if p[0] != "10"]
    text = ""
    for index, (ai, value, variable) in enumerate(order):
        text += ai + str(value)
        if variable and index < len(order) - 1:
            text += GS
    return text, expected


@settings(max_examples=150, deadline=None)
@given(gs1_messages())
def test_gs1_messages_with_separators_round_trip(message: tuple[str, dict[str, object]]) -> None:
    text, expected = message
    scan = parse_scan(text)
    assert scan.kind is ScanKind.PRODUCT, scan.rejected_reason
    for name, value in expected.items():
        got = getattr(scan, name)
        if name == "net_weight_kg":
            assert got * 1000 == value
        else:
            assert got == value, name
    theirs = biip.parse(text).gs1_message
    assert theirs is not None
    assert scan.elements == tuple((es.ai.ai, es.value) for es in theirs.element_strings)


@settings(max_examples=150, deadline=None)
@given(gtins, lots)
def test_without_gs_a_lot_is_read_right_or_called_ambiguous_never_wrong(
    gtin: str, lot: str
) -> None:
    scan = parse_scan(f"01{gtin}10{lot}")
    assert scan.kind in (ScanKind.PRODUCT, ScanKind.AMBIGUOUS)
    if scan.kind is ScanKind.PRODUCT:
        assert scan.lot == lot
    else:
        assert scan.lot is None and "(10)" in (scan.rejected_reason or "")


@settings(max_examples=150, deadline=None)
@given(gtins, lots, dates)
def test_a_dated_element_glued_to_a_lot_is_always_ambiguous(
    gtin: str, lot: str, expiry: date
) -> None:
    scan = parse_scan(f"01{gtin}10{lot}17{expiry:%y%m%d}")
    assert scan.kind is ScanKind.AMBIGUOUS
    assert "GS separator missing after lot (10)" in (scan.rejected_reason or "")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_give_a_scan_and_never_an_internal_error(raw: bytes) -> None:
    scan = parse_scan(raw)
    assert scan.reason != INTERNAL_ERROR
    assert scan.describe()
    if not scan.ok:
        assert scan.rejected_reason


JUNK = st.binary(min_size=1, max_size=48).filter(
    lambda b: any(
        byte >= 0x80 or (byte < 0x20 and byte not in (0x09, 0x0A, 0x0D, 0x1D)) for byte in b
    )
)


@settings(max_examples=300, deadline=None)
@given(JUNK)
def test_random_bytes_with_non_text_in_them_are_unknown_with_a_reason(raw: bytes) -> None:
    scan = parse_scan(raw)
    assert scan.kind is ScanKind.UNKNOWN
    assert scan.rejected_reason
    assert scan.reason != INTERNAL_ERROR


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_a_scan_and_never_an_internal_error(text: str) -> None:
    scan = parse_scan(text)
    assert scan.reason != INTERNAL_ERROR


def test_a_control_character_inside_a_variable_field_is_unknown_not_a_lost_separator() -> None:
    # found by the property above: the NUL stopped AI 90's value, which read as a lost GS
    for raw in (b"90%\x00", b"10LOT\x01X", b"21SN\x7f1"):
        scan = parse_scan(raw)
        assert scan.kind is ScanKind.UNKNOWN, (raw, scan)
        assert "wrong format" in scan.describe()
