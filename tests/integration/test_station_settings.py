"""A station refuses to start on a setting any of its flows would refuse, naming each one,
instead of refusing a scan in the middle of a shift."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from floor.cli import main
from floor.config import ConfigError, Settings
from floor.station import open_station
from floor.station_settings import check_station_settings
from tests.support import SmallWarehouse, add_dock


def test_every_bad_section_is_named_when_the_station_opens(warehouse: SmallWarehouse) -> None:
    settings = replace(
        Settings(warehouse="TST", source="floor.toml"),
        sections={
            "receiving": {"min_shelf_life_day": 30},  # a typo: the flow would ignore it
            "packing": {"weight_tolerance_pct": "five"},
            "printer": {"kind": "fax"},
        },
    )
    with pytest.raises(ConfigError) as err:
        check_station_settings(settings, "ST09")
    message = str(err.value)
    assert message.startswith("floor.toml: 3 setting(s) to fix")
    assert "receiving: unknown setting 'min_shelf_life_day'" in message
    assert "packing.weight_tolerance_pct" in message and "printer.kind" in message
    with pytest.raises(ConfigError) as err:  # the app's start: the printer comes later
        open_station(warehouse.engine, settings, "ST09")
    assert str(err.value).startswith("floor.toml: 2 setting(s) to fix")


def test_good_settings_open_the_station(warehouse: SmallWarehouse) -> None:
    settings = replace(
        Settings(warehouse="TST"),
        sections={"receiving": {"min_shelf_life_days": 30}, "packing": {"weight_tolerance_g": 80}},
    )
    assert open_station(warehouse.engine, settings, "ST09").station_code == "ST09"


def test_an_unknown_dock_stops_the_station_naming_the_warehouses_docks(
    warehouse: SmallWarehouse,
) -> None:
    add_dock(warehouse, "DOCK-02")
    settings = replace(
        Settings(warehouse="TST", source="floor.toml"), sections={"receiving": {"dock": "D02"}}
    )
    with pytest.raises(ConfigError) as err:
        open_station(warehouse.engine, settings, "ST09")
    assert str(err.value) == (
        "floor.toml: receiving.dock: 'D02' is not a dock door of warehouse TST "
        "(its docks: DOCK-01, DOCK-02)"
    )
    for not_a_dock in ("A01-01-1", "QUA-01"):  # a location, but not of a receiving zone
        bad = replace(settings, sections={"receiving": {"dock": not_a_dock}})
        with pytest.raises(ConfigError, match="is not a dock door of warehouse TST"):
            open_station(warehouse.engine, bad, "ST09")
    good = replace(settings, sections={"receiving": {"dock": "DOCK-02"}})
    assert open_station(warehouse.engine, good, "ST09").station_code == "ST09"


def test_floor_refuses_to_start_and_says_what_to_fix(
    warehouse: SmallWarehouse,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "floor.toml"
    config.write_text(
        'warehouse = "TST"\n[receiving]\nmin_shelf_life_days = "ninety"\n[printer]\nkind = "fax"\n'
    )
    monkeypatch.setenv("FLOOR_CONFIG", str(config))
    url = warehouse.engine.url.render_as_string(hide_password=False)
    code = main(["--database-url", url, "run", "--scanner", "none"])
    err = capsys.readouterr().err
    assert code != 0
    assert "receiving.min_shelf_life_days: expected a whole number of days" in err
    assert "printer.kind" in err
