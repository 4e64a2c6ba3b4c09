"""Directed put-away: the proposal rules, confirming by location or check digits, overrides."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from floor.db import session_scope, transaction
from floor.errors import Conflict, NotFound, PermissionDenied, WrongScan
from floor.gs1 import location_check_digits
from floor.inbound import putaway as pa
from floor.inbound import receiving as rc
from floor.models import Container, Item, Location, PickFace, Task, Zone
from floor.stock import ledger as inv
from floor.stock import move_tasks as mt
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_dock, add_stock, barcode

EXP = dt.date(2049, 12, 31)


def _actor(wh: SmallWarehouse, role: str = "receiver") -> Actor:
    return Actor(wh.operators[role], "ST01")


def _receive(wh: SmallWarehouse, sku: str, quantity: int, **kw: object) -> None:
    code = barcode(wh, sku)

    def work(s):  # type: ignore[no-untyped-def]
        receipt = rc.open_receipt(s, warehouse_id=wh.warehouse_id, actor=_actor(wh))
        rc.receive_scan(
            s,
            receipt.receipt_id,
            barcode=code,
            quantity=quantity,
            actor=_actor(wh),
            **kw,
        )

    transaction(wh.engine, work)


def _start(wh: SmallWarehouse, scanned: str, **kw: object) -> mt.MoveTaskView:
    return transaction(
        wh.engine,
        lambda s: pa.start_putaway(
            s, warehouse_id=wh.warehouse_id, scanned=scanned, actor=_actor(wh), **kw
        ),  # type: ignore[arg-type]
    )


def _confirm(wh: SmallWarehouse, task_id: int, role: str = "receiver", **kw: object) -> mt.MoveDone:
    return transaction(
        wh.engine,
        lambda s: pa.confirm_putaway(s, task_id, actor=_actor(wh, role), **kw),  # type: ignore[arg-type]
    )


def _propose(wh: SmallWarehouse, sku: str, quantity: int, lot: str = "") -> pa.Proposal:
    with session_scope(wh.engine) as s:
        return pa.propose_location(
            s, warehouse_id=wh.warehouse_id, item_id=wh.items[sku], lot=lot, quantity=quantity
        )


def _face(wh: SmallWarehouse, location: str, sku: str, max_qty: int = 100) -> None:
    with session_scope(wh.engine) as s:
        s.add(
            PickFace(
                location_id=wh.locations[location],
                item_id=wh.items[sku],
                min_qty=5,
                max_qty=max_qty,
            )
        )


def test_nearest_empty_storage_location_when_nothing_else(warehouse: SmallWarehouse) -> None:
    proposal = _propose(warehouse, "PLAIN", 10)
    assert (proposal.code, proposal.rule) == ("A01-01-2", "empty")


def test_pick_face_first_when_it_has_room(warehouse: SmallWarehouse) -> None:
    _face(warehouse, "A01-03-1", "PLAIN", max_qty=20)
    assert _propose(warehouse, "PLAIN", 20).code == "A01-03-1"
    add_stock(warehouse, "A01-03-1", "PLAIN", 15)
    # 15 + 10 > max 20: no room on the face, so consolidation with the face's stock is next
    assert _propose(warehouse, "PLAIN", 10).rule != "pick_face"


def test_consolidates_with_same_item_and_lot(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A02-02-2", "LOT", 5, lot="L1", expiry=EXP)
    assert _propose(warehouse, "LOT", 5, "L1").code == "A02-02-2"
    # another lot may not join it (LOT forbids mixed lots): nearest empty instead
    proposal = _propose(warehouse, "LOT", 5, "L2")
    assert (proposal.code, proposal.rule) == ("A01-01-2", "empty")


def test_capacity_and_weight_limits(warehouse: SmallWarehouse) -> None:
    with session_scope(warehouse.engine) as s:
        s.get(Item, warehouse.items["PLAIN"]).weight_kg = 2.0  # type: ignore[union-attr]
        s.get(Location, warehouse.locations["A01-01-2"]).capacity_weight_kg = 10.0  # type: ignore[union-attr]
        s.get(Location, warehouse.locations["A01-02-2"]).capacity_units = 5  # type: ignore[union-attr]
    assert _propose(warehouse, "PLAIN", 6).code == "A01-03-2"
    assert _propose(warehouse, "PLAIN", 5).code == "A01-01-2"
    with pytest.raises(NotFound, match="No location has room"):
        _propose(warehouse, "PLAIN", 501)


def test_zone_by_item_class(warehouse: SmallWarehouse) -> None:
    with session_scope(warehouse.engine) as s:
        zone = Zone(warehouse_id=warehouse.warehouse_id, code="COLD", name="Cold", kind="storage")
        s.add(zone)
        s.flush()
        s.get(Location, warehouse.locations["A02-03-2"]).zone_id = zone.id  # type: ignore[union-attr]
        s.get(Item, warehouse.items["LOT"]).item_class = "COLD"  # type: ignore[union-attr]
    proposal = _propose(warehouse, "LOT", 5, "L9")
    assert (proposal.code, proposal.rule) == ("A02-03-2", "item_class")


def test_putaway_by_item_moves_stock_at_the_proposed_location(warehouse: SmallWarehouse) -> None:
    _receive(warehouse, "PLAIN", 8)
    task = _start(warehouse, barcode(warehouse, "PLAIN"))
    assert (task.to_location, task.quantity, task.from_location) == ("A01-01-2", 8, "DOCK-01")
    # a second proposal does not reuse a location another task is heading to
    assert _propose(warehouse, "PLAIN", 1).code != "A01-01-2"
    with pytest.raises(WrongScan) as err:
        _confirm(warehouse, task.task_id, location_code="A02-01-2")
    assert err.value.expected == "A01-01-2" and "A01-01-2" in str(err.value)
    with pytest.raises(WrongScan):
        _confirm(warehouse, task.task_id, check_digits="00")
    done = _confirm(
        warehouse, task.task_id, check_digits=location_check_digits("A01-01-2"), scan_id="p1"
    )
    assert (done.location, done.quantity, done.overridden) == ("A01-01-2", 8, False)
    _confirm(warehouse, task.task_id, check_digits=location_check_digits("A01-01-2"), scan_id="p1")
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-2", "PLAIN")) == (8, 0)
        assert inv.balance_of(s, warehouse.key("DOCK-01", "PLAIN")) == (0, 0)
        assert s.get(Task, task.task_id).status == "done"  # type: ignore[union-attr]
        assert inv.invariant_violations(s) == []


def test_lpn_moves_whole(warehouse: SmallWarehouse) -> None:
    _receive(warehouse, "PLAIN", 3, lpn_code="LPN0001")
    _receive(warehouse, "LOT", 2, lpn_code="LPN0001", lot="L1", expiry=EXP)
    task = _start(warehouse, "LPN0001")
    assert task.lpn == "LPN0001" and task.quantity == 5
    digits = location_check_digits(task.to_location or "")
    done = _confirm(warehouse, task.task_id, location_code=task.to_location, check_digits=digits)
    assert done.quantity == 5
    with session_scope(warehouse.engine) as s:
        target = warehouse.locations[task.to_location]  # type: ignore[index]
        assert inv.on_hand(s, warehouse.items["PLAIN"], target) == 3
        assert inv.balance_of(s, warehouse.key(task.to_location, "LOT", "L1", EXP, "LPN0001")) == (
            2,
            0,
        )  # type: ignore[arg-type]
        assert s.get(Container, warehouse.containers["LPN0001"]).location_id == target  # type: ignore[union-attr]


def test_override_needs_reason_and_supervisor(warehouse: SmallWarehouse) -> None:
    _receive(warehouse, "PLAIN", 4)
    task = _start(warehouse, barcode(warehouse, "PLAIN"))
    with pytest.raises(PermissionDenied) as err:
        _confirm(warehouse, task.task_id, location_code="A02-02-2", override_reason="full")
    assert "supervisor" in str(err.value)
    with pytest.raises(WrongScan, match="not a storage"):
        _confirm(warehouse, task.task_id, "supervisor", location_code="QUA-01", override_reason="x")
    done = _confirm(
        warehouse,
        task.task_id,
        "supervisor",
        location_code="A02-02-2",
        check_digits=location_check_digits("A02-02-2"),
        override_reason="full",
    )
    assert done.overridden and done.location == "A02-02-2"
    with session_scope(warehouse.engine) as s:
        stored = s.get(Task, task.task_id)
        assert (stored.exception_code, stored.reason) == ("CHBD", "full")  # type: ignore[union-attr]
        assert inv.on_hand(s, warehouse.items["PLAIN"], warehouse.locations["A02-02-2"]) == 4


def test_override_cannot_mix_lots(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A02-02-2", "LOT", 1, lot="OLD", expiry=EXP)
    _receive(warehouse, "LOT", 4, lot="NEW", expiry=EXP)
    task = _start(warehouse, barcode(warehouse, "LOT"))
    with pytest.raises(Conflict, match="another lot"):
        _confirm(warehouse, task.task_id, "admin", location_code="A02-02-2", override_reason="r")


def test_nothing_to_put_away_and_current_task(warehouse: SmallWarehouse) -> None:
    with pytest.raises(NotFound, match="PLAIN"):
        _start(warehouse, barcode(warehouse, "PLAIN"))
    _receive(warehouse, "PLAIN", 2)
    task = _start(warehouse, barcode(warehouse, "PLAIN"))
    with session_scope(warehouse.engine) as s:
        assert mt.current_task(s, warehouse.operators["receiver"]) == task
        assert s.scalars(select(Task.status)).one() == "in_progress"


def test_two_receivers_starting_put_away_of_one_item_take_different_tasks_without_waiting(
    pg_warehouse: SmallWarehouse,
) -> None:
    """On PostgreSQL the put-away task is taken with SKIP LOCKED on that one task: while one
    receiver's transaction holds the oldest task of an item, a second receiver scanning the
    same item gets the next one at once (a lock wait would fail under lock_timeout); when
    every task of it is being taken, a third waits for the oldest instead of hearing that
    there is nothing to put away."""
    wh = pg_warehouse
    add_dock(wh, "DOCK-02")
    receipt = transaction(
        wh.engine,
        lambda s: rc.open_receipt(s, warehouse_id=wh.warehouse_id, actor=_actor(wh)),
    )
    code = barcode(wh, "PLAIN")
    for dock in ("DOCK-01", "DOCK-02"):  # one put-away task at each door
        transaction(
            wh.engine,
            lambda s, dock=dock: rc.receive_scan(
                s, receipt.receipt_id, barcode=code, quantity=4, actor=_actor(wh), dock_code=dock
            ),
        )

    def start(s: Session, role: str) -> mt.MoveTaskView:
        s.execute(text("SET LOCAL lock_timeout = '500ms'"))
        return pa.start_putaway(
            s, warehouse_id=wh.warehouse_id, scanned=code, actor=_actor(wh, role)
        )

    with session_scope(wh.engine) as first, session_scope(wh.engine) as second:
        one, two = start(first, "receiver"), start(second, "supervisor")
        assert {one.from_location, two.from_location} == {"DOCK-01", "DOCK-02"}
        with pytest.raises(OperationalError, match="lock timeout"), session_scope(wh.engine) as s:
            start(s, "admin")


def test_proposal_reads_the_locations_holding_the_item_at_once(warehouse: SmallWarehouse) -> None:
    """The statements a proposal sends do not grow with the locations already holding the
    item (each full here, so each is checked and passed over): they are read together, and
    the empty location found needs no second read."""
    from sqlalchemy import event

    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    def statements_of_a_proposal() -> tuple[int, pa.Proposal]:
        sent.clear()
        event.listen(warehouse.engine, "before_cursor_execute", count)
        try:
            proposal = _propose(warehouse, "PLAIN", 10)
        finally:
            event.remove(warehouse.engine, "before_cursor_execute", count)
        return len(sent), proposal

    add_stock(warehouse, "A01-01-2", "PLAIN", 500)  # full (500 units)
    one, first = statements_of_a_proposal()
    for code in ("A01-02-2", "A01-03-2", "A02-01-2"):
        add_stock(warehouse, code, "PLAIN", 500)
    four, second = statements_of_a_proposal()
    assert (first.rule, second.rule) == ("empty", "empty")
    assert second.code not in ("A01-01-2", "A01-02-2", "A01-03-2", "A02-01-2")
    assert four == one


def test_empty_locations_are_read_a_page_at_a_time(
    warehouse: SmallWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nearest empty location that takes the weight is found past the first pages."""
    monkeypatch.setattr(pa, "EMPTY_PAGE", 2)
    with session_scope(warehouse.engine) as s:
        s.get(Item, warehouse.items["PLAIN"]).weight_kg = 2.0  # type: ignore[union-attr]
        for code in ("A01-01-2", "A01-02-2", "A01-03-2"):  # too weak for 10 x 2 kg
            s.get(Location, warehouse.locations[code]).capacity_weight_kg = 15.0  # type: ignore[union-attr]
        s.get(Location, warehouse.locations["A02-01-2"]).capacity_units = 9  # too small
    proposal = _propose(warehouse, "PLAIN", 10)
    assert (proposal.code, proposal.rule) == ("A02-02-2", "empty")
    assert _propose(warehouse, "PLAIN", 7).code == "A01-01-2"  # 14 kg: the nearest again


def test_starting_a_put_away_does_not_read_the_proposed_location_again(
    warehouse: SmallWarehouse,
) -> None:
    from sqlalchemy import event

    _receive(warehouse, "PLAIN", 8)
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(" ".join(statement.split()))

    event.listen(warehouse.engine, "before_cursor_execute", count)
    try:
        task = _start(warehouse, barcode(warehouse, "PLAIN"), scan_id="PA1")
    finally:
        event.remove(warehouse.engine, "before_cursor_execute", count)
    assert (task.to_location, task.from_location) == ("A01-01-2", "DOCK-01")
    by_id = [s for s in sent if "FROM locations WHERE locations.id =" in s]
    # the dock the task starts from is read with the task; the proposal's is at hand
    assert by_id == []
    [task_read] = [s for s in sent if s.startswith("SELECT tasks.id")]
    assert "JOIN locations ON locations.id = tasks.from_location_id" in task_read
    assert _start(warehouse, barcode(warehouse, "PLAIN"), scan_id="PA1") == task  # a replay
