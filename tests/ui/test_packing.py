"""Pilot: the pack bench screen — a tote, verified unit scans, a serial, the weight refused and
overridden by a supervisor, a simulated serial scale, a French and a Serbian packer;
snapshots at 80x24 and 40x16."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from floor.db import session_scope
from floor.devices.simulator import PtySimulator
from floor.models import PackedCarton, PrintJob
from floor.screens.packing import PackingScreen
from floor.stock import ledger
from tests.pack_support import EXP, picked_order, prepare_packing
from tests.support import SmallWarehouse, gtin
from tests.ui.conftest import open_flow, press, scan, settle, speaks, text_of

PLAIN, LOT, SER = gtin(1), gtin(2), gtin(3)
FOLDER = {"printer": {"kind": "folder"}}


def _orders(wh: SmallWarehouse) -> None:
    prepare_packing(wh)
    picked_order(wh, "SO1", [("PLAIN", 2), ("LOT", 1), ("SER", 1)], "TOTE01")
    picked_order(wh, "SO2", [("PLAIN", 1)], "TOTE02")


def _lot_label(lot: str = "L1") -> str:
    return f"]C101{LOT}17{EXP:%y%m%d}10{lot}"


async def _pack_so1(pilot: Any, screen: PackingScreen) -> None:
    """Scan TOTE01 and every unit of SO1 into carton 1."""
    await scan(pilot, "TOTE01")
    assert screen.step == "item"
    await scan(pilot, PLAIN)
    await scan(pilot, PLAIN)
    await scan(pilot, _lot_label())
    await scan(pilot, SER)
    assert screen.step == "serial"
    await scan(pilot, "SN002")


async def test_pack_an_order_with_refusals_and_a_supervisor_override(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = ui_warehouse
    _orders(wh)
    app = make_app(sections={"printer": {"kind": "folder", "folder": str(tmp_path / "out")}})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, PackingScreen, "OPPACKER")
        assert "Scan a tote or an order" in text_of(app, "#prompt")
        assert "Close carton" not in text_of(app, "#hints")
        feedback = await scan(pilot, "TOTE01")
        assert "Order SO1: 4 units to pack" in feedback
        assert "Carton 1 (" in text_of(app, "#prompt") and "Proposed:" in text_of(app, "#detail")
        assert "Close carton" in text_of(app, "#hints")
        feedback = await scan(pilot, gtin(4))  # on no order
        assert "not on order SO1" in feedback and "PLAIN ×2" in feedback
        await scan(pilot, PLAIN)
        await scan(pilot, PLAIN)
        assert "Extra unit" in await scan(pilot, PLAIN)
        assert "Wrong lot L9" in await scan(pilot, _lot_label("L9"))
        await scan(pilot, _lot_label())
        await scan(pilot, SER)
        assert screen.step == "serial" and "serial" in text_of(app, "#prompt")
        assert "never received" in await scan(pilot, "NOPE42")
        assert screen.step == "item"
        await scan(pilot, SER)
        feedback = await scan(pilot, "SN002")
        assert "SER SN002 packed" in feedback and "F5" in feedback
        assert "SER SN002 ×1" in text_of(app, "#body")
        await press(pilot, "f5")
        assert screen.step == "weigh" and "Expected" in text_of(app, "#detail")
        assert "No stable weight" in await press(pilot, "f2")  # no scale here
        await press(pilot, "9", "9", "9", "enter")  # keyed grams, far too heavy
        assert screen.step == "override_badge"
        assert "Weight 999 g, expected" in text_of(app, "#feedback")
        await scan(pilot, "OPSUPERVISOR")
        assert screen.step == "override_pin"
        await press(pilot, "1", "2", "3", "4", "enter")
        assert screen.step == "override_reason"
        feedback = await press(pilot, "2", "enter")
        assert "Carton 1 closed, SSCC 0" in feedback and "Order SO1 packed" in feedback
        assert screen.step == "start"
        await pilot.app.workers.wait_for_complete()
    with session_scope(wh.engine) as s:
        carton = s.scalars(select(PackedCarton)).one()
        assert (carton.weight_measured_g, carton.weight_source) == (999, "keyed")
        assert carton.weight_override_reason == "Packing material added"
        assert sorted(s.scalars(select(PrintJob.template))) == ["packing-slip", "shipping"]
        assert ledger.invariant_violations(s) == []


async def test_a_stable_reading_from_a_serial_scale_closes_the_carton(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = ui_warehouse
    _orders(wh)
    with PtySimulator(tmp_path / "scale") as simulator:
        app = make_app(sections={"scale": {"port": simulator.path}, "printer": {"kind": "none"}})
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_flow(pilot, PackingScreen, "OPPACKER")
            await scan(pilot, "TOTE02")
            await scan(pilot, PLAIN)
            await press(pilot, "f5")
            assert screen.view is not None and screen.view.carton is not None
            expected = screen.view.carton.expected_weight_g
            simulator.write(b"US,GS,+000.100kg\r\n")  # settling: not taken
            simulator.write(f"ST,GS,+{expected / 1000:07.3f}kg\r\n".encode())
            for _ in range(100):
                if screen.weight is not None and screen.weight.stable:
                    break
                await asyncio.sleep(0.05)
            await settle(pilot)
            assert "stable" in text_of(app, "#detail")
            feedback = await press(pilot, "f2")
            assert "Order SO2 packed" in feedback
    with session_scope(wh.engine) as s:
        carton = s.scalars(select(PackedCarton)).one()
        assert (carton.weight_measured_g, carton.weight_source) == (expected, "scale")


async def test_a_french_and_a_serbian_packer(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    _orders(wh)
    speaks(wh, "OPPACKER", "fr")
    app = make_app(sections={"printer": {"kind": "none"}})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, PackingScreen, "OPPACKER")
        assert "Scannez un bac ou une commande" in text_of(app, "#prompt")
        assert "Commande SO2" in await scan(pilot, "TOTE02")
        assert "Carton 1" in text_of(app, "#prompt") and "articles" in text_of(app, "#prompt")
        assert "appartient à la commande SO1, pas à SO2" in await scan(pilot, LOT)
        await scan(pilot, PLAIN)
        await press(pilot, "f5")
        assert "balance" in text_of(app, "#prompt")
        assert screen.view is not None and screen.view.carton is not None
        grams = screen.view.carton.expected_weight_g
        await press(pilot, *str(grams), "enter")
        assert "Commande SO2 emballée" in text_of(app, "#feedback")
    speaks(wh, "OPPACKER", "sr")  # the same bench, a Serbian packer
    app = make_app(sections={"printer": {"kind": "none"}})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, PackingScreen, "OPPACKER")
        assert "Скенирајте кутију или поруџбину" in text_of(app, "#prompt")
        await scan(pilot, "TOTE01")
        assert "Картон 1" in text_of(app, "#prompt")
        assert "Остало је само 2 PLAIN" in await scan(pilot, gtin(101))  # a case of 12


async def _packing_for_snapshot(pilot: Any) -> None:
    await open_flow(pilot, PackingScreen, "OPPACKER")
    await scan(pilot, "TOTE01")
    await scan(pilot, PLAIN)
    await scan(pilot, _lot_label())
    await scan(pilot, PLAIN)


def _snapshot_app(make_app: Callable, wh: SmallWarehouse) -> Any:
    _orders(wh)
    return make_app(sections={"printer": {"kind": "none"}})


def test_snapshot_packing_80x24(
    snap_compare: Callable, ui_warehouse: SmallWarehouse, make_app: Callable
) -> None:
    app = _snapshot_app(make_app, ui_warehouse)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_packing_for_snapshot)


def test_snapshot_packing_40x16(
    snap_compare: Callable, ui_warehouse: SmallWarehouse, make_app: Callable
) -> None:
    app = _snapshot_app(make_app, ui_warehouse)
    assert snap_compare(app, terminal_size=(40, 16), run_before=_packing_for_snapshot)
