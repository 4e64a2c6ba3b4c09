"""A new site from an empty database to its first receipt and first pick, with the commands
and example files of docs/setup.md (the CLI in-process), then receiving, put-away and
picking through the services as the station screens call them; and the set-up commands'
refusals (floor warehouses|zones|stations add|list)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from floor.cli import main
from floor.db import session_scope, transaction
from floor.gs1 import location_check_digits
from floor.inbound import putaway, receipt_closing, receiving
from floor.logins import LoginRefused
from floor.models import AdminAuditEntry, Location, SalesOrder, Warehouse
from floor.operator_admin import change_own_pin
from floor.outbound import carts, picking
from floor.station import OperatorLogin, log_in
from floor.stock import ledger as inv
from floor.stock.ledger import Actor

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "site"
MUG_WHITE, MUG_WHITE_CASE = "4006381000017", "14006381000014"
MUG_BLUE, MUG_BLUE_CASE = "4006381000024", "14006381000021"


@pytest.fixture
def floor(engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """floor(*args) -> stdout: run one `floor` command in-process on `engine`, as the site's
    office does (FLOOR_WAREHOUSE=MAIN); a failing command fails the test with its stderr."""
    monkeypatch.setenv("FLOOR_WAREHOUSE", "MAIN")
    monkeypatch.setenv("FLOOR_STATION", "OFFICE")
    monkeypatch.chdir(EXAMPLES)
    url = engine.url.render_as_string(hide_password=False)

    def run(*args: str, status: int = 0) -> str:
        code = main(["--database-url", url, *args])
        out = capsys.readouterr()
        assert code == status, out.err
        return out.out + out.err

    return run


def _first_login(engine: Engine, station: str, badge: str, given: str, own: str) -> Actor:
    """Log in with the PIN the import gave, choose one's own (as the login screen does)."""
    first = transaction(engine, lambda s: log_in(s, station, badge, given))
    assert isinstance(first, OperatorLogin) and first.must_change_pin
    transaction(engine, lambda s: change_own_pin(s, first.operator_id, given, own, station=station))
    again = transaction(engine, lambda s: log_in(s, station, badge, own))
    assert isinstance(again, OperatorLogin) and not again.must_change_pin
    assert isinstance(transaction(engine, lambda s: log_in(s, station, badge, given)), LoginRefused)
    return Actor(again.operator_id, station)


