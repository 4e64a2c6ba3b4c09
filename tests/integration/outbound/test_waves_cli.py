"""`floor wave build|release|status|hold|cancel` against a real database."""

from __future__ import annotations

import pytest

from floor.cli import main
from tests.support import SmallWarehouse, add_sales_order, add_stock


def _floor(wh: SmallWarehouse, *args: str) -> int:
    url = wh.engine.url.render_as_string(hide_password=False)
    return main(["--database-url", url, "wave", *args])


def test_build_release_status_cancel_from_the_command_line(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    add_stock(warehouse, "A01-01-1", "PLAIN", 3)
    add_sales_order(warehouse, "SO1", [("PLAIN", 2)], carrier="UPS")
    add_sales_order(warehouse, "SO2", [("PLAIN", 2)], carrier="UPS")
    add_sales_order(warehouse, "SO3", [("PLAIN", 1)], carrier="DHL")
    assert _floor(warehouse, "build", "--warehouse", "TST", "--carrier", "UPS") == 0
    out = capsys.readouterr().out
    assert "2 orders, 2 lines" in out
    code = out.split()[1].rstrip(":")
    assert _floor(warehouse, "release", code, "--cart-size", "4", "--policy", "partial") == 0
    out = capsys.readouterr().out
    assert "3 units allocated; 2 pick tasks in 1 carts" in out
    assert "short SO2 line 1 PLAIN: 1 of 2 (short)" in out
    assert _floor(warehouse, "status", code) == 0
    assert "released" in capsys.readouterr().out
    assert _floor(warehouse, "cancel", code) == 0
    assert _floor(warehouse, "cancel", code) == 1  # already cancelled: refused
    assert "already cancelled" in capsys.readouterr().err
