"""Bad files on SQLite and PostgreSQL: each is a FILE:LINE problem naming the column and what
it holds, never a traceback, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func

from floor.models import Item, SalesOrder
from tests.integration.test_import import count, floor_cli, write
from tests.support import SmallWarehouse


def test_unterminated_quote_names_the_line_it_opened_on(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "items.csv",
        'sku,description\nQ-1,fine\nQ-2,"Café\n250 g"\nQ-3,"with "" quote"\nQ-4,"open\nQ-5,fine\n',
    )
    before = count(warehouse.engine, Item)
    code, out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:6: column description: expected a closing quote for the quote opened on "
        "this line, got the end of the file",
        f"floor: Nothing imported: 1 problem in {path}",
    ]
    assert count(warehouse.engine, Item) == before


def test_unterminated_quote_in_a_long_file_is_named_too(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Past 128 KiB the CSV reader gives up on the cell; the problem is still where it opened.
    rows = "".join(f"L-{n},row {n}\n" for n in range(20_000))
    path = write(tmp_path, "items.csv", f'sku,description\nL-x,"never closed\n{rows}')
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{path}:2: column description: expected a closing quote for the quote opened on "
        "this line, got no closing quote in the next 131072 characters"
    )


INT32_MAX = 2**31 - 1


def test_whole_numbers_beyond_their_column_are_problems(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    items = write(
        tmp_path,
        "items.csv",
        f"sku,reorder_point,case_barcode,case_units\nR-1,{2**31},,\nR-2,{INT32_MAX},CB-2,{2**63}\n",
    )
    before = count(warehouse.engine, Item)
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(items))
    assert code == 1
    assert err.splitlines()[:2] == [
        f"{items}:2: column reorder_point: expected a whole number of at most {INT32_MAX}, "
        f'got "{2**31}"',
        f"{items}:3: column case_units: expected a whole number of at most {INT32_MAX}, "
        f'got "{2**63}"',
    ]
    assert count(warehouse.engine, Item) == before

    orders = write(
        tmp_path, "orders.csv", f"order,sku,quantity\nSO-1,PLAIN,{10**30}\nSO-2,PLAIN,{2**63}\n"
    )
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(orders), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[:2] == [
        f"{orders}:2: column quantity: expected a whole number of at most {INT32_MAX}, "
        f'got "{10**30}"',
        f"{orders}:3: column quantity: expected a whole number of at most {INT32_MAX}, "
        f'got "{2**63}"',
    ]
    assert count(warehouse.engine, SalesOrder) == 0


def test_whole_numbers_beyond_their_column_in_json(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    items = write(
        tmp_path,
        "items.json",
        '[{"sku": "J-1", "barcodes": [{"barcode": "JB-1", "units": 1e30}]},\n'
        f' {{"sku": "J-2", "reorder_point": {2**63}}}]',
    )
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(items))
    assert code == 1
    assert err.splitlines()[:2] == [
        f"{items}:1: column [0].barcodes[0].units: expected a whole number of at most "
        f"{INT32_MAX}, got 1e+30",
        f"{items}:2: column [1].reorder_point: expected a whole number of at most "
        f"{INT32_MAX}, got {2**63}",
    ]
    locations = write(tmp_path, "loc.json", f'[{{"code": "X-1", "aisle": {2**31}}}]')
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "locations", str(locations), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[0] == (
        f"{locations}:1: column [0].aisle: expected a whole number of at most {INT32_MAX}, "
        f"got {2**31}"
    )
    orders = write(
        tmp_path,
        "o.json",
        f'[{{"number": "SO-1", "lines": [{{"sku": "PLAIN", "quantity": {2**63}}}]}}]',
    )
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(orders), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[0] == (
        f"{orders}:1: column [0].lines[0].quantity: expected a whole number of at most "
        f"{INT32_MAX}, got {2**63}"
    )
    assert count(warehouse.engine, Item) == 4 and count(warehouse.engine, SalesOrder) == 0


def test_shopify_priority_tag_beyond_its_column(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "shopify.csv",
        f"Name,Lineitem quantity,Lineitem sku,Tags\n#1,1,PLAIN,priority:{2**31}\n",
    )
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(path), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[0] == (
        f"{path}:2: column Tags: expected priority:N with N a whole number of at most "
        f'{INT32_MAX}, got "priority:{2**31}"'
    )


def test_nul_characters_and_lone_surrogates_are_problems(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv_path = write(tmp_path, "items.csv", "sku,description\nN-1,a\x00b\nN\x00-2,fine\n")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(csv_path))
    assert code == 1
    assert err.splitlines()[:2] == [
        f'{csv_path}:2: column description: expected text without NUL characters, got "a\\x00b"',
        f'{csv_path}:3: column sku: expected text without NUL characters, got "N\\x00-2"',
    ]
    json_path = write(
        tmp_path,
        "orders.json",
        '[{"number": "SO-1", "ship_to": {"name": "Zo\\u00e9 \\ud800"},\n'
        '  "lines": [{"sku": "PLAIN", "quantity": 1}], "notes": "x\\u0000y"}]',
    )
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(json_path), "--warehouse", "TST"
    )
    assert code == 1
    assert err.splitlines()[:2] == [
        f'{json_path}:1: column [0].notes: expected text without NUL characters, got "x\\x00y"',
        f"{json_path}:1: column [0].ship_to.name: expected Unicode text (a lone surrogate is "
        'not a character), got "Zoé \\ud800"',
    ]
    assert count(warehouse.engine, Item) == 4 and count(warehouse.engine, SalesOrder) == 0


def test_text_longer_than_its_column_is_a_problem(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "items.csv", f"sku,uom,description\nT-1,{'E' * 11},{'d' * 301}\n")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.splitlines()[:2] == [
        f'{path}:2: column uom: expected at most 10 characters, got "EEEEEEEEEEE"',
        f'{path}:2: column description: expected at most 300 characters, got "{"d" * 57}..."',
    ]


def test_channel_longer_than_its_column_is_refused(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "o.csv", "order,sku,quantity\nSO-1,PLAIN,1\n")
    channel = "c" * 31
    code, out, err = floor_cli(
        warehouse.engine,
        capsys,
        "import",
        "orders",
        str(path),
        "--warehouse",
        "TST",
        "--channel",
        channel,
    )
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f'floor: --channel: expected at most 30 characters, got "{channel}"'
    ]
    assert count(warehouse.engine, SalesOrder) == 0


def test_numbers_must_be_finite(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "items.json", '[{"sku": "F-1", "weight_kg": 1e400, "height_mm": 2}]')
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.splitlines()[0] == f"{path}:1: column [0].weight_kg: expected a number, got inf"


def test_json_nested_100000_deep_is_a_problem(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = write(tmp_path, "items.json", f'[\n{{"sku": "D-1"}},\n{deep}\n]\n')
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.splitlines() == [
        f"{path}:3: column [1]: expected JSON nested at most 32 levels deep",
        f"floor: Nothing imported: 1 problem in {path}",
    ]
    wrapped = write(tmp_path, "wrapped.json", '{"other": ' + deep + ', "items": []}')
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(wrapped))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{wrapped}:1: column other: expected JSON nested at most 32 levels deep"
    )
    # Deeper than 32 but within what the decoder manages: the same problem, in a barcode.
    nested = '{"sku": "D-2", "barcodes": [' + "[" * 40 + "]" * 40 + "]}"
    path = write(tmp_path, "nested.json", f"[{nested}]")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{path}:1: column [0]: expected JSON nested at most 32 levels deep"
    )
    assert count(warehouse.engine, Item) == 4


def test_json_integer_of_thousands_of_digits_is_a_problem(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "items.json",
        '[{"sku": "H-1"},\n {"sku": "H-2", "reorder_point": ' + "9" * 5000 + "}]",
    )
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.splitlines()[0].startswith(f"{path}:2: column [1]: expected valid JSON, got ")


def many_items_csv(rows: int) -> str:
    lines = ["sku,description,weight_kg,reorder_point,case_barcode,case_units"]
    lines += [f"BULK-{n:05d},Article n° {n},0.{n % 10},{n % 50},CB{n:07d},12" for n in range(rows)]
    return "\n".join(lines) + "\n"


def many_items_json(rows: int) -> str:
    records = [
        f'  {{"sku": "BULK-{n:05d}", "description": "Артикл {n}", "weight_kg": 0.5,\n'
        f'   "barcodes": [{{"barcode": "CB{n:07d}", "pack_level": "case", "units": 6}}]}}'
        for n in range(rows)
    ]
    return "[\n" + ",\n".join(records) + "\n]\n"


@pytest.mark.parametrize("name", ["items.csv", "items.json"])
def test_twenty_thousand_items_stream_in_batches(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    text = many_items_csv(20_000) if name.endswith(".csv") else many_items_json(20_000)
    path = write(tmp_path, name, text)
    if name.endswith(".json"):
        assert path.stat().st_size > 1 << 20  # more than one chunk of the reader
    code, out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert (code, err) == (0, "")
    assert "20000 created, 0 updated" in out
    assert count(warehouse.engine, Item) == 4 + 20_000
    from sqlalchemy import select

    from floor.db import read_only
    from floor.models import ItemBarcode

    with read_only(warehouse.engine) as s:
        last = s.scalars(select(Item).where(Item.sku == "BULK-19999")).one()
        assert [(b.barcode, b.units) for b in last.barcodes] == [
            ("CB0019999", 12 if name.endswith(".csv") else 6)
        ]
        assert s.scalar(select(func.count()).select_from(ItemBarcode)) >= 20_000
    code, out, _err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 0 and "0 created, 20000 updated" in out


def test_problems_far_into_a_large_file_name_their_lines(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = many_items_csv(20_000).splitlines()
    lines[15_001] = "BULK-00002,Twice,1,1,,"  # the SKU of line 4, in a later batch
    lines[18_001] = "BULK-18000,Bad,1,1,CB0000010,6"  # the barcode of line 12
    path = write(tmp_path, "items.csv", "\n".join(lines) + "\n")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.splitlines() == [
        f'{path}:15002: column sku: expected a SKU not already on line 4, got "BULK-00002"',
        f"{path}:18002: column case_barcode: expected a barcode not already on line 12, "
        'got "CB0000010"',
        f"floor: Nothing imported: 2 problems in {path}",
    ]
    records = many_items_json(20_000).splitlines()
    # Record n starts on line 2 + 2n (index 1 + 2n), past the first megabyte from n = 7000.
    records[30_001] = records[30_001].replace('"weight_kg": 0.5', '"weight_kg": "heavy"')
    records[34_001] = records[34_001].replace('"description":', '"description"::')
    column = records[34_001].index("::") + 2
    path = write(tmp_path, "items.json", "\n".join(records) + "\n")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.splitlines() == [
        f'{path}:30002: column [15000].weight_kg: expected a number, got "heavy"',
        f"{path}:34002: expected valid JSON, got Expecting value at column {column}",
        f"floor: Nothing imported: 2 problems in {path}",
    ]
    assert count(warehouse.engine, Item) == 4


def test_past_a_thousand_problems_the_rest_are_counted(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = "".join(f"P-{n},{n},heavy\n" for n in range(1500))
    path = write(tmp_path, "items.csv", f"sku,description,weight_kg\n{rows}")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1000 + 2
    assert lines[0] == f'{path}:2: column weight_kg: expected a number, got "heavy"'
    assert lines[-2:] == [
        "... and 500 more problems, not listed",
        f"floor: Nothing imported: 1500 problems in {path}",
    ]
