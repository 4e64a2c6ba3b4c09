"""`floor stock` by item, location and lot, and `--low`, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from floor.db import session_scope
from floor.models import Item
from tests.integration.test_export import stocked
from tests.integration.test_import import floor_cli
from tests.support import SmallWarehouse


def test_stock_by_item_location_and_lot(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = stocked(warehouse)
    code, out, _err = floor_cli(wh.engine, capsys, "stock", "--item", "PLAIN", "--warehouse", "TST")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "Location", "SKU", "Lot", "Expiry", "Container", "On", "hand", "Reserved", "Available",
    ]  # fmt: skip
    assert [line.split() for line in lines[1:3]] == [
        ["A01-01-1", "PLAIN", "5", "0", "5"],
        ["PACK-01", "PLAIN", "TOTE01", "2", "0", "2"],
    ]
    assert lines[3] == "2 balances, 7 units on hand"

    code, out, _err = floor_cli(
        wh.engine, capsys, "stock", "--location", "A01-02-1", "--warehouse", "TST"
    )
    assert code == 0
    assert out.splitlines()[1].split() == ["A01-02-1", "LOT", "L1", "2030-07-01", "20", "3", "17"]

    code, out, _err = floor_cli(wh.engine, capsys, "stock", "--lot", "L1", "--warehouse", "TST")
    assert code == 0 and out.splitlines()[-1] == "1 balances, 20 units on hand"

    code, out, _err = floor_cli(wh.engine, capsys, "stock", "--lot", "NONE", "--warehouse", "TST")
    assert (code, out.strip()) == (0, "No stock found")


def test_stock_low_lists_items_under_reorder_point(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = stocked(warehouse)  # every item has reorder point 10: PLAIN 7, LOT 20, SER 0, KIT 0
    with session_scope(wh.engine) as s:
        s.execute(update(Item).where(Item.sku == "KIT").values(reorder_point=None))
    code, out, _err = floor_cli(wh.engine, capsys, "stock", "--low", "--warehouse", "TST")
    assert code == 0
    rows = [line.split() for line in out.splitlines()[1:]]
    assert "In transit" in out.splitlines()[0]
    assert rows == [
        ["PLAIN", "Plain", "widget", "7", "0", "10"],
        ["SER", "Scanner", "gun", "0", "0", "10"],
    ]


def test_stock_unknown_item_location_or_warehouse(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "stock", "--item", "NO", "--warehouse", "TST"
    )
    assert (code, err.strip()) == (1, "floor: No item with SKU NO")
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "stock", "--location", "Z-9", "--warehouse", "TST"
    )
    assert (code, err.strip()) == (1, "floor: No location Z-9 in TST")
    code, _out, err = floor_cli(warehouse.engine, capsys, "stock", "--warehouse", "XX")
    assert (code, err.strip()) == (1, "floor: No warehouse XX (known: TST)")
