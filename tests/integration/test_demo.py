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
from floor.models import Address, Item, Location, Operator, SalesOrder
from floor.operators import find_by_badge, verify_pin
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
        assert s.scalar(select(func.count()).select_from(SalesOrder)) == 200
        cities = set(s.scalars(select(Address.city)))
        assert "Београд" in cities and "Montréal" in cities
        assert s.scalar(select(func.count()).where(Item.lot_tracked)) > 0
        assert s.scalar(select(func.count()).where(Item.serial_tracked)) > 0
        roles = set()
        for op in DEMO_OPERATORS:
            roles |= set(op.roles.split())
            operator = find_by_badge(s, op.badge)
            assert operator.name == op.name and verify_pin(op.pin, operator.pin_hash)
        assert roles == {"picker", "receiver", "packer", "kitter", "counter", "supervisor", "admin"}
        assert s.scalar(select(func.count()).select_from(Operator)) == len(DEMO_OPERATORS)


def test_demo_command_prints_badges_and_refuses_to_build_twice(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "demo"]) == 0
    out = capsys.readouterr().out
    assert "OP1001" in out and "1001" in out and "Милица Супервизор" in out
    assert main(["--database-url", url, "demo"]) == 1
    assert "--reset" in capsys.readouterr().err
    sheet = tmp_path / "sheet.pdf"
    assert main(["--database-url", url, "demo", "--if-missing", "--sheet", str(sheet)]) == 0
    assert "ready" in capsys.readouterr().out
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(sheet).pages)
    assert "OP1001" in text and "A01-01-1*" in text and "CMD:CONFIRM" in text
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
