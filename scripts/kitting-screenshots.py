#!/usr/bin/env python3
"""The screenshots of docs/flows/kitting.md, taken from the running station app.

Builds the demo warehouse in a temporary SQLite database, makes a kit work order for one of
the demo's kits and releases it, picks its components to the kitting bench with the picking
services (cart CART0001, tote TOTE0001), then drives the station app with Textual's Pilot
as the demo's kitter (OP1004) and admin (OP1007) and saves each step as SVG
(`App.save_screenshot`, the format of every image in docs/flows/img).

    .venv/bin/python scripts/kitting-screenshots.py [--out docs/flows/img]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, select  # noqa: E402

from floor.config import Settings  # noqa: E402
from floor.db import create_floor_engine, session_scope, transaction, upgrade  # noqa: E402
from floor.demo import DEMO_WAREHOUSE, build_demo  # noqa: E402
from floor.kitting import work_orders  # noqa: E402
from floor.kitting.bom import bom_of  # noqa: E402
from floor.models import Item, Operator, Warehouse  # noqa: E402
from floor.outbound import carts, picking  # noqa: E402


def prepare(engine: Engine) -> tuple[str, list[str], str]:
    """The demo, a work order of three kits released and picked to the bench.
    Returns (work order number, component barcodes one kit takes, a barcode not in it)."""
    build_demo(engine)
    with session_scope(engine) as s:
        warehouse = s.scalars(select(Warehouse).where(Warehouse.code == DEMO_WAREHOUSE)).one()
        kit = s.scalars(select(Item).where(Item.is_kit).order_by(Item.sku)).first()
        assert kit is not None
        bom = bom_of(s, kit.id)
        scans = []
        for component in bom.components:
            gtin = s.scalar(select(Item.gtin).where(Item.id == component.item_id))
            scans += [gtin] * component.quantity
        other = s.scalar(
            select(Item.gtin)
            .where(~Item.is_kit, Item.id.not_in([c.item_id for c in bom.components]))
            .order_by(Item.id)
            .limit(1)
        )
        number = work_orders.create_work_order(s, warehouse.id, kit.sku, 3).number
        later = s.scalars(select(Item.sku).where(Item.is_kit).order_by(Item.sku.desc())).first()
        work_orders.create_work_order(
            s, warehouse.id, later or kit.sku, 12, due=dt.date.today() + dt.timedelta(days=2)
        )
        picker = s.scalar(select(Operator.id).where(Operator.badge == "OP1001"))
        warehouse_id = warehouse.id
    transaction(engine, lambda s: work_orders.release_work_order(s, number))
    transaction(
        engine, lambda s: carts.start_cart(s, picker, warehouse_id, "CART0001", ["TOTE0001"])
    )
    while (view := transaction(engine, lambda s: picking.next_pick(s, picker))) is not None:
        transaction(
            engine,
            lambda s, v=view: picking.confirm_location(s, picker, v.task_id, code=v.location),
        )
        transaction(
            engine,
            lambda s, v=view: picking.confirm_pick(s, picker, v.task_id, v.remaining, v.tote),
        )
    return number, scans, other or ""


async def settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def log_in(pilot: Any, badge: str, pin: str) -> None:
    pilot.app.inject_scan(badge)
    await settle(pilot)
    pilot.app.login_as(badge, pin)
    await settle(pilot)


async def scan(pilot: Any, raw: str) -> None:
    pilot.app.inject_scan(raw)
    await settle(pilot)


async def bench_shots(
    app: Any, out: Path, size: tuple[int, int], scans: list[str], other: str
) -> None:
    from floor.screens.kitting import KittingScreen

    tag = f"{size[0]}x{size[1]}"
    async with app.run_test(size=size) as pilot:
        await log_in(pilot, "OP1004", "1004")
        app.open_flow(KittingScreen)
        await settle(pilot)
        if size == (80, 24):
            app.save_screenshot(f"kitting-start-{tag}.svg", str(out))
        await scan(pilot, "TOTE0001")
        await scan(pilot, scans[0])
        await scan(pilot, other)  # not in the kit: refused, what is still needed named
        app.save_screenshot(f"kitting-{tag}.svg", str(out))
        if size != (80, 24):
            return
        for code in scans[1:]:
            await scan(pilot, code)
        app.save_screenshot(f"kitting-complete-{tag}.svg", str(out))
        await pilot.press("f2")
        await settle(pilot)
        app.save_screenshot(f"kitting-produced-{tag}.svg", str(out))


async def orders_shot(app: Any, out: Path) -> None:
    from floor.screens.kit_orders import KitOrdersScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OP1007", "1007")
        app.open_flow(KitOrdersScreen)
        await settle(pilot)
        app.save_screenshot("kit-orders-80x24.svg", str(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "flows" / "img")
    args = parser.parse_args(argv)
    from floor.app import create_app

    with tempfile.TemporaryDirectory(prefix="floor-kit-shots-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        engine = create_floor_engine(url)
        upgrade(engine)
        number, scans, other = prepare(engine)
        settings = Settings(
            database_url=url,
            station="ST01",
            warehouse=DEMO_WAREHOUSE,
            language="en",
            data_dir=str(Path(tmp) / "data"),
            sections={"printer": {"kind": "none"}},
        )
        args.out.mkdir(parents=True, exist_ok=True)
        for size in ((80, 24), (40, 16)):
            asyncio.run(bench_shots(create_app(settings, engine), args.out, size, scans, other))
        asyncio.run(orders_shot(create_app(settings, engine), args.out))
        engine.dispose()
    print(f"{number}: screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
