"""PostgreSQL: two docks scanning the same carton at once ship it once; docks shipping the
day's first cartons of one carrier at once all land on one manifest; docks loading one
manifest do not wait for each other, and closing it waits for them."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from floor.db import session_scope, transaction
from floor.errors import Conflict
from floor.models import Manifest, PackedCarton, StockTransaction
from floor.outbound.manifests import close_manifest
from floor.outbound.shipping import Shipped, confirm_shipment
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.ship_support import packed_order, prepare_packing, ship
from tests.support import SmallWarehouse, run_at_once

pytestmark = pytest.mark.postgres


def test_a_carton_scanned_at_two_docks_at_once_ships_once(pg_warehouse: SmallWarehouse) -> None:
    wh = pg_warehouse
    prepare_packing(wh)
    [sscc] = packed_order(wh, "SO1", [("PLAIN", 2)], "TOTE01")
    outcomes: list[object] = []

    def work(n: int) -> None:
        try:
            outcomes.append(ship(wh, sscc, f"1Z000000000{n}", scan_id=f"dock{n}"))
        except Conflict as exc:
            outcomes.append(exc)

    assert run_at_once(4, work) == []
    shipped = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(shipped) == 1 and len(refused) == 3
    assert all("already shipped" in str(r) for r in refused)
    with session_scope(wh.engine) as s:
        ships = s.scalars(select(StockTransaction).where(StockTransaction.kind == "ship"))
        assert len(ships.all()) == 1
        assert ledger.invariant_violations(s) == []


def test_first_cartons_of_a_carrier_at_once_share_one_manifest(
    pg_warehouse: SmallWarehouse,
) -> None:
    wh = pg_warehouse
    prepare_packing(wh)
    ssccs = [
        packed_order(wh, f"SO{n}", [("PLAIN", 1)], f"TOTE{n:02d}", station=f"PACK{n:02d}")[0]
        for n in range(1, 7)
    ]

    def work(n: int) -> None:
        ship(wh, ssccs[n], f"1Z00000000{n:02d}", scan_id=f"first{n}")

    assert run_at_once(len(ssccs), work) == []
    with session_scope(wh.engine) as s:
        [manifest] = s.scalars(select(Manifest)).all()
        on_it = s.scalars(select(PackedCarton.manifest_id)).all()
        assert on_it == [manifest.id] * len(ssccs)


def test_docks_loading_one_manifest_do_not_wait_for_each_other_and_a_close_waits(
    pg_warehouse: SmallWarehouse,
) -> None:
    """The manifest is locked FOR SHARE by a shipment: while one dock's shipment is not yet
    committed, a second dock ships onto the same manifest at once (a lock wait would fail
    under lock_timeout), and closing the manifest has to wait for them."""
    wh = pg_warehouse
    prepare_packing(wh)
    ssccs = [
        packed_order(wh, f"SO{n}", [("PLAIN", 1)], f"TOTE{n:02d}", station=f"PACK{n:02d}")[0]
        for n in range(1, 4)
    ]
    manifest_id = ship(wh, ssccs[0], "1Z0000000001").manifest_id
    shipper = Actor(wh.operators["shipper"], "ST01")
    supervisor = Actor(wh.operators["supervisor"], "ST02")

    def confirm(s: Session, sscc: str, tracking: str) -> Shipped:
        s.execute(text("SET LOCAL lock_timeout = '500ms'"))
        return confirm_shipment(
            s,
            warehouse_id=wh.warehouse_id,
            sscc=sscc,
            carrier="UPS",
            tracking_number=tracking,
            actor=shipper,
            manifest_id=manifest_id,
        )

    with session_scope(wh.engine) as first:
        assert confirm(first, ssccs[1], "1Z0000000002").manifest_id == manifest_id
        with session_scope(wh.engine) as second:  # the same manifest, no wait
            assert confirm(second, ssccs[2], "1Z0000000003").manifest_cartons >= 2
        with pytest.raises(OperationalError, match="lock timeout"), session_scope(wh.engine) as s:
            s.execute(text("SET LOCAL lock_timeout = '300ms'"))
            close_manifest(s, wh.warehouse_id, "UPS", actor=supervisor)
    report = transaction(
        wh.engine, lambda s: close_manifest(s, wh.warehouse_id, "UPS", actor=supervisor)
    )
    assert sorted(c.sscc for c in report.cartons) == sorted(ssccs)
