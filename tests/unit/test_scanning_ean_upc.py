"""EAN/UPC scans: UPC-E expansion, what each AIM identifier carries, a GS makes GS1 data.

Oracles: biip's own UPC-E cases (tests/data/gs1/upc_e.json) and biip's Upc parser over
every number system and last digit; the AIM rules from ISO/IEC 15424 and 15420 as
scanner manuals restate them (]E0 sends EAN-13, UPC-A and UPC-E as 13 digits).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from biip import ParseError
from biip.upc import Upc
from hypothesis import given, settings
from hypothesis import strategies as st

from floor.gs1 import upc_e_to_upc_a, with_check_digit
from floor.scanning import ScanKind, parse_scan

DATA = Path(__file__).parents[1] / "data" / "gs1"
UPC_E_CASES = json.loads((DATA / "upc_e.json").read_text())["cases"]


@pytest.mark.parametrize("case", UPC_E_CASES, ids=lambda case: case["upc_e"])
def test_upc_e_expands_like_the_vendored_cases(case: dict) -> None:
    assert upc_e_to_upc_a(case["upc_e"]) == case["upc_a"]
    scan = parse_scan(case["upc_e"])
    if case["upc_a"] is None:
        assert not parse_scan("]E0" + case["upc_e"]).ok
    elif len(case["upc_e"]) == 8 and with_check_digit(case["upc_e"][:7]) == case["upc_e"]:
        assert scan.kind is ScanKind.AMBIGUOUS  # also a valid EAN-8: see below
    else:
        scan = parse_scan("]E0" + case["upc_e"]) if len(case["upc_e"]) == 6 else scan
        assert (scan.kind, scan.gtin) == (ScanKind.PRODUCT, "00" + case["upc_a"])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from("01"), st.text("0123456789", min_size=6, max_size=6))
def test_upc_e_expansion_agrees_with_biip(system: str, six: str) -> None:
    upc_a = Upc.parse(system + six).as_upc_a()  # 7 digits: biip computes the check digit
    code = system + six + upc_a[-1]
    assert upc_e_to_upc_a(code) == upc_a
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    assert upc_e_to_upc_a(wrong) is None
    with pytest.raises(ParseError):
        Upc.parse(wrong)
    scan = parse_scan("]E0" + code)
    assert (scan.kind, scan.gtin) == (ScanKind.PRODUCT, "00" + upc_a)
    if system == "0":
        assert parse_scan("]E0" + six).gtin == "00" + upc_a


def test_upc_e_with_and_without_the_symbology_identifier() -> None:
    # GS1 example: UPC-E 0 425261 4 is UPC-A 0 42100 00526 4
    for raw in ("04252614", "]E004252614", "]E0425261"):
        scan = parse_scan(raw)
        assert (scan.kind, scan.gtin) == (ScanKind.PRODUCT, "00042100005264"), raw
    # six bare digits carry no check digit: a date such as 270700 at an expiry prompt
    assert parse_scan("425261").gtin is None
    assert parse_scan("]E004252613").kind is ScanKind.UNKNOWN  # wrong check digit


def test_eight_digits_that_are_both_ean_8_and_upc_e_need_the_scanner_to_say() -> None:
    scan = parse_scan("01234565")  # EAN-8 check digit fits, and UPC-E 012345000065's
    assert scan.kind is ScanKind.AMBIGUOUS
    assert "012345000065" in (scan.rejected_reason or "")
    assert parse_scan("]E401234565").gtin == "00000001234565"  # ]E4: EAN-8
    assert parse_scan("]E001234565").gtin == "00012345000065"  # ]E0: UPC-E
    assert parse_scan("96385074").gtin == "00000096385074"  # EAN-8 only (no UPC-E with 9)


def test_e0_with_twelve_digits_is_refused_naming_the_rule() -> None:
    """]E0 carries EAN-13, UPC-A and UPC-E as 13 digits (ISO/IEC 15424; UPC-A with a
    leading 0): 12 digits under it are no EAN-13 and no UPC-A as ]E0 sends it."""
    scan = parse_scan("]E0614141000036")
    assert scan.kind is ScanKind.UNKNOWN and scan.gtin is None
    assert "13" in (scan.rejected_reason or "")
    assert parse_scan("]E00614141000036").gtin == "00614141000036"
    assert parse_scan("614141000036").gtin == "00614141000036"  # no identifier: UPC-A


@pytest.mark.parametrize(
    ("raw", "gtin"),
    [
        ("]E009501101530003", None),  # 14 digits are no EAN-13
        ("]E409501101530003", None),  # ]E4 is EAN-8 only
        ("]E46291041500213", None),
        ("]I16291041500213", None),  # ITF-14 has 14 digits
        ("]I109501101530003", "09501101530003"),
        ("]E36291041500213", "06291041500213"),  # ]E3: EAN-13 with an add-on
        ("]E3629104150021312", "06291041500213"),  # 2-digit add-on
        ("]E3629104150021312345", "06291041500213"),  # 5-digit add-on
    ],
)
def test_each_identifier_takes_only_its_own_lengths(raw: str, gtin: str | None) -> None:
    scan = parse_scan(raw)
    assert scan.gtin == gtin, scan.rejected_reason
    assert scan.ok is (gtin is not None)


def test_a_trailing_gs_makes_digits_gs1_element_strings_not_a_gtin() -> None:
    # (17)250101 (30)1234 is also a valid GTIN-14 as digits; the GS says it is GS1 data
    text = "17250101301234"
    assert parse_scan(text).gtin == text  # no GS: a plain GTIN, as before
    for raw in (text + "\x1d", "\x1d" + text):
        scan = parse_scan(raw)
        assert scan.gtin is None
        assert scan.elements == (("17", "250101"), ("30", "1234"))


def test_twelve_digits_after_e0_stay_refused_as_two_products_could_be_meant() -> None:
    """A scanner set not to send the EAN-13 check digit sends ]E0 + 12 digits; so does one
    that sends UPC-A as 12 digits. 614141000036 is then GTIN 00614141000036 (a UPC-A with its
    check digit 6) or 06141410000366 (an EAN-13 missing its check digit 6): two products.
    Neither is guessed (the scanner self-test names the setting to fix)."""
    digits = "614141000036"
    assert with_check_digit(digits[:11]) == digits  # a valid UPC-A
    assert with_check_digit(digits) != "0" + digits  # and an EAN-13 of another product
    scan = parse_scan("]E0" + digits)
    assert not scan.ok and scan.gtin is None
