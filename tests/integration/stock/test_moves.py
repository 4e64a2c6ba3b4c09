"""Free moves and supervisor adjustments through the ledger, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from floor import audit
from floor.db import session_scope, transaction
from floor.errors import InsufficientStock, InvalidInput, PermissionDenied, WrongScan
from floor.stock import adjustments as adj
from floor.stock import ledger as inv
from floor.stock import moves as mv
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_stock, barcode

EXP = dt.date(2049, 12, 31)
POLICY = adj.AdjustPolicy(("damaged", "found"))


def _actor(wh: SmallWarehouse, role: str) -> Actor:
    return Actor(wh.operators[role], "ST01")


def _move(wh: SmallWarehouse, role: str = "receiver", **kw: object) -> mv.Moved:
    return transaction(
        wh.engine,
        lambda s: mv.move_stock(
            s,
            warehouse_id=wh.warehouse_id,
            actor=_actor(wh, role),
            **kw,  # type: ignore[arg-type]
        ),
    )


def _adjust(wh: SmallWarehouse, role: str = "supervisor", **kw: object) -> adj.Adjusted:
    return transaction(
        wh.engine,
        lambda s: adj.adjust_stock(
            s,
            warehouse_id=wh.warehouse_id,
            policy=POLICY,
            actor=_actor(wh, role),
            **kw,  # type: ignore[arg-type]
        ),
    )


def test_move_a_quantity_of_an_item_once_per_scan(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    code = barcode(warehouse, "PLAIN")
    with session_scope(warehouse.engine) as s:
        found = mv.what_to_move(
            s, warehouse.warehouse_id, "A01-01-1", code, actor=_actor(warehouse, "receiver")
        )
    assert (found.sku, found.available, found.lpn) == ("PLAIN", 10, None)
    kw = dict(from_location="A01-01-1", to_location="A02-02-2", scanned=code, quantity=4)
    done = _move(warehouse, scan_id="m1", **kw)
    assert done == mv.Moved("A01-01-1", "A02-02-2", "PLAIN", 4)
    assert _move(warehouse, scan_id="m1", **kw) == done  # the same scan again changes nothing
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (6, 0)
        assert inv.balance_of(s, warehouse.key("A02-02-2", "PLAIN")) == (4, 0)
        assert inv.invariant_violations(s) == []
    with pytest.raises(InsufficientStock, match="Only 6"):
        _move(warehouse, **{**kw, "quantity": 7})
    with pytest.raises(InvalidInput, match="same"):
        _move(warehouse, **{**kw, "to_location": "A01-01-1"})


def test_move_an_lpn_whole(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 3, container="LPN0001")
    add_stock(warehouse, "A01-01-1", "LOT", 2, lot="L1", expiry=EXP, container="LPN0001")
    with session_scope(warehouse.engine) as s:
        found = mv.what_to_move(
            s, warehouse.warehouse_id, "A01-01-1", "LPN0001", actor=_actor(warehouse, "receiver")
        )
    assert found.lpn == "LPN0001" and found.available == 5 and len(found.contents) == 2
    done = _move(warehouse, from_location="A01-01-1", to_location="A02-02-2", scanned="LPN0001")
    assert done.quantity == 5
    with session_scope(warehouse.engine) as s:
        key = warehouse.key("A02-02-2", "LOT", "L1", EXP, "LPN0001")
        assert inv.balance_of(s, key) == (2, 0)
        assert inv.invariant_violations(s) == []
    with pytest.raises(WrongScan, match="not at A01-01-1"):
        _move(warehouse, from_location="A01-01-1", to_location="A02-01-2", scanned="LPN0001")


def test_move_roles(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    code = barcode(warehouse, "PLAIN")
    kw = dict(from_location="A01-01-1", to_location="A02-02-2", scanned=code, quantity=1)
    with pytest.raises(PermissionDenied):
        _move(warehouse, "picker", **kw)
    assert _move(warehouse, "supervisor", **kw).quantity == 1


def test_adjust_to_a_new_quantity_or_by_a_change_recorded_in_the_audit_log(
    warehouse: SmallWarehouse,
) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    code = barcode(warehouse, "PLAIN")
    kw = dict(location_code="A01-01-1", barcode=code)
    done = _adjust(warehouse, quantity=7, reason="damaged", scan_id="a1", **kw)
    assert (done.before, done.after) == (10, 7)
    assert _adjust(warehouse, quantity=7, reason="damaged", scan_id="a1", **kw) == done
    assert _adjust(warehouse, delta=2, reason="found", **kw).after == 9
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (9, 0)
        assert inv.invariant_violations(s) == []
        entries = audit.entries(s, action=audit.STOCK_ADJUST)
    assert len(entries) == 2
    assert entries[-1].details == {"lot": "", "before": 10, "after": 7, "reason": "damaged"}
    assert entries[-1].subject == "PLAIN at A01-01-1"


def test_adjust_refusals(warehouse: SmallWarehouse) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 10)
    add_stock(warehouse, "A01-01-1", "LOT", 4, lot="L1", expiry=EXP)
    code = barcode(warehouse, "PLAIN")
    kw = dict(location_code="A01-01-1", barcode=code)
    with pytest.raises(PermissionDenied):
        _adjust(warehouse, "receiver", quantity=1, reason="damaged", **kw)
    with pytest.raises(InvalidInput, match="Unknown reason"):
        _adjust(warehouse, quantity=1, reason="stolen", **kw)
    with pytest.raises(InvalidInput, match="already 10"):
        _adjust(warehouse, quantity=10, reason="found", **kw)
    lot_kw = dict(location_code="A01-01-1", barcode=barcode(warehouse, "LOT"))
    with pytest.raises(InvalidInput, match="key the lot"):
        _adjust(warehouse, quantity=1, reason="damaged", **lot_kw)
    assert _adjust(warehouse, delta=-1, lot="L1", reason="damaged", **lot_kw).after == 3
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "LOT", "L1", EXP)) == (3, 0)
        assert len(audit.entries(s, action=audit.STOCK_ADJUST)) == 1
        assert inv.invariant_violations(s) == []


def test_adjust_policy_reads_the_reasons() -> None:
    assert adj.AdjustPolicy.from_section({}).reasons == adj.DEFAULT_REASONS
    assert adj.AdjustPolicy.from_section({"reasons": ["broken", "found"]}).reasons == (
        "broken",
        "found",
    )
    from floor.config import ConfigError

    with pytest.raises(ConfigError):
        adj.AdjustPolicy.from_section({"reasons": "broken"})
