"""Roles and the active flag are checked at every step that changes stock, not once per flow.

An operator deactivated, or given another role, after starting work (a cart claimed, a count
or a put-away task taken, a receipt opened) is refused at their next scan, and the ledger
itself refuses a posting by an operator who is inactive or whose roles do not cover it.
"""

from __future__ import annotations

import pytest

from floor.db import session_scope, transaction
from floor.errors import PermissionDenied
from floor.inbound import putaway as pa
from floor.inbound import receiving as rc
from floor.models import Operator
from floor.outbound import carts, picking, short_picks
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import count_scheduling as cs
from floor.stock import counting as ct
from floor.stock import ledger
from floor.stock import move_tasks as mt
from floor.stock.ledger import SYSTEM, Actor
from tests.support import SmallWarehouse, add_cart, add_sales_order, add_stock, barcode

# what happens to the operator after they started: deactivated, or moved to another role
CHANGES = {"deactivated": {"active": False}, "moved": {"roles": "packer"}}


def _change(wh: SmallWarehouse, role: str, change: str) -> None:
    with session_scope(wh.engine) as s:
        operator = s.get(Operator, wh.operators[role])
        assert operator is not None
        for name, value in CHANGES[change].items():
            setattr(operator, name, value)


def _actor(wh: SmallWarehouse, role: str) -> Actor:
    return Actor(wh.operators[role], "ST01")


def _stock_of(wh: SmallWarehouse, location: str, sku: str) -> tuple[int, int]:
    with session_scope(wh.engine) as s:
        return ledger.balance_of(s, wh.key(location, sku))


@pytest.mark.parametrize("change", CHANGES)
def test_a_picker_changed_after_claiming_a_cart_is_refused_at_the_next_pick(
    warehouse: SmallWarehouse, change: str
) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 10)
    add_sales_order(wh, "SO1", [("PLAIN", 3)])
    add_cart(wh, "CART01")
    with session_scope(wh.engine) as s:
        release_wave(s, build_wave(s, wh.warehouse_id, WaveRules()).id)
    me = wh.operators["picker"]
    transaction(wh.engine, lambda s: carts.start_cart(s, me, wh.warehouse_id, "CART01", ["TOTE01"]))
    view = transaction(wh.engine, lambda s: picking.next_pick(s, me))
    code = barcode(wh, "PLAIN")
    _change(wh, "picker", change)
    with pytest.raises(PermissionDenied):
        transaction(wh.engine, lambda s: picking.confirm_pick(s, me, view.task_id, 3, "TOTE01"))
    with pytest.raises(PermissionDenied):
        transaction(wh.engine, lambda s: short_picks.short_pick(s, me, view.task_id, 1, "TOTE01"))
    with pytest.raises(PermissionDenied):
        transaction(
            wh.engine,
            lambda s: picking.confirm_item(s, me, view.task_id, code),
        )
    assert _stock_of(wh, "A01-01-1", "PLAIN") == (10, 3)  # nothing picked, still reserved


@pytest.mark.parametrize("change", CHANGES)
def test_a_receiver_changed_after_taking_a_put_away_is_refused_at_its_destination(
    warehouse: SmallWarehouse, change: str
) -> None:
    wh = warehouse
    code = barcode(wh, "PLAIN")  # outside the transactions below (a nested one would wait)

    def receive(s):  # type: ignore[no-untyped-def]
        receipt = rc.open_receipt(s, warehouse_id=wh.warehouse_id, actor=_actor(wh, "receiver"))
        rc.receive_scan(
            s,
            receipt.receipt_id,
            barcode=code,
            quantity=4,
            actor=_actor(wh, "receiver"),
        )

    transaction(wh.engine, receive)
    task = transaction(
        wh.engine,
        lambda s: pa.start_putaway(
            s,
            warehouse_id=wh.warehouse_id,
            scanned=code,
            actor=_actor(wh, "receiver"),
        ),
    )
    assert task.to_location is not None
    _change(wh, "receiver", change)
    with pytest.raises(PermissionDenied):
        transaction(
            wh.engine,
            lambda s: mt.confirm_move_task(
                s, task.task_id, actor=_actor(wh, "receiver"), location_code=task.to_location
            ),
        )
    assert _stock_of(wh, "DOCK-01", "PLAIN") == (4, 0)


