"""GS1 check digits, element strings with FNC1, and the Code 128 encoder (labels/)."""

from __future__ import annotations

import pytest

from labels import gs1
from labels.code128 import FNC1, Code128Error, encode
from labels.errors import LabelDataError
from labels.zpl import code128_field


def test_check_digit_of_known_numbers() -> None:
    assert gs1.check_digit("10614141123456789") == "7"  # SSCC from the GS1 General Specs
    assert gs1.check_digit("400638133393") == "1"  # GTIN-13 4006381333931
    assert gs1.sscc("sscc", "106141411234567897") == "106141411234567897"


def test_wrong_check_digit_names_field_and_expected_digit() -> None:
    with pytest.raises(LabelDataError) as err:
        gs1.sscc("sscc", "106141411234567890")
    assert err.value.field == "sscc"
    assert "expected 7" in str(err.value)


def test_fnc1_first_and_after_variable_fields_not_last() -> None:
    elements = [("01", "10614141000019"), ("10", "LOT7"), ("17", "261231"), ("21", "S1")]
    data = gs1.barcode_data(elements)
    assert data == FNC1 + "0110614141000019" + "10LOT7" + FNC1 + "17261231" + "21S1"
    assert gs1.transmitted(elements) == "]C10110614141000019" + "10LOT7\x1d" + "17261231" + "21S1"


def test_hri_has_parentheses_and_no_fnc1() -> None:
    text = gs1.hri([("00", "106141411234567897")])
    assert text == "(00) 106141411234567897"
    assert FNC1 not in text and "ñ" not in text


@pytest.mark.parametrize(
    ("elements", "field_text"),
    [
        ([("10", "LOT with space")], "cannot carry"),
        ([("10", "X" * 21)], "1 to 20 characters"),
        ([("37", "12a")], "must be digits"),
        ([("99", "x")], "not supported"),
    ],
)
def test_unencodable_gs1_values(elements: list[tuple[str, str]], field_text: str) -> None:
    with pytest.raises(LabelDataError, match=field_text):
        gs1.barcode_data(elements, "lot")


def test_code128_uses_subset_c_for_digits_and_b_for_text() -> None:
    # START C, FNC1, 00, 10, 61, ... : 18 digits -> 9 symbols after FNC1.
    symbols = encode(FNC1 + "00106141411234567897")
    assert symbols.values[:3] == (105, 102, 0)
    assert len(symbols.values) == 1 + 1 + 10 + 2
    mixed = encode("AB1234")
    assert mixed.values[:4] == (104, 33, 34, 99)  # START B, A, B, CODE C
    assert mixed.values[4:6] == (12, 34)


def test_code128_check_symbol() -> None:
    # Subset B throughout: 104 + 48*1 + 42*2 + 42*3 + 17*4 + 18*5 + 19*6 + 35*7 = 879;
    # 879 mod 103 = 55.
    assert encode("PJJ123C").values == (104, 48, 42, 42, 17, 18, 19, 35, 55, 106)


def test_code128_rejects_control_characters() -> None:
    with pytest.raises(Code128Error):
        encode("A\tB")


def test_zpl_field_data_has_start_c_and_fnc1_codes() -> None:
    data = gs1.barcode_data([("02", "10614141000194"), ("37", "48"), ("10", "L>1")])
    assert code128_field(data) == ">;>80210614141000194" + "3748>8>6" + "10L>01"


def test_datamatrix_refuses_what_it_cannot_draw() -> None:
    from labels.datamatrix import DataMatrixError, encode

    with pytest.raises(DataMatrixError, match="too long: 45 codewords"):
        encode("x" * 45)
    with pytest.raises(DataMatrixError, match="only ASCII"):
        encode("Entrepôt")
    assert encode("12" * 44).size == 26  # 88 digits: a codeword per digit pair


def test_ean13_bars_and_refusals() -> None:
    from labels.ean13 import Ean13Error, encode

    symbols = encode("5901234123457")
    assert symbols.pattern().startswith("101") and symbols.pattern().endswith("101")
    assert len(symbols.pattern()) == symbols.modules == 95
    assert sum(width for _, width in symbols.bars()) == symbols.pattern().count("1")
    with pytest.raises(Ean13Error, match="check digit"):
        encode("5901234123458")
    with pytest.raises(Ean13Error, match="13 digits"):
        encode("590123412345")
