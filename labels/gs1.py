"""GS1 element strings for labels: check digits, AI formats, barcode data and the HRI line.

An element string is a sequence of (AI, value) pairs. `barcode_data()` gives the Code 128
text with FNC1 first and after each variable-length field that is not last; `hri()` gives
the human-readable "(00) 106141411234567897" line; `transmitted()` is what a GS1 scanner
sends ("]C1" prefix, GS 0x1D as separator).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from labels.code128 import FNC1
from labels.errors import LabelDataError

GS = "\x1d"
AIM_GS1_128 = "]C1"

# GS1 AI character set 82 (General Specifications, figure 7.11-1).
_CSET82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$")

# AI: (description, numeric?, min length, max length, has check digit)
AI_FORMATS: dict[str, tuple[str, bool, int, int, bool]] = {
    "00": ("SSCC", True, 18, 18, True),
    "01": ("GTIN", True, 14, 14, True),
    "02": ("GTIN of contained items", True, 14, 14, True),
    "10": ("batch or lot", False, 1, 20, False),
    "11": ("production date", True, 6, 6, False),
    "15": ("best before date", True, 6, 6, False),
    "17": ("expiry date", True, 6, 6, False),
    "21": ("serial number", False, 1, 20, False),
    "37": ("count of trade items", True, 1, 8, False),
    "3103": ("net weight (kg)", True, 6, 6, False),
    "400": ("order number", False, 1, 30, False),
}
# Element strings whose AI starts with these two digits have a predefined length and
# need no FNC1 after them (General Specifications, figure 7.8.4-2).
_PREDEFINED = {"00", "01", "02", "03", "04", *(str(n) for n in range(11, 21)), "31", "32"}
_PREDEFINED |= {"33", "34", "35", "36", "41"}


def check_digit(digits: str) -> str:
    """GS1 check digit for the digits before it (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def verify_check_digit(field: str, number: str, lengths: Sequence[int], what: str) -> str:
    """`number` if it is digits of an allowed length with a correct check digit."""
    if not number.isascii() or not number.isdigit() or len(number) not in lengths:
        allowed = " or ".join(str(n) for n in lengths)
        raise LabelDataError(field, f"{what} must be {allowed} digits, got {number!r}")
    expected = check_digit(number[:-1])
    if number[-1] != expected:
        raise LabelDataError(
            field, f"{what} {number} has check digit {number[-1]}, expected {expected}"
        )
    return number


def sscc(field: str, value: str) -> str:
    return verify_check_digit(field, value, (18,), "SSCC")


def gtin14(field: str, value: str) -> str:
    """A GTIN-8/12/13/14 checked and padded to 14 digits."""
    return verify_check_digit(field, value, (8, 12, 13, 14), "GTIN").zfill(14)


def yymmdd(value: date) -> str:
    return value.strftime("%y%m%d")


def _check_value(field: str, ai: str, value: str) -> None:
    if ai not in AI_FORMATS:
        raise LabelDataError(field, f"AI ({ai}) is not supported on labels")
    name, numeric, low, high, has_check = AI_FORMATS[ai]
    if numeric and not (value.isascii() and value.isdigit()):
        raise LabelDataError(field, f"{name} (AI {ai}) must be digits, got {value!r}")
    if not low <= len(value) <= high:
        size = str(high) if low == high else f"{low} to {high}"
        raise LabelDataError(field, f"{name} (AI {ai}) must be {size} characters, got {len(value)}")
    if not _CSET82.match(value):
        raise LabelDataError(
            field, f"{name} (AI {ai}) holds a character GS1-128 cannot carry: {value!r}"
        )
    if has_check:
        verify_check_digit(field, value, (high,), name)


def validate(elements: Sequence[tuple[str, str]], field: str = "elements") -> None:
    if not elements:
        raise LabelDataError(field, "no GS1 element strings to encode")
    for ai, value in elements:
        _check_value(field, ai, value)


def _fixed(ai: str) -> bool:
    return ai[:2] in _PREDEFINED


def barcode_data(elements: Sequence[tuple[str, str]], field: str = "elements") -> str:
    """Code 128 text: FNC1, then each AI and value, FNC1 after non-final variable fields."""
    validate(elements, field)
    parts = [FNC1]
    for i, (ai, value) in enumerate(elements):
        parts.append(ai + value)
        if not _fixed(ai) and i < len(elements) - 1:
            parts.append(FNC1)
    return "".join(parts)


def transmitted(elements: Sequence[tuple[str, str]]) -> str:
    """What a GS1 scanner with AIM identifiers on sends for this barcode."""
    data = barcode_data(elements)
    return AIM_GS1_128 + data[1:].replace(FNC1, GS)


def hri(elements: Sequence[tuple[str, str]]) -> str:
    """Human-readable interpretation: "(02) 0...(37) 12"; never an FNC1 character."""
    return " ".join(f"({ai}) {value}" for ai, value in elements)
