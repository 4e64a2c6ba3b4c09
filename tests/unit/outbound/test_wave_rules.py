"""Wave rules keyed as text: each field parsed, or refused naming what was expected."""

from __future__ import annotations

import datetime as dt

import pytest

from floor.errors import InvalidInput
from floor.outbound.wave_rules import FIELDS, parse_field, rules_from, shown


def test_each_field_parses_its_text() -> None:
    assert parse_field("carrier", " UPS ") == "UPS"
    assert parse_field("min_priority", "0") == 0
    assert parse_field("ship_by_before", "2030-06-01") == dt.date(2030, 6, 1)
    assert parse_field("zone", "pck") == "PCK"
    assert parse_field("max_orders", "40") == 40
    assert parse_field("max_volume_l", "2,5") == 2.5
    cutoff = parse_field("cutoff_before", "2030-06-01 15:00")
    assert cutoff.tzinfo is dt.UTC
    assert cutoff == dt.datetime(2030, 6, 1, 15, 0).astimezone(dt.UTC)
    assert shown("cutoff_before", cutoff) == "2030-06-01 15:00"
    today = parse_field("cutoff_before", "9:30").astimezone()
    assert (today.date(), today.hour, today.minute) == (dt.date.today(), 9, 30)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("cutoff_before", "tomorrow", "a date and time like 2026-06-01 15:00"),
        ("cutoff_before", "2030-06-01", "a date and time like 2026-06-01 15:00"),
        ("cutoff_before", "25:00", "a date and time like 2026-06-01 15:00"),
        ("min_priority", "-1", "a whole number, like 5"),
        ("ship_by_before", "2030-13-01", "a date like 2026-06-01"),
        ("max_orders", "0", "a whole number above zero"),
        ("max_lines", "1.5", "a whole number above zero"),
        ("max_volume_l", "-3", "litres above zero"),
        ("max_volume_l", "nan", "litres above zero"),
        ("carrier", "U P S", "a carrier code"),
        ("zone", "", "a zone code"),
    ],
)
def test_a_wrong_value_names_what_was_expected(name: str, text: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_field(name, text)
    assert expected in str(err.value) and expected in (err.value.expected or "")


def test_rules_from_leaves_unset_rules_open() -> None:
    rules = rules_from({"carrier": "UPS", "max_lines": 10})
    assert rules.carrier == "UPS" and rules.max_lines == 10
    assert rules.zone is None and rules.min_priority is None
    assert {f.name for f in FIELDS} == set(rules.to_json()) | {
        "cutoff_before",
        "min_priority",
        "ship_by_before",
        "zone",
        "max_orders",
        "max_volume_l",
    }
