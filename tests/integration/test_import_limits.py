"""Bad files on SQLite and PostgreSQL: each is a FILE:LINE problem naming the column and what
it holds, never a traceback, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from floor.models import Item
from tests.integration.test_import import count, floor_cli, write
from tests.support import SmallWarehouse


def test_unterminated_quote_names_the_line_it_opened_on(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "items.csv",
        'sku,description\nQ-1,fine\nQ-2,"Café\n250 g"\nQ-3,"with "" quote"\nQ-4,"open\nQ-5,fine\n',
    )
    before = count(warehouse.engine, Item)
    code, out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:6: column description: expected a closing quote for the quote opened on "
        "this line, got the end of the file",
        f"floor: Nothing imported: 1 problem in {path}",
    ]
    assert count(warehouse.engine, Item) == before


def test_unterminated_quote_in_a_long_file_is_named_too(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Past 128 KiB the CSV reader gives up on the cell; the problem is still where it opened.
    rows = "".join(f"L-{n},row {n}\n" for n in range(20_000))
    path = write(tmp_path, "items.csv", f'sku,description\nL-x,"never closed\n{rows}')
    code, _out, err = floor_cli(warehouse.engine, capsys, "import", "items", str(path))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{path}:2: column description: expected a closing quote for the quote opened on "
        "this line, got no closing quote in the next 131072 characters"
    )
