"""`floor import carton-types` on SQLite and PostgreSQL: a good file creates and updates carton
types; a bad one changes nothing and names file, line and column; lookups by code and barcode."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from floor.db import read_only, transaction
from floor.errors import NotFound
from floor.models import CartonType
from floor.outbound.containers import (
    carton_type_by_barcode,
    carton_type_by_code,
    carton_types,
    find_carton_type,
)
from tests.integration.test_import import DATA, count, floor_cli, write
from tests.support import SmallWarehouse, gtin

HEADER = "code,description,length_mm,width_mm,height_mm,max_weight_g,tare_weight_g,barcode\n"


def test_csv_and_json_create_carton_types_then_update_them(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    engine = warehouse.engine
    csv_file = str(DATA / "carton_types.csv")
    code, out, err = floor_cli(engine, capsys, "import", "carton-types", csv_file)
    assert (code, err) == (0, "")
    assert f"{csv_file}: 3 created, 0 updated (carton-types)" in out
    code, out, err = floor_cli(
        engine, capsys, "import", "carton-types", str(DATA / "carton_types.json")
    )
    assert (code, err) == (0, "") and "2 created, 0 updated" in out
    with read_only(engine) as s:
        mailer = s.scalars(select(CartonType).where(CartonType.code == "MAILER-S")).one()
        assert mailer.description == "Enveloppe à bulles « petite »"
        assert (mailer.length_mm, mailer.width_mm, mailer.height_mm) == (220, 160, 50)
        assert (mailer.max_weight_g, mailer.tare_weight_g) == (1000, 40)
        assert mailer.barcode == "4006381333900"
        middle = s.scalars(select(CartonType).where(CartonType.code == "BOX-M")).one()
        assert (middle.description, middle.barcode) == ("Кутија средња", "BOX-M")  # the code
        tube = s.scalars(select(CartonType).where(CartonType.code == "TUBE")).one()
        assert (tube.description, tube.barcode, tube.tare_weight_g) == ("", "TUBE", 120)

    changed = write(
        tmp_path,
        "again.csv",
        HEADER + "BOX-S,Small box,250,200,160,6000,190,BOXS2\n"
        "MAILER-S,Small mailer,220,160,50,1000,40,\n",  # no barcode: keeps its GTIN
    )
    code, out, _err = floor_cli(engine, capsys, "import", "carton-types", str(changed))
    assert code == 0 and "0 created, 2 updated" in out
    assert count(engine, CartonType) == 5

    def look(work):  # type: ignore[no-untyped-def]
        return transaction(engine, work)

    small = look(lambda s: carton_type_by_code(s, "BOX-S"))
    assert (small.height_mm, small.max_weight_g, small.max_contents_g) == (160, 6000, 5810)
    assert small.barcode == "BOXS2"
    assert look(lambda s: carton_type_by_code(s, "MAILER-S")).description == "Small mailer"
    # a GTIN barcode is found in any of its forms (a scanner sends it as 14 digits)
    assert look(lambda s: carton_type_by_barcode(s, "04006381333900")).code == "MAILER-S"
    assert look(lambda s: find_carton_type(s, "BOXL")).code == "BOX-L"
    assert look(lambda s: find_carton_type(s, "TUBE")).code == "TUBE"
    with pytest.raises(NotFound) as missing:
        look(lambda s: find_carton_type(s, "BOX-Q"))
    assert str(missing.value) == "BOX-Q is not a carton type"
    assert missing.value.expected == "a carton type barcode or code"
    listed = [v.code for v in look(carton_types)]
    assert listed == ["MAILER-S", "TUBE", "BOX-S", "BOX-M", "BOX-L"]  # smallest first


def test_bad_rows_are_all_reported_with_file_line_column_and_nothing_is_imported(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "cartons.csv",
        HEADER + "GOOD,Fine,300,200,100,5000,200,GOOD1\n"
        "FLAT,Zero high,300,200,0,5000,200,\n"
        "HEAVY,Tare too heavy,300,200,100,500,500,\n"
        "WIDE,Not a number,300,wide,100,5000,200,\n"
        ",No code,300,200,100,5000,200,NOCODE\n"
        "GTIN,Bad check digit,300,200,100,5000,200,4006381333901\n"
        "GOOD,Same code again,300,200,100,5000,200,OTHER\n"
        "TWIN,Same barcode again,300,200,100,5000,200,GOOD1\n"
        "LIGHT,No tare,300,200,100,5000,,\n",
    )
    code, out, err = floor_cli(warehouse.engine, capsys, "import", "carton-types", str(path))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f'{path}:3: column height_mm: expected a whole number above zero, got "0"',
        f"{path}:4: column tare_weight_g: expected an empty carton lighter than "
        f'max_weight_g (500 g), got "500"',
        f'{path}:5: column width_mm: expected a whole number, got "wide"',
        f"{path}:6: column code: expected a value, got nothing",
        f'{path}:7: column barcode: expected a GTIN with a valid check digit, got "4006381333901"',
        f'{path}:8: column code: expected a code not already on line 2, got "GOOD"',
        f'{path}:9: column barcode: expected a barcode not already on line 2, got "GOOD1"',
        f"{path}:10: column tare_weight_g: expected a whole number, got nothing",
        f"floor: Nothing imported: 8 problems in {path}",
    ]
    assert count(warehouse.engine, CartonType) == 0


def test_a_barcode_of_an_item_or_another_carton_type_is_refused(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = write(tmp_path, "first.csv", HEADER + "BOX-A,,300,200,100,5000,200,BOXA\n")
    assert floor_cli(warehouse.engine, capsys, "import", "carton-types", str(first))[0] == 0
    item_gtin = gtin(1)  # PLAIN's each barcode, given here as GTIN-13
    path = write(
        tmp_path,
        "second.json",
        "[\n"
        '  {"code": "BOX-B", "length_mm": 300, "width_mm": 200, "height_mm": 100,\n'
        '   "max_weight_g": 5000, "tare_weight_g": 200, "barcode": "BOXA"},\n'
        '  {"code": "BOX-C", "length_mm": 300, "width_mm": 200, "height_mm": 100,\n'
        f'   "max_weight_g": 5000, "tare_weight_g": 200, "barcode": "{item_gtin[1:]}"}},\n'
        '  {"code": "BOX-D", "length_mm": "x", "width_mm": 200, "height_mm": 100,\n'
        '   "max_weight_g": 5000, "tare_weight_g": 200}\n'
        "]\n",
    )
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "carton-types", str(path))
    assert code == 1
    assert err.splitlines() == [
        f'{path}:6: column [2].length_mm: expected a whole number, got "x"',
        f"floor: Nothing imported: 1 problem in {path}",
    ]
    path.write_text(path.read_text().replace('"x"', "300"), encoding="utf-8")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "carton-types", str(path))
    assert code == 1
    assert err.splitlines() == [
        f"{path}:2: column [0].barcode: expected a barcode no other carton type has "
        f'(it is BOX-A\'s), got "BOXA"',
        f"{path}:4: column [1].barcode: expected a barcode no item has (it is PLAIN's), "
        f'got "{item_gtin[1:]}"',
        f"floor: Nothing imported: 2 problems in {path}",
    ]
    assert count(warehouse.engine, CartonType) == 1


def test_a_missing_column_is_named_at_the_header(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "cartons.csv", "code,length_mm,width_mm,height_mm\nX,1,1,1\n")
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "carton-types", str(path))
    assert code == 1
    assert err.splitlines()[:2] == [
        f"{path}:1: column max_weight_g: expected a column named max_weight_g",
        f"{path}:1: column tare_weight_g: expected a column named tare_weight_g",
    ]
