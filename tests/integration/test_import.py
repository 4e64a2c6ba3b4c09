"""`floor import` on SQLite and PostgreSQL: what a good file creates; a bad one changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from floor.cli import main
from floor.db import read_only
from floor.models import (
    Item,
    ItemBarcode,
    Location,
    PurchaseOrder,
    SalesOrder,
    Supplier,
)
from tests.support import SmallWarehouse

DATA = Path(__file__).parent.parent / "data" / "imports"


def floor_cli(
    engine: Engine, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    url = engine.url.render_as_string(hide_password=False)
    code = main(["--database-url", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def count(engine: Engine, model: type) -> int:
    with read_only(engine) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_items_csv_creates_items_with_barcodes_then_updates_them(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(DATA / "items.csv"))
    assert (code, err) == (0, "")
    assert "3 created, 0 updated" in out
    with read_only(warehouse.engine) as s:
        caf = s.scalars(select(Item).where(Item.sku == "CAF-250")).one()
        assert caf.description.encode() == "Café moulu « Brûlerie » 250 g".encode()
        assert caf.gtin == "04006381333931"
        assert (caf.lot_tracked, caf.expiry_tracked, caf.allocation) == (True, True, "fefo")
        assert (caf.weight_kg, caf.height_mm, caf.reorder_point) == (0.25, 160, 24)
        levels = {(b.barcode, b.pack_level, b.units) for b in caf.barcodes}
        assert levels == {("4006381333931", "each", 1), ("14006381333938", "case", 12)}
        srb = s.scalars(select(Item).where(Item.sku == "SRB-01")).one()
        assert srb.description == "Ајвар љути 350 г"
        assert s.scalars(select(Item.serial_tracked).where(Item.sku == "TOOL-9")).one() is True

    code, out, _err = floor_cli(
        warehouse.engine, capsys, "import", "items", str(DATA / "items.csv")
    )
    assert code == 0 and "0 created, 3 updated" in out
    assert count(warehouse.engine, Item) == 4 + 3


def test_items_json_with_barcode_list(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "items", str(DATA / "items.json")
    )
    assert (code, err) == (0, "")
    with read_only(warehouse.engine) as s:
        case = s.scalars(select(ItemBarcode).where(ItemBarcode.barcode == "14006381333938")).one()
        assert (case.item.sku, case.pack_level, case.units) == ("CAF-250", "case", 12)
        assert s.scalars(select(Item.reorder_point).where(Item.sku == "SRB-01")).one() == 10


def test_bad_rows_are_all_reported_and_nothing_is_imported(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "items.csv",
        "sku,description,gtin,weight_kg,lot_tracked,case_barcode,case_units\n"
        "GOOD,Fine,,,,,\n"
        "BAD1,Wrong check digit,4006381333932,,,,\n"
        "BAD2,Wrong types,,heavy,maybe,,\n"
        ",No sku,,,,,\n"
        "BAD3,Case without units,,,,14006381333938,\n",
    )
    before = count(warehouse.engine, Item)
    code, out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines == [
        f'{path}:3: column gtin: expected a GTIN with a valid check digit, got "4006381333932"',
        f'{path}:4: column weight_kg: expected a number, got "heavy"',
        f'{path}:4: column lot_tracked: expected true or false, got "maybe"',
        f"{path}:5: column sku: expected a value, got nothing",
        f"{path}:6: column case_units: expected a whole number, got nothing",
        f"floor: Nothing imported: 5 problems in {path}",
    ]
    assert count(warehouse.engine, Item) == before
    with read_only(warehouse.engine) as s:
        assert s.scalar(select(Item).where(Item.sku == "GOOD")) is None


def test_missing_column_is_named_at_the_header(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "locations.csv", "zone,kind\nPCK,rack\n")
    before = count(warehouse.engine, Location)
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "locations", str(path), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[0] == f"{path}:1: column code: expected a column named code"
    assert count(warehouse.engine, Location) == before


def test_wrong_type_in_an_order_line_imports_no_order(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "orders.csv",
        "order,sku,quantity,ship_by\nSO-1,PLAIN,2,\nSO-2,PLAIN,two,\nSO-3,LOT,0,tomorrow\n",
    )
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(path), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[:3] == [
        f'{path}:3: column quantity: expected a whole number, got "two"',
        f'{path}:4: column quantity: expected a whole number above zero, got "0"',
        f'{path}:4: column ship_by: expected a date as YYYY-MM-DD, got "tomorrow"',
    ]
    assert count(warehouse.engine, SalesOrder) == 0


EMPTY_FILES = [
    ("empty.csv", "", ":1: expected a header row naming the columns, got an empty file"),
    ("header.csv", "sku,description\n", ":2: expected at least one row after the header"),
    ("empty.json", "  \n", ":1: expected a JSON list of records, got an empty file"),
    ("none.json", "[]", ":1: expected at least one record"),
]


def test_empty_file_is_refused(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = count(warehouse.engine, Item)
    for name, content, expected in EMPTY_FILES:
        path = write(tmp_path, name, content)
        code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
        assert code == 1, name
        assert err.splitlines()[0] == f"{path}{expected}"
    assert count(warehouse.engine, Item) == before


def test_wrong_encoding_names_line_and_byte_offset(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("sku,description\nA,ok\nB,Café crème\n".encode("latin-1"))
    before = count(warehouse.engine, Item)
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    first = b"sku,description\nA,ok\nB,Caf"
    assert err.splitlines()[:2] == [
        f"{path}:3: expected UTF-8 text (save the file as UTF-8), "
        f"got byte 0xE9 at byte offset {len(first)}",
        f"{path}:3: expected UTF-8 text (save the file as UTF-8), "
        f"got byte 0xE8 at byte offset {len(first) + 4}",
    ]
    assert count(warehouse.engine, Item) == before


def test_utf8_with_byte_order_mark_is_read(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "sku,description\nBOM-1,Ћевапи\n".encode())
    code, out, _err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 0 and "1 created" in out
    with read_only(warehouse.engine) as s:
        assert s.scalars(select(Item.description).where(Item.sku == "BOM-1")).one() == "Ћевапи"


def test_duplicates_within_a_file_are_problems(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    items = write(tmp_path, "items.csv", "sku,description\nDUP,one\nOTHER,x\nDUP,two\n")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(items))
    assert code == 1
    assert err.splitlines()[0] == (
        f'{items}:4: column sku: expected a SKU not already on line 2, got "DUP"'
    )
    locations = write(tmp_path, "loc.csv", "code,zone\nC-1,PCK\nC-1,STO\n")
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "locations", str(locations), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[0] == (
        f'{locations}:3: column code: expected a code not already on line 2, got "C-1"'
    )
    with read_only(warehouse.engine) as s:
        assert s.scalar(select(Item).where(Item.sku.in_(["DUP", "OTHER"]))) is None
        assert s.scalar(select(Location).where(Location.code == "C-1")) is None


def test_barcode_of_another_item_is_a_problem(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with read_only(warehouse.engine) as s:
        taken = s.scalars(
            select(ItemBarcode.barcode)
            .where(ItemBarcode.item_id == warehouse.items["PLAIN"])
            .where(ItemBarcode.pack_level == "case")
        ).one()
    path = write(tmp_path, "items.csv", f"sku,case_barcode,case_units\nNEW-1,{taken},6\n")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert f"{path}:2: column case_barcode: expected a barcode no other item has" in err
    assert "PLAIN" in err


def test_locations_resolve_zones_and_compute_check_digits(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = floor_cli(
        warehouse.engine,
        capsys,
        "import",
        "locations",
        str(DATA / "locations.csv"),
        "--warehouse",
        "TST",
    )
    assert (code, err) == (0, "")
    assert "3 created" in out
    from floor.gs1 import location_check_digits

    with read_only(warehouse.engine) as s:
        loc = s.scalars(select(Location).where(Location.code == "B01-02-1")).one()
        assert loc.zone_id == warehouse.zones["PCK"]
        assert (loc.aisle, loc.bay, loc.position, loc.side, loc.level) == (3, 2, 3.0, "R", 1)
        assert (loc.capacity_units, loc.pickable) == (200, True)
        assert loc.check_digit == location_check_digits("B01-02-1")

    bad = write(tmp_path, "loc.csv", "code,zone,side\nZ-1,NOPE,L\nZ-2,PCK,up\n")
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "locations", str(bad), "--warehouse", "TST"
    )
    assert code == 1
    assert f'{bad}:3: column side: expected L or R, got "UP"' in err.splitlines()


def test_unknown_zone_is_reported_after_the_file_is_read(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = write(tmp_path, "loc.csv", "code,zone\nZ-1,NOPE\nZ-2,PCK\n")
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "locations", str(bad), "--warehouse", "TST"
    )
    assert code == 1
    assert err.startswith(f"{bad}:2: column zone: expected a zone of this warehouse (KIT, ")
    assert 'got "NOPE"' in err
    with read_only(warehouse.engine) as s:
        assert s.scalar(select(Location).where(Location.code == "Z-2")) is None


def test_orders_csv_keeps_unicode_addresses_and_a_second_import_changes_nothing(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("import", "orders", str(DATA / "orders.csv"), "--warehouse", "TST")
    code, out, err = floor_cli(warehouse.engine, capsys, *args)
    assert (code, err) == (0, "")
    assert "2 orders imported, 0 already there" in out
    with read_only(warehouse.engine) as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == "SO-1001")).one()
        assert (order.channel, order.external_ref, order.carrier) == (
            "manual",
            "WEB-1001",
            "colissimo",
        )
        assert (order.priority, order.ship_by) == (1, dt.date(2030, 5, 2))
        assert order.warehouse_id == warehouse.warehouse_id
        assert [(ln.line_no, ln.item_id, ln.quantity_ordered) for ln in order.lines] == [
            (1, warehouse.items["PLAIN"], 2),
            (2, warehouse.items["LOT"], 1),
        ]
        ship = order.ship_to
        assert ship is not None
        assert (ship.name, ship.company) == ("Zoé Lefèvre", "Boulangerie Œuf d'Or")
        assert (ship.line1, ship.postcode, ship.country) == ("12 rue de l'Élysée", "75008", "FR")
        serbian = s.scalars(select(SalesOrder).where(SalesOrder.number == "SO-1002")).one()
        assert serbian.ship_to is not None
        assert serbian.ship_to.name.encode() == "Јован Јовановић".encode()
        assert serbian.ship_to.city == "Београд"

    code, out, _err = floor_cli(warehouse.engine, capsys, *args)
    assert code == 0
    assert "Order SO-1001 already imported, unchanged" in out
    assert "0 orders imported, 2 already there" in out
    assert count(warehouse.engine, SalesOrder) == 2


def test_decomposed_unicode_is_stored_byte_for_byte(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    name = "Zoe\u0301 Lefe\u0300vre"  # combining accents, not normalised to é / è
    path = write(tmp_path, "o.csv", f"order,sku,quantity,ship_name\nSO-9,PLAIN,1,{name}\n")
    code, _out, _err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(path), "--warehouse", "TST"
    )
    assert code == 0
    with read_only(warehouse.engine) as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == "SO-9")).one()
        assert order.ship_to is not None and order.ship_to.name.encode() == name.encode()


def test_orders_json(warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = floor_cli(
        warehouse.engine,
        capsys,
        "import",
        "orders",
        str(DATA / "orders.json"),
        "--warehouse",
        "TST",
        "--channel",
        "web",
    )
    assert (code, err) == (0, "")
    with read_only(warehouse.engine) as s:
        first = s.scalars(select(SalesOrder).where(SalesOrder.number == "SO-2001")).one()
        assert (first.channel, first.external_ref, first.priority) == ("web", "WEB-2001", 2)
        assert len(first.lines) == 2
        second = s.scalars(select(SalesOrder).where(SalesOrder.number == "SO-2002")).one()
        assert second.external_ref == "SO-2002"
        assert second.ship_to is not None and second.ship_to.city == "Београд"


def test_orders_json_problems_name_the_record_line_and_path(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "orders.json",
        '[\n  {"number": "A", "lines": [{"sku": "PLAIN", "quantity": 1}]},\n'
        '  {"number": "B",\n   "lines": [{"sku": "PLAIN", "quantity": "lots"}]}\n]\n',
    )
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(path), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[0] == (
        f'{path}:3: column [1].lines[0].quantity: expected a whole number, got "lots"'
    )
    assert count(warehouse.engine, SalesOrder) == 0


def test_invalid_json_names_the_line(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "items.json", '[\n {"sku": "A"},\n {"sku": "B",}\n]\n')
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.startswith(f"{path}:3: expected valid JSON, got ")


def test_unknown_sku_in_any_order_imports_no_order(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "o.csv", "order,sku,quantity\nSO-1,PLAIN,1\nSO-2,NOSUCH,1\n")
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(path), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[0] == f'{path}:3: column sku: expected the SKU of an item, got "NOSUCH"'
    assert count(warehouse.engine, SalesOrder) == 0


def test_shopify_export_groups_lines_by_name(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("import", "orders", str(DATA / "shopify_orders.csv"), "--warehouse", "TST")
    code, out, err = floor_cli(warehouse.engine, capsys, *args)
    assert (code, err) == (0, "")
    assert "Order #1003 skipped: cancelled at 2030-05-01 13:00:00 +0200" in out
    assert "2 orders imported" in out
    with read_only(warehouse.engine) as s:
        orders = {o.number: o for o in s.scalars(select(SalesOrder))}
        assert set(orders) == {"#1001", "#1002"}
        first = orders["#1001"]
        assert (first.channel, first.external_ref) == ("shopify", "#1001")
        assert (first.service, first.priority, first.ship_by) == (
            "Colissimo Expert",
            1,
            dt.date(2030, 5, 3),
        )
        assert first.notes == "Livrer après 14 h"
        # The gift card does not need shipping (and is no item here): left out.
        assert [(ln.item_id, ln.quantity_ordered) for ln in first.lines] == [
            (warehouse.items["PLAIN"], 2),
            (warehouse.items["LOT"], 1),
        ]
        ship = first.ship_to
        assert ship is not None
        assert (ship.name, ship.line2, ship.company) == ("Zoé Lefèvre", "Bâtiment B", "Œuf d'Or")
        assert (ship.postcode, ship.country, ship.email) == ("75008", "FR", "zoe@example.fr")
        serbian = orders["#1002"].ship_to
        assert serbian is not None
        assert (serbian.name, serbian.postcode, serbian.country) == (
            "Јован Јовановић",
            "11000",
            "RS",
        )
        assert orders["#1002"].service == "Пошта Србије"

    code, out, _err = floor_cli(warehouse.engine, capsys, *args)
    assert code == 0
    assert "Order #1001 already imported, unchanged" in out
    assert count(warehouse.engine, SalesOrder) == 2


def test_shopify_missing_sku_is_a_problem(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "export.txt",
        "Name,Lineitem quantity,Lineitem sku,Lineitem requires shipping,Shipping Country\n"
        "#1,1,PLAIN,true,Narnia\n#1,x,,true,\n",
    )
    code, _out, err = floor_cli(
        warehouse.engine,
        capsys,
        "import",
        "orders",
        str(path),
        "--format",
        "shopify",
        "--warehouse",
        "TST",
    )
    assert code == 1
    assert err.splitlines()[:3] == [
        f"{path}:2: column Shipping Country: expected a country: a two-letter ISO code or a "
        'country\'s name, got "Narnia"',
        f"{path}:3: column Lineitem sku: expected the SKU of the line item, got nothing",
        f'{path}:3: column Lineitem quantity: expected a whole number, got "x"',
    ]


def test_purchase_orders_create_suppliers_once(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("import", "purchase-orders", str(DATA / "purchase_orders.csv"), "--warehouse", "TST")
    code, out, err = floor_cli(warehouse.engine, capsys, *args)
    assert (code, err) == (0, "")
    with read_only(warehouse.engine) as s:
        po = s.scalars(select(PurchaseOrder).where(PurchaseOrder.number == "PO-5001")).one()
        assert po.supplier is not None
        assert (po.supplier.code, po.supplier.name) == ("ACME", "Acme Fournitures SARL")
        assert (po.kind, po.expected_on) == ("po", dt.date(2030, 4, 20))
        assert [(ln.item_id, ln.quantity_ordered, ln.lot) for ln in po.lines] == [
            (warehouse.items["PLAIN"], 100, ""),
            (warehouse.items["LOT"], 48, "L2030-04"),
        ]
        asn = s.scalars(select(PurchaseOrder).where(PurchaseOrder.number == "PO-5002")).one()
        assert asn.kind == "asn" and asn.supplier is not None
        assert asn.supplier.name == "Добављач д.о.о."
    code, out, _err = floor_cli(warehouse.engine, capsys, *args)
    assert code == 0 and "PO-5001 already imported, unchanged" in out
    assert count(warehouse.engine, PurchaseOrder) == 2
    assert count(warehouse.engine, Supplier) == 2


def test_unknown_warehouse_is_a_clear_error(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = floor_cli(
        warehouse.engine,
        capsys,
        "import",
        "locations",
        str(DATA / "locations.csv"),
        "--warehouse",
        "NOPE",
    )
    assert code == 1
    assert err.strip() == "floor: No warehouse NOPE (known: TST)"


def test_progress_bar_only_when_asked(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("import", "items", str(DATA / "items.csv"))
    code, _out, err = floor_cli(warehouse.engine, capsys, *args)
    assert code == 0 and err == ""
    code, _out, err = floor_cli(warehouse.engine, capsys, *args, "--progress")
    assert code == 0
    assert "\rReading" in err and "100% 3/3" in err and "Writing items" in err


def test_purchase_orders_json_and_unknown_sku(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = write(
        tmp_path,
        "po.json",
        '{"purchase_orders": [\n'
        ' {"number": "PO-1", "supplier": "S1", "expected_on": "2030-01-02",\n'
        '  "lines": [{"sku": "PLAIN", "quantity": 5}]}\n]}\n',
    )
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "purchase-orders", str(good), "--warehouse", "TST"
    )
    assert (code, err) == (0, "")
    with read_only(warehouse.engine) as s:
        po = s.scalars(select(PurchaseOrder).where(PurchaseOrder.number == "PO-1")).one()
        assert po.expected_on == dt.date(2030, 1, 2) and po.lines[0].quantity_ordered == 5
    bad = write(
        tmp_path,
        "po2.json",
        '[{"number": "PO-2", "supplier": "S1",\n  "lines": [{"sku": "NOSUCH", "quantity": 1}]}]',
    )
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "purchase-orders", str(bad), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[0] == (
        f'{bad}:1: column [0].lines[0].sku: expected the SKU of an item, got "NOSUCH"'
    )
    assert count(warehouse.engine, PurchaseOrder) == 1


def test_order_number_used_by_another_channel_is_a_problem(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "o.csv", "order,sku,quantity\nSO-7,PLAIN,1\n")
    args = ("import", "orders", str(path), "--warehouse", "TST")
    assert floor_cli(warehouse.engine, capsys, *args)[0] == 0
    code, _out, err = floor_cli(warehouse.engine, capsys, *args, "--channel", "phone")
    assert code == 1
    assert err.splitlines()[0] == (
        f'{path}:2: expected an order number not in use (it is manual order SO-7), got "SO-7"'
    )
    assert count(warehouse.engine, SalesOrder) == 1
