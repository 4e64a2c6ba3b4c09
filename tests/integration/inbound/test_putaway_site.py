"""Put-away as a new site finds it: a bare location code does not prove the operator stands
at the bin (the check digits do, unless the site turns the check off); an LPN's task shows
what it holds; what waits at the dock is listed."""

from __future__ import annotations

import datetime as dt

import pytest

from floor.db import session_scope, transaction
from floor.errors import InvalidInput
from floor.gs1 import location_check_digits
from floor.inbound import putaway as pa
from floor.stock import ledger as inv
from floor.stock import move_tasks as mt
from floor.stock import replenishment as rp
from floor.stock.ledger import Actor
from tests.integration.inbound.test_putaway import _confirm, _receive, _start
from tests.support import SmallWarehouse, add_pick_face, add_stock

EXP = dt.date(2049, 12, 31)


def test_bare_location_code_is_refused_until_its_check_digits_come(
    warehouse: SmallWarehouse,
) -> None:
    _receive(warehouse, "PLAIN", 4)
    task = _start(warehouse, "PLAIN")
    with pytest.raises(InvalidInput, match="check digits of A01-01-2") as refused:
        _confirm(warehouse, task.task_id, location_code=task.to_location)
    assert refused.value.location == "A01-01-2"  # type: ignore[attr-defined]
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("DOCK-01", "PLAIN")) == (4, 0)
    done = _confirm(
        warehouse,
        task.task_id,
        location_code=task.to_location,
        check_digits=location_check_digits("A01-01-2"),
    )
    assert done.location == "A01-01-2" and done.quantity == 4
    with session_scope(warehouse.engine) as s:
        assert inv.invariant_violations(s) == []


def test_site_may_turn_the_check_off(warehouse: SmallWarehouse) -> None:
    assert mt.CheckPolicy.from_section({}).require_check_digits is True
    policy = mt.CheckPolicy.from_section({"require_check_digits": False})
    _receive(warehouse, "PLAIN", 4)
    task = _start(warehouse, "PLAIN")
    done = _confirm(
        warehouse,
        task.task_id,
        location_code=task.to_location,
        require_check_digits=policy.require_check_digits,
    )
    assert done.location == "A01-01-2"


def test_override_to_a_bare_code_needs_its_check_digits(warehouse: SmallWarehouse) -> None:
    _receive(warehouse, "PLAIN", 4)
    task = _start(warehouse, "PLAIN")
    with pytest.raises(InvalidInput, match="check digits of A02-02-2"):
        _confirm(
            warehouse, task.task_id, "supervisor", location_code="A02-02-2", override_reason="x"
        )
    done = _confirm(
        warehouse,
        task.task_id,
        "supervisor",
        location_code="A02-02-2",
        check_digits=location_check_digits("A02-02-2"),
        override_reason="x",
    )
    assert done.overridden and done.location == "A02-02-2"


def test_replenishment_source_needs_its_check_digits(warehouse: SmallWarehouse) -> None:
    add_pick_face(warehouse, "A01-01-1", "PLAIN", 10, 20)
    add_stock(warehouse, "A02-01-2", "PLAIN", 30)
    picker = Actor(warehouse.operators["picker"], "ST01")
    transaction(warehouse.engine, lambda s: rp.check_replenishment(s, warehouse.warehouse_id))
    task = transaction(
        warehouse.engine, lambda s: rp.next_replenishment(s, warehouse.warehouse_id, actor=picker)
    )
    assert task is not None and task.from_location == "A02-01-2"
    with session_scope(warehouse.engine) as s:
        with pytest.raises(InvalidInput, match="check digits of A02-01-2"):
            rp.check_source(s, task.task_id, location_code="A02-01-2")
        rp.check_source(
            s,
            task.task_id,
            location_code="A02-01-2",
            check_digits=location_check_digits("A02-01-2"),
        )


def test_lpn_task_shows_its_contents(warehouse: SmallWarehouse) -> None:
    _receive(warehouse, "PLAIN", 3, lpn_code="LPN0001")
    _receive(warehouse, "LOT", 2, lpn_code="LPN0001", lot="L1", expiry=EXP)
    task = _start(warehouse, "LPN0001")
    assert task.lpn == "LPN0001" and task.quantity == 5
    assert [(c.sku, c.quantity, c.lot) for c in task.contents] == [
        ("LOT", 2, "L1"),
        ("PLAIN", 3, ""),
    ]


def test_what_waits_at_the_dock(warehouse: SmallWarehouse) -> None:
    _receive(warehouse, "PLAIN", 3, lpn_code="LPN0001")
    _receive(warehouse, "LOT", 2, lpn_code="LPN0001", lot="L1", expiry=EXP)
    _receive(warehouse, "PLAIN", 4)
    with session_scope(warehouse.engine) as s:
        waiting = pa.waiting_at_dock(s, warehouse.warehouse_id)
    lpn = next(line for line in waiting if line.lpn)
    loose = next(line for line in waiting if not line.lpn)
    assert lpn.lpn == "LPN0001" and lpn.quantity == 5 and lpn.location == "DOCK-01"
    assert [(c.sku, c.quantity, c.lot) for c in lpn.contents] == [
        ("LOT", 2, "L1"),
        ("PLAIN", 3, ""),
    ]
    assert (loose.sku, loose.quantity, loose.lot) == ("PLAIN", 4, "")
    task = _start(warehouse, "LPN0001")
    _confirm(
        warehouse,
        task.task_id,
        location_code=task.to_location,
        check_digits=location_check_digits(task.to_location or ""),
    )
    with session_scope(warehouse.engine) as s:
        assert [line.sku for line in pa.waiting_at_dock(s, warehouse.warehouse_id)] == ["PLAIN"]
