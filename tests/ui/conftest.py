"""UI fixtures and Pilot helpers: the small warehouse on SQLite, a station app factory, and
the steps every flow test takes (log in, open a flow, scan, press a key, read the screen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from sqlalchemy import Engine, update
from textual.widgets import Static

from floor.config import Settings
from floor.db import session_scope
from floor.models import Operator
from tests.support import SmallWarehouse, barcode, build_small_warehouse

if TYPE_CHECKING:
    from floor.screens.flow import FlowScreen

Flow = TypeVar("Flow", bound="FlowScreen")

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((40, 16), id="40x16")]
"""The terminal sizes of the snapshots: a desk terminal and an RF gun."""


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


def text_of(app: Any, selector: str) -> str:
    """The text of the Static `selector` on the app's current screen."""
    return str(app.screen.query_one(selector, Static).render())


async def scan(pilot: Any, raw: str) -> str:
    """Scan `raw`, let the screen settle, and return the feedback line."""
    pilot.app.inject_scan(raw)
    await settle(pilot)
    return text_of(pilot.app, "#feedback")


async def press(pilot: Any, *keys: str) -> str:
    """Press `keys`, let the screen settle, and return the feedback line."""
    await pilot.press(*keys)
    await settle(pilot)
    return text_of(pilot.app, "#feedback")


async def open_flow(pilot: Any, flow: type[Flow], badge: str = "OPPICKER") -> Flow:
    """Log `badge` in, open the `flow` screen and let it settle."""
    await log_in(pilot, badge)
    screen = pilot.app.open_flow(flow)
    await settle(pilot)
    assert isinstance(screen, flow)
    return screen


async def resume_flow(pilot: Any, flow: type[Flow], badge: str) -> Flow:
    """Log `badge` in on a restarted station: the screen it resumes must be `flow`."""
    await log_in(pilot, badge)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, flow)
    return screen


def speaks(wh: SmallWarehouse, badge: str, language: str) -> None:
    """The operator with `badge` works in `language` from the next login."""
    with session_scope(wh.engine) as s:
        s.execute(update(Operator).where(Operator.badge == badge).values(language=language))


def label(location: str) -> str:
    """A location's barcode carrying its check digits (`code*digits`, as on the demo sheet)."""
    from floor.gs1 import location_check_digits

    return f"{location}*{location_check_digits(location)}"


def gs1(wh: SmallWarehouse, sku: str, lot: str, expiry: dt.date) -> str:
    """The GS1-128 label of `sku` with its expiry and lot, as a scanner reads it."""
    return f"]C101{barcode(wh, sku)}17{expiry:%y%m%d}10{lot}"
