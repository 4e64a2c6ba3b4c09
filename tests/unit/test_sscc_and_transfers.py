"""Without a database: the ASN file read by pallet (floor.imports.asn.parse), a transfer's
SKU=QTY lines and its status from shipped and received units (floor.transfers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from floor.errors import InvalidInput
from floor.gs1 import with_check_digit
from floor.imports import asn
from floor.imports.source import open_source
from floor.imports.source_csv import CsvSource
from floor.transfers import TransferLine, _status, parse_line

SSCC = with_check_digit("00614141000000001")
OTHER = with_check_digit("00614141000000002")


def _parse(tmp_path: Path, text: str, name: str = "asn.csv") -> tuple[list, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    fmt = path.suffix[1:]
    with open_source(str(path), path, fmt, "asn") as source:
        if isinstance(source, CsvSource):
            source.lower_columns()
        records = asn.parse(source)
        return records, [p.text() if hasattr(p, "text") else str(p) for p in source.problems]


def test_rows_are_grouped_by_reference_and_read_by_pallet(tmp_path: Path) -> None:
    records, problems = _parse(
        tmp_path,
        "Reference,SSCC,SKU,GTIN,Quantity,Lot,Expiry\n"
        f"ASN-1,{SSCC},PLAIN,,24,,\n"
        f"ASN-1,00{OTHER},,10614141000101,2,L1,2030-06-30\n",
    )
    assert problems == []
    [record] = records
    assert record.reference == "ASN-1"
    assert [(r.sscc, r.sku, r.gtin, r.quantity, r.lot) for r in record.rows] == [
        (SSCC, "PLAIN", "", 24, ""),
        (OTHER, "", "10614141000101", 2, "L1"),
    ]
    assert record.rows[1].expiry is not None and record.rows[1].column == "gtin"


def test_each_bad_value_is_a_problem_on_its_line(tmp_path: Path) -> None:
    wrong = SSCC[:-1] + str((int(SSCC[-1]) + 1) % 10)
    _records, problems = _parse(
        tmp_path,
        "reference,sscc,sku,quantity\n"
        f"ASN-1,{wrong},PLAIN,1\n"
        f"ASN-1,12345,PLAIN,1\n"
        f"ASN-1,{SSCC},,1\n"
        f"ASN-2,{SSCC},PLAIN,1\n",
    )
    text = "\n".join(problems)
    assert ":2: column sscc: expected an SSCC with a valid check digit" in text
    assert ":3: column sscc: expected an SSCC of 18 digits" in text
    assert ":4: column sku: expected a sku or a gtin" in text
    assert ":5: column sscc: expected an SSCC not already listed under ASN-1 on line 4" in text


def test_a_header_without_an_item_column_is_refused_at_the_header(tmp_path: Path) -> None:
    _records, problems = _parse(tmp_path, f"reference,sscc,quantity\nASN-1,{SSCC},1\n")
    assert any("a column sku or gtin" in p for p in problems)


def test_transfer_lines_on_the_command_line() -> None:
    assert parse_line("PLAIN=12") == ("PLAIN", 12)
    assert parse_line(" SKU=WITH=EQUALS = 3") == ("SKU=WITH=EQUALS", 3)
    for bad in ("PLAIN", "=3", "PLAIN=x", "PLAIN=-1"):
        with pytest.raises(InvalidInput, match="expected SKU=QTY"):
            parse_line(bad)


def test_a_transfers_status_follows_what_shipped_and_was_received() -> None:
    def line(shipped: int, received: int) -> TransferLine:
        return TransferLine("A", "", 5, shipped, shipped, received)

    assert _status([line(0, 0)], "allocated") == "open"
    assert _status([line(3, 0)], "partially_shipped") == "in_transit"
    assert _status([line(5, 2)], "shipped") == "in_transit"
    assert _status([line(5, 5)], "partially_shipped") == "in_transit"  # more to ship
    assert _status([line(5, 5)], "shipped") == "received"
    assert line(5, 2).in_transit == 3 and line(2, 5).in_transit == 0
