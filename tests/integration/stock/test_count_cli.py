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


def _many_counts(wh: SmallWarehouse, n: int) -> None:
    from sqlalchemy import insert

    with session_scope(wh.engine) as s:
        s.execute(
            insert(Task),
            [
                {
                    "warehouse_id": wh.warehouse_id,
                    "kind": "count",
                    "status": "open",
                    "item_id": wh.items["PLAIN"],
                    "from_location_id": wh.locations["A01-01-1"],
                    "reason": f"abc {i}",
                }
                for i in range(n)
            ],
        )


def test_list_says_how_many_there_are_and_shows_more_on_request(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    _many_counts(warehouse, 205)
    assert _floor(warehouse, "list", "--warehouse", "TST") == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 + 200 + 1
    assert out[-1] == "200 of 205 counts shown, the oldest first; --limit N or --all shows more"
    assert _floor(warehouse, "list", "--warehouse", "TST", "--limit", "3") == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5 and out[-1].startswith("3 of 205 counts shown")
    assert _floor(warehouse, "list", "--warehouse", "TST", "--all") == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 + 205 + 1 and out[-1] == "205 counts"


def test_create_prints_a_summary_not_every_id(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    for aisle in (1, 2):
        for bay in (1, 2, 3):
            for level in (1, 2):
                add_stock(wh, f"A{aisle:02d}-{bay:02d}-{level}", "PLAIN", 5)
    assert _floor(wh, "create", "--item", "PLAIN", "--warehouse", "TST") == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("12 count tasks, ids ") and out.endswith("floor count list shows them")
    assert len(out.splitlines()) == 1 and len(out) < 100
