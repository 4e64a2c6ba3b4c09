"""`floor export shipments`: shipped cartons as CSV (a row per SKU and lot of a carton,
serials joined) and JSON (a record per carton with its contents), --since on the shipping
time; cartons packed but not shipped are left out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlalchemy import update

from floor.db import session_scope
from floor.models import PackedCarton
from tests.integration.test_import import floor_cli
from tests.pack_support import EXP
from tests.ship_support import packed_order, prepare_packing, ship
from tests.support import SmallWarehouse


def _shipped(wh: SmallWarehouse) -> tuple[str, str, str]:
    prepare_packing(wh)
    first, second = packed_order(
        wh,
        "SO100",
        [("PLAIN", 2), ("LOT", 1), ("SER", 2)],
        "TOTE01",
        cartons=[[("PLAIN", 2), ("LOT", 1)], [("SER", 2)]],
    )
    [waiting] = packed_order(wh, "SO200", [("PLAIN", 1)], "TOTE02")
    ship(wh, first, "1Z0000000001", service="Express")
    ship(wh, second, "1Z0000000002")
    with session_scope(wh.engine) as s:  # the first left yesterday
        s.execute(
            update(PackedCarton)
            .where(PackedCarton.sscc == first)
            .values(shipped_at=dt.datetime(2026, 1, 2, 17, 30, tzinfo=dt.UTC))
        )
    return first, second, waiting


def test_shipments_csv(warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]) -> None:
    first, second, _waiting = _shipped(warehouse)
    args = ("export", "shipments", "--warehouse", "TST")
    code, out, err = floor_cli(warehouse.engine, capsys, *args)
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    keys = ("order", "sscc", "tracking_number", "carrier", "service", "sku")
    keys += ("quantity", "lot", "expiry", "serials")
    assert [tuple(r[k] for k in keys) for r in rows] == [
        ("SO100", first, "1Z0000000001", "UPS", "Express", "LOT", "1", "L1", EXP.isoformat(), ""),
        ("SO100", first, "1Z0000000001", "UPS", "Express", "PLAIN", "2", "", "", ""),
        ("SO100", second, "1Z0000000002", "UPS", "Standard", "SER", "2", "", "", "SN001 SN002"),
    ]
    assert rows[0]["shipped_at"] == "2026-01-02T17:30:00+00:00"
    assert rows[0]["manifest"] == rows[2]["manifest"] == "1"
    assert all(r["carton_type"] and r["length_mm"] and r["weight_kg"] for r in rows)
    code, out, err = floor_cli(warehouse.engine, capsys, *args, "--since", "2026-01-03")
    assert code == 0 and [r["sscc"] for r in csv.DictReader(io.StringIO(out))] == [second]


def test_shipments_json(warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]) -> None:
    first, second, _waiting = _shipped(warehouse)
    code, out, err = floor_cli(
        warehouse.engine, capsys, "export", "shipments", "--format", "json", "--warehouse", "TST"
    )
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert [r["sscc"] for r in records] == [first, second]
    carton = records[1]
    assert {k: carton[k] for k in ("order", "tracking_number", "carrier", "service")} == {
        "order": "SO100",
        "tracking_number": "1Z0000000002",
        "carrier": "UPS",
        "service": "Standard",
    }
    assert carton["contents"] == [
        {"sku": "SER", "quantity": 2, "lot": "", "expiry": None, "serials": ["SN001", "SN002"]}
    ]
    assert isinstance(carton["weight_kg"], float) and carton["weight_kg"] > 0
    assert (carton["length_mm"], carton["width_mm"], carton["height_mm"]) != (None, None, None)
    assert records[0]["contents"][0]["expiry"] == EXP.isoformat()
