"""`floor containers create|list|carton-types`, run in-process against a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from floor.cli import main
from floor.commands import containers as command
from floor.db import read_only
from floor.models import Container, ContainerKind
from floor.outbound.containers import CREATABLE_KINDS
from tests.support import SmallWarehouse, add_stock


@pytest.fixture
def floor_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This station prints to a folder printer under tmp_path."""
    config = tmp_path / "floor.toml"
    config.write_text('station = "ST01"\nwarehouse = "TST"\n')
    monkeypatch.setenv("FLOOR_CONFIG", str(config))
    monkeypatch.setenv("FLOOR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def _floor(
    wh: SmallWarehouse, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    url = wh.engine.url.render_as_string(hide_password=False)
    code = main(["--database-url", url, "containers", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _count(wh: SmallWarehouse, kind: str) -> int:
    with read_only(wh.engine) as s:
        return s.scalar(select(func.count()).where(Container.kind == kind)) or 0


def test_the_command_offers_what_the_domain_knows() -> None:
    assert command.CREATE_KINDS == CREATABLE_KINDS
    assert set(command.LIST_KINDS) == {k.value for k in ContainerKind}


def test_create_carts_writes_their_labels_to_a_pdf_and_prints_them(
    warehouse: SmallWarehouse, floor_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = floor_env / "carts.pdf"
    code, out, err = _floor(
        warehouse, capsys, "create", "--kind", "cart", "--count", "2", "--print", "-o", str(pdf)
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:3] == ["2 carts created:", "  CART0001", "  CART0002"]
    assert f"2 labels written to {pdf}" in lines
    assert any(line.startswith("2 labels printed on folder:") for line in lines)
    from pypdf import PdfReader

    pages = PdfReader(pdf).pages
    assert len(pages) == 2
    assert "CART0001" in pages[0].extract_text() and "CART" in pages[1].extract_text()
    printed = list((floor_env / "data" / "labels-out").glob("*.pdf"))
    assert len(printed) == 2
    # a cart's label prints again from its code (what the print jobs screen does on a scan)
    url = warehouse.engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "print", "reprint", "CART0002"]) == 0
    assert "printed job" in capsys.readouterr().out
    assert len(list((floor_env / "data" / "labels-out").glob("*.pdf"))) == 3
    code, out, _err = _floor(warehouse, capsys, "create", "--kind", "tote", "--count", "1")
    assert (code, out.splitlines()) == (0, ["1 tote created:", "  TOTE0003"])


def test_refusals_name_what_was_expected_and_create_nothing(
    warehouse: SmallWarehouse,
    floor_env: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _out, err = _floor(warehouse, capsys, "create", "--kind", "tote", "--count", "0")
    assert code == 1
    assert err == "floor: How many containers: expected a whole number from 1 to 500, got 0\n"
    missing = floor_env / "nowhere" / "totes.pdf"
    code, _out, err = _floor(
        warehouse, capsys, "create", "--kind", "tote", "--count", "2", "-o", str(missing)
    )
    assert (code, err) == (1, f"floor: No such folder: {missing.parent}\n")
    monkeypatch.setenv("FLOOR_PRINTER__KIND", "none")
    code, _out, err = _floor(
        warehouse, capsys, "create", "--kind", "tote", "--count", "2", "--print"
    )
    assert code == 1 and "Station ST01 does not print" in err and "-o FILE.pdf" in err
    assert _count(warehouse, "tote") == 2  # TOTE01 and TOTE02 of the small warehouse
    with pytest.raises(SystemExit) as exit_:
        _floor(warehouse, capsys, "create", "--kind", "crate", "--count", "1")
    assert exit_.value.code == 2
    assert "invalid choice: 'crate'" in capsys.readouterr().err


def test_list_by_kind_and_empty(
    warehouse: SmallWarehouse, floor_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _floor(warehouse, capsys, "create", "--kind", "tote", "--count", "1")[0] == 0
    add_stock(warehouse, "PACK-01", "PLAIN", 4, container="TOTE01")
    code, out, _err = _floor(warehouse, capsys, "list", "--kind", "tote")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["code", "kind", "location", "units", "inside"]
    assert rows[1:] == [
        ["TOTE0003", "tote", "-", "0", "0"],
        ["TOTE01", "tote", "-", "4", "0"],
        ["TOTE02", "tote", "-", "0", "0"],
        ["3", "containers"],
    ]
    code, out, _err = _floor(warehouse, capsys, "list", "--kind", "tote", "--empty")
    assert [line.split()[0] for line in out.splitlines()[1:-1]] == ["TOTE0003", "TOTE02"]
    code, out, _err = _floor(warehouse, capsys, "list", "--kind", "cart", "--empty")
    assert (code, out) == (0, "No empty containers\n")


def test_carton_types_are_listed_smallest_first(
    warehouse: SmallWarehouse, floor_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = _floor(warehouse, capsys, "carton-types")
    assert (code, out) == (0, "No carton types: import them with floor import carton-types FILE\n")
    data = Path(__file__).parents[2] / "data" / "imports" / "carton_types.csv"
    url = warehouse.engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "import", "carton-types", str(data)]) == 0
    code, out, _err = _floor(warehouse, capsys, "types")
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["code", "inner"]
    assert [line.split()[:5] for line in lines[1:4]] == [
        ["MAILER-S", "220x160x50", "1000", "40", "4006381333900"],
        ["BOX-S", "250x200x150", "5000", "180", "BOXS"],
        ["BOX-M", "350x250x200", "10000", "300", "BOX-M"],
    ]
    assert lines[-1] == "3 carton types"


def test_help_explains_each_action(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["containers", "--help"], ["containers", "create", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "carton-types" in out and "next free numbers" in " ".join(out.split())
    assert "--count N" in out
