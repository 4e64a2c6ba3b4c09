"""`[receiving] dock`: the dock door a station receives at, read and checked with the rest of
`[receiving]` when the station starts (its code against the database: tests/integration/
test_station_settings.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from floor.config import ConfigError, Settings
from floor.inbound.receiving_checks import ReceivingPolicy
from floor.station_settings import check_station_settings


def test_the_dock_is_read_and_trimmed() -> None:
    assert ReceivingPolicy.from_section({"dock": " DOCK-02 "}).dock == "DOCK-02"
    assert ReceivingPolicy.from_section({}).dock is None


@pytest.mark.parametrize("value", ["", "   ", 2, True, ["DOCK-01"]])
def test_a_dock_that_is_no_code_is_refused(value: object) -> None:
    with pytest.raises(ConfigError) as err:
        ReceivingPolicy.from_section({"dock": value})
    assert str(err.value).startswith("receiving.dock: expected the code of a dock door")


def test_a_misspelt_key_names_dock_among_the_known_ones() -> None:
    with pytest.raises(ConfigError) as err:
        ReceivingPolicy.from_section({"dock_code": "DOCK-02"})
    assert "unknown setting 'dock_code'" in str(err.value) and "dock" in str(err.value)


def test_a_bad_dock_stops_the_station_with_the_other_bad_settings() -> None:
    settings = replace(
        Settings(source="floor.toml"),
        sections={"receiving": {"dock": 7}, "packing": {"weight_tolerance_pct": "five"}},
    )
    with pytest.raises(ConfigError) as err:
        check_station_settings(settings, printer=False)
    assert str(err.value).startswith("floor.toml: 2 setting(s) to fix")
    assert "receiving.dock: expected the code of a dock door" in str(err.value)
