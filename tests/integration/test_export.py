"""`floor export stock|movements|orders` on SQLite and PostgreSQL, CSV and JSON, Unicode kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import update

from floor.db import session_scope
from floor.models import Item
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
