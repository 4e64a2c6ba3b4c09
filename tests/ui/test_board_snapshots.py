"""Snapshots of the supervisor board at 80x24 and 160x48, on a fixed clock: every time the
board shows is stamped relative to it (local time is UTC here)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, select, update

import floor.screens.board
from floor.db import session_scope
from floor.journal import REJECTED
from floor.models import (
    Movement,
    PrintJob,
    ScanJournalEntry,
    StationHeartbeat,
    StockTransaction,
    Task,
)
from floor.screens.board import BoardScreen
from tests.board_support import beat, journal, pick_next, released_wave, start_cart
from tests.support import SmallWarehouse, add_stock
from tests.ui.test_board import until

NOW = dt.datetime(2030, 3, 4, 10, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(floor.screens.board, "board_now", lambda: NOW)
    yield
    monkeypatch.undo()
    time.tzset()


def _floor(wh: SmallWarehouse) -> None:
    released_wave(wh, orders=3, code="W-MORNING")
    picker = wh.operators["picker"]
    start_cart(wh, picker)
    pick_next(wh, picker)
    pick_next(wh, picker)
    for _ in range(3):
        journal(wh, "ST05", wh.operators["receiver"], "X1", REJECTED, message="Wrong location")
    add_stock(wh, "A02-02-1", "LOT", 12, lot="L7", expiry=dt.date(2030, 3, 6))
    with session_scope(wh.engine) as s:
        s.add(
            PrintJob(
                job_key="J1",
                station="ST02",
                template="tote",
                status="failed",
                reference="SO2",
                last_error="printer not answering",
            )
        )
    _restamp(wh)
    beat(wh, "ST02", picker, at=NOW - dt.timedelta(seconds=2))
    beat(
        wh,
        "ST04",
        wh.operators["counter"],
        flow="counting",
        scanner=False,
        at=NOW - dt.timedelta(seconds=3),
    )
    beat(wh, "ST05", wh.operators["receiver"], flow="receiving", at=NOW)
    beat(wh, "ST03", None, flow="menu", at=NOW - dt.timedelta(minutes=4))


def _restamp(wh: SmallWarehouse) -> None:
    """Every time the board reads, relative to NOW: newest ledger row 2 minutes ago, each
    older one a minute before; a scan 1.5 s before the ledger row it confirmed."""
    with session_scope(wh.engine) as s:
        ids = s.scalars(select(StockTransaction.id).order_by(StockTransaction.id.desc())).all()
        at_of = {}
        for n, tid in enumerate(ids):
            at = NOW - dt.timedelta(minutes=2 + n)
            at_of[tid] = at
            s.execute(
                update(StockTransaction).where(StockTransaction.id == tid).values(created_at=at)
            )
            s.execute(update(Movement).where(Movement.transaction_id == tid).values(created_at=at))
        confirmed = dict(
            s.execute(
                select(StockTransaction.scan_id, StockTransaction.id).where(
                    StockTransaction.scan_id.is_not(None)
                )
            ).all()
        )
        for entry_id, scan_id in s.execute(select(ScanJournalEntry.id, ScanJournalEntry.scan_id)):
            tid = confirmed.get(scan_id)
            at = at_of[tid] - dt.timedelta(seconds=1.5) if tid else NOW - dt.timedelta(minutes=1)
            s.execute(
                update(ScanJournalEntry)
                .where(ScanJournalEntry.id == entry_id)
                .values(read_at=at, recorded_at=at)
            )
        s.execute(update(Task).values(updated_at=NOW - dt.timedelta(minutes=4)))
        s.execute(
            update(PrintJob).values(
                updated_at=NOW - dt.timedelta(minutes=10), created_at=NOW - dt.timedelta(minutes=11)
            )
        )
        s.execute(delete(StationHeartbeat))


async def _on_the_board(pilot: Any) -> None:
    from tests.ui.conftest import open_flow

    await open_flow(pilot, BoardScreen, "OPSUPERVISOR")
    app = pilot.app
    assert await until(pilot, lambda: "W-MORNING" in str(app.screen.query_one("#waves").render()))
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_snapshot_board(
    snap_compare: Callable[..., bool],
    make_app: Callable[..., Any],
    ui_warehouse: SmallWarehouse,
    size: tuple[int, int],
) -> None:
    _floor(ui_warehouse)
    assert snap_compare(make_app(), terminal_size=size, run_before=_on_the_board)
