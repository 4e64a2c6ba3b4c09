"""The audit log: supervisor and admin actions recorded with operator, station, time and
details, in the action's own transaction; `floor audit list` reads them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from floor import audit
from floor.commands.audit import parse_since
from floor.db import session_scope, transaction
from floor.errors import Conflict
from floor.gs1 import location_check_digits
from floor.inbound import putaway as pa
from floor.inbound import receiving as rc
from floor.models import AuditEntry
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave, cancel_wave, hold_wave
from floor.stock import count_scheduling as cs
from floor.stock import counting as ct
from floor.stock import move_tasks as mt
from floor.stock.ledger import Actor
from tests.integration.test_import import floor_cli
from tests.support import SmallWarehouse, add_sales_order, add_stock, barcode


def _boss(wh: SmallWarehouse) -> Actor:
    return Actor(wh.operators["supervisor"], "ST07")


def _entries(wh: SmallWarehouse, action: str | None = None) -> list[audit.Entry]:
    with session_scope(wh.engine) as s:
        return list(reversed(audit.entries(s, action=action)))


def test_waves_built_released_held_and_cancelled_are_recorded(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 20)
    add_sales_order(wh, "SO1", [("PLAIN", 2)])
    add_sales_order(wh, "SO2", [("PLAIN", 3)])
    boss = _boss(wh)
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with session_scope(wh.engine) as s:
        code = build_wave(s, wh.warehouse_id, WaveRules(), boss).code
    with session_scope(wh.engine) as s:
        release_wave(s, code, boss, cart_size=1)
    with session_scope(wh.engine) as s:
        hold_wave(s, code, boss)
    with session_scope(wh.engine) as s:
        release_wave(s, code, boss)  # resumed
    with session_scope(wh.engine) as s:
        cancel_wave(s, code, boss)
    with pytest.raises(Conflict), session_scope(wh.engine) as s:
        hold_wave(s, code, boss)  # refused: nothing recorded
    found = _entries(wh)
    assert [(e.action, e.subject) for e in found] == [
        ("wave.build", code),
        ("wave.release", code),
        ("wave.hold", code),
        ("wave.release", code),
        ("wave.cancel", code),
    ]
    assert {(e.operator, e.station) for e in found} == {("OPSUPERVISOR", "ST07")}
    assert all(before <= e.at <= dt.datetime.now(dt.UTC) for e in found)
    build, release, hold, resume, cancel = (e.details for e in found)
    assert (build["orders"], build["lines"]) == (2, 2)
    assert (release["policy"], release["clusters"], release["units_allocated"]) == ("partial", 2, 5)
    assert hold["was"] == "released" and resume["resumed"] is True
    assert (cancel["tasks_cancelled"], cancel["units_released"]) == (2, 5)


def test_an_action_rolled_back_leaves_no_entry(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_sales_order(wh, "SO1", [("PLAIN", 2)])
    with pytest.raises(RuntimeError), session_scope(wh.engine) as s:
        build_wave(s, wh.warehouse_id, WaveRules(), _boss(wh))
        raise RuntimeError("the station lost power")
    with session_scope(wh.engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_count_approval_rejection_and_creation_are_recorded(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 1000)
    boss, counter = _boss(wh), Actor(wh.operators["counter"], "ST02")
    first, second = (
        transaction(
            wh.engine,
            lambda s: cs.create_count_tasks_by_location(s, [wh.locations["A01-01-1"]], actor=boss),
        )[0]
        for _ in range(2)
    )
    assert first == second  # the open count is reused
    transaction(wh.engine, lambda s: ct.next_count_task(s, wh.warehouse_id, actor=counter))
    transaction(wh.engine, lambda s: ct.submit_count(s, first, 970, actor=counter))
    rejected = transaction(
        wh.engine, lambda s: ct.approve_count(s, first, actor=boss, approve=False)
    )
    recount = rejected.next_task_id
    assert recount is not None
    other = Actor(wh.operators["admin"], "ST03")
    transaction(wh.engine, lambda s: ct.next_count_task(s, wh.warehouse_id, actor=other))
    transaction(wh.engine, lambda s: ct.submit_count(s, recount, 970, actor=other))
    transaction(wh.engine, lambda s: ct.approve_count(s, recount, actor=boss))
    created = _entries(wh, "count.create")
    assert [e.details["tasks"] for e in created] == [1, 1] and created[0].subject == "location"
    reject, approve = _entries(wh, "count.reject") + _entries(wh, "count.approve")
    assert reject.subject == f"count {first}" and reject.details["recount_task_id"] == recount
    assert (approve.subject, approve.details["variance"], approve.details["sku"]) == (
        f"count {recount}",
        -30,
        "PLAIN",
    )
    assert [e.action for e in _entries(wh, "count")] == [
        "count.create",
        "count.create",
        "count.reject",
        "count.approve",
    ]


def test_a_put_away_override_is_recorded(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    code = barcode(wh, "PLAIN")
    receiver = Actor(wh.operators["receiver"], "ST01")

    def receive(s):  # type: ignore[no-untyped-def]
        receipt = rc.open_receipt(s, warehouse_id=wh.warehouse_id, actor=receiver)
        rc.receive_scan(s, receipt.receipt_id, barcode=code, quantity=4, actor=receiver)

    transaction(wh.engine, receive)
    task = transaction(
        wh.engine,
        lambda s: pa.start_putaway(s, warehouse_id=wh.warehouse_id, scanned=code, actor=receiver),
    )
    transaction(
        wh.engine,
        lambda s: mt.confirm_move_task(
            s,
            task.task_id,
            actor=_boss(wh),
            location_code="A02-02-2",
            check_digits=location_check_digits("A02-02-2"),
            override_reason="full",
        ),
    )
    [entry] = _entries(wh)
    assert (entry.action, entry.subject, entry.operator) == (
        "putaway.override",
        f"task {task.task_id}",
        "OPSUPERVISOR",
    )
    assert entry.details == {
        "kind": "putaway",
        "directed": task.to_location,
        "chosen": "A02-02-2",
        "reason": "full",
        "quantity": 4,
    }


def test_floor_audit_list_filters_by_action_and_time(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 20)
    add_sales_order(wh, "SO1", [("PLAIN", 2)])
    with session_scope(wh.engine) as s:
        code = build_wave(s, wh.warehouse_id, WaveRules(), _boss(wh)).code
    code_, out, err = floor_cli(wh.engine, capsys, "wave", "release", code)
    assert code_ == 0, err
    code_, out, _err = floor_cli(wh.engine, capsys, "audit", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["Time", "Action", "Subject", "Operator", "Station", "Details"]
    assert "wave.release" in lines[1] and "system" in lines[1]  # the CLI: no operator
    assert "wave.build" in lines[2] and "OPSUPERVISOR" in lines[2] and "ST07" in lines[2]
    assert lines[-1] == "2 entries (times in UTC)"
    _c, out, _e = floor_cli(wh.engine, capsys, "audit", "list", "--action", "wave.build")
    assert "wave.release" not in out and "1 entry" in out
    _c, out, _e = floor_cli(wh.engine, capsys, "audit", "list", "--action", "count")
    assert out.strip() == "No audit entries"
    _c, out, _e = floor_cli(wh.engine, capsys, "audit", "list", "--since", "1h")
    assert "2 entries" in out
    _c, out, _e = floor_cli(wh.engine, capsys, "audit", "list", "--since", "2999-01-01")
    assert out.strip() == "No audit entries"
    code_, _o, err = floor_cli(wh.engine, capsys, "audit", "list", "--since", "yesterday")
    assert code_ == 1 and "--since yesterday" in err


def test_since_reads_dates_times_and_ages() -> None:
    now = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)
    assert parse_since("30m", now) == now - dt.timedelta(minutes=30)
    assert parse_since("7d", now) == now - dt.timedelta(days=7)
    assert parse_since("2026-12-01", now) == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert parse_since("2026-12-01T08:00+01:00", now) == dt.datetime(2026, 12, 1, 7, tzinfo=dt.UTC)


def test_a_return_authorization_is_recorded(warehouse: SmallWarehouse) -> None:
    from floor.inbound import returns as rt
    from tests.support import add_shipped_order

    wh = warehouse
    add_shipped_order(wh, "SO9", [("PLAIN", 2)])
    ra = transaction(
        wh.engine, lambda s: rt.authorize_return(s, "SO9", actor=_boss(wh), reason="broken")
    )
    [entry] = _entries(wh)
    assert (entry.action, entry.subject, entry.station) == ("return.authorize", ra.number, "ST07")
    assert entry.details == {"order": "SO9", "reason": "broken"}
