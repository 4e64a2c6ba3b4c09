"""Returns against real shipments: an order packed at the bench and shipped at the dock is
found by its number, by a return authorization issued for it (also from a carton's SSCC) and
by the SSCC of a carton it shipped; what can come back is what shipped, not what was picked
or packed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.errors import Conflict, InvalidInput, NotFound
from floor.inbound import returns as rt
from floor.models import ReturnLine
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.ship_support import packed_order, prepare_packing, ship
from tests.support import SmallWarehouse, barcode


def _receive(wh: SmallWarehouse, sku: str, quantity: int, **kw: object):  # type: ignore[no-untyped-def]
    return transaction(
        wh.engine,
        lambda s: rt.receive_return(
            s,
            warehouse_id=wh.warehouse_id,
            order_number="SO100",
            barcode=barcode(wh, sku),
            quantity=quantity,
            disposition="quarantine",
            actor=Actor(wh.operators["receiver"], "ST01"),
            **kw,  # type: ignore[arg-type]
        ),
    )


def test_only_what_shipped_comes_back(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    prepare_packing(wh)
    shipped, waiting = packed_order(
        wh, "SO100", [("PLAIN", 3), ("LOT", 2)], "TOTE01", cartons=[[("PLAIN", 3)], [("LOT", 2)]]
    )
    with session_scope(wh.engine) as s:  # packed, nothing shipped: nothing to return
        assert [
            line["returnable"] for line in rt.find_return_order(s, order_number="SO100").lines
        ] == [0, 0]
        with pytest.raises(Conflict, match="has not shipped"):
            rt.find_return_order(s, sscc=shipped)
        with pytest.raises(NotFound, match="Unknown carton"):
            rt.find_return_order(s, sscc="106141410000099999")
    with pytest.raises(InvalidInput, match="0 sent on SO100"):
        _receive(wh, "PLAIN", 1)

    ship(wh, shipped, "1Z0000000001")
    with session_scope(wh.engine) as s:
        found = rt.find_return_order(s, sscc=shipped)
        assert (found.number, found.carton) == ("SO100", shipped)
        assert [(line["sku"], line["returnable"]) for line in found.lines] == [
            ("PLAIN", 3),
            ("LOT", 0),
        ]
    _receive(wh, "PLAIN", 2)
    with pytest.raises(InvalidInput) as err:
        _receive(wh, "PLAIN", 2)
    assert (
        "3 sent on SO100, 2 already returned" in str(err.value)
        and err.value.expected == "at most 1"
    )
    with pytest.raises(InvalidInput, match="0 sent on SO100"):  # packed, still here
        _receive(wh, "LOT", 1, lot="L1")
    with session_scope(wh.engine) as s:
        assert ledger.invariant_violations(s) == []
    assert waiting


def test_authorize_by_sscc_then_receive_by_ra(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    from floor.cli import main

    wh = warehouse
    prepare_packing(wh)
    [sscc] = packed_order(wh, "SO100", [("PLAIN", 2)], "TOTE01")
    url = wh.engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "returns", "authorize", sscc]) == 1
    assert f"Carton {sscc} has not shipped" in capsys.readouterr().err
    ship(wh, sscc, "1Z0000000001")
    hri = f"(00) {sscc}"
    assert main(["--database-url", url, "returns", "authorize", hri, "--reason", "too big"]) == 0
    assert "RA0000001 authorizes a return of order SO100" in capsys.readouterr().out
    with session_scope(wh.engine) as s:
        found = rt.find_return_order(s, authorization="RA0000001")
        assert (found.number, found.authorization, found.lines[0]["returnable"]) == (
            "SO100",
            "RA0000001",
            2,
        )
    _receive(wh, "PLAIN", 2, authorization="RA0000001")
    with session_scope(wh.engine) as s:
        assert s.scalars(select(ReturnLine.authorization)).all() == ["RA0000001"]
    assert main(["--database-url", url, "returns", "authorize", "SO100"]) == 1
    assert "Nothing left to return on order SO100" in capsys.readouterr().err


def test_sscc_in_reads_what_people_key() -> None:
    from floor.gs1 import sscc_in

    assert sscc_in("(00) 1 0614141 123456789 7") == "106141411234567897"
    assert sscc_in("00106141411234567897") == "106141411234567897"
    assert sscc_in("SO100") is None and sscc_in("RA0000001") is None
