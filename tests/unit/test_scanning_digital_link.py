"""GS1 Digital Link URIs against the GS1 Barcode Syntax Engine's own test vectors
(tests/data/gs1/digital_link.json), plus the cases the standard forbids and floor took.

The expected element strings are split by biip (an oracle sharing no code with floor).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import biip
import pytest

from floor.scanning import ScanKind, parse_scan
from floor.scanning.digital_link import digital_link_elements
from floor.scanning.element_strings import ElementError, check_element

DATA = Path(__file__).parents[1] / "data" / "gs1"
CASES = json.loads((DATA / "digital_link.json").read_text())["cases"]
GTIN = "09501101530003"


def _read(uri: str) -> list[tuple[str, str]]:
    elements = digital_link_elements(uri)
    for element in elements:
        check_element(element, date(2026, 1, 1))
    return [(element.ai, element.value) for element in elements]


def _expected(expect: str) -> list[tuple[str, str]]:
    message = biip.parse(expect.removeprefix("^").replace("^", "\x1d")).gs1_message
    assert message is not None
    return [(es.ai.ai, es.value) for es in message.element_strings]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["uri"] or "(empty)")
def test_syntax_engine_vectors(case: dict) -> None:
    if case["ok"]:
        assert _read(case["uri"]) == _expected(case["expect"])
    else:
        with pytest.raises(ElementError):
            _read(case["uri"])


@pytest.mark.parametrize(
    ("uri", "words"),
    [
        (
            f"https://id.gs1.org/01/{GTIN}/10/ABC?10=XYZ",
            "lot (10) is given twice, as ABC and as XYZ",
        ),
        (f"https://id.gs1.org/01/{GTIN}?17=270101&17=270101", "expiry (17) is given twice"),
        (f"https://id.gs1.org/01/{GTIN}/10/", "lot (10) has an empty value"),
        (f"https://id.gs1.org/01/{GTIN}//10/ABC", "no GS1 key"),  # the path breaks at //
        (f"https://id.gs1.org/01/{GTIN}?17=", "expiry (17) has an empty value"),
        (f"https://id.gs1.org/01/{GTIN}?999=1", "999 in the query string is not a GS1"),
        (f"https://id.gs1.org/01/{GTIN}?10=ABC", "lot (10) belongs in the path"),
        (f"https://id.gs1.org/01/{GTIN}?21=S1", "serial (21) belongs in the path"),
        (f"https://id.gs1.org/01/{GTIN}/21/S1/10/ABC", "(01)(21)(10) is not a GS1 key"),
        ("https://id.gs1.org/10/ABC", "no GS1 key"),
        (f"https://id.gs1.org/01/{GTIN[:-1]}9", "check digit"),
        (f"https://id.gs1.org/01/{GTIN}?17=270231", "not a real date"),
        (f"https://id.gs1.org/01/{GTIN}/10/AB%20C", "wrong format"),  # a space is no CSET 82
    ],
)
def test_what_the_standard_forbids_is_refused_naming_the_problem(uri: str, words: str) -> None:
    scan = parse_scan(uri)
    assert scan.kind is ScanKind.UNKNOWN, scan.describe()
    assert scan.gtin is None and scan.lot is None
    assert words in (scan.rejected_reason or "")


@pytest.mark.parametrize(
    "uri",
    [
        f"https://id.gs1.org/01/{GTIN}/10/L%2F1?17=270101",
        f"https://shop.example.com/01/{GTIN}/10/L%2F1?17=270101",
        f"https://example.com/products/de/01/{GTIN}/10/L%2F1?17=270101&utm_source=qr#top",
        f"http://EXAMPLE.com:8080/01/{GTIN[1:]}/10/L%2F1?lang=fr&17=270101",
        f"HTTPS://example.com/01/{GTIN}/10/L%2F1?17=270101&singleton",
    ],
)
def test_any_domain_path_prefix_and_foreign_query_parameters(uri: str) -> None:
    scan = parse_scan(uri)
    assert (scan.kind, scan.gtin, scan.lot, scan.expiry) == (
        ScanKind.PRODUCT,
        GTIN,
        "L/1",
        date(2027, 1, 1),
    ), scan.rejected_reason


def test_the_qualifiers_in_their_order_and_the_alternative_one() -> None:
    scan = parse_scan(f"https://id.gs1.org/01/{GTIN}/22/V1/10/L1/21/S1?3103=000500")
    assert scan.elements == (
        ("01", GTIN),
        ("22", "V1"),
        ("10", "L1"),
        ("21", "S1"),
        ("3103", "000500"),
    )
    # (235) is the other qualifier list of (01): then (10) is data, in the query string
    scan = parse_scan(f"https://id.gs1.org/01/{GTIN}/235/TPX1?10=L1")
    assert (scan.kind, scan.lot) == (ScanKind.PRODUCT, "L1")
