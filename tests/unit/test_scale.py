"""Scale weight lines: protocols, stability, units, configuration errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from floor.config import ConfigError
from floor.devices.scale import ScaleSettings, WeightParser, to_kg


@pytest.mark.parametrize(
    ("line", "kg", "stable"),
    [
        ("ST,GS,+001.234kg\r\n", Decimal("1.234"), True),
        ("US,GS,+001.234kg", Decimal("1.234"), False),
        ("ST,NT,+0012.50 g", Decimal("0.01250"), True),
        ("S S      1.234 kg", Decimal("1.234"), True),
        ("S D      0.500 lb", Decimal("0.500") * Decimal("0.45359237"), False),
        ("2.5 lb", Decimal("2.5") * Decimal("0.45359237"), True),
        ("\x02ST,GS,-000.010kg\x03", Decimal("-0.010"), True),
    ],
)
def test_builtin_protocols(line: str, kg: Decimal, stable: bool) -> None:
    weight = WeightParser().parse(line)
    assert weight.ok, weight.error
    assert (weight.kg, weight.stable) == (kg, stable)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("OL,GS,+999.999kg", "overload"),
        ("S +", "range"),
        ("S I", "busy"),
        ("hello", "not a weight line"),
        ("ST,GS,+1.0stone", "unknown weight unit"),
    ],
)
def test_bad_lines_are_errors_not_weights(line: str, error: str) -> None:
    weight = WeightParser().parse(line)
    assert not weight.ok
    assert error in (weight.error or "")


def test_custom_regex_with_status_group() -> None:
    settings = ScaleSettings.from_section(
        {
            "port": "/dev/ttyUSB0",
            "protocol": "regex",
            "pattern": r"W(?P<status>[SM])(?P<value>\d+\.\d+)(?P<unit>kg|lb)",
            "stable_pattern": "S",
        }
    )
    parser = WeightParser(settings)
    assert parser.parse(b"WS12.5kg\r\n").stable is True
    moving = parser.parse(b"WM12.5kg\r\n")
    assert (moving.kg, moving.stable) == (Decimal("12.5"), False)
    assert not parser.parse("ST,GS,+001.234kg").ok


def test_regex_without_unit_uses_the_default_unit() -> None:
    settings = ScaleSettings.from_section(
        {"protocol": "regex", "pattern": r"(?P<value>\d+)", "default_unit": "g"}
    )
    assert WeightParser(settings).parse("1500").kg == Decimal("1.500")


def test_unit_conversion() -> None:
    assert to_kg(Decimal(16), "oz") == Decimal("0.45359237")
    assert to_kg(Decimal(1), "t") == Decimal(1000)
    with pytest.raises(ValueError, match="unknown weight unit"):
        to_kg(Decimal(1), "stone")


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"protocol": "psychic"}, "scale.protocol"),
        ({"protocol": "regex"}, "scale.pattern"),
        ({"pattern": "(unclosed"}, "scale.pattern"),
        ({"pattern": r"\d+"}, "scale.pattern"),
        ({"default_unit": "stone"}, "scale.default_unit"),
        ({"baudrate": "fast"}, "scale.baudrate"),
    ],
)
def test_bad_scale_settings_name_the_key(section: dict, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        ScaleSettings.from_section(section)


def test_scale_serial_defaults_to_crlf_lines() -> None:
    assert ScaleSettings.from_section({"port": "/dev/ttyUSB1"}).serial.terminator == "CRLF"


def test_describe_in_operator_words() -> None:
    parser = WeightParser()
    assert parser.parse("ST,GS,+001.234kg").describe() == "1.234 kg, stable"
    assert parser.parse("US,GS,+001.234kg").describe() == "1.234 kg, settling"
    assert parser.parse("ST,GS,+1.0stone").describe() == "Scale: unknown weight unit stone"
