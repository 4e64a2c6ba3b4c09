"""Returns: find the order, receive items with a disposition through the ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from floor import inventory as inv
from floor import returns as rt
from floor.db import session_scope, transaction
from floor.errors import InvalidInput, NotFound, PermissionDenied, WrongScan
from floor.inventory import Actor
from floor.models import ReturnLine, StockTransaction
from tests.support import SmallWarehouse, add_shipped_order, barcode


def _return(wh: SmallWarehouse, code: str, quantity: int, disposition: str, **kw: object):  # type: ignore[no-untyped-def]
    role = kw.pop("role", "receiver")
    return transaction(
        wh.engine,
        lambda s: rt.receive_return(
            s,
            warehouse_id=wh.warehouse_id,
            order_number="SO100",
            barcode=code,
            quantity=quantity,
            disposition=disposition,
            actor=Actor(wh.operators[role], "ST01"),  # type: ignore[index]
            **kw,  # type: ignore[arg-type]
        ),
    )


def test_restock_quarantine_and_scrap(warehouse: SmallWarehouse) -> None:
    add_shipped_order(warehouse, "SO100", [("PLAIN", 5)])
    code = barcode(warehouse, "PLAIN")
    done = _return(warehouse, code, 2, "restock", location_code="A01-01-1", scan_id="r1")
    assert (done.location, done.quantity) == ("A01-01-1", 2)
    assert _return(warehouse, code, 2, "restock", location_code="A01-01-1", scan_id="r1") == done
    assert _return(warehouse, code, 1, "quarantine", authorization="RMA7").location == "QUA-01"
    assert _return(warehouse, code, 1, "scrap", reason="broken").disposition == "scrap"
    with session_scope(warehouse.engine) as s:
        assert inv.balance_of(s, warehouse.key("A01-01-1", "PLAIN")) == (2, 0)
        assert inv.balance_of(s, warehouse.key("QUA-01", "PLAIN")) == (1, 0)
        lines = s.scalars(select(ReturnLine).order_by(ReturnLine.id)).all()
        assert [(r.disposition, r.quantity) for r in lines] == [
            ("restock", 2),
            ("quarantine", 1),
            ("scrap", 1),
        ]
        reasons = s.scalars(select(StockTransaction.reason).order_by(StockTransaction.id)).all()
        assert reasons == ["return", "return", "return", "scrap"]
        assert inv.invariant_violations(s) == []
        found = rt.find_return_order(s, authorization="RMA7")
        assert found.number == "SO100" and found.lines[0]["returned"] == 4
    with pytest.raises(InvalidInput) as err:
        _return(warehouse, code, 2, "quarantine")
    assert err.value.expected == "at most 1"


def test_wrong_item_unknown_order_bad_location_and_role(warehouse: SmallWarehouse) -> None:
    add_shipped_order(warehouse, "SO100", [("PLAIN", 5)])
    with pytest.raises(WrongScan) as err:
        _return(warehouse, barcode(warehouse, "SER"), 1, "quarantine")
    assert err.value.expected == "PLAIN"
    with pytest.raises(WrongScan, match="not a storage"):
        _return(warehouse, barcode(warehouse, "PLAIN"), 1, "restock", location_code="SHIP-01")
    with pytest.raises(InvalidInput, match="location"):
        _return(warehouse, barcode(warehouse, "PLAIN"), 1, "restock")
    with pytest.raises(InvalidInput, match="disposition"):
        _return(warehouse, barcode(warehouse, "PLAIN"), 1, "resell")
    with pytest.raises(PermissionDenied):
        _return(warehouse, barcode(warehouse, "PLAIN"), 1, "scrap", role="picker")
    with session_scope(warehouse.engine) as s, pytest.raises(NotFound):
        rt.find_return_order(s, order_number="SO999")
        assert s.scalars(select(ReturnLine)).all() == []


def test_lot_required_for_tracked_items(warehouse: SmallWarehouse) -> None:
    add_shipped_order(warehouse, "SO100", [("LOT", 5)])
    with pytest.raises(InvalidInput, match="lot"):
        _return(warehouse, barcode(warehouse, "LOT"), 1, "quarantine")
