"""Cycle counting: task creation, blind counts, recounts, approval, adjustments, ABC."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select, text

from floor.db import session_scope, transaction
from floor.errors import Conflict, InvalidInput, PermissionDenied, WrongScan
from floor.models import StockTransaction, Task
from floor.stock import count_scheduling as cs
from floor.stock import counting as ct
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_stock, barcode, sent_in_transaction

EXP = dt.date(2049, 12, 31)


def _actor(wh: SmallWarehouse, role: str) -> Actor:
    return Actor(wh.operators[role], "ST01")


def _tasks_for(wh: SmallWarehouse, location: str) -> list[int]:
    return transaction(
        wh.engine,
        lambda s: cs.create_count_tasks_by_location(
            s, [wh.locations[location]], actor=_actor(wh, "supervisor")
        ),
    )


def _next(wh: SmallWarehouse, role: str = "counter") -> ct.CountTaskView | None:
    return transaction(
        wh.engine, lambda s: ct.next_count_task(s, wh.warehouse_id, actor=_actor(wh, role))
    )


def _submit(wh: SmallWarehouse, task_id: int, counted: int, role: str = "counter", **kw: object):  # type: ignore[no-untyped-def]
    return transaction(
        wh.engine,
        lambda s: ct.submit_count(s, task_id, counted, actor=_actor(wh, role), **kw),  # type: ignore[arg-type]
    )


def test_count_view_is_blind_and_a_match_changes_nothing(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 40)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    view = _next(warehouse)
    assert view is not None and view.task_id == task_id and view.location == "A01-01-1"
    fields = {f.name for f in dataclasses.fields(view)}
    assert not fields & {"expected", "quantity", "on_hand"}
    assert "40" not in repr(view)
    outcome = _submit(warehouse, task_id, 40)
    assert outcome.outcome == "matched" and "40" not in repr(outcome)
    with session_scope(warehouse.engine) as s:
        assert s.scalars(select(StockTransaction.kind)).all() == ["receive"]


def test_small_variance_adjusts_with_reason_count(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 100)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    assert _submit(warehouse, task_id, 97, scan_id="c1").outcome == "adjusted"
    assert _submit(warehouse, task_id, 97, scan_id="c1").outcome == "adjusted"  # replayed
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (97, 0)
        tx = s.scalars(select(StockTransaction).where(StockTransaction.kind == "adjust")).one()
        assert tx.reason == "count"
        assert inv.invariant_violations(s) == []


def test_large_variance_gets_a_recount_by_someone_else(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    _next(warehouse)
    outcome = _submit(warehouse, task_id, 7)
    assert outcome.outcome == "recount" and outcome.next_task_id
    assert _next(warehouse) is None  # the first counter does not recount
    recount = _next(warehouse, "supervisor")
    assert recount is not None and recount.recount and recount.task_id == outcome.next_task_id
    assert _submit(warehouse, recount.task_id, 7, "supervisor").outcome == "adjusted"
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (7, 0)


def test_variance_above_value_limit_waits_for_supervisor(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 1000)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    outcome = _submit(warehouse, task_id, 970)  # 3%: no recount, but 30 units > limit 20
    assert outcome.outcome == "awaiting_approval"
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (1000, 0)
        [pending] = ct.pending_approvals(s, warehouse.warehouse_id)
        assert (pending["expected"], pending["counted"], pending["variance"]) == (1000, 970, -30)
    with pytest.raises(PermissionDenied, match="supervisor"):
        transaction(
            warehouse.engine,
            lambda s: ct.approve_count(s, task_id, actor=_actor(warehouse, "counter")),
        )
    done = transaction(
        warehouse.engine,
        lambda s: ct.approve_count(s, task_id, actor=_actor(warehouse, "supervisor")),
    )
    assert done.outcome == "adjusted"
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (970, 0)
        assert s.get(Task, task_id).status == "done"  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        transaction(
            warehouse.engine,
            lambda s: ct.approve_count(s, task_id, actor=_actor(warehouse, "supervisor")),
        )


def test_rejected_approval_makes_a_recount(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 1000)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    _submit(warehouse, task_id, 970)
    outcome = transaction(
        warehouse.engine,
        lambda s: ct.approve_count(
            s, task_id, actor=_actor(warehouse, "supervisor"), approve=False
        ),
    )
    assert outcome.outcome == "recount" and outcome.next_task_id
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (1000, 0)


def test_lot_tracked_counts_per_lot(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-02-1", "LOT", 5, lot="L1", expiry=EXP)
    add_stock(warehouse, "A01-02-1", "LOT", 6, lot="L2", expiry=EXP)
    ids = _tasks_for(warehouse, "A01-02-1")
    assert len(ids) == 2
    _submit(warehouse, ids[0], 4)  # L1: 20% off -> recount, nothing adjusted yet
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-02-1", "LOT", "L1", EXP)) == (5, 0)


def test_gain_found_on_empty_count_goes_in(warehouse: SmallWarehouse) -> None:
    task_id = transaction(
        warehouse.engine,
        lambda s: cs.create_count_task_for_short_pick(
            s, warehouse.locations["A01-03-1"], warehouse.items["PLAIN"], "short pick"
        ),
    )
    again = transaction(
        warehouse.engine,
        lambda s: cs.create_count_task_for_short_pick(
            s, warehouse.locations["A01-03-1"], warehouse.items["PLAIN"], "short pick"
        ),
    )
    assert again == task_id
    assert _submit(warehouse, task_id, 3).outcome == "recount"
    with session_scope(warehouse.engine) as s:
        recount = s.scalars(select(Task).where(Task.id != task_id)).one()
    assert _submit(warehouse, recount.id, 3, "supervisor").outcome == "adjusted"
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-03-1", "PLAIN")) == (3, 0)


def test_wrong_location_and_item_are_refused(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 4)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    wrong_item = barcode(warehouse, "LOT")
    with session_scope(warehouse.engine) as s:
        with pytest.raises(WrongScan) as err:
            ct.check_count_scan(s, task_id, location_code="A01-02-1")
        assert err.value.expected == "A01-01-1"
        with pytest.raises(WrongScan, match="expected PLAIN"):
            ct.check_count_scan(s, task_id, barcode=wrong_item)
        ct.check_count_scan(s, task_id, location_code="A01-01-1")


def test_abc_schedule(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 100)
    add_stock(warehouse, "A01-02-1", "LOT", 10, lot="L", expiry=EXP)
    with session_scope(warehouse.engine) as s:
        inv.lock_keys(  # two moves in one transaction: their balances locked in order first
            s,
            [
                warehouse.key("A01-01-1", "PLAIN"),
                warehouse.key("PACK-01", "PLAIN"),
                warehouse.key("A01-02-1", "LOT", "L", EXP),
                warehouse.key("PACK-01", "LOT", "L", EXP),
            ],
        )
        inv.move(s, warehouse.key("A01-01-1", "PLAIN"), 90, warehouse.locations["PACK-01"])
        inv.move(s, warehouse.key("A01-02-1", "LOT", "L", EXP), 10, warehouse.locations["PACK-01"])
        classes = cs.abc_classes(s, warehouse.warehouse_id)
    assert classes[warehouse.items["PLAIN"]] == "A"
    assert classes[warehouse.items["LOT"]] == "B"
    assert classes[warehouse.items["SER"]] == "C"
    created = transaction(
        warehouse.engine, lambda s: cs.schedule_abc_counts(s, warehouse.warehouse_id)
    )
    assert len(created) == 3  # PLAIN at A01-01-1 and PACK-01, LOT at PACK-01
    with session_scope(warehouse.engine) as s:
        for task in s.scalars(select(Task)):
            task.status = "done"
    # just counted: nothing is due again
    assert (
        transaction(warehouse.engine, lambda s: cs.schedule_abc_counts(s, warehouse.warehouse_id))
        == []
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    due = transaction(
        warehouse.engine, lambda s: cs.schedule_abc_counts(s, warehouse.warehouse_id, now=later)
    )
    with session_scope(warehouse.engine) as s:
        items = {s.get(Task, t).item_id for t in due}  # type: ignore[union-attr]
    assert items == {warehouse.items["PLAIN"]}


def _extra(wh: SmallWarehouse, task_id: int, sku: str, **kw: object) -> ct.CountTaskView:
    return transaction(
        wh.engine,
        lambda s: ct.record_extra_item(
            s,
            task_id,
            barcode=barcode(wh, sku),
            actor=_actor(wh, "counter"),
            **kw,  # type: ignore[arg-type]
        ),
    )


def test_extra_item_found_adjusts_only_after_approval(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    assert _next(warehouse) is not None
    with pytest.raises(WrongScan, match="item of this count"):
        _extra(warehouse, task_id, "PLAIN")
    with pytest.raises(InvalidInput, match="lot"):
        _extra(warehouse, task_id, "LOT")
    extra = _extra(warehouse, task_id, "LOT", lot="L5", expiry=EXP, scan_id="x1")
    again = _extra(warehouse, task_id, "LOT", lot="L5", expiry=EXP, scan_id="x2")
    assert extra == again  # the same active count is reused
    assert (extra.location, extra.sku, extra.lot) == ("A01-01-1", "LOT", "L5")
    assert _next(warehouse).task_id == task_id  # type: ignore[union-attr]  # oldest first
    outcome = _submit(warehouse, extra.task_id, 4)  # 4 found where none is on record
    assert outcome.outcome == "awaiting_approval"  # never a recount, never adjusted at once
    with session_scope(warehouse.engine) as s:
        assert inv.on_hand(s, warehouse.items["LOT"]) == 0
        stored = s.get(Task, extra.task_id)
        assert stored.exception_code == "ADPR"  # type: ignore[union-attr]
        assert stored.data["found_during"] == task_id  # type: ignore[union-attr]
        [pending] = ct.pending_approvals(
            s, warehouse.warehouse_id, actor=_actor(warehouse, "supervisor")
        )
        assert (pending["variance"], pending["extra"], pending["lot"]) == (4, True, "L5")
        with pytest.raises(PermissionDenied):
            ct.pending_approvals(s, warehouse.warehouse_id, actor=_actor(warehouse, "counter"))
    transaction(
        warehouse.engine,
        lambda s: ct.approve_count(s, extra.task_id, actor=_actor(warehouse, "supervisor")),
    )
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "LOT", "L5", EXP)) == (4, 0)
        assert inv.invariant_violations(s) == []


def test_extra_item_counted_as_on_record_matches(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "LOT", 3, lot="L1", expiry=EXP)
    add_stock(warehouse, "A01-01-1", "PLAIN", 2)
    task_ids = transaction(
        warehouse.engine,
        lambda s: cs.create_count_tasks_by_item(
            s, warehouse.warehouse_id, [warehouse.items["LOT"]], actor=_actor(warehouse, "admin")
        ),
    )
    extra = _extra(warehouse, task_ids[0], "PLAIN")
    assert _submit(warehouse, extra.task_id, 2).outcome == "matched"


def test_count_tasks_lists_unfinished_counts_without_quantities(
    warehouse: SmallWarehouse,
) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    with session_scope(warehouse.engine) as s:
        [row] = ct.count_tasks(s, warehouse.warehouse_id)
    assert (row["task_id"], row["status"], row["location"], row["sku"]) == (
        task_id,
        "open",
        "A01-01-1",
        "PLAIN",
    )
    assert "10" not in repr(row)
    _next(warehouse)
    _submit(warehouse, task_id, 10)
    with session_scope(warehouse.engine) as s:
        assert ct.count_tasks(s, warehouse.warehouse_id) == []


def test_recounts_come_first_for_any_counter_but_the_first(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    codes = ["A01-01-1", "A01-02-1", "A01-03-1", "A02-01-1", "A02-02-1"]
    for code in codes:
        add_stock(wh, code, "PLAIN", 10)
    ids = transaction(
        wh.engine,
        lambda s: cs.create_count_tasks_by_location(
            s, [wh.locations[c] for c in codes], actor=_actor(wh, "supervisor")
        ),
    )
    first = _next(wh)
    assert first is not None and first.task_id == ids[0]
    recount_id = _submit(wh, first.task_id, 5).next_task_id
    assert recount_id is not None and recount_id > max(ids)  # made last ...
    mine = _next(wh)  # ... the first counter goes on with the oldest count
    assert mine is not None and mine.task_id == ids[1] and not mine.recount
    other = _next(wh, "supervisor")  # ... anyone else gets the recount before the rest
    assert other is not None and other.task_id == recount_id and other.recount
    assert _submit(wh, recount_id, 5, "supervisor").outcome == "adjusted"
    nxt = _next(wh, "supervisor")
    assert nxt is not None and nxt.task_id == ids[2]


def test_a_recount_of_an_extra_item_still_waits_for_approval(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 10)
    [task_id] = _tasks_for(wh, "A01-01-1")
    assert _next(wh) is not None
    extra = _extra(wh, task_id, "LOT", lot="L5", expiry=EXP)
    assert _submit(wh, extra.task_id, 4).outcome == "awaiting_approval"
    rejected = transaction(
        wh.engine,
        lambda s: ct.approve_count(s, extra.task_id, actor=_actor(wh, "supervisor"), approve=False),
    )
    recount = _next(wh, "supervisor")
    assert recount is not None and recount.task_id == rejected.next_task_id and recount.recount
    # 4 units where none is on record: within the 20-unit limit, but an extra item found
    # is never posted without a supervisor, recounted or not
    assert _submit(wh, recount.task_id, 4, "supervisor").outcome == "awaiting_approval"
    with session_scope(wh.engine) as s:
        assert inv.on_hand(s, wh.items["LOT"]) == 0
        [pending] = ct.pending_approvals(s, wh.warehouse_id)
        assert (pending["task_id"], pending["extra"], pending["variance"]) == (
            recount.task_id,
            True,
            4,
        )
    transaction(
        wh.engine,
        lambda s: ct.approve_count(s, recount.task_id, actor=_actor(wh, "supervisor")),
    )
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("A01-01-1", "LOT", "L5", EXP)) == (4, 0)
        assert inv.invariant_violations(s) == []


def test_two_counters_taking_the_next_count_at_once_get_different_tasks_without_waiting(
    pg_warehouse: SmallWarehouse,
) -> None:
    """On PostgreSQL the next count is taken with FOR UPDATE SKIP LOCKED on that one task:
    while one counter's transaction holds the oldest count, a second counter gets the next
    one at once (a lock wait would fail under lock_timeout), and counts nobody took stay
    unlocked."""
    wh = pg_warehouse
    codes = ["A01-01-1", "A01-02-1", "A01-03-1"]
    for code in codes:
        add_stock(wh, code, "PLAIN", 10)
    ids = transaction(
        wh.engine,
        lambda s: cs.create_count_tasks_by_location(
            s, [wh.locations[c] for c in codes], actor=_actor(wh, "supervisor")
        ),
    )
    with session_scope(wh.engine) as first:  # counter 1 has taken a count, not committed yet
        mine = ct.next_count_task(first, wh.warehouse_id, actor=_actor(wh, "counter"))
        assert mine is not None and mine.task_id == ids[0]
        with session_scope(wh.engine) as second:
            second.execute(text("SET LOCAL lock_timeout = '500ms'"))
            theirs = ct.next_count_task(second, wh.warehouse_id, actor=_actor(wh, "supervisor"))
            assert theirs is not None and theirs.task_id == ids[1]
        with session_scope(wh.engine) as third:  # the third count was never locked
            third.execute(text("SET LOCAL lock_timeout = '500ms'"))
            row = third.execute(
                text("SELECT id FROM tasks WHERE id = :id FOR UPDATE NOWAIT"), {"id": ids[2]}
            ).scalar_one()
            assert row == ids[2]
    assert _next(wh) is not None and _next(wh).task_id == ids[0]  # type: ignore[union-attr]


def test_taking_the_next_count_reads_the_task_once_and_replays_the_same_view(
    warehouse: SmallWarehouse,
) -> None:
    """The count taken is shown from the task the scan locked, not read a second time; the
    same scan again shows the same count."""
    from sqlalchemy import event

    add_stock(warehouse, "A01-01-1", "PLAIN", 40)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    def take() -> ct.CountTaskView | None:
        return transaction(
            warehouse.engine,
            lambda s: ct.next_count_task(
                s, warehouse.warehouse_id, actor=_actor(warehouse, "counter"), scan_id="N1"
            ),
        )

    event.listen(warehouse.engine, "before_cursor_execute", count)
    try:
        view = take()
    finally:
        event.remove(warehouse.engine, "before_cursor_execute", count)
    assert view is not None and view.task_id == task_id and view.location == "A01-01-1"
    task_reads = [s for s in sent if s.lstrip().upper().startswith("SELECT") and "FROM tasks" in s]
    assert len(task_reads) == 2  # the count in progress (none), the next open one
    assert take() == view  # a replay


def test_taking_the_next_count_reads_its_location_and_item_with_it(
    warehouse: SmallWarehouse,
) -> None:
    """The view of the count taken (location, SKU, description) comes from the read that
    takes it: no location or item read after it."""
    add_stock(warehouse, "A01-01-1", "PLAIN", 40)
    [task_id] = _tasks_for(warehouse, "A01-01-1")
    view, sent = sent_in_transaction(
        warehouse.engine,
        lambda s: ct.next_count_task(
            s, warehouse.warehouse_id, actor=_actor(warehouse, "counter"), scan_id="N2"
        ),
    )
    assert (view.task_id, view.location, view.sku, view.description) == (
        task_id,
        "A01-01-1",
        "PLAIN",
        "Plain widget",
    )
    assert not [s for s in sent if "FROM locations" in s or "FROM items" in s], sent
    # the operator, the scan id, the count in progress (none), the next open one, its
    # update, the scan applied
    assert len(sent) == 6, sent


def test_making_counts_by_location_sends_the_same_statements_for_one_scope_or_many(
    warehouse: SmallWarehouse,
) -> None:
    """Counts for every item and lot at the locations: the active counts read together, the
    new tasks inserted together; an active count is reused, not doubled."""
    add_stock(warehouse, "A01-01-1", "PLAIN", 40)
    add_stock(warehouse, "A01-02-1", "KIT", 5)
    add_stock(warehouse, "A01-02-1", "PLAIN", 5)
    add_stock(warehouse, "A01-02-1", "LOT", 5, lot="L1", expiry=EXP)
    add_stock(warehouse, "A01-02-1", "LOT", 5, lot="L2", expiry=EXP)
    codes = ["A01-01-1", "A01-02-1"]

    def make(codes: list[str]):  # type: ignore[no-untyped-def]
        return sent_in_transaction(
            warehouse.engine,
            lambda s: cs.create_count_tasks_by_location(
                s, [warehouse.locations[c] for c in codes], actor=_actor(warehouse, "supervisor")
            ),
        )

    def others(sent: list[str]) -> list[str]:
        return [s for s in sent if not s.startswith("INSERT INTO tasks")]

    [one], sent_one = make(codes[:1])
    many, sent_many = make(codes)
    # the operator, the scopes, the active counts, the audit record; and the tasks inserted,
    # in one statement on PostgreSQL (SQLite's driver inserts them one by one)
    assert len(others(sent_one)) == len(others(sent_many)) == 4, sent_many
    if warehouse.engine.dialect.name == "postgresql":
        assert len(sent_many) == 5, sent_many
    assert many[0] == one and len(many) == 5 and many[1:] == sorted(many[1:])
    assert one < many[1]
    with session_scope(warehouse.engine) as s:
        tasks = {t.id: t for t in s.scalars(select(Task).where(Task.id.in_(many)))}
        scopes = [
            (tasks[i].from_location_id, tasks[i].item_id, tasks[i].lot, tasks[i].warehouse_id)
            for i in many
        ]
    assert scopes == sorted(scopes)  # made in the order of their scopes
    assert make(codes)[0] == many  # all active: reused


def test_a_count_reads_its_balances_once_and_updates_its_task_once(
    warehouse: SmallWarehouse,
) -> None:
    """Submitting locks and reads the balances counted in one statement (in the ledger's
    order), and the adjustment uses them, not a second read; the task is updated in one
    statement, after the recount's insert."""
    add_stock(warehouse, "A01-01-1", "PLAIN", 100)
    add_stock(warehouse, "A01-02-1", "PLAIN", 10)
    adjusted, recounted = _tasks_for(warehouse, "A01-01-1")[0], _tasks_for(warehouse, "A01-02-1")[0]
    full_row = "SELECT balances.id, balances.location_id, balances.item_id, balances.lot, balances.expiry, balances.container_id, balances.quantity"  # noqa: E501
    outcome, sent = sent_in_transaction(
        warehouse.engine,
        lambda s: ct.submit_count(s, adjusted, 97, actor=_actor(warehouse, "counter")),
    )
    assert outcome.outcome == "adjusted"
    assert len([s for s in sent if s.startswith(full_row)]) == 1, sent
    assert len([s for s in sent if s.startswith("SELECT balances")]) == 1, sent
    assert len([s for s in sent if s.startswith("UPDATE tasks")]) == 1, sent
    outcome, sent = sent_in_transaction(
        warehouse.engine,
        lambda s: ct.submit_count(s, recounted, 5, actor=_actor(warehouse, "counter")),
    )
    assert outcome.outcome == "recount"
    assert [s.split()[0] for s in sent if s.startswith(("UPDATE tasks", "INSERT INTO tasks"))] == [
        "INSERT",
        "UPDATE",
    ]
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (97, 0)
        task = s.get(Task, recounted)
        assert (task.quantity, task.quantity_done, task.status) == (10, 5, "done")  # type: ignore[union-attr]
        assert task.data["recount_task_id"] == outcome.next_task_id  # type: ignore[union-attr]
