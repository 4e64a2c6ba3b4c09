"""The board's read model on SQLite and PostgreSQL: waves, people, exceptions and alerts from
the ledger, the scan journal, tasks and heartbeats; each refresh reads only what changed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from floor.board.model import (
    PRINT_FAILED,
    SCANNER_DISCONNECTED,
    SCANS_REJECTED,
    SHORT_PICK,
    STATION_OFFLINE,
    VARIANCE,
    BoardReader,
)
from floor.board.settings import BoardSettings
from floor.db import read_only, session_scope, transaction
from floor.journal import REJECTED
from floor.models import PackedCarton, PrintJob, StationHeartbeat, Task
from floor.outbound import picking, short_picks
from floor.stock import counting
from floor.stock.count_scheduling import create_count_tasks_by_location
from floor.stock.ledger import Actor
from tests.board_support import beat, journal, pick_next, released_wave, start_cart
from tests.support import SmallWarehouse, add_stock, gtin

SETTINGS = BoardSettings(shift_starts=(dt.time(0),), offline_after_seconds=15)


def _refresh(reader: BoardReader, wh: SmallWarehouse, now: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    with read_only(wh.engine) as s:
        return reader.refresh(s, now)


def test_picks_show_in_wave_progress_rate_and_picker_row(warehouse: SmallWarehouse) -> None:
    code = released_wave(warehouse, orders=3)
    picker = warehouse.operators["picker"]
    reader = BoardReader(warehouse.warehouse_id, SETTINGS)
    view = _refresh(reader, warehouse)
    (wave,) = view.waves
    assert (wave.code, wave.status, wave.orders, wave.lines, wave.lines_picked) == (
        code,
        "released",
        3,
        3,
        0,
    )
    assert wave.units == 6 and wave.tasks_open == 3 and wave.finish_at is None

    beat(warehouse, "ST02", picker)
    start_cart(warehouse, picker)
    assert pick_next(warehouse, picker)
    view = _refresh(reader, warehouse)
    (wave,) = view.waves
    assert (wave.lines_picked, wave.units_picked, wave.orders_picked) == (1, 2, 1)
    assert wave.units_per_hour is not None and wave.units_per_hour > 0
    assert wave.finish_at is not None and wave.finish_at > view.now
    (row,) = [p for p in view.people if p.station == "ST02"]
    assert row.online and row.name == "Picker Tester"
    assert row.task is not None and row.task.kind == "pick" and row.task.tasks == 2
    assert row.lines_per_hour and row.scans == 1 and row.rejected_rate == 0
    assert row.median_confirm_seconds is not None
    assert sum(view.chart) == 1

    while pick_next(warehouse, picker):
        pass
    view = _refresh(reader, warehouse)
    (wave,) = view.waves
    assert wave.status == "done" and wave.lines_picked == 3 and wave.progress == 1.0
    assert view.totals.waves_active == 0 and sum(view.chart) == 3


def test_a_refresh_reads_only_new_ledger_and_journal_rows(warehouse: SmallWarehouse) -> None:
    released_wave(warehouse, orders=2)
    picker = warehouse.operators["picker"]
    reader = BoardReader(warehouse.warehouse_id, SETTINGS)
    _refresh(reader, warehouse)
    assert reader.activity is not None
    high = reader.activity.ledger.high
    _refresh(reader, warehouse)
    assert reader.activity.ledger.high == high
    start_cart(warehouse, picker)
    pick_next(warehouse, picker)
    _refresh(reader, warehouse)
    assert reader.activity.ledger.high is not None and reader.activity.ledger.high > (high or 0)
    assert reader.activity.operators[picker].picks == 1
    _refresh(reader, warehouse)  # read again: nothing counted twice
    assert reader.activity.operators[picker].picks == 1


def test_exceptions_queue(warehouse: SmallWarehouse) -> None:
    released_wave(warehouse, orders=1)
    picker, supervisor = warehouse.operators["picker"], warehouse.operators["supervisor"]
    now = dt.datetime.now(dt.UTC)
    beat(warehouse, "ST02", picker, scanner=False)
    beat(warehouse, "ST03", None, at=now - dt.timedelta(seconds=60))
    for _ in range(3):
        journal(warehouse, "ST04", picker, "XX", REJECTED, message="Wrong location")
    add_stock(warehouse, "A02-01-1", "PLAIN", 100)
    actor = Actor(supervisor)
    transaction(
        warehouse.engine,
        lambda s: create_count_tasks_by_location(s, [warehouse.locations["A02-01-1"]], actor=actor),
    )
    # counted 70 twice (by two people): a recount, then a variance of -30 for approval
    for counter in (Actor(warehouse.operators["counter"]), actor):
        count = transaction(
            warehouse.engine,
            lambda s, c=counter: counting.next_count_task(s, warehouse.warehouse_id, actor=c),
        )
        assert count is not None
        transaction(
            warehouse.engine,
            lambda s, c=counter, t=count: counting.submit_count(s, t.task_id, 70, actor=c),
        )
    start_cart(warehouse, picker)
    task = transaction(warehouse.engine, lambda s: picking.next_pick(s, picker))
    assert task is not None
    transaction(
        warehouse.engine, lambda s: short_picks.short_pick(s, picker, task.task_id, 0, None)
    )
    with session_scope(warehouse.engine) as s:
        s.add(
            PrintJob(
                job_key="J1",
                station="ST02",
                template="tote",
                status="failed",
                reference="SO1",
                last_error="printer offline",
            )
        )
    view = _refresh(BoardReader(warehouse.warehouse_id, SETTINGS), warehouse)
    kinds = {(e.kind, e.key) for e in view.exceptions}
    assert (STATION_OFFLINE, "ST03") in kinds
    assert (SCANNER_DISCONNECTED, "ST02") in kinds
    assert (SCANS_REJECTED, "ST04") in kinds
    assert (PRINT_FAILED, "J1") in kinds
    assert (SHORT_PICK, str(task.task_id)) in kinds
    (variance,) = [e for e in view.exceptions if e.kind == VARIANCE]
    assert variance.subject == "A02-01-1" and variance.data["variance"] == -30


def test_a_station_that_stops_reporting_turns_offline(warehouse: SmallWarehouse) -> None:
    picker = warehouse.operators["picker"]
    reader = BoardReader(warehouse.warehouse_id, SETTINGS)
    beat(warehouse, "ST02", picker)
    now = dt.datetime.now(dt.UTC)
    view = _refresh(reader, warehouse, now)
    assert [(p.station, p.online) for p in view.people] == [("ST02", True)]
    assert not any(e.kind == STATION_OFFLINE for e in view.exceptions)
    view = _refresh(reader, warehouse, now + dt.timedelta(seconds=20))
    assert [(p.station, p.online) for p in view.people] == [("ST02", False)]
    assert [e.key for e in view.exceptions if e.kind == STATION_OFFLINE] == ["ST02"]
    beat(warehouse, "ST02", picker, at=now + dt.timedelta(seconds=21))  # one row per station
    view = _refresh(reader, warehouse, now + dt.timedelta(seconds=22))
    assert [(p.station, p.online) for p in view.people] == [("ST02", True)]
    with read_only(warehouse.engine) as s:
        assert len(s.scalars(select(StationHeartbeat)).all()) == 1


def test_stock_alerts(warehouse: SmallWarehouse) -> None:
    today = dt.date.today()
    add_stock(warehouse, "A01-01-1", "PLAIN", 3)  # reorder point 10
    add_stock(warehouse, "A01-02-1", "LOT", 20, lot="OLD", expiry=today - dt.timedelta(days=1))
    add_stock(warehouse, "A01-03-1", "LOT", 20, lot="SOON", expiry=today + dt.timedelta(days=3))
    add_stock(warehouse, "A02-03-1", "LOT", 20, lot="LATER", expiry=today + dt.timedelta(days=90))
    view = _refresh(BoardReader(warehouse.warehouse_id, SETTINGS), warehouse)
    low = {a.sku: (a.on_hand, a.reorder_point) for a in view.low_stock}
    assert low["PLAIN"] == (3, 10) and low["SER"] == (0, 10) and "LOT" not in low
    assert [e.lot for e in view.expiring] == ["OLD", "SOON"]


def test_a_picker_holding_a_cart_at_no_station_shows(warehouse: SmallWarehouse) -> None:
    released_wave(warehouse, orders=1)
    picker = warehouse.operators["picker"]
    start_cart(warehouse, picker)
    view = _refresh(BoardReader(warehouse.warehouse_id, SETTINGS), warehouse)
    (row,) = view.people
    assert row.station == "" and row.online is None and row.task is not None
    with session_scope(warehouse.engine) as s:
        s.execute(update(Task).values(assignee_id=None, status="open"))


def test_packed_units_count_carton_by_carton(warehouse: SmallWarehouse) -> None:
    """A wave's packed units grow as each carton closes, before the whole order is packed."""
    from floor.outbound import pack_close, packing
    from floor.outbound.pack_settings import PackingSettings
    from tests.pack_support import add_order, do, packer, pick_everything, prepare_packing

    prepare_packing(warehouse)
    add_order(warehouse, "SO1", [("PLAIN", 2)])
    pick_everything(warehouse, ("TOTE01",))
    reader = BoardReader(warehouse.warehouse_id, SETTINGS)
    reader.waves.recount_seconds = 0  # every refresh is the periodic one (10 s on a floor)
    (wave,) = _refresh(reader, warehouse).waves
    assert wave.status == "done"  # picking is done: packing still moves its counts
    assert (wave.units_picked, wave.units_packed, wave.orders_packed) == (2, 0, 0)

    actor = packer(warehouse)
    settings = PackingSettings()
    plain = gtin(1)

    def close(carton_id: int) -> pack_close.ClosedCarton:
        def work(s):  # type: ignore[no-untyped-def]
            carton = s.get(PackedCarton, carton_id)
            grams, _complete = packing.expected_weight(s, carton)
            return pack_close.close_carton(
                s, carton_id, grams, settings=settings, printer=None, actor=actor
            )

        return do(warehouse, work)

    view = do(warehouse, lambda s: packing.start(s, warehouse.warehouse_id, "TOTE01", actor=actor))
    first = view.carton.carton_id
    do(warehouse, lambda s: packing.pack_scan(s, first, plain, actor=actor))
    closed = close(first)
    assert not closed.order_packed and closed.view is not None
    (wave,) = _refresh(reader, warehouse).waves
    assert (wave.units_packed, wave.orders_packed) == (1, 0)

    second = closed.view.carton.carton_id
    do(warehouse, lambda s: packing.pack_scan(s, second, plain, actor=actor))
    assert close(second).order_packed
    (wave,) = _refresh(reader, warehouse).waves
    assert (wave.units_packed, wave.orders_packed) == (2, 1)


def test_heartbeats_of_many_stations_are_upserted_together_the_last_of_each_kept(
    warehouse: SmallWarehouse,
) -> None:
    from floor.station import Heartbeat, report_heartbeats

    start = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)

    def beats(flow: str, at: dt.datetime) -> list[Heartbeat]:
        return [Heartbeat(f"SIM{i}", None, flow, True, True, "t", at, start) for i in range(3)]

    later = start + dt.timedelta(seconds=5)
    transaction(warehouse.engine, lambda s: report_heartbeats(s, beats("receiving", start), start))
    twice = [
        *beats("picking", later),
        Heartbeat("SIM0", None, "packing", None, False, "t", later, start),
    ]
    transaction(warehouse.engine, lambda s: report_heartbeats(s, twice, later))
    with read_only(warehouse.engine) as s:
        rows = {
            r.station: (r.flow, r.scanner, r.database, r.beat_at.replace(tzinfo=dt.UTC))
            for r in s.scalars(
                select(StationHeartbeat).where(StationHeartbeat.station.like("SIM%"))
            )
        }
    assert rows == {
        "SIM0": ("packing", None, False, later),
        "SIM1": ("picking", True, True, later),
        "SIM2": ("picking", True, True, later),
    }
