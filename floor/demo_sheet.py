"""The demo barcode sheet: badges, some locations, the carts and some totes, items and the
command barcodes of a warehouse, as a PDF a person can scan from paper or a screen with a
real scanner."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from floor.db import read_only
from floor.demo import COMMAND_BARCODES, DEMO_OPERATORS, DEMO_WAREHOUSE
from floor.models import Container, ContainerKind, Item, Location, Warehouse


def demo_sheet_data(
    engine: Engine,
    warehouse_code: str = DEMO_WAREHOUSE,
    *,
    locations: int = 12,
    items: int = 12,
    carts: int = 4,
    totes: int = 8,
):  # type: ignore[no-untyped-def]
    from labels.model import BarcodeSheet, SheetBarcode

    with read_only(engine) as s:
        warehouse_id = s.scalar(select(Warehouse.id).where(Warehouse.code == warehouse_code))
        locs = s.execute(
            select(Location.code, Location.check_digit)
            .where(Location.warehouse_id == warehouse_id, Location.kind == "rack")
            .order_by(Location.code)
            .limit(locations)
        ).all()
        docks = s.scalars(
            select(Location.code)
            .where(Location.warehouse_id == warehouse_id, Location.kind != "rack")
            .order_by(Location.code)
            .limit(4)
        ).all()
        rows = s.execute(
            select(Item.sku, Item.gtin, Item.description, Item.lot_tracked)
            .where(Item.gtin.is_not(None))
            .order_by(Item.sku)
            .limit(items)
        ).all()
        wanted = ((ContainerKind.CART.value, carts), (ContainerKind.TOTE.value, totes))
        containers = [
            (code, kind)
            for kind, limit in wanted
            for code in s.scalars(
                select(Container.code)
                .where(Container.kind == kind)
                .order_by(Container.code)
                .limit(limit)
            )
        ]
    badges = tuple(
        SheetBarcode(op.badge, f"{op.name} · PIN {op.pin} · {op.roles}") for op in DEMO_OPERATORS
    )
    loc_codes = tuple(
        SheetBarcode(f"{code}*{check}", f"{code} (check digits {check})") for code, check in locs
    ) + tuple(SheetBarcode(code, code) for code in docks)
    item_codes = tuple(
        SheetBarcode(gtin, f"{sku} {desc}" + (" (lot tracked)" if lot else ""))
        for sku, gtin, desc, lot in rows
    )
    carts_and_totes = tuple(
        SheetBarcode(code, f"{'Cart' if kind == ContainerKind.CART.value else 'Tote'} {code}")
        for code, kind in containers
    )
    commands = tuple(SheetBarcode(code, caption) for code, caption in COMMAND_BARCODES)
    return BarcodeSheet(
        title=f"floor demo barcodes · {warehouse_code}",
        badges=badges,
        locations=loc_codes,
        items=item_codes,
        commands=commands,
        containers=carts_and_totes,
    )


def write_demo_sheet(engine: Engine, path: str | Path, size: str = "a4") -> Path:
    from labels.render import render_pdf

    target = Path(path)
    target.write_bytes(render_pdf(demo_sheet_data(engine), size=size))
    return target