@pytest.mark.parametrize("change", CHANGES)
def test_a_counter_changed_after_taking_a_count_is_refused_at_submit(
    warehouse: SmallWarehouse, change: str
) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 40)
    transaction(
        wh.engine,
        lambda s: cs.create_count_tasks_by_location(
            s, [wh.locations["A01-01-1"]], actor=_actor(wh, "supervisor")
        ),
    )
    task = transaction(
        wh.engine, lambda s: ct.next_count_task(s, wh.warehouse_id, actor=_actor(wh, "counter"))
    )
    assert task is not None
    _change(wh, "counter", change)
    with pytest.raises(PermissionDenied):
        transaction(
            wh.engine, lambda s: ct.submit_count(s, task.task_id, 39, actor=_actor(wh, "counter"))
        )
    assert _stock_of(wh, "A01-01-1", "PLAIN") == (40, 0)


@pytest.mark.parametrize("change", CHANGES)
def test_a_receiver_changed_after_opening_a_receipt_is_refused_at_the_next_scan(
    warehouse: SmallWarehouse, change: str
) -> None:
    wh = warehouse
    code = barcode(wh, "PLAIN")
    receipt = transaction(
        wh.engine,
        lambda s: rc.open_receipt(s, warehouse_id=wh.warehouse_id, actor=_actor(wh, "receiver")),
    )
    _change(wh, "receiver", change)
    with pytest.raises(PermissionDenied):
        transaction(
            wh.engine,
            lambda s: rc.receive_scan(
                s,
                receipt.receipt_id,
                barcode=code,
                quantity=4,
                actor=_actor(wh, "receiver"),
            ),
        )
    assert _stock_of(wh, "DOCK-01", "PLAIN") == (0, 0)


@pytest.mark.parametrize("change", CHANGES)
def test_the_ledger_refuses_an_operator_deactivated_or_moved(
    warehouse: SmallWarehouse, change: str
) -> None:
    wh = warehouse
    key = wh.key("A01-01-1", "PLAIN")
    transaction(wh.engine, lambda s: ledger.receive(s, key, 5, actor=_actor(wh, "receiver")))
    transaction(
        wh.engine,
        lambda s: ledger.adjust(s, key, -1, reason="count", actor=_actor(wh, "counter")),
    )
    _change(wh, "receiver", change)
    _change(wh, "counter", change)
    with pytest.raises(PermissionDenied):
        transaction(wh.engine, lambda s: ledger.receive(s, key, 5, actor=_actor(wh, "receiver")))
    with pytest.raises(PermissionDenied):
        transaction(
            wh.engine,
            lambda s: ledger.adjust(s, key, -1, reason="count", actor=_actor(wh, "counter")),
        )
    assert _stock_of(wh, "A01-01-1", "PLAIN") == (4, 0)


def test_the_ledger_checks_the_role_for_each_kind_and_allows_the_system(
    warehouse: SmallWarehouse,
) -> None:
    wh = warehouse
    key = wh.key("A01-01-1", "PLAIN")
    picker = _actor(wh, "picker")
    with pytest.raises(PermissionDenied, match="needs the role"):
        transaction(wh.engine, lambda s: ledger.receive(s, key, 5, actor=picker))
    with pytest.raises(PermissionDenied, match="needs the role"):
        transaction(wh.engine, lambda s: ledger.adjust(s, key, 5, reason="found", actor=picker))
    transaction(wh.engine, lambda s: ledger.receive(s, key, 5, actor=SYSTEM))
    transaction(wh.engine, lambda s: ledger.adjust(s, key, 1, reason="found", actor=SYSTEM))
    # supervisors hold every floor role; admins every role
    for boss in ("supervisor", "admin"):
        transaction(
            wh.engine,
            lambda s, b=boss: ledger.adjust(s, key, -1, reason="damage", actor=_actor(wh, b)),
        )
    assert _stock_of(wh, "A01-01-1", "PLAIN") == (4, 0)
