"""`floor ship confirm` and `floor ship manifest close|list|write`: cartons shipped from the
command line, the manifest's PDF (read back with pypdf) and CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from floor.cli import main
from floor.db import session_scope
from floor.models import PackedCarton, SalesOrder
from floor.stock import ledger
from tests.ship_support import packed_order, prepare_packing
from tests.support import SmallWarehouse


def _floor(wh: SmallWarehouse, *args: str) -> int:
    url = wh.engine.url.render_as_string(hide_password=False)
    return main(["--database-url", url, *args])


def test_confirm_by_sscc_and_by_order_then_close_the_manifest(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wh = warehouse
    prepare_packing(wh)
    [one] = packed_order(wh, "SO100", [("PLAIN", 2)], "TOTE01")
    a, b = packed_order(
        wh, "SO200", [("PLAIN", 1), ("LOT", 1)], "TOTE02", cartons=[[("PLAIN", 1)], [("LOT", 1)]]
    )
    with session_scope(wh.engine) as s:
        s.execute(update(SalesOrder).where(SalesOrder.number == "SO200").values(service="Express"))
        grams = dict(s.execute(select(PackedCarton.sscc, PackedCarton.weight_measured_g)).all())
    kg = {sscc: str(round(g / 1000, 3)) for sscc, g in grams.items()}
    total = f"{sum(grams.values()) / 1000:.2f}"
    hri = f"(00) {one[0]} {one[1:8]} {one[8:17]} {one[17]}"
    args = ["ship", "confirm", "--warehouse", "TST", "--carrier", "ups"]
    assert _floor(wh, *args, "--sscc", hri, "--tracking", "1Z0001", "--scan-id", "k1") == 0
    out = capsys.readouterr().out
    assert f"Carton {one} of order SO100 shipped with UPS Standard, tracking 1Z0001" in out
    assert "Order SO100: shipped; manifest 1 of UPS: 1 carton" in out
    assert _floor(wh, *args, "--sscc", one, "--tracking", "1Z0001", "--scan-id", "k1") == 0
    capsys.readouterr()  # the same scan id: replayed, nothing changed
    assert _floor(wh, *args, "--sscc", one, "--tracking", "1Z0001") == 1
    assert "already shipped" in capsys.readouterr().err
    assert (
        _floor(
            wh,
            *args,
            "--order",
            "SO200",
            "--tracking",
            "1Z2",
            "--tracking",
            "1Z3",
            "--tracking",
            "1Z4",
        )
        == 2
    )
    assert "has 2 cartons to ship" in capsys.readouterr().err
    assert (
        _floor(wh, *args, "--order", "SO200", "--tracking", "1Z0002", "--tracking", "1Z0003") == 0
    )
    out = capsys.readouterr().out
    assert f"Carton {a} of order SO200" in out and f"Carton {b} of order SO200" in out
    assert "manifest 1 of UPS: 3 cartons" in out
    with session_scope(wh.engine) as s:
        assert s.scalars(select(PackedCarton.tracking_number).order_by(PackedCarton.id)).all() == [
            "1Z0001",
            "1Z0002",
            "1Z0003",
        ]
        assert ledger.invariant_violations(s) == []

    folder = tmp_path / "eod"
    assert (
        _floor(
            wh,
            "ship",
            "manifest",
            "close",
            "--warehouse",
            "TST",
            "--carrier",
            "UPS",
            "-o",
            str(folder),
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"Closed: Manifest 1 of UPS: 3 cartons, 4 units, {total} kg" in out
    pdf_path, csv_path = folder / "manifest-UPS-000001.pdf", folder / "manifest-UPS-000001.csv"
    assert str(pdf_path) in out and str(csv_path) in out
    text = "\n".join(page.extract_text() for page in PdfReader(str(pdf_path)).pages)
    for expected in (
        "Carrier manifest",
        "UPS",
        "Manifest UPS-000001",
        one,
        a,
        b,
        "1Z0001",
        "1Z0003",
        "SO100",
        "SO200",
        "Customer SO200",
        "Paris",
        "Cartons: 3",
        "Units: 4",
        f"Weight: {total} kg",
        "Driver's signature",
        "Test warehouse",
    ):
        assert expected in text, expected
    with csv_path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [
        (r["order"], r["sscc"], r["tracking_number"], r["service"], r["units"], r["weight_kg"])
        for r in rows
    ] == [
        ("SO100", one, "1Z0001", "Standard", "2", kg[one]),
        ("SO200", a, "1Z0002", "Express", "1", kg[a]),
        ("SO200", b, "1Z0003", "Express", "1", kg[b]),
    ]
    assert {
        (
            r["manifest"],
            r["carrier"],
            r["status"],
            r["ship_to_city"],
            r["carton_type"],
            r["length_mm"],
        )
        for r in rows
    } == {("UPS-000001", "UPS", "closed", "Paris", "TINY", "160")}
    # closed: nothing more to close; the list shows it; its files can be written again
    assert _floor(wh, "ship", "manifest", "close", "--warehouse", "TST", "--carrier", "UPS") == 1
    assert "No open manifest for UPS" in capsys.readouterr().err
    assert _floor(wh, "ship", "manifest", "list", "--warehouse", "TST") == 0
    listing = capsys.readouterr().out
    assert "UPS" in listing and "closed" in listing
    again = tmp_path / "again"
    assert _floor(wh, "ship", "manifest", "write", "1", "-o", str(again)) == 0
    assert (again / "manifest-UPS-000001.csv").read_text(encoding="utf-8") == csv_path.read_text(
        encoding="utf-8"
    )


def test_confirm_refuses_a_bad_sscc_and_an_unknown_order(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["ship", "confirm", "--warehouse", "TST", "--carrier", "UPS", "--tracking", "T0001"]
    assert _floor(warehouse, *args, "--sscc", "12345") == 2
    assert "expected the 18 digits of an SSCC" in capsys.readouterr().err
    assert _floor(warehouse, *args, "--order", "SO404") == 1
    assert "Unknown order SO404" in capsys.readouterr().err
