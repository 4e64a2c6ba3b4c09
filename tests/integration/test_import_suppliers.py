"""`floor import suppliers` on SQLite and PostgreSQL: CSV and JSON create and update suppliers
and what they sell; a bad file changes nothing and names file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from floor.db import read_only
from floor.models import Item, Supplier, SupplierItem
from tests.integration.test_import import DATA, count, floor_cli, write
from tests.support import SmallWarehouse

HEADER = "supplier,name,lead_time_days,sku,supplier_sku,pack_size,min_order_qty\n"


def _sold(engine) -> dict[tuple[str, str], tuple]:  # type: ignore[no-untyped-def]
    with read_only(engine) as s:
        rows = s.execute(
            select(
                Supplier.code,
                Item.sku,
                SupplierItem.supplier_sku,
                SupplierItem.pack_size,
                SupplierItem.min_order_qty,
                SupplierItem.lead_time_days,
                SupplierItem.priority,
            )
            .join(Supplier, Supplier.id == SupplierItem.supplier_id)
            .join(Item, Item.id == SupplierItem.item_id)
        )
        return {(code, sku): tuple(rest) for code, sku, *rest in rows}


def test_csv_then_json_create_and_update_suppliers_and_their_items(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = warehouse.engine
    csv_file = str(DATA / "suppliers.csv")
    code, out, err = floor_cli(engine, capsys, "import", "suppliers", csv_file)
    assert (code, err) == (0, "")
    assert f"{csv_file}: 2 created, 0 updated (suppliers)" in out
    assert f"{csv_file}: 2 supplier items created, 0 updated" in out
    with read_only(engine) as s:
        found = {x.code: (x.name, x.lead_time_days) for x in s.scalars(select(Supplier))}
    assert found == {
        "ACME": ("Acme Components", 7),
        "NORD": ("Нордијска трговина д.о.о.", 21),
    }
    assert _sold(engine) == {
        ("ACME", "PLAIN"): ("AC-100", 12, 24, None, 1),
        ("ACME", "LOT"): ("AC-200", 6, 0, 10, 2),
    }
    json_file = str(DATA / "suppliers.json")
    code, out, err = floor_cli(engine, capsys, "import", "suppliers", json_file)
    assert (code, err) == (0, "")
    assert "1 created, 1 updated (suppliers)" in out and "2 supplier items created" in out
    with read_only(engine) as s:
        acme = s.scalars(select(Supplier).where(Supplier.code == "ACME")).one()
        assert (acme.name, acme.lead_time_days) == ("Acme Components", 5)  # name kept
    sold = _sold(engine)
    assert sold[("ACME", "SER")] == ("AC-300", 1, 0, None, 1)
    assert sold[("LAIT", "LOT")] == ("", 24, 48, 3, 1)
    assert sold[("ACME", "PLAIN")] == ("AC-100", 12, 24, None, 1)  # not in the file: kept


def test_a_bad_file_changes_nothing_and_names_every_problem(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = write(
        tmp_path,
        "bad.csv",
        HEADER + "ACME,Acme,7,PLAIN,AC-1,0,5\n"  # line 2: pack size 0
        "ACME,Acme,8,LOT,AC-2,6,\n"  # line 3: another lead time for ACME
        "ACME,Acme,7,LOT,AC-3,6,\n"  # line 4: LOT again for ACME
        "NORD,Nord,-1,,,,\n"  # line 5: negative lead time
        "NORD,Nord,,GHOST,N-1,1,\n"  # line 6: no such item (found at the write pass)
        ",Nobody,3,SER,,,\n",  # line 7: no supplier code
    )
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "suppliers", str(bad))
    assert code == 1
    assert f"{bad}:2: column pack_size: expected a whole number above zero" in err
    assert f"{bad}:3: column lead_time_days: expected the same lead_time_days as on line 2" in err
    assert f"{bad}:4: column sku: expected an item not already listed for ACME on line 3" in err
    assert f"{bad}:5: column lead_time_days: expected a whole number, zero or more" in err
    assert f"{bad}:7: column supplier: expected a value" in err
    assert count(warehouse.engine, Supplier) == 0 and count(warehouse.engine, SupplierItem) == 0
    unknown = write(tmp_path, "unknown.csv", HEADER + "NORD,Nord,4,GHOST,N-1,1,\n")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "suppliers", str(unknown))
    assert code == 1 and f"{unknown}:2: column sku: expected the SKU of an item" in err
    assert count(warehouse.engine, Supplier) == 0
    orphan = write(tmp_path, "orphan.csv", HEADER + "NORD,Nord,4,,N-1,,\n")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "suppliers", str(orphan))
    assert code == 1 and "column sku: expected the SKU the supplier_sku is for" in err
