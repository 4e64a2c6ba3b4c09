"""The board's actions end to end, and each refused for an operator who is not a supervisor."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from floor.board import actions
from floor.db import session_scope, transaction
from floor.errors import Conflict, PermissionDenied
from floor.models import AuditEntry, PickCluster, PrintJob, Task, Wave
from floor.outbound import carts
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import counting
from floor.stock.count_scheduling import create_count_tasks_by_location
from floor.stock.ledger import Actor
from tests.board_support import released_wave, start_cart
from tests.support import SmallWarehouse, add_sales_order, add_stock


def _as(wh: SmallWarehouse, role: str) -> Actor:
    return Actor(wh.operators[role], "SUP01")


def _do(wh: SmallWarehouse, work: Callable):  # type: ignore[no-untyped-def,type-arg]
    return transaction(wh.engine, work)


def _wave_status(wh: SmallWarehouse, code: str) -> str:
    with session_scope(wh.engine) as s:
        return s.scalars(select(Wave.status).where(Wave.code == code)).one()


def test_release_hold_cancel(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    add_sales_order(warehouse, "SO1", [("PLAIN", 2)])
    with session_scope(warehouse.engine) as s:
        code = build_wave(s, warehouse.warehouse_id, WaveRules()).code
    for role in ("picker", "counter"):
        with pytest.raises(PermissionDenied, match="needs the role supervisor"):
            _do(warehouse, lambda s, r=role: actions.release_wave(s, code, _as(warehouse, r)))
    assert _wave_status(warehouse, code) == "planned"
    sup = _as(warehouse, "supervisor")
    assert "released: 1 pick" in _do(warehouse, lambda s: actions.release_wave(s, code, sup))
    with pytest.raises(PermissionDenied):
        _do(warehouse, lambda s: actions.hold_wave(s, code, _as(warehouse, "picker")))
    assert "held" in _do(warehouse, lambda s: actions.hold_wave(s, code, sup))
    assert _wave_status(warehouse, code) == "held"
    with pytest.raises(PermissionDenied):
        _do(warehouse, lambda s: actions.cancel_wave(s, code, _as(warehouse, "picker")))
    assert "cancelled" in _do(warehouse, lambda s: actions.cancel_wave(s, code, sup))
    assert _wave_status(warehouse, code) == "cancelled"


def test_reassign_a_cart_to_another_picker(warehouse: SmallWarehouse) -> None:
    released_wave(warehouse, orders=2)
    picker = warehouse.operators["picker"]
    start_cart(warehouse, picker)
    with session_scope(warehouse.engine) as s:
        task_id = s.scalars(select(Task.id).where(Task.assignee_id == picker)).first()
    assert task_id is not None
    with pytest.raises(PermissionDenied):
        _do(
            warehouse,
            lambda s: actions.reassign_task(s, task_id, "OPADMIN", _as(warehouse, "picker")),
        )
    sup = _as(warehouse, "supervisor")
    with pytest.raises(Conflict, match="needs the role picker"):
        _do(warehouse, lambda s: actions.reassign_task(s, task_id, "OPCOUNTER", sup))
    # the admin holds every role; they take the whole cart, totes and all
    said = _do(warehouse, lambda s: actions.reassign_task(s, task_id, "OPADMIN", sup))
    assert "(2 picks) given to Admin Tester" in said
    admin = warehouse.operators["admin"]
    view = _do(warehouse, lambda s: carts.current_cart(s, admin))
    assert view is not None and view.tasks == 2 and view.next_slot is None
    assert _do(warehouse, lambda s: carts.current_cart(s, picker)) is None
    with pytest.raises(Conflict, match="has this cart already"):
        _do(warehouse, lambda s: actions.reassign_task(s, task_id, "OPADMIN", sup))
    with session_scope(warehouse.engine) as s:  # the cart's claim row follows the tasks
        cluster = s.scalars(select(PickCluster).where(PickCluster.assignee_id == admin)).one()
        assert cluster.status == "claimed"
        audited = s.scalars(select(AuditEntry).where(AuditEntry.action == "task.reassign")).one()
        assert (audited.subject, audited.operator_id, audited.station) == (
            f"task {task_id}",
            warehouse.operators["supervisor"],
            "SUP01",
        )


def test_a_cart_given_before_anyone_claimed_it_is_not_claimed_again(
    warehouse: SmallWarehouse,
) -> None:
    released_wave(warehouse, orders=1)
    with session_scope(warehouse.engine) as s:
        task_id = s.scalars(select(Task.id).where(Task.kind == "pick")).first()
    sup = _as(warehouse, "supervisor")
    _do(warehouse, lambda s: actions.reassign_task(s, task_id, "OPADMIN", sup))
    with session_scope(warehouse.engine) as s:
        cluster = s.scalars(select(PickCluster)).one()
        assert (cluster.status, cluster.assignee_id) == ("claimed", warehouse.operators["admin"])


def test_approve_and_reject_a_variance(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A02-01-1", "PLAIN", 100)
    add_stock(warehouse, "A02-02-1", "PLAIN", 100)
    sup = _as(warehouse, "supervisor")
    _do(
        warehouse,
        lambda s: create_count_tasks_by_location(
            s, [warehouse.locations["A02-01-1"], warehouse.locations["A02-02-1"]], actor=sup
        ),
    )
    for _ in range(2):
        for counter in (_as(warehouse, "counter"), sup):
            count = _do(
                warehouse,
                lambda s, c=counter: counting.next_count_task(s, warehouse.warehouse_id, actor=c),
            )
            _do(
                warehouse,
                lambda s, c=counter, t=count: counting.submit_count(s, t.task_id, 70, actor=c),
            )
    pending = _do(
        warehouse, lambda s: counting.pending_approvals(s, warehouse.warehouse_id, actor=sup)
    )
    first, second = (int(row["task_id"]) for row in pending)
    with pytest.raises(PermissionDenied):
        _do(warehouse, lambda s: actions.decide_variance(s, first, True, _as(warehouse, "counter")))
    assert "approved" in _do(warehouse, lambda s: actions.decide_variance(s, first, True, sup))
    assert "rejected" in _do(warehouse, lambda s: actions.decide_variance(s, second, False, sup))
    with session_scope(warehouse.engine) as s:
        assert s.get(Task, first).status == "done"  # type: ignore[union-attr]
        assert s.get(Task, second).status == "cancelled"  # type: ignore[union-attr]


def test_reprint_a_failed_label(warehouse: SmallWarehouse) -> None:
    with session_scope(warehouse.engine) as s:
        s.add(
            PrintJob(
                job_key="J1",
                station="PACK01",
                template="carton",
                status="failed",
                reference="SO1",
                attempts=5,
                last_error="timeout",
            )
        )
        s.add(PrintJob(job_key="J2", station="PACK01", template="carton", status="printed"))
    with pytest.raises(PermissionDenied):
        _do(warehouse, lambda s: actions.reprint_label(s, "J1", _as(warehouse, "packer")))
    sup = _as(warehouse, "supervisor")
    said = _do(warehouse, lambda s: actions.reprint_label(s, "J1", sup))
    assert said == "Label carton SO1 sent again to station PACK01"
    with session_scope(warehouse.engine) as s:
        audited = s.scalars(select(AuditEntry).where(AuditEntry.action == "label.reprint")).one()
        assert (audited.subject, audited.operator_id) == ("J1", warehouse.operators["supervisor"])
    with session_scope(warehouse.engine) as s:
        job = s.scalars(select(PrintJob).where(PrintJob.job_key == "J1")).one()
        assert (job.status, job.attempts) == ("waiting", 0)
    with pytest.raises(Conflict, match="has not failed"):
        _do(warehouse, lambda s: actions.reprint_label(s, "J2", sup))
