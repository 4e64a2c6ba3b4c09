"""`floor count create|list` against a real database."""

from __future__ import annotations

import pytest

from floor.cli import main
from floor.db import session_scope
from floor.models import Task
from tests.support import SmallWarehouse, add_stock


def _floor(wh: SmallWarehouse, *args: str) -> int:
    url = wh.engine.url.render_as_string(hide_password=False)
    return main(["--database-url", url, "--station", "ST01", "count", *args])


def _counts(wh: SmallWarehouse) -> list[tuple[str, int, int]]:
    with session_scope(wh.engine) as s:
        return sorted(
            (t.reason, t.from_location_id, t.item_id)  # type: ignore[misc]
            for t in s.query(Task).filter(Task.kind == "count")
        )


def test_create_by_location_item_and_abc_then_list(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 5)
    add_stock(wh, "A01-02-1", "PLAIN", 5)
    add_stock(wh, "A01-02-1", "SER", 1)
    assert _floor(wh, "create", "--location", "A01-02-1", "--warehouse", "TST") == 0
    assert "2 count tasks" in capsys.readouterr().out
    assert _counts(wh) == [
        ("location", wh.locations["A01-02-1"], wh.items["PLAIN"]),
        ("location", wh.locations["A01-02-1"], wh.items["SER"]),
    ]
    assert _floor(wh, "create", "--item", "PLAIN", "--warehouse", "TST") == 0
    assert "2 count tasks" in capsys.readouterr().out  # A01-02-1 is reused, A01-01-1 is new
    assert ("item", wh.locations["A01-01-1"], wh.items["PLAIN"]) in _counts(wh)
    assert len(_counts(wh)) == 3
    assert _floor(wh, "create", "--abc", "--warehouse", "TST") == 0
    assert "count tasks" in capsys.readouterr().out
    assert _floor(wh, "list", "--warehouse", "TST") == 0
    out = capsys.readouterr().out
    assert "A01-02-1" in out and "SER" in out and "open" in out and "location" in out


def test_unknown_codes_and_no_scope_are_refused(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _floor(warehouse, "create", "--location", "Z99-99-9", "--warehouse", "TST") == 1
    assert "Z99-99-9" in capsys.readouterr().err
    assert _floor(warehouse, "create", "--item", "NOPE", "--warehouse", "TST") == 1
    assert "NOPE" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _floor(warehouse, "create", "--warehouse", "TST")  # one of the scopes is required
    assert _floor(warehouse, "list", "--warehouse", "TST") == 0
    assert "No counts open" in capsys.readouterr().out
    assert _counts(warehouse) == []
