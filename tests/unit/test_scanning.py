"""parse_scan: GS1 examples, AIM identifiers, the site scan language, rejections with reasons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import biip
import pytest

from floor.config import ConfigError
from floor.gs1 import gs1_check_digit, is_valid_gs1_number, location_check_digits
from floor.scanning import Command, ScanKind, ScanLanguage, parse_check_digit, parse_scan

GS = "\x1d"
# GS1's own sample numbers: GTIN 09501101530003 (GS1 example company 950110153),
# SSCC 106141411234567897 (GS1 US example prefix 0614141).
GTIN = "09501101530003"
SSCC = "106141411234567897"


def test_gs1_check_digit_matches_the_published_examples() -> None:
    assert gs1_check_digit("0950110153000") == 3
    assert gs1_check_digit("10614141123456789") == 7
    assert gs1_check_digit("629104150021") == 3  # GTIN-13 6291041500213
    assert is_valid_gs1_number(SSCC)
    assert not is_valid_gs1_number("106141411234567890")
    with pytest.raises(ValueError, match="digits"):
        gs1_check_digit("12a")


def test_gtin_lot_and_expiry_parse_to_their_values() -> None:
    scan = parse_scan(f"]C101{GTIN}1725010110ABC123".encode())
    assert scan.kind is ScanKind.PRODUCT
    assert scan.symbology == "]C1"
    assert (scan.gtin, scan.lot, scan.expiry) == (GTIN, "ABC123", date(2025, 1, 1))
    assert scan.rejected_reason is None


def test_expiry_day_00_means_the_last_day_of_the_month() -> None:
    scan = parse_scan(f"01{GTIN}17240200")
    assert scan.expiry == date(2024, 2, 29)


def test_sscc_parses_with_and_without_its_ai() -> None:
    with_ai = parse_scan(f"]C100{SSCC}")
    assert (with_ai.kind, with_ai.sscc) == (ScanKind.SSCC, SSCC)
    bare = parse_scan(SSCC)
    assert (bare.kind, bare.sscc) == (ScanKind.SSCC, SSCC)


@pytest.mark.parametrize(
    ("ai", "value", "kg"),
    [
        ("3103", "000189", Decimal("0.189")),
        ("3102", "002500", Decimal("25.00")),
        ("3100", "000042", Decimal("42")),
        ("3203", "001000", Decimal("0.45359237")),  # 1.000 lb
    ],
)
def test_weight_ais_place_the_decimal_point_by_their_fourth_digit(
    ai: str, value: str, kg: Decimal
) -> None:
    scan = parse_scan(f"01{GTIN}{ai}{value}")
    assert scan.net_weight_kg == kg


def test_gtin_serial_count_best_before_and_many_fields_at_once() -> None:
    text = f"]d201{GTIN}15261231{GS}21SN-0001{GS}3712{GS}10L1"
    scan = parse_scan(text)
    assert scan.symbology == "]d2"
    assert (scan.best_before, scan.serial, scan.count, scan.lot) == (
        date(2026, 12, 31),
        "SN-0001",
        12,
        "L1",
    )


def test_our_gs1_fields_agree_with_biip() -> None:
    text = f"01{GTIN}10LOT-7{GS}17251130{GS}21X9"
    ours = parse_scan(text)
    theirs = biip.parse(text).gs1_message
    assert theirs is not None
    assert ours.elements == tuple((es.ai.ai, es.value) for es in theirs.element_strings)


def test_plain_ean13_upc_and_ean8() -> None:
    assert parse_scan("]E06291041500213").gtin == "06291041500213"
    assert parse_scan("614141000036").gtin == "00614141000036"  # UPC-A
    assert parse_scan("96385074").kind is ScanKind.PRODUCT  # EAN-8


def test_wrong_check_digit_is_rejected_with_the_reason() -> None:
    scan = parse_scan(f"01{GTIN[:-1]}9")
    assert scan.kind is ScanKind.UNKNOWN
    assert "check digit" in (scan.rejected_reason or "")
    assert "check digit" in scan.describe()


def test_digital_link_uri() -> None:
    scan = parse_scan(f"https://id.gs1.org/01/{GTIN}/10/ABC1?17=270101")
    assert (scan.kind, scan.gtin, scan.lot, scan.expiry) == (
        ScanKind.PRODUCT,
        GTIN,
        "ABC1",
        date(2027, 1, 1),
    )


def test_missing_gs_before_a_dated_element_is_ambiguous_not_a_long_lot() -> None:
    scan = parse_scan(f"01{GTIN}10ABC1231725010121XYZ")
    assert scan.kind is ScanKind.AMBIGUOUS
    assert scan.lot is None
    reason = scan.rejected_reason or ""
    assert "GS separator missing after lot (10)" in reason


@pytest.mark.parametrize(
    "raw",
    [
        f"]C101{GTIN}{GS}30",  # count at the end, empty
        f"]C101{GTIN}30{GS}10ABC",  # count ended by GS at once
        f"]C130{GS}01{GTIN}",
        f"]d201{GTIN}30",  # GS1 DataMatrix, count at the end
    ],
)
def test_an_empty_variable_count_names_the_ai_and_what_it_expects(raw: str) -> None:
    scan = parse_scan(raw)
    assert scan.kind is ScanKind.UNKNOWN
    assert scan.count is None
    assert scan.rejected_reason == "variable count (30): expected 1 to 8 digits, got nothing"


def test_an_empty_value_of_another_ai_names_it_too() -> None:
    scan = parse_scan(f"]C101{GTIN}{GS}7004")  # active potency, N..4
    assert scan.kind is ScanKind.UNKNOWN
    assert "(7004): expected 1 to 4 digits, got nothing" in (scan.rejected_reason or "")


def test_an_empty_value_reads_in_the_operators_language() -> None:
    from floor.i18n import language

    scan = parse_scan(f"]C101{GTIN}{GS}30")
    with language("fr"):
        assert "(30) : 1 à 8 chiffres attendus, rien reçu" in (scan.rejected_reason or "")


def test_without_gs_a_lot_that_only_splits_into_more_free_text_is_read_whole() -> None:
    """(10)ABC123 (21)XYZ with its GS lost and the lot ABC12321XYZ are the same characters;
    nothing in "21XYZ" can be checked, so the correct barcode (a lot at the end has no GS
    after it) is read. A scanner that drops GS is found by the scanner self-test."""
    scan = parse_scan(f"01{GTIN}10ABC12321XYZ")
    assert (scan.kind, scan.lot, scan.serial) == (ScanKind.PRODUCT, "ABC12321XYZ", None)


def test_lot_too_long_for_its_ai_is_ambiguous() -> None:
    scan = parse_scan(f"01{GTIN}10{'A' * 25}")
    assert scan.kind is ScanKind.AMBIGUOUS
    assert "GS separator missing after lot (10)" in (scan.rejected_reason or "")


def test_with_gs_present_a_lot_at_the_end_is_trusted() -> None:
    scan = parse_scan(f"01{GTIN}21S1{GS}10B17250315")
    assert (scan.kind, scan.lot) == (ScanKind.PRODUCT, "B17250315")


def test_the_same_data_with_gs_is_fine() -> None:
    scan = parse_scan(f"01{GTIN}10ABC123{GS}17250101{GS}21XYZ")
    assert (scan.kind, scan.lot, scan.serial) == (ScanKind.PRODUCT, "ABC123", "XYZ")


def test_a_leading_or_trailing_gs_and_the_terminator_are_ignored() -> None:
    scan = parse_scan(f"{GS}01{GTIN}10ABC{GS}\r\n".encode())
    assert (scan.kind, scan.lot) == (ScanKind.PRODUCT, "ABC")


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("LPN000123", ScanKind.LPN, "LPN000123"),
        ("TOTE0042", ScanKind.TOTE, "TOTE0042"),
        ("CTN9", ScanKind.CARTON, "CTN9"),
        ("CART0001", ScanKind.CART, "CART0001"),
        ("OP0007", ScanKind.BADGE, "OP0007"),
        ("SO1001", ScanKind.ORDER, "SO1001"),
        ("PO4711", ScanKind.PURCHASE_ORDER, "PO4711"),
        ("A01-03-2", ScanKind.LOCATION, "A01-03-2"),
    ],
)
def test_site_codes(text: str, kind: ScanKind, code: str) -> None:
    scan = parse_scan(text)
    assert (scan.kind, scan.code) == (kind, code)
    assert code in scan.describe()


def test_location_with_check_digits_suffix() -> None:
    scan = parse_scan("A01-03-2*47")
    assert (scan.kind, scan.location, scan.check_digits) == (ScanKind.LOCATION, "A01-03-2", "47")
    assert parse_scan("A01-03-2").has_check_digits is False
    bad = parse_scan("A01-03-2*4")
    assert bad.kind is ScanKind.UNKNOWN
    assert "2 check digits" in (bad.rejected_reason or "")


def test_two_digits_are_check_digits_only_when_the_screen_asks() -> None:
    assert parse_scan("47", expect_check_digit=True).kind is ScanKind.CHECK_DIGIT
    alone = parse_scan("47")
    assert alone.kind is ScanKind.UNKNOWN
    assert "check digits" in (alone.rejected_reason or "")
    assert parse_check_digit(b"47\r") == "47"
    assert parse_check_digit("470") is None


def test_location_check_digits_are_two_stable_digits() -> None:
    digits = location_check_digits("A01-03-2")
    assert len(digits) == 2 and digits.isdigit()
    assert digits == location_check_digits("a01-03-2")
    assert digits != location_check_digits("A01-03-3")


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("CMD:CONFIRM", Command.CONFIRM),
        ("CMD:SHORT", Command.SHORT),
        ("CMD:SKIP", Command.SKIP),
        ("CMD:CANCEL", Command.CANCEL),
        ("CMD:DONE", Command.DONE),
    ],
)
def test_command_barcodes(text: str, command: Command) -> None:
    scan = parse_scan(text)
    assert (scan.kind, scan.command) == (ScanKind.COMMAND, command)


def test_quantity_command_and_its_limits() -> None:
    scan = parse_scan("CMD:QTY:12")
    assert (scan.command, scan.quantity) == (Command.QUANTITY, 12)
    assert scan.describe() == "Quantity 12"
    assert parse_scan("CMD:QTY:0").kind is ScanKind.UNKNOWN
    assert parse_scan("CMD:QTY:x").kind is ScanKind.UNKNOWN


def test_the_language_is_configurable() -> None:
    language = ScanLanguage.from_section(
        {
            "location_pattern": r"\d{2}\.\d{3}",
            "lpn_prefix": "PAL",
            "commands": {"confirm": "OK!"},
        }
    )
    assert parse_scan("12.345", language).kind is ScanKind.LOCATION
    assert parse_scan("PAL77", language).kind is ScanKind.LPN
    assert parse_scan("LPN77", language).kind is ScanKind.UNKNOWN
    assert parse_scan("OK!", language).command is Command.CONFIRM
    assert parse_scan("CMD:DONE", language).command is Command.DONE


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"location_pattern": "("}, "location_pattern"),
        ({"check_digit_length": "two"}, "check_digit_length"),
        ({"commands": {"launch": "X"}}, "commands"),
        ({"lpn_prefx": "X"}, "lpn_prefx"),
        ({"tote_prefix": ""}, "prefixes"),
        ({"cart_prefix": ""}, "prefixes"),
    ],
)
def test_bad_language_settings_name_the_key(section: dict, key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        ScanLanguage.from_section(section)


def test_unknown_input_is_a_typed_result_with_a_reason() -> None:
    scan = parse_scan("hello world")
    assert scan.kind is ScanKind.UNKNOWN
    assert scan.rejected_reason
    assert parse_scan(b"").rejected_reason == "the scan is empty"


def test_azerty_shifted_gtin_gets_a_layout_warning_and_a_suggestion_only() -> None:
    azerty = "(çà&é\"'&é\"'(è"  # 5901234123457 typed by a US-layout scanner into AZERTY
    scan = parse_scan(azerty)
    assert scan.kind is ScanKind.UNKNOWN
    assert scan.gtin is None
    assert "AZERTY" in (scan.rejected_reason or "")
    assert scan.suggestion == "5901234123457"
    assert "5901234123457" in scan.describe()


def test_qwertz_swapped_letters_get_a_layout_warning() -> None:
    scan = parse_scan("CMD:QTZ:5")
    assert "QWERTZ" in (scan.rejected_reason or "")
    assert scan.suggestion == "CMD:QTY:5"


def test_describe_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    import floor.scanning.model as model

    monkeypatch.setattr(model, "_", lambda message, **params: "T:" + message.format(**params))
    assert parse_scan("TOTE1").describe() == "T:Tote TOTE1"


def test_the_ai_table_is_the_same_through_biips_public_api() -> None:
    """floor reads biip's AI table from its module when it can; the public fallback (one
    `extract` per code) must give the very same table, so a biip release that renames
    its private table changes nothing."""
    from floor.scanning.element_strings import ais_by_extract, biip_ai_table

    table, public = biip_ai_table(), ais_by_extract()
    assert len(table) > 500
    assert table.keys() == public.keys()
    for code, entry in table.items():
        other = public[code]
        assert (entry.pattern, entry.separator_required, entry.data_title) == (
            other.pattern,
            other.separator_required,
            other.data_title,
        )


def test_gs1_data_without_a_gtin_is_unknown_but_keeps_its_lot_and_dates() -> None:
    case_label = parse_scan("]C11727013110L-CASE")
    assert case_label.kind is ScanKind.UNKNOWN and not case_label.ok
    assert "GTIN" in (case_label.reason or "")
    assert (case_label.lot, case_label.expiry) == ("L-CASE", date(2027, 1, 31))
    assert case_label.elements == (("17", "270131"), ("10", "L-CASE")) and case_label.surely_gs1
    # without a symbology identifier or a GS the same digits may be a plain lot barcode
    assert not parse_scan("10L-CASE").surely_gs1
    assert parse_scan("10L-CASE\x1d17270131").surely_gs1


def test_a_pallet_label_is_a_logistic_unit_with_its_contents_not_a_product() -> None:
    """GS1 logistic label: SSCC (00) with content GTIN (02), count (37), lot and expiry.
    (02) is only for a logistic unit (GS1 General Specifications, AI (02))."""
    text = f"00{SSCC}02{GTIN}3725\x1d10L1\x1d17270101"
    scan = parse_scan(text)
    assert scan.kind is ScanKind.SSCC and scan.is_logistic_unit
    assert (scan.sscc, scan.content_gtin, scan.gtin) == (SSCC, GTIN, None)
    assert (scan.count, scan.lot, scan.expiry) == (25, "L1", date(2027, 1, 1))
    assert scan.describe() == (
        f"Shipping container (SSCC) {SSCC}, holds 25 x {GTIN}, lot L1, expires 2027-01-01"
    )
    # the label's upper barcode: the contents without the SSCC
    upper = parse_scan(f"]C102{GTIN}3725\x1d10L1")
    assert (upper.kind, upper.sscc, upper.content_gtin, upper.count) == (
        ScanKind.SSCC,
        None,
        GTIN,
        25,
    )
    assert "its SSCC is in another barcode" in upper.describe()
    # a Digital Link to the same pallet
    link = parse_scan(f"https://id.gs1.org/00/{SSCC}?02={GTIN}&37=25&10=L1")
    assert (link.kind, link.sscc, link.content_gtin, link.count) == (ScanKind.SSCC, SSCC, GTIN, 25)
    # a pallet that is itself a trade item keeps its own GTIN, and is still no product
    own = parse_scan(f"00{SSCC}01{GTIN}")
    assert (own.kind, own.gtin) == (ScanKind.SSCC, GTIN)
    assert parse_scan(f"01{GTIN}3712").kind is ScanKind.PRODUCT  # no (00), no (02)


def test_a_gs1_labels_human_readable_line_keyed_by_hand() -> None:
    """The text under a GS1 barcode, typed with its brackets (a receiver keying a damaged
    label's serial), was "not a code this site uses"; each bracket ends an element."""
    scan = parse_scan(f"(01){GTIN}(21)SN-1")
    assert (scan.kind, scan.gtin, scan.serial) == (ScanKind.PRODUCT, GTIN, "SN-1")
    scan = parse_scan(f"(01) {GTIN} (10) L1 (17) 491231")  # as printed, with spaces
    assert (scan.gtin, scan.lot, scan.expiry) == (GTIN, "L1", date(2049, 12, 31))
    assert parse_scan(f"(10)LOT-7(01){GTIN}").lot == "LOT-7"  # a lot first needs no GS
    assert parse_scan("(00)106141411234567897").sscc == "106141411234567897"
    wrong = parse_scan(f"(01){GTIN[:-1]}9")
    assert wrong.kind is ScanKind.UNKNOWN and "check digit" in (wrong.rejected_reason or "")
    assert parse_scan("(foo)").kind is ScanKind.UNKNOWN
