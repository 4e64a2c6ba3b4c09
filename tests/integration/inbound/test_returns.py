"""Returns: find the order, receive items with a disposition through the ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.errors import Conflict, InvalidInput, NotFound, PermissionDenied, WrongScan
from floor.inbound import returns as rt
from floor.models import ReturnAuthorization, ReturnLine, StockTransaction
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
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


def _authorize(wh: SmallWarehouse, number: str, role: str = "supervisor", **kw: object):  # type: ignore[no-untyped-def]
    return transaction(
        wh.engine,
        lambda s: rt.authorize_return(s, number, actor=Actor(wh.operators[role], "ST01"), **kw),  # type: ignore[arg-type]
    )


def test_return_authorization_finds_the_order_and_is_recorded(warehouse: SmallWarehouse) -> None:
    add_shipped_order(warehouse, "SO100", [("PLAIN", 5)])
    add_shipped_order(warehouse, "SO200", [("PLAIN", 1)])
    ra = _authorize(warehouse, "SO100", reason="too big", scan_id="a1")
    assert ra == _authorize(warehouse, "SO100", reason="too big", scan_id="a1")  # idempotent
    assert (ra.number, ra.order, ra.reason) == ("RA0000001", "SO100", "too big")
    other = _authorize(warehouse, "SO200")
    assert other.number == "RA0000002"
    with session_scope(warehouse.engine) as s:
        found = rt.find_return_order(s, authorization="RA0000001")
        assert (found.number, found.authorization) == ("SO100", "RA0000001")
        assert rt.find_return_order(s, authorization="EXT-SO200").number == "SO200"
        with pytest.raises(NotFound):
            rt.find_return_order(s, authorization="RA9999999")
    with pytest.raises(WrongScan, match="not a return authorization of order SO100"):
        _return(warehouse, barcode(warehouse, "PLAIN"), 1, "quarantine", authorization=other.number)
    _return(warehouse, barcode(warehouse, "PLAIN"), 1, "quarantine", authorization=ra.number)
    with session_scope(warehouse.engine) as s:
        assert s.scalars(select(ReturnLine.authorization)).all() == ["RA0000001"]


def test_authorizing_needs_a_supervisor_and_something_to_return(
    warehouse: SmallWarehouse,
) -> None:
    add_shipped_order(warehouse, "SO100", [("PLAIN", 1)])
    with pytest.raises(PermissionDenied):
        _authorize(warehouse, "SO100", role="receiver")
    with pytest.raises(NotFound):
        _authorize(warehouse, "SO999")
    _return(warehouse, barcode(warehouse, "PLAIN"), 1, "quarantine")
    with pytest.raises(Conflict, match="Nothing left to return"):
        _authorize(warehouse, "SO100")
    with session_scope(warehouse.engine) as s:
        assert s.scalars(select(ReturnAuthorization)).all() == []


def test_returns_authorize_from_the_command_line(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    from floor.cli import main

    add_shipped_order(warehouse, "SO100", [("PLAIN", 2)])
    url = warehouse.engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "returns", "authorize", "SO100", "--reason", "late"]) == 0
    assert "RA0000001 authorizes a return of order SO100" in capsys.readouterr().out
    assert main(["--database-url", url, "returns", "authorize", "SO404"]) == 1
    assert "Unknown order SO404" in capsys.readouterr().err
    with session_scope(warehouse.engine) as s:
        [ra] = s.scalars(select(ReturnAuthorization)).all()
        assert (ra.number, ra.reason, ra.status, ra.operator_id) == (
            "RA0000001",
            "late",
            "open",
            None,
        )
