"""The kitting commands against a real database: floor import kits, floor kits show|rule,
floor kit order create|list|release|park|cancel."""

from __future__ import annotations

from pathlib import Path

import pytest

from floor.cli import main
from tests.support import SmallWarehouse, add_stock


def _floor(wh: SmallWarehouse, *args: str) -> int:
    url = wh.engine.url.render_as_string(hide_password=False)
    return main(["--database-url", url, *args])


def test_kit_commands(
    warehouse: SmallWarehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 10)
    bad = tmp_path / "bad.csv"
    bad.write_text("kit_sku,component_sku,quantity\nKIT,PLAIN,0\nKIT,NOPE,1\n")
    assert _floor(wh, "import", "kits", str(bad)) == 1
    err = capsys.readouterr().err
    assert "bad.csv:2: column quantity" in err  # SKUs are resolved once every row reads well
    bad.write_text("kit_sku,component_sku,quantity\nKIT,PLAIN,1\nKIT,NOPE,1\n")
    assert _floor(wh, "import", "kits", str(bad)) == 1
    assert "bad.csv:3: column component_sku: expected a SKU of an item" in capsys.readouterr().err
    good = tmp_path / "kits.json"
    good.write_text('{"kits": [{"kit_sku": "KIT", "component_sku": "PLAIN", "quantity": 3}]}')
    assert _floor(wh, "import", "kits", str(good)) == 0
    assert "1 kits, 1 components" in capsys.readouterr().out
    assert _floor(wh, "kits", "rule", "KIT", "--assemble-to-order", "on") == 0
    assert _floor(wh, "kits", "show", "KIT") == 0
    shown = capsys.readouterr().out
    assert "3 × PLAIN" in shown and "assemble to order" in shown
    assert (
        _floor(
            wh,
            "kit",
            "order",
            "create",
            "KIT",
            "--quantity",
            "2",
            "--due",
            "2030-01-02",
            "--warehouse",
            "TST",
        )
        == 0
    )
    assert "KWO-00001" in capsys.readouterr().out
    assert _floor(wh, "kit", "order", "release", "KWO-00001") == 0
    assert "KWO-00001 released: 1 picks (6 units)" in capsys.readouterr().out
    assert _floor(wh, "kit", "order", "list", "--warehouse", "TST") == 0
    assert "released" in capsys.readouterr().out
    assert _floor(wh, "kit", "order", "cancel", "KWO-00001") == 0
    assert "cancelled" in capsys.readouterr().out
    assert _floor(wh, "kit", "order", "release", "KWO-00001") == 1
