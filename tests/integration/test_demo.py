"""The demo warehouse builds on both backends, with a consistent ledger and real data."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from floor.cli import main
from floor.db import session_scope
from floor.demo import DEMO_OPERATORS, build_demo, demo_exists
from floor.gs1 import is_valid_gs1_number, location_check_digits
from floor.models import (
    Address,
    Balance,
    CartonType,
    Container,
    Item,
    Location,
    Operator,
    SalesOrder,
)
from floor.operators import find_by_badge, verify_pin
from floor.outbound.containers import carton_type_by_barcode
from floor.scanning import ScanKind, parse_scan
from floor.stock import ledger as inv


@pytest.mark.slow
def test_demo_builds_a_consistent_warehouse(engine: Engine) -> None:
    assert not demo_exists(engine)
    summary = build_demo(engine)
    assert demo_exists(engine)
    assert summary.locations >= 800 and summary.items == 500 and summary.orders == 200
    with session_scope(engine) as s:
        assert inv.invariant_violations(s) == []
        gtins = s.scalars(select(Item.gtin)).all()
        assert len(gtins) == 500 and all(is_valid_gs1_number(g) for g in gtins)
        racks = s.scalars(select(Location).where(Location.kind == "rack")).all()
        assert len(racks) == 800
        assert all(loc.check_digit == location_check_digits(loc.code) for loc in racks)
        assert s.scalar(select(func.count()).where(SalesOrder.status == "open")) == 200
        shipped = s.scalars(select(SalesOrder.number).where(SalesOrder.status == "shipped"))
        assert tuple(shipped) == summary.shipped_orders == ("SO000201", "SO000202", "SO000203")
        cities = set(s.scalars(select(Address.city)))
        assert "Београд" in cities and "Montréal" in cities
        assert s.scalar(select(func.count()).where(Item.lot_tracked)) > 0
        assert s.scalar(select(func.count()).where(Item.serial_tracked)) > 0
        roles = set()
        for op in DEMO_OPERATORS:
            roles |= set(op.roles.split())
            operator = find_by_badge(s, op.badge)
            assert operator.name == op.name and verify_pin(op.pin, operator.pin_hash)
        assert roles == {
            "picker",
            "receiver",
            "packer",
            "shipper",
            "kitter",
            "counter",
            "supervisor",
            "admin",
        }
        assert s.scalar(select(func.count()).select_from(Operator)) == len(DEMO_OPERATORS)
        # picking can start: carts that scan as carts, and totes for their orders
        kinds = dict(s.execute(select(Container.code, Container.kind)).all())
        carts = sorted(code for code, kind in kinds.items() if kind == "cart")
        totes = sorted(code for code, kind in kinds.items() if kind == "tote")
        assert carts == ["CART0001", "CART0002", "CART0003", "CART0004"]
        assert summary.carts == tuple(carts) and summary.totes == tuple(totes)
        assert len(totes) == 24 and totes[0] == "TOTE0001" and totes[-1] == "TOTE0024"
        assert all(parse_scan(code).kind is ScanKind.CART for code in carts)
        assert all(parse_scan(code).kind is ScanKind.TOTE for code in totes)
        cartons = s.scalars(select(CartonType)).all()
        assert len(cartons) == summary.carton_types == 8
        assert all(c.tare_weight_g < c.max_weight_g for c in cartons)
        scanned = parse_scan(cartons[0].barcode)  # the carton's GTIN, as a scanner reads it
        assert scanned.kind is ScanKind.PRODUCT and scanned.gtin is not None
        found = carton_type_by_barcode(s, scanned.gtin)
        assert found is not None and found.code == cartons[0].code
        assert s.scalar(select(func.count()).where(Item.gtin == scanned.gtin)) == 0
        # a few kits, each with its components free in stock for at least two kits
        from floor.kitting.bom import bom_of

        kits = s.scalars(select(Item).where(Item.is_kit)).all()
        assert summary.kits == len(kits) >= 3
        for kit in kits:
            bom = bom_of(s, kit.id)
            assert len(bom.components) >= 2
            for component in bom.components:
                free = s.scalar(
                    select(func.coalesce(func.sum(Balance.quantity - Balance.reserved), 0)).where(
                        Balance.item_id == component.item_id
                    )
                )
                assert free >= 2 * component.quantity, (kit.sku, component.sku, free)


def test_demo_command_prints_badges_and_shows_them_again_without_building_twice(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "demo"]) == 0
    out = capsys.readouterr().out
    assert "OP1001" in out and "1001" in out and "Милица Супервизор" in out
    # the login screen says `floor demo` lists them: it does, and builds nothing again
    assert main(["--database-url", url, "demo"]) == 0
    out = capsys.readouterr().out
    assert "exists already: nothing built" in out and "--reset" in out
    assert "OP1001   1001" in out and "OP1007   1007" in out and "Ada Admin" in out
    assert "floor operators list" in out
    from floor.admin_audit import ChangedBy
    from floor.db import transaction
    from floor.operator_admin import disable_operator, set_pin

    transaction(sqlite_engine, lambda s: set_pin(s, "OP1002", "9999", by=ChangedBy()))
    transaction(sqlite_engine, lambda s: disable_operator(s, "OP1003", by=ChangedBy()))
    sheet = tmp_path / "sheet.pdf"
    assert main(["--database-url", url, "demo", "--if-missing", "--sheet", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert "ready" in out and "OP1001   1001" in out
    assert "OP1002   (changed)" in out and "1002 " not in out.split("OP1002")[1][:6]
    assert "Paul Packer  (disabled)" in out
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(sheet).pages)
    assert "OP1001" in text and "A01-01-1*" in text and "CMD:CONFIRM" in text
    assert "Cart CART0001" in text and "Tote TOTE0008" in text
    if shutil.which("pdftoppm") and shutil.which("zbarimg"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "200",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(sheet),
                str(tmp_path / "p"),
            ],
            check=True,
        )
        decoded = subprocess.run(
            ["zbarimg", "-q", "--raw", str(tmp_path / "p-1.png")], capture_output=True, text=True
        ).stdout.split()
        assert "OP1001" in decoded and "OP1009" in decoded
        assert any(code.startswith("A01-01-1*") for code in decoded)
