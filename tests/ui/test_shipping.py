"""Pilot: the dock's shipping screen — choose the carrier, scan cartons and carrier labels
(scanned and keyed), refusals (another carrier's carton, a carton label instead of the
carrier's, a closed manifest), resume after a restart, a French and a Serbian shipper; the
order and carton in stock lookup and in returns; snapshots at 80x24 and 40x16."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.models import PackedCarton, PrintJob, SalesOrder
from floor.outbound.manifests import close_manifest
from floor.screens.lookup import LookupScreen
from floor.screens.returns import ReturnsScreen
from floor.screens.shipping import ShippingScreen
from floor.stock import ledger
from floor.stock.ledger import SYSTEM
from tests.ship_support import packed_order, prepare_packing, ship
from tests.support import SmallWarehouse, barcode
from tests.ui.conftest import SIZES, open_flow, press, resume_flow, scan, speaks, text_of

NO_PRINTER = {"printer": {"kind": "none"}}


def _cartons(wh: SmallWarehouse) -> tuple[str, str, str]:
    """SO1 in two UPS cartons, SO2 in one DHL carton."""
    prepare_packing(wh)
    one, two = packed_order(
        wh, "SO1", [("PLAIN", 2), ("LOT", 1)], "TOTE01", cartons=[[("PLAIN", 2)], [("LOT", 1)]]
    )
    [dhl] = packed_order(wh, "SO2", [("PLAIN", 1)], "TOTE02", carrier="DHL")
    return one, two, dhl


def label(sscc: str) -> str:
    """The SSCC barcode of a shipping label, as a GS1 scanner sends it."""
    return f"]C100{sscc}"


async def test_ship_an_order_at_the_dock(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = ui_warehouse
    one, two, dhl = _cartons(wh)
    app = make_app(sections={"printer": {"kind": "folder", "folder": str(tmp_path / "out")}})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, ShippingScreen, "OPSHIPPER")
        assert "Which carrier" in text_of(app, "#prompt")
        body = text_of(app, "#body")
        assert "1  DHL" in body and "2  UPS" in body and "2 cartons waiting" in body
        assert "Loading UPS" in await scan(pilot, "CMD:QTY:2")
        assert screen.step == "carton" and "Scan a carton for UPS" in text_of(app, "#prompt")
        feedback = await scan(pilot, label(dhl))
        assert f"Carton {dhl} (order SO2) goes with DHL, not UPS" in feedback
        assert screen.step == "carton"
        await scan(pilot, label(one))
        assert screen.step == "tracking" and "UPS label" in text_of(app, "#prompt")
        assert "Order SO1, carton 1 of 2, 2 units" in text_of(app, "#body")
        assert "is a carton's SSCC" in await scan(pilot, label(two))
        assert screen.step == "tracking"  # still waiting for the carrier's label
        feedback = await scan(pilot, "1Z999AA10123456784")  # Code 128 on the carrier's label
        assert f"Shipped {one}: order SO1 partially shipped" in feedback
        assert screen.step == "carton" and "UPS manifest 1: 1 carton" in text_of(app, "#body")
        await scan(pilot, label(two))
        for key in "794644790132":  # a FedEx-style number keyed by hand: digits only
            await pilot.press(key)
        feedback = await press(pilot, "enter")
        assert f"Shipped {two}: order SO1 shipped" in feedback
        body = text_of(app, "#body")
        assert "UPS manifest 1: 2 cartons" in body and "794644790132" in body
        await press(pilot, "f5")  # another carrier
        assert screen.step == "carrier" and "1  DHL" in text_of(app, "#body")
        await pilot.app.workers.wait_for_complete()
    with session_scope(wh.engine) as s:
        cartons = s.scalars(select(PackedCarton).order_by(PackedCarton.id)).all()
        assert [(c.status, c.tracking_number) for c in cartons] == [
            ("shipped", "1Z999AA10123456784"),
            ("shipped", "794644790132"),
            ("closed", ""),
        ]
        jobs = s.scalars(select(PrintJob.job_key).where(PrintJob.job_key.like("ship-%")))
        assert sorted(jobs) == sorted([f"ship-{one}-shipping", f"ship-{two}-shipping"])
        assert s.scalar(select(SalesOrder.status).where(SalesOrder.number == "SO1")) == "shipped"
        assert ledger.invariant_violations(s) == []


async def test_a_first_carton_chooses_the_carrier_and_a_closed_manifest_starts_anew(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    one, two, _dhl = _cartons(wh)
    app = make_app(sections=NO_PRINTER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, ShippingScreen, "OPSHIPPER")
        await scan(pilot, label(one))  # no carrier chosen: the order's
        assert screen.step == "tracking" and screen.carrier == "UPS"
        await scan(pilot, "1Z0000000001")
        assert screen.manifest_id == 1
        transaction(wh.engine, lambda s: close_manifest(s, wh.warehouse_id, "UPS", actor=SYSTEM))
        await scan(pilot, label(two))
        feedback = await scan(pilot, "1Z0000000002")
        assert "The UPS manifest 1 was closed" in feedback
        assert screen.step == "carton" and screen.manifest_id is None
        assert "a new manifest opens" in text_of(app, "#body")
        await scan(pilot, label(two))
        assert "order SO1 shipped" in await scan(pilot, "1Z0000000002")
        assert "UPS manifest 2: 1 carton" in text_of(app, "#body")


async def test_the_screen_resumes_at_the_tracking_number(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    one, _two, _dhl = _cartons(wh)
    app = make_app(sections=NO_PRINTER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, ShippingScreen, "OPSHIPPER")
        await scan(pilot, "CMD:QTY:2")
        await scan(pilot, label(one))
    again = make_app(sections=NO_PRINTER)  # the station restarts
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await resume_flow(pilot, ShippingScreen, "OPSHIPPER")
        assert screen.step == "tracking" and screen.carton is not None
        assert screen.carton.sscc == one
        assert "Shipped" in await scan(pilot, "1Z0000000001")
        assert "Put back" not in text_of(again, "#hints")


@pytest.mark.parametrize(
    ("language", "prompt", "loading"),
    [
        ("fr", "Quel transporteur est au quai ?", "Chargement UPS"),
        ("sr", "Који превозник је на рампи?", "Утовар UPS"),
    ],
)
async def test_french_and_serbian_shippers(
    make_app: Callable, ui_warehouse: SmallWarehouse, language: str, prompt: str, loading: str
) -> None:
    wh = ui_warehouse
    one, _two, dhl = _cartons(wh)
    speaks(wh, "OPSHIPPER", language)
    app = make_app(sections=NO_PRINTER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, ShippingScreen, "OPSHIPPER")
        assert app.station.language == language
        assert prompt in text_of(app, "#prompt")
        assert loading in await scan(pilot, "CMD:QTY:2")
        refused = await scan(pilot, label(dhl))
        assert dhl in refused and "DHL" in refused and "goes with" not in refused
        await scan(pilot, label(one))
        tracking_prompt = text_of(app, "#prompt")
        assert "UPS" in tracking_prompt and "Scan the tracking" not in tracking_prompt
        shipped = await scan(pilot, "1Z0000000001")
        assert one in shipped and "Shipped" not in shipped


async def test_lookup_shows_where_an_order_and_a_carton_are(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    one, two, _dhl = _cartons(wh)
    ship(wh, one, "1Z0000000001")
    app = make_app(sections=NO_PRINTER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, LookupScreen, "OPPICKER")
        assert "Order SO1: partially shipped" in await scan(pilot, "SO1")
        body = text_of(app, "#body")
        assert "PLAIN" in body and one in body and "1Z0000000001" in body
        assert two in body and "ready to ship" in body
        feedback = await scan(pilot, label(two))
        assert f"Carton {two}: order SO1, partially shipped" in feedback


async def test_returns_find_the_order_by_a_shipped_cartons_label(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    one, two, _dhl = _cartons(wh)
    ship(wh, one, "1Z0000000001")
    app = make_app(sections=NO_PRINTER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, ReturnsScreen, "OPRECEIVER")
        assert "has not shipped" in await scan(pilot, label(two))
        assert screen.step == "order"
        assert f"Carton {one}: order SO1" in await scan(pilot, label(one))
        assert screen.step == "item" and f"SO1  {one}" in text_of(app, "#body")
        assert "PLAIN            0/2" in text_of(app, "#body")
        assert "LOT              0/0" in text_of(app, "#body")  # packed, not shipped
        await scan(pilot, barcode(wh, "PLAIN"))
        assert "quarantine at QUA-01" in await press(pilot, "f3")
    again = make_app(sections=NO_PRINTER)
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await resume_flow(pilot, ReturnsScreen, "OPRECEIVER")
        assert screen.order is not None and screen.order.carton == one


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_shipping(
    snap_compare: Callable, make_app: Callable, ui_warehouse: SmallWarehouse, size: Any
) -> None:
    one, two, _dhl = _cartons(ui_warehouse)

    async def at_tracking(pilot: Any) -> None:
        await open_flow(pilot, ShippingScreen, "OPSHIPPER")
        await scan(pilot, "CMD:QTY:2")
        await scan(pilot, label(one))
        await scan(pilot, "1Z999AA10123456784")
        await scan(pilot, label(two))

    assert snap_compare(make_app(sections=NO_PRINTER), terminal_size=size, run_before=at_tracking)
