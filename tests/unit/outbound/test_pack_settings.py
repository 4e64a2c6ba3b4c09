"""[packing] settings, the weight tolerance and SSCC assembly (no database)."""

from __future__ import annotations

import pytest

from floor.config import ConfigError, Settings
from floor.gs1 import is_valid_gs1_number
from floor.outbound.pack_settings import PackingSettings
from floor.outbound.sscc import is_sscc, sscc_of


def test_defaults_take_the_top_level_company_prefix() -> None:
    settings = PackingSettings.from_settings(Settings(gs1_company_prefix="4012345"))
    assert settings == PackingSettings("4012345", 0, 5.0, 50)
    own = Settings(
        sections={"packing": {"gs1_company_prefix": "123456789", "sscc_extension_digit": 7}}
    )
    assert PackingSettings.from_settings(own).gs1_company_prefix == "123456789"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"gs1_company_prefix": "12AB"}, "6 to 12 digits"),
        ({"sscc_extension_digit": 10}, "0 to 9"),
        ({"weight_tolerance_pct": "lots"}, "expected a number"),
        ({"weight_tolerance_g": -1}, "0 to 100000"),
        ({"tolerance": 5}, "unknown setting 'tolerance'"),
    ],
)
def test_bad_settings_name_the_key(section: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        PackingSettings.from_section(section)


def test_tolerance_is_the_larger_of_percent_and_grams() -> None:
    settings = PackingSettings(weight_tolerance_pct=2.0, weight_tolerance_g=30)
    assert settings.tolerance_g(1000) == 30 and settings.tolerance_g(5000) == 100
    assert settings.weight_ok(5000, 5100) and not settings.weight_ok(5000, 5101)
    assert settings.weight_ok(5000, 4900) and not settings.weight_ok(5000, 4899)


def _check(digits: str) -> int:
    """The GS1 check digit, computed independently: weights 3, 1, 3, ... from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def test_sscc_parts_and_check_digit() -> None:
    sscc = sscc_of(3, "0614141", 42)
    assert sscc[:17] == "30614141000000042" and int(sscc[17]) == _check(sscc[:17])
    assert is_valid_gs1_number(sscc) and is_sscc(sscc)
    long_prefix = sscc_of(0, "061414112345", 9)  # a 12-digit prefix leaves 4 digits
    assert long_prefix[:17] == "00614141123450009" and len(long_prefix) == 18
    with pytest.raises(ValueError):
        sscc_of(0, "0614141", 10**9)