def test_an_empty_database_to_a_first_receipt_and_a_first_pick(engine: Engine, floor) -> None:  # type: ignore[no-untyped-def]
    floor("db", "upgrade")
    assert "No warehouses" in floor("warehouses", "list")
    assert "Warehouse MAIN added: Main DC" in floor(
        "warehouses", "add", "MAIN", "--name", "Main DC"
    )
    for code, kind in [
        ("RCV", "receiving"),
        ("STO", "storage"),
        ("PCK", "pick"),
        ("PAK", "pack"),
        ("SHP", "ship"),
        ("QUA", "quarantine"),
    ]:
        assert f"Zone {code} ({kind}) added to MAIN" in floor("zones", "add", code, "--kind", kind)
    assert "locations.csv: 12 created" in floor("import", "locations", "locations.csv")
    assert "items.csv: 4 created" in floor("import", "items", "items.csv")
    assert "5 operators imported" in floor("operators", "import", "operators.csv")
    floor("stations", "add", "RCV01", "--kind", "receiving", "--name", "Goods-in desk")
    floor("stations", "add", "PICK01", "--kind", "picking")
    assert "2 carts created" in floor("containers", "create", "--kind", "cart", "--count", "2")
    assert "8 totes created" in floor("containers", "create", "--kind", "tote", "--count", "8")
    assert "2 orders imported" in floor("import", "purchase-orders", "purchase-orders.csv")
    listed = floor("warehouses", "list")
    assert "MAIN" in listed and " 6 " in listed and " 12 " in listed
    stations = floor("stations", "list")
    assert "RCV01" in stations and "Goods-in desk" in stations and "PICK01" in stations

    with session_scope(engine) as s:
        warehouse_id = s.scalar(select(Warehouse.id).where(Warehouse.code == "MAIN"))
        audited = {(a.subject, a.code) for a in s.scalars(select(AdminAuditEntry))}
    assert warehouse_id is not None
    assert {("warehouse", "MAIN"), ("zone", "RCV"), ("station", "RCV01")} <= audited
    assert ("operator", "OP0101") in audited

    # Receiving at RCV01, as the receiving screen does: the PO, cases of mugs, close.
    receiver = _first_login(engine, "RCV01", "OP0101", "7302", "5151")
    receipt = transaction(
        engine,
        lambda s: receiving.open_receipt(
            s, warehouse_id=warehouse_id, actor=receiver, purchase_order_number="PO10001"
        ),
    )
    for barcode, cases in ((MUG_WHITE_CASE, 4), (MUG_BLUE_CASE, 2)):
        got = transaction(
            engine,
            lambda s, b=barcode, n=cases: receiving.receive_scan(
                s, receipt.receipt_id, barcode=b, quantity=n, actor=receiver
            ),
        )
        assert got.location == "DOCK-01"
    closed = transaction(
        engine,
        lambda s: receipt_closing.close_receipt(s, receipt.receipt_id, actor=receiver),
    )
    assert closed.discrepancies == []

    # Put-away: each item at the dock to the location proposed, scanned there.
    for barcode in (MUG_WHITE, MUG_BLUE):
        task = transaction(
            engine,
            lambda s, b=barcode: putaway.start_putaway(
                s, warehouse_id=warehouse_id, scanned=b, actor=receiver
            ),
        )
        assert task.to_location.startswith("A01-")
        transaction(
            engine,
            lambda s, t=task: putaway.confirm_putaway(
                s,
                t.task_id,
                actor=receiver,
                location_code=t.to_location,
                check_digits=location_check_digits(t.to_location),  # from the rack label
            ),
        )
    assert "A01-01-2  MUG-WHITE" in floor("stock")

    # Orders, a wave, picking at PICK01 as the picking screen does.
    assert "2 orders imported" in floor("import", "orders", "orders.csv")
    built = floor("wave", "build", "--max-orders", "20")
    code = built.split()[1].rstrip(":")
    assert "3 pick tasks" in floor("wave", "release", code)
    picker = _first_login(engine, "PICK01", "OP0201", "7303", "6060")
    me = picker.operator_id
    assert me is not None
    view = transaction(engine, lambda s: carts.claim_cart(s, me, warehouse_id, "CART0001"))
    for tote in ("TOTE0001", "TOTE0002")[: len(view.slots)]:
        transaction(engine, lambda s, t=tote: carts.assign_tote(s, me, t))
    picks = 0
    while (pick := transaction(engine, lambda s: picking.next_pick(s, me))) is not None:
        transaction(
            engine, lambda s, p=pick: picking.confirm_location(s, me, p.task_id, code=p.location)
        )
        gtin = MUG_WHITE if pick.sku == "MUG-WHITE" else MUG_BLUE
        transaction(engine, lambda s, p=pick, g=gtin: picking.confirm_item(s, me, p.task_id, g))
        transaction(
            engine,
            lambda s, p=pick: picking.confirm_pick(s, me, p.task_id, p.quantity, p.tote),
        )
        picks += 1
    assert picks == 3
    with session_scope(engine) as s:
        assert set(s.scalars(select(SalesOrder.status))) == {"picked"}
        pack = s.scalar(select(Location.id).where(Location.code == "PACK-01"))
        assert pack is not None
        assert inv.invariant_violations(s) == []
    assert "W" in floor("wave", "status")
    assert "PACK-01" in floor("stock")


def test_set_up_commands_refuse_what_is_wrong_and_change_nothing(floor) -> None:  # type: ignore[no-untyped-def]
    assert "No warehouse MAIN" in floor("zones", "add", "RCV", "--kind", "receiving", status=1)
    floor("warehouses", "add", "MAIN")
    assert "Warehouse MAIN exists already" in floor("warehouses", "add", "MAIN", status=1)
    assert "expected 1 to 20 letters" in floor("warehouses", "add", "NO SPACE", status=1)
    floor("zones", "add", "RCV", "--kind", "receiving")
    assert "Zone rcv exists already in MAIN" in floor(
        "zones", "add", "rcv", "--kind", "storage", status=1
    )
    floor("stations", "add", "RCV01")
    assert "Station RCV01 exists already" in floor("stations", "add", "RCV01", status=1)
    assert "Unknown badge OPNOBODY" in floor(
        "stations", "add", "RCV02", "--by", "OPNOBODY", status=1
    )
    assert "Unknown station kind" not in floor("stations", "list")
    zones = floor("zones", "list")
    assert "RCV" in zones and "receiving" in zones and "storage" not in zones
    assert "No warehouse OTHER (known: MAIN)" in floor(
        "zones", "list", "--warehouse", "OTHER", status=1
    )
    assert "RCV02" not in floor("stations", "list")
