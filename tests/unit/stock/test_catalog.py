"""GTIN forms: the same GTIN stored as GTIN-14, GTIN-13, UPC-A or EAN-8 is found."""

from __future__ import annotations

from floor.stock.catalog import barcode_forms


def test_a_gtin_14_covers_its_shorter_forms_only_where_the_zeros_allow() -> None:
    assert barcode_forms("00614141000012") == {"00614141000012", "0614141000012", "614141000012"}
    assert barcode_forms("0614141000012") == {"00614141000012", "0614141000012", "614141000012"}
    assert "12345670" in barcode_forms("00000012345670")  # EAN-8 inside a GTIN-14
    assert barcode_forms("10614141000019") == {"10614141000019"}  # a case GTIN stays itself


def test_other_codes_match_as_written() -> None:
    assert barcode_forms(" SKU-0001 ") == {"SKU-0001"}
    assert barcode_forms("LPN0001") == {"LPN0001"}
