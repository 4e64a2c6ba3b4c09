"""`floor purchasing` from the shell on SQLite and PostgreSQL: forecast with its backtest in the
same run, suggestions as a table and JSON, purchase orders created once, reorder points
recorded, and bad input refused with what was expected."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from floor.db import read_only
from floor.models import ComputedReorderPoint, PurchaseOrder
from floor.planning.engines import statsforecast_available
from tests.integration.planning.support import add_item, add_supplier, ship
from tests.integration.test_import import floor_cli as _floor_cli
from tests.support import SmallWarehouse, add_stock

D = dt.timedelta(days=1)


def floor_cli(engine, capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """`floor ARGS`, in the test warehouse unless ARGS name one."""
    more = [] if "--warehouse" in args or len(args) < 2 else ["--warehouse", "TST"]
    return _floor_cli(engine, capsys, *args, *more)


@pytest.fixture
def shop(warehouse: SmallWarehouse) -> SmallWarehouse:
    """BOLT ships 3 to 5 a day for 10 weeks (bought from ACME: 7 days, packs of 10)."""
    today = dt.datetime.now(dt.UTC).date()
    add_item(warehouse, "BOLT")
    add_supplier(warehouse, "ACME", 7, [("BOLT", 10, 0)])
    for n in range(1, 71):
        ship(warehouse, "BOLT", 3 + n % 3, today - n * D)
    add_stock(warehouse, "A01-01-1", "BOLT", 12)
    return warehouse


def test_forecast_with_backtest_in_the_same_run(
    shop: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = floor_cli(shop.engine, capsys, "purchasing", "forecast", "--backtest")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("TST: demand ") and "forecast for 28 days" in lines[0]
    assert "MASE" in lines[1] and "Baseline MASE" in lines[1]
    assert lines[2].split()[:3] == ["BOLT", "smooth", "ses"]
    assert "Backtest over the last 28 days of 1 of 1 items: MASE" in out
    code, out, _err = floor_cli(
        shop.engine, capsys, "purchasing", "forecast", "--item", "BOLT", "--json", "--backtest"
    )
    data = json.loads(out)
    (item,) = data["items"]
    assert item["sku"] == "BOLT" and item["history_units"] == sum(3 + n % 3 for n in range(1, 71))
    assert 3.5 < item["per_day"] < 4.5
    assert data["backtest"]["scored"] == 1 and data["backtest"]["ratio"] is not None
    code, _out, err = floor_cli(shop.engine, capsys, "purchasing", "forecast", "--item", "NOPE")
    assert code == 1 and "No item with SKU NOPE" in err


def test_suggest_then_create_once(shop: SmallWarehouse, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = floor_cli(shop.engine, capsys, "purchasing", "suggest", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    bolts = [s for s in data["suggestions"] if s["sku"] == "BOLT"]
    assert data["service_level"] == 0.95 and len(bolts) == 1
    bolt = bolts[0]
    assert bolt["supplier"] == "ACME" and bolt["on_hand"] == 12
    assert bolt["quantity"] > 0 and bolt["quantity"] % 10 == 0
    code, out, _err = floor_cli(
        shop.engine, capsys, "purchasing", "suggest", "--supplier", "ACME", "--service-level", "99%"
    )
    assert code == 0 and out.splitlines()[0].split()[:3] == ["SKU", "Supplier", "Lead"]
    assert "BOLT" in out and "service level 99%" in out and "PLAIN" not in out

    code, out, err = floor_cli(shop.engine, capsys, "purchasing", "create", "--all")
    assert (code, err) == (0, "")
    number = f"PO{dt.datetime.now(dt.UTC).date():%y%m%d}0001"
    assert f"{number}: ACME, 1 lines, {bolt['quantity']} units, expected" in out
    assert "Not ordered, no supplier sells them: LOT, PLAIN, SER" in out
    code, out, _err = floor_cli(shop.engine, capsys, "purchasing", "create", "BOLT")
    assert code == 0 and "Nothing to order in TST now" in out
    with read_only(shop.engine) as s:
        assert s.scalars(select(PurchaseOrder.number)).all() == [number]
    code, out, _err = floor_cli(shop.engine, capsys, "purchasing", "suggest", "--item", "BOLT")
    assert code == 0 and out.strip() == "Nothing to order in TST now"


def test_reorder_points_are_recorded(
    shop: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = floor_cli(shop.engine, capsys, "purchasing", "reorder-points")
    assert (code, err) == (0, "")
    assert "TST: reorder points recorded for 4 items" in out  # BOLT; PLAIN, LOT, SER typed
    with read_only(shop.engine) as s:
        point = s.scalar(
            select(ComputedReorderPoint.reorder_point).where(
                ComputedReorderPoint.item_id == shop.items["BOLT"]
            )
        )
    assert point is not None and point >= 28  # about 4 a day over 7 days, plus safety stock
    code, out, _err = floor_cli(shop.engine, capsys, "purchasing", "reorder-points", "--json")
    assert code == 0 and json.loads(out) == {"warehouse": "TST", "recorded": 4}


def test_bad_input_is_refused(shop: SmallWarehouse, capsys: pytest.CaptureFixture[str]) -> None:
    for args, expected in (
        (["--service-level", "100"], "expected a service level between 0 and 100%, like 95"),
        (["--service-level", "abc"], "like 95, got abc"),
        (["--history-days", "0"], "expected a whole number above zero, got 0"),
    ):
        with pytest.raises(SystemExit) as stopped:
            floor_cli(shop.engine, capsys, "purchasing", "suggest", *args)
        assert stopped.value.code == 2 and expected in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        floor_cli(shop.engine, capsys, "purchasing", "create")
    assert stopped.value.code == 2 and "one of the arguments --all SKU" in capsys.readouterr().err
    code, _out, err = floor_cli(shop.engine, capsys, "purchasing", "suggest", "--warehouse", "X")
    assert code == 1 and "No warehouse X (known: TST)" in err
    code, _out, err = floor_cli(
        shop.engine, capsys, "purchasing", "create", "--all", "--supplier", "GHOST"
    )
    assert code == 1 and "No supplier GHOST" in err
    code, _out, err = floor_cli(shop.engine, capsys, "purchasing", "suggest", "--supplier", "X")
    assert code == 1 and "No supplier X" in err
    code, _out, err = floor_cli(
        shop.engine, capsys, "purchasing", "suggest", "--item", "BOLT", "NOPE"
    )
    assert code == 1 and "No item with SKU NOPE" in err
    if not statsforecast_available():
        code, _out, err = floor_cli(
            shop.engine, capsys, "purchasing", "forecast", "--engine", "statsforecast"
        )
        assert code == 1 and "pip install 'floor[forecast]'" in err
