"""UI fixtures: the small warehouse on SQLite and a station app factory for Pilot tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from floor.config import Settings
from tests.support import SmallWarehouse, build_small_warehouse


@pytest.fixture
def ui_warehouse(sqlite_engine: Engine) -> SmallWarehouse:
    return build_small_warehouse(sqlite_engine)


@pytest.fixture
def ui_settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url="sqlite://",  # unused: the app gets the test engine
        station="ST01",
        warehouse="TST",
        language="en",
        bell=True,
        idle_logout_seconds=900,
        data_dir=str(tmp_path / "data"),
    )


@pytest.fixture
def make_app(ui_warehouse: SmallWarehouse, ui_settings: Settings) -> Callable[..., Any]:
    """make_app(**settings_overrides, scan_source=None) -> FloorApp on the small warehouse."""
    from floor.app import create_app

    def factory(scan_source: Any = None, **overrides: Any) -> Any:
        settings = replace(ui_settings, **overrides)
        return create_app(settings, ui_warehouse.engine, scan_source=scan_source)

    return factory


async def settle(pilot: Any) -> None:
    """Let workers finish and the screen catch up."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def log_in(pilot: Any, badge: str = "OPPICKER", pin: str = "1234") -> None:
    pilot.app.inject_scan(badge)
    await settle(pilot)
    pilot.app.login_as(badge, pin)
    await settle(pilot)
